from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.conftest import PHONE, PROJECTOR
from tests.http import session_cookie_for

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def open_as(browser, live_server):
    """open_as(user, size) -> a page in a fresh browser context, logged in as user (or anonymous)."""
    contexts = []

    def open_page(user=None, viewport=PHONE, language="en"):
        context = browser.new_context(viewport=viewport, locale="de-DE")
        host = urlsplit(live_server.url).hostname
        cookies = [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}
        ]
        if user is not None:
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie_for(user),
                    "domain": host,
                    "path": "/",
                }
            )
        context.add_cookies(cookies)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


__all__ = ["LAPTOP", "PHONE", "PROJECTOR"]
