"""The camp's live versions (barcamp.live.versions), as the apps have always imported them."""

from barcamp.live.versions import *  # noqa: F403
from barcamp.live.versions import _memo, _votes_tokens  # noqa: F401
