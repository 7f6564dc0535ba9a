"""
Django's cached_db sessions (SESSION_ENGINE with REDIS_URL), each knowing its user.

The cache keys stay Django's (`cache_key_prefix`): the rows moved over from Django's own table
(events/migrations) are the same sessions, so their cached copies stay good, and none is left
behind in the cache under a name nothing deletes.
"""

from django.contrib.sessions.backends import cached_db

from . import KnowsItsUser


class SessionStore(KnowsItsUser, cached_db.SessionStore):
    pass
