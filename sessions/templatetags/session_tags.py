import re

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
# Notes are longer documents: they may have headings (below the page's own) and rules.
NOTES_TAGS = ALLOWED_TAGS | {"h3", "h4", "h5", "h6", "hr"}


_BLOCK_START = re.compile(r"^ {0,3}(?:[-*+] |\d{1,3}[.)] |#{1,6} )")


def _blocks_interrupt_paragraphs(text):
    """A list or heading right below a line of text starts a block, as it does on GitHub and as
    people type on a phone (Markdown proper wants a blank line before it)."""
    lines, previous = [], ""
    for line in (text or "").split("\n"):
        if _BLOCK_START.match(line) and previous.strip() and not _BLOCK_START.match(previous):
            if not previous.startswith((" ", "\t")):
                lines.append("")
        lines.append(line)
        previous = line
    return "\n".join(lines)


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _place_headings(html, top):
    """The text's headings from level `top` down, one level for each level the text uses: notes
    that begin with "##", or go from "#" to "###", skip no level of the page's outline."""
    levels = sorted({int(match[2]) for match in _HEADING.finditer(html)})
    placed = {level: min(top + rank, 6) for rank, level in enumerate(levels)}
    return _HEADING.sub(lambda match: f"<{match[1]}h{placed[int(match[2])]}", html)


def render_markdown(text, *, tags=ALLOWED_TAGS, heading_level=1, line_breaks=False):
    """Markdown written by a Teilgeber as safe HTML: the given tags, http(s) links only, no other
    attributes. `heading_level` is what a "#" heading becomes (3: "#" is an <h3>); with
    `line_breaks`, a new line is a new line (notes are typed line by line)."""
    extensions = ["sane_lists"]
    if line_breaks:
        extensions.append("nl2br")
        text = _blocks_interrupt_paragraphs(text)
    html = markdown_lib.markdown(text or "", extensions=extensions, output_format="html")
    if heading_level > 1:
        html = _place_headings(html, heading_level)
    return mark_safe(
        nh3.clean(
            html,
            tags=tags,
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow noopener ugc",
        )
    )


@register.filter
def markdown(text):
    """A session description as safe HTML."""
    return render_markdown(text)


@register.filter
def notes_markdown(text, heading_level=3):
    """Session notes as safe HTML; their "#" headings become <h3> (or the level given), below
    the page's own headings."""
    level = heading_level if heading_level in (3, 4, 5) else 3
    return render_markdown(text, tags=NOTES_TAGS, heading_level=level, line_breaks=True)
