"""Session notes as text: normalising what a textarea sends, merging two edits, showing a diff.

Pure functions on strings, no database: the services and pages of the notes use them.
"""

import difflib
from dataclasses import dataclass, field

import merge3

# Where two editors changed the same lines, the proposal for merging by hand holds both versions
# between these lines (plain words rather than diff3's arrows: the people editing are not coders).
MARK_MINE = "<<<<<<< "
MARK_SPLIT = "======= "
MARK_END = ">>>>>>>"


def normalize(text):
    """The text as stored: Unix line ends, no trailing white space at the end."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _lines(text):
    text = normalize(text)
    return (text + "\n").splitlines(keepends=True) if text else []


@dataclass(frozen=True)
class Conflict:
    """One place where both editors changed the same lines: what each made of them."""

    mine: str
    theirs: str


@dataclass(frozen=True)
class MergeResult:
    """A three-way merge: the merged text, and the conflicts if it is only a proposal."""

    text: str
    conflicts: list = field(default_factory=list)

    @property
    def clean(self):
        return not self.conflicts


def merge(*, base, theirs, mine, mine_label, theirs_label):
    """Merge my edit of `base` with their edit of it, saved in between (a three-way merge by lines).

    Changes to different lines are combined. Where both only added lines at the same place, both
    additions are kept (theirs first): nothing is lost, and the common case of two people
    appending to the notes at once needs no hand. Where both changed the same (or adjacent)
    lines, the result is a proposal that holds both versions between marker lines.
    """
    text, conflicts = [], []
    groups = merge3.Merge3(_lines(base), _lines(theirs), _lines(mine)).merge_groups()
    for group in groups:
        if group[0] != "conflict":
            text.extend(group[1])
            continue
        _kind, base_lines, their_lines, my_lines = group
        if not base_lines:
            text.extend(their_lines)
            text.extend(my_lines)
            continue
        conflicts.append(
            Conflict(mine="".join(my_lines).rstrip(), theirs="".join(their_lines).rstrip())
        )
        text.append(f"{MARK_MINE}{mine_label}\n")
        text.extend(my_lines)
        text.append(f"{MARK_SPLIT}{theirs_label}\n")
        text.extend(their_lines)
        text.append(f"{MARK_END}\n")
    return MergeResult(text=normalize("".join(text)), conflicts=conflicts)


def has_conflict_markers(text):
    """Whether a merge proposal's marker lines are still in the text."""
    lines = normalize(text).split("\n")
    return any(line.startswith(MARK_MINE) for line in lines) and any(
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
