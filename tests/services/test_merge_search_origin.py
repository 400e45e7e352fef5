"""A coding a search made stays search-made on its way to the lead: in a coder package, in a
whole-project merge, through a backup and restore, and it is named in the long CSV; the
REFI-QDA export says it cannot carry it. An older package (without origins) still merges, and
a package with an origin that cannot be read is refused naming the file, nothing merged."""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.packages import MAX_ORIGIN, read_package
from annotator.io.segments_csv import COLUMNS
from annotator.services import autocode, backups, search
from annotator.services.autocode import Origin, Unit
from annotator.services.exports import export_segments
from annotator.services.merge import export_package, merge_file
from annotator.services.refi import export_qdpx
from annotator.storage import Project
from tests.helpers import run_sql
from tests.test_cli import assert_one_line_error, run

CODE = "Source reliability > Defector testimony"


@pytest.fixture
def lead(tmp_path: Path) -> Path:
    """The lead's project: the demo articles, Ana's and Ben's codings by hand."""
    path = tmp_path / "lead.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def laptop(lead: Path, name: str = "laptop") -> Path:
    """Ana's copy of the lead's project, where she codes a search's hits (by sentence)."""
    copy = lead.with_name(f"{name}.annotator")
    shutil.copy(lead, copy)
    coded = run("search", copy, "defect*", "--code", CODE, "--unit", "sentence", "--coder", "Ana")
    assert coded.exit_code == 0, coded.output
    return copy


def origins(path: Path) -> dict[str, str | None]:
    """Every coding's origin, by GUID."""
    with Project.open(path, read_only=True) as project:
        return {c.guid: c.origin for c in project.codings.all()}


def content(path: Path) -> tuple[object, ...]:
    """What a merge may write: codings, coders, codes, statuses, memos, deletions."""
    with Project.open(path, read_only=True) as project:
        return tuple(
            project.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("codings", "coders", "codes", "document_status", "memos", "deletions")
        )


def searched(path: Path) -> set[str]:
    return {guid for guid, origin in origins(path).items() if autocode.is_search_origin(origin)}


def searched_in(project: Project) -> list[int]:
    return [c.id for c in project.codings.all() if autocode.is_search_origin(c.origin)]


def package(project_path: Path, coder: str = "Ana") -> Path:
    target = project_path.with_suffix(".annpkg")
    with Project.open(project_path) as project:
        export_package(project, coder, target)
    return target


def measures(path: Path, *options: str) -> list[object]:
    result = run("agreement", path, "--no-interval", "--json", *options)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["measures"])


def test_the_leads_agreement_without_search_codings_leaves_out_those_made_on_a_laptop(
    lead: Path,
) -> None:
    copy = laptop(lead)
    made = searched(copy)
    assert made  # the search coded something on the laptop
    merged = run("merge", lead, package(copy))
    assert merged.exit_code == 0, merged.output
    without = measures(lead, "--without-search-codings")
    # The same project with those codings deleted (found by the GUIDs the laptop gave them).
    by_hand = lead.with_name("by-hand.annotator")
    shutil.copy(lead, by_hand)
    guids = ", ".join(f"'{guid}'" for guid in made)
    run_sql(by_hand, f"DELETE FROM codings WHERE guid IN ({guids})")
    assert origins(by_hand).keys() == origins(lead).keys() - made
    assert without == measures(by_hand)
    assert without != measures(lead)  # the search's codings do change the figures


def test_a_package_carries_each_origin_and_merging_twice_changes_nothing(lead: Path) -> None:
    copy = laptop(lead)
    path = package(copy)
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == 3
    objects = [c["origin"] for c in data["codings"] if c["origin"] is not None]
    assert {o["kind"] for o in objects} == {"search"}
    assert {o["query"] for o in objects} == {"defect*"}
    with Project.open(lead) as project:
        [first] = merge_file(project, path)
        [second] = merge_file(project, path)
    assert first.added == len(objects)
    assert (second.added, second.updated) == (0, 0)
    at_lead, at_laptop = origins(lead), origins(copy)
    assert {g: at_lead[g] for g in at_laptop} == at_laptop  # the very JSON text


def test_a_package_without_search_codings_stays_readable_by_the_previous_version(
    lead: Path,
) -> None:
    path = package(lead, "Ben")
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == 2
    assert all("origin" not in coding for coding in data["codings"])


