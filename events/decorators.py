"""What the views of every app put in front of a camp's page."""

from functools import wraps

from django.http import Http404
from django.utils.functional import SimpleLazyObject

from . import live, queries


def camp_view(view=None, *, organizer_only=False, read_ahead=False):
    """
    A view of a camp's address (its `camp_slug`): `request.camp` is the camp, a 404 for an
    unknown slug (an unlisted camp is there for whoever has its link); `request.viewer` is
    who looks at it (events.queries.Viewer), read on first use, since their Teilgeber record
    costs a cache read or a query that not every view needs.

    `organizer_only=True`: a 404 for everybody but the camp's organizers, who may not know the
    page is there. `read_ahead=True`: the camp's row comes in one round trip with all its live
    tokens (barcamp.live.versions.read_ahead), for a page that reads the tokens anyway.

    Put it below the decorators that answer without the camp (a login redirect, a rate
    limit, an unchanged poll of `live_page`), so that they still answer first.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, camp_slug, *args, **kwargs):
            if read_ahead:
                with live.reading_once():
                    live.read_ahead(camp_slug)
                    return with_camp(request, camp_slug, *args, **kwargs)
            return with_camp(request, camp_slug, *args, **kwargs)

        def with_camp(request, camp_slug, *args, **kwargs):
            camp = queries.get_camp(camp_slug)
            is_organizer = None
            if organizer_only:
                if not camp.is_organized_by(request.user):
                    raise Http404
                is_organizer = True
            request.camp = camp
            user = request.user
            request.viewer = SimpleLazyObject(
                lambda: queries.viewer(camp, user, is_organizer=is_organizer)
            )
            return view(request, camp_slug, *args, **kwargs)

        return wrapper

    return decorator if view is None else decorator(view)
