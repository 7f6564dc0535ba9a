"""Networking pages that need the votes: people who want to attend the same sessions."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from barcamp.decorators import login_required
from events import queries as event_queries
from events.decorators import camp_view
from voting.aftercamp import network
from voting.plenum import queries as plenum_queries


@require_safe
@login_required
@camp_view
def interests(request, camp_slug):
    """
    Opted-in Teilgeber who want to attend the sessions the viewer wants, with how many (not which).

    Only for a viewer in the public list themself; everybody else learns how to get there. Both
    sides opted in to the list, whose opt-in says so; which sessions stays private.
    """
    camp = request.camp
    participant = event_queries.participant_for(camp, request.user)
    opted_in = bool(participant and participant.is_registered and participant.is_public)
    people = network.shared_interests(participant) if opted_in else []
    context = {
        "camp": camp,
        "participant": participant,
        "opted_in": opted_in,
        "people": people,
        "has_votes": bool(people) or (opted_in and plenum_queries.votes_used(participant) > 0),
    }
    return render(request, "voting/interests.html", context)
