"""Coding from the hits: tick, choose a code and a unit, preview (what is coded, what is left
out), apply as one undo step; refused read-only and as the consensus coder; the codings are
the coder's own and say they came from a search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.domain.model import Coding
from annotator.services import editing
from annotator.services.agreement import CONSENSUS
from annotator.storage import Project
from annotator.ui.controller import Controller
from annotator.ui.main_window import MainWindow
from annotator.ui.search.search_page import SearchPage
from tests.gui.conftest import Dialogs, open_window
from tests.gui.search_window_support import open_search, press, preview, run_search

NAMED = "Source reliability > Named official"


def code_id(window: MainWindow, path: str) -> int:
    code = window.controller.codebook.find(path)
    assert code is not None
    return code.id


def tick(page: SearchPage, rows: list[int]) -> None:
    page.model.set_checked(rows, True)


def made_by_search(project: Project) -> list[Coding]:
    return [c for c in project.codings.all() if c.origin]


def is_sentence(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` reads as whole sentences of one paragraph (a headline has no
    full stop): it begins a paragraph or follows a sentence's end, and ends one."""
    passage = text[start:end]
    if "\n" in passage or passage != passage.strip():
        return False
    before = text[:start].rstrip(" ")
    begins = not before or before.endswith(("\n", ".", "?", "!", "”", '"'))
    after = text[end:]
    ends = passage.endswith((".", "?", "!", "”", '"')) or not after or after.startswith("\n")
    return begins and ends


def test_ticked_hits_are_coded_by_sentence_in_one_step_and_undone_exactly(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    controller = window.controller
    ana = controller.coder
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "security OR broker*")
    hits = [page.model.hit(r) for r in range(page.model.rowCount())]
    assert len(hits) >= 4
    named = code_id(window, NAMED)
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    page.code.choose(named)
    page.unit.set_unit("sentence")
    preview(qtbot, page)
    first = page.preview_model.previewed
    assert first is not None
    # Ana codes one of the sentences by hand meanwhile: the preview no longer holds, and
    # the next one leaves that sentence out.
    hand = first.preview.planned[0]
    controller.open_document(hand.document_id)
    assert controller.apply_code(named, (hand.start, hand.end))
    assert not page.apply_button.isEnabled()
    preview(qtbot, page)
    planned = page.preview_model.previewed
    assert planned is not None
    spans = [(p.document_id, p.start, p.end) for p in planned.preview.planned]
    assert (hand.document_id, hand.start, hand.end) not in spans
    assert planned.preview.skipped == first.preview.skipped + 1
    assert len(spans) == len(first.preview.planned) - 1
    for document_id, start, end in spans:
        text = demo_project.documents.text(document_id)
        assert start is not None
        assert end is not None
        assert is_sentence(text, start, end), text[start:end]
        assert any(h.document_id == document_id and start <= h.start < end for h in hits)
    articles = len({s[0] for s in spans})
    skipped = planned.preview.skipped
    assert page.summary.text() == (
        f"{len(spans)} passages in {articles} articles will be coded as {NAMED} for Ana "
        f"({planned.hits} hits); left out: {skipped} passages already coded so by Ana."
    )
    # The listed passages are the sentences' text.
    for row, (document_id, start, end) in enumerate(spans):
        passage = page.preview_model.index(row, 1).data()
        assert passage == " ".join(demo_project.documents.text(document_id)[start:end].split())
    before = {c.id for c in demo_project.codings.all()}
    assert page.apply_button.isEnabled()
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    made = [c for c in demo_project.codings.all() if c.id not in before]
    assert sorted((c.document_id, c.start, c.end) for c in made) == spans
    assert {(c.coder_id, c.code_id) for c in made} == {(ana.id, named)}
    for coding in made:
        origin = json.loads(coding.origin or "{}")
        assert origin["kind"] == "search"
        assert origin["query"] == "security OR broker*"
        assert origin["unit"] == "sentence"
        assert origin["rule"] is None
    assert page.summary.text().startswith(f"Coded {len(spans)} passages")
    assert controller.undo_stack.undoText() == f"code {len(spans)} passages as Named official"
    # Ctrl+Z in the Search window takes back exactly them, as one step.
    search_window = window.search_window
    assert search_window is not None
    press(qtbot, search_window, QKeySequence.StandardKey.Undo)
    assert {c.id for c in demo_project.codings.all()} == before
    # And Redo puts the same codings back (ids, GUIDs, origin).
    press(qtbot, search_window, QKeySequence("Ctrl+Shift+Z"))
    assert sorted(made_by_search(demo_project), key=lambda c: c.id) == sorted(
        made, key=lambda c: c.id
    )


def test_undo_is_refused_when_one_of_the_codings_changed_since(
    qtbot: QtBot, window: MainWindow, demo_project: Project, dialogs: Dialogs
) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "broker*")
    tick(page, list(range(page.model.rowCount())))
    page.code.choose(code_id(window, NAMED))
    page.unit.set_unit("hit")
    preview(qtbot, page)
    previewed = page.preview_model.previewed
    assert previewed is not None
    assert page.apply() == len(previewed.preview.planned) > 0
    made = made_by_search(demo_project)
    # Changed elsewhere (another window, a merge): not a step of this window's stack.
    moved = editing.change_span(demo_project, made[0].id, made[0].start, (made[0].end or 0) + 1)
    window.controller.changed_elsewhere(made[0].document_id)
    window.controller.undo()
    assert [kind for kind, _ in dialogs.shown] == ["warning"]
    assert "cannot be undone" in dialogs.shown[0][1]
    after = made_by_search(demo_project)
    assert len(after) == len(made)
    assert moved.after in after  # nothing was taken back
    assert window.controller.undo_stack.canUndo()


