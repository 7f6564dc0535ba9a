"""Name badges as a PDF: ten per A4 sheet, each 90 x 55 mm.

90 x 55 mm is the business-card size that common clip and lanyard badge holders take, and ten
of them fill an A4 sheet in two columns of five (printable on plain paper and cut along the
thin lines, or on ready-made business-card sheets). One badge (a late registration, a typo) is
the first of a sheet. The font is embedded (DejaVu Sans, vendored under static/fonts), so
umlauts, ß and most European names print the same on every host. A name in a script DejaVu
lacks (Chinese, Japanese, Korean, Arabic, Hebrew, Devanagari …) or with an emoji takes those
characters from the Noto fonts in BADGE_FONT_DIRS (Debian's fonts-noto-core, fonts-noto-cjk,
fonts-noto-color-emoji), shaped by HarfBuzz so that Arabic joins and runs right to left. What
no font here can draw is reported to the organizers on the door page (`unprintable`).
"""

import functools
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont
from fpdf import FPDF

# fontTools reports every glyph it keeps at INFO: one badge sheet would fill the log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = settings.BASE_DIR / "static" / "fonts"
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
BADGE_WIDTH, BADGE_HEIGHT = 90, 55
COLUMNS, ROWS = 2, 5
MARGIN_X = (PAGE_WIDTH - COLUMNS * BADGE_WIDTH) / 2
MARGIN_Y = (PAGE_HEIGHT - ROWS * BADGE_HEIGHT) / 2
PADDING = 6
ACCENT = (194, 65, 12)  # --color-accent of the app
MUTED = (92, 81, 72)
POINTS_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class BadgeFont:
    family: str
    regular: Path
    bold: Path | None
    number: int  # the font's number in a collection (.ttc)
    codepoints: frozenset


def _font(family, regular, bold=None, number=0):
    codepoints = frozenset(TTFont(regular, fontNumber=number, lazy=True).getBestCmap())
    return BadgeFont(family, regular, bold, number, codepoints)


