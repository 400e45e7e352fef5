"""Assignments of a reliability sample: a draw adds to them or replaces them, and they can be
listed and taken back — what `agreement --counted-by assigned` compares is never a surprise."""

from __future__ import annotations

import hashlib

import pytest

from annotator.domain.errors import UserError
from annotator.services.agreement import Request, draw_sample, measure
from annotator.services.assignments import (
    assigned_counts,
    assignments,
    clear_assignments,
    set_assignments,
)
from annotator.storage import Project


def _expected(project: Project, size: int, seed: int) -> set[int]:
    """The draw as documented: the ``size`` articles whose SHA-256 of ``"seed:GUID"`` is
    lowest (computed here from the GUIDs, not by the code under test)."""
    keys = {
        hashlib.sha256(f"{seed}:{d.guid}".encode()).hexdigest(): d.id
        for d in project.documents.all()
    }
    return {keys[k] for k in sorted(keys)[:size]}


def test_a_second_draw_adds_and_replace_starts_over(demo: Project) -> None:
    draw_sample(demo, 2, ["Ana", "Ben"], seed=3)
    draw_sample(demo, 2, ["Ana", "Ben"], seed=5)
    union = _expected(demo, 2, 3) | _expected(demo, 2, 5)
    assert assigned_counts(demo) == {"Ana": len(union), "Ben": len(union)}
    counted = measure(demo, Request(counted_by="assigned", levels=("document",)))
    assert counted.documents == len(union)
    drawn, changes = draw_sample(demo, 2, ["Ana"], seed=5, replace=True)
    assert set(drawn) == _expected(demo, 2, 5)
    assert assigned_counts(demo) == {"Ana": 2, "Ben": len(union)}
    ana = demo.coders.find("Ana").id
    # The articles taken back are among the changes, so that the window refreshes them.
    assert {d for d, c in changes.statuses if c == ana} == union


def test_assignments_are_listed_by_coder_and_taken_back(demo: Project) -> None:
    draw_sample(demo, 3, ["Ana", "Ben"], seed=7)
    names = dict(demo.documents.names())
    [ana, ben] = assignments(demo)
    assert (ana.coder, ben.coder) == ("Ana", "Ben")
    assert {d for d, _ in ana.documents} == _expected(demo, 3, 7)
    assert [n for _, n in ana.documents] == sorted(names[d] for d in _expected(demo, 3, 7))
    first = min(_expected(demo, 3, 7))
    cleared = clear_assignments(demo, ["Ben"], documents={first})
    assert (cleared.counts, cleared.total) == ({"Ben": 1}, 1)
    assert assigned_counts(demo) == {"Ana": 3, "Ben": 2}
    everyone = clear_assignments(demo)
    assert everyone.counts == {"Ana": 3, "Ben": 2}
    assert assigned_counts(demo) == {"Ana": 0, "Ben": 0}
    # Statuses are not assignments: the demo's articles stay done.
    assert demo.statuses.done_count(demo.coders.find("Ana").id) == 8
    with pytest.raises(UserError, match="there is no coder 'Cleo'"):
        clear_assignments(demo, ["Cleo"])


def test_set_assignments_restores_a_set_of_pairs(demo: Project) -> None:
    ana = demo.coders.find("Ana").id
    set_assignments(demo, {(1, ana), (2, ana)}, ())
    changes = set_assignments(demo, {(3, ana)}, {(1, ana)})
    assert {d for d, c in demo.statuses.assigned() if c == ana} == {2, 3}
    assert changes.statuses == {(3, ana), (1, ana)}
