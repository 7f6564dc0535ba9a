import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from barcamp import intents
from barcamp.db import database_answers
from barcamp.decorators import login_required, login_then_continue, rate_limit
from barcamp.http import typed_text

from . import notifications, queries, services, sponsors, wall
from .decorators import camp_view
from .forms import JoinForm, NotificationSettingsForm, ProfileForm
from .models import Camp, Notification, NotificationSettings
from .webapp import kept_offline


@require_safe
def home(request):
    camps = Camp.objects.listed().upcoming()
    mine = []
    if request.user.is_authenticated:
        mine = (
            Camp.objects.filter(participants__user=request.user)
            .exclude(participants__status="cancelled")
            .upcoming()
            .distinct()
        )
    return render(request, "events/home.html", {"camps": camps, "my_camps": mine})


def _render_camp(request, camp, *, status=200, join_form=None):
    context = {
        "camp": camp,
        "is_organizer": camp.is_organized_by(request.user),
        # Only the whole page shows them, not the registration fragment; each kept per version
        # of the wall or the plan, as on the plan and the projector.
        "sponsors": [] if request.htmx else sponsors.for_camp(camp),
        "announcements": [] if request.htmx else wall.pinned_announcements(camp),
        **queries.registration_state(camp, request.user),
    }
    if join_form is not None:
        context.update(join_form=join_form, name_needed=True)
    elif context["name_needed"]:
        context["join_form"] = JoinForm()
    template = "events/camp.html#registration" if request.htmx else "events/camp.html"
    return render(request, template, context, status=status)


@require_safe
@kept_offline
@camp_view(read_ahead=True)
def camp_detail(request, camp_slug):
    # The sponsors and the pinned announcements read the plan's and the wall's tokens: in one
    # round trip to Redis with the camp's row (camp_view's read_ahead).
    return _render_camp(request, request.camp)


@require_http_methods(["GET", "HEAD", "POST"])
@login_then_continue
@rate_limit("register")
@camp_view
def register(request, camp_slug):
    """
    Join the camp with one tap. A logged-out tap is kept (barcamp.intents) and finished here by
    the GET the login returns to; any other GET only shows the camp. The first join asks for the
    name shown to others; the panel on the camp page then says how it went (one notice, there).
    """
    camp = request.camp
    kept = intents.take(request, request.path)
    known_name = queries.known_display_name(request.user)
    if request.method != "POST" and (kept is None or not known_name):
        # The camp page asks a newcomer for their name: the join then is one more tap, with it.
        return redirect(camp)
    display_name = ""
    if not known_name:
        # A tap from a page that had no name field yet (or the GET back from the login) asks.
        asked = request.method == "POST" and "display_name" in request.POST
        form = JoinForm(request.POST if asked else None)
        if not form.is_valid():
            return _render_camp(request, camp, status=400 if form.is_bound else 200, join_form=form)
        display_name = form.cleaned_data["display_name"]
    try:
        participant = services.register_participant(
            camp=camp,
            user=request.user,
            language=translation.get_language(),
            display_name=display_name,
        )
    except services.RegistrationError as error:
        messages.error(request, str(error))
        return _render_camp(request, camp, status=409)
    # A vote or a proposal that waited for the join goes on now (barcamp.intents).
    pending = intents.peek(request)
    if pending and pending.path.startswith(camp.get_absolute_url()):
        if participant.is_registered:
            messages.success(request, _("You are registered. See you at the camp!"))
        else:
            messages.info(request, _("The camp is full: you are on the waitlist."))
        if request.htmx:
            return HttpResponseClientRedirect(pending.path)
        return redirect(pending.path)
    # The registration panel says how it went: one notice, not a message beside it as well.
    if request.htmx:
        return _render_camp(request, camp)
    return redirect(camp)


@require_POST
@login_required
@rate_limit("register")
@camp_view
def cancel(request, camp_slug):
    camp = request.camp
    participant = queries.participant_for(camp, request.user)
    if participant and not participant.is_cancelled:
        services.cancel_registration(participant=participant)
        messages.success(
            request, _("Your registration is cancelled. Your seat goes to the waitlist.")
        )
    if request.htmx:
        return _render_camp(request, camp)
    return redirect(camp)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@camp_view
