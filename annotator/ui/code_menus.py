"""The coding window's menus of codes: the reader's right-click menu, the codebook's, and
the Code menu, each offering the codebook's codes (recently used first) for a passage or the
whole article. A mixin of :class:`~annotator.ui.main_window.MainWindow`, whose state it uses."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu

from annotator.ui.models.codebook import swatch


class CodeMenus:
    """Menus that apply codes; expects the window's controller, reader, codebook view and
    actions (``self`` is the MainWindow)."""

    controller: Any
    suggestions: Any

    def _code_action(self, menu: QMenu, code_id: int, *, whole_article: bool = False) -> None:
        codebook = self.controller.codebook
        code = codebook.get(code_id)
        label = codebook.path(code_id) + (f"\t{code.shortcut}" if code.shortcut else "")
        action = menu.addAction(swatch(code.color), label)
        action.triggered.connect(
            lambda *_: self._guarded(lambda: self.apply(code_id, whole_article=whole_article))
        )

    def _codes_submenu(self, menu: QMenu, title: str, *, whole_article: bool = False) -> QMenu:
        submenu = menu.addMenu(title)
        codebook = self.controller.codebook
        for dimension in codebook.dimensions():
            section = submenu.addMenu(swatch(dimension.color), dimension.name)
            for code in codebook.walk(dimension.id):
                self._code_action(section, code.id, whole_article=whole_article)
        return submenu

    def _fill_code_menu(self) -> None:
        menu = self.code_menu
        menu.clear()
        self._codes_submenu(menu, "Apply to &selected passage")
        self._codes_submenu(menu, "Apply to whole &article", whole_article=True)
        menu.addSeparator()
        menu.addAction(self.snap_action)

    def _reader_menu(self, point: QPoint) -> None:
        self.reader_menu(point).exec(self.reader.viewport().mapToGlobal(point))

    def reader_menu(self, point: QPoint) -> QMenu:
        """The reader's context menu at a viewport point: recent codes for the selection, and
        the codings under the pointer."""
        menu = QMenu(self)
        if self.reader.selected_span() is not None:
            recent = [c for c in self.controller.recent_codes if c in self.controller.codebook]
            if recent:
                menu.addSection("Recently used codes")
                for code_id in recent:
                    self._code_action(menu, code_id)
            self._codes_submenu(menu, "All codes")
            menu.addSeparator()
        spans = self.reader.spans_at(point)
        own = [s for s in spans if s.coder_id == self.controller.coder.id]
        for span in own:
            label = self.reader.label(span)
            action = menu.addAction(f"Remove {label}")
            action.triggered.connect(
                lambda *_, i=span.coding_id: self._guarded(
                    lambda: self.controller.remove_codings([i])
                )
            )
        if spans:
            show = menu.addAction("Show these codings in the list")
            show.triggered.connect(lambda *_: self.codings.select([s.coding_id for s in spans]))
        self.suggestions.add_to_menu(menu, point)  # a machine's suggestions under the pointer
        menu.addSeparator()
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        return menu

    def _codebook_menu(self, point: QPoint) -> None:
        menu = self.codebook_menu(point)
        if not menu.isEmpty():
            menu.exec(self.codebook.viewport().mapToGlobal(point))

    def codebook_menu(self, point: QPoint) -> QMenu:
        """The codebook's context menu for the node at a viewport point."""
        code = self.codebook.codebook_model().code_at(self.codebook.indexAt(point))
        menu = QMenu(self)
        if code is not None and not code.is_dimension:
            selected = menu.addAction("Apply to selected passage")
            selected.triggered.connect(lambda *_: self._guarded(lambda: self.apply(code.id)))
            article = menu.addAction("Apply to whole article")
            article.triggered.connect(
                lambda *_: self._guarded(lambda: self.apply(code.id, whole_article=True))
            )
        if code is not None:
            show = menu.addAction("Show coded passages")
            show.triggered.connect(lambda *_: self.retrieve(code.id))
            memo = menu.addAction("Memo…")
            memo.triggered.connect(lambda *_: self.edit_code_memo(code.id))
            memo.setEnabled(self.memo_action.isEnabled())
        menu.addAction(self.codebook_action)
        return menu
