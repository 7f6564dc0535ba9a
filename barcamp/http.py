from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default):
    """The `next` parameter of the request if it is a path on this site, else the default."""
    target = request.POST.get("next") or request.GET.get("next")
    # Only absolute paths: anything else would be taken for a URL name by redirect().
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
