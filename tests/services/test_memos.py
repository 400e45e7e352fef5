"""The memos service: one memo per coder on an article or a code, the project's log, undo
through :func:`memos.put`, a search that ignores case in any script, and the memos CSV (read
back with the csv module), from the command line too."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.domain.errors import NotFoundError, UserError
from annotator.services import create_project, memos
from annotator.services.editing import ChangedSince
from annotator.storage import Project


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    project = create_project(tmp_path / "demo.annotator", demo=True)
    yield project  # type: ignore[misc]
    project.close()


def _first(project: Project) -> int:
    return project.documents.names()[0][0]


def test_an_article_memo_is_added_changed_and_removed(demo: Project) -> None:
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    document = _first(demo)
    added = memos.write_memo(demo, "An op-ed", ana.id, document_id=document)
    assert added.before is None
    assert added.after is not None
    assert added.after.target == "document"
    memos.write_memo(demo, "Ben's view", ben.id, document_id=document)
    changed = memos.write_memo(demo, "An op-ed, not news  ", ana.id, document_id=document)
    assert changed.before == added.after
    assert changed.after is not None
    assert (changed.after.id, changed.after.text) == (added.after.id, "An op-ed, not news")
    assert not memos.write_memo(demo, "An op-ed, not news", ana.id, document_id=document)
    others = memos.others_memos(demo, ana.id, document_id=document)
    assert [m.text for m in others] == ["Ben's view"]
    removed = memos.write_memo(demo, "", ana.id, document_id=document)
    assert removed.after is None
    assert [m.text for m in demo.memos.for_document(document)] == ["Ben's view"]


def test_undo_and_redo_through_put_keep_guid_and_times(demo: Project) -> None:
    ana = demo.coders.find("Ana")
    code = demo.codebook.tree().find("Motive")
    assert code is not None
    made = memos.write_memo(demo, "decided in training", ana.id, code_id=code.id)
    edited = memos.write_memo(demo, "decided in training: headlines count", ana.id, code_id=code.id)
    memos.put(demo, edited.reversed())
    assert [m.text for m in demo.memos.for_code(code.id)] == ["decided in training"]
    memos.put(demo, made.reversed())
    assert demo.memos.for_code(code.id) == []
    memos.put(demo, made)
    memos.put(demo, edited)
    [back] = demo.memos.for_code(code.id)
    assert edited.after is not None
    assert (back.guid, back.text, back.created_at, back.updated_at) == (
        edited.after.guid,
        edited.after.text,
        edited.after.created_at,
        edited.after.updated_at,
    )


def test_the_log_is_newest_first_and_refuses_empty_entries(demo: Project) -> None:
    ana = demo.coders.find("Ana")
    memos.add_log_entry(demo, "first", ana.id)
    second = memos.add_log_entry(demo, "second", ana.id)
    assert [m.text for m in memos.project_log(demo)] == ["second", "first"]
    with pytest.raises(UserError, match="needs some text"):
        memos.add_log_entry(demo, "   ", ana.id)
    assert second.after is not None
    with pytest.raises(UserError, match="delete it"):
        memos.edit_memo(demo, second.after.id, "")
    memos.delete_memo(demo, second.after.id)
    assert [m.text for m in memos.project_log(demo)] == ["first"]


def test_a_memo_on_what_is_gone_is_refused(demo: Project) -> None:
    ana = demo.coders.find("Ana")
    with pytest.raises(NotFoundError):
        memos.write_memo(demo, "x", ana.id, document_id=10_000)
    with pytest.raises(NotFoundError):
        memos.write_memo(demo, "x", ana.id, code_id=10_000)
    assert demo.memos.all() == []


def test_search_ignores_case_in_any_script_and_covers_coding_memos(demo: Project) -> None:
    ana = demo.coders.find("Ana")
    memos.write_memo(demo, "Zahlen ÜBERHÖHT; 数字は多すぎる", ana.id, document_id=_first(demo))
    [found] = memos.search(demo, "überhöht")
    assert found.target == "document"
    assert found.document == demo.documents.names()[0][1]
    assert [r.target for r in memos.search(demo, "数字")] == ["document"]
    codings = memos.search(demo, "her mother")
    assert [(r.target, r.code_path, r.coder) for r in codings] == [
        ("coding", "Motive > Family / personal", "Ana")
    ]
    assert memos.search(demo, "her mother", targets=("document",)) == []
    # Every memo matches the empty search: each coding memo of the demo, and the new one.
    coding_memos = sum(1 for c in demo.codings.all() if c.memo)
    assert len(memos.search(demo, "")) == coding_memos + 1


def test_the_memos_csv_reads_back_and_never_runs_formulas(demo: Project, tmp_path: Path) -> None:
    ana = demo.coders.find("Ana")
    code = demo.codebook.tree().find("Motive > Political")
    assert code is not None
    memos.add_log_entry(demo, "Round 1, 8 articles", ana.id)
    memos.write_memo(demo, "=1+1, an op-ed\nnot news", ana.id, document_id=_first(demo))
    memos.write_memo(demo, "only when a party is named", None, code_id=code.id)
    target = tmp_path / "memos.csv"
    count = memos.export_memos(demo, target)
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert count == len(rows)
    assert list(rows[0]) == list(memos.COLUMNS)
    assert [r["target"] for r in rows[:3]] == ["project", "document", "code"]
    project_row, document_row, code_row = rows[:3]
    assert project_row["text"] == "Round 1, 8 articles"
    assert project_row["coder"] == "Ana"
    assert document_row["document"] == demo.documents.names()[0][1]
    assert document_row["text"] == "'=1+1, an op-ed\nnot news"  # neutralised for spreadsheets
    assert (code_row["code_path"], code_row["coder"]) == ("Motive > Political", "")
    assert {r["target"] for r in rows[3:]} == {"coding"}
    guids = {c.guid for c in demo.codings.all() if c.memo}
    assert {r["memo_id"] for r in rows[3:]} == guids


def test_export_format_memos_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with create_project(path, demo=True) as project:
        memos.add_log_entry(project, "Pilot done", project.coders.find("Ana").id)
    runner = CliRunner()
    out = tmp_path / "memos.csv"
    result = runner.invoke(cli, ["export", str(path), "--format", "memos", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert result.stdout.strip() == f"wrote {len(written)} memos to {out}"
    assert written[0]["text"] == "Pilot done"
    shown = runner.invoke(cli, ["export", str(path), "--format", "memos"])
    assert list(csv.DictReader(io.StringIO(shown.stdout))) == written
    refused = runner.invoke(cli, ["export", str(path), "--format", "memos", "-o", str(path)])
    assert refused.exit_code != 0
    assert "Traceback" not in refused.output


def test_put_refuses_a_memo_changed_since_and_writes_nothing(demo: Project) -> None:
    ana = demo.coders.find("Ana")
    made = memos.write_memo(demo, "first", ana.id, document_id=_first(demo))
    assert made.after is not None
    demo.memos.set_text(made.after.id, "changed by a merge")
    with pytest.raises(ChangedSince, match="changed since"):
        memos.put(demo, made.reversed())
    assert [m.text for m in demo.memos.for_document(_first(demo))] == ["changed by a merge"]


def test_the_retrieval_memo_filter_matches_any_script_ignoring_case(demo: Project) -> None:
    from annotator.services.retrieval import Search, retrieve

    ana = demo.coders.find("Ana")
    motive = demo.codebook.tree().find("Motive")
    assert motive is not None
    document = demo.documents.by_name("04_diplomat")
    assert document is not None
    memos.write_memo(demo, "ÜBERHÖHTE Zahlen", ana.id, document_id=document.id)
    found = retrieve(demo, Search((motive.id,), memo="überhöhte"))
    assert found
    assert {p.document_id for p in found} == {document.id}
    assert retrieve(demo, Search((motive.id,), memo="nowhere at all")) == []