@functools.cache
def _primary():
    return _font("DejaVu", FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf")


@functools.cache
def _fallbacks(directories):
    """The Noto fonts found, in the order they are tried: Noto Sans (Latin, Greek, Cyrillic
    beyond DejaVu), the colour emoji, then every script's Sans, CJK among them. Each process
    reads their character maps once (a third of a second for Debian's 150)."""
    fonts = []
    for directory in directories:
        paths = sorted(
            Path(directory).glob("NotoSans*-Regular.tt[fc]"),
            key=lambda path: (path.name != "NotoSans-Regular.ttf", path.name),
        )
        paths.insert(1, Path(directory) / "NotoColorEmoji.ttf")
        for path in paths:
            if not path.is_file():
                continue
            bold = path.with_name(path.name.replace("-Regular", "-Bold"))
            family = path.name.split("-")[0].split(".")[0]
            fonts.append(_font(family, path, bold if bold.is_file() else None))
    return tuple(fonts)


def _drawn(character):
    """Whether the character needs a glyph: not a space, a control or a format character (the
    zero-width joiner of an emoji sequence) or a variation selector."""
    if 0xFE00 <= ord(character) <= 0xFE0F or 0xE0100 <= ord(character) <= 0xE01EF:
        return False
    return unicodedata.category(character) not in {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _fonts_for(text):
    """The fallback fonts the text needs beyond DejaVu, in the order they are tried."""
    needed = {ord(c) for c in text if _drawn(c)} - _primary().codepoints
    chosen = []
    for font in _fallbacks(tuple(settings.BADGE_FONT_DIRS)):
        if needed & font.codepoints:
            chosen.append(font)
            needed -= font.codepoints
    return chosen


def missing_characters(text):
    """The characters of the text that no badge font on this host can draw, in order, once each."""
    covered = [_primary(), *_fallbacks(tuple(settings.BADGE_FONT_DIRS))]
    missing = []
    for character in text:
        if (
            _drawn(character)
            and character not in missing
            and not any(ord(character) in font.codepoints for font in covered)
        ):
            missing.append(character)
    return missing


def _badge_text(participant):
    return participant.display_name + "".join(participant.hashtags[:3])


def unprintable(participants):
    """[(Teilgeber, characters)] of those whose badge would miss characters of their name or
    hashtags here: the organizers hear it before the badges are printed."""
    found = []
    for participant in participants:
        missing = missing_characters(_badge_text(participant))
        if missing:
            found.append((participant, missing))
    return found


def _fit(pdf, text, *, width, largest, smallest, style=""):
    """The largest font size (pt) from `largest` down to `smallest` at which text fits the width."""
    size = largest
    while size > smallest:
        pdf.set_font("DejaVu", style, size)
        if pdf.get_string_width(text) <= width:
            return size
        size -= 0.5
    return smallest


def _clip(pdf, text, width):
    """Text cut with an ellipsis so that it fits the width at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _name_lines(pdf, name, width):
    """The name on one line if it fits at 15 pt or more, else on two lines split at a space."""
    size = _fit(pdf, name, width=width, largest=24, smallest=15, style="B")
    pdf.set_font("DejaVu", "B", size)
    if pdf.get_string_width(name) <= width or " " not in name:
        return size, [_clip(pdf, name, width)]
    words = name.split()
    best = None
    for cut in range(1, len(words)):
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
        longest = max(lines, key=lambda line: pdf.get_string_width(line))
        if best is None or pdf.get_string_width(longest) < pdf.get_string_width(best[1]):
            best = (lines, longest)
    lines, longest = best
    size = _fit(pdf, longest, width=width, largest=18, smallest=11, style="B")
    pdf.set_font("DejaVu", "B", size)
    return size, [_clip(pdf, line, width) for line in lines]


def _badge(pdf, x, y, *, name, hashtags, camp_name, camp_hashtag):
    inner = BADGE_WIDTH - 2 * PADDING
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, BADGE_WIDTH, BADGE_HEIGHT)
    pdf.set_fill_color(*ACCENT)
    pdf.rect(x, y, BADGE_WIDTH, 3, style="F")

    pdf.set_text_color(*MUTED)
    pdf.set_font("DejaVu", "", 8)
    pdf.set_xy(x + PADDING, y + 5)
    pdf.cell(inner, 4, _clip(pdf, camp_name, inner))

    pdf.set_text_color(0, 0, 0)
    size, lines = _name_lines(pdf, name, inner)
    line_height = size / POINTS_PER_MM * 1.15
    top = y + 14 + (10 - line_height * len(lines)) / 2 if len(lines) == 1 else y + 12
    for number, line in enumerate(lines):
        pdf.set_xy(x + PADDING, top + number * line_height)
        pdf.cell(inner, line_height, line)

    tags = "  ".join(f"#{tag}" for tag in hashtags if tag)
    if tags:
        pdf.set_text_color(*MUTED)
        size = _fit(pdf, tags, width=inner, largest=11, smallest=8)
        pdf.set_font("DejaVu", "", size)
        pdf.set_xy(x + PADDING, y + 33)
        pdf.cell(inner, 6, _clip(pdf, tags, inner))

    if camp_hashtag:
        pdf.set_text_color(*ACCENT)
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_xy(x + PADDING, y + BADGE_HEIGHT - PADDING - 5)
        pdf.cell(inner, 5, _clip(pdf, f"#{camp_hashtag}", inner), align="R")


def render_badges(*, camp, participants):
    """The PDF (bytes) with a badge per Teilgeber, in the order given; an empty list gives one empty sheet."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(camp.name)
    pdf.set_creator("barcamp")
    pdf.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    # Only the fonts these badges need: a CJK font alone is 20 MB to read.
    text = camp.name + (camp.hashtag or "") + "".join(_badge_text(p) for p in participants)
    fallbacks = _fonts_for(text)
    for font in fallbacks:
        pdf.add_font(font.family, "", font.regular, collection_font_number=font.number)
        if font.bold:
            pdf.add_font(font.family, "B", font.bold, collection_font_number=font.number)
    if fallbacks:
        # exact_match=False: the colour emoji has no bold, and a name is bold.
        pdf.set_fallback_fonts([font.family for font in fallbacks], exact_match=False)
    # HarfBuzz: Arabic letters join and run right to left, Devanagari's vowel signs sit right.
    pdf.set_text_shaping(True)
    per_page = COLUMNS * ROWS
    pdf.add_page()
    for index, participant in enumerate(participants):
        if index and index % per_page == 0:
            pdf.add_page()
        row, column = divmod(index % per_page, COLUMNS)
        _badge(
            pdf,
            MARGIN_X + column * BADGE_WIDTH,
            MARGIN_Y + row * BADGE_HEIGHT,
            name=participant.display_name,
            hashtags=participant.hashtags[:3],
            camp_name=camp.name,
            camp_hashtag=camp.hashtag,
        )
    return bytes(pdf.output())
