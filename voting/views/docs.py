"""The camp's documentation: a session's notes page (notes, history, links and slides) and the
documentation of every held session, with its Markdown and printable exports."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from barcamp.decorators import login_required, rate_limit
from events.decorators import camp_view
from events.permissions import can_see_room_links, keep_room_links_private
from events.webapp import kept_offline
from sessions import notes as notes_text
from sessions import permissions as session_permissions
from sessions import queries as session_queries
from sessions import services as session_services
from sessions.forms import LinkForm, NotesConflictForm, NotesForm
from sessions.models import SessionLink
from voting.aftercamp import documentation


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
    conflict = extra.get("conflict")
    if conflict is not None:
        # Named as the history names that revision's author for this viewer.
        conflict.who = next(
            (r.author_label for r in page.revisions if r.number == conflict.theirs_revision), ""
        )
    join_url = page.room.join_url if page.room and can_see_room_links(camp, viewer) else ""
    context = {
        "camp": camp,
        "viewer": viewer,
        "session": session,
        "page": page,
        "join_url": join_url,
        "form": form,
        "link_form": link_form,
        "notes_url": _notes_url(camp, session),
        "editing": form is not None and (editing or request.GET.get("edit") == "1"),
        **extra,
    }
    response = render(request, "voting/notes.html", context, status=status)
    return keep_room_links_private(response, camp=camp, shown=bool(join_url))


@require_http_methods(["GET", "HEAD", "POST"])
@kept_offline
def notes(request, camp_slug, session_id):
    """A session's notes page: the notes, its links and slides, and its history; Teilgeber edit here."""
    if request.method == "POST":
        return _save_notes(request, camp_slug, session_id)
    return _show_notes(request, camp_slug, session_id)


@camp_view
def _show_notes(request, camp_slug, session_id):
    camp = request.camp
    viewer = request.viewer
    session = _notes_session_or_404(camp, session_id, viewer, request.user)
    return _render_notes(request, camp, viewer, session)


@login_required
@rate_limit("notes")
@camp_view
def _save_notes(request, camp_slug, session_id):
    camp = request.camp
    viewer = request.viewer
    session = _notes_session_or_404(camp, session_id, viewer, request.user)
    if not session_permissions.can_edit_notes(request.user, session, viewer.participant):
        messages.error(request, _("Only Teilgeber of this camp can write its session notes."))
        return _render_notes(request, camp, viewer, session, status=403)
    action = request.POST.get("action")
    if action in ("resolve", "review"):
        return _resolve_conflict(request, camp, viewer, session, review=action == "review")
    preview = action == "preview"
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
    return _save_text(
        request, camp, viewer, session, form, text, form.cleaned_data["base_revision"]
    )


def _save_text(request, camp, viewer, session, form, text, base_revision):
    """Save the notes; on a conflict, the page of choices; on a refusal, `form` with the reason."""
    try:
        saved = session_services.save_notes(
            session=session,
            user=request.user,
            participant=viewer.participant,
            text=text,
            base_revision=base_revision,
        )
    except session_services.NotesConflict as conflict:
        choices = NotesConflictForm(
            initial={
                "mine": conflict.mine,
                "base_revision": conflict.base_revision,
                "theirs_revision": conflict.current.revision,
            },
            places=len(conflict.merge.conflicts),
        )
        return _render_conflict(
            request,
            camp,
            viewer,
            session,
            ConflictPage(
                form=choices,
                merge=conflict.merge,
                mine=conflict.mine,
                theirs=conflict.current.text,
                theirs_revision=conflict.current.revision,
            ),
            status=409,
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


@dataclass
class ConflictPage:
    """The page of choices after a conflict: per place both versions and its radio buttons."""

    form: NotesConflictForm
    merge: object
    mine: str
    theirs: str
    theirs_revision: int
    who: str = ""

    @property
    def places(self):
        return list(zip(self.merge.conflicts, self.form.place_fields(), strict=True))


def _render_conflict(request, camp, viewer, session, conflict, *, status):
    return _render_notes(
        request, camp, viewer, session, editing=True, status=status, conflict=conflict
    )


def _resolve_conflict(request, camp, viewer, session, *, review):
    """Build the text from the choices made after a conflict: save it, or (`review`) show it in
    the editor first. The merge is built again from the hidden fields, exactly as the save
    that found the conflict built it."""
    form = NotesConflictForm(request.POST)
    found = None
    if form.is_valid():
        data = form.cleaned_data
        found = session_queries.notes_merge(
            session,
            base_revision=data["base_revision"],
            theirs_revision=data["theirs_revision"],
            mine=data["mine"],
        )
    if found is None:
        # Nothing to build the choices on: the editor's text stays in the text box.
        lost = NotesForm({"text": request.POST.get("mine", "")})
        lost.is_valid()
        return _render_notes(request, camp, viewer, session, form=lost, editing=True, status=400)
    merge, theirs = found
    theirs_revision = form.cleaned_data["theirs_revision"]
    form = NotesConflictForm(request.POST, places=len(merge.conflicts))
    if not form.is_valid():
        page = ConflictPage(
            form=form,
            merge=merge,
            mine=form.cleaned_data["mine"],
            theirs=theirs,
            theirs_revision=theirs_revision,
        )
        return _render_conflict(request, camp, viewer, session, page, status=400)
    text = merge.resolve(form.choices())
    editor = NotesForm({"text": text, "base_revision": theirs_revision})
    if review or not editor.is_valid():
        return _render_notes(
            request,
            camp,
            viewer,
            session,
            form=editor,
            editing=True,
            status=200 if editor.is_valid() else 400,
            resolved=True,
        )
    return _save_text(request, camp, viewer, session, editor, text, theirs_revision)


@require_safe
@camp_view
def revision(request, camp_slug, session_id, number):
    """One revision of the notes: who saved it when, what changed from the one before, the text."""
    camp = request.camp
    viewer = request.viewer
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
@camp_view
def add_link(request, camp_slug, session_id):
    """A host or an organizer attaches a link or the slides."""
    camp = request.camp
    viewer = request.viewer
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
@camp_view
def remove_link(request, camp_slug, session_id, link_id):
    """A host or an organizer removes a link or the slides."""
    camp = request.camp
    viewer = request.viewer
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


@require_safe
@camp_view
def documentation_page(request, camp_slug):
    """Every held session with its notes, links and hosts, by day and slot: the camp's record."""
    camp = request.camp
    return render(request, "voting/documentation.html", _documentation_context(camp))


@require_safe
@camp_view
def documentation_print(request, camp_slug):
    """The documentation as a page to print or save as PDF: no navigation, a print stylesheet."""
    camp = request.camp
    return render(request, "voting/documentation_print.html", _documentation_context(camp))


@require_safe
@camp_view
def documentation_markdown(request, camp_slug):
    """The documentation as one Markdown file to download."""
    camp = request.camp
    text = documentation.documentation_markdown(
        camp, documentation.documentation(camp), absolute_url=request.build_absolute_uri
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{camp.slug}-documentation.md"'
    return response
