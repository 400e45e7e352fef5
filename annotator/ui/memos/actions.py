"""The coding window's memo actions, as a mixin of MainWindow: Article → Memo (a pane under
the reader, Ctrl+M), a code's memo (codebook right-click → Memo…, and in the code's tooltip),
and File → Project log and memos (Ctrl+Shift+L)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QCloseEvent, QHelpEvent
from PySide6.QtWidgets import QDockWidget, QMenu, QToolTip

from annotator.services import memos
from annotator.ui.memos.editor import ArticleMemoPane, CodeMemoDialog, MemoEditor, may_close
from annotator.ui.memos.log import MemosDialog
from annotator.ui.quitting import tell

#: The article memo pane's height when it opens (pixels).
MEMO_HEIGHT = 150
#: How much of each memo a code's tooltip shows.
TOOLTIP_CHARACTERS = 300


class MemoActions:
    """Memo panes, dialogs and menu entries of the coding window; expects the window's
    controller, codebook view and actions (``self`` is the MainWindow)."""

    controller: Any
    codebook: Any
    copy_action: QAction
    _action: Any
    statusBar: Any
    addDockWidget: Any
    addAction: Any
    resizeDocks: Any
    retrieval: Any
    retrieval_dock: QDockWidget

    memo_dock: QDockWidget
    memo_pane: ArticleMemoPane
    memo_action: QAction
    memos_action: QAction
    memos_dialog: MemosDialog | None
    code_memo_dialog: CodeMemoDialog | None

    def _install_memos(self, article_menu: QMenu, project_menu: QMenu) -> None:
        """Make the memo pane and actions and put them in the Article and File menus."""
        self.memos_dialog = None
        self.code_memo_dialog = None
        self.memo_pane = ArticleMemoPane(self.controller)
        self.memo_dock = QDockWidget("Article memo", self)
        self.memo_dock.setObjectName("article_memo")
        self.memo_dock.setWidget(self.memo_pane)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.memo_dock)
        self.memo_dock.hide()
        self.memo_action = self.memo_dock.toggleViewAction()
        self.memo_action.setText("Article &memo")
        self.memo_action.setShortcut("Ctrl+M")
        self.memo_action.setStatusTip(
            "Your memo on this article ('an op-ed, not news'), kept as you type"
        )
        self.memo_action.toggled.connect(self._memo_pane_toggled)
        self.addAction(self.memo_action)
        article_menu.addAction(self.memo_action)
        self.memos_action = self._action(
            "Project &log and memos…",
            self.show_memos,
            "Ctrl+Shift+L",
            tip="The project's log, and a search over every memo",
        )
        project_menu.insertAction(self.copy_action, self.memos_action)
        self.codebook.viewport().installEventFilter(self)
        self.controller.documentOpened.connect(self._hint_memo)
        if not self.controller.project.memos.available:  # damaged: the window does without
            for action in (self.memo_action, self.memos_action):
                action.setEnabled(False)
                action.setStatusTip("This project's memos cannot be read")

    def _memo_pane_toggled(self, shown: bool) -> None:
        if shown:
            # A few lines under the reader, not half the window (the article stays readable).
            self.resizeDocks([self.memo_dock], [MEMO_HEIGHT], Qt.Orientation.Vertical)
            self.memo_pane.editor.setFocus()
        else:
            self.memo_pane.commit()

    def _hint_memo(self, document_id: int | None) -> None:
        if not self.memo_action.isEnabled():
            return
        if document_id is not None and not self.memo_dock.isVisible():
            mine = memos.own_memo(
                self.controller.project, self.controller.coder.id, document_id=document_id
            )
            if mine is not None:
                self.statusBar().showMessage("This article has your memo (Ctrl+M shows it)", 5000)

    def show_memos(self) -> MemosDialog:
        """Open (or bring up) the project's log and the memo search."""
        if self.memos_dialog is None:
            self.memos_dialog = MemosDialog(self.controller, self)
            self.memos_dialog.articleRequested.connect(self.controller.open_document)
            self.memos_dialog.passagesRequested.connect(self.show_memo_passages)
        self.memos_dialog.show()
        self.memos_dialog.raise_()
        return self.memos_dialog

    def show_memo_passages(self, text: str) -> None:
        """The coded-passages view keeping passages whose coding, article or code memo holds
        ``text`` ("": no memo filter); every top-level code is chosen if none was."""
        panel = self.retrieval
        if text and not panel.codes.checked():
            panel.codes.set_checked([c.id for c in self.controller.codebook.children(None)])
        panel.set_memo_filter(text)
        title = "Coded passages"
        self.retrieval_dock.setWindowTitle(f"{title} — memo contains “{text}”" if text else title)
        self.retrieval_dock.show()

    def edit_code_memo(self, code_id: int) -> CodeMemoDialog:
        """Open the memo of a code (one window, following the last code asked for)."""
        if self.code_memo_dialog is None:
            self.code_memo_dialog = CodeMemoDialog(self.controller, code_id, self)
        else:
            self.code_memo_dialog.show_code(code_id)
        self.code_memo_dialog.show()
        self.code_memo_dialog.raise_()
        return self.code_memo_dialog

    def code_tooltip(self, index: QModelIndex) -> str:
        """The codebook's tooltip for a code, followed by the memos on it."""
        model = self.codebook.codebook_model()
        code = model.code_at(index)
        if code is None:
            return ""
        tip = str(model.data(index.siblingAtColumn(0), Qt.ItemDataRole.ToolTipRole) or "")
        if not self.memo_action.isEnabled():
            return tip
        coders = {c.id: c.name for c in self.controller.project.coders.all()}
        for memo in self.controller.project.memos.for_code(code.id):
            who = coders.get(memo.coder_id, "imported") if memo.coder_id is not None else "imported"
            text = (
                memo.text
                if len(memo.text) <= TOOLTIP_CHARACTERS
                else memo.text[:TOOLTIP_CHARACTERS] + "…"
            )
            tip += f"\n\nMemo ({who}): {text}"
        return tip

    def memos_may_close(self, *, ask: bool = True) -> bool:
        """Write what is typed in the memo windows before the window closes; False (keep the
        window open) if the project refuses some of it (a coder merged away, a code deleted)
        and the user chooses to keep it. Called first thing when the window closes.
        ``ask=False``: the application quits without asking (see :func:`may_close`)."""
        editors: list[MemoEditor] = [self.memo_pane]
        if self.code_memo_dialog is not None:
            editors.append(self.code_memo_dialog.memo)
        refused = self.memos_dialog.finish() if self.memos_dialog is not None else ""
        if refused and not ask and self.memos_dialog is not None:
            tell(f"annotator: the log entry not added: {self.memos_dialog.entry.toPlainText()}")
        if not may_close(self, editors, refused, ask=ask):  # type: ignore[arg-type]
            return False
        for editor in editors:
            editor.finish()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        # What was typed a moment ago is kept even if the window closes before the pause.
        self.memo_pane.finish()
        if self.code_memo_dialog is not None:
            self.code_memo_dialog.memo.finish()
        super().closeEvent(event)  # type: ignore[misc]

    def eventFilter(self, watched: QObject, event: Any) -> bool:
        if (
            event.type() == QEvent.Type.ToolTip
            and isinstance(event, QHelpEvent)
            and watched is self.codebook.viewport()
        ):
            index = self.codebook.indexAt(event.pos())
            if index.isValid() and index.column() == 0:
                QToolTip.showText(event.globalPos(), self.code_tooltip(index), self.codebook)
                return True
        return bool(super().eventFilter(watched, event))  # type: ignore[misc]
