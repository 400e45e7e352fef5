"""What an import did, in the status bar (one line) and, where storing found something the
preview could not show, in a dialog: articles imported, duplicates, files refused and why."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from annotator.io.encoding import label as encoding_label
from annotator.services.imports import ImportReport, ReadBatch


class ImportReportDialog(QDialog):
    """What an import did: articles imported, duplicates skipped, files refused and why."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.resize(640, 420)
        self.text = QTextBrowser()
        self.text.setHtml(report_html(report))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def report_html(report: ImportReport) -> str:
    def items(lines: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{_escape(line)}</li>" for line in lines) + "</ul>"

    characters = sum(i.characters for i in report.imported)
    parts = [f"<p><b>Imported {len(report.imported)} articles</b> ({characters:,} characters).</p>"]
    if report.refused:
        parts.append(f"<p><b>Refused {len(report.refused)} files:</b></p>")
        parts.append(items([str(r) for r in report.refused]))
    if report.duplicates:
        parts.append(f"<p><b>Already in the project ({len(report.duplicates)}):</b></p>")
        parts.append(items([str(d) for d in report.duplicates]))
    if report.warnings:
        parts.append("<p><b>Warnings:</b></p>")
        parts.append(items(report.warnings))
    legacy = [i for i in report.imported if i.encoding not in (None, "utf-8", "utf-16", "utf-32")]
    if legacy:
        parts.append("<p>Read in a legacy encoding (check that the text reads right):</p>")
        parts.append(items([f"{i.source}: {encoding_label(i.encoding or '')}" for i in legacy]))
    if report.imported:
        parts.append("<p>Imported:</p>")
        parts.append(items([f"{i.name} ({i.source})" for i in report.imported]))
    return "".join(parts)


def status_message(report: ImportReport) -> str:
    """One line for the status bar: what was imported from how many files, and what not."""
    files = len({i.source.partition("#")[0] for i in report.imported})
    parts = [f"Imported {_count(len(report.imported), 'article')} from {_count(files, 'file')}"]
    if report.variables_set:
        parts.append(
            f"variables set for {_count(report.variables_set, 'article')} already in the project"
        )
    left_out = sum(1 for d in report.duplicates if not d.kept)
    if left_out:
        parts.append(f"{_count(left_out, 'duplicate')} not imported")
    if report.refused:
        parts.append(f"{_count(len(report.refused), 'file')} refused")
    return "; ".join(parts) + "."


def unforeseen(report: ImportReport, batch: ReadBatch, shown: list[str]) -> list[str]:
    """What storing found that the preview did not show (``shown``: its lines): files
    refused while they were stored, values that did not fit their variable."""
    read_refused = {(r.path, r.reason) for r in batch.refused}
    lines = [str(r) for r in report.refused if (r.path, r.reason) not in read_refused]
    seen = set(shown)
    lines.extend(w for w in report.warnings if w not in seen)
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
