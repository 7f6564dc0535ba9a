"""
Rows read on nearly every request, read from the shared cache instead of the database
(barcamp.live.rows). Only with a cache all processes share (settings).

- The camp of an address, with its series: nearly every page and changed poll begins by
  loading it, during the plenum hundreds of times a second, for a row organizers change a few
  times a day. A live page reads it with the camp's tokens (`read_ahead_keys`).
- The viewer's Teilgeber record: after the camp, every page and changed poll of a logged-in
  phone loads it; during the plenum that query was a quarter of what the pitch page cost. Only
  found rows are kept: a user who registers is never answered "not a Teilgeber".
- The logged-in user (events.accounts): a sixth of what a vote cost.
"""

from django.contrib.auth import get_user_model

from barcamp.live.rows import CachedRows

from .models import Camp, Participant

camps = CachedRows(
    Camp,
    by=("slug",),
    prefix="camp",
    timeout_setting="CAMP_CACHE_TIMEOUT",
    with_related=("series",),
    key_may_change=True,  # saved under a new slug, the old address must stop showing it
)

participants = CachedRows(
    Participant,
    by=("camp_id", "user_id"),
    prefix="participant",
    timeout_setting="PARTICIPANT_CACHE_TIMEOUT",
)

users = CachedRows(
    get_user_model(), by=("pk",), prefix="auth-user", timeout_setting="USER_CACHE_TIMEOUT"
)


def read_ahead_keys(slug):
    """What a live page reads with the camp's tokens: the camp's row."""
    return [camps.key(slug)]


def connect_signals():
    for rows in (camps, participants, users):
        rows.connect()
