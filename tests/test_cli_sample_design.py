"""`annotator sample` drawing designs (share, strata, the rest split, preview, CSV, queues,
the stored design) and `annotator sets` with `agreement --set`, on the demo project."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from annotator.storage import Project
from tests.test_cli import assert_one_line_error, demo_path, run

__all__ = ["demo_path"]


def _assigned(path: Path) -> int:
    with Project.open(path) as project:
        return len(project.statuses.assigned())


def test_a_stratified_share_with_the_rest_split(demo_path: Path, tmp_path: Path) -> None:
    project = demo_path
    run("coders", project, "add", "Cleo")
    preview = run(
        "sample",
        project,
        "--share",
        "50%",
        "--stratify",
        "outlet",
        "--coders",
        "Ana,Ben,Cleo",
        "--split-rest",
        "--preview",
        "--json",
    )
    assert preview.exit_code == 0, preview.output
    assert _assigned(project) == 0  # a preview writes nothing
    planned = json.loads(preview.stdout)
    assert planned["preview"] is True
    assert planned["size"] == 4
    # Four outlets of two articles each: one drawn from each, summing to the size exactly.
    assert [(a["stratum"], a["articles"], a["drawn"]) for a in planned["allocation"]] == [
        ("Border Monitor", 2, 1),
        ("Northeast Asia Dispatch", 2, 1),
        ("Pacific Wire", 2, 1),
        ("Seoul Ledger", 2, 1),
    ]
    table = tmp_path / "allocation.csv"
    drawn = run(
        "sample",
        project,
        "--share",
        "50%",
        "--stratify",
        "outlet",
        "--coders",
        "Ana,Ben,Cleo",
        "--split-rest",
        "-o",
        table,
    )
    assert drawn.exit_code == 0, drawn.output
    assert "strata by outlet:" in drawn.stdout
    assert "the rest, split by size:" in drawn.stdout
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert rows[0] == ["stratum", "outlet", "articles", "drawn"]
    assert len(rows) == 5
    assert _assigned(project) == 4 * 3 + 4  # the sample to all three, the rest to one each
    design = json.loads(run("sample", project, "--design", "--json").stdout)
    assert design["share"] == "50%"
    assert design["strata"] == ["outlet"]
    assert sum(r["articles"] for r in design["rest"]) == 4
    assert [a["drawn"] for a in design["allocation"]] == [1, 1, 1, 1]
    queues = json.loads(run("sample", project, "--queue", "--coders", "Cleo", "--json").stdout)
    [cleo] = queues
    parts = [a["part"] for a in cleo["articles"]]
    assert parts.count("sample") == 4
    assert parts.count("rest") >= 1
    assert cleo["to_do"] == cleo["assigned"]  # Cleo has done nothing yet
    listing = tmp_path / "queues.csv"
    assert run("sample", project, "--queue", "-o", listing).exit_code == 0
    rows = list(csv.reader(io.StringIO(listing.read_text(encoding="utf-8"))))
    assert rows[0] == ["coder", "article", "status", "part", "characters"]
    assert len(rows) == 1 + 4 * 3 + 4


def test_sample_refusals_are_one_line(demo_path: Path) -> None:
    assert_one_line_error(
        run("sample", demo_path, "--share", "15%", "--stratify", "colour", "--coders", "Ana"),
        "strata: there is no variable 'colour'",
    )
    assert_one_line_error(
        run("sample", demo_path, "--share", "lots", "--coders", "Ana"), "a share is written 15%"
    )
    assert (
        run("sample", demo_path, "--size", "2", "--share", "5%", "--coders", "Ana").exit_code == 2
    )
    assert run("sample", demo_path, "--queue", "--list").exit_code == 2
    assert_one_line_error(
        run("sample", demo_path, "--size", "2", "--coders", "Ana", "-o", "x.txt"), ".csv"
    )
    assert _assigned(demo_path) == 0


def test_sets_and_agreement_on_a_set(demo_path: Path) -> None:
    made = run("sets", demo_path, "create", "pilot", "--where", "outlet=Pacific Wire")
    assert made.exit_code == 0, made.output
    assert made.stdout.strip() == "made set 'pilot' of 2 articles"
    added = run("sets", demo_path, "add", "pilot", "--where", "outlet=Border Monitor", "--json")
    assert json.loads(added.stdout)["changed"] == 2
    removed = run("sets", demo_path, "remove", "pilot", "--documents", "1")
    assert "0 articles taken out of 'pilot' (now 4)" in removed.stdout
    listed = json.loads(run("sets", demo_path, "--json").stdout)
    assert [(s["name"], s["count"]) for s in listed] == [("pilot", 4)]
    shown = run("sets", demo_path, "show", "pilot").stdout.splitlines()
    assert shown[0] == "pilot: 4 articles"
    assert len(shown) == 5
    on_set = json.loads(run("agreement", demo_path, "--set", "pilot", "--json").stdout)
    everything = json.loads(run("agreement", demo_path, "--json").stdout)
    assert on_set["documents"] == 4
    assert everything["documents"] == 8
    assert_one_line_error(run("agreement", demo_path, "--set", "final"), "no article set 'final'")
    assert_one_line_error(
        run("sets", demo_path, "create", "x", "--where", "outlet=Nowhere"), "no article meets"
    )
    assert run("sets", demo_path, "delete", "pilot").exit_code == 0
    assert json.loads(run("sets", demo_path, "list", "--json").stdout) == []