def _old_format(path: Path) -> None:
    """The package as annotator wrote it before origins: version 2, no ``origin`` field."""
    data = json.loads(path.read_text("utf-8"))
    data["version"] = 2
    for coding in data["codings"]:
        del coding["origin"]
    path.write_text(json.dumps(data), encoding="utf-8")


def test_an_old_format_package_merges_its_codings_as_made_by_hand(lead: Path) -> None:
    copy = laptop(lead)
    made = searched(copy)
    path = package(copy)
    _old_format(path)
    assert read_package(path).origins_known is False
    with Project.open(lead) as project:
        [report] = merge_file(project, path)
    assert report.added == len(made)
    at_lead = origins(lead)
    assert [at_lead[guid] for guid in made] == [None] * len(made)


def test_an_updated_coding_takes_the_senders_origin_unless_the_package_has_none(
    lead: Path,
) -> None:
    copy = laptop(lead)
    made = sorted(searched(copy))
    old = package(copy)
    _old_format(old)
    with Project.open(lead) as project:  # the lead first got them without their origin
        merge_file(project, old)
    with Project.open(copy) as project:  # Ana edits one memo on her laptop
        coding = project.codings.by_guid(made[0])
        assert coding is not None
        project.codings.overwrite(
            coding.id, coding.code_id, coding.start, coding.end, "checked", "2999-01-01T00:00:00Z"
        )
    new = package(copy)
    with Project.open(lead) as project:
        [report] = merge_file(project, new)
    assert report.updated == len(made)  # the edited one, and the rest for their origin
    assert {g: origins(lead)[g] for g in made} == {g: origins(copy)[g] for g in made}
    # An older package does not say where codings came from: the lead keeps what it knows.
    with Project.open(copy) as project:
        coding = project.codings.by_guid(made[1])
        assert coding is not None
        project.codings.overwrite(
            coding.id, coding.code_id, coding.start, coding.end, "edited", "2999-01-02T00:00:00Z"
        )
    again = package(copy)
    _old_format(again)
    with Project.open(lead) as project:
        [report] = merge_file(project, again)
        merged = project.codings.by_guid(made[1])
    assert report.updated == 1
    assert merged is not None
    assert (merged.memo, merged.origin) == ("edited", origins(copy)[made[1]])


@pytest.mark.parametrize(
    ("origin", "problem"),
    [
        ("search for defect*", "'origin' is not a JSON object"),
        (42, "'origin' is not a JSON object"),
        (["search"], "'origin' is not a JSON object"),
        ({"query": "defect*"}, "'origin' has no 'kind'"),
        ({"kind": 7}, "'origin' has no 'kind'"),
        ({"kind": "search", "unit": {"deep": [1, 2]}}, "'origin' holds 'unit' of the wrong type"),
        ({"kind": "search", "query": "x" * MAX_ORIGIN}, "'origin' is longer than"),
        ({"kind": "search", "score": math.nan}, "not finite"),
        ({"kind": "search", "query": "\ud800"}, "lone surrogate"),
    ],
)
def test_a_package_with_an_origin_that_cannot_be_read_is_refused_and_nothing_merged(
    lead: Path, origin: object, problem: str
) -> None:
    path = package(laptop(lead))
    data = json.loads(path.read_text("utf-8"))
    data["codings"][-1]["origin"] = origin
    path.write_text(json.dumps(data), encoding="utf-8")
    before = content(lead)
    result = run("merge", lead, path)
    assert_one_line_error(result, problem)
    assert path.name in result.output
    assert f"codings[{len(data['codings']) - 1}]" in result.output
    assert content(lead) == before


def test_an_origin_of_another_kind_is_kept_as_it_is_and_not_taken_for_a_search(
    lead: Path,
) -> None:
    """A later version may record other origins: kept (in one canonical form), not a search's."""
    path = package(laptop(lead))
    data = json.loads(path.read_text("utf-8"))
    data["codings"][-1]["origin"] = {"model": "m", "kind": "suggestion"}
    path.write_text(json.dumps(data), encoding="utf-8")
    with Project.open(lead) as project:
        merge_file(project, path)
    assert origins(lead)[data["codings"][-1]["guid"]] == '{"kind": "suggestion", "model": "m"}'
    assert data["codings"][-1]["guid"] not in searched(lead)


def test_merging_a_whole_project_keeps_the_origins(lead: Path) -> None:
    copy = laptop(lead)
    with Project.open(lead) as project:
        merge_file(project, copy)
    at_lead, at_laptop = origins(lead), origins(copy)
    assert searched(lead) == searched(copy)
    assert {g: at_lead[g] for g in at_laptop} == at_laptop


