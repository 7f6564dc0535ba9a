"""Small factories: each makes one valid object; keyword arguments override its fields."""

import datetime
import itertools

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import Camp, Participant, Room, Series, Slot, Sponsor
from sessions.models import Session, SessionHost, TopicWish, WishVote
from voting.models import Vote, VotingDay

_counter = itertools.count(1)


def make_user(**overrides):
    """An account with a verified address and the name its person chose (first_name="": none)."""
    number = next(_counter)
    fields = {
        "username": f"user{number}",
        "email": f"user{number}@example.org",
        "first_name": f"Person {number}",
    }
    fields.update(overrides)
    password = fields.pop("password", None)
    user = get_user_model().objects.create(**fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_organizer(camp=None, **overrides):
    user = make_user(is_staff=True, **overrides)
    if camp:
        camp.organizers.add(user)
    return user


def make_camp(**overrides):
    number = next(_counter)
    start = timezone.localdate() + datetime.timedelta(days=30)
    fields = {
        "name": f"Barcamp {number}",
        "slug": f"barcamp-{number}",
        "start_date": start,
        "end_date": start,
        "capacity": 100,
        "venue_name": "Stadthalle",
    }
    fields.update(overrides)
    return Camp.objects.create(**fields)


def make_participant(camp=None, user=None, **overrides):
    fields = {
        "camp": camp or make_camp(),
        "user": user or make_user(),
        "status": Participant.Status.REGISTERED,
        "display_name": "Teilgeber",
    }
    fields.update(overrides)
    return Participant.objects.create(**fields)


def make_room(camp, **overrides):
    fields = {"camp": camp, "name": f"Room {next(_counter)}", "capacity": 30}
    fields.update(overrides)
    return Room.objects.create(**fields)


def make_slot(camp, **overrides):
    fields = {
        "camp": camp,
        "date": camp.start_date,
        "start": datetime.time(10, 0),
        "end": datetime.time(10, 45),
    }
    fields.update(overrides)
    return Slot.objects.create(**fields)


def make_sponsor(camp, **overrides):
    fields = {"camp": camp, "name": f"Sponsor {next(_counter)}"}
    fields.update(overrides)
    return Sponsor.objects.create(**fields)


def make_session(camp=None, host=None, **overrides):
    """A session proposed by `host` (a registered Teilgeber made on the fly if not given)."""
    camp = camp or (host.camp if host else make_camp())
    host = host or make_participant(camp=camp)
    fields = {"camp": camp, "title": f"Session {next(_counter)}", "day": camp.start_date}
    fields.update(overrides)
    session = Session.objects.create(**fields)
    SessionHost.objects.create(session=session, participant=host, is_proposer=True)
    return session


def open_voting(camp, date=None):
    VotingDay.objects.update_or_create(
        camp=camp, date=date or camp.start_date, defaults={"state": VotingDay.State.OPEN}
    )


def make_vote(session, participant=None):
    return Vote.objects.create(
        session=session, participant=participant or make_participant(camp=session.camp)
    )


def make_placed_session(camp=None, *, room=None, slot=None, publish=True, **overrides):
    """A session moved into a cell of the grid (a room and slot made if not given), and the day's
    plan published with it unless `publish` is False."""
    from voting.grid import board

    session = make_session(camp=camp, **overrides)
    camp = session.camp
    room = room or make_room(camp)
    slot = slot or make_slot(camp, date=session.day)
    board.move_session(session=session, room=room, slot=slot)
    if publish:
        board.publish_plan(camp=camp, date=session.day)
    return session


def make_notes(session, *texts, author=None):
    """Save the texts one after another as revisions of the session's notes."""
    from sessions import services
    from sessions.models import SessionNotes

    author = author or session.hosts.first().participant
    saved = None
    for text in texts:
        current = SessionNotes.objects.filter(session=session).values_list("revision", flat=True)
        saved = services.save_notes(
            session=session,
            user=author.user,
            participant=author,
            text=text,
            base_revision=current.first() or 0,
        )
    return saved


def make_series(**overrides):
    number = next(_counter)
    fields = {"name": f"Barcamp series {number}", "slug": f"series-{number}"}
    fields.update(overrides)
    return Series.objects.create(**fields)


def make_wish(series, *, by=None, votes=(), **overrides):
    """A topic wish of the series proposed by `by` (a user), with a vote of each user in `votes`."""
    fields = {"series": series, "title": f"Wish {next(_counter)}", "proposed_by": by}
    fields.update(overrides)
    wish = TopicWish.objects.create(**fields)
    WishVote.objects.bulk_create([WishVote(wish=wish, user=user) for user in votes])
    return wish
