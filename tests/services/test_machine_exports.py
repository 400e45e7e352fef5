"""Machine codings in the exports: the long CSV and the retrieval CSV carry ``run_id``,
``confidence`` and ``assisted``; REFI-QDA exports the machine as its own user."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from annotator.io.segments_csv import COLUMNS
from annotator.services import create_project
from annotator.services.exports import export_segments
from annotator.services.machine import MachineCoding, add_machine, start_run, write_article
from annotator.services.merge import merge_file
from annotator.services.refi import export_qdpx
from annotator.services.retrieval import Search, export_passages, retrieve
from annotator.storage import Project
from annotator.storage.machine import RunRecord

WORKER, OFFICIAL = 7, 8


@pytest.fixture
def coded(demo: Project) -> tuple[Project, RunRecord]:
    """The demo with a machine's codings of article 1, and one of them accepted by Ana."""
    gemma = add_machine(demo, "Gemma", "llm", url="http://127.0.0.1:11434/v1", model="gemma3")
    run = start_run(demo, gemma, document_ids=[1], prompt_template="T", settings={})
    write_article(
        demo,
        run,
        1,
        [MachineCoding(WORKER, 0, 10, 0.87, "a worker"), MachineCoding(OFFICIAL, 20, 30, None)],
    )
    suggestion = demo.codings.for_document(1, gemma.coder_id)[0]
    ana = demo.coders.find("Ana")
    origin = {"kind": "assisted", "run": run.guid, "suggestion": suggestion.guid, "edited": False}
    demo.codings.add(1, ana.id, OFFICIAL, 3, 9, origin=json.dumps(origin))
    return demo, run


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_long_csv_says_which_run_made_a_coding(
    coded: tuple[Project, RunRecord], tmp_path: Path
) -> None:
    project, run = coded
    target = tmp_path / "long.csv"
    count = export_segments(project, target)
    rows = _rows(target)
    assert count == project.codings.count() == len(rows)
    with target.open(encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
    assert header == [*COLUMNS, "from_search", "run_id", "confidence", "assisted"]
    found = {
        (r["coder"], r["code"], r["start"]): (r["run_id"], r["confidence"], r["assisted"])
        for r in rows
        if r["run_id"]
    }
    assert found == {
        ("Gemma", "Overseas worker", "0"): (run.guid, "0.87", "0"),
        ("Gemma", "Official or elite", "20"): (run.guid, "", "0"),
        ("Ana", "Official or elite", "3"): (run.guid, "", "1"),
    }
    by_hand = [r for r in rows if not r["run_id"]]
    assert by_hand
    assert all((r["confidence"], r["assisted"]) == ("", "0") for r in by_hand)


def test_an_origin_of_the_wrong_shape_gives_empty_provenance(demo: Project, tmp_path: Path) -> None:
    ana = demo.coders.find("Ana")
    for origin in (
        '{"kind": "machine", "run": 5, "confidence": "high"}',
        '{"kind": "search", "run": "abc", "confidence": 0.5}',
        "{not json}",
    ):
        demo.codings.add(2, ana.id, WORKER, 0, 4, origin=origin)
        target = tmp_path / "long.csv"
        export_segments(demo, target)
        assert {(r["run_id"], r["confidence"], r["assisted"]) for r in _rows(target)} == {
            ("", "", "0")
        }
        demo.db.execute("DELETE FROM codings WHERE origin IS NOT NULL")


def test_the_retrieval_csv_carries_the_provenance(
    coded: tuple[Project, RunRecord], tmp_path: Path
) -> None:
    project, run = coded
    passages = retrieve(project, Search(codes=(WORKER, OFFICIAL)))
    target = tmp_path / "passages.csv"
    assert export_passages(project, passages, target) == len(passages)
    rows = _rows(target)
    assert list(rows[0])[-3:] == ["run_id", "confidence", "assisted"]
    machine = {
        (r["coder"], r["start"]): (r["run_id"], r["confidence"], r["assisted"]) for r in rows
    }
    assert machine[("Gemma", "0")] == (run.guid, "0.87", "0")
    assert machine[("Ana", "3")] == (run.guid, "", "1")
    assert sum(1 for r in rows if r["run_id"]) == 3


def test_refi_qda_exports_the_machine_as_its_own_user(
    coded: tuple[Project, RunRecord], tmp_path: Path
) -> None:
    project, _ = coded
    gemma = project.coders.find("Gemma")
    target = tmp_path / "with-machine.qdpx"
    export_qdpx(project, target)
    with zipfile.ZipFile(target) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    users = {u.get("guid"): u.get("name") for u in root.iterfind(".//q:Users/q:User", ns)}
    assert users[gemma.guid] == "Gemma"
    made = [c for c in root.iterfind(".//q:Coding", ns) if c.get("creatingUser") == gemma.guid]
    assert len(made) == len(project.codings.for_coder(gemma.id)) == 2
    with create_project(tmp_path / "fresh.annotator", with_default_codebook=False) as fresh:
        merge_file(fresh, target)
        back = fresh.coders.find("Gemma")
        assert back.guid == gemma.guid
        spans = sorted((c.start, c.end) for c in fresh.codings.for_coder(back.id))
        assert spans == sorted((c.start, c.end) for c in project.codings.for_coder(gemma.id))
