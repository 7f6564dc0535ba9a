"""Feedback after the sessions and the camp: the rules of who may rate when, and the summaries.

A session's feedback opens when it starts by the published plan of its day (the only times
the Teilgeber saw), so it lives in `voting`, which owns the plan. Feedback is anonymous to
hosts and organizers: summaries and exports never carry a name.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from events.models import Slot
from sessions.models import Session
from voting.grid.queries import latest_published
from voting.models import CampFeedback, Rating, SessionFeedback

RATINGS = Rating.values


class FeedbackError(Exception):
    """A rule of feedback says no (not yet, own session, …); the message is meant for the person."""


class FeedbackNotAllowed(FeedbackError):
    """The person may not give feedback in this camp at all (not a registered Teilgeber)."""


# --- When feedback opens ---------------------------------------------------------------------


def session_starts_at(session):
    """When the session starts by the newest published plan of its day, or None if it is not in it."""
    plan = latest_published(session.camp, session.day)
    if plan is None:
        return None
    row = next((row for row in plan.placements if row["session"] == session.pk), None)
    if row is None:
        return None
    slot = Slot.objects.filter(pk=row["slot"], camp_id=session.camp_id).first()
    if slot is None:
        return None
    return datetime.datetime.combine(slot.date, slot.start, tzinfo=session.camp.tz)


def camp_feedback_opens_at(camp):
    """The start of the camp's first day: its first slot, or midnight if the day has no slots."""
    first = Slot.objects.filter(camp=camp, date=camp.start_date).order_by("start").first()
    return datetime.datetime.combine(
        camp.start_date, first.start if first else datetime.time(0, 0), tzinfo=camp.tz
    )


def started_session_ids(grid, now):
    """Ids of the grid's sessions whose slot has begun at `now` (camp time): no query."""
    if grid is None:
        return set()
    started = set()
    for row in grid.rows:
        begun = (grid.date, row.slot.start) <= (now.date(), now.time())
        for cell in row.cells:
            if begun and cell.session and not cell.continued:
                started.add(cell.session.pk)
    return started


def _check_teilgeber(participant, camp):
    if participant is None or participant.camp_id != camp.pk or not participant.is_registered:
        raise FeedbackNotAllowed(_("Only registered Teilgeber of the camp can give feedback."))


def check_session_feedback(*, session, participant, now=None):
    """Raise unless the Teilgeber may rate the session now: registered, not its host, and it has started."""
    _check_teilgeber(participant, session.camp)
    if not session.is_visible:
        raise FeedbackError(_("This session is not held: there is nothing to rate."))
    if session.hosts.filter(participant=participant).exists():
        raise FeedbackError(_("You host this session: its feedback is for the others to give."))
    starts_at = session_starts_at(session)
    if starts_at is None:
        raise FeedbackError(
            _("This session is not in the published plan: feedback opens when it has started.")
        )
    now = now or timezone.now()
    if now < starts_at:
        local = timezone.localtime(starts_at, session.camp.tz)
        raise FeedbackError(
            _("Feedback opens when the session starts, on %(day)s at %(time)s.")
            % {
                "day": date_format(local.date(), "SHORT_DATE_FORMAT"),
                "time": time_format(local, "H:i"),
            }
        )


def check_camp_feedback(*, camp, participant, now=None):
    """Raise unless the Teilgeber may give the camp feedback now: registered, and the camp has begun."""
    _check_teilgeber(participant, camp)
    opens_at = camp_feedback_opens_at(camp)
    if (now or timezone.now()) < opens_at:
        local = timezone.localtime(opens_at, camp.tz)
        raise FeedbackError(
            _("The camp's feedback opens when the camp begins, on %(day)s at %(time)s.")
            % {
                "day": date_format(local.date(), "SHORT_DATE_FORMAT"),
                "time": time_format(local, "H:i"),
            }
        )


def _check_rating(rating):
    if rating not in RATINGS:
        raise FeedbackError(_("Choose a rating from 1 to 5."))


# --- Writes ----------------------------------------------------------------------------------


def rate_session(*, session, participant, rating, comment="", now=None):
    """One rating (1–5) and an optional comment per Teilgeber and started session; rating again replaces it."""
    _check_rating(rating)
    check_session_feedback(session=session, participant=participant, now=now)
    with transaction.atomic():
        feedback, _created = SessionFeedback.objects.update_or_create(
            session=session,
            participant=participant,
            defaults={"rating": rating, "comment": comment.strip()},
        )
    return feedback


