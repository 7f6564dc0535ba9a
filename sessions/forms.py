import datetime
import zipfile

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from . import notes
from .models import Session, SessionLink, SessionNotes


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


class NotesForm(forms.Form):
    """The notes as the editor typed them, and the revision the editing began from."""

    text = forms.CharField(
        label=_("Notes"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 14, "maxlength": SessionNotes.MAX_LENGTH, "class": "notes-textarea"}
        ),
        help_text=_("Markdown: ## heading, **bold**, *italic*, - lists, [links](https://…)."),
    )
    base_revision = forms.IntegerField(min_value=0, max_value=10**9, widget=forms.HiddenInput)

    def __init__(self, *args, saving=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.saving = saving
        self.fields["base_revision"].error_messages = dict.fromkeys(
            ["required", "invalid", "min_value", "max_value"], _lost_revision()
        )

    def clean_text(self):
        return _clean_notes(self.cleaned_data["text"], saving=self.saving)


def _clean_notes(text, *, saving=True):
    # Browsers send line ends as CR LF; the limit counts what is stored.
    text = notes.normalize(text)
    if len(text) > SessionNotes.MAX_LENGTH:
        raise forms.ValidationError(
            _("The notes can have at most %(max)d characters.") % {"max": SessionNotes.MAX_LENGTH}
        )
    if saving and notes.has_conflict_markers(text):
        raise forms.ValidationError(notes.MARKERS_REFUSED)
    return text


def _lost_revision():
    # The fields are hidden: say what to do rather than which rule they broke.
    return _("The form lost the revision it began from. Copy your text, reload the page, paste.")


class NotesConflictForm(forms.Form):
    """
    After a conflict, per place where both editors changed the same lines: keep mine, theirs or
    both. The editor's whole text and the two revisions it is merged from travel as hidden
    fields, so that the server builds the result again from them and keeps no state between.
    """

    CHOICES = [
        (notes.MINE, _("Keep yours")),
        (notes.THEIRS, _("Keep the saved one")),
        (notes.BOTH, _("Keep both, one after the other")),
    ]

    mine = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    base_revision = forms.IntegerField(min_value=0, max_value=10**9, widget=forms.HiddenInput)
    theirs_revision = forms.IntegerField(min_value=1, max_value=10**9, widget=forms.HiddenInput)

    def __init__(self, *args, places=0, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("base_revision", "theirs_revision"):
            self.fields[name].error_messages = dict.fromkeys(
                ["required", "invalid", "min_value", "max_value"], _lost_revision()
            )
        self.place_names = [f"place_{number}" for number in range(1, places + 1)]
        for name in self.place_names:
            self.fields[name] = forms.ChoiceField(
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                error_messages=dict.fromkeys(
                    ["required", "invalid_choice"], _("Choose what to keep here.")
                ),
            )

    def clean_mine(self):
        return _clean_notes(self.cleaned_data["mine"])

    def clean(self):
        data = super().clean()
        base, theirs = data.get("base_revision"), data.get("theirs_revision")
        if base is not None and theirs is not None and base >= theirs:
            raise forms.ValidationError(_lost_revision())
        return data

    def place_fields(self):
        """The bound choice of each place, in the order of the text."""
        return [self[name] for name in self.place_names]

    def choices(self):
        """What to keep at each place, in the order of the text (after validation)."""
        return [self.cleaned_data[name] for name in self.place_names]


# Where an uploaded file's first bytes must begin as its name says: no HTML page as "slides.pdf".
SLIDES_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "pptx": (b"PK\x03\x04",),
    "odp": (b"PK\x03\x04",),
    "key": (b"PK\x03\x04",),
    "ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def validate_slides(file):
    """Slides are a PDF or a presentation file, within the size limit, and what their name says."""
    limit = settings.SLIDES_MAX_MB * 1024 * 1024
    if file.size > limit:
        raise forms.ValidationError(
            _("The file is larger than %(max)d MB.") % {"max": settings.SLIDES_MAX_MB}
        )
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in SessionLink.SLIDES_EXTENSIONS:
        raise forms.ValidationError(
            _(
                "Slides as PDF, PowerPoint (.pptx, .ppt), OpenDocument (.odp) or Keynote (.key), "
                "please."
            )
        )
    head = file.read(8)
    file.seek(0)
    if not head.startswith(SLIDES_SIGNATURES[extension]) or not _is_package(file, extension):
        raise forms.ValidationError(
            _("This file is not a .%(extension)s file.") % {"extension": extension}
        )


# What a presentation that is a ZIP package holds: a page zipped and named .pptx is not one.
PACKAGE_MEMBERS = {"pptx": "[Content_Types].xml", "odp": "mimetype", "key": None}


def _is_package(file, extension):
    """Whether a ZIP-based presentation opens as a whole archive with its format's index."""
    if extension not in PACKAGE_MEMBERS:
        return True
    try:
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
            member = PACKAGE_MEMBERS[extension]
            return member is None or member in names
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)


def validate_web_address(value):
    if not value.lower().startswith(("http://", "https://")):
        raise forms.ValidationError(_("Enter a web address that starts with http:// or https://."))


class LinkForm(forms.Form):
    """A link or the slides: a title, and a web address or an uploaded file."""

    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=SessionLink.Kind.choices,
        initial=SessionLink.Kind.LINK,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    url = forms.URLField(
        label=_("Web address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[validate_web_address],
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        validators=[validate_slides],
        help_text=_("Slides: PDF, .pptx, .ppt, .odp or .key, at most %(max)d MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "max": settings.SLIDES_MAX_MB
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{extension}" for extension in SessionLink.SLIDES_EXTENSIONS
        )

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Give the link a title."))
        return title

    def clean(self):
        data = super().clean()
        url, file = data.get("url"), data.get("file")
        if "url" in self.errors or "file" in self.errors:
            return data
        if not url and not file:
            raise forms.ValidationError(_("Give a web address or choose a file."))
        if url and file:
            raise forms.ValidationError(_("Give either a web address or a file, not both."))
        if file:
            data["kind"] = SessionLink.Kind.SLIDES
        return data


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
