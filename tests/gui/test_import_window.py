"""File → Import articles: the preview before anything is written (rows, ticks, duplicates,
refused files), progress, Cancel at each step, and what the window shows after an import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QRect, Qt, Slot
from PySide6.QtWidgets import QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.domain.model import VariableType
from annotator.storage import Project
from annotator.ui.intake.dialog import ImportDialog
from annotator.ui.intake.jobs import Job
from annotator.ui.intake.model import DUPLICATE, HEADLINE
from annotator.ui.intake.report import ImportReportDialog
from annotator.ui.main_window import MainWindow
from tests.gui.importing import TIMEOUT, import_ticked, press_main_button, read

FIXTURES = Path(__file__).parents[1] / "io" / "news" / "fixtures"
STORY = " ".join(f"word{i}" for i in range(200))


def open_dialog(window: MainWindow, qtbot: QtBot, *paths: Path) -> ImportDialog:
    """File → Import articles, as the menu opens it, with ``paths`` chosen."""
    window.import_action.trigger()
    dialog = window.findChildren(ImportDialog)[-1]
    qtbot.addWidget(dialog)
    dialog.add_paths(list(paths))
    return dialog


def shown(dialog: ImportDialog, column: int) -> list[str]:
    """A column of the preview as the table shows it, top to bottom."""
    model = dialog.preview_page.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def ticks(dialog: ImportDialog) -> list[bool]:
    model = dialog.preview_page.model
    return [
        model.index(row, HEADLINE).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        for row in range(model.rowCount())
    ]


def dump(project: Project) -> list[str]:
    return list(project.db.conn.iterdump())


def main_button(dialog: ImportDialog) -> QPushButton:
    return dialog.buttons.button(dialog.buttons.StandardButton.Ok)


def cancel_button(dialog: ImportDialog) -> QPushButton:
    return dialog.buttons.button(dialog.buttons.StandardButton.Cancel)


class CancelAt(QObject):
    """Presses Cancel when a job reports progress for the ``at``-th time. Connected to the
    job's thread with a blocking queued connection, so the job waits while the button is
    pressed in the window's thread: the Cancel lands at that point of the work, every run."""

    def __init__(self, dialog: ImportDialog, stage: str, at: int = 1) -> None:
        super().__init__()
        self.dialog, self.stage, self.at = dialog, stage, at
        self.seen: list[tuple[str, int, int]] = []
        dialog.working.connect(self.watch)

    @Slot(object)
    def watch(self, job: Job) -> None:
        if job.stage == self.stage:
            job.progressed.connect(self.progressed, Qt.ConnectionType.BlockingQueuedConnection)

    @Slot(str, int, int)
    def progressed(self, what: str, done: int, total: int) -> None:
        self.seen.append((what, done, total))
        if done == self.at:
            cancel_button(self.dialog).click()


@pytest.fixture
def wire(tmp_path: Path) -> Path:
    """A sheet holding a wire story, its reprint with one word changed, and a story of its
    own; the project will hold the wire story already."""
    sheet = tmp_path / "wire.csv"
    sheet.write_text(
        "title,text,outlet,date\n"
        f"Wire story,{STORY},Harbour Weekly,2019-04-20\n"
        f"Wire story reprinted,{STORY.replace('word100', 'changed')},Velmar Post,2019-04-21\n"
        "Own story,The quay was quiet on Sunday and the ferry sailed on time.,Velmar Post,"
        "2019-04-21\n",
        encoding="utf-8",
    )
    return sheet


