"""The camp's documentation: a session's notes page (notes, history, links and slides) and the
documentation of every held session, with its Markdown and printable exports."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from barcamp.decorators import login_required, rate_limit
from events import queries as event_queries
from events.webapp import kept_offline
from sessions import notes as notes_text
from sessions import permissions as session_permissions
from sessions import queries as session_queries
from sessions import services as session_services
from sessions.forms import LinkForm, NotesForm
from sessions.models import SessionLink

from . import documentation


def _notes_session_or_404(camp, session_id, viewer, user):
    """The session, if the viewer may see it and it has its notes page (it is placed)."""
    session = session_queries.get_session(camp, session_id)
    if session is None or not session_permissions.can_see_session(
        user, session, viewer.participant
    ):
        raise Http404
    if not documentation.has_notes_page(session):
        raise Http404
    return session


def _notes_url(camp, session):
    return reverse("voting:notes", args=[camp.slug, session.pk])


def _render_notes(
    request, camp, viewer, session, *, form=None, link_form=None, editing=False, status=200, **extra
):
    page = documentation.notes_page(session, viewer=viewer)
    can_edit = session_permissions.can_edit_notes(request.user, session, viewer.participant)
    can_attach = session_permissions.can_edit_session(request.user, session, viewer.participant)
    if not can_edit:
        form = None
    elif form is None:
        form = NotesForm(initial={"text": page.text, "base_revision": page.revision})
    if not can_attach:
        link_form = None
    elif link_form is None:
        link_form = LinkForm()
    context = {
        "camp": camp,
        "viewer": viewer,
        "session": session,
        "page": page,
        "form": form,
        "link_form": link_form,
        "notes_url": _notes_url(camp, session),
        "editing": form is not None and (editing or request.GET.get("edit") == "1"),
        **extra,
    }
    return render(request, "voting/notes.html", context, status=status)


@require_http_methods(["GET", "POST"])
@kept_offline
def notes(request, camp_slug, session_id):
    """A session's notes page: the notes, its links and slides, and its history; Teilgeber edit here."""
    if request.method == "POST":
        return _save_notes(request, camp_slug, session_id)
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _notes_session_or_404(camp, session_id, viewer, request.user)
    return _render_notes(request, camp, viewer, session)


@login_required
@rate_limit("notes")
def _save_notes(request, camp_slug, session_id):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _notes_session_or_404(camp, session_id, viewer, request.user)
    if not session_permissions.can_edit_notes(request.user, session, viewer.participant):
        messages.error(request, _("Only Teilgeber of this camp can write its session notes."))
        return _render_notes(request, camp, viewer, session, status=403)
    preview = request.POST.get("action") == "preview"
    form = NotesForm(request.POST, saving=not preview)
    if not form.is_valid():
        if request.htmx and preview:
            return render(request, "voting/notes.html#notes-preview", {"form": form}, status=400)
        return _render_notes(request, camp, viewer, session, form=form, editing=True, status=400)
    text = form.cleaned_data["text"]
    if preview:
        if request.htmx:
            return render(request, "voting/notes.html#notes-preview", {"preview": text})
        return _render_notes(request, camp, viewer, session, form=form, editing=True, preview=text)
    try:
        saved = session_services.save_notes(
            session=session,
            user=request.user,
            participant=viewer.participant,
            text=text,
            base_revision=form.cleaned_data["base_revision"],
        )
    except session_services.NotesConflict as conflict:
        form = NotesForm(
            initial={"text": conflict.merge.text, "base_revision": conflict.current.revision}
        )
        return _render_notes(
            request,
            camp,
            viewer,
            session,
            form=form,
            editing=True,
            status=409,
            conflict=conflict,
        )
    except session_services.SessionError as error:
        form.add_error(None, str(error))
        return _render_notes(request, camp, viewer, session, form=form, editing=True, status=409)
    if saved.merged:
        messages.success(
            request,
            _("Saved. Someone had saved in between: your changes are merged with theirs."),
        )
    elif saved.changed:
        messages.success(request, _("The notes are saved."))
    else:
        messages.info(request, _("Nothing changed: the notes already read like this."))
    return redirect(_notes_url(camp, session))


@require_GET
def revision(request, camp_slug, session_id, number):
    """One revision of the notes: who saved it when, what changed from the one before, the text."""
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _notes_session_or_404(camp, session_id, viewer, request.user)
    found = documentation.revision_with_previous(session, number, viewer=viewer)
    if found is None:
        raise Http404
    current, previous = found
    context = {
        "camp": camp,
        "session": session,
        "revision": current,
        "previous": previous,
        "diff": notes_text.diff(previous.text if previous else "", current.text),
    }
    return render(request, "voting/notes_revision.html", context)


@require_POST
@login_required
@rate_limit("notes")
def add_link(request, camp_slug, session_id):
    """A host or an organizer attaches a link or the slides."""
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _notes_session_or_404(camp, session_id, viewer, request.user)
    if not session_permissions.can_edit_session(request.user, session, viewer.participant):
        raise Http404
    form = LinkForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_notes(request, camp, viewer, session, link_form=form, status=400)
    data = form.cleaned_data
    try:
        if data["file"]:
            session_services.add_slides(
                session=session,
                user=request.user,
                participant=viewer.participant,
                title=data["title"],
                file=data["file"],
            )
        else:
            session_services.add_link(
                session=session,
                user=request.user,
                participant=viewer.participant,
                title=data["title"],
                url=data["url"],
                kind=data["kind"],
            )
    except session_services.SessionError as error:
        form.add_error(None, str(error))
        return _render_notes(request, camp, viewer, session, link_form=form, status=409)
    if data["kind"] == SessionLink.Kind.SLIDES:
        messages.success(request, _("The slides are attached."))
    else:
        messages.success(request, _("The link is attached."))
    return redirect(_notes_url(camp, session) + "#links")


@require_POST
@login_required
@rate_limit("notes")
def remove_link(request, camp_slug, session_id, link_id):
    """A host or an organizer removes a link or the slides."""
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _notes_session_or_404(camp, session_id, viewer, request.user)
    if not session_permissions.can_edit_session(request.user, session, viewer.participant):
        raise Http404
    link = get_object_or_404(SessionLink, session=session, pk=link_id)
    link.session = session
    session_services.remove_link(link=link, user=request.user, participant=viewer.participant)
    messages.success(request, _("“%(title)s” is removed.") % {"title": link.title})
    return redirect(_notes_url(camp, session) + "#links")


# --- The documentation -------------------------------------------------------------------------


def _documentation_context(camp):
    return {"camp": camp, "days": documentation.documentation(camp)}


@require_GET
def documentation_page(request, camp_slug):
    """Every held session with its notes, links and hosts, by day and slot: the camp's record."""
    camp = event_queries.get_camp(camp_slug)
    return render(request, "voting/documentation.html", _documentation_context(camp))


@require_GET
def documentation_print(request, camp_slug):
    """The documentation as a page to print or save as PDF: no navigation, a print stylesheet."""
    camp = event_queries.get_camp(camp_slug)
    return render(request, "voting/documentation_print.html", _documentation_context(camp))


@require_GET
def documentation_markdown(request, camp_slug):
    """The documentation as one Markdown file to download."""
    camp = event_queries.get_camp(camp_slug)
    text = documentation.documentation_markdown(
        camp, documentation.documentation(camp), absolute_url=request.build_absolute_uri
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{camp.slug}-documentation.md"'
    return response