def test_a_project_with_an_unreadable_origin_is_refused_naming_it(lead: Path) -> None:
    copy = laptop(lead)
    # The schema asks only for text starting with '{': another program may write worse.
    run_sql(copy, "UPDATE codings SET origin = '{not json}' WHERE origin IS NOT NULL")
    before = content(lead)
    result = run("merge", lead, copy)
    assert_one_line_error(result, "'origin' is not a JSON object")
    assert copy.name in result.output
    assert content(lead) == before


def test_restoring_a_backup_brings_the_origins_back(lead: Path) -> None:
    copy = laptop(lead)
    kept = origins(copy)
    with Project.open(copy) as project:
        snapshot = backups.take_snapshot(project, "before a mistake")
        assert snapshot is not None
        with project.transaction():  # every origin lost by mistake
            project.db.execute("UPDATE codings SET origin = NULL")
        assert not searched_in(project)
        backups.restore(project, snapshot)
    assert origins(copy) == kept
    assert searched(copy)


def test_the_long_csv_says_which_codings_a_search_made(lead: Path) -> None:
    copy = laptop(lead)
    target = copy.with_suffix(".csv")
    with Project.open(copy, read_only=True) as project:
        export_segments(project, target)
        ids = {c.id for c in project.codings.all() if autocode.is_search_origin(c.origin)}
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*COLUMNS, "from_search", "run_id", "confidence", "assisted"]
    column = rows[0].index("from_search")
    flagged = {int(row[0]) for row in rows[1:] if row[column] == "1"}
    assert flagged == ids
    assert {row[column] for row in rows[1:]} == {"0", "1"}
    # codings import still reads it: each row is there already, nothing added.
    again = run("codings", "import", copy, target)
    assert again.exit_code == 0, again.output


def test_the_refi_export_names_what_it_cannot_carry(lead: Path) -> None:
    copy = laptop(lead)
    with Project.open(copy, read_only=True) as project:
        exported = export_qdpx(project, copy.with_suffix(".qdpx"))
    [note] = [loss for loss in exported.losses if "search" in loss]
    assert f"({len(searched(copy))})" in note
    with Project.open(lead, read_only=True) as project:
        plain = export_qdpx(project, lead.with_suffix(".qdpx"))
    assert not [loss for loss in plain.losses if "search" in loss]


def test_the_hostile_origin_check_reads_like_every_other_package_check(tmp_path: Path) -> None:
    path = tmp_path / "p.annpkg"
    path.write_text(
        json.dumps(
            {
                "format": "annotator-coder-package",
                "version": 3,
                "project_guid": "00000000-0000-0000-0000-000000000001",
                "coder_guid": "00000000-0000-0000-0000-000000000002",
                "coder_name": "Ana",
                "created_at": "2026-01-01T00:00:00Z",
                "codings": [
                    {
                        "guid": "00000000-0000-0000-0000-000000000003",
                        "document": "0" * 64,
                        "code": "00000000-0000-0000-0000-000000000004",
                        "start": 0,
                        "end": 3,
                        "memo": "",
                        "created_at": "2026-01-01T00:00:00Z",
                        "updated_at": "2026-01-01T00:00:00Z",
                        "origin": "{}",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(BadFileError) as caught:
        read_package(path)
    assert str(caught.value) == ("p.annpkg: codings[0]: 'origin' is not a JSON object (nor null)")


def test_a_search_coding_made_through_the_service_travels_too(lead: Path) -> None:
    """The window codes through the service (with a saved search's name): the same trip."""
    copy = lead.with_name("window.annotator")
    shutil.copy(lead, copy)
    with Project.open(copy) as project:
        ben = project.coders.find("Ben").id
        code = project.codebook.tree().find(CODE)
        assert code is not None
        hits = list(search.hit_spans(project, search.Request("defect*")))
        preview = autocode.preview(project, hits, code.id, ben, Unit.PARAGRAPH)
        origin = Origin("defect*", unit=Unit.PARAGRAPH, rule="r-guid", name="Defectors")
        made = autocode.apply(project, preview, origin).codings
    assert made
    with Project.open(lead) as project:
        merge_file(project, package(copy, "Ben"))
    at_lead = origins(lead)
    assert {at_lead[c.guid] for c in made} == {origin.to_json()}
