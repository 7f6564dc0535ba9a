from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from barcamp import intents
from barcamp.decorators import login_required, login_then_continue, rate_limit
from barcamp.http import safe_next
from events.decorators import camp_view
from events.models import Series

from . import permissions, queries, services
from .forms import SessionForm, WishForm


def _session_or_404(camp, session_id, viewer, user):
    session = queries.get_session(camp, session_id)
    if session is None or not permissions.can_see_session(user, session, viewer.participant):
        raise Http404
    return session


def _session_form(request, camp, form, *, session, save, success, wish=None):
    """Show the session form; on a valid POST call `save()` and go to the saved session.

    Invalid input answers 400, a broken rule (SessionError) 409, both with the form and its message."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save(**form.session_fields())
            except services.SessionError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, success)
                return redirect(saved)
        else:
            status = 400
    context = {"camp": camp, "form": form, "session": session, "wish": wish}
    return render(request, "sessions/form.html", context, status=status)


# What a proposal keeps when its POST finds the person logged out (an expired session): after
# the login they are back in the form with what they typed (barcamp.intents).
PROPOSAL_FIELDS = ("title", "description", "format", "language", "tags", "length", "day", "wish")


@require_http_methods(["GET", "HEAD", "POST"])
@login_then_continue(keep=PROPOSAL_FIELDS)
@rate_limit("pitch")
@camp_view
def new(request, camp_slug):
    camp = request.camp
    viewer = request.viewer
    kept = intents.take(request, request.path)
    if not viewer.is_registered:
        if viewer.participant is not None and viewer.participant.is_waitlisted:
            messages.info(
                request, _("You are on the waitlist: you can propose a session once you move up.")
            )
        else:
            # The camp page's join goes on to this form, with whatever was kept.
            intents.remember(
                request, path=request.path, page=request.path, fields=kept.fields if kept else None
            )
            messages.info(
                request, _("Join the camp first: then you go on to propose your session.")
            )
        return redirect(camp)
    if request.method != "POST" and not camp.pitching_open:
        messages.info(request, _("The organizers have closed the pitch for new sessions."))
    wish = _wish_to_take_up(
        request, camp, kept_id=kept.fields.get("wish", [None])[0] if kept else None
    )

    def propose(**fields):
        if wish is not None:
            return services.take_up_wish(
                wish=wish, camp=camp, participant=viewer.participant, **fields
            )
        return services.propose_session(camp=camp, participant=viewer.participant, **fields)

    initial = {"title": wish.title, "description": wish.description} if wish else {}
    if kept and request.method == "GET":
        initial.update({name: values[0] for name, values in kept.fields.items() if values})
    form = SessionForm(request.POST or None, camp=camp, initial=initial)
    success = _("Your session is in the pitch queue. Good luck!")
    return _session_form(
        request, camp, form, session=None, save=propose, success=success, wish=wish
    )


def _wish_to_take_up(request, camp, kept_id=None):
    """The wish named by `?wish=` (or the form's hidden field, or a proposal kept through a
    login): one of the camp's series, else 404."""
    wish_id = request.POST.get("wish") or request.GET.get("wish") or kept_id
    if not wish_id:
        return None
    wish_id = str(wish_id)
    if camp.series_id is None or not (wish_id.isascii() and wish_id.isdigit()) or len(wish_id) > 12:
        raise Http404
    wish = queries.get_wish(camp.series, int(wish_id))
    if wish is None or wish.hidden:
        raise Http404
    if request.method != "POST" and wish.is_taken_up:
        messages.info(request, _("Somebody took this wish up already."))
    return wish


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@camp_view
def edit(request, camp_slug, session_id):
    camp = request.camp
    viewer = request.viewer
    session = _session_or_404(camp, session_id, viewer, request.user)
    if not permissions.can_edit_session(request.user, session, viewer.participant):
        raise Http404

    def update(**fields):
        return services.update_session(session=session, **fields)

    form = SessionForm.for_session(session, data=request.POST or None)
    success = _("Your changes are saved.")
    return _session_form(request, camp, form, session=session, save=update, success=success)


