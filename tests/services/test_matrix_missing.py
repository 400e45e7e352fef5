"""The wide matrix tells "not coded by this coder" (missing) from "coded with nothing" (0), as
agreement does: the rows and cells match the articles that count for each coder — an assigned
article a coder never touched is missing, an article the consensus decided "neither" on is a
row of zeros, and limiting to a codebook version keeps the articles agreement keeps under it
(hostile pass of the reliability workflow)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator.domain.model import Choice, DocumentStatus
from annotator.services.agreement import Request, study_of
from annotator.services.codebook_versions import tag_version
from annotator.services.consensus import review
from annotator.services.consensus_decide import decide
from annotator.services.exports import Selection
from annotator.services.matrix import MatrixOptions, build_matrix, export_matrix
from annotator.storage import Project


def _project(path: Path) -> Project:
    """Ana and Ben, one exclusive dimension: art0 both Political, art1 Political vs Economic,
    art2 Ana Political and Ben nothing, art3 both nothing; all four done by both."""
    project = Project.create(path)
    motive = project.codebook.add("Motive", exclusive=True)
    political = project.codebook.add("Political", motive.id).id
    economic = project.codebook.add("Economic", motive.id).id
    ana, ben = project.coders.add("Ana").id, project.coders.add("Ben").id
    docs = [
        project.documents.add(f"art{k}", f"a{k}.txt", f"words of article {k} " * 3).id
        for k in range(4)
    ]
    for document, coder, code in (
        (docs[0], ana, political),
        (docs[0], ben, political),
        (docs[1], ana, political),
        (docs[1], ben, economic),
        (docs[2], ana, political),
    ):
        project.codings.add(document, coder, code, None, None)
    for document in docs:
        for coder in (ana, ben):
            project.statuses.mark(document, coder, DocumentStatus.DONE)
    return project


def _rows(
    project: Project, options: MatrixOptions | None = None
) -> dict[tuple[str, str], dict[str, str]]:
    target = project.path.with_name("matrix.csv")
    export_matrix(project, target, options or MatrixOptions())
    rows = csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline=""))
    return {(r["document_name"], r["coder"]): r for r in rows}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    made = _project(tmp_path / "study.annotator")
    yield made  # type: ignore[misc]
    made.close()


def test_an_article_the_consensus_decided_neither_on_is_a_row_of_zeros(project: Project) -> None:
    ana, ben = project.coders.lookup("Ana"), project.coders.lookup("Ben")
    assert ana is not None
    assert ben is not None
    for difference in review(project, "Ana", "Ben").differences:  # art1 and art2
        decide(project, ana, ben, difference, Choice.NEITHER)
    counted = study_of(project, Request(coders=["Ana", "consensus"])).counted[1]
    names = dict(project.documents.names())
    assert {names[d] for d in counted} == {"art1", "art2"}  # agreement counts them
    rows = _rows(project, MatrixOptions(dimensions=True))
    for name in ("art1", "art2"):
        row = rows[(name, "consensus")]
        assert (row["motive_political"], row["motive_economic"], row["motive"]) == (
            "0",
            "0",
            "none",
        )
        assert row["status"] == "decided"  # not "not_started": the review decided it
    assert ("art0", "consensus") not in rows
    assert ("art3", "consensus") not in rows


def test_an_assigned_article_a_coder_never_touched_is_missing_not_absent(
    project: Project,
) -> None:
    cleo = project.coders.add("Cleo").id
    names = {name: d for d, name in project.documents.names()}
    project.statuses.set_assigned(names["art0"], cleo)  # assigned, not started, nothing coded
    project.statuses.mark(names["art1"], cleo, DocumentStatus.IN_PROGRESS)  # opened only
    rows = _rows(project, MatrixOptions(dimensions=True))
    for name in ("art0", "art1"):
        row = rows[(name, "Cleo")]
        assert (row["motive_political"], row["motive_economic"], row["motive"]) == ("", "", "")
    done_empty = rows[("art3", "Ben")]  # done with nothing coded: absent, not missing
    assert (done_empty["motive_political"], done_empty["motive"]) == ("0", "none")
    matrix = build_matrix(project, MatrixOptions(counts=True))
    cleo_rows = [r for r in matrix.rows if r[2] == "Cleo"]
    assert all(value is None for r in cleo_rows for value in r[4:])


def test_a_version_limited_matrix_keeps_the_articles_agreement_keeps(project: Project) -> None:
    tag_version(project, "v1")
    kept = study_of(project, Request(coders=["Ana", "Ben"], codebook_version="v1")).counted
    names = dict(project.documents.names())
    expected = {
        (names[d], coder) for coder, docs in zip(("Ana", "Ben"), kept, strict=True) for d in docs
    }
    assert len(expected) == 8  # every article, coded or coded with nothing
    options = MatrixOptions(selection=Selection(codebook_version="v1"))
    rows = _rows(project, options)
    assert set(rows) == expected
    assert rows[("art3", "Ben")]["motive_political"] == "0"
