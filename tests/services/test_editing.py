"""Coding actions of the window, without the window: apply, replace, remove, restore."""

from __future__ import annotations

from collections import Counter

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services import editing
from annotator.services.changes import Changes
from annotator.storage import Project

TEXT = "They fled because of hunger. Others left for political reasons entirely."


@pytest.fixture
def ids(project: Project) -> dict[str, int]:
    tree = project.codebook.tree()
    found = {
        path.split(" > ")[-1]: tree.find(path)
        for path in ("Motive > Political", "Motive > Subsistence", "Actor type > Overseas worker")
    }
    document = project.documents.add("doc", "doc.txt", TEXT)
    ana, ben = project.coders.add("Ana"), project.coders.add("Ben")
    result = {name: code.id for name, code in found.items() if code is not None}
    return {**result, "doc": document.id, "ana": ana.id, "ben": ben.id}


def test_exclusive_conflicts_are_same_coder_same_dimension_overlapping(
    project: Project, ids: dict[str, int]
) -> None:
    doc, ana, ben = ids["doc"], ids["ana"], ids["ben"]
    political = editing.apply_code(project, doc, ana, ids["Political"], 0, 28).coding
    editing.apply_code(project, doc, ben, ids["Political"], 0, 28)  # another coder
    editing.apply_code(project, doc, ana, ids["Overseas worker"], 0, 28)  # another dimension
    assert editing.exclusive_conflicts(project, doc, ana, ids["Subsistence"], 10, 40) == [political]
    assert editing.exclusive_conflicts(project, doc, ana, ids["Subsistence"], 28, 40) == []
    assert editing.exclusive_conflicts(project, doc, ana, ids["Overseas worker"], 0, 5) == []
    # A whole-article coding covers the article: it meets a passage anywhere, and a
    # whole-article coding meets every passage.
    [passage] = editing.exclusive_conflicts(project, doc, ana, ids["Subsistence"], None, None)
    assert passage == political
    article = editing.apply_code(project, doc, ana, ids["Political"], None, None).coding
    conflicts = editing.exclusive_conflicts(project, doc, ana, ids["Subsistence"], 28, 40)
    assert conflicts == [article]
    conflicts = editing.exclusive_conflicts(project, doc, ana, ids["Subsistence"], None, None)
    assert conflicts == [article, political]
    assert editing.exclusive_conflicts(project, doc, ana, ids["Political"], 30, 40) == []


def test_apply_with_replacement_is_one_step_and_reversible(
    project: Project, ids: dict[str, int]
) -> None:
    doc, ana = ids["doc"], ids["ana"]
    first = editing.apply_code(project, doc, ana, ids["Political"], 0, 28).coding
    applied = editing.apply_code(project, doc, ana, ids["Subsistence"], 0, 28, replace=[first.id])
    assert applied.replaced == (first,)
    assert [c.code_id for c in project.codings.for_document(doc)] == [ids["Subsistence"]]
    editing.remove_codings(project, [applied.coding.id])
    editing.restore_codings(project, applied.replaced)
    assert project.codings.for_document(doc) == [first]


def test_replacing_another_coders_coding_is_refused(project: Project, ids: dict[str, int]) -> None:
    bens = editing.apply_code(project, ids["doc"], ids["ben"], ids["Political"], 0, 28).coding
    with pytest.raises(UserError, match="same coder"):
        editing.apply_code(
            project, ids["doc"], ids["ana"], ids["Subsistence"], 0, 28, replace=[bens.id]
        )
    assert project.codings.for_document(ids["doc"]) == [bens]


def test_applying_the_same_code_to_the_same_span_twice_adds_nothing(
    project: Project, ids: dict[str, int]
) -> None:
    first = editing.apply_code(project, ids["doc"], ids["ana"], ids["Political"], 5, 9).coding
    again = editing.apply_code(project, ids["doc"], ids["ana"], ids["Political"], 5, 9).coding
    assert again == first
    assert project.codings.count() == 1


def test_span_memo_and_status_changes_return_the_previous_state(
    project: Project, ids: dict[str, int]
) -> None:
    coding = editing.apply_code(project, ids["doc"], ids["ana"], ids["Political"], 5, 9).coding
    assert editing.change_span(project, coding.id, 0, 9).before == coding
    assert editing.set_memo(project, coding.id, "note").before.start == 0
    assert project.codings.get(coding.id).memo == "note"
    before = editing.set_document_status(project, ids["doc"], ids["ana"], DocumentStatus.DONE)
    assert before is DocumentStatus.NOT_STARTED
    assert project.statuses.get(ids["doc"], ids["ana"]) is DocumentStatus.DONE


def test_each_action_describes_the_codings_it_changed(
    project: Project, ids: dict[str, int]
) -> None:
    """Views adjust their counts from ``before``/``after``: both must say exactly what the
    database now holds."""

    def counts() -> dict[int, int]:
        return project.codings.counts_by_code(ids["doc"])

    def check(changes: Changes, previous: dict[int, int]) -> None:
        assert changes.described
        expected = Counter(previous)
        expected.update(changes.count_change(bool))
        assert {k: v for k, v in expected.items() if v} == counts()

    doc, ana = ids["doc"], ids["ana"]
    previous = counts()
    first = editing.apply_code(project, doc, ana, ids["Subsistence"], 5, 9)
    check(first.changes, previous)
    previous = counts()
    second = editing.apply_code(
        project, doc, ana, ids["Political"], 0, 12, replace=[first.coding.id]
    )
    assert [c.id for c in second.changes.before] == [first.coding.id]
    check(second.changes, previous)
    previous = counts()
    check(editing.exchange_codings(project, [second.coding], second.replaced), previous)
    previous = counts()
    edited = editing.change_span(project, first.coding.id, 0, 4)
    assert (edited.before.start, edited.after.start, edited.after.end) == (5, 0, 4)
    check(edited.changes, previous)
    previous = counts()
    removed = editing.remove_codings(project, [first.coding.id])
    check(editing.coding_changes(before=tuple(removed)), previous)
    previous = counts()
    check(editing.restore_codings(project, removed), previous)
    # Applying what is already there adds nothing, and says so.
    previous = counts()
    again = editing.apply_code(project, doc, ana, ids["Subsistence"], 0, 4)
    assert again.changes.after == ()
    check(again.changes, previous)
