import datetime

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator, URLValidator, validate_email
from django.utils.translation import gettext_lazy as _

from . import uploads
from .models import (
    ONLINE_URL_MESSAGE,
    WALL_TEXT_LENGTH,
    Notification,
    NotificationSettings,
    Participant,
    Room,
    Sponsor,
)
from .wall import clean_text

hashtag_validator = RegexValidator(
    r"^#?[\w-]{1,30}$",
    _("A hashtag is one word of letters, digits, - or _ (at most 30), without spaces."),
)


def not_an_email_address(value):
    """A display name is public: an e-mail address typed into it would be shown to everybody."""
    try:
        validate_email(value.strip())
    except ValidationError:
        return
    raise ValidationError(
        _("That looks like an e-mail address. Your name is public: use a first name or nickname.")
    )


def display_name_field(**kwargs):
    return forms.CharField(
        max_length=80,
        validators=[not_an_email_address],
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        **kwargs,
    )


class JoinForm(forms.Form):
    """The first join asks once for the name everybody else will see."""

    display_name = display_name_field(
        label=_("Your name"),
        help_text=_(
            "Shown publicly: on the projector, in the plan and next to your sessions. "
            "A first name or nickname is enough. Never your e-mail address."
        ),
    )


class ProfileForm(forms.Form):
    display_name = display_name_field(
        label=_("Display name"),
        help_text=_("How other Teilgeber see you."),
    )
    hashtag_1 = forms.CharField(
        label=_("Hashtag 1"), max_length=31, required=False, validators=[hashtag_validator]
    )
    hashtag_2 = forms.CharField(
        label=_("Hashtag 2"), max_length=31, required=False, validators=[hashtag_validator]
    )
    hashtag_3 = forms.CharField(
        label=_("Hashtag 3"), max_length=31, required=False, validators=[hashtag_validator]
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url"}),
        help_text=_("One address per line, at most five (website, Mastodon, LinkedIn …)."),
    )
    is_public = forms.BooleanField(
        label=_("Show me in the camp’s public list of Teilgeber"),
        required=False,
        help_text=_(
            "Off by default. Your name, hashtags, bio and links become visible to everyone. "
            "Teilgeber in the list also see how many sessions you both want to attend (never which)."
        ),
    )

    @classmethod
    def for_participant(cls, participant, data=None):
        tags = (participant.hashtags + ["", "", ""])[:3]
        initial = {
            "display_name": participant.display_name,
            "hashtag_1": tags[0],
            "hashtag_2": tags[1],
            "hashtag_3": tags[2],
            "bio": participant.bio,
            "links": "\n".join(participant.links),
            "is_public": participant.is_public,
        }
        return cls(data=data, initial=initial)

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > Participant.MAX_LINKS:
            raise forms.ValidationError(
                _("At most %(max)d links, please.") % {"max": Participant.MAX_LINKS}
            )
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(link)s” is not a web address (https://…).") % {"link": line[:100]}
                ) from None
        return lines

    def profile(self):
        """The cleaned data as keyword arguments of services.update_profile."""
        data = self.cleaned_data
        return {
            "display_name": data["display_name"],
            "hashtags": [data[f"hashtag_{i}"] for i in (1, 2, 3) if data[f"hashtag_{i}"]],
            "bio": data["bio"],
            "links": data["links"],
            "is_public": data["is_public"],
        }


class WallTextForm(forms.Form):
    """A post on the wall or an announcement: plain text, at most 280 characters."""

    too_long = _("At most %(max)d characters, please (this has %(length)d).")

    text = forms.CharField(
        label=_("Your post"),
        # The length is checked after line breaks are normalised: a browser counts "\r\n" as
        # one character, the form data has two.
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": WALL_TEXT_LENGTH}),
        error_messages={"required": _("Write something first.")},
    )
    # A one-time token per rendered form: the same form sent twice posts once.
    nonce = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean_text(self):
        text = clean_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        if len(text) > WALL_TEXT_LENGTH:
            raise forms.ValidationError(
                self.too_long % {"max": WALL_TEXT_LENGTH, "length": len(text)}
            )
        return text


