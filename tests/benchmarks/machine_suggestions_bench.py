"""Machine suggestions in the coding window (issue 18): an article of 20,000 characters with
200 suggestions from a machine's run (and 40 codings of the coder's own), opened in the main
window at 1400×860 with the machine's suggestions shown — from the click to the end of the
repaint that draws them (``machine_suggestions_ms``, median of 21 openings, each coming from
a short article)."""

from __future__ import annotations

import random
import statistics
import time
import uuid
from pathlib import Path

from annotator.services import create_project
from annotator.services.machine import MachineCoding, add_machine, start_run, write_article
from annotator.services.machine.runs import finish_run

MACHINE_SUGGESTIONS_KEYS = {"machine_suggestions_ms"}
ARTICLE_CHARS = 20_000
SUGGESTIONS = 200
OWN_CODINGS = 40
REPEATS = 21
PROSE = (
    "the official said workers left a restaurant abroad and crossed the border where brokers "
    "arranged passage according to sources who asked not to be named while state media denounced "
    "them and families received money"
)
WORDS = PROSE.split(" ")


def _article(rng: random.Random) -> str:
    paragraphs, size = [], 0
    while size < ARTICLE_CHARS:
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))).capitalize() + "."
            for _ in range(rng.randint(2, 6))
        ]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:ARTICLE_CHARS]


def bench_machine_suggestions(folder: Path) -> dict[str, float]:
    from annotator.ui.app import application
    from annotator.ui.controller import Controller
    from annotator.ui.main_window import MainWindow

    app = application()
    rng = random.Random(18)
    project = create_project(folder / "suggestions.annotator")
    text = _article(rng)
    small = project.documents.add("small", "small.txt", "A short article.")
    big = project.documents.add("long", "long.txt", text)
    ana = project.coders.add("Ana")
    tree = project.codebook.tree()
    # Codes of dimensions that are not exclusive: every suggestion is kept.
    codes = [c.id for c in tree.codes() if not tree.dimension_of(c.id).exclusive]
    machine = add_machine(project, "Gemma", "classifier")
    run = start_run(
        project,
        machine,
        document_ids=[big.id],
        prompt_template="bench",
        settings={},
    )
    given = []
    for _ in range(SUGGESTIONS):
        start = rng.randrange(0, len(text) - 400)
        given.append(
            MachineCoding(
                rng.choice(codes),
                start,
                start + rng.randint(30, 350),
                round(rng.random(), 3),
                "a reason the machine gave",
            )
        )
    write_article(project, run, big.id, given)
    finish_run(project, run, "done")
    now = "2026-01-01T00:00:00Z"
    with project.transaction():
        for _ in range(OWN_CODINGS):
            start = rng.randrange(0, len(text) - 400)
            project.db.execute(
                'INSERT INTO codings (guid, document_id, coder_id, code_id, start, "end", '
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [str(uuid.uuid4()), big.id, ana.id, rng.choice(codes), start, start + 80, now, now],
            )
    window = MainWindow(Controller(project, ana))
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    suggestions = window.suggestions
    choice = next(c for c in suggestions.choices() if c.source.coder_id == machine.coder_id)
    suggestions.choose(choice)
    controller = window.controller
    times = []
    for _ in range(REPEATS):
        controller.open_document(small.id)
        app.processEvents()
        started = time.perf_counter()
        controller.open_document(big.id)
        window.reader.viewport().repaint()
        times.append(time.perf_counter() - started)
        app.processEvents()
    assert len(suggestions.items) == SUGGESTIONS, len(suggestions.items)
    assert window.reader.outline_rectangles(), "no suggestion drawn on screen"
    window.close()
    project.close()
    return {"machine_suggestions_ms": statistics.median(times) * 1000}
