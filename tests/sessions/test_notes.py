"""The text side of session notes: normalising, the three-way merge, the diff."""

import re

import pytest

from sessions import notes


def merge(base, theirs, mine):
    return notes.merge(base=base, theirs=theirs, mine=mine)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("a\r\nb\r\n", "a\nb"),
        ("a\rb", "a\nb"),
        ("  text  \n\n\n", "  text"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_unix_line_ends_and_no_trailing_space(raw, stored):
    assert notes.normalize(raw) == stored


def test_merge_combines_changes_to_different_lines():
    base = "Intro\n\nIdeas\n\nNext steps"

    result = merge(
        base, theirs="Intro!\n\nIdeas\n\nNext steps", mine="Intro\n\nIdeas\n\nNext steps: meetup"
    )

    assert result.clean
    assert result.text == "Intro!\n\nIdeas\n\nNext steps: meetup"


def test_merge_keeps_both_additions_at_the_same_place_theirs_first():
    result = merge("Notes", theirs="Notes\n- from Anna", mine="Notes\n- from Ben")

    assert result.clean
    assert result.text == "Notes\n- from Anna\n- from Ben"


def test_merge_of_two_first_versions_keeps_both():
    result = merge("", theirs="Anna's start", mine="Ben's start")

    assert result.clean
    assert result.text == "Anna's start\nBen's start"


def test_merge_of_the_same_change_on_both_sides_is_that_change():
    result = merge("a\nb", theirs="a\nB", mine="a\nB")

    assert result.clean
    assert result.text == "a\nB"


def test_merge_of_changes_to_the_same_line_is_a_conflict_between_the_agreed_lines():
    result = merge(
        "Intro\n\nResult: open\nEnd",
        theirs="Intro\n\nResult: yes\nEnd",
        mine="Intro\n\nResult: no\nEnd",
    )

    assert not result.clean
    assert result.parts == (
        "Intro\n\n",
        notes.Conflict(mine="Result: no", theirs="Result: yes", after="Intro"),
        "End\n",
    )
    assert result.conflicts == [result.parts[1]]


def test_a_conflict_at_the_top_is_after_nothing():
    result = merge("Result: open\nEnd", theirs="Result: yes\nEnd", mine="Result: no\nEnd")

    assert result.conflicts == [notes.Conflict(mine="Result: no", theirs="Result: yes", after="")]


def test_a_merge_with_a_conflict_has_no_text_until_it_is_resolved():
    result = merge("a", theirs="b", mine="c")

    with pytest.raises(ValueError, match="resolved"):
        _ = result.text


@pytest.mark.parametrize(
    ("choice", "text"),
    [
        (notes.MINE, "Intro\n\nResult: no\nEnd"),
        (notes.THEIRS, "Intro\n\nResult: yes\nEnd"),
        (notes.BOTH, "Intro\n\nResult: yes\nResult: no\nEnd"),
    ],
)
def test_resolving_a_conflict_keeps_the_choice_and_the_agreed_lines(choice, text):
    result = merge(
        "Intro\n\nResult: open\nEnd",
        theirs="Intro\n\nResult: yes\nEnd",
        mine="Intro\n\nResult: no\nEnd",
    )

    resolved = result.resolve([choice])

    assert resolved == text
    assert not notes.has_conflict_markers(resolved)


def test_each_conflict_is_resolved_by_its_own_choice_and_other_changes_stay_merged():
    base = "Title\none\nA\ntwo\nB\nthree\nC"
    theirs = "Title!\none\nA1\ntwo\nB1\nthree\nC"
    mine = "Title\none\nA2\ntwo\nB2\nthree\nC2"

    result = merge(base, theirs=theirs, mine=mine)

    assert [(c.mine, c.theirs, c.after) for c in result.conflicts] == [
        ("A2", "A1", "one"),
        ("B2", "B1", "two"),
    ]
    assert result.resolve([notes.THEIRS, notes.BOTH]) == "Title!\none\nA1\ntwo\nB1\nB2\nthree\nC2"
    assert result.resolve([notes.MINE, notes.THEIRS]) == "Title!\none\nA2\ntwo\nB1\nthree\nC2"


def test_a_conflict_of_several_lines_keeps_them_whole():
    result = merge("a\nb\nc", theirs="a\nX\nY\nc", mine="a\nP\n\nQ\nc")

    assert result.conflicts == [notes.Conflict(mine="P\n\nQ", theirs="X\nY", after="a")]
    assert result.resolve([notes.MINE]) == "a\nP\n\nQ\nc"
    assert result.resolve([notes.BOTH]) == "a\nX\nY\nP\n\nQ\nc"


def test_resolving_needs_one_choice_per_conflict():
    result = merge("a", theirs="b", mine="c")

    with pytest.raises(ValueError, match="One choice per conflict"):
        result.resolve([])


def test_merge_of_adjacent_lines_is_a_conflict():
    result = merge("1\n2\n3\n4", theirs="1\nA\n3\n4", mine="1\n2\nB\n4")

    assert len(result.conflicts) == 1


@pytest.mark.parametrize(
    ("choice", "text"),
    [(notes.MINE, "keep\ndrop me, changed\nkeep"), (notes.THEIRS, "keep\nkeep")],
)
def test_merge_where_one_deleted_what_the_other_changed_is_a_conflict(choice, text):
    result = merge("keep\ndrop me\nkeep", theirs="keep\nkeep", mine="keep\ndrop me, changed\nkeep")

    assert result.conflicts == [notes.Conflict(mine="drop me, changed", theirs="", after="keep")]
    assert result.resolve([choice]) == text
    assert result.resolve([notes.BOTH]) == "keep\ndrop me, changed\nkeep"


def test_merge_normalizes_line_ends_of_all_three():
    result = merge("a\r\n-\r\nb", theirs="a!\r\n-\r\nb", mine="a\n-\nb!")

    assert result.clean
    assert result.text == "a!\n-\nb!"


@pytest.mark.parametrize(
    "text",
    [
        "x\n<<<<<<< yours\na\n=======\nb\n>>>>>>> theirs",
        "<<<<<<<\na\n>>>>>>>",
    ],
)
def test_has_conflict_markers_finds_a_start_and_an_end_line(text):
    assert notes.has_conflict_markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "<<<<<<< only a start\ntext",
        "text\n>>>>>>>",
        "a <<<<<<< inside a line >>>>>>>",
    ],
)
def test_has_conflict_markers_needs_marker_lines(text):
    assert not notes.has_conflict_markers(text)


