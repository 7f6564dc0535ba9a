"""The camp's wall on the phone: posts and pinned announcements, and the organizers' moderation."""

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from barcamp.decorators import login_required, rate_limit
from barcamp.http import as_id
from barcamp.live.polls import live_page

from . import live, wall
from .decorators import camp_view
from .forms import AnnouncementForm, WallTextForm
from .models import WallPost
from .webapp import kept_offline

WALL_PAGE = (live.WALL,)
POST_ACTIONS = {"approve", "hide", "unhide", "delete"}
MANAGE_ACTIONS = {"announce", "pin", "unpin", "remove", "approval-on", "approval-off"}


def _fresh(form_class):
    return form_class(initial={"nonce": secrets.token_urlsafe(16)})


def _context(request, camp, viewer, *, form=None, announcement_form=None, notice_in=None):
    is_organizer = viewer.is_organizer
    version = live.current_version(camp.slug, WALL_PAGE)  # before what it versions
    before = as_id(request.GET.get("before"))
    posts = wall.wall_posts(
        camp, participant=viewer.participant, is_organizer=is_organizer, before=before
    )
    context = {
        "camp": camp,
        "viewer": viewer,
        "is_organizer": is_organizer,
        "announcements": wall.pinned_announcements(camp),
        "posts": posts,
        "pending": sum(post.is_pending for post in posts) if is_organizer else 0,
        "older": posts[-1].pk if len(posts) == wall.PAGE_SIZE else None,
        "before": before,
        "version": version,
        "form": form or (_fresh(WallTextForm) if viewer.is_registered else None),
        # Which fragment of an HTMX answer carries the messages (each must show only once).
        "notice_in": notice_in,
    }
    if is_organizer:
        context["all_announcements"] = list(camp.announcements.all())
        context["announcement_form"] = announcement_form or _fresh(AnnouncementForm)
    return context


@require_http_methods(["GET", "HEAD", "POST"])
@live_page(*WALL_PAGE)
@kept_offline
def wall_page(request, camp_slug):
    """The wall: pinned announcements on top, the newest posts; live while it is open."""
    if request.method == "POST":
        return _post_message(request, camp_slug)
    return _show_wall(request, camp_slug)


@camp_view
def _show_wall(request, camp_slug):
    camp = request.camp
    viewer = request.viewer
    partial = request.htmx and not request.htmx.history_restore_request
    template = "events/wall.html#wall-live" if partial else "events/wall.html"
    return render(request, template, _context(request, camp, viewer))


@login_required
@rate_limit("post", block=False)
@camp_view
def _post_message(request, camp_slug):
    camp = request.camp
    viewer = request.viewer
    form = WallTextForm(request.POST)
    status = 200
    if getattr(request, "limited", False):
        # The friendly 429 above the form, which keeps what the Teilgeber typed.
        messages.error(
            request,
            " ".join(
                [
                    _("That was a lot at once."),
                    _("Please wait a minute, then try again. Nothing you did before is lost."),
                ]
            ),
        )
        form = form if viewer.is_registered else None
        status = 429
    elif not form.is_valid():
        status = 400
    else:
        try:
            post = wall.post_message(
                camp=camp,
                participant=viewer.participant,
                text=form.cleaned_data["text"],
                nonce=form.cleaned_data["nonce"],
            )
        except wall.NotAllowedToPost as error:
            messages.error(request, str(error))
            status = 403
        except wall.InvalidText as error:
            form.add_error("text", str(error))
            status = 400
        else:
            if post.is_shown:
                messages.success(request, _("Posted: it is on the wall and the projector."))
            else:
                messages.success(
                    request, _("Sent: it appears on the wall once the organizers approve it.")
                )
            if not request.htmx:
                return redirect("events:wall", camp_slug=camp.slug)
            form = None  # a fresh, empty form with a new nonce
    context = _context(request, camp, viewer, form=form, notice_in="compose")
    template = "events/wall.html#wall-posted" if request.htmx else "events/wall.html"
    return render(request, template, context, status=status)


@require_POST
@login_required
@camp_view
def wall_post(request, camp_slug, post_id):
    """Organizers approve, hide, show again or delete a post; its author may delete it."""
    camp = request.camp
    viewer = request.viewer
    post = WallPost.objects.filter(camp=camp, pk=post_id).select_related("participant").first()
    action = request.POST.get("action")
    own = bool(post and viewer.participant and post.participant_id == viewer.participant.pk)
    if post is None or not (viewer.is_organizer or (own and action == "delete")):
        raise Http404
    status = 200
    if action not in POST_ACTIONS:
        messages.error(request, _("Unknown action."))
        status = 400
    elif action == "delete":
        wall.delete_post(post=post, by=request.user)
        messages.success(request, _("The post is deleted."))
    elif action == "hide":
        wall.hide_post(post=post, by=request.user)
        messages.success(
            request, _("The post is hidden: only its author and the organizers see it.")
        )
    else:
        wall.show_post(post=post, by=request.user)
        messages.success(request, _("The post is on the wall."))
    if request.htmx:
        context = _context(request, camp, viewer, notice_in="live")
        return render(request, "events/wall.html#wall-live", context, status=status)
    if status == 200:
        return redirect("events:wall", camp_slug=camp.slug)
    return render(request, "events/wall.html", _context(request, camp, viewer), status=status)


@require_POST
@login_required
@camp_view(organizer_only=True)
def wall_manage(request, camp_slug):
    """Organizers pin, unpin and remove announcements, and choose whether posts wait for approval."""
    camp = request.camp
    viewer = request.viewer
    action = request.POST.get("action")
    status, announcement_form = 200, None
    if action not in MANAGE_ACTIONS:
        messages.error(request, _("Unknown action."))
        status = 400
    elif action == "announce":
        form = AnnouncementForm(request.POST)
        if form.is_valid():
            wall.post_announcement(
                camp=camp,
                by=request.user,
                text=form.cleaned_data["text"],
                nonce=form.cleaned_data["nonce"],
            )
            messages.success(request, _("The announcement is pinned on phones and the projector."))
        else:
            announcement_form, status = form, 400
    elif action in {"approval-on", "approval-off"}:
        wall.set_wall_approval(camp=camp, by=request.user, needs_approval=action == "approval-on")
        messages.success(
            request,
            _("New posts wait for your approval.")
            if camp.wall_needs_approval
            else _("New posts appear at once."),
        )
    else:
        status = _change_announcement(request, camp, action)
    if request.htmx:
        context = _context(
            request, camp, viewer, announcement_form=announcement_form, notice_in="orga"
        )
        return render(request, "events/wall.html#wall-managed", context, status=status)
    if status == 200:
        return redirect("events:wall", camp_slug=camp.slug)
    context = _context(request, camp, viewer, announcement_form=announcement_form)
    return render(request, "events/wall.html", context, status=status)


def _change_announcement(request, camp, action):
    announcement = camp.announcements.filter(pk=as_id(request.POST.get("announcement"))).first()
    if announcement is None:
        messages.error(request, _("That announcement is not there any more."))
        return 404
    if action == "remove":
        wall.delete_announcement(announcement=announcement, by=request.user)
        messages.success(request, _("The announcement is removed."))
    else:
        wall.pin_announcement(announcement=announcement, by=request.user, pinned=action == "pin")
        messages.success(
            request,
            _("The announcement is pinned again.")
            if action == "pin"
            else _("The announcement is unpinned: only the organizers see it now."),
        )
    return 200
