"""How a report's rows are named where people read them (text, HTML, the window): the
codebook's hierarchy kept at every level, and what a pooled row pools. Names come from each
row's ``path`` (the names from the dimension down), never from cutting its path string."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.agreement.results import Measure

NOT_APPLIED = "not applied"


def pooled(count: int) -> str:
    return "1 code" if count == 1 else f"{count} codes"


def row_name(m: Measure) -> str:
    """A code's own name; "All codes" with how many codes it pools, a dimension with how many
    of its codes were applied."""
    if m.scope == "code":
        return m.path[-1] if m.path else m.name
    if m.codes_pooled is None:
        return m.name
    if m.scope == "dimension":
        return f"{m.name} ({pooled(m.codes_pooled)} applied)"
    return f"{m.name} ({pooled(m.codes_pooled)})"


def depth(m: Measure) -> int:
    """How far below its dimension a row sits (0 for dimensions and "All codes")."""
    return max(len(m.path) - 1, 0) if m.scope == "code" else 0


def outline(measures: Sequence[Measure]) -> list[tuple[int, str, Measure | None]]:
    """One level's rows in codebook order as ``(depth, name, measure)``, with a heading
    (``measure`` None) for each dimension that has no row of its own at that level, so that
    its codes never read as children of the dimension above them."""
    own_rows = {m.path[0] for m in measures if m.scope == "dimension" and m.path}
    lines: list[tuple[int, str, Measure | None]] = []
    current: str | None = None
    for m in measures:
        if m.scope == "code" and m.path:
            dimension = m.path[0]
            if dimension != current and dimension not in own_rows:
                lines.append((0, dimension, None))
            current = dimension
        elif m.scope == "dimension":
            current = m.path[0] if m.path else m.name
        lines.append((depth(m), row_name(m), m))
    return lines


def coders_note(m: Measure, everyone: Sequence[str]) -> str:
    """Which coders entered a figure, when not all of the report's did ("" otherwise)."""
    if not m.coders or tuple(m.coders) == tuple(everyone):
        return ""
    return "coders: " + ", ".join(m.coders)
