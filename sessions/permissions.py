def is_host(participant, session, host_ids=None):
    """Whether the Teilgeber hosts the session (host_ids: the session's host participant ids, if known)."""
    if participant is None:
        return False
    if host_ids is None:
        host_ids = {host.participant_id for host in session.hosts.all()}
    return participant.pk in host_ids


def can_edit_session(user, session, participant):
    """Hosts edit and withdraw their session; organizers may too."""
    return is_host(participant, session) or session.camp.is_organized_by(user)


def can_see_session(user, session, participant):
    """A hidden or withdrawn session is visible to its hosts and the organizers only."""
    return session.is_visible or can_edit_session(user, session, participant)


def can_edit_notes(user, session, participant):
    """Every Teilgeber of the camp writes the notes: registered Teilgeber and the organizers."""
    if participant is not None and participant.camp_id == session.camp_id:
        if participant.is_registered:
            return True
    return session.camp.is_organized_by(user)


def can_wish(user, series):
    """Logged-in Teilgeber of any camp of the series (past or next, registered or waitlisted)
    propose and vote topic wishes: the people who will be in the room."""
    return series.has_teilgeber(user)


def can_moderate_wishes(user, series):
    """The organizers of the series' camps hide and show wishes."""
    return series.is_organized_by(user)