def profile(request, camp_slug):
    camp = request.camp
    participant = queries.participant_for(camp, request.user)
    if participant is None or participant.is_cancelled:
        messages.info(request, _("Join the camp first, then introduce yourself."))
        return redirect(camp)
    form = ProfileForm.for_participant(
        participant, data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        if form.is_valid():
            services.update_profile(participant=participant, **form.profile())
            messages.success(request, _("Your profile is saved."))
            return redirect(camp)
        return render(request, "events/profile.html", {"camp": camp, "form": form}, status=400)
    return render(request, "events/profile.html", {"camp": camp, "form": form})


@require_safe
@camp_view
def people(request, camp_slug):
    """The camp's public list of Teilgeber: opted in only, searchable by name and hashtag."""
    camp = request.camp
    search = typed_text(request.GET.get("q"), 80)
    tag = queries.normalise_tag(typed_text(request.GET.get("tag"), 40))[:31]
    found = queries.directory(camp, search=search, tag=tag)
    context = {
        "camp": camp,
        "people": found.people,
        "tags": found.tags,
        "total": found.total,
        "search": search,
        "tag": tag,
    }
    # A history restore (the back button) needs the whole page, though it comes from htmx.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "events/people.html#people-results" if partial else "events/people.html"
    return render(request, template, context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notification_settings(request):
    """Which e-mails I get: a switch per optional kind, for all my camps."""
    current = NotificationSettings.for_user(request.user)
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, current=current
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.update_notification_settings(user=request.user, choices=form.choices())
            messages.success(request, _("Your e-mail settings are saved."))
            if not request.htmx:
                return redirect("events:notifications")
            form = NotificationSettingsForm(current=NotificationSettings.for_user(request.user))
        else:
            status = 400
    template = (
        "events/notifications.html#settings-form" if request.htmx else "events/notifications.html"
    )
    return render(request, template, {"form": form}, status=status)


@never_cache
@csrf_exempt  # RFC 8058: mail clients POST the one-click unsubscribe without cookie or token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """
    The link in every optional mail. GET asks to confirm (mail scanners follow links, so a GET
    changes nothing); POST, from the page or the mail client's one-click button, unsubscribes.
    The signed token is the proof: no login needed.
    """
    try:
        user_id, kind = notifications.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "events/unsubscribe.html", {"invalid": True}, status=404)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return render(request, "events/unsubscribe.html", {"invalid": True}, status=404)
    context = {"kind": Notification(kind), "token": token}
    if request.method == "POST":
        services.unsubscribe(user=user, kind=kind)
        context["done"] = True
    return render(request, "events/unsubscribe.html", context)


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers and monitors."""
    if not database_answers(timeout=settings.DATABASE_HEALTH_CHECK_TIMEOUT):
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse(f"ok {timezone.now():%Y-%m-%dT%H:%M:%SZ}\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    """200 when this process can serve: the database and the shared cache answer; 503 names what does not."""
    problems = []
    if not database_answers(timeout=settings.DATABASE_HEALTH_CHECK_TIMEOUT):
        problems.append("database")
    try:
        key = f"readyz:{secrets.token_hex(4)}"
        cache.set(key, "1", timeout=5)
        if cache.get(key) != "1":
            problems.append("cache")
    except Exception:  # noqa: BLE001 - any cache backend error means "not ready"
        problems.append("cache")
    if problems:
        return HttpResponse(
            f"unavailable: {', '.join(problems)}\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ready\n", content_type="text/plain")


@require_safe
def privacy(request):
    """The privacy notice: the operator's own text (PRIVACY_POLICY_FILE, Markdown) after what the app does."""
    path = settings.PRIVACY_POLICY_FILE
    operator_text = Path(path).read_text(encoding="utf-8") if path and Path(path).is_file() else ""
    return render(request, "privacy.html", {"operator_text": operator_text})
