"""Changes to the codebook that would break an exclusive dimension's rule are refused with
nothing changed: making a dimension exclusive (`codebook import`, the editor's box), merging a
code into a code of an exclusive dimension, moving a code under one — when a coder has, in one
article, a whole-article code of the dimension beside another of its codes, or two of its
codes on overlapping passages. Overlapping passages are refused by every route that makes
codings, as whole-article clashes are (tests/services/test_exclusive_whole_article.py), and a
project holding either is an error for `check`. The window's routes:
tests/gui/test_exclusive_codebook_editor.py."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.domain.errors import BadFileError, UserError
from annotator.domain.exclusive import ExclusiveRuleError
from annotator.domain.model import Choice, DocumentStatus
from annotator.services import create_project, import_codings
from annotator.services.checks import CLASH_ADVICE, check_project
from annotator.services.codebook import export_codebook, import_codebook
from annotator.services.codebook_editing import merge_code, move_code, update_code
from annotator.services.consensus import decide, review
from annotator.services.editing import apply_code
from annotator.services.merge import MergeConflictError, export_package, merge_file
from annotator.storage import Project

WORKER = "Actor type > Overseas worker"
OFFICIAL = "Actor type > Official or elite"
DIPLOMAT = "Actor type > Diplomat"
SUBSISTENCE = "Motive > Subsistence"
POLITICAL = "Motive > Political"


@pytest.fixture
def lead(tmp_path: Path) -> Path:
    """The default codebook (Motive exclusive, Actor type not), three articles, Ana and Ben."""
    path = tmp_path / "lead.annotator"
    with create_project(path) as project:
        project.documents.add("one", "one.txt", "Workers left because wages stopped coming.")
        project.documents.add("two", "two.txt", "He feared the purge that took his chief away.")
        project.documents.add("three", "three.txt", "The embassy said nothing about the crew.")
        project.coders.add("Ana")
        project.coders.add("Ben")
    return path


def _id(project: Project, path: str) -> int:
    code = project.codebook.tree().find(path)
    assert code is not None, path
    return code.id


def _code(
    project: Project, coder: str, article: str, path: str, span: tuple[int, int] | None = None
) -> None:
    """A coding as an older project may hold it (the storage layer checks no rule)."""
    document = project.documents.by_name(article)
    who = project.coders.by_name(coder)
    assert document is not None
    assert who is not None
    start, end = span if span is not None else (None, None)
    project.codings.add(document.id, who.id, _id(project, path), start, end)


def _state(project: Project) -> tuple[list[Any], list[Any]]:
    """The codebook and the codings as stored, to compare before and after a refusal."""
    codes = sorted(
        (c.id, c.parent_id, c.name, c.color, c.position, c.exclusive)
        for c in project.codebook.tree().walk()
    )
    codings = sorted(
        (c.id, c.document_id, c.coder_id, c.code_id, c.start, c.end) for c in project.codings.all()
    )
    return codes, codings


def _exclusive_codebook(project: Project, path: Path, dimension: str) -> Path:
    """The project's codebook as JSON with ``dimension`` made exclusive and Motive's
    Subsistence recoloured (so that a refusal is seen to change nothing at all)."""
    export_codebook(project, path)
    data = json.loads(path.read_text(encoding="utf-8"))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("name") == dimension:
                node["exclusive"] = True
            if node.get("name") == "Subsistence":
                node["color"] = "#123456"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- making a dimension exclusive ---------------------------------------------------------------


def test_codebook_import_refuses_to_make_a_dimension_exclusive_over_a_whole_article_clash(
    lead: Path, tmp_path: Path
) -> None:
    with Project.open(lead) as project:
        _code(project, "Ana", "one", WORKER)
        _code(project, "Ana", "one", OFFICIAL, (0, 7))
        before = _state(project)
        file = _exclusive_codebook(project, tmp_path / "cb.json", "Actor type")
        with pytest.raises(BadFileError) as refused:
            import_codebook(project, file)
        message = str(refused.value)
        assert message.startswith("cb.json, line ")
        assert message.split(": ", 1)[1] == (
            "'Actor type' cannot be made exclusive: its codings clash in 1 place — 'one', coder "
            f"Ana: '{WORKER}' as a whole-article coding and '{OFFICIAL}' on a passage; remove "
            "one coding of each clash first (nothing was changed)"
        )
        assert _state(project) == before  # not even Subsistence's new colour
        assert check_project(project).ok  # Actor type is not exclusive: nothing wrong


def test_codebook_import_refuses_to_make_a_dimension_exclusive_over_overlapping_passages(
    lead: Path, tmp_path: Path
) -> None:
    """Overlapping passages are treated as whole-article clashes are; the message names the
    first three clashes and says how many there are."""
    with Project.open(lead) as project:
        _code(project, "Ben", "two", WORKER, (0, 12))
        _code(project, "Ben", "two", OFFICIAL, (8, 20))
        _code(project, "Ana", "one", WORKER, (0, 5))
        _code(project, "Ana", "one", DIPLOMAT, (3, 9))
        _code(project, "Ana", "three", WORKER)
        _code(project, "Ana", "three", DIPLOMAT)
        _code(project, "Ben", "three", WORKER)
        _code(project, "Ben", "three", OFFICIAL, (1, 4))
        before = _state(project)
        file = _exclusive_codebook(project, tmp_path / "cb.json", "Actor type")
        with pytest.raises(BadFileError) as refused:
            import_codebook(project, file)
        message = str(refused.value)
        assert (
            "'Actor type' cannot be made exclusive: its codings clash in 4 places — 'one', coder "
            f"Ana: '{WORKER}' and '{DIPLOMAT}' overlap at 3–5; 'two', coder Ben: '{WORKER}' and "
            f"'{OFFICIAL}' overlap at 8–12; 'three', coder Ana: '{WORKER}' and '{DIPLOMAT}' both "
            "as whole-article codings (and 1 more); remove one coding of each clash first"
        ) in message
        assert _state(project) == before


def test_codebook_import_makes_a_dimension_exclusive_when_its_codings_keep_the_rule(
    lead: Path, tmp_path: Path
) -> None:
    with Project.open(lead) as project:
        _code(project, "Ana", "one", WORKER)
        _code(project, "Ana", "one", WORKER, (0, 7))  # its own code on a passage: fine
        _code(project, "Ana", "two", WORKER, (0, 5))
        _code(project, "Ana", "two", OFFICIAL, (5, 9))  # touching, not overlapping
        _code(project, "Ben", "two", OFFICIAL, (0, 9))  # another coder
        _code(project, "Ana", "two", POLITICAL, (0, 9))  # another dimension
        report = import_codebook(
            project, _exclusive_codebook(project, tmp_path / "cb.json", "Actor type")
        )
        assert "Actor type" in report.changed
        assert project.codebook.tree().find("Actor type").exclusive  # type: ignore[union-attr]
        assert check_project(project).ok


def test_the_editor_refuses_to_make_a_dimension_exclusive_over_a_clash(lead: Path) -> None:
    with Project.open(lead) as project:
        _code(project, "Ben", "two", WORKER, (0, 12))
        _code(project, "Ben", "two", OFFICIAL, (8, 20))
        before = _state(project)
        actor = _id(project, "Actor type")
        with pytest.raises(ExclusiveRuleError) as refused:
            update_code(project, actor, color="#654321", exclusive=True)
        assert str(refused.value) == (
            "'Actor type' cannot be made exclusive: its codings clash in 1 place — 'two', coder "
            f"Ben: '{WORKER}' and '{OFFICIAL}' overlap at 8–12; remove one coding of each clash "
            "first (nothing was changed)"
        )
        assert _state(project) == before
        # Other edits of a dimension that is exclusive already are not held up by the rule.
        update_code(project, actor, color="#654321")
        assert project.codebook.get(actor).color == "#654321"


# -- merging and moving codes -------------------------------------------------------------------


def test_merging_a_code_into_an_exclusive_dimension_refuses_a_clash(lead: Path) -> None:
    with Project.open(lead) as project:
        _code(project, "Ana", "one", SUBSISTENCE)
        _code(project, "Ana", "one", DIPLOMAT, (10, 30))
        _code(project, "Ben", "two", POLITICAL, (0, 10))
        _code(project, "Ben", "two", OFFICIAL, (5, 15))
        before = _state(project)
        diplomat, political = _id(project, DIPLOMAT), _id(project, POLITICAL)
        with pytest.raises(UserError) as refused:
            merge_code(project, diplomat, political)
        assert str(refused.value) == (
            f"'{DIPLOMAT}' cannot be merged into '{POLITICAL}': codings would clash in the "
            f"exclusive dimension 'Motive' in 1 place — 'one', coder Ana: '{SUBSISTENCE}' as a "
            f"whole-article coding and '{POLITICAL}' on a passage; remove one coding of each "
            "clash first (nothing was changed)"
        )
        assert _state(project) == before
        with pytest.raises(
            UserError, match=f"'two', coder Ben: '{POLITICAL}' and '{SUBSISTENCE}' overlap at 5–10"
        ):
            merge_code(project, _id(project, OFFICIAL), _id(project, SUBSISTENCE))
        assert _state(project) == before
        # Into the code the article has as a whole, it fits.
        assert merge_code(project, diplomat, _id(project, SUBSISTENCE)) == 1
        assert check_project(project).ok


def test_moving_a_code_under_an_exclusive_dimension_refuses_a_clash(lead: Path) -> None:
    with Project.open(lead) as project:
        _code(project, "Ana", "one", SUBSISTENCE)
        _code(project, "Ana", "one", DIPLOMAT, (10, 30))
        before = _state(project)
        diplomat, motive = _id(project, DIPLOMAT), _id(project, "Motive")
        with pytest.raises(UserError) as refused:
            move_code(project, diplomat, motive, 0)
        assert str(refused.value) == (
            f"'{DIPLOMAT}' cannot be moved under 'Motive': codings would clash in the exclusive "
            "dimension 'Motive' in 1 place — 'one', coder Ana: 'Motive > Subsistence' as a "
            "whole-article coding and 'Motive > Diplomat' on a passage; remove one coding of "
            "each clash first (nothing was changed)"
        )
        assert _state(project) == before
        # Under a code of the dimension, the same; a code nobody used moves freely.
        with pytest.raises(UserError, match="'Motive > Political > Diplomat' on a passage"):
            move_code(project, diplomat, _id(project, POLITICAL), 0)
        assert _state(project) == before
        move_code(project, _id(project, WORKER), motive, 0)
        assert project.codebook.tree().path(_id(project, "Motive > Overseas worker"))


# -- overlapping passages where codings are made --------------------------------------------------


def _csv(path: Path, rows: list[tuple[str, str, str, int | None, int | None]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document_name", "coder", "code_path", "start", "end"])
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def test_codings_import_refuses_overlapping_passages_of_an_exclusive_dimension(
    lead: Path, tmp_path: Path
) -> None:
    with Project.open(lead) as project:
        both = _csv(
            tmp_path / "both.csv",
            [("one", "Ana", SUBSISTENCE, 0, 20), ("one", "Ana", POLITICAL, 10, 30)],
        )
        with pytest.raises(UserError) as refused:
            import_codings(project, both)
        assert str(refused.value) == (
            f"both.csv: 'one', coder Ana: '{SUBSISTENCE}' and '{POLITICAL}' overlap at 10–20, "
            "but 'Motive' is exclusive (a passage takes one of its codes); nothing was imported"
        )
        assert project.codings.count() == 0
        # Against what the project holds; side by side, or by two coders, is fine.
        import_codings(project, _csv(tmp_path / "a.csv", [("one", "Ana", SUBSISTENCE, 0, 20)]))
        with pytest.raises(UserError, match="overlap at 19–20"):
            import_codings(project, _csv(tmp_path / "b.csv", [("one", "Ana", POLITICAL, 19, 25)]))
        import_codings(
            project,
            _csv(
                tmp_path / "c.csv",
                [("one", "Ana", POLITICAL, 20, 25), ("one", "Ben", POLITICAL, 0, 25)],
            ),
        )
        assert project.codings.count() == 3


def test_merge_refuses_overlapping_passages_of_an_exclusive_dimension(lead: Path) -> None:
    copy = lead.with_name("ana.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:  # Ana's laptop: Political on 5–15
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        apply_code(project, one, ana, _id(project, POLITICAL), 5, 15)
        package = copy.with_suffix(".annpkg")
        export_package(project, "Ana", package)
    with Project.open(lead) as project:  # the lead's copy: Subsistence on 0–10
        _code(project, "Ana", "one", SUBSISTENCE, (0, 10))
        before = _state(project)
        with pytest.raises(MergeConflictError) as refused:
            merge_file(project, package)
        assert f"'one', coder Ana: '{SUBSISTENCE}' and '{POLITICAL}' overlap at 5–10" in str(
            refused.value
        )
        assert _state(project) == before


def test_merge_refuses_a_whole_article_code_beside_the_leads_passage(lead: Path) -> None:
    """The package carries a whole-article Motive while the lead holds the coder's passage of
    another Motive code (the way round tests/services/test_exclusive_whole_article.py leaves)."""
    copy = lead.with_name("ana.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:  # Ana's laptop: Subsistence for the whole of one
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        apply_code(project, one, ana, _id(project, SUBSISTENCE), None, None)
        project.statuses.mark(one, ana, DocumentStatus.DONE)
        package = copy.with_suffix(".annpkg")
        export_package(project, "Ana", package)
    with Project.open(lead) as project:  # the lead holds Ana's Political passage in one
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        ana = project.coders.by_name("Ana").id  # type: ignore[union-attr]
        apply_code(project, one, ana, _id(project, POLITICAL), 0, 8)
        before = _state(project)
        for source in (package, copy):
            with pytest.raises(MergeConflictError) as refused:
                merge_file(project, source)
            assert str(refused.value).startswith(
                f"{source.name}: 'one', coder Ana: '{SUBSISTENCE}' as a whole-article coding and "
                f"'{POLITICAL}' on a passage, but 'Motive' is exclusive"
            )
            assert str(refused.value).endswith("nothing was merged")
            assert _state(project) == before
            assert project.statuses.get(one, ana) is DocumentStatus.NOT_STARTED


def test_the_consensus_takes_no_overlapping_passages_of_an_exclusive_dimension(lead: Path) -> None:
    with Project.open(lead) as project:
        _code(project, "Ana", "one", POLITICAL, (0, 20))
        _code(project, "Ben", "one", SUBSISTENCE, (10, 30))
        one = project.documents.by_name("one").id  # type: ignore[union-attr]
        ana, ben = project.coders.by_name("Ana"), project.coders.by_name("Ben")
        assert ana is not None
        assert ben is not None
        for coder in (ana, ben):
            project.statuses.mark(one, coder.id, DocumentStatus.DONE)
        found = review(project, "Ana", "Ben")
        political = next(d for d in found.differences if d.code_path == POLITICAL)
        subsistence = next(d for d in found.differences if d.code_path == SUBSISTENCE)
        decide(project, ana, ben, political, Choice.FIRST)
        before = _state(project)
        with pytest.raises(UserError, match=f"has '{POLITICAL}' at 0–20; 'Motive' is exclusive"):
            decide(project, ana, ben, subsistence, Choice.SECOND)
        assert _state(project) == before


# -- check and the command line -------------------------------------------------------------------


def _run(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_the_command_line_refuses_the_codebook_and_check_exits_1_on_a_clash(
    lead: Path, tmp_path: Path
) -> None:
    with Project.open(lead) as project:
        _code(project, "Ana", "one", WORKER)
        _code(project, "Ana", "one", OFFICIAL, (0, 7))
        file = _exclusive_codebook(project, tmp_path / "cb.json", "Actor type")
        before = _state(project)
    result = _run("codebook", "import", lead, file)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert (
        "'Actor type' cannot be made exclusive: its codings clash in 1 place — 'one', coder Ana"
        in lines[0]
    )
    assert _run("check", lead).exit_code == 0
    with Project.open(lead) as project:
        assert _state(project) == before
        # An older project holds a clash of an exclusive dimension: check's error, exit 1.
        _code(project, "Ana", "two", SUBSISTENCE)
        _code(project, "Ana", "two", POLITICAL, (2, 6))
        _code(project, "Ben", "two", SUBSISTENCE, (0, 9))
        _code(project, "Ben", "two", POLITICAL, (3, 12))
    result = _run("check", lead)
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert [e.split(": ", 2)[1] for e in errors] == ["'two', coder Ana", "'two', coder Ben"]
    assert "press Delete" in errors[0]
    assert "Ctrl+B" in errors[1]
    assert result.stdout.splitlines()[-1] == f"2 errors: {CLASH_ADVICE}"
    assert "restore" not in result.stdout  # the file is sound: no snapshot to put back
    report = json.loads(_run("check", lead, "--json").stdout)
    assert (report["ok"], len(report["errors"]), report["advice"]) == (False, 2, CLASH_ADVICE)