def give_camp_feedback(*, camp, participant, rating, good="", improve="", come_again="", now=None):
    """One feedback on the whole camp per Teilgeber, from the first day's start on; giving it again replaces it."""
    _check_rating(rating)
    if come_again not in {"", *CampFeedback.ComeAgain.values}:
        raise FeedbackError(_("Answer “would you come again” with yes, maybe or no."))
    check_camp_feedback(camp=camp, participant=participant, now=now)
    with transaction.atomic():
        feedback, _created = CampFeedback.objects.update_or_create(
            camp=camp,
            participant=participant,
            defaults={
                "rating": rating,
                "good": good.strip(),
                "improve": improve.strip(),
                "come_again": come_again,
            },
        )
    return feedback


# --- Reads -----------------------------------------------------------------------------------


@dataclass
class Summary:
    """Count, average and distribution of ratings; comments without names."""

    ratings: list = field(default_factory=list)
    comments: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.ratings)

    @property
    def average(self):
        return round(sum(self.ratings) / len(self.ratings), 1) if self.ratings else None

    @property
    def distribution(self):
        """
        [(rating, count, percent of all ratings)] from 5 down to 1, for bars: a bar's length is
        its share of the ratings, so a single rating is one bar of one, not a full bar.
        """
        counts = {rating: self.ratings.count(rating) for rating in RATINGS}
        total = len(self.ratings) or 1
        return [
            (rating, counts[rating], round(100 * counts[rating] / total))
            for rating in reversed(RATINGS)
        ]


def session_summary(session):
    """The session's feedback as its hosts see it (one query); comments best-rated first."""
    rows = SessionFeedback.objects.filter(session=session).order_by("-rating", "comment")
    summary = Summary()
    for rating, comment in rows.values_list("rating", "comment"):
        summary.ratings.append(rating)
        if comment:
            summary.comments.append(comment)
    return summary


def camp_session_summaries(camp):
    """[(session, Summary)] of every session of the camp with feedback, by day and title (two queries)."""
    rows = SessionFeedback.objects.filter(session__camp=camp).order_by("-rating", "comment")
    summaries = {}
    for session_id, rating, comment in rows.values_list("session_id", "rating", "comment"):
        summary = summaries.setdefault(session_id, Summary())
        summary.ratings.append(rating)
        if comment:
            summary.comments.append(comment)
    sessions = (
        Session.objects.filter(pk__in=summaries)
        .select_related("camp")
        .order_by("day", "title", "pk")
    )
    return [(session, summaries[session.pk]) for session in sessions]


@dataclass
class CampSummary(Summary):
    good: list = field(default_factory=list)
    improve: list = field(default_factory=list)
    come_again: dict = field(default_factory=dict)


def camp_summary(camp):
    """The camp's feedback: ratings, what was good, what to improve, would come again (one query)."""
    summary = CampSummary(come_again={value: 0 for value in CampFeedback.ComeAgain.values})
    rows = CampFeedback.objects.filter(camp=camp).order_by("-rating", "good", "improve")
    for rating, good, improve, come_again in rows.values_list(
        "rating", "good", "improve", "come_again"
    ):
        summary.ratings.append(rating)
        if good:
            summary.good.append(good)
        if improve:
            summary.improve.append(improve)
        if come_again:
            summary.come_again[come_again] += 1
    return summary


def counts_with_feedback(camp):
    """{session id: number of ratings} of the camp (one query)."""
    return dict(
        SessionFeedback.objects.filter(session__camp=camp)
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )


# --- CSV -------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def session_feedback_csv(camp):
    """Every session rating of the camp, one row each, without names: day, session, rating, comment."""
    rows = (
        SessionFeedback.objects.filter(session__camp=camp)
        .order_by("session__day", "session__title", "session_id", "-rating", "comment")
        .values_list("session__day", "session__title", "rating", "comment")
    )
    return _csv(
        ["day", "session", "rating", "comment"], ((d.isoformat(), t, r, c) for d, t, r, c in rows)
    )


def camp_feedback_csv(camp):
    """Every feedback on the camp, one row each, without names."""
    rows = (
        CampFeedback.objects.filter(camp=camp)
        .order_by("-rating", "good", "improve")
        .values_list("rating", "come_again", "good", "improve")
    )
    return _csv(["rating", "come_again", "good", "improve"], rows)