def test_diff_shows_changed_lines_with_context_and_gaps():
    old = "\n".join("abcdefghijk")
    new = old.replace("c", "X").replace("j", "Y")

    lines = notes.diff(old, new, context=1)

    assert [(line.kind, line.text) for line in lines] == [
        ("gap", ""),
        ("same", "b"),
        ("removed", "c"),
        ("added", "X"),
        ("same", "d"),
        ("gap", ""),
        ("same", "i"),
        ("removed", "j"),
        ("added", "Y"),
        ("same", "k"),
    ]


def test_diff_of_a_first_version_is_all_added():
    assert [(line.kind, line.text) for line in notes.diff("", "one\ntwo")] == [
        ("added", "one"),
        ("added", "two"),
    ]


def test_diff_of_equal_texts_is_empty():
    assert notes.diff("same\r\ntext", "same\ntext\n") == []


def test_count_changes():
    assert notes.count_changes("a\nb\nc", "a\nB\nc\nd") == (2, 1)
    assert notes.count_changes("", "") == (0, 0)


@pytest.mark.parametrize(
    ("text", "level", "headings"),
    [
        ("# Result\n\n## Open", 3, ["h3", "h4"]),
        ("## Result\n\n#### Open", 4, ["h4", "h5"]),  # begins at "##", skips "###"
        ("### Only", 3, ["h3"]),
        ("# A\n\n## B\n\n### C\n\n#### D\n\n##### E", 4, ["h4", "h5", "h6", "h6", "h6"]),
    ],
)
def test_notes_headings_begin_at_the_pages_level_and_skip_none(text, level, headings):
    from sessions.templatetags.session_tags import notes_markdown

    html = str(notes_markdown(text, level))

    assert re.findall(r"<(h[1-6])>", html) == headings