@require_POST
@login_required
@camp_view
def withdraw(request, camp_slug, session_id):
    camp = request.camp
    viewer = request.viewer
    session = _session_or_404(camp, session_id, viewer, request.user)
    if not permissions.can_edit_session(request.user, session, viewer.participant):
        raise Http404
    services.withdraw_session(session=session)
    messages.success(request, _("The session is withdrawn."))
    return redirect("voting:session-list", camp_slug=camp.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@camp_view
def cohost(request, camp_slug, session_id, token):
    camp = request.camp
    viewer = request.viewer
    session = _session_or_404(camp, session_id, viewer, request.user)
    if token != session.invite_token:
        raise Http404
    if request.method == "POST":
        try:
            services.accept_cohost_invitation(
                session=session, participant=viewer.participant, token=token
            )
        except services.SessionError as error:
            messages.error(request, str(error))
            return render(
                request, "sessions/cohost.html", {"camp": camp, "session": session}, status=409
            )
        messages.success(request, _("You are now a host of this session."))
        return redirect(session)
    return render(
        request, "sessions/cohost.html", {"camp": camp, "session": session, "viewer": viewer}
    )


@require_POST
@login_required
@camp_view
def renew_invitation(request, camp_slug, session_id):
    camp = request.camp
    viewer = request.viewer
    session = _session_or_404(camp, session_id, viewer, request.user)
    if not permissions.can_edit_session(request.user, session, viewer.participant):
        raise Http404
    services.renew_invitation(session=session)
    messages.success(request, _("A new invitation link is ready; the old one no longer works."))
    return redirect(session)


@require_POST
@login_required
@camp_view(organizer_only=True)
def hide(request, camp_slug, session_id):
    camp = request.camp
    session = queries.get_session(camp, session_id)
    if session is None:
        raise Http404
    hidden = request.POST.get("hidden") == "1"
    services.set_hidden(session=session, hidden=hidden)
    messages.success(
        request, _("The session is hidden.") if hidden else _("The session is visible again.")
    )
    return redirect(safe_next(request, session.get_absolute_url()))


# --- Topic wishes ----------------------------------------------------------------------------


def _series_or_404(series_slug):
    return get_object_or_404(Series, slug=series_slug)


def _render_wishes(request, series, *, form=None, status=200):
    may_moderate = permissions.can_moderate_wishes(request.user, series)
    context = {
        "series": series,
        "wishes": queries.series_wishes(series, request.user, include_hidden=may_moderate),
        "form": form or WishForm(),
        "may_wish": permissions.can_wish(request.user, series),
        "may_moderate": may_moderate,
        "next_camp": series.next_camp(today=timezone.localdate()),
    }
    return render(request, "sessions/wishes.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("pitch")
def wishes(request, series_slug):
    """The series' topic wishes: everyone sees them; its Teilgeber wish for more and vote."""
    series = _series_or_404(series_slug)
    if request.method != "POST":
        return _render_wishes(request, series)
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
    form = WishForm(request.POST)
    if not form.is_valid():
        return _render_wishes(request, series, form=form, status=400)
    try:
        services.propose_wish(series=series, user=request.user, **form.cleaned_data)
    except services.NotAllowedToWish as error:
        form.add_error(None, str(error))
        return _render_wishes(request, series, form=form, status=403)
    except services.WishError as error:
        form.add_error(None, str(error))
        return _render_wishes(request, series, form=form, status=409)
    messages.success(request, _("Your wish is on the list. Tell others to vote for it!"))
    return redirect(series)


def _wish_or_404(series, wish_id, user):
    wish = queries.get_wish(series, wish_id)
    if wish is None or (wish.hidden and not permissions.can_moderate_wishes(user, series)):
        raise Http404
    return wish


@require_POST
@login_required
@rate_limit("vote")
def wish_vote(request, series_slug, wish_id):
    series = _series_or_404(series_slug)
    wish = _wish_or_404(series, wish_id, request.user)
    want = {"1": True, "0": False}.get(request.POST.get("want"))
    if want is None:
        return HttpResponseBadRequest(_("“want” must be 1 or 0."))
    error, status = None, 200
    try:
        services.set_wish_vote(wish=wish, user=request.user, want=want)
    except services.NotAllowedToWish as exc:
        error, status = str(exc), 403
    except services.WishError as exc:
        error, status = str(exc), 409
    if request.htmx:
        wish = queries.series_wish(series, wish.pk, request.user)
        context = {
            "series": series,
            "wish": wish,
            "wish_error": error,
            "may_wish": permissions.can_wish(request.user, series),
        }
        return render(request, "sessions/wishes.html#wish-vote", context, status=status)
    if error:
        messages.error(request, error)
        return _render_wishes(request, series, status=status)
    messages.success(
        request,
        _("Your vote for “%(title)s” is counted.") % {"title": wish.title}
        if want
        else _("Your vote for “%(title)s” is taken back.") % {"title": wish.title},
    )
    return redirect(safe_next(request, series.get_absolute_url()))


@require_POST
@login_required
def wish_hide(request, series_slug, wish_id):
    series = _series_or_404(series_slug)
    if not permissions.can_moderate_wishes(request.user, series):
        raise Http404
    wish = _wish_or_404(series, wish_id, request.user)
    hidden = request.POST.get("hidden") == "1"
    try:
        services.set_wish_hidden(wish=wish, hidden=hidden)
    except services.WishError as error:
        messages.error(request, str(error))
        return _render_wishes(request, series, status=409)
    messages.success(
        request, _("The wish is hidden.") if hidden else _("The wish is visible again.")
    )
    return redirect(series)
