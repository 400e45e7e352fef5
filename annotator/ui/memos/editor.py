"""Editing one memo in place: the open article's memo (a pane) and a code's memo (a dialog).

There is no Save: the text is committed a moment after typing stops, when the editor loses
focus and when it closes, each time as an undoable step (steps on one memo merge into one).
Other coders' memos on the same article or code are shown above it, read only.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserError
from annotator.domain.model import Memo
from annotator.services import memos
from annotator.services.changes import Changes
from annotator.services.editing import ChangedSince
from annotator.services.memos import MemoChange
from annotator.ui.controller import Controller
from annotator.ui.memos.commands import hub, run_memo
from annotator.ui.quitting import tell

#: How long after the last key the memo is committed (milliseconds).
COMMIT_DELAY = 800


class MemoEditor(QWidget):
    """The current coder's memo on an article or a code (:meth:`set_target`), committed as it
    is typed; other coders' memos on it above, read only."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.document_id: int | None = None
        self.code_id: int | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.others = QLabel()
        self.others.setWordWrap(True)
        self.others.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.others.setTextFormat(Qt.TextFormat.RichText)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Write a memo (kept as you type; Ctrl+Z undoes it)")
        self.editor.installEventFilter(self)
        self.state = QLabel()
        self.state.setStyleSheet("color: palette(mid);")
        self.state.setWordWrap(True)
        # Text typed for a memo that could not be saved (its code or article gone, its coder
        # merged away) when the editor moved on: never written to another memo, kept here.
        self.kept_label = QLabel()
        self.kept_label.setWordWrap(True)
        self.kept = QPlainTextEdit()
        self.kept.setReadOnly(True)
        self.kept.setMaximumHeight(80)
        self.kept_label.hide()
        self.kept.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMMIT_DELAY)
        self._timer.timeout.connect(self.commit)
        self._loading = False
        self._committing = False
        self._saved = ""  # the text as the project holds it: nothing to write while unchanged
        # The memo as last loaded or written: a write is refused if the project holds it
        # otherwise by then (another window, a merge), so it never overwrites unseen text.
        self._loaded: Memo | None = None
        self._coder = controller.coder  # whose memo the editor shows (and commits to)
        self._error = ""  # why the last commit was refused ("" when it was not)
        self._named: dict[int, str] = {}  # code paths as last seen (the code may be deleted)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.others)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.state)
        layout.addWidget(self.kept_label)
        layout.addWidget(self.kept)
        self.editor.textChanged.connect(self._typed)
        hub(controller).changed.connect(self._memo_changed)
        controller.coderChanged.connect(self.reload)
        controller.visibilityChanged.connect(self.reload)
        controller.changed.connect(self._project_changed)

    # -- what it edits ---------------------------------------------------------------------------

    def set_target(self, *, document_id: int | None = None, code_id: int | None = None) -> None:
        """Edit the memo on this article or code (neither: nothing to edit). What was typed
        for the previous one is committed first; if it cannot be, it is kept aside (never
        written to the new one)."""
        if not self.commit():
            self._keep_unsaved()
        self.document_id, self.code_id = document_id, code_id
        self._heading_plain()  # remembers the code's path, should the code be deleted
        self.reload()

    def has_target(self) -> bool:
        return self.document_id is not None or self.code_id is not None

    def reload(self) -> None:
        """Show the memo as the project holds it; what was typed and not yet written is
        committed first (to the coder who typed it), never dropped."""
        if not self._loading and not self._committing and not self.commit():
            self._keep_unsaved()
        self._load()

    def _load(self) -> None:
        """Show the memo as the project holds it (whatever the editor holds is replaced)."""
        self._timer.stop()
        self._coder = self.controller.coder
        if not self.controller.project.memos.available:
            self.editor.setEnabled(False)
            self.heading.setText("This project's memos cannot be read (see the banner above).")
            self.others.hide()
            return
        target = self.has_target()
        self.editor.setEnabled(target and not self.controller.project.read_only)
        self.heading.setText(self._heading() if target else "Open an article to write its memo.")
        own = self._own() if target else None
        self._loading = True
        try:
            if self.editor.toPlainText() != (own.text if own else ""):
                self.editor.setPlainText(own.text if own else "")
        finally:
            self._loading = False
        self._saved = own.text if own else ""
        self._loaded = own
        self.state.setText(f"Saved {_when(own)}" if own else "")
        others = self._others() if target else []
        self.others.setVisible(bool(others))
        self.others.setText("<br>".join(_shown(self.controller, m) for m in others))

    def _heading(self) -> str:
        if self.code_id is not None:
            path = self.controller.codebook.path(self.code_id)
            return f"<b>Memo on the code {html.escape(path)}</b> (decisions, examples, doubts)"
        name = self.controller.project.documents.get(self.document_id or 0).name
        return f"<b>Memo on {html.escape(name)}</b>"

    def _own(self) -> Memo | None:
        return memos.own_memo(
            self.controller.project,
            self._coder.id,
            document_id=self.document_id,
            code_id=self.code_id,
        )

    def _others(self) -> list[Memo]:
        # Blind mode hides other coders' judgements, their memos on articles included.
        if self.code_id is None and not self.controller.show_all_coders:
            return []
        return memos.others_memos(
            self.controller.project,
            self._coder.id,
            document_id=self.document_id,
            code_id=self.code_id,
        )

    # -- committing ------------------------------------------------------------------------------

    def _typed(self) -> None:
        if not self._loading and self.has_target():
            self.state.setText("Editing…")
            self._timer.start()

    def commit(self) -> bool:
        """Write what is typed now (if it differs from what the project holds); False when it
        was refused (the reason in the state line, the text left in the editor)."""
        self._timer.stop()
        text = self.editor.toPlainText()
        if not self.has_target() or not self.editor.isEnabled() or text == self._saved:
            return True
        project, coder = self.controller.project, self._coder.id
        document_id, code_id = self.document_id, self.code_id
        what = "code memo" if code_id is not None else "article memo"
        loaded = self._loaded
        self._committing = True  # what is typed stays as typed (a reload would move the cursor)
        try:
            run_memo(
                self.controller,
                f"edit {what}",
                lambda: memos.write_memo(
                    project,
                    text,
                    coder,
                    document_id=document_id,
                    code_id=code_id,
                    expected=loaded,
                ),
                self._coder,
            )
        except ChangedSince as error:  # another window or a merge wrote it since it was loaded
            self._error = str(error)
            self._committing = False
            self._keep_unsaved()  # the typed text, aside, visible; the memo as it is now
            self._load()
            self.state.setText(f"Not saved: {error}")
            return True  # nothing is lost: the text is kept below the editor
        except UserError as error:  # the code or article has gone, the coder was merged away
            self._error = str(error)
            self.state.setText(f"Not saved: {error}")
            return False
        finally:
            self._committing = False
        self._error = ""
        own = self._own()
        self._loaded = own
        self._saved = text
        self.state.setText(f"Saved {_when(own)}" if own else "")
        return True

    def _keep_unsaved(self) -> None:
        """Move the text the project refused out of the editor into the box below it, saying
        why and for which memo; the editor is free for the next memo."""
        what = self._heading_plain()
        text = self.editor.toPlainText()
        before = self.kept.toPlainText()
        self.kept.setPlainText(f"{before}\n\n{text}" if before else text)
        self.kept_label.setText(
            f"Not saved — typed for {what} ({self._error}). It is kept below and written "
            "nowhere else: select it and copy it (Ctrl+A, Ctrl+C)."
        )
        self.kept_label.show()
        self.kept.show()
        self._saved = text  # nothing left to commit: the next commit must not write it elsewhere

    def _heading_plain(self) -> str:
        """What the memo is on, in words (the code's path as last seen if it has gone)."""
        if self.code_id is not None:
            if self.code_id in self.controller.codebook:
                self._named[self.code_id] = self.controller.codebook.path(self.code_id)
            return f"the code {self._named.get(self.code_id, '(deleted)')}"
        try:
            return (
                f"the article {self.controller.project.documents.get(self.document_id or 0).name}"
            )
        except UserError:
            return "an article no longer in the project"

    def unsaved(self) -> str:
        """Why typed text would be lost if the editor closed now ("" when nothing would be):
        what the project refused, in the editor or kept below it."""
        if self.commit() and not self.kept.toPlainText():
            return ""
        return self._error or "typed text could not be saved"

    def unsaved_texts(self) -> list[str]:
        """The typed text the project holds nowhere: what is kept below the editor, and what
        the editor holds if it differs from the memo as saved."""
        texts = [self.kept.toPlainText(), self.editor.toPlainText()]
        return [
            text
            for i, text in enumerate(texts)
            if text.strip() and (i == 0 or (self._error and text != self._saved))
        ]

    def finish(self) -> None:
        """Commit what is typed and edit nothing more (the window or dialog is closing; what
        could not be saved has been asked about by the caller, see :meth:`unsaved`)."""
        self.commit()
        self.document_id = self.code_id = None
        self._saved = self.editor.toPlainText()
        self.editor.setEnabled(False)
        self.kept.clear()
        self.kept.hide()
        self.kept_label.hide()

    def _memo_changed(self, change: MemoChange) -> None:
        if self._committing or self._timer.isActive():  # typing: it is committed soon
            return
        if (self.document_id is not None and change.document_id == self.document_id) or (
            self.code_id is not None and change.code_id == self.code_id
        ):
            self.reload()

    def _project_changed(self, changes: Changes) -> None:
        """A merge, an import or a restore in this window may have changed the memo: read it
        again, unless something typed is waiting to be written (its write then compares)."""
        typing = self._timer.isActive() or self.editor.toPlainText() != self._saved
        if (changes.memos or changes.coders) and self.has_target() and not typing:
            self._load()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.commit()
        return super().eventFilter(watched, event)


