import re
from urllib.parse import quote

import nh3
from django import template
from django.urls import reverse
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from events.queries import normalise_tag

register = template.Library()

# urlize's links, which the hashtag pass must leave alone (a URL may hold a "#fragment").
ANCHOR = re.compile(r"(<a\s[^>]*>.*?</a>)", re.S)
# A hashtag as the profile form allows it, not inside a word, an entity ("&#x27;") or a path.
HASHTAG = re.compile(r"(?<![\w&/#])#(\w[\w-]{0,29})")


@register.simple_tag
def wall_text(text, camp):
    """
    A post as safe HTML: everything escaped, web addresses as links (nofollow, ugc), hashtags as
    links to the Teilgeber who chose them (the camp's own hashtag stays text), line breaks kept.
    """
    html = urlize(text or "", trim_url_limit=40, nofollow=True, autoescape=True)
    people = reverse("events:people", args=[camp.slug])
    own = normalise_tag(camp.hashtag)

    def link(match):
        tag = match.group(1)
        if normalise_tag(tag) == own:
            return match.group(0)
        return f'<a class="tag" href="{people}?tag={quote(tag)}">#{tag}</a>'

    parts = ANCHOR.split(html)
    html = "".join(
        part if index % 2 else HASHTAG.sub(link, part) for index, part in enumerate(parts)
    )
    return mark_safe(
        nh3.clean(
            html.replace("\n", "<br>"),
            tags={"a", "br"},
            attributes={"a": {"href", "class"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow noopener ugc",
        )
    )


@register.simple_tag
def tag_url(camp, tag):
    """The directory filtered by one hashtag."""
    return f"{reverse('events:people', args=[camp.slug])}?tag={quote(normalise_tag(tag))}"


@register.filter
def tagkey(tag):
    """A hashtag as the directory compares it (no '#', case-folded)."""
    return normalise_tag(tag)
