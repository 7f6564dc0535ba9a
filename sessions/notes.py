"""Session notes as text: normalising what a textarea sends, merging two edits, showing a diff.

Pure functions on strings, no database: the services, forms and pages of the notes use them.
"""

import difflib
from dataclasses import dataclass

import merge3
from django.utils.translation import gettext_lazy as _

# Lines that look like a merge tool's conflict markers never enter the notes: the editors are not
# coders, and a conflict is resolved by choosing (see `MergeResult.resolve`), never by hand-editing
# markers. The form and the service both refuse a text that holds them.
MARK_MINE = "<<<<<<< "
MARK_END = ">>>>>>>"
MARKERS_REFUSED = _(
    "The text still holds the marker lines of the merge (<<<<<<<, =======, >>>>>>>). "
    "Keep what is right, delete the marker lines, then save."
)

# What to keep where both editors changed the same lines.
MINE, THEIRS, BOTH = "mine", "theirs", "both"


def normalize(text):
    """The text as stored: Unix line ends, no trailing white space at the end."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _lines(text):
    text = normalize(text)
    return (text + "\n").splitlines(keepends=True) if text else []


def _joined(lines):
    """Lines as one string without the last line end, so that it shows and compares plainly."""
    return "".join(lines).removesuffix("\n")


@dataclass(frozen=True)
class Conflict:
    """One place where both editors changed the same lines: what each made of them, and the last
    line before it that both agree on (empty at the top), to find the place in the text."""

    mine: str
    theirs: str
    after: str = ""

    def keep(self, choice):
        """The lines that stay for a choice: mine, theirs, or both one after the other (theirs
        first, as two additions at the same place are merged: in the order they were saved)."""
        kept = {MINE: [self.mine], THEIRS: [self.theirs], BOTH: [self.theirs, self.mine]}[choice]
        return "".join(text + "\n" for text in kept if text)


@dataclass(frozen=True)
class MergeResult:
    """A three-way merge, in order: runs of merged lines (strings) and the conflicts between them."""

    parts: tuple = ()

    @property
    def conflicts(self):
        return [part for part in self.parts if isinstance(part, Conflict)]

    @property
    def clean(self):
        return not self.conflicts

    @property
    def text(self):
        """The merged text; a merge with conflicts has none until each is resolved."""
        if not self.clean:
            raise ValueError("A merge with conflicts has a text only once they are resolved.")
        return normalize("".join(self.parts))

    def resolve(self, choices):
        """The text with each conflict, in order, replaced by what its choice keeps."""
        if len(choices) != len(self.conflicts):
            raise ValueError("One choice per conflict.")
        remaining = iter(choices)
        return normalize(
            "".join(
                part.keep(next(remaining)) if isinstance(part, Conflict) else part
                for part in self.parts
            )
        )


def merge(*, base, theirs, mine):
    """Merge my edit of `base` with their edit of it, saved in between (a three-way merge by lines).

    Changes to different lines are combined. Where both only added lines at the same place, both
    additions are kept (theirs first): nothing is lost, and the common case of two people
    appending to the notes at once needs no hand. Where both changed the same (or adjacent)
    lines, the result holds a conflict, for the editor to choose what stays.
    """
    parts, merged, agreed = [], [], ""
    groups = merge3.Merge3(_lines(base), _lines(theirs), _lines(mine)).merge_groups()
    for group in groups:
        if group[0] != "conflict":
            merged.extend(group[1])
            continue
        _kind, base_lines, their_lines, my_lines = group
        if not base_lines:
            merged.extend(their_lines)
            merged.extend(my_lines)
            continue
        if merged:
            parts.append("".join(merged))
            agreed = next((line for line in reversed(merged) if line.strip()), agreed)
        parts.append(
            Conflict(mine=_joined(my_lines), theirs=_joined(their_lines), after=agreed.rstrip())
        )
        merged = []
    if merged:
        parts.append("".join(merged))
    return MergeResult(parts=tuple(parts))


def has_conflict_markers(text):
    """Whether the text holds a merge tool's marker lines (a start and an end line)."""
    lines = normalize(text).split("\n")
    return any(line.startswith(MARK_MINE) or line == MARK_MINE.strip() for line in lines) and any(
        line.startswith(MARK_END) for line in lines
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap" (unchanged lines left out)
    text: str = ""


def diff(old, new, *, context=2):
    """The lines that changed from `old` to `new`, with a little unchanged context around them."""
    old_lines, new_lines = normalize(old), normalize(new)
    old_lines = old_lines.split("\n") if old_lines else []
    new_lines = new_lines.split("\n") if new_lines else []
    groups = list(
        difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_grouped_opcodes(
            context
        )
    )
    if not groups:
        return []
    result = []
    for group in groups:
        _tag, i1, _i2, j1, _j2 = group[0]
        if i1 > 0 or j1 > 0:
            result.append(DiffLine("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                result.extend(DiffLine("same", line) for line in old_lines[i1:i2])
            else:
                result.extend(DiffLine("removed", line) for line in old_lines[i1:i2])
                result.extend(DiffLine("added", line) for line in new_lines[j1:j2])
    _tag, _i1, i2, _j1, j2 = groups[-1][-1]
    if i2 < len(old_lines) or j2 < len(new_lines):
        result.append(DiffLine("gap"))
    return result


def count_changes(old, new):
    """(lines added, lines removed) from `old` to `new`."""
    added = removed = 0
    for line in diff(old, new, context=0):
        added += line.kind == "added"
        removed += line.kind == "removed"
    return added, removed
