import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barcamp.settings")
# What django.core.wsgi.get_wsgi_application() does, with the project's handler.
django.setup(set_prefix=False)

from barcamp.handler import Handler  # noqa: E402  (needs the apps loaded above)
from barcamp.live.polls import LivePolls  # noqa: E402
from barcamp.middleware import WholeBodies  # noqa: E402

application = LivePolls(WholeBodies(Handler()))
