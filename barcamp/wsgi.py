import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barcamp.settings")
application = get_wsgi_application()

from barcamp.middleware import LivePolls, WholeBodies  # noqa: E402  (needs the settings set up above)

application = LivePolls(WholeBodies(application))
