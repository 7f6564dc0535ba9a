"""Who may see what of a camp, asked by the views of every app."""

from django.utils.cache import patch_cache_control


def can_see_room_links(camp, viewer):
    """Whether the viewer sees the online rooms' addresses: registered Teilgeber and the camp's
    organizers do, everybody else only where the camp made them public. A camp's video
    conferences are not open to the whole internet unless its organizers want that.

    Asked on hot pages: a registered Teilgeber is answered from their record, a visitor without
    staff status without a query."""
    return camp.room_links_public or viewer.is_registered or viewer.is_organizer


def keep_room_links_private(response, *, camp, shown):
    """A page that shows links the camp keeps for its Teilgeber is for this browser only: no
    shared cache (a proxy, a CDN) may keep it and hand it to somebody else."""
    if shown and not camp.room_links_public:
        patch_cache_control(response, private=True)
    return response
