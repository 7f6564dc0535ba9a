"""The URL conf as a list of pages, with a camp in which each of them has something to show: for
tests that walk every route (HEAD and CORS in tests/test_http_methods.py, axe in
tests/browser/test_accessibility.py)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver, reverse

from events import notifications, wall
from events.models import Camp, Notification
from sessions.models import SessionLink
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_session,
    make_slot,
    make_wish,
    open_voting,
)
from voting.grid import board

# Django's admin (but this project's own admin views) and its language switch are Django's, and
# answer HEAD as Django does; allauth's pages that need a key from an e-mail are left out too.
OWN_MODULES = ("barcamp.", "events.", "sessions.", "voting.")
ALLAUTH_PAGES = {
    "account_login",
    "account_signup",
    "account_request_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_email",
    "account_change_password",
    "account_logout",
}


def routes(resolver=None, namespaces=(), prefix=""):
    """(name, pattern, module of the view) of every route of the URL conf."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from routes(entry, inner, prefix + str(entry.pattern))
        else:
            name = ":".join((*namespaces, entry.name)) if entry.name else str(entry.pattern)
            yield name, prefix + str(entry.pattern), entry.callback.__module__


def covered_routes():
    return sorted(
        name
        for name, _pattern, module in routes()
        if module.startswith(OWN_MODULES) or name in ALLAUTH_PAGES
    )


def build_world(media_root):
    """A camp with a published plan, notes, a link, a wall post, a series' wish; a sponsor's logo
    in `media_root`; and the arguments of every route that takes more than the camp and session."""
    (media_root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n a sponsor's logo")
    series = make_series()
    camp = make_camp(series=series)
    open_voting(camp)
    room, slot = make_room(camp), make_slot(camp)
    host = make_participant(camp=camp, is_public=True)
    session = make_session(camp=camp, host=host)
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    # Notes that begin with "##": the page must still not skip a heading level.
    make_notes(session, "## Ergebnis\n\n- The first notes\n\n#### Offen\n\n- more")
    link = SessionLink.objects.create(session=session, title="Pad", url="https://pad.example")
    organizer = make_organizer(camp)
    post = wall.show_post(
        post=wall.post_message(camp=camp, participant=host, text="Hi"), by=organizer
    )
    wish = make_wish(series)
    unsubscribe = notifications.unsubscribe_url(host.user, Notification.REMINDER)
    args = {
        "healthz": [],
        "readyz": [],
        "privacy": [],
        "my-data": [],
        "media/<path:path>": ["logo.png"],
        "events:unsubscribe": [unsubscribe.rstrip("/").rsplit("/", 1)[1]],
        "events:door-ticket": [camp.slug, host.ticket_code],
        "events:wall-post": [camp.slug, post.pk],
        "sessions:wishes": [series.slug],
        "sessions:wish-vote": [series.slug, wish.pk],
        "sessions:wish-hide": [series.slug, wish.pk],
        "sessions:cohost": [camp.slug, session.pk, session.invite_token],
        "voting:notes-revision": [camp.slug, session.pk, 1],
        "voting:remove-link": [camp.slug, session.pk, link.pk],
        "voting:agenda-ics": [camp.slug, host.calendar_token],
        "voting:room-sign": [camp.slug, room.pk],
        "admin:events_series_next_camp": [series.pk],
        "admin:events_camp_generate_slots": [camp.pk],
        "admin:view_on_site": [ContentType.objects.get_for_model(Camp).pk, camp.pk],
    }
    return {
        "camp": camp,
        "session": session,
        "args": args,
        "users": {"anonymous": None, "teilgeber": host.user, "organizer": organizer},
    }


def url_of(world, name):
    args = world["args"].get(name)
    if name == "media/<path:path>":
        return settings.MEDIA_URL + args[0]
    if args is None:
        pattern = next(p for n, p, _module in routes() if n == name)
        args = [world["camp"].slug] if "<slug:camp_slug>" in pattern else []
        if "<int:session_id>" in pattern:
            args.append(world["session"].pk)
    return reverse(name, args=args)
