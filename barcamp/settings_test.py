"""Test settings: the production settings with what tests need changed, nothing else."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-used-anywhere-else-0123456789")

from .settings import *  # noqa: E402,F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server for browser and parallel tests speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["*"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if "pool" in DATABASES["default"].get("OPTIONS", {}):  # noqa: F405
    # The suite runs test workers, live servers and browsers on a few cores: there a wait for a
    # connection longer than production's DATABASE_POOL_TIMEOUT is load, not a lost database.
    DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = float(  # noqa: F405
        os.environ.get("DATABASE_POOL_TIMEOUT", "10")
    )