class AnnouncementForm(WallTextForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Announcement")
        self.fields["text"].error_messages["required"] = _("Write the announcement first.")
        self.fields["text"].widget.attrs["rows"] = 2


class GenerateSlotsForm(forms.Form):
    """The organizer's input for generating a day's slots in the admin."""

    date = forms.TypedChoiceField(label=_("Day"), coerce=datetime.date.fromisoformat)
    start = forms.TimeField(label=_("First slot starts"), initial=datetime.time(10, 0))
    end = forms.TimeField(label=_("Last slot ends by"), initial=datetime.time(18, 0))
    length = forms.IntegerField(
        label=_("Slot length (minutes)"), min_value=5, max_value=480, initial=45
    )
    gap = forms.IntegerField(
        label=_("Changeover between slots (minutes)"), min_value=0, max_value=120, initial=15
    )
    break_start = forms.TimeField(
        label=_("Lunch break from"), required=False, initial=datetime.time(12, 30)
    )
    break_end = forms.TimeField(
        label=_("Lunch break until"), required=False, initial=datetime.time(13, 30)
    )
    replace = forms.BooleanField(label=_("Replace the day’s existing slots"), required=False)

    def __init__(self, *args, camp, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].choices = [(day.isoformat(), day) for day in camp.days]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The last slot must end after the first starts."))
        b_start, b_end = data.get("break_start"), data.get("break_end")
        if bool(b_start) != bool(b_end):
            self.add_error(
                "break_end", _("Give both the start and the end of the break, or neither.")
            )
        elif b_start and b_end and b_end <= b_start:
            self.add_error("break_end", _("The break must end after it starts."))
        return data

    def generate_kwargs(self):
        data = self.cleaned_data
        breaks = [(data["break_start"], data["break_end"])] if data.get("break_start") else []
        return {
            "date": data["date"],
            "start": data["start"],
            "end": data["end"],
            "length": datetime.timedelta(minutes=data["length"]),
            "gap": datetime.timedelta(minutes=data["gap"]),
            "breaks": breaks,
            "replace": data["replace"],
        }


class NextCampForm(forms.Form):
    """What the organizer chooses for the next camp of a series; the rest is copied."""

    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Short name in the address"),
        max_length=60,
        help_text=_("Appears in every address of the camp, e.g. /barcamp-koeln-2027/."),
    )
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    hashtag = forms.CharField(
        label=_("Hashtag"),
        max_length=60,
        required=False,
        help_text=_("Empty: the last camp’s hashtag with the new year (bcko26 → bcko27)."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data

    def copy_kwargs(self):
        data = self.cleaned_data
        return {
            "name": data["name"],
            "slug": data["slug"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "hashtag": data["hashtag"] or None,
        }


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the name shown to others (asked once, here), saying plainly that
    the password may stay empty. allauth stores `first_name` on the new account."""

    first_name = display_name_field(
        label=_("Your name"),
        help_text=JoinForm.base_fields["display_name"].help_text,
    )
    field_order = ["first_name", "email", "password1"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password1" in self.fields:
            self.fields["password1"].help_text = _(
                "Optional. Without a password you log in with a code that we send by e-mail."
            )
            self.fields["password1"].widget.attrs["placeholder"] = _("optional")


class NotificationSettingsForm(forms.Form):
    """One switch per optional kind of e-mail; the registration mails are always on."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        for kind in NotificationSettings.OPTIONAL:
            self.fields[kind] = forms.BooleanField(
                label=Notification(kind).label,
                required=False,
                initial=getattr(current, kind),
                help_text=NOTIFICATION_HELP[kind],
            )

    def choices(self):
        return {kind: self.cleaned_data[kind] for kind in NotificationSettings.OPTIONAL}


NOTIFICATION_HELP = {
    Notification.SESSION_PLACED: _(
        "When the published plan puts your session in a room, or moves it. One mail per change "
        "of plan, not per click of the organizers."
    ),
    Notification.PLAN_PUBLISHED: _("Once a day of a camp you registered for has its plan."),
    Notification.REMINDER: _(
        "The day before a camp you registered for: where, when, what to bring."
    ),
    Notification.WISH_TAKEN_UP: _(
        "When somebody takes up a topic you wished for as their session, so you can vote for it."
    ),
}


class CampAdminForm(forms.ModelForm):
    """The camp's page in the admin. The admin sets `editor`, the user who edits, per request."""

    editor = None

    def clean_organizers(self):
        organizers = self.cleaned_data["organizers"]
        editor = self.editor
        # A new camp gets its creator as organizer anyway (CampAdmin.save_related).
        if self.instance.pk and editor and not editor.is_superuser and editor not in organizers:
            raise forms.ValidationError(
                _(
                    "Keep yourself among the organizers: without it you could no longer open "
                    "this camp. To hand it over, ask another of its organizers to take you off."
                )
            )
        return organizers


class SponsorForm(forms.ModelForm):
    """A sponsor in the admin: its logo is checked by its content (events.uploads)."""

    class Meta:
        model = Sponsor
        fields = ["camp", "name", "url", "logo", "order"]  # an inline leaves out the camp

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "logo" in self.fields:
            self.fields["logo"].help_text = _("PNG, JPEG or WebP, at most %(max)d MB.") % {
                "max": settings.LOGO_MAX_MB
            }
            self.fields["logo"].widget.attrs["accept"] = "image/png,image/jpeg,image/webp"

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Only a new upload: a logo stored before was checked when it came.
        if isinstance(logo, UploadedFile):
            uploads.check_logo(logo)
        return logo


class RoomForm(forms.ModelForm):
    """A room in the admin: its online address is a web address, or the organizer is told so."""

    class Meta:
        model = Room
        fields = ["camp", "name", "capacity", "order", "online_url", "online_only"]
        # Django's URL field says "Enter a valid URL." to a javascript: address and the
        # model's own check speaks of the video conference: one message for both.
        error_messages = {"online_url": {"invalid": ONLINE_URL_MESSAGE}}
        widgets = {"online_url": forms.URLInput(attrs={"placeholder": "https://", "size": 40})}
