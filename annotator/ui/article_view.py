"""The centre of the window: the article's heading line and the reader, kept in step with
the project through the controller."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.domain.model import DocumentStatus
from annotator.services.changes import Changes
from annotator.ui.coder_lanes import CoderLegend, LaneKey, stripe_lanes
from annotator.ui.controller import Controller
from annotator.ui.reader import Reader

STATUS_WORDS = {
    DocumentStatus.NOT_STARTED: "not started",
    DocumentStatus.IN_PROGRESS: "in progress",
    DocumentStatus.DONE: "done",
}


class ArticleView(QWidget):
    """Heading (name, variables, this coder's status) above the reader."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setContentsMargins(6, 4, 6, 4)
        self.reader = Reader(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        self.legend = CoderLegend(controller)  # whose stripes are whose, with all coders shown
        layout.addWidget(self.legend)
        layout.addWidget(self.reader, 1)
        controller.documentOpened.connect(self._show)
        controller.changed.connect(self._on_changed)
        controller.visibilityChanged.connect(self._refresh)
        controller.coderChanged.connect(self._refresh)
        self._show(controller.document_id)

    def _refresh(self) -> None:
        self._update_heading()
        self.load_spans()

    def _show(self, document_id: int | None) -> None:
        text = self.controller.text
        # The stripes' margin first, so the text is laid out once, at its final width.
        self.reader.set_lane_count(len(self._lanes()))
        self.reader.show_article(document_id, text)
        self._update_heading()
        self.load_spans()

    def _update_heading(self) -> None:
        document_id = self.controller.document_id
        if document_id is None:
            self.heading.setText("<i>Choose an article from the list on the left.</i>")
            return
        project = self.controller.project
        document = project.documents.get(document_id)
        values = project.documents.values(document_id)
        status = project.statuses.get(document_id, self.controller.coder.id)
        details = " · ".join(_escape(v) for v in values.values())
        codebook = self.controller.codebook
        visible = self.controller.visible_coder_ids()
        # The summary says whether there are any, so most articles need no query here.
        whole_article = self.controller.summary.whole_article
        codings = project.codings.article_level(document_id, visible) if whole_article else []
        whole = sorted({codebook.get(c.code_id).name for c in codings})
        self.heading.setText(
            f"<b>{_escape(document.name)}</b>"
            + (f" &nbsp;<span style='color:#555'>{details}</span>" if details else "")
            + f" &nbsp;<span style='color:#555'>— {STATUS_WORDS[status]}</span>"
            + (
                "<br><span style='color:#333'>Whole article: "
                + ", ".join(_escape(name) for name in whole)
                + "</span>"
                if whole
                else ""
            )
        )

    def load_spans(self) -> None:
        """Show the highlights of every coding the coder may see in this article."""
        controller = self.controller
        document_id = controller.document_id
        if document_id is None:
            self.reader.set_source(None, 0, {}, {}, {}, [])
            return
        codebook = controller.codebook
        self.reader.set_source(
            self._spans,
            controller.summary.spans,
            {code.id: code.color for code in codebook.codes()},
            {code.id: codebook.path(code.id) for code in codebook.codes()},
            {coder.id: coder.name for coder in controller.project.coders.all()},
            self._lanes(),
        )

    def _spans(self, start: int, end: int) -> list[tuple[int, int, int, int, int]]:
        controller = self.controller
        if controller.document_id is None:
            return []
        return controller.project.codings.spans_between(
            controller.document_id,
            controller.visible_coder_ids(),
            start,
            end,
            controller.summary.longest,
        )

    def _lanes(self) -> list[LaneKey]:
        """A stripe lane per code used in this article (per coder, with all coders shown)."""
        return stripe_lanes(self.controller)

    def _on_changed(self, changes: Changes) -> None:
        document_id = self.controller.document_id
        if document_id is None:
            return
        if changes.codebook or changes.coders:
            self._refresh()
            return
        if (document_id, self.controller.coder.id) in changes.statuses or (
            document_id in changes.documents
        ):
            self._update_heading()
        if document_id in changes.documents:
            self.reader.refresh(self.controller.summary.spans, self._lanes())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
