"""Every field of the apps' models is kept by the camp backup and covered by the GDPR export and
erasure, or NOT_COVERED says why not: a new field cannot be forgotten.

The fields come from the model registry, and each is checked on data, not by its name:

- backup: changing the field in a row of a full camp changes the camp's file;
- export: changing the field in a row that belongs to a person (it points at their account or
  at one of their Teilgeber records) changes that person's download; a link from a shared row to
  people (the camp's organizers) counts as the person's when removing them changes it;
- erasure: after the person deletes their account, and after a past camp's personal data is
  erased, no row points at them any more (the row is gone or the link is cut).

An entry of NOT_COVERED that is covered after all fails too, so that the list stays true.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from events.models import (
    Camp,
    LoginSession,
    NotificationSettings,
    Participant,
    SentNotification,
)
from sessions import services as session_services
from tests.factories import (
    make_camp,
    make_notes,
    make_participant,
    make_series,
    make_session,
    make_user,
    make_vote,
    make_wish,
)
from tests.voting.test_backup import full_camp
from voting.models import SessionFeedback
from voting.records import backup, privacy

pytestmark = pytest.mark.django_db

APPS = ["events", "barcamp_sessions", "voting"]
BACKUP, EXPORT, ERASURE = "backup", "export", "erasure"

# (field, aspect, reason): what is not kept, and why. "*.id" stands for every primary key.
NOT_COVERED = [
    ("*.id", BACKUP, "the file refers to rows by natural keys; a restored row gets a new id"),
    ("*.id", EXPORT, "a number of the database, nothing about the person"),
    # The account: the file carries who the Teilgeber and organizers are, the site keeps its
    # accounts (an import matches people by e-mail address, or makes a login-by-code account).
    ("auth.User.password", BACKUP, "people log in by code or set a new password"),
    ("auth.User.password", EXPORT, "a hash; the download says whether a password is set"),
    ("auth.User.username", BACKUP, "an internal handle; an import makes one from the address"),
    ("auth.User.last_name", BACKUP, "the app asks for one name, kept in first_name"),
    ("auth.User.last_login", BACKUP, "the site's log of its own accounts"),
    ("auth.User.date_joined", BACKUP, "the site's log of its own accounts"),
    ("auth.User.is_active", BACKUP, "a site's permission, not the camp's"),
    ("auth.User.is_staff", BACKUP, "a site's permission, not the camp's"),
    ("auth.User.is_superuser", BACKUP, "a site's permission, not the camp's"),
    ("auth.User.groups", BACKUP, "a site's permission, not the camp's"),
    ("auth.User.user_permissions", BACKUP, "a site's permission, not the camp's"),
    ("auth.User.groups", EXPORT, "the app gives no permissions through groups"),
    ("auth.User.user_permissions", EXPORT, "the app gives no permissions one by one"),
    # When a row was written: a restored row is written at the import.
    ("events.Series.created_at", BACKUP, "when the row was written"),
    ("events.Camp.created_at", BACKUP, "when the row was written"),
    ("events.Participant.created_at", BACKUP, "status_changed_at says since when"),
    ("barcamp_sessions.Session.created_at", BACKUP, "when the row was written"),
    ("barcamp_sessions.Session.updated_at", BACKUP, "when the row was written"),
    ("barcamp_sessions.SessionHost.created_at", BACKUP, "when the row was written"),
    ("barcamp_sessions.WishVote.created_at", BACKUP, "when the row was written"),
    ("voting.Vote.created_at", BACKUP, "when the row was written; votes have no order"),
    ("voting.VotingDay.changed_at", BACKUP, "when the row was written"),
    ("voting.LivePitch.changed_at", BACKUP, "when the row was written"),
    ("voting.PublishedPlan.published_at", BACKUP, "when the row was written"),
    ("voting.SessionFeedback.created_at", BACKUP, "when the row was written"),
    ("voting.SessionFeedback.updated_at", BACKUP, "when the row was written"),
    ("voting.CampFeedback.created_at", BACKUP, "when the row was written"),
    ("voting.CampFeedback.updated_at", BACKUP, "when the row was written"),
    ("events.NotificationSettings.updated_at", BACKUP, "when the row was written"),
    # Secrets and guards of the moment.
    ("events.Participant.calendar_token", BACKUP, "a secret feed link; a restore makes new ones"),
    ("events.Participant.calendar_token", EXPORT, "a secret, nothing about the person"),
    ("barcamp_sessions.Session.invite_token", BACKUP, "a secret link; a restore makes new ones"),
    ("events.Announcement.nonce", BACKUP, "guards against a double tap while it is sent"),
    ("events.WallPost.nonce", BACKUP, "guards against a double tap while it is sent"),
    ("events.WallPost.nonce", EXPORT, "guards against a double tap while it is sent"),
    (
        "barcamp_sessions.SessionHost.is_proposer",
        BACKUP,
        "the file lists the proposer first; an import makes the first host the proposer",
    ),
    # Derived from other rows, which the file carries.
    ("barcamp_sessions.SessionNotes.text", BACKUP, "the latest revision's text"),
    ("barcamp_sessions.SessionNotes.revision", BACKUP, "the latest revision's number"),
    ("barcamp_sessions.SessionNotes.updated_at", BACKUP, "the latest revision's time"),
    # The board's working state and the app's logs.
    ("voting.GridDay.planned_at_version", BACKUP, "a restored board re-plans its draft once"),
    ("voting.GridDay.hosts_notified_version", BACKUP, "the log of mails sent, which stays"),
    ("voting.GridDay.hosts_notice_due_at", BACKUP, "the log of mails sent, which stays"),
    ("voting.BoardSnapshot.camp", BACKUP, "the board's undo history stays"),
    ("voting.BoardSnapshot.date", BACKUP, "the board's undo history stays"),
    ("voting.BoardSnapshot.label", BACKUP, "the board's undo history stays"),
    ("voting.BoardSnapshot.state", BACKUP, "the board's undo history stays"),
    ("voting.BoardSnapshot.created_at", BACKUP, "the board's undo history stays"),
    ("events.SentNotification.user", BACKUP, "the log of mails sent stays"),
    ("events.SentNotification.camp", BACKUP, "the log of mails sent stays"),
    ("events.SentNotification.kind", BACKUP, "the log of mails sent stays"),
    ("events.SentNotification.key", BACKUP, "the log of mails sent stays"),
    ("events.SentNotification.sent_at", BACKUP, "the log of mails sent stays"),
    # Erasing a camp's personal data keeps what outlives the camp.
    ("events.LoginSession.session_key", BACKUP, "a login on one device, not the camp's"),
    (
        "events.LoginSession.session_key",
        EXPORT,
        "a login's technical record; deleting the account ends them all",
    ),
    ("events.LoginSession.session_data", BACKUP, "a login on one device, not the camp's"),
    (
        "events.LoginSession.session_data",
        EXPORT,
        "a login's technical record; deleting the account ends them all",
    ),
    ("events.LoginSession.expire_date", BACKUP, "a login on one device, not the camp's"),
    (
        "events.LoginSession.expire_date",
        EXPORT,
        "a login's technical record; deleting the account ends them all",
    ),
    ("events.LoginSession.user_id", BACKUP, "a login on one device, not the camp's"),
    (
        "events.LoginSession.user_id",
        EXPORT,
        "a login's technical record; deleting the account ends them all",
    ),
    ("events.Camp.organizers", ERASURE, "the organizers run the camp; leaving deletes them"),
    ("events.NotificationSettings.user", ERASURE, "the account's choice; leaving deletes it"),
    ("barcamp_sessions.TopicWish.proposed_by", ERASURE, "wishes belong to the series"),
    ("barcamp_sessions.WishVote.user", ERASURE, "wishes belong to the series"),
]


def excluded(field, aspect):
    names = {f"{field.model._meta.label}.{field.name}", f"*.{field.name}"}
    return any(name in names and kind == aspect for name, kind, _ in NOT_COVERED)


def project_models():
    yield get_user_model()
    for label in APPS:
        yield from apps.get_app_config(label).get_models()


def fields_of(model):
    """Its columns, and its own many-to-many links (not those other models point in with)."""
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete or (field.many_to_many and not field.auto_created)
    ]


def all_fields():
    return [field for model in project_models() for field in fields_of(model)]


def field_id(field):
    return f"{field.model._meta.label}.{field.name}"


def points_at_people(field):
    return field.is_relation and field.related_model in (get_user_model(), Participant)


def other_values(row, field):
    """Values the field could take instead of its current one, the likeliest to fit first."""
    if field.many_to_many:
        linked = list(getattr(row, field.name).values_list("pk", flat=True))
        yield linked[1:]
        yield [*linked, *field.related_model.objects.exclude(pk__in=linked).values_list("pk")[:1]]
        return
    value = getattr(row, field.attname)
    if field.is_relation:
        if value is not None and field.null:
            yield None
        yield from field.related_model.objects.exclude(pk=value).values_list("pk", flat=True)
        return
    if field.choices:
        yield from (choice for choice, _ in field.flatchoices if choice != value)
        return
    if value is None:
        yield from SAMPLES[next(kind for kind in SAMPLES if isinstance(field, kind))]
        return
    if isinstance(field, models.BooleanField):
        yield not value
    elif isinstance(field, models.IntegerField):
        yield from (value + 1, value - 1)
    elif isinstance(field, models.DateField):  # DateTimeField too
        yield from (value + datetime.timedelta(days=1), value - datetime.timedelta(days=1))
    elif isinstance(field, models.TimeField):
        moment = datetime.datetime.combine(datetime.date.today(), value)
        yield from ((moment + datetime.timedelta(minutes=m)).time() for m in (1, -1))
    elif isinstance(field, models.JSONField):
        if isinstance(value, dict):
            yield {key: value[key] for key in list(value)[:-1]} if value else {"x": 1}
        else:
            yield value[:-1] if value else ["x"]
    elif isinstance(field, models.FileField):
        stem, dot, suffix = str(value).rpartition(".")
        yield f"{stem}x.{suffix}" if dot else f"{value}x"
    elif isinstance(field, models.EmailField):
        yield f"x{value}"
    elif isinstance(field, models.URLField):
        yield f"{value}x" if value else "https://example.org/x"
    elif isinstance(field, (models.CharField, models.TextField)):
        yield from (f"{value}x", f"{value[:-1]}x", "x")
    else:
        raise AssertionError(f"{field_id(field)}: teach other_values() a {type(field).__name__}")


SAMPLES = {
    models.DateTimeField: [timezone.now()],
    models.DateField: [datetime.date(2026, 5, 1)],
    models.TimeField: [datetime.time(12, 0)],
    models.IntegerField: [1],
    models.JSONField: [["x"]],
    models.FileField: ["x.pdf"],
    models.URLField: ["https://example.org/x"],
    models.CharField: ["x"],
    models.TextField: ["x"],
}


def changes(output, before, rows, field):
    """Whether giving the field another value in one of the rows changes output() from `before`
    (undone after); None if the database's rules let no other value in."""
    tried = False
    for row in rows:
        for value in other_values(row, field):
            try:
                with transaction.atomic():
                    if field.many_to_many:
                        getattr(row, field.name).set(value)
                    else:
                        type(row).objects.filter(pk=row.pk).update(**{field.attname: value})
                    after = output()
                    transaction.set_rollback(True)
            except (IntegrityError, DataError):
                continue  # the database's rules refuse this value: try the next
            if after != before:
                return True
            tried = True
            break  # one fitting value per row tells
    return False if tried else None