class ArticleMemoPane(MemoEditor):
    """The memo on the open article, following the article the window shows."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        controller.documentOpened.connect(
            lambda document_id: self.set_target(document_id=document_id)
        )
        self.set_target(document_id=controller.document_id)


class CodeMemoDialog(QDialog):
    """A code's memo in a small window of its own (not modal: the codebook stays usable)."""

    def __init__(self, controller: Controller, code_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Code memo — {controller.codebook.get(code_id).name}")
        self.memo = MemoEditor(controller)
        self.memo.set_target(code_id=code_id)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.memo, 1)
        layout.addWidget(buttons)
        self.resize(520, 320)

    def show_code(self, code_id: int) -> None:
        self.memo.set_target(code_id=code_id)
        self.setWindowTitle(f"Code memo — {self.memo.controller.codebook.get(code_id).name}")

    def closeEvent(self, event: QCloseEvent) -> None:
        if not may_close(self, [self.memo]):
            event.ignore()
            return
        self.memo.finish()
        super().closeEvent(event)

    def reject(self) -> None:  # Escape closes too, and commits first
        if may_close(self, [self.memo]):
            self.memo.finish()
            super().reject()


def may_close(
    parent: QWidget, editors: list[MemoEditor], refused: str = "", *, ask: bool = True
) -> bool:
    """Whether closing may go on: when an editor holds text the project refused (or
    ``refused`` names another refusal), the user is asked first; it stays open on Cancel.
    ``ask=False`` (the application quits on a signal or at the end of the desktop session):
    nobody is asked, and what could not be saved is written to standard error instead of
    vanishing without a word."""
    reasons = [r for r in (e.unsaved() for e in editors) if r] + ([refused] if refused else [])
    if not reasons:
        return True
    if not ask:
        for reason in reasons:
            tell(f"annotator: closing with memo text not saved: {reason}")
        for editor in editors:
            for text in editor.unsaved_texts():
                tell(f"annotator: the text not saved: {text}")
        return True
    answer = QMessageBox.warning(
        parent,
        "Memo not saved",
        f"Typed memo text could not be saved: {reasons[0]}.\n"
        "Close and lose it? (Cancel keeps the window open so you can copy it.)",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer != QMessageBox.StandardButton.Cancel


def _when(memo: Memo | None) -> str:
    return "" if memo is None else memo.updated_at.replace("T", " ").removesuffix("Z") + " UTC"


def _shown(controller: Controller, memo: Memo) -> str:
    coders = {c.id: c.name for c in controller.project.coders.all()}
    who = coders.get(memo.coder_id, "imported") if memo.coder_id is not None else "imported"
    text = html.escape(memo.text).replace("\n", "<br>")
    return f"<i>{html.escape(who)}, {_when(memo)}:</i> {text}"
