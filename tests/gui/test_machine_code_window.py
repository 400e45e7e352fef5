"""Machine → Code articles with a machine… and Train a machine… (issue 18, point 3): a trained
classifier codes a synthetic project from the window end to end (refused without a validation
until "unvalidated" is ticked), a language model through the loopback test server with
replicates, a cancel midway leaving a cancelled run that Resume finishes, the line saying
where a remote machine sends the text, the suggestions view and status bar after a run,
training with its α table, and read-only mode turning both off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from annotator.services.machine import add_machine, classifier
from annotator.services.machine import suggestions as sg
from annotator.services.machine.classifier import train
from annotator.storage import Project
from annotator.ui.machine.code_dialog import CodeDialog
from annotator.ui.machine.train_dialog import TrainDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import open_window
from tests.gui.test_views import SCREENSHOTS
from tests.machine.llm_server import LLMServer, answer
from tests.services.machine_project import MachineProject

WAIT = 60_000


@pytest.fixture
def synthetic(tmp_path: Path) -> Iterator[MachineProject]:
    pytest.importorskip("sklearn")
    made = MachineProject(tmp_path / "m.annotator", 60)
    made.code("Ana", range(1, 41), miss=0.05, seed=1)
    yield made
    made.project.close()


def _coded(dialog: CodeDialog, qtbot: QtBot) -> None:
    with qtbot.waitSignal(dialog.coded, timeout=WAIT):
        dialog.code_button.click()


def _machine_codings(project: Project, name: str) -> int:
    coder = project.coders.by_name(name)
    assert coder is not None
    return len(project.codings.for_coder(coder.id))


def test_a_classifier_codes_the_articles_it_has_not_coded(
    qtbot: QtBot, synthetic: MachineProject
) -> None:
    project = synthetic.project
    train(project, "Classifier", "Ana")
    window = open_window(qtbot, project)
    dialog = window.machine_menu.show_code_dialog()
    qtbot.addWidget(dialog)
    assert dialog.chosen_machine().name == "Classifier"
    assert not dialog.remote.isVisibleTo(dialog)  # it runs here
    assert not dialog.replicates.isEnabled()
    dialog.choose_articles("new")
    assert len(dialog.chosen_ids()) == 60
    # No validation of its settings: refused in one line until "unvalidated" is ticked.
    assert dialog.unvalidated.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.code_button.clicked):
        dialog.code_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    assert "has no validation of its current settings" in dialog.status.text()
    assert _machine_codings(project, "Classifier") == 0
    # The suggestions view shows the machine's codings of the open article once coded.
    window.suggestions.choose(window.suggestions.choices()[0])
    assert window.suggestions.items == []
    seen: list[tuple[int, int]] = []
    dialog.unvalidated.setChecked(True)
    dialog.progress.valueChanged.connect(lambda v: seen.append((v, dialog.progress.maximum())))
    _coded(dialog, qtbot)
    (run,) = dialog.runs
    assert (run.status, run.unvalidated, run.counts["articles_done"]) == ("done", True, 60)
    assert seen
    assert seen[-1] == (60, 60)
    assert _machine_codings(project, "Classifier") == run.counts["codings"] > 0
    assert window.statusBar().currentMessage() == dialog.summary_text
    assert dialog.summary_text.startswith("Classifier: 60 of 60 articles coded")
    assert "UNVALIDATED" in dialog.summary_text
    controller = window.controller
    expected = sg.suggestions(
        project, controller.document_id, controller.coder.id, window.suggestions.source
    )
    assert expected
    assert window.suggestions.items == expected
    # Coded now: nothing is left "not yet coded".
    dialog.choose_articles("new")
    assert dialog.chosen_ids() == []


def test_a_cancelled_classifier_run_is_resumed_from_the_window(
    qtbot: QtBot, synthetic: MachineProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(classifier, "COMMIT", 10)
    project = synthetic.project
    train(project, "Classifier", "Ana")
    window = open_window(qtbot, project)
    dialog = window.machine_menu.show_code_dialog()
    qtbot.addWidget(dialog)
    dialog.choose_articles("all")
    dialog.unvalidated.setChecked(True)
    written: list[int] = []
    write = classifier._write

    def write_then_cancel(*args: Any) -> None:  # Cancel pressed once 10 articles are in
        write(*args)
        written.append(1)
        if len(written) == 10:
            job = dialog.background.worker
            assert job is not None
            job.cancel()

    monkeypatch.setattr(classifier, "_write", write_then_cancel)
    _coded(dialog, qtbot)
    (run,) = dialog.runs
    assert (run.status, run.counts["articles_done"]) == ("cancelled", 10)
    assert "a cancelled run resumes where it stopped" in dialog.summary_text
    assert dialog.resume_button.isVisible()
    with qtbot.waitSignal(dialog.coded, timeout=WAIT):
        dialog.resume_button.click()
    (resumed,) = dialog.runs
    assert (resumed.guid, resumed.status, resumed.counts["articles_done"]) == (run.guid, "done", 60)
    assert len(written) == 60  # each article coded once
    assert not dialog.resume_button.isVisible()


def test_training_from_the_window_shows_the_cross_validated_alpha(
    qtbot: QtBot, synthetic: MachineProject
) -> None:
    window = open_window(qtbot, synthetic.project)
    dialog = window.machine_menu.show_train_dialog()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, TrainDialog)
    dialog.name.setEditText("Clf")
    dialog.coder.setCurrentText("Ana")
    dialog.train_button.click()
    qtbot.waitUntil(lambda: dialog.trained is not None, timeout=WAIT)
    assert dialog.trained is not None
    scores = dialog.trained.report.scores
    assert dialog.table.rowCount() == len(scores)
    learned = [s for s in scores if not s.skipped]
    assert learned
    row = scores.index(learned[0])
    assert dialog.table.item(row, 0).text() == learned[0].path
    assert dialog.table.item(row, 2).text() == f"{learned[0].alpha:.3f}"
    assert synthetic.project.machine.backends()[0].name == "Clf"


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as running:
        yield running


def _llm_window(qtbot: QtBot, project: Project, url: str) -> tuple[MainWindow, CodeDialog]:
    add_machine(
        project,
        "Llama",
        "llm",
        url=url,
        model="llama3.1:8b",
        settings={"backoff": 0.01, "concurrency": 1},
    )
    window = open_window(qtbot, project)
    dialog = window.machine_menu.show_code_dialog()
    qtbot.addWidget(dialog)
    dialog.choose_machine("Llama")
    dialog.unvalidated.setChecked(True)
    return window, dialog


def test_a_language_model_codes_with_replicates(
    qtbot: QtBot, demo_project: Project, server: LLMServer
) -> None:
    server.script("", answer([], ["Motive > Political"]), first=True)  # every article
    window, dialog = _llm_window(qtbot, demo_project, server.url)
    assert dialog.replicates.isEnabled()
    assert not dialog.remote.isVisibleTo(dialog)  # loopback: nothing leaves this computer
    dialog.choose_articles("all")
    ids = dialog.chosen_ids()
    dialog.replicates.setValue(2)
    _coded(dialog, qtbot)
    assert [(r.replicate, r.status) for r in dialog.runs] == [(1, "done"), (2, "done")]
    assert all(r.counts["articles_done"] == len(ids) for r in dialog.runs)
    assert len({r.replicate_group for r in dialog.runs}) == 1
    assert len(server.requests) == 2 * len(ids)
    assert [r.counts["codings"] for r in dialog.runs] == [len(ids), len(ids)]
    assert _machine_codings(demo_project, "Llama") == len(ids)
    assert _machine_codings(demo_project, "Llama (replicate 2)") == len(ids)
    assert window.statusBar().currentMessage().startswith(f"Llama: {2 * len(ids)} of")


def test_cancel_midway_leaves_a_cancelled_run_that_resume_finishes(
    qtbot: QtBot, demo_project: Project, server: LLMServer, tmp_path: Path
) -> None:
    slow = answer([], [], delay=0.15)
    server.script("", slow, first=True)
    _window, dialog = _llm_window(qtbot, demo_project, server.url)
    dialog.choose_articles("all")
    total = len(dialog.chosen_ids())
    assert total >= 6
    with qtbot.waitSignal(dialog.coded, timeout=WAIT):
        dialog.code_button.click()
        qtbot.waitUntil(lambda: dialog.progress.value() >= 2, timeout=WAIT)
        assert dialog.cancel_button.text() == "Cancel"
        SCREENSHOTS.mkdir(exist_ok=True)
        assert dialog.grab().save(str(SCREENSHOTS / "machine_code_running.png"))
        dialog.cancel_button.click()  # cancels, the dialog stays
        assert dialog.isVisible()
    (run,) = dialog.runs
    assert run.status == "cancelled"
    assert 2 <= run.counts["articles_done"] < total
    assert "a cancelled run resumes where it stopped" in dialog.summary_text
    stored = demo_project.machine.runs()
    assert [r.status for r in stored] == ["cancelled"]
    assert dialog.resume_button.isVisible()
    asked = len(server.requests)
    with qtbot.waitSignal(dialog.coded, timeout=WAIT):
        dialog.resume_button.click()
    (resumed,) = dialog.runs
    assert (resumed.guid, resumed.status) == (run.guid, "done")
    assert resumed.counts["articles_done"] == total
    # Resuming asked only for the articles the cancelled run had not finished.
    assert len(server.requests) - asked == total - run.counts["articles_done"]
    assert not dialog.resume_button.isVisible()


def test_a_remote_machine_says_where_the_text_goes(qtbot: QtBot, demo_project: Project) -> None:
    add_machine(
        demo_project,
        "Cloud",
        "llm",
        url="https://api.example.org/v1",
        model="big-model",
        api_key_env="EXAMPLE_KEY",
        allow_remote=True,
        consented_by="Ana Lee",
    )
    consent = demo_project.machine.backends()[0].remote_consent
    assert consent is not None
    window = open_window(qtbot, demo_project)
    dialog = window.machine_menu.show_code_dialog()
    qtbot.addWidget(dialog)
    assert dialog.remote.isVisibleTo(dialog)
    assert dialog.remote.text() == (
        "The articles' text will be sent to api.example.org, with the API key from "
        f"$EXAMPLE_KEY (consent recorded by Ana Lee on {consent['when'][:10]})"
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "machine_code_remote.png"))


def test_read_only_turns_the_machine_menu_off(
    qtbot: QtBot, demo_project: Project, tmp_path: Path
) -> None:
    assert demo_project.path is not None
    path = demo_project.path
    demo_project.close()
    with Project.open(path, read_only=True) as opened:
        window = open_window(qtbot, opened, "Ana")
        menu = window.machine_menu
        assert not menu.code_action.isEnabled()
        assert not menu.train_action.isEnabled()
        assert "Read-only" in menu.code_action.statusTip()
        window.close()