def as_text(data):
    return json.dumps(data, sort_keys=True, default=str)


def every_kind_of_row():
    """full_camp() of the backup's tests, with a series, wishes, settings and mails;
    Anna (its host) has a row in every model that belongs to a person."""
    camp = full_camp()
    anna = camp.participants.get(display_name="Anna")
    camp.series = make_series(name="Barcamp Köln", description="Every May")
    camp.save()
    session = camp.sessions.order_by("pk").first()
    make_vote(session, anna)
    SessionFeedback.objects.filter(participant__isnull=True).update(participant=anna)
    make_notes(session, "# Notes\n\nby Anna", author=anna)
    wish = make_wish(camp.series, title="Rust", by=anna.user, votes=[anna.user, make_user()])
    session_services.add_slides(
        session=session,
        user=anna.user,
        participant=anna,
        title="Folien",
        file=ContentFile(b"%PDF-1.7\n% Anna's\n", name="a.pdf"),
    )
    wish.session = camp.sessions.order_by("pk").last()
    wish.save()
    NotificationSettings.objects.create(user=anna.user, plan_published=True, reminder=False)
    SentNotification.objects.create(user=anna.user, camp=camp, kind="reminder", key="reminder:1")
    LoginSession.objects.create(
        session_key="anna-on-her-phone",
        session_data="",
        expire_date=timezone.now() + datetime.timedelta(days=14),
        user_id=anna.user.pk,
    )
    camp.organizers.add(anna.user)
    day = camp.grid_days.get()
    day.hosts_notice_due_at = timezone.now()
    day.save()
    # Rows for links to point at instead: a Teilgeber without data, a session nobody placed with
    # notes of its own, a series and a wish nobody voted for, another camp.
    make_participant(camp=camp)
    make_notes(make_session(camp=camp, title="Elsewhere"), "# Other notes")
    make_wish(make_series(), title="Go")
    make_camp()
    return camp, anna


