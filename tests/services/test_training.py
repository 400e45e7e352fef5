"""The training report: a trainee against a reference — agreement as the engine gives it on
the pair, article-level confusion per exclusive dimension, passages missed and added."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services.agreement import CONSENSUS, Request, measure
from annotator.services.training import WHOLE, shorten, training_report
from annotator.storage import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Three articles; Gold and Tina code them, both marked done.

    one: Gold Economic [0, 10), Tina Economic [5, 20) (overlap: neither missed nor added)
         Gold Broker [30, 40) — Tina nothing: missed
    two: Gold Political [0, 10), Tina Economic [0, 10): Motive disagrees (Political vs Economic)
         Tina Broker on the whole article; Gold none: added
    three: Gold nothing in Motive, Tina Political [50, 60): "(none)" vs Political
    """
    opened = Project.create(tmp_path / "t.annotator")
    motive = opened.codebook.add("Motive", exclusive=True)
    economic = opened.codebook.add("Economic", motive.id).id
    political = opened.codebook.add("Political", motive.id).id
    actor = opened.codebook.add("Actor")
    broker = opened.codebook.add("Broker", actor.id).id
    gold, tina = opened.coders.add("Gold").id, opened.coders.add("Tina").id
    texts = [f"Article {n}: " + "<b>x</b> & words here. " * 5 for n in ("one", "two", "three")]
    docs = [opened.documents.add(f"art {k}", f"{k}.txt", t).id for k, t in enumerate(texts)]
    for doc in docs:
        for coder in (gold, tina):
            opened.statuses.mark(doc, coder, DocumentStatus.DONE)
    add = opened.codings.add
    add(docs[0], gold, economic, 0, 10)
    add(docs[0], tina, economic, 5, 20)
    add(docs[0], gold, broker, 30, 40)
    add(docs[1], gold, political, 0, 10)
    add(docs[1], tina, economic, 0, 10)
    add(docs[1], tina, broker, None, None)
    add(docs[2], tina, political, 50, 60)
    yield opened  # type: ignore[misc]
    opened.close()


def test_agreement_is_the_engine_on_the_pair(project: Project) -> None:
    report = training_report(project, "Tina", "Gold", request=Request(levels=("document",)))
    by_hand = measure(project, Request(coders=["Tina", "Gold"], levels=("document",)))
    assert report.agreement.as_dict() == by_hand.as_dict()
    assert (report.trainee, report.reference, report.documents) == ("Tina", "Gold", 3)


def test_article_confusion_reference_rows_trainee_columns(project: Project) -> None:
    report = training_report(project, "Tina", "Gold", request=Request(levels=("document",)))
    [motive] = report.confusions  # Actor is not exclusive
    assert motive.dimension == "Motive"
    assert motive.labels == ("(none)", "Economic", "Political")
    assert motive.counts == (
        (0, 0, 1),  # art 2: Gold none, Tina Political
        (0, 1, 0),  # art 0: both Economic
        (0, 1, 0),  # art 1: Gold Political, Tina Economic
    )
    assert (motive.articles, motive.agreeing) == (3, 1)


def test_missed_and_added_passages_with_their_text(project: Project) -> None:
    report = training_report(project, "Tina", "Gold", request=Request(levels=("document",)))
    text0 = project.documents.text(project.documents.by_name("art 0").id)  # type: ignore[union-attr]
    missed = [(p.code, p.document, p.start, p.end, p.text) for p in report.missed]
    assert missed == [
        ("Motive > Political", "art 1", 0, 10, "Article tw"),
        ("Actor > Broker", "art 0", 30, 40, " ".join(text0[30:40].split())),
    ]
    added = [(p.code, p.document, p.start, p.text) for p in report.added]
    assert added == [
        ("Motive > Economic", "art 1", 0, "Article tw"),
        (
            "Motive > Political",
            "art 2",
            50,
            " ".join(project.documents.text(project.documents.by_name("art 2").id)[50:60].split()),
        ),  # type: ignore[union-attr]
        ("Actor > Broker", "art 1", None, WHOLE),
    ]
    data = report.as_dict()
    assert len(data["missed"]) == 2
    assert len(data["added"]) == 3


def test_a_trainee_who_did_not_finish_an_article_is_not_blamed_for_it(project: Project) -> None:
    art0 = project.documents.by_name("art 0").id  # type: ignore[union-attr]
    project.statuses.mark(art0, project.coders.find("Tina").id, DocumentStatus.IN_PROGRESS)
    report = training_report(project, "Tina", "Gold", request=Request(levels=("document",)))
    assert report.documents == 2
    assert all(p.document != "art 0" for p in report.passages)


def test_consensus_counts_the_articles_it_holds(project: Project) -> None:
    consensus = project.coders.add(CONSENSUS).id
    art1 = project.documents.by_name("art 1").id  # type: ignore[union-attr]
    political = project.codebook.tree().find("Motive > Political").id  # type: ignore[union-attr]
    project.codings.add(art1, consensus, political, 0, 10)
    report = training_report(project, "Tina", CONSENSUS, request=Request(levels=("document",)))
    assert report.documents == 1
    assert [(p.kind, p.code) for p in report.passages] == [  # in codebook order
        ("added", "Motive > Economic"),
        ("missed", "Motive > Political"),
        ("added", "Actor > Broker"),
    ]


def test_refusals(project: Project) -> None:
    with pytest.raises(UserError, match="same coder"):
        training_report(project, "Tina", "Tina")
    with pytest.raises(UserError, match="no coder 'Nobody'"):
        training_report(project, "Nobody", "Gold")
    project.coders.add("Idle")
    with pytest.raises(UserError, match="no article counts for both"):
        training_report(project, "Idle", "Gold")


def test_shorten_keeps_one_line_and_cuts_in_the_middle() -> None:
    assert shorten("a\n\n b\tc") == "a b c"
    cut = shorten("x" * 200 + "y" * 200, limit=41)
    assert cut == "x" * 19 + " … " + "y" * 19
