"""Agreement with the codings accepted from a machine's suggestions left out, or alone (issue
18 point 5): the figures are those the engine gives on the same project without them (or
without the others), the report and the methods paragraph say how many were left out, and the
command line takes --without-assisted-codings / --only-assisted-codings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from annotator.services.agreement import Request, measure
from annotator.services.machine import MachineCoding, add_machine, start_run, write_article
from annotator.services.machine import suggestions as sg
from annotator.services.machine.runs import finish_run
from annotator.services.methods import methods_of
from annotator.storage import Project
from annotator.storage.coding_queries import ASSISTED
from tests.helpers import run_sql
from tests.test_cli import assert_one_line_error, run

LEVELS = ("document", "character")


def figures(project: Project, **options: object) -> list[tuple[object, ...]]:
    report = measure(project, Request(levels=LEVELS, interval=False, **options))  # type: ignore[arg-type]
    return [
        (m.level, m.scope, m.name, m.units, m.percent_agreement, m.krippendorff_alpha)
        for m in report.measures
    ]


def accept_bens_codings_as_anas(demo: Project) -> int:
    """A machine suggests Ben's codings of the articles Ana and Ben both coded; Ana accepts
    every one that does not clash. Returns how many she accepted."""
    ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
    machine = add_machine(demo, "Gemma", "classifier")
    done = {(d, c) for (d, c), s in demo.statuses.all().items() if s.value == "done"}
    shared = sorted(d for d, c in done if c == ana.id and (d, ben.id) in done)
    given = {
        d: [
            MachineCoding(c.code_id, c.start, c.end, 0.9, "as Ben")
            for c in demo.codings.for_document(d, ben.id)
        ]
        for d in shared
    }
    run = start_run(
        demo, machine, document_ids=shared, prompt_template="test", settings={}, unvalidated=True
    )
    for document, codings in given.items():
        write_article(demo, run, document, codings)
    finish_run(demo, run, "done")
    source = sg.source_of_coder(demo.coders.get(machine.coder_id))
    return sum(len(sg.accept_all(demo, d, ana.id, source, 0.0).accepted) for d in shared)


def test_assisted_codings_left_out_or_alone(demo: Project, tmp_path: Path) -> None:
    accepted = accept_bens_codings_as_anas(demo)
    assert accepted > 0
    coders = {"coders": ("Ana", "Ben")}
    with_assisted = figures(demo, **coders)
    without = figures(demo, assisted_codings="without", **coders)
    only = figures(demo, assisted_codings="only", **coders)
    request = Request(levels=LEVELS, interval=False, assisted_codings="without", **coders)  # type: ignore[arg-type]
    report = measure(demo, request)
    assert report.warnings[0].startswith(
        f"{accepted} codings accepted from a machine's suggestions are left out"
    )
    methods = methods_of(demo, request, report).text
    assert f"The {accepted} codings the coders accepted from a machine coder's" in methods
    counted = methods_of(demo, Request(levels=LEVELS, interval=False, **coders), report).text  # type: ignore[arg-type]
    assert f"{accepted} of these coders' codings were accepted" in counted
    assert demo.path is not None
    demo.close()
    by_hand = tmp_path / "by-hand.annotator"
    shutil.copy(demo.path, by_hand)
    run_sql(by_hand, f"DELETE FROM codings WHERE {ASSISTED}")
    assisted_only = tmp_path / "assisted-only.annotator"
    shutil.copy(demo.path, assisted_only)
    run_sql(assisted_only, f"DELETE FROM codings WHERE NOT {ASSISTED}")
    with Project.open(by_hand, read_only=True) as plain:
        assert without == figures(plain, **coders)
        assert len(plain.codings.rows()) == len(demo_rows(demo.path)) - accepted
    with Project.open(assisted_only, read_only=True) as alone:
        assert only == figures(alone, **coders)
    assert with_assisted != without  # Ana took Ben's codings: agreement rose with them


def demo_rows(path: Path) -> list[object]:
    with Project.open(path, read_only=True) as opened:
        return list(opened.codings.rows())


def test_the_command_line_leaves_assisted_codings_out(demo: Project) -> None:
    accepted = accept_bens_codings_as_anas(demo)
    assert demo.path is not None
    path = demo.path
    demo.close()
    result = run(
        "agreement", path, "--level", "document", "--no-interval", "--without-assisted-codings",
        "--coders", "Ana,Ben", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert f"{accepted} codings accepted from a machine's suggestions are left out" in " ".join(
        data["warnings"]
    )
    assert "accepted from a machine coder's suggestions were left out" in data["methods"]["text"]
    both = run("agreement", path, "--without-assisted-codings", "--only-assisted-codings")
    assert_one_line_error(both, "exclude each other")
