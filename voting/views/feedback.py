"""Feedback pages: rate a session that started, tell the Orga how the camp was, the Orga's summary."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from barcamp.decorators import login_required, rate_limit
from barcamp.http import safe_next
from events import queries as event_queries
from events.decorators import camp_view
from voting.aftercamp import feedback
from voting.aftercamp.forms import CampFeedbackForm, SessionFeedbackForm
from voting.models import CampFeedback, SessionFeedback

from .shared import visible_session_or_404


def _refusal(check, **kwargs):
    """(message, status) of why the feedback cannot be given now, or (None, 200)."""
    try:
        check(**kwargs)
    except feedback.FeedbackNotAllowed as error:
        return str(error), 403
    except feedback.FeedbackError as error:
        return str(error), 409
    return None, 200


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@rate_limit("feedback")
@camp_view
def session_feedback(request, camp_slug, session_id):
    """One tap on 1–5 and an optional comment, once the session has started by the published plan."""
    camp = request.camp
    viewer = request.viewer
    session = visible_session_or_404(camp, session_id, viewer, request.user)
    mine = (
        SessionFeedback.objects.filter(session=session, participant=viewer.participant).first()
        if viewer.participant
        else None
    )
    refusal, status = _refusal(
        feedback.check_session_feedback, session=session, participant=viewer.participant
    )
    form = SessionFeedbackForm(initial={"comment": mine.comment} if mine else None)
    if request.method == "POST":
        form = SessionFeedbackForm(request.POST)
        if refusal:
            messages.error(request, refusal)
        elif not form.is_valid():
            status = 400
        else:
            try:
                mine = feedback.rate_session(
                    session=session, participant=viewer.participant, **form.cleaned_data
                )
            except feedback.FeedbackError as error:
                messages.error(request, str(error))
                status = 409
            else:
                messages.success(request, _("Thank you! Your rating is saved; you can change it."))
                if not request.htmx:
                    return redirect(safe_next(request, request.path))
                form = SessionFeedbackForm(initial={"comment": mine.comment})
    else:
        status = 200
    context = {
        "camp": camp,
        "session": session,
        "form": form,
        "mine": mine,
        "refusal": refusal,
        "next": safe_next(request, ""),
    }
    template = (
        "voting/session_feedback.html#feedback-form"
        if request.htmx
        else "voting/session_feedback.html"
    )
    return render(request, template, context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@rate_limit("feedback")
@camp_view
def camp_feedback(request, camp_slug):
    """A short form on the whole camp, from the first day's start; giving it again replaces it."""
    camp = request.camp
    participant = event_queries.participant_for(camp, request.user)
    mine = (
        CampFeedback.objects.filter(camp=camp, participant=participant).first()
        if participant
        else None
    )
    refusal, status = _refusal(feedback.check_camp_feedback, camp=camp, participant=participant)
    initial = (
        {
            "rating": mine.rating,
            "good": mine.good,
            "improve": mine.improve,
            "come_again": mine.come_again,
        }
        if mine
        else None
    )
    form = CampFeedbackForm(initial=initial)
    if request.method == "POST":
        form = CampFeedbackForm(request.POST)
        if refusal:
            messages.error(request, refusal)
        elif not form.is_valid():
            status = 400
        else:
            try:
                feedback.give_camp_feedback(camp=camp, participant=participant, **form.cleaned_data)
            except feedback.FeedbackError as error:
                messages.error(request, str(error))
                status = 409
            else:
                messages.success(request, _("Thank you for your feedback! You can change it here."))
                return redirect(request.path)
    else:
        status = 200
    context = {"camp": camp, "form": form, "mine": mine, "refusal": refusal}
    return render(request, "voting/camp_feedback.html", context, status=status)


@never_cache
@require_safe
@login_required
@camp_view(organizer_only=True)
def feedback_results(request, camp_slug):
    """The Orga's summary: per session count, average and distribution; the camp's feedback with comments."""
    camp = request.camp
    context = {
        "camp": camp,
        "sessions": feedback.camp_session_summaries(camp),
        "camp_summary": feedback.camp_summary(camp),
    }
    return render(request, "voting/feedback_results.html", context)


def _csv_response(text, name):
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@require_safe
@login_required
@camp_view(organizer_only=True)
def feedback_sessions_csv(request, camp_slug):
    camp = request.camp
    return _csv_response(feedback.session_feedback_csv(camp), f"feedback-sessions-{camp.slug}.csv")


@never_cache
@require_safe
@login_required
@camp_view(organizer_only=True)
def feedback_camp_csv(request, camp_slug):
    camp = request.camp
    return _csv_response(feedback.camp_feedback_csv(camp), f"feedback-camp-{camp.slug}.csv")
