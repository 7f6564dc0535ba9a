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


def as_id(value):
    """A primary key from user input, or 0 (which matches nothing)."""
    value = str(value)
    # isdigit() alone takes "²" for a digit, which int() refuses.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0


def typed_text(value, limit):
    """What someone typed into a search box, ready for a query: trimmed and cut to `limit`.

    Without NUL characters, which PostgreSQL refuses in text (a 500 otherwise); forms have a
    validator for them, query parameters read by hand need this."""
    return (value or "").replace("\x00", "").strip()[:limit]
