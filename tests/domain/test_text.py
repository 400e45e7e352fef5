"""Text rules: normalisation, hashing, word snapping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.text import normalise_text, snap_to_words, text_sha256

TEXT = "The regime’s minders — said a North Korean 😀 official — watched twenty-two workers."


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ("egime’s mind", "regime’s minders"),
        (" minders ", "minders"),
        ("wenty-tw", "twenty-two"),
        ("😀 offic", "😀 official"),
        ("workers.", "workers."),
        ("The", "The"),
    ],
)
def test_snap_widens_to_whole_words(selected: str, expected: str) -> None:
    start = TEXT.index(selected)
    a, b = snap_to_words(TEXT, start, start + len(selected))
    assert TEXT[a:b] == expected


def test_snap_leaves_white_space_only_selection_empty() -> None:
    start = TEXT.index("  ") if "  " in TEXT else TEXT.index(" ")
    a, b = snap_to_words(TEXT, start, start + 1)
    assert a == b


@given(st.text(min_size=1, max_size=40), st.data())
def test_snap_only_grows_into_words_and_is_idempotent(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    a, b = snap_to_words(text, start, end)
    assert 0 <= a <= b <= len(text)
    if a < b:
        assert snap_to_words(text, a, b) == (a, b)
        assert not text[a].isspace()
        assert not text[b - 1].isspace()


def test_normalise_removes_bom_and_unifies_line_ends_only() -> None:
    assert normalise_text("\ufeffa\r\nb\rc\n\ufeffd ") == "a\nb\nc\n\ufeffd "


def test_sha256_matches_the_published_test_vector() -> None:
    # FIPS 180-2, appendix B.1: SHA-256("abc").
    assert text_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
