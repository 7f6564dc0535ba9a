"""The door: the Teilgeber's ticket, the organizers' check-in on a phone, name badges."""

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_safe

from barcamp.decorators import login_required
from barcamp.http import safe_next, typed_text

from . import badges, door, queries
from .decorators import camp_view
from .webapp import kept_offline

DOOR_ACTIONS = {"check-in", "undo", "admit"}


def _ticket_qr(request, participant, camp):
    url = request.build_absolute_uri(
        reverse("events:door-ticket", args=[camp.slug, participant.ticket_code])
    )
    return segno.make(url, error="m").svg_inline(scale=8, border=2, title=participant.ticket_code)


# Kept on the phone for the door, where the Wi-Fi may be gone; fresh whenever the network is
# there (no-cache: the browser asks every time). Never in a shared cache (private).
@cache_control(private=True, no_cache=True, max_age=0, must_revalidate=True)
@require_safe
@login_required
@kept_offline
@camp_view
def ticket(request, camp_slug):
    """The Teilgeber's ticket on their phone: a big QR code for the door and the short code."""
    camp = request.camp
    participant = queries.participant_for(camp, request.user)
    if participant is None or participant.is_cancelled:
        messages.info(request, _("Join the camp first: then you get a ticket."))
        return redirect(camp)
    context = {
        "camp": camp,
        "participant": participant,
        "qr": _ticket_qr(request, participant, camp),
    }
    return render(request, "events/ticket.html", context)


def _door_context(request, camp, query):
    return {
        "camp": camp,
        "query": query,
        "people": door.door_search(camp, query),
        "counts": door.door_counts(camp),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@camp_view(organizer_only=True)
def door_page(request, camp_slug):
    """The organizers' check-in: search by name or code as you type, check in with one tap."""
    camp = request.camp
    if request.method == "POST":
        return _door_action(request, camp)
    query = typed_text(request.GET.get("q"), 80)
    if request.htmx and request.GET.get("part") == "count":
        return render(
            request, "events/door.html#door-count", {"camp": camp, "counts": door.door_counts(camp)}
        )
    if request.htmx:
        return render(request, "events/door.html#door-results", _door_context(request, camp, query))
    context = {
        **_door_context(request, camp, query),
        # Badges that would miss characters no font here can draw: before they are printed.
        "unprintable": badges.unprintable(door.badge_people(camp)),
    }
    return render(request, "events/door.html", context)


def _door_action(request, camp):
    action = request.POST.get("action")
    participant = door.find_by_code(camp, request.POST.get("code", ""))
    query = typed_text(request.POST.get("q"), 80)
    back = safe_next(
        request, f"{request.path}?{urlencode({'q': query})}" if query else request.path
    )
    status = 200
    if action not in DOOR_ACTIONS:
        messages.error(request, _("Unknown action."))
        status = 400
    elif participant is None:
        messages.error(request, _("No Teilgeber of this camp has that code."))
        status = 404
    else:
        try:
            participant = _run_door_action(action, participant)
        except door.CheckInError as error:
            messages.error(request, str(error))
            status = 409
        else:
            already = action != "undo" and not participant.just_checked_in
            (messages.info if already else messages.success)(
                request, _door_notice(action, participant, camp)
            )
    if request.htmx:
        context = {
            "camp": camp,
            "person": participant,
            "query": query,
            "counts": door.door_counts(camp),
            "oob_count": True,
        }
        if participant is None:
            context = {**_door_context(request, camp, query)}
            return render(request, "events/door.html#door-results", context, status=status)
        return render(request, "events/includes/_door_person.html", context, status=status)
    if status != 200:
        if participant is not None and request.POST.get("next"):
            return _render_door_ticket(request, camp, participant, status=status)
        return render(
            request, "events/door.html", _door_context(request, camp, query), status=status
        )
    return redirect(back)


def _run_door_action(action, participant):
    if action == "check-in":
        return door.check_in_participant(participant=participant)
    if action == "admit":
        return door.admit_from_waitlist(participant=participant)
    return door.undo_check_in(participant=participant)


def _door_notice(action, participant, camp):
    name = participant.display_name
    if action == "undo":
        return _("%(name)s is no longer checked in.") % {"name": name}
    if participant.just_checked_in:
        return _("Welcome, %(name)s: checked in.") % {"name": name}
    return _("%(name)s was already checked in at %(time)s.") % {
        "name": name,
        "time": time_format(timezone.localtime(participant.checked_in_at, camp.tz), "H:i"),
    }


@never_cache
@require_safe
@login_required
@camp_view
def door_ticket(request, camp_slug, code):
    """What the ticket's QR code opens: the organizer sees this Teilgeber with one check-in button."""
    camp = request.camp
    participant = door.find_by_code(camp, code)
    if not camp.is_organized_by(request.user):
        if participant is not None and participant.user_id == request.user.pk:
            return redirect("events:ticket", camp_slug=camp.slug)
        raise Http404
    if participant is None:
        raise Http404
    return _render_door_ticket(request, camp, participant)


def _render_door_ticket(request, camp, participant, status=200):
    context = {"camp": camp, "person": participant, "counts": door.door_counts(camp)}
    return render(request, "events/door_ticket.html", context, status=status)


@require_safe
@login_required
@camp_view(organizer_only=True)
def badges_pdf(request, camp_slug):
    """Name badges of every registered Teilgeber, or of one (?code=), as a PDF to print."""
    camp = request.camp
    code = request.GET.get("code")
    if code is None:
        people, name = door.badge_people(camp), f"badges-{camp.slug}.pdf"
    else:
        participant = door.find_by_code(camp, code)
        if participant is None:
            raise Http404
        people, name = [participant], f"badge-{camp.slug}-{participant.ticket_code}.pdf"
    response = HttpResponse(
        badges.render_badges(camp=camp, participants=people), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
