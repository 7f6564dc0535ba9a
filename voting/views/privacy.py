import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from barcamp.decorators import login_required
from voting.records import privacy


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def my_data(request):
    """What the app holds about me: look at it, download it (GDPR art. 15/20)."""
    if request.method == "POST":
        data = privacy.export_user_data(user=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="barcamp-data-{timezone.localdate()}.json"'
        )
        return response
    return render(
        request, "voting/my_data.html", {"data": privacy.export_user_data(user=request.user)}
    )


@require_POST
@login_required
def delete_account(request):
    """Leave for good (GDPR art. 17): after a confirmation, with a choice for hosted sessions."""
    choice = request.POST.get("sessions")
    if request.POST.get("confirm") != "yes" or choice not in {"keep", "withdraw"}:
        messages.error(
            request, _("Tick the confirmation and choose what happens to your sessions.")
        )
        return render(
            request,
            "voting/my_data.html",
            {"data": privacy.export_user_data(user=request.user)},
            status=400,
        )
    user = request.user
    logout(request)
    privacy.delete_account(user=user, keep_sessions=choice == "keep")
    messages.success(request, _("Your account and your data are deleted. Goodbye, and thank you."))
    return redirect("events:home")
