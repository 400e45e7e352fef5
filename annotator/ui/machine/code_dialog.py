"""Machine → Code articles with a machine…: choose the machine (a trained classifier or a
language model), the articles (the open one, those the article list shows, an article set,
those the machine has not coded, or all), replicates (a language model), and — when no
validation of the machine's current settings exists — whether to code unvalidated, which the
run records. A machine whose URL is not this computer says where the articles' text goes and
who consented to it.

The coding runs in a worker thread on a connection of its own, with a progress bar (articles
done / total) and Cancel: a cancelled run is recorded as such and resumes where it stopped
(Resume). When it ends, the window's status bar says what was coded and the
suggestions view reads the machine's codings again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.services.article_sets import article_sets
from annotator.services.changes import Changes
from annotator.services.machine import coding_job
from annotator.storage import Project
from annotator.storage.machine import Backend, RunRecord
from annotator.ui.controller import Controller
from annotator.ui.machine.jobs import MachineJob
from annotator.ui.workers import Background

TITLE = "Code articles with a machine"
#: How the remote line looks: it must not be missed.
REMOTE_STYLE = "QLabel { color: #a03000; font-weight: bold; }"


class CodeDialog(QDialog):
    """Codes articles with a machine in the background; see the module's docstring."""

    #: The runs as they ended (a list of :class:`RunRecord`), and the summary line.
    coded = Signal(object, str)

    def __init__(
        self,
        controller: Controller,
        shown_ids: Callable[[], list[int]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.controller = controller
        self.shown_ids = shown_ids
        self.background: Background[MachineJob] = Background(self)
        self.runs: list[RunRecord] = []
        self.summary_text = ""
        self.problem = ""  # why the machine chosen cannot code ('' when it can)

        self.machine = QComboBox()
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.remote = QLabel()
        self.remote.setWordWrap(True)
        self.remote.setTextFormat(Qt.TextFormat.PlainText)
        self.remote.setStyleSheet(REMOTE_STYLE)
        self.articles = QComboBox()
        self.replicates = QSpinBox()
        self.replicates.setRange(1, 100)
        self.replicates.setToolTip(
            "A language model codes each article this many times, as runs of their own: "
            "its agreement with itself (stability) is then measured"
        )
        self.unvalidated = QCheckBox("Code unvalidated (recorded in the run and every report)")
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m articles")
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.code_button = QPushButton("&Code")
        self.code_button.setDefault(True)
        self.code_button.clicked.connect(self.code)
        self.resume_button = QPushButton("&Resume")
        self.resume_button.setToolTip("Go on with the cancelled runs where they stopped")
        self.resume_button.clicked.connect(self.resume)
        self.resume_button.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)

        top = QFormLayout()
        top.addRow("Machine:", self.machine)
        self.about.setMinimumWidth(560)  # a wrapped line is given the height it needs
        form = QFormLayout()
        form.addRow("Articles:", self.articles)
        form.addRow("Replicates:", self.replicates)
        form.addRow("", self.unvalidated)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.resume_button, self.code_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.about)
        layout.addWidget(self.remote)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)

        self.machines: list[Backend] = project_machines(controller.project)
        for machine in self.machines:
            kind = (
                "classifier" if machine.kind == "classifier" else f"language model {machine.model}"
            )
            self.machine.addItem(f"{machine.name} ({kind})", machine.name)
        self.machine.currentIndexChanged.connect(lambda _: self._machine_changed())
        self._machine_changed()

    # -- choosing ----------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self.controller.project

    def chosen_machine(self) -> Backend | None:
        index = self.machine.currentIndex()
        return self.machines[index] if 0 <= index < len(self.machines) else None

    def choose_machine(self, name: str) -> None:
        self.machine.setCurrentIndex(self.machine.findData(name))

    def choose_articles(self, key: str) -> None:
        """Choose the articles by key: ``open``, ``shown``, ``set:NAME``, ``new`` or ``all``."""
        for index in range(self.articles.count()):
            if self.articles.itemData(index)[0] == key:
                self.articles.setCurrentIndex(index)
                return
        raise KeyError(key)

    def chosen_ids(self) -> list[int]:
        data = self.articles.currentData()
        return [] if data is None else list(data[1])

    def _machine_changed(self) -> None:
        machine = self.chosen_machine()
        self.resume_button.hide()
        if machine is None:
            self.problem = "no machine"
            self.about.setText(
                "This project has no machine: train a classifier (Machine → Train a "
                "machine…) or add a language model (annotator machine add)."
            )
            self.remote.hide()
            self._fill_articles(None)
            self._enable()
            return
        ready = coding_job.readiness(self.project, machine)
        if ready.problem:
            about = ready.problem
        elif ready.validated:
            about = f"Its current settings were {ready.validated}."
        else:
            about = (
                "No validation of its current settings exists: validate it against the human "
                "coders first (annotator machine validate), or code it unvalidated."
            )
        self.about.setText(about)
        self.problem = ready.problem
        self.unvalidated.setVisible(not ready.validated and not ready.problem)
        self.unvalidated.setChecked(False)
        self.remote.setText(ready.remote)
        self.remote.setVisible(bool(ready.remote))
        self.replicates.setEnabled(machine.kind == "llm")
        if machine.kind != "llm":
            self.replicates.setValue(1)
        self._fill_articles(machine)
        self._enable()

    def _fill_articles(self, machine: Backend | None) -> None:
        self.articles.clear()
        document = self.controller.document_id
        if document is not None:
            name = self.project.documents.get(document).name
            self.articles.addItem(f"The open article ({name})", ("open", [document]))
        shown = self.shown_ids()
        self.articles.addItem(f"The articles the list shows ({len(shown):,})", ("shown", shown))
        for item in article_sets(self.project):
            self.articles.addItem(
                f"Article set “{item.name}” ({item.count:,})", (f"set:{item.name}", item.ids)
            )
        if machine is not None:
            new = coding_job.not_coded_by(self.project, machine)
            self.articles.addItem(f"Not yet coded by {machine.name} ({len(new):,})", ("new", new))
        every = [d for d, _ in self.project.documents.names()]
        self.articles.addItem(f"All articles ({len(every):,})", ("all", every))

    def _enable(self) -> None:
        busy = self.background.busy
        ready = self.chosen_machine() is not None and not self.problem
        self.code_button.setEnabled(ready and not busy)
        for widget in (self.machine, self.articles, self.unvalidated):
            widget.setEnabled(not busy)
        machine = self.chosen_machine()
        self.replicates.setEnabled(not busy and machine is not None and machine.kind == "llm")
        self.resume_button.setEnabled(not busy)
        self.cancel_button.setText("Cancel" if busy else "Close")

    # -- coding ------------------------------------------------------------------------------

    def code(self) -> None:
        """Code the chosen articles with the chosen machine, in a worker thread."""
        machine = self.chosen_machine()
        if machine is None or self.background.busy:
            return
        ids = self.chosen_ids()
        replicates, unvalidated = self.replicates.value(), self.unvalidated.isChecked()

        def work(
            project: Project, progress: Callable[[int, int, str], None], cancel: threading.Event
        ) -> object:
            return coding_job.code(
                project,
                machine,
                ids,
                replicates=replicates,
                unvalidated=unvalidated,
                progress=progress,
                cancel=cancel,
            )

        self._run(work, f"Coding {len(ids):,} articles with {machine.name}")

    def resume(self) -> None:
        """Go on with the cancelled runs where they stopped."""
        machine = self.chosen_machine()
        cancelled = [run.guid for run in self.runs if run.status == "cancelled"]
        if machine is None or not cancelled or self.background.busy:
            return

        def work(
            project: Project, progress: Callable[[int, int, str], None], cancel: threading.Event
        ) -> object:
            runs: list[RunRecord] = []
            for guid in cancelled:
                runs += coding_job.code(
                    project, machine, [], resume=guid, progress=progress, cancel=cancel
                )
                if cancel.is_set():
                    break
            return runs

        self._run(work, f"Resuming {len(cancelled)} run(s) of {machine.name}")

    def _run(self, work: Any, what: str) -> None:
        self.status.setText(f"{what}…")
        self.progress.setRange(0, 0)
        self.progress.show()
        if self.height() < self.sizeHint().height():
            self.resize(self.width(), self.sizeHint().height())  # room for the bar
        self.resume_button.hide()
        job = MachineJob(self.project, work)
        self.background.start(
            job,
            (job.progressed, self._on_progress),
            (job.finished, self._on_finished),
            (job.failed, self._on_failed),
            threaded=job.threaded,
        )
        self._enable()

    def cancel(self) -> None:
        """Stop the coding under way: the run ends as cancelled (resumable)."""
        if self.background.worker is not None:
            self.background.worker.cancel()
            self.status.setText("Cancelling: the articles in flight are finished first…")

    @property
    def busy(self) -> bool:
        return self.background.busy

    def _on_progress(self, done: int, total: int, name: str) -> None:
        job = self.background.worker
        if job is None:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if not job.cancelled:
            self.status.setText(f"Coded {name}")

    def _stop(self, job: object) -> bool:
        """Let the thread go once its job ended; whether ``job`` is the one running."""
        if not self.background.end(job):
            return False
        self.progress.hide()
        self._enable()
        return True

    def _on_failed(self, job: object, message: str) -> None:
        if not self._stop(job):
            return
        self.status.setText(message)
        self.summary_text = ""
        self._refresh_window()  # a run stopped midway may have coded some articles

    def _on_finished(self, job: object, runs: object) -> None:
        if not self._stop(job):
            return
        assert isinstance(runs, list)
        machine = self.chosen_machine()
        name = machine.name if machine is not None else "machine"
        self.runs = runs
        self.summary_text = coding_job.summary(runs, name)
        self.status.setText(self.summary_text)
        self.resume_button.setVisible(any(run.status == "cancelled" for run in runs))
        self._refresh_window()
        self._machine_changed_keep_runs()
        self.coded.emit(runs, self.summary_text)

    def _machine_changed_keep_runs(self) -> None:
        """Read the articles not yet coded again (the runs just coded some)."""
        index = self.articles.currentIndex()
        self._fill_articles(self.chosen_machine())
        self.articles.setCurrentIndex(min(index, self.articles.count() - 1))

    def _refresh_window(self) -> None:
        """The window reads what the worker's connection wrote: the machine's codings and
        statuses (views count again), and the suggestions shown."""
        machine = self.chosen_machine()
        if machine is None:
            return
        statuses = frozenset(
            (document, coder)
            for (document, coder) in self.project.statuses.all()
            if coder == machine.coder_id
        )
        self.controller.notify(Changes(statuses=statuses, coders=True))
        window = self.parent()
        suggestions = getattr(window, "suggestions", None)
        if suggestions is not None:
            suggestions.reload()
        bar = getattr(window, "statusBar", None)
        if callable(bar) and self.summary_text:
            bar().showMessage(self.summary_text)

    # -- closing -----------------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel (or Esc, or closing) while coding cancels the run; otherwise it closes."""
        if self.busy:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if self.busy:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def project_machines(project: Project) -> list[Backend]:
    """The project's machines, by name."""
    return project.machine.backends()
