"""How large a regular expression compiles, read before compiling: counted repeats multiply,
groups and alternatives add, and no way of reading an ambiguous text counts less."""

from __future__ import annotations

import pytest

from annotator.domain.search_pattern import MAX_EXPANDED, expanded_size


@pytest.mark.parametrize(
    ("pattern", "size"),
    [
        ("abc", 3),
        (r"\w{3,20}", 20),
        (r"\bbro\w+", 5),
        ("(a{1000}){1000}", 1_000_000),
        ("((a{1000}){1000}){1000}", 1_000_000_000),
        ("(a{1000}|b){1000}", 1_001_000),
        ("a{,50}", 50),
        ("a{7,}", 7),
        (r"\p{Han}{2,4}", 4),  # the braces of \p{…} are no repeat
        (r"\x{1000}", 1),
        ("[{1000}]", 1),  # inside a class a brace is a member
        ("a{x}", 4),  # not a repeat: three literals more
        ("(?x) a {1000} # (b{99})", 1_000),  # verbose: a comment is read as one too
        ("(?#(a)(a{1000}){1000}", 1_000_000),  # a comment ends at its first ")"
    ],
)
def test_sizes(pattern: str, size: int) -> None:
    assert expanded_size(pattern)[0] >= size
    assert expanded_size(pattern)[0] <= size * 2 + 40  # rough, never wildly over


def test_the_largest_repeat_is_named_by_position() -> None:
    assert expanded_size("ab{3}(c{40}){1000}") == (40_004, 13)
    assert expanded_size("abc")[1] is None
    assert expanded_size("(a{400}){400}")[0] > MAX_EXPANDED


def test_no_reading_of_a_bracket_or_a_hash_hides_a_repeat() -> None:
    # "[[]" is a whole class in version 0, an unclosed nested set in version 1; "#" starts a
    # comment only in verbose mode: either way the repeats after them count.
    for pattern in ("[[](a{1000}){1000}]", "#((a{1000}){1000}){1000}", "(?-x)#(a{999}){999}"):
        assert expanded_size(pattern)[0] > MAX_EXPANDED, pattern
