"""The centre of the window: the article's heading line and the reader, kept in step with
the project through the controller."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.domain.errors import NotFoundError
from annotator.domain.model import DocumentStatus
from annotator.services.changes import Changes
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
        text = "" if document_id is None else self.controller.project.documents.text(document_id)
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
        visible = self.controller.visible_coder_ids()
        codebook = self.controller.codebook
        whole = sorted(
            {
                codebook.get(c.code_id).name
                for c in project.codings.for_document(document_id)
                if c.start is None and (visible is None or c.coder_id in visible)
            }
        )
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
        document_id = self.controller.document_id
        if document_id is None:
            self.reader.set_spans([], {}, {}, {}, [])
            return
        controller = self.controller
        spans = controller.project.codings.spans(document_id, controller.visible_coder_ids())
        codebook = controller.codebook
        used = {span[3] for span in spans}
        lanes = [code.id for code in codebook.codes() if code.id in used]
        self.reader.set_spans(
            spans,
            {code.id: code.color for code in codebook.codes()},
            {code.id: codebook.path(code.id) for code in codebook.codes()},
            {coder.id: coder.name for coder in controller.project.coders.all()},
            lanes,
        )

    def _on_changed(self, changes: Changes) -> None:
        document_id = self.controller.document_id
        if document_id is None:
            return
        if changes.codebook or changes.coders:
            self.load_spans()
            return
        if (document_id, self.controller.coder.id) in changes.statuses or (
            document_id in changes.documents
        ):
            self._update_heading()
        if document_id not in changes.documents:
            return
        visible = self.controller.visible_coder_ids()
        codebook = self.controller.codebook
        for coding_id in changes.codings:
            self.reader.remove_span(coding_id)
            try:
                coding = self.controller.project.codings.get(coding_id)
            except NotFoundError:
                continue
            if coding.document_id != document_id or coding.start is None or coding.end is None:
                continue
            if visible is None or coding.coder_id in visible:
                code = codebook.get(coding.code_id)
                span = (coding.start, coding.end, coding.id, coding.code_id, coding.coder_id)
                self.reader.add_span(span, code.color)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
