from django import template

from voting.grid import checklist

register = template.Library()


@register.inclusion_tag("voting/includes/_orga_panel.html")
def orga_panel(camp, *, in_admin=False):
    """The organizers' way into the day: links to every page they run it from, and the day's
    checklist. On the camp page (events may not import voting) and the admin's camp page."""
    day = checklist.checklist_day(camp)
    return {"camp": camp, "ready": checklist.day_readiness(camp, day), "in_admin": in_admin}
