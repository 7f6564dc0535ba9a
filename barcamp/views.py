from django.shortcuts import render


def rate_limited(request, exception):
    """Too many requests of one kind from one person: a friendly 429, also as an HTMX fragment."""
    template = "429.html#message" if getattr(request, "htmx", False) else "429.html"
    return render(request, template, status=429)