def test_whole_articles_left_out_where_an_exclusive_code_is_there(
    qtbot: QtBot, window: MainWindow, demo_project: Project, qtmodeltester: ModelTester
) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "official*")
    qtbot.mouseClick(page.tick_all, Qt.MouseButton.LeftButton)
    political = code_id(window, "Motive > Political")
    page.code.choose(political)
    page.unit.set_unit("article")
    preview(qtbot, page)
    planned = page.preview_model.previewed
    assert planned is not None
    articles = {page.model.hit(r).document_id for r in range(page.model.rowCount())}
    ana = window.controller.coder.id
    motive = {c.id for c in window.controller.codebook.walk(code_id(window, "Motive"))}
    clashing = {
        d
        for d in articles
        if any(
            c.code_id in motive and c.code_id != political
            for c in demo_project.codings.for_document(d, ana)
        )
    }
    assert clashing  # the demo gives Ana motives in these articles
    assert planned.preview.clashing == len(clashing)
    assert {p.document_id for p in planned.preview.planned} == articles - clashing
    assert all(p.start is None for p in planned.preview.planned)
    assert "another code of its exclusive dimension" in page.summary.text()
    if planned.preview.planned:
        assert page.preview_model.index(0, 1).data() == "(whole article)"
    qtmodeltester.check(page.preview_model)


def test_the_preview_goes_stale_when_its_articles_change(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "broker*")
    tick(page, [0])
    page.code.choose(code_id(window, NAMED))
    preview(qtbot, page)
    assert page.apply_button.isEnabled()
    hit = page.model.hit(0)
    window.controller.open_document(hit.document_id)
    window.controller.apply_code(code_id(window, NAMED), (hit.start, hit.end))
    assert not page.apply_button.isEnabled()
    assert page.summary.text() == "The project changed since the preview: preview again."
    assert page.apply() == 0
    preview(qtbot, page)
    assert page.preview_model.previewed is not None
    assert page.preview_model.previewed.preview.skipped == 1


def test_search_made_codings_are_the_coders_own_and_say_so(
    qtbot: QtBot, window: MainWindow, demo_project: Project
) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "broker*")
    tick(page, [0])
    page.code.choose(code_id(window, NAMED))
    page.unit.set_unit("sentence")
    preview(qtbot, page)
    page.apply()
    made = made_by_search(demo_project)
    assert len(made) == 1
    window.show_hit(made[0].document_id, made[0].start or 0, made[0].end or 0)
    model = window.codings.model
    model.reload()
    rows = [r for r in range(model.rowCount()) if model.coding_id(r) == made[0].id]
    assert len(rows) == 1
    row = rows[0]
    assert model.index(row, 1).data() == "Ana"  # the coder's own coding
    tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == f"{NAMED}\nCoded from a search for “broker*” (its sentence): check it"
    hand = [r for r in range(model.rowCount()) if r != row]
    assert hand
    assert "search" not in (model.index(hand[0], 0).data(Qt.ItemDataRole.ToolTipRole) or "")


@pytest.fixture
def read_only_window(qtbot: QtBot, demo_project: Project) -> MainWindow:
    path = demo_project.path
    assert path is not None
    demo_project.close()
    opened = Project.open(path, read_only=True)
    window = open_window(qtbot, opened)
    yield window  # type: ignore[misc]
    window.close()
    opened.close()


def test_a_read_only_project_searches_but_codes_and_saves_nothing(
    qtbot: QtBot, read_only_window: MainWindow
) -> None:
    window = read_only_window
    project = window.controller.project
    count = project.codings.count()
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "broker*")
    assert page.model.rowCount() > 0
    tick(page, [0])
    page.code.choose(code_id(window, NAMED))
    preview(qtbot, page)
    assert not page.apply_button.isEnabled()
    assert "Read-only" in page.apply_button.toolTip()
    assert not page.save_button.isEnabled()
    assert page.apply() == 0
    assert "read-only" in page.summary.text()
    assert project.codings.count() == count


def test_the_consensus_coder_cannot_code_from_a_search(qtbot: QtBot, demo_project: Project) -> None:
    demo_project.coders.get_or_add(CONSENSUS)
    window = open_window(qtbot, demo_project, CONSENSUS)
    assert isinstance(window.controller, Controller)
    count = demo_project.codings.count()
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "broker*")
    tick(page, [0])
    page.code.choose(code_id(window, NAMED))
    preview(qtbot, page)
    assert page.apply() == 0
    assert "switch to your own coder" in page.summary.text()
    assert demo_project.codings.count() == count
    assert not window.controller.undo_stack.canUndo()


def test_nothing_ticked_nothing_to_preview(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "broker*")
    assert not page.preview_button.isEnabled()
    assert page.ticked.text() == f"0 of {page.model.rowCount()} hits ticked"
    tick(page, [0])
    assert page.preview_button.isEnabled()


def test_a_passage_of_the_preview_opens_in_the_reader(qtbot: QtBot, window: MainWindow) -> None:
    page = open_search(qtbot, window).search
    run_search(qtbot, page, "broker*")
    tick(page, [0])
    page.code.choose(code_id(window, NAMED))
    page.unit.set_unit("paragraph")
    preview(qtbot, page)
    previewed = page.preview_model.previewed
    assert previewed is not None
    planned = previewed.preview.planned[0]
    rect = page.preview_view.visualRect(page.preview_model.index(0, 1))
    viewport = page.preview_view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.controller.document_id == planned.document_id
    assert window.reader.selected_span() == (planned.start, planned.end)
