"""
The camp's sponsors, read once per version of the plan in each process.

The camp page and the projector show them, and during the plenum a thousand phones open the
camp page: its sponsors query was a large part of what the page cost (bench/README.md), for rows
organizers change a few times before the camp. They are kept as `events.live` keeps what the
live pages derive: under the camp's `plan` token, which every change to a sponsor replaces (the
signals below; the admin gives every topic new tokens anyway).
"""

from . import live
from .models import Camp, Sponsor


def for_camp(camp):
    """The camp's sponsors in their order; shared between requests: read-only."""
    return live.memoized(camp.slug, (live.PLAN,), "sponsors", lambda: list(camp.sponsors.all()))


def _changed(sender, instance, using, raw=False, **kwargs):
    if raw:  # loading fixtures: no live page to tell
        return
    if Sponsor.camp.is_cached(instance):
        slugs = [instance.camp.slug]
    else:  # a sponsor deleted with its camp, say: the camp's row is still there
        slugs = Camp.objects.using(using).filter(pk=instance.camp_id).values_list("slug", flat=True)
    for slug in slugs:
        live.mark_changed(slug, live.PLAN)


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_changed, sender=Sponsor, dispatch_uid="sponsors-changed")
    post_delete.connect(_changed, sender=Sponsor, dispatch_uid="sponsors-deleted")