def check(aspect, fields, is_covered):
    """The fields that are neither covered nor excluded, those excluded though covered, and those
    the data gives no other value to try."""
    found = {MISSING: [], STALE: [], UNTRIED: []}
    for field in fields:
        if field.primary_key:
            assert excluded(field, aspect), f"{field_id(field)}: a primary key is data here?"
            continue
        covered = is_covered(field)
        if covered is None:
            found[UNTRIED].append(field_id(field))
        elif not covered and not excluded(field, aspect):
            found[MISSING].append(field_id(field))
        elif covered and excluded(field, aspect):
            found[STALE].append(field_id(field))
    return found


MISSING = "neither covered nor in NOT_COVERED"
STALE = "in NOT_COVERED but covered"
UNTRIED = "no other value fits: give every_kind_of_row() more rows"
NOTHING_WRONG = {MISSING: [], STALE: [], UNTRIED: []}


@pytest.mark.slow  # a camp file per field: some 200 of them
def test_every_field_is_in_the_camp_backup_or_excluded_with_a_reason():
    camp, _ = every_kind_of_row()

    def output():
        try:
            return as_text(backup.export_camp(camp=Camp.objects.get(pk=camp.pk)))
        except LookupError as error:  # the file refers to a row moved elsewhere: it depends on it
            return repr(error)

    def is_covered(field):
        model = field.model
        rows = [camp] if model is Camp else list(model.objects.order_by("pk")[:3])
        assert rows, f"every_kind_of_row() makes no {model._meta.label}: add one"
        return changes(output, before, rows, field)

    before = output()
    assert check(BACKUP, all_fields(), is_covered) == NOTHING_WRONG


