"""Agreement with the codings a search made left out, or alone: the figures are those of the
same project without them (or without the others), and the report says what was left out."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from annotator.services import autocode, search
from annotator.services.agreement import Request, measure
from annotator.services.autocode import Origin, Unit
from annotator.storage import Project
from tests.helpers import run_sql

LEVELS = ("document", "character")


def figures(project: Project, **options: object) -> list[tuple[object, ...]]:
    report = measure(project, Request(levels=LEVELS, interval=False, **options))  # type: ignore[arg-type]
    return [
        (m.level, m.scope, m.name, m.units, m.percent_agreement, m.krippendorff_alpha)
        for m in report.measures
    ]


def test_search_codings_left_out_or_alone(demo: Project, tmp_path: Path) -> None:
    ana = demo.coders.find("Ana").id
    code = demo.codebook.tree().find("Source reliability > Defector testimony")
    assert code is not None
    hits = list(search.hit_spans(demo, search.Request("defect*")))
    preview = autocode.preview(demo, hits, code.id, ana, Unit.SENTENCE)
    made = autocode.apply(demo, preview, Origin("defect*", unit=Unit.SENTENCE)).codings
    assert made
    assert demo.path is not None
    with_search = figures(demo)
    without = figures(demo, search_codings="without")
    only = figures(demo, search_codings="only")
    report = measure(demo, Request(levels=LEVELS, interval=False, search_codings="without"))
    assert report.warnings[0].startswith(f"{len(made)} codings made by a search are left out")
    demo.close()
    by_hand = tmp_path / "by-hand.annotator"
    shutil.copy(demo.path, by_hand)
    run_sql(by_hand, "DELETE FROM codings WHERE origin IS NOT NULL")
    search_only = tmp_path / "search-only.annotator"
    shutil.copy(demo.path, search_only)
    run_sql(search_only, "DELETE FROM codings WHERE origin IS NULL")
    with Project.open(by_hand, read_only=True) as plain:
        assert without == figures(plain)
    with Project.open(search_only, read_only=True) as alone:
        assert only == figures(alone)
    assert with_search != without


def _scoped_project(folder: Path) -> Project:
    """Ana and Ben finish articles 1 and 2; Ana alone article 3; nobody article 4. A search
    made one coding of Frame > Risk in each article compared (and one of Frame > Gain), and
    more in the articles not compared."""
    import json

    from annotator.domain.model import DocumentStatus

    project = Project.create(folder / "scoped.annotator")
    frame = project.codebook.add("Frame", exclusive=True)
    risk = project.codebook.add("Risk", frame.id).id
    gain = project.codebook.add("Gain", frame.id).id
    ana, ben = project.coders.add("Ana").id, project.coders.add("Ben").id
    made = json.dumps({"kind": "search", "query": "ferry"})
    with project.transaction():
        docs = [
            project.documents.add(f"a{k}", f"a{k}.txt", f"ferry {k} left port late again.").id
            for k in range(1, 5)
        ]
        for document in docs:
            for coder in (ana, ben):
                project.codings.add(document, coder, risk, 0, 5)  # by hand
        project.codings.add(docs[0], ana, risk, 6, 10, origin=made)
        project.codings.add(docs[1], ben, risk, 6, 10, origin=made)
        project.codings.add(docs[1], ben, gain, 12, 16, origin=made)  # another code
        project.codings.add(docs[2], ana, risk, 6, 10, origin=made)  # Ana alone: not compared
        project.codings.add(docs[3], ana, risk, 6, 10, origin=made)  # nobody's: not compared
        for document in docs[:3]:
            project.statuses.mark(document, ana, DocumentStatus.DONE)
        for document in docs[:2]:
            project.statuses.mark(document, ben, DocumentStatus.DONE)
    return project


def test_notes_count_only_the_codings_compared(tmp_path: Path) -> None:
    """The warning and the methods paragraph count the search codings of the codes and
    articles compared, not every search coding the coders have in the project."""
    from annotator.services.methods import methods_of

    project = _scoped_project(tmp_path)
    request = Request(levels=LEVELS, interval=False, codes=("Frame > Risk",))
    without = measure(project, replace(request, search_codings="without"))
    assert without.warnings[0].startswith("2 codings made by a search are left out"), without
    only = replace(request, search_codings="only")
    report = measure(project, only)
    assert report.warnings[0].startswith(
        "only the 2 codings made by a search count: 4 made by hand are left out"
    ), report.warnings
    text = methods_of(project, only, report).text
    assert "Only the 2 codings made by a search were compared." in text, text
    # Both "only" filters: each note counts what the other filter keeps, and no coding is both
    # made by a search and accepted from a suggestion, so neither says some count.
    both = measure(project, replace(only, assisted_codings="only"))
    assert both.warnings[:2] == (
        "only the 0 codings made by a search count: 0 made by hand are left out",
        "only the 0 codings accepted from a machine's suggestions count: 2 others are left out",
    ), both.warnings


def test_drift_states_what_the_choices_left_out(tmp_path: Path) -> None:
    """A drift of search-made codings only reads as what it is: its heading, methods sentence
    and JSON carry the note the agreement report carries."""
    from annotator.io.drift_files import drift_html, heading, text_table
    from annotator.services.drift import drift

    project = _scoped_project(tmp_path)
    request = Request(levels=LEVELS, interval=False, codes=("Frame > Risk",), search_codings="only")
    note = measure(project, request).warnings[0]
    assert note.startswith("only the 2 codings made by a search count")
    found = drift(project, request, "batch", batches=1)
    assert found.notes == (note,)
    assert note in heading(found)
    assert note in text_table(found).splitlines()[0]
    assert "Only the 2 codings made by a search count" in found.methods
    assert found.as_dict()["warnings"] == [note]
    assert "Only the 2 codings made by a search count" in drift_html(found)
    # With every coding compared, nothing is said.
    plain = drift(project, replace(request, search_codings="with"), "batch", batches=1)
    assert plain.notes == ()
    assert "Note:" not in heading(plain)
