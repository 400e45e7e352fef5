"""Code paths: any name survives being written into a path and read back; the escape is the
only way a ``>`` (or a comma, in a list of paths) belongs to a name."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from annotator.domain.codebook import (
    check_name,
    join_path,
    name_key,
    split_path,
    split_path_list,
)
from annotator.domain.errors import UserError

# Names as check_name leaves them: stripped, non-empty, no control characters.
NAMES = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\\>,/ <"),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@given(st.lists(NAMES, min_size=1, max_size=5))
def test_any_names_survive_a_path(names: list[str]) -> None:
    assert split_path(join_path(names)) == names


@given(st.lists(st.lists(NAMES, min_size=1, max_size=3), min_size=1, max_size=4))
@example(paths=[["\\,"]])  # a backslash before a comma: once read as the list's escape
def test_any_paths_survive_a_list_once_their_commas_are_escaped(paths: list[list[str]]) -> None:
    written = ",".join(join_path(names).replace(",", "\\,") for names in paths)
    assert [split_path(path) for path in split_path_list(written)] == paths


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("Motive > Political", ["Motive", "Political"]),
        ("Motive>Political", ["Motive", "Political"]),  # as before: any > separates
        ("Risks > Risk <high\\>", ["Risks", "Risk <high>"]),
        ("Trade > A \\> B", ["Trade", "A > B"]),
        ("Aid/loans", ["Aid/loans"]),
        ("Paths > C:\\data", ["Paths", "C:\\data"]),  # a lone backslash is itself
        ("Paths > ends in \\\\", ["Paths", "ends in \\"]),
        ("Paths > \\\\\\> odd", ["Paths", "\\> odd"]),
    ],
)
def test_paths_as_people_write_them(path: str, names: list[str]) -> None:
    assert split_path(path) == names


def test_written_paths_escape_only_what_they_must() -> None:
    assert join_path(["Risks", "Risk <high>"]) == "Risks > Risk <high\\>"
    assert join_path(["Paths", "C:\\data"]) == "Paths > C:\\data"
    assert join_path(["Paths", "ends in \\"]) == "Paths > ends in \\\\"


def test_lists_of_paths_for_codes_options() -> None:
    assert split_path_list("Motive,Actor type > Diplomat") == ["Motive", "Actor type > Diplomat"]
    assert split_path_list("Aid\\, loans , Trade > A \\> B,") == ["Aid, loans", "Trade > A \\> B"]


@pytest.mark.parametrize("path", ["", "Motive >", "> Political", "Motive >> Political"])
def test_empty_parts_are_refused(path: str) -> None:
    with pytest.raises(UserError, match="empty part"):
        split_path(path)


def test_names_take_any_character_but_control_ones() -> None:
    for name in ("Risk <high>", "Aid/loans", "A > B", "x\\y"):
        assert check_name(f"  {name} ") == name
    for bad in ("two\nlines", "tab\there", "nul\x00", "bell\x07", "c1\x85x"):
        with pytest.raises(UserError):
            check_name(bad)


def test_one_key_for_names_that_differ_in_case_or_accent_encoding() -> None:
    assert name_key("Political") == name_key("POLITICAL") == name_key("political")
    assert name_key("Straße") == name_key("STRASSE")  # Unicode case folding, not lower()
    assert name_key("Caf\u00e9") == name_key("Cafe\u0301")  # composed or not
    assert name_key("Political") != name_key("Politics")
