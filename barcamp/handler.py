"""Django's WSGI handler, with each address resolved once per process."""

import functools

from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_resolver


class Handler(WSGIHandler):
    """
    Django resolves every request's path anew: the camp's paths come last in the URLconf (a camp
    slug takes the first segment) and are tried one pattern after another, a measurable part of
    what a vote or the pitch page costs (bench/README.md). The plenum's
    phones ask for the same few dozen paths all day, so each process keeps the matches.
    """

    def resolve_request(self, request):
        if hasattr(request, "urlconf"):  # a middleware chose another URLconf for this request
            return super().resolve_request(request)
        match = _resolve(get_resolver(), request.path_info)
        request.resolver_match = match
        return match


@functools.lru_cache(maxsize=4096)
def _resolve(resolver, path):
    # Keyed by the resolver too: changing ROOT_URLCONF (tests) makes a new one. A path that
    # resolves to nothing raises, and is not kept. The match is shared by the requests for the
    # path, as Django's views and middleware use it: read only (the view gets its own kwargs).
    return resolver.resolve(path)
