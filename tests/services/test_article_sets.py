"""Named article sets (made, changed, deleted in one transaction each), agreement on a set's
articles equal to agreement on a project where only those articles count, and each coder's
queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services import create_project
from annotator.services.agreement import Request, measure
from annotator.services.article_sets import (
    article_set,
    article_sets,
    change_set,
    chosen_documents,
    create_set,
    delete_set,
    set_documents,
)
from annotator.services.sample_design import DesignSpec, draw_design
from annotator.services.sample_queue import REST, SAMPLE, queue, queues
from annotator.storage import Project


def test_sets_are_made_changed_shown_and_deleted(demo: Project) -> None:
    names = [name for _, name in demo.documents.names()]
    pilot = create_set(demo, "pilot", chosen_documents(demo, names[:3]), "first week")
    assert (pilot.name, pilot.count, pilot.description) == ("pilot", 3, "first week")
    with pytest.raises(UserError, match="there is an article set 'Pilot' already"):
        create_set(demo, "Pilot", {1})
    with pytest.raises(UserError, match="no articles chosen"):
        create_set(demo, "empty", set())
    changed, count = change_set(demo, "PILOT", add=chosen_documents(demo, names[2:5]))
    assert (changed.count, count) == (5, 2)
    changed, count = change_set(demo, "pilot", remove=chosen_documents(demo, names[:1]))
    assert (changed.count, count) == (4, 1)
    assert [n for _, n in article_set(demo, "pilot").documents] == sorted(names[1:5])
    assert [s.name for s in article_sets(demo)] == ["pilot"]
    assert delete_set(demo, "pilot").count == 4
    assert article_sets(demo) == []
    assert demo.documents.count() == len(names)
    with pytest.raises(UserError, match=r"there is no article set 'pilot' \(sets: none\)"):
        set_documents(demo, "pilot")
    with pytest.raises(UserError, match="choose the articles"):
        chosen_documents(demo)


def test_agreement_on_a_set_equals_agreement_where_only_its_articles_count(
    demo: Project, tmp_path: Path
) -> None:
    ids = sorted(d for d, _ in demo.documents.names())
    chosen = set(ids[1:6])
    create_set(demo, "training", chosen)
    on_set = measure(demo, Request(documents=set_documents(demo, "training")))
    # By hand: a second demo where the articles outside the set are not done by anyone.
    other = create_project(tmp_path / "by-hand.annotator", demo=True)
    with other.transaction():
        for (document, coder), status in other.statuses.all().items():
            if document not in chosen and status is DocumentStatus.DONE:
                other.statuses.mark(document, coder, DocumentStatus.IN_PROGRESS)
    by_hand = measure(other, Request())
    other.close()
    assert on_set.documents == len(chosen)
    assert on_set.as_dict() == by_hand.as_dict()


def test_each_coders_queue_marks_sample_and_rest_and_puts_what_is_left_first(
    demo: Project,
) -> None:
    drawn = draw_design(demo, DesignSpec(["Ana", "Ben"], seed=2, size=2, split_rest=True))
    sample = {d for d, _ in drawn.plan.sample}
    ana = demo.coders.find("Ana")
    first = sorted(sample)[0]
    demo.statuses.mark(first, ana.id, DocumentStatus.NOT_STARTED)
    mine = queue(demo, "Ana")
    assert len(mine.items) == 2 + drawn.plan.rest[0].articles
    assert {i.document for i in mine.items if i.part == SAMPLE} == sample
    assert {i.document for i in mine.items if i.part == REST} == {
        d for d, coder in drawn.plan.rest_of.items() if coder == "Ana"
    }
    # The demo's articles are done: the one set back is what is left, first in the queue.
    assert (mine.to_do, mine.next_article()) == (1, mine.items[0])
    assert mine.items[0].document == first
    assert mine.as_dict()["to_do"] == 1
    assert [q.coder for q in queues(demo)] == ["Ana", "Ben"]
