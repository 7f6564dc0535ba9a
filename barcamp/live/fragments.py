"""
`{% shared %}`: a part of a page that is the same for everybody, rendered once per process.

Every page repeats the header, the camp's navigation and the footer: a dozen links reversed and
as many texts translated, a good part of what the plenum's pages cost (bench/README.md). They depend on
little (the camp, the language, whether somebody is logged in), so each process renders them
once per combination and keeps the markup, as `memo.memoized` keeps what it derives per version.

    {% shared "camp-nav" slug=camp.slug view=request.resolver_match.view_name %}
      ... sees only `slug` and `view` ...
    {% endshared %}

The fragment is rendered with the values it names and nothing else of the page's context (no
user, no CSRF token, no messages), so it cannot come to depend on something its key leaves
out. The active language is part of every key; the values must be hashable.
"""

from django import template
from django.template.base import token_kwargs
from django.utils import translation
from django.utils.safestring import mark_safe

from .memo import Memo

register = template.Library()

# Fragments x camps x languages x the values they name (a vote count among them): a few thousand
# small strings per process.
_fragments = Memo(size=4096)


class SharedNode(template.Node):
    # Not searched for blocks: `{% extends %}` walks the whole base template for them on every
    # render, and a block inside a shared part would be the same on every page anyway.
    child_nodelists = ()

    def __init__(self, name, values, nodelist):
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.values.items()}
        key = (self.origin.name, self.name, translation.get_language(), *sorted(values.items()))
        return _fragments.get(key, lambda: mark_safe(self.nodelist.render(context.new(values))))


@register.tag
def shared(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a quoted name first.")
    values = token_kwargs(bits[2:], parser, support_legacy=False)
    if len(values) != len(bits) - 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes only name=value after its name.")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(bits[1][1:-1], values, nodelist)
