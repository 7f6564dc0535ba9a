from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from barcamp.decorators import login_required, rate_limit
from barcamp.http import safe_next
from events import queries as event_queries

from . import permissions, queries, services
from .forms import SessionForm


def _session_or_404(camp, session_id, viewer, user):
    session = queries.get_session(camp, session_id)
    if session is None or not permissions.can_see_session(user, session, viewer.participant):
        raise Http404
    return session


def _session_form(request, camp, form, *, session, save, success):
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
    context = {"camp": camp, "form": form, "session": session}
    return render(request, "sessions/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@rate_limit("pitch")
def new(request, camp_slug):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    if not viewer.is_registered:
        messages.info(request, _("Join the camp to propose a session."))
        return redirect(camp)
    if request.method == "GET" and not camp.pitching_open:
        messages.info(request, _("The organizers have closed the pitch for new sessions."))

    def propose(**fields):
        return services.propose_session(camp=camp, participant=viewer.participant, **fields)

    form = SessionForm(request.POST or None, camp=camp)
    success = _("Your session is in the pitch queue. Good luck!")
    return _session_form(request, camp, form, session=None, save=propose, success=success)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, camp_slug, session_id):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
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
def withdraw(request, camp_slug, session_id):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _session_or_404(camp, session_id, viewer, request.user)
    if not permissions.can_edit_session(request.user, session, viewer.participant):
        raise Http404
    services.withdraw_session(session=session)
    messages.success(request, _("The session is withdrawn."))
    return redirect("voting:session-list", camp_slug=camp.slug)


@require_http_methods(["GET", "POST"])
@login_required
def cohost(request, camp_slug, session_id, token):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
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
def renew_invitation(request, camp_slug, session_id):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _session_or_404(camp, session_id, viewer, request.user)
    if not permissions.can_edit_session(request.user, session, viewer.participant):
        raise Http404
    services.renew_invitation(session=session)
    messages.success(request, _("A new invitation link is ready; the old one no longer works."))
    return redirect(session)


@require_POST
@login_required
def hide(request, camp_slug, session_id):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    if not viewer.is_organizer:
        raise Http404
    session = queries.get_session(camp, session_id)
    if session is None:
        raise Http404
    hidden = request.POST.get("hidden") == "1"
    services.set_hidden(session=session, hidden=hidden)
    messages.success(
        request, _("The session is hidden.") if hidden else _("The session is visible again.")
    )
    return redirect(safe_next(request, session.get_absolute_url()))
