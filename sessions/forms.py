import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .models import Session


class SessionForm(forms.Form):
    """Pitch a session in under 30 seconds: only the title is required."""

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
        help_text=_("One line that makes people want to come."),
    )
    description = forms.CharField(
        label=_("What is it about?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional, a few sentences. Markdown works: **bold**, *italic*, lists, links."),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=Session.Format.choices, initial=Session.Format.DISCUSSION
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=Session.Language.choices, initial=Session.Language.GERMAN
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Up to five, separated by commas, e.g. python, community."),
    )
    length = forms.TypedChoiceField(
        label=_("Length"),
        choices=[(1, _("one slot")), (2, _("two slots in a row"))],
        coerce=int,
        initial=1,
    )
    day = forms.TypedChoiceField(label=_("Day"), coerce=datetime.date.fromisoformat)

    def __init__(self, *args, camp, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [
            (day.isoformat(), formats.date_format(day, "l, j. F")) for day in camp.days
        ]
        if len(camp.days) == 1:
            self.fields["day"].widget = forms.HiddenInput()
        self.fields["day"].initial = self.default_day(camp).isoformat()

    @staticmethod
    def default_day(camp):
        """Today while the camp runs, else its first day."""
        today = timezone.localdate(timezone=camp.tz)
        return today if today in camp.days else camp.start_date

    @classmethod
    def for_session(cls, session, data=None):
        initial = {
            "title": session.title,
            "description": session.description,
            "format": session.format,
            "language": session.language,
            "tags": ", ".join(session.tags),
            "length": session.length,
            "day": session.day.isoformat(),
        }
        return cls(data=data, camp=session.camp, initial=initial)

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Please give your session a title."))
        return title

    def clean_tags(self):
        tags = [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip(" #")]
        if len(tags) > Session.MAX_TAGS:
            raise forms.ValidationError(
                _("At most %(max)d tags, please.") % {"max": Session.MAX_TAGS}
            )
        for tag in tags:
            if len(tag) > 30:
                raise forms.ValidationError(_("A tag has at most 30 characters."))
        return tags

    def session_fields(self):
        return dict(self.cleaned_data)


class WishForm(forms.Form):
    """Wish for a topic for the next camp: a line, and a few words if you like."""

    title = forms.CharField(
        label=_("Which topic do you wish for?"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "send"}),
        help_text=_("Somebody at the next camp may take it up as their session."),
    )
    description = forms.CharField(
        label=_("What about it?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Please name the topic."))
        return title
