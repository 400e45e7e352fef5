"""The tallies the Analysis window keeps follow coding changes: after each change the kept
source gives the tables a fresh read gives; a change it cannot follow makes it read again."""

from __future__ import annotations

import pytest

from annotator.analysis.cooccurrence import Within
from annotator.services import editing
from annotator.services.analysis import Bin, Request, Rows, cooccurrences, frequencies
from annotator.services.analysis_source import Source
from annotator.services.changes import Changes, coding_changes
from annotator.storage import Project

REQUESTS = [
    Request(by="outlet"),
    Request(by="coder"),
    Request(by="all", rows=Rows.DIMENSIONS),
    Request(by="date", bin=Bin.YEAR, coders=("Ana",)),
    Request(by="outlet", coders=("Ben",), codes=("Motive",)),
]


def same_as_fresh(project: Project, source: Source) -> None:
    for request in REQUESTS:
        assert frequencies(project, request, source) == frequencies(project, request)


def test_kept_tallies_follow_codings_added_moved_and_removed(demo: Project) -> None:
    source = Source(demo)
    same_as_fresh(demo, source)
    kept = source.tallies()
    ana = demo.coders.by_name("Ana")
    assert ana is not None
    tree = demo.codebook.tree()
    code = tree.find("Source reliability > Defector testimony")
    other = tree.find("Actor type > Overseas worker")
    assert code is not None
    assert other is not None
    document = demo.documents.all()[0]
    # A passage, a whole-article coding, a passage of a code nobody used in that article.
    passage = editing.apply_code(demo, document.id, ana.id, code.id, 3, 40)
    source.forget(passage.changes)
    whole = editing.apply_code(demo, document.id, ana.id, other.id, None, None)
    source.forget(whole.changes)
    assert source.tallies() is kept  # adjusted, not read again
    same_as_fresh(demo, source)
    moved = editing.change_span(demo, passage.coding.id, 10, 60)
    source.forget(moved.changes)
    same_as_fresh(demo, source)
    removed = editing.remove_codings(demo, [whole.coding.id, passage.coding.id])
    source.forget(coding_changes(before=tuple(removed)))
    assert source.tallies() is kept
    same_as_fresh(demo, source)


def test_a_change_it_cannot_follow_reads_again(demo: Project) -> None:
    source = Source(demo)
    kept = source.tallies()
    # Codings changed without saying which (a merge, a restore): read again.
    demo.db.execute("DELETE FROM codings WHERE id IN (SELECT id FROM codings LIMIT 5)")
    source.forget(Changes(codings=frozenset({1, 2, 3, 4, 5})))
    assert source.tallies() is not kept
    same_as_fresh(demo, source)


@pytest.mark.parametrize("change", [Changes(codebook=True), Changes(coders=True)])
def test_codebook_or_coders_changed_reads_again(demo: Project, change: Changes) -> None:
    source = Source(demo)
    kept = source.tallies()
    source.forget(change)
    assert source.tallies() is not kept


def test_groups_follow_a_changed_variable(demo: Project) -> None:
    source = Source(demo)
    before = frequencies(demo, Request(by="outlet"), source)
    outlet = demo.documents.variable("outlet")
    assert outlet is not None
    document = demo.documents.all()[0]
    demo.documents.set_values(document.id, {outlet.id: "A new outlet"})
    source.forget(Changes(variables=True, documents=frozenset({document.id})))
    after = frequencies(demo, Request(by="outlet"), source)
    assert after == frequencies(demo, Request(by="outlet"))
    assert "A new outlet" in after.table.groups
    assert "A new outlet" not in before.table.groups


def test_cooccurrence_follows_codings_changed(demo: Project) -> None:
    source = Source(demo)
    for within in Within:
        assert cooccurrences(demo, within, source=source) == cooccurrences(demo, within)
    ana = demo.coders.by_name("Ana")
    assert ana is not None
    tree = demo.codebook.tree()
    code = tree.find("Source reliability > Defector testimony")
    assert code is not None
    applied = editing.apply_code(demo, demo.documents.all()[0].id, ana.id, code.id, 0, 400)
    source.forget(applied.changes)
    for within in Within:
        fresh = cooccurrences(demo, within, rows=Rows.DIMENSIONS)
        assert cooccurrences(demo, within, rows=Rows.DIMENSIONS, source=source) == fresh
