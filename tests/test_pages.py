"""What every HTML page of ours has in its head, whoever looks at it (routes: tests/urlconf.py)."""

import re

import pytest
from django.test import Client

from tests.urlconf import build_world, covered_routes, url_of

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


def test_every_page_has_a_meta_description(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(tmp_path)
    clients = {}
    for role, user in world["users"].items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    pages, without = set(), []

    for name in covered_routes():
        if name.startswith("admin:"):  # Django's admin templates
            continue
        path = url_of(world, name)
        for role, client in clients.items():
            response = client.get(path)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            pages.add(name)
            descriptions = DESCRIPTION.findall(response.content.decode())
            if len(descriptions) != 1 or len(descriptions[0].strip()) < 20:
                without.append((name, role, descriptions))

    assert without == []
    assert {"events:camp", "voting:projector", "voting:room-sign", "account_login"} <= pages
