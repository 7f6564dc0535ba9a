"""One box for the e-mail address: a login code for a known address, a new account for a new one."""

from allauth.account import views as allauth_views
from django import forms
from django.views.decorators.http import require_http_methods

from barcamp.decorators import rate_limit

from . import accounts


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("signup")
def request_login_code(request):
    """
    allauth's "send me a code" (same address, same page, same mail), which first opens an
    account for an address that has none (events.accounts.open_account): a newcomer types their
    address once and gets a code, instead of allauth's "unknown account" mail.

    Whether an address has an account shows nowhere: both get the same redirect, the same page
    and the same mail (allauth's login code); the rate limit counts every request, known or new
    address, so its 429 says nothing either. allauth's own limits on codes still apply after it.
    """
    if request.method == "POST" and not request.user.is_authenticated:
        field = forms.EmailField(max_length=254)
        try:
            email = field.clean(request.POST.get("email", ""))
        except forms.ValidationError:
            pass  # allauth's form says what is wrong with it
        else:
            accounts.open_account(request, email)
    return allauth_views.request_login_code(request)