def personal_rows(model, user):
    """The rows that point at the user's account or at one of their Teilgeber records."""
    if model is get_user_model():
        return model.objects.filter(pk=user.pk)
    links = [f for f in fields_of(model) if points_at_people(f) and not f.many_to_many]
    if not links:
        return None
    query = Q()
    for link in links:
        through = "" if link.related_model is get_user_model() else "__user"
        query |= Q(**{f"{link.name}{through}": user})
    return model.objects.filter(query).order_by("pk")


@pytest.mark.slow  # a download per field
def test_every_field_about_a_person_is_in_their_download_or_excluded_with_a_reason():
    _, anna = every_kind_of_row()
    user = anna.user

    def output():
        data = privacy.export_user_data(user=get_user_model().objects.get(pk=user.pk))
        return as_text({**data, "exported_at": None})

    def is_covered(field):
        model = field.model
        if field.many_to_many and points_at_people(field):
            # A shared row (a camp) lists people: removing the person tells.
            with transaction.atomic():
                for row in model.objects.filter(**{field.name: user}):
                    getattr(row, field.name).remove(user)
                after = output()
                transaction.set_rollback(True)
            return after != before
        rows = personal_rows(model, user)
        if rows is None:
            return None  # nobody's: nothing to cover
        rows = list(rows[:3])
        assert rows, f"every_kind_of_row() gives Anna no {model._meta.label}: add one"
        return changes(output, before, rows, field)

    before = output()
    fields = [
        f
        for f in all_fields()
        if personal_rows(f.model, user) is not None or (f.many_to_many and points_at_people(f))
    ]

    assert check(EXPORT, fields, is_covered) == NOTHING_WRONG


def people_fields():
    return [field for field in all_fields() if points_at_people(field)]


def test_leaving_leaves_no_row_that_points_at_the_person():
    _, anna = every_kind_of_row()
    user_pk = anna.user.pk
    teilgeber = list(Participant.objects.filter(user=anna.user).values_list("pk", flat=True))
    assert all(
        field.model.objects.filter(
            **{field.name: user_pk if to_user(field) else teilgeber[0]}
        ).exists()
        for field in people_fields()
        if field.model is not get_user_model()
    ), "every_kind_of_row() should link Anna everywhere"

    privacy.delete_account(user=anna.user, keep_sessions=True)

    assert [
        field_id(field)
        for field in people_fields()
        if field.model.objects.filter(
            **{f"{field.name}__in": [user_pk] if to_user(field) else teilgeber}
        ).exists()
    ] == []


def to_user(field):
    return field.related_model is get_user_model()


def test_erasing_a_camp_leaves_no_row_that_points_at_a_person_or_excluded_with_a_reason():
    camp, _ = every_kind_of_row()
    past = timezone.localdate() - datetime.timedelta(days=3)
    Camp.objects.filter(pk=camp.pk).update(start_date=past, end_date=past)

    privacy.erase_camp_personal_data(camp=Camp.objects.get(pk=camp.pk))

    def is_covered(field):
        return not field.model.objects.filter(**{f"{field.name}__isnull": False}).exists()

    assert check(ERASURE, people_fields(), is_covered) == NOTHING_WRONG
