"""The highlight index and the cutting of overlapping spans into uniformly coloured pieces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.ui.highlights import Span, SpanIndex, blend, segments
from annotator.ui.offsets import OffsetMap

spans_strategy = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 30), st.integers(1, 4)).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=12,
)


@given(spans_strategy, st.integers(0, 50), st.integers(1, 40))
def test_pieces_carry_exactly_the_codes_covering_them(
    raw: list[tuple[int, int, int]], start: int, length: int
) -> None:
    end = start + length
    spans = [Span(a, b, number, code, 1) for number, (a, b, code) in enumerate(raw)]
    pieces = segments(spans, start, end)
    for position in range(start, end):
        expected = frozenset(s.code_id for s in spans if s.start <= position < s.end)
        found = [codes for a, b, codes in pieces if a <= position < b]
        assert found == ([expected] if expected else [])
    assert all(a < b for a, b, _ in pieces)


@given(spans_strategy, st.integers(0, 80), st.integers(1, 20))
def test_index_finds_every_overlapping_span(
    raw: list[tuple[int, int, int]], start: int, length: int
) -> None:
    rows = sorted((a, b, number, code, 1) for number, (a, b, code) in enumerate(raw))
    found = {s.coding_id for s in SpanIndex(rows).overlapping(start, start + length)}
    assert found == {number for a, b, number, _, _ in rows if a < start + length and b > start}


def test_blend_averages_channels() -> None:
    assert blend(["#FF0000", "#0000FF"]) == "#800080"
    assert blend(["#ABCDEF"]) == "#ABCDEF"


@given(st.text(alphabet=st.sampled_from("ab 😀北\n𝄞"), max_size=40))
def test_offset_map_agrees_with_utf16_encoding(text: str) -> None:
    offsets = OffsetMap(text)
    for index in range(len(text) + 1):
        utf16 = len(text[:index].encode("utf-16-le")) // 2
        assert offsets.to_utf16(index) == utf16
        assert offsets.to_code_points(utf16) == index
    assert offsets.utf16_length == len(text.encode("utf-16-le")) // 2
