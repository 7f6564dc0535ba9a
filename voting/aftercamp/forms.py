from django import forms
from django.utils.translation import gettext_lazy as _

from voting.models import CampFeedback, Rating


class SessionFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it?"),
        choices=Rating.choices,
        coerce=int,
        error_messages={
            "required": _("Tap a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional, anonymous)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The hosts and the Orga read it without your name."),
    )


class CampFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the camp overall?"),
        # Bare numbers, so that the five choices fit side by side on a phone.
        choices=[(value, str(value)) for value in Rating.values],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 not for me, 5 excellent"),
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    good = forms.CharField(
        label=_("What was good?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    improve = forms.CharField(
        label=_("What should we improve?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    come_again = forms.ChoiceField(
        label=_("Would you come again?"),
        required=False,
        choices=[("", _("no answer")), *CampFeedback.ComeAgain.choices],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Answer with yes, maybe or no.")},
    )