def test_preview_of_a_factiva_page_and_a_sheet_then_import(
    window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    project = window.controller.project
    before = dump(project)
    dialog = open_dialog(
        window, qtbot, FIXTURES / "factiva_en.html", FIXTURES / "harbour_sheet.csv"
    )
    read(dialog, qtbot)
    qtmodeltester.check(dialog.preview_page.model)
    assert dump(project) == before  # nothing written by reading and checking
    assert shown(dialog, HEADLINE) == [
        "Ferry crew walks off in Port Velmar",
        "Lighthouse keepers ask for a second boat",
        "Fish market moves to the old rope works",
        "Ferry crew walks off in Port Velmar",
        "Relief crew reaches Port Velmar",
        "Café owners ask for compensation",
    ]
    assert shown(dialog, 1) == ["The Coastal Ledger"] * 2 + ["Velmar Courier"] + [
        "The Coastal Ledger",
        "Harbour Weekly",
        "Harbour Weekly",
    ]
    assert shown(dialog, 2) == [
        "2019-04-16",
        "2019-04-12",
        "2019-04-09",
        "2019-04-16",
        "2019-04-17",
        "sometime in spring",
    ]
    assert shown(dialog, 3)[:3] == ["212", "87", "1,204"]  # Factiva's word counts
    assert shown(dialog, 4) == ["factiva_en.html"] * 3 + ["harbour_sheet.csv"] * 3
    assert shown(dialog, DUPLICATE) == [""] * 6
    assert ticks(dialog) == [True] * 6
    # Each file's problems, one line each, naming the file.
    lines = dialog.preview_page.problem_lines()
    assert "harbour_sheet.csv: row 4: no text, left out" in lines
    assert "harbour_sheet.csv: row 5: 'sometime in spring' is not a date; kept as date_text" in (
        lines
    )
    assert [line.split(":")[0] for line in lines] == ["factiva_en.html"] + ["harbour_sheet.csv"] * 2
    assert "6 articles</b> in 2 files" in dialog.preview_page.summary.text()
    # Untick the lighthouse story with the keyboard, as a user would.
    view = dialog.preview_page.view
    view.setFocus()
    view.setCurrentIndex(dialog.preview_page.model.index(1, HEADLINE))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert ticks(dialog) == [True, False, True, True, True, True]
    assert main_button(dialog).text() == "&Import 5 articles"
    documents = project.documents.count()
    runs = project.imports.count()
    rows = window.documents.model.rowCount()
    report = import_ticked(dialog, qtbot)
    assert not dialog.isVisible()
    names = [d.name for d in project.documents.all()[documents:]]
    assert "Lighthouse keepers ask for a second boat" not in names
    assert len(names) == 5
    # The article list follows through the Controller's changes; the status bar says it.
    assert window.documents.model.rowCount() == rows + 5
    assert window.statusBar().currentMessage() == "Imported 5 articles from 2 files."
    # Recorded like the command line's imports, with what the preview left out.
    assert project.imports.count() == runs + 1
    run = project.imports.all()[-1]
    assert run.id == report.import_id
    assert (run.options["articles_read"], run.options["articles_chosen"]) == (6, 5)
    assert [(f.source, f.articles, f.imported) for f in run.files] == [
        ("factiva_en.html", 3, 2),
        ("harbour_sheet.csv", 3, 3),
    ]


def test_duplicates_are_flagged_and_unticked(
    window: MainWindow, qtbot: QtBot, wire: Path, tmp_path: Path
) -> None:
    project = window.controller.project
    held = tmp_path / "held.csv"
    held.write_text(f"title,text\nWire story,{STORY}\n", encoding="utf-8")
    dialog = open_dialog(window, qtbot, held)
    read(dialog, qtbot)
    import_ticked(dialog, qtbot)
    dialog = open_dialog(window, qtbot, wire, FIXTURES / "harbour_sheet.csv")
    read(dialog, qtbot)
    flags = shown(dialog, DUPLICATE)
    assert flags[0] == "same text as 'Wire story' (in the project)"
    assert flags[1].endswith(" like 'Wire story' (in the project)")
    assert float(flags[1].split()[0]) >= 0.9
    assert flags[2:] == [""] * 4
    assert ticks(dialog) == [False, False, True, True, True, True]
    model = dialog.preview_page.model
    # The same text as a project document cannot be ticked; the reprint can.
    assert not model.flags(model.index(0, HEADLINE)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.flags(model.index(1, HEADLINE)) & Qt.ItemFlag.ItemIsUserCheckable
    dialog.preview_page.tick_none.click()
    assert ticks(dialog) == [False] * 6
    assert not main_button(dialog).isEnabled()
    dialog.preview_page.tick_all.click()
    assert ticks(dialog) == [False] + [True] * 5
    # The choice for near-duplicates ticks (mark, all) or unticks (skip) the reprint only.
    page = dialog.preview_page
    page.tick_none.click()
    page.duplicates.setCurrentIndex(page.duplicates.findData("mark"))
    assert ticks(dialog) == [False, True, False, False, False, False]
    page.duplicates.setCurrentIndex(page.duplicates.findData("skip"))
    assert ticks(dialog) == [False] * 6
    page.duplicates.setCurrentIndex(page.duplicates.findData("mark"))
    page.tick_all.click()
    assert ticks(dialog) == [False] + [True] * 5
    # A stricter threshold is checked again in the background: the reprint is no longer one.
    with qtbot.waitSignal(dialog.previewed, timeout=TIMEOUT):
        dialog.preview_page.similarity.setValue(0.99)
    assert shown(dialog, DUPLICATE)[1] == ""
    with qtbot.waitSignal(dialog.previewed, timeout=TIMEOUT):
        dialog.preview_page.similarity.setValue(0.9)
    assert shown(dialog, DUPLICATE)[1].endswith(" like 'Wire story' (in the project)")
    assert ticks(dialog)[1]
    import_ticked(dialog, qtbot)
    reprint = project.documents.by_name("Wire story reprinted")
    assert reprint is not None
    assert project.documents.values(reprint.id)["duplicate_of"] == "Wire story"
    assert project.imports.all()[-1].options["duplicates"] == "mark"


def test_refused_files_are_listed_and_nothing_is_importable(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "no-text.csv").write_text("title,text\nOne,\nTwo,\n", encoding="utf-8")
    imports = window.controller.project.imports.count()
    dialog = open_dialog(window, qtbot, folder)
    read(dialog, qtbot)
    assert dialog.preview_page.problem_lines() == [
        "refused: empty.txt: is empty",
        "refused: no-text.csv: holds no article: no row has text in its column 'text'",
        "refused: photo.jpg: not an article format annotator reads (.docx, .html, .md, .pdf, .txt)",
    ]
    assert "Refused files (3)" in dialog.preview_page.problems_label.text()
    assert shown(dialog, HEADLINE) == []
    assert main_button(dialog).text() == "&Import 0 articles"
    assert not main_button(dialog).isEnabled()
    # Back to the files; Cancel then closes, nothing imported.
    dialog.back.click()
    assert main_button(dialog).text() == "&Read and preview"
    cancel_button(dialog).click()
    assert not dialog.isVisible()
    assert window.controller.project.imports.count() == imports


def test_cancel_while_storing_leaves_the_project_as_it_was(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    for name in ("one", "two"):
        rows = "".join(
            f"{name} {i},Story {i} of {name}: the ferry left at {i}.\n" for i in range(9)
        )
        (tmp_path / f"{name}.csv").write_text("title,text\n" + rows, encoding="utf-8")
    project = window.controller.project
    dialog = open_dialog(window, qtbot, tmp_path / "one.csv", tmp_path / "two.csv")
    read(dialog, qtbot)
    before = dump(project)
    imports = project.imports.count()
    rows = window.documents.model.rowCount()
    canceller = CancelAt(dialog, "storing", at=12)  # in the second file
    with qtbot.waitSignal(dialog.cancelled, timeout=TIMEOUT) as blocker:
        press_main_button(dialog)
    assert blocker.args == ["storing"]
    assert canceller.seen[-1] == ("Importing two.csv", 12, 18)
    assert dump(project) == before
    assert project.imports.count() == imports
    assert window.documents.model.rowCount() == rows
    # The preview stays, as it was: the import can be started again.
    assert dialog.isVisible()
    assert dialog.status.text() == "Import cancelled: the project is as it was."
    assert main_button(dialog).text() == "&Import 18 articles"
    assert main_button(dialog).isEnabled()
    dialog.working.disconnect(canceller.watch)
    import_ticked(dialog, qtbot)
    assert project.imports.count() == imports + 1


def test_cancel_stops_reading_and_progress_is_shown(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(30):
        (folder / f"a{i:02}.txt").write_text(f"Article {i} about the harbour.", encoding="utf-8")
    dialog = open_dialog(window, qtbot, folder)
    bar: list[tuple[bool, int, int]] = []
    dialog.progressed.connect(
        lambda *_: bar.append(
            (dialog.progress.isVisible(), dialog.progress.value(), dialog.progress.maximum())
        )
    )
    canceller = CancelAt(dialog, "reading", at=5)
    with qtbot.waitSignal(dialog.cancelled, timeout=TIMEOUT) as blocker:
        press_main_button(dialog)
    assert blocker.args == ["reading"]
    # Reading stopped at the file it was on: the sixth was never begun.
    assert canceller.seen == [(f"Reading a{i:02}.txt", i + 1, 30) for i in range(5)]
    assert bar == [(True, i + 1, 30) for i in range(5)]
    assert dialog.status.text() == "Reading cancelled: nothing was read, nothing imported."
    assert dialog.preview_result is None
    assert main_button(dialog).text() == "&Read and preview"
    assert not dialog.progress.isVisible()
    # Read in full, each file is reported as it is read.
    dialog.working.disconnect(canceller.watch)
    steps: list[tuple[str, int, int]] = []
    dialog.progressed.connect(lambda *args: steps.append(args))
    read(dialog, qtbot)
    reading = [step for step in steps if step[0].startswith("Reading")]
    assert reading == [(f"Reading a{i:02}.txt", i + 1, 30) for i in range(30)]
    assert len(shown(dialog, HEADLINE)) == 30


def test_a_project_copied_byte_for_byte_is_unchanged_by_a_cancelled_import(
    window: MainWindow, qtbot: QtBot, wire: Path
) -> None:
    """Cancel as the first article is stored: the file, with its log folded in, holds the
    same bytes as before."""
    project = window.controller.project
    assert project.path is not None
    project.checkpoint(truncate=True)
    before = project.path.read_bytes()
    dialog = open_dialog(window, qtbot, wire)
    read(dialog, qtbot)
    canceller = CancelAt(dialog, "storing", at=1)
    with qtbot.waitSignal(dialog.cancelled, timeout=TIMEOUT):
        press_main_button(dialog)
    assert canceller.seen[-1] == ("Importing wire.csv", 1, 2)  # the reprint unticked
    project.checkpoint(truncate=True)
    assert project.path.read_bytes() == before


# -- screenshots, for people to look at -------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
OUTLETS = ("The Coastal Ledger", "Harbour Weekly", "Velmar Post", "Port Velmar Courier")
SUBJECTS = ("Ferry crew", "Harbour office", "Fish market", "Lighthouse keepers", "Dock union")
EVENTS = ("ask for talks", "walk off the job", "meet the mayor", "win a new contract", "protest")


def _invented_sheet(path: Path, count: int) -> None:
    """Articles written for this test: a headline and a few sentences each."""
    lines = ["title,text,outlet,date"]
    for i in range(count):
        subject, event = SUBJECTS[i % 5], EVENTS[(i * 3) % 5]
        body = " ".join(
            f"On day {i} the {subject.lower()} said that talks {w} would go on until {i + w}."
            for w in range(8 + i % 7)
        )
        date = f"2019-{1 + i % 12:02}-{1 + i % 28:02}"
        lines.append(f"{subject} {event} ({i + 1}),{body},{OUTLETS[i % 4]},{date}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _grab(dialog: ImportDialog, qtbot: QtBot, name: str) -> None:
    dialog.fit_to(QRect(0, 0, 1400, 900))  # as on a 1400×900 screen
    qtbot.waitExposed(dialog)
    SCREENSHOTS.mkdir(exist_ok=True)
    image = dialog.grab()
    assert (image.width(), image.height()) == (1190, 765)
    assert image.save(str(SCREENSHOTS / name))


def test_screenshot_of_a_preview_of_fifty_articles(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, wire: Path
) -> None:
    """Saved for people to look at: screenshots/import-preview.png."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    _invented_sheet(folder / "harbour-archive.csv", 42)
    shutil.copy(wire, folder / "agency-wire.csv")
    shutil.copy(FIXTURES / "factiva_en.html", folder / "factiva_en.html")
    shutil.copy(FIXTURES / "factiva_en.html", folder / "factiva_en (1).html")  # downloaded twice
    (folder / "notes.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    dialog = open_dialog(window, qtbot, folder)
    read(dialog, qtbot)
    assert len(shown(dialog, HEADLINE)) == 51
    assert sum(1 for flag in shown(dialog, DUPLICATE) if flag) == 4
    _grab(dialog, qtbot, "import-preview.png")


def test_screenshot_of_the_refusal_report(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    """Saved for people to look at: screenshots/import-refused.png."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(FIXTURES / "nexis_uk_de.html", folder / "nexis_uk_de.html")
    shutil.copy(FIXTURES / "harbour_lines.jsonl", folder / "harbour_lines.jsonl")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"%PDF-garbage")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "media-cloud.csv").write_text(
        "stories_id,title,url\n1,Ferry,https://example.invalid\n", encoding="utf-8"
    )
    (folder / "no-text.csv").write_text("title,text\nOne,\nTwo,\n", encoding="utf-8")
    dialog = open_dialog(window, qtbot, folder)
    read(dialog, qtbot)
    lines = dialog.preview_page.problem_lines()
    assert sum(1 for line in lines if line.startswith("refused: ")) == 5
    _grab(dialog, qtbot, "import-refused.png")


def test_sorting_keeps_ticks_and_numbers_with_their_articles(
    window: MainWindow, qtbot: QtBot, wire: Path, qtmodeltester: ModelTester
) -> None:
    dialog = open_dialog(window, qtbot, FIXTURES / "factiva_en.html", wire)
    read(dialog, qtbot)
    page = dialog.preview_page
    page.view.setCurrentIndex(page.model.index(4, HEADLINE))  # Wire story reprinted
    # A click on the Words header: fewest first.
    page.view.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(page.model)
    assert shown(dialog, 3) == ["14", "87", "202", "203", "212", "1,204"]
    numbers = [page.model.headerData(r, Qt.Orientation.Vertical) for r in range(6)]
    assert numbers == ["6", "2", "4", "5", "1", "3"]  # each article keeps its number
    assert shown(dialog, DUPLICATE)[3] == (
        f"{page.model.duplicates[4].similarity:.2f} like 'Wire story' (row 4)"
    )
    # The current row followed its article.
    assert page.view.currentIndex().row() == 3
    assert ticks(dialog) == [True, True, True, False, True, True]
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(1, HEADLINE))  # the lighthouse story
    qtbot.keyClick(page.view, Qt.Key.Key_Space)
    assert page.model.ticked() == [0, 2, 3, 5]
    report = import_ticked(dialog, qtbot)
    assert sorted(i.name for i in report.imported) == [
        "Ferry crew walks off in Port Velmar",
        "Fish market moves to the old rope works",
        "Own story",
        "Wire story",
    ]


def test_what_storing_finds_beyond_the_preview_is_reported(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    project = window.controller.project
    project.documents.define_variable("pages", VariableType.NUMBER)
    sheet = tmp_path / "pages.csv"
    sheet.write_text("title,text,pages\nLong read,The ferry story at length.,twelve\n")
    dialog = open_dialog(window, qtbot, sheet)
    read(dialog, qtbot)
    assert dialog.preview_page.problem_lines() == []
    import_ticked(dialog, qtbot)
    [warning] = dialog.unforeseen
    assert warning.startswith("pages.csv#1: variable 'pages' left empty: ")
    [report] = window.findChildren(ImportReportDialog)
    assert report.isVisible()
    assert warning in report.text.toPlainText()
    assert window.statusBar().currentMessage() == "Imported 1 article from 1 file."
