"""What an uploaded sponsor logo must be: a raster image that decodes, not too large."""

import posixpath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

# Pillow's format -> the extension the stored file gets. Only these decoders ever read an upload.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
# More pixels than any screen shows: a small file that would decode into gigabytes is refused
# before it is decoded.
LOGO_MAX_PIXELS = 40_000_000


def check_logo(file):
    """
    Refuse what is not a PNG, JPEG or WebP image within LOGO_MAX_MB: the content is decoded, so
    a page or a script named .png fails. SVG is refused: it is a document that can carry
    scripts and references, and no well-kept sanitiser for it exists in Python.

    Renames the file to the extension of what it is (a JPEG called .png becomes .jpg).
    """
    if file.size > settings.LOGO_MAX_MB * 1024 * 1024:
        raise ValidationError(
            _("The logo is larger than %(max)d MB.") % {"max": settings.LOGO_MAX_MB},
            code="too_large",
        )
    stem, extension = posixpath.splitext(file.name)
    if extension.lower() == ".svg":
        raise ValidationError(
            _(
                "SVG logos are not accepted, since an SVG can carry scripts. Upload the logo "
                "as PNG, JPEG or WebP, please."
            ),
            code="svg",
        )
    not_an_image = ValidationError(
        _("This file is not a PNG, JPEG or WebP image."), code="not_an_image"
    )
    try:
        with Image.open(file, formats=list(LOGO_FORMATS)) as image:
            width, height = image.size
            if width * height > LOGO_MAX_PIXELS:
                raise ValidationError(
                    _("The logo has too many pixels (%(width)d × %(height)d).")
                    % {"width": width, "height": height},
                    code="too_many_pixels",
                )
            image.load()  # every pixel decoded: a damaged or disguised file fails here
            image_format = image.format
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    finally:
        file.seek(0)
    file.name = f"{stem}.{LOGO_FORMATS[image_format]}"
