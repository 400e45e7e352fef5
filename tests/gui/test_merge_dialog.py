"""File → Merge coders' work, Import/Export REFI-QDA and Codebook → Import, driven from the
window: what does not fit is listed before anything is written, the user chooses and merges,
the report says what came in, and the window's lists follow."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.io.packages import read_package
from annotator.services import create_project
from annotator.services.merge import export_package
from annotator.services.refi import export_qdpx, read_qdpx
from annotator.storage import Project
from annotator.ui.dialogs.codebook_editor import import_codebook_file
from annotator.ui.dialogs.merge import MergeDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import Dialogs, open_window


def _copy(project: Project, target: Path) -> Path:
    """A coder's machine: a copy of the lead's project file, taken while it is open."""
    assert project.path is not None
    with sqlite3.connect(project.path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def _cleos_package(window: MainWindow, tmp_path: Path, *, new_code: bool) -> Path:
    """Cleo codes the first article on her copy, perhaps with a code she made up."""
    machine = _copy(window.controller.project, tmp_path / "cleo.annotator")
    with Project.open(machine) as project:
        cleo = project.coders.add("Cleo")
        document = project.documents.all()[0]
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        code_id = code.id
        if new_code:
            code_id = project.codebook.add("Coerced return", parent_id=code.parent_id).id
        project.codings.add(document.id, cleo.id, code_id, 0, 25)
        package = tmp_path / "cleo.annpkg"
        export_package(project, "Cleo", package)
    return package


def _merge(dialog: MergeDialog, *paths: Path) -> None:
    dialog.files.setText("; ".join(str(p) for p in paths))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()


def test_a_package_merges_and_the_coder_appears(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    package = _cleos_package(window, tmp_path, new_code=False)
    dialog = window.merge()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.merged) as blocker:
        _merge(dialog, package)
    (report,) = blocker.args[0]
    assert (report.coder, report.added) == ("Cleo", 1)
    assert "cleo.annpkg: Cleo: 1 codings added" in dialog.report.toPlainText()
    project = window.controller.project
    cleo = project.coders.by_name("Cleo")
    assert cleo is not None
    assert len(project.codings.for_coder(cleo.id)) == 1
    # Merging the same file again changes nothing and says so.
    _merge(dialog, package)
    assert "0 codings added, 1 already there" in dialog.report.toPlainText()
    assert len(project.codings.for_coder(cleo.id)) == 1
    dialog.grab().save(str(tmp_path / "merge.png"))


def test_conflicts_are_listed_then_the_users_choice_merges(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    package = _cleos_package(window, tmp_path, new_code=True)
    project = window.controller.project
    before = project.codings.count()
    dialog = window.merge()
    qtbot.waitExposed(dialog)
    _merge(dialog, package)
    text = dialog.report.toPlainText()
    assert "Nothing was merged" in text
    assert "no code 'Motive > Coerced return'" in text
    assert project.codings.count() == before
    assert project.coders.by_name("Cleo") is None
    # The user chooses to add the code, and merges again.
    dialog.codes.setCurrentIndex(dialog.codes.findData("add"))
    with qtbot.waitSignal(dialog.merged):
        _merge(dialog, package)
    assert "1 codes added" in dialog.report.toPlainText()
    assert project.codebook.tree().find("Motive > Coerced return") is not None
    assert project.codings.count() == before + 1
    # The codebook panel lists the new code without reopening anything.
    model = window.codebook_model
    names = [model.index(r, 0, p).data() for p in _parents(model) for r in range(model.rowCount(p))]
    assert any("Coerced return" in str(n) for n in names)


def _parents(model):  # type: ignore[no-untyped-def]
    """Every index of a tree model (breadth first), the invisible root included."""
    from PySide6.QtCore import QModelIndex

    pending, seen = [QModelIndex()], []
    while pending:
        parent = pending.pop(0)
        seen.append(parent)
        pending += [model.index(r, 0, parent) for r in range(model.rowCount(parent))]
    return seen


def test_a_bad_file_says_why_and_writes_nothing(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.annpkg"
    bad.write_text("{not json", encoding="utf-8")
    project = window.controller.project
    before = project.codings.count()
    dialog = window.merge()
    qtbot.waitExposed(dialog)
    _merge(dialog, bad)
    text = dialog.report.toPlainText()
    assert "broken.annpkg" in text
    assert "Traceback" not in text
    assert project.codings.count() == before


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Project]:
    project = create_project(tmp_path / "empty.annotator", with_default_codebook=False)
    yield project
    project.close()


def test_refi_import_brings_articles_codes_and_coders(
    demo_project: Project, empty: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    archive = tmp_path / "demo.qdpx"
    export_qdpx(demo_project, archive)
    window = open_window(qtbot, empty, "Lead")
    dialog = window.merge(refi=True)
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Import REFI-QDA project"
    assert dialog.articles.currentData() == "import"
    with qtbot.waitSignal(dialog.merged):
        _merge(dialog, archive)
    assert empty.documents.count() == demo_project.documents.count()
    assert empty.codings.count() == demo_project.codings.count()
    assert {c.name for c in empty.coders.all()} >= {"Ana", "Ben"}
    assert "offsets of" in dialog.report.toPlainText()
    # The article list shows what came in.
    total = empty.documents.count()
    assert window.documents.progress.text() == f"0 of {total} done by Lead"
    dialog.grab().save(str(tmp_path / "refi.png"))


@pytest.mark.parametrize(("kind", "suffix"), [("package", ".annpkg"), ("qdpx", ".qdpx")])
def test_export_dialog_writes_a_package_and_a_qdpx(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, kind: str, suffix: str
) -> None:
    dialog = window.export()
    qtbot.waitExposed(dialog)
    dialog.set_format(kind, suffix)
    assert dialog.path.text().endswith(suffix)
    target = tmp_path / f"out{suffix}"
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    project = window.controller.project
    ana = project.coders.by_name("Ana")
    assert ana is not None
    if kind == "package":
        package = read_package(target)
        assert package.coder_name == "Ana"
        assert blocker.args[1] == len(package.codings) == len(project.codings.for_coder(ana.id))
    else:
        assert blocker.args[1] == project.codings.count()
        found = read_qdpx(target)
        assert sum(len(p.codings) for p in found.packages) == project.codings.count()


def test_a_qdc_exported_from_the_dialog_imports_through_the_codebook_menu(
    window: MainWindow, empty: Project, qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    dialog = window.export("codebook", ".qdc")
    qtbot.waitExposed(dialog)
    target = tmp_path / "codebook.qdc"
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    lead = open_window(qtbot, empty, "Lead")
    [action] = [a for a in lead.menuBar().actions() if a.text() == "Code&book"]
    [item] = [a for a in action.menu().actions() if a.text() == "&Import codebook…"]
    report = import_codebook_file(lead.controller, lead, target)
    assert report is not None
    assert item.isEnabled()
    count = window.controller.project.codebook.count()
    assert len(report.added) == count > 0
    assert lead.codebook_model.rowCount() == len(empty.codebook.tree().children(None))
    [(kind, text)] = dialogs.shown
    assert kind == "information"
    assert f"Added {count}, changed 0" in text
    # A broken file: a one-line warning naming it, and the codebook as it was.
    broken = tmp_path / "broken.qdc"
    broken.write_bytes(b"<CodeBook><Codes>")
    assert import_codebook_file(lead.controller, lead, broken) is None
    kind, text = dialogs.shown[-1]
    assert kind == "warning"
    assert "broken.qdc" in text
    assert empty.codebook.count() == count


def test_a_good_file_and_a_broken_one_merge_nothing(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 20.4: the good file used to be written while only the broken one was named."""
    package = _cleos_package(window, tmp_path, new_code=False)
    bad = tmp_path / "broken.annpkg"
    bad.write_text("{not json", encoding="utf-8")
    project = window.controller.project
    before = project.codings.count()
    dialog = window.merge()
    qtbot.waitExposed(dialog)
    with qtbot.assertNotEmitted(dialog.merged):
        _merge(dialog, package, bad)
    text = dialog.report.toPlainText()
    assert text.startswith("broken.annpkg, line 1: is not valid JSON")
    assert text.endswith("; nothing was merged")
    assert project.codings.count() == before
    assert project.coders.by_name("Cleo") is None


def test_a_coders_deletion_of_what_the_lead_changed_waits_for_a_choice(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    package = _cleos_package(window, tmp_path, new_code=False)
    project = window.controller.project
    dialog = window.merge()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.merged):
        _merge(dialog, package)
    cleo = project.coders.find("Cleo")
    [coding] = project.codings.for_coder(cleo.id)
    with Project.open(tmp_path / "cleo.annotator") as machine:  # Cleo withdraws her coding
        machine.codings.delete(coding.id)
        export_package(machine, "Cleo", package)
    project.codings.overwrite(coding.id, coding.code_id, 0, 20, "", "2999-01-01T00:00:00Z")
    _merge(dialog, package)
    text = dialog.report.toPlainText()
    assert "Nothing was merged" in text
    assert "was deleted by Cleo at" in text
    assert len(project.codings.for_coder(cleo.id)) == 1
    dialog.deletions.setCurrentIndex(dialog.deletions.findData("delete"))
    with qtbot.waitSignal(dialog.merged):
        _merge(dialog, package)
    assert "cleo.annpkg: Cleo: 0 codings added, 1 deleted" in dialog.report.toPlainText()
    assert project.codings.for_coder(cleo.id) == []
