"""The import dialog's first page: the files and folders to read, a variables CSV, and the
encoding of legacy plain text with a live preview of a file as it would be imported."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import BadFileError
from annotator.io.articles import READERS, collect_files, preview_text
from annotator.io.encoding import CHOOSABLE
from annotator.io.encoding import label as encoding_label

# Characters of a file the preview shows.
PREVIEW_CHARACTERS = 4_000
# Files of a chosen folder looked at to find one worth previewing.
PREVIEW_SEARCH = 200
DETECT = "Detect (refuse a file when unsure)"
FILE_FILTER = (
    "Articles, exports and sheets (*.txt *.md *.markdown *.html *.htm *.docx *.pdf *.rtf "
    "*.csv *.tsv *.xlsx *.jsonl *.ndjson *.eml);;All files (*)"
)
WHAT = (
    "Articles (.txt, .md, .html, .docx, .pdf), news-database exports (Factiva, Nexis, "
    "LexisNexis, ProQuest including its e-mails (.eml), Europresse: recognised by their "
    "content) and article sheets (.csv, .tsv, .xlsx, JSON Lines), or folders of them (read "
    "with their subfolders):"
)


class ChoosePage(QWidget):
    """What to import and how plain text is decoded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = QListWidget()
        self.variables = QLineEdit()
        self.variables.setPlaceholderText(
            "optional: CSV with a 'file' column and one column per variable"
        )
        add_files = QPushButton("Add &files…")
        add_folder = QPushButton("Add f&older…")
        remove = QPushButton("&Remove")
        browse = QPushButton("&Browse…")
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        remove.clicked.connect(
            lambda: [self.paths.takeItem(self.paths.row(i)) for i in self.paths.selectedItems()]
        )
        browse.clicked.connect(self._choose_variables)
        row = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            row.addWidget(button)
        row.addStretch()
        variables_row = QHBoxLayout()
        variables_row.addWidget(self.variables, 1)
        variables_row.addWidget(browse)
        self.encoding = QComboBox()
        self.encoding.addItem(DETECT, None)
        for legacy in sorted(CHOOSABLE, key=lambda legacy: legacy.label):
            self.encoding.addItem(legacy.label, legacy.codec)
        self.encoding.setToolTip(
            "Plain-text files with a byte-order mark or in UTF-8 are always read as such; "
            "this is the encoding of the others."
        )
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMaximumBlockCount(200)
        self.encoding.currentIndexChanged.connect(self.update_preview)
        self.paths.currentRowChanged.connect(self.update_preview)
        encoding_row = QHBoxLayout()
        encoding_label_widget = QLabel("&Encoding of plain text that is not UTF-8:")
        encoding_label_widget.setBuddy(self.encoding)
        encoding_row.addWidget(encoding_label_widget)
        encoding_row.addWidget(self.encoding, 1)
        what = QLabel(WHAT)
        what.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(what)
        layout.addWidget(self.paths, 1)  # the preview below gets twice its height
        layout.addLayout(row)
        layout.addWidget(QLabel("Document variables:"))
        layout.addLayout(variables_row)
        layout.addLayout(encoding_row)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview, 2)
        self.update_preview()

    def chosen_paths(self) -> list[Path]:
        return [Path(self.paths.item(i).text()) for i in range(self.paths.count())]

    def add_paths(self, paths: list[Path]) -> None:
        present = {self.paths.item(i).text() for i in range(self.paths.count())}
        for path in paths:
            if str(path) not in present:
                self.paths.addItem(str(path))
        if self.paths.currentRow() < 0 and self.paths.count():
            self.paths.setCurrentRow(0)  # previews it
        else:
            self.update_preview()

    def chosen_encoding(self) -> str | None:
        """The codec chosen for legacy plain text, or None to detect it."""
        data = self.encoding.currentData()
        return data if isinstance(data, str) else None

    def choose_encoding(self, codec: str | None) -> None:
        """Select ``codec`` (a Python codec name from the list) or detection (None)."""
        self.encoding.setCurrentIndex(max(0, self.encoding.findData(codec)))

    def update_preview(self) -> None:
        """Show the chosen entry's plain text (a folder: its first file that is not UTF-8) as
        it would be imported with the chosen encoding, or why it would be refused."""
        item = self.paths.currentItem() or (self.paths.item(0) if self.paths.count() else None)
        file = _file_to_preview(Path(item.text())) if item is not None else None
        if file is None:
            self.preview_label.setText(
                "Preview: choose a plain-text file (.txt, .md) or a folder holding one."
            )
            self.preview.setPlainText("")
            return
        try:
            text, used = preview_text(file, self.chosen_encoding())
        except BadFileError as error:
            self.preview_label.setText(f"<b>Would be refused:</b> {_escape(str(error))}")
            self.preview.setPlainText("")
            return
        self.preview_label.setText(
            f"Preview of {_escape(file.name)}, read as <b>{_escape(encoding_label(used))}</b>:"
        )
        self.preview.setPlainText(text[:PREVIEW_CHARACTERS])

    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Articles", "", FILE_FILTER)
        self.add_paths([Path(f) for f in files])

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of articles")
        if folder:
            self.add_paths([Path(folder)])

    def _choose_variables(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, "Variables", "", "CSV (*.csv)")
        if file:
            self.variables.setText(file)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _file_to_preview(path: Path) -> Path | None:
    """``path`` if it is plain text; for a folder, its first plain-text file that is neither
    UTF-8 nor marked by a byte-order mark (the ones an encoding is chosen for), else its first
    plain-text file."""
    if not path.is_dir():
        return path if _is_plain(path) else None
    files, _ = collect_files([path])
    plain = [f.path for f in files if _is_plain(f.path)][:PREVIEW_SEARCH]
    for file in plain:
        try:
            with file.open("rb") as handle:
                head = handle.read(64 * 1024)
        except OSError:
            continue
        if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not merely a character cut at the end
                return file
    return plain[0] if plain else None


def _is_plain(path: Path) -> bool:
    reader = READERS.get(path.suffix.lower())
    return reader is not None and reader is READERS[".txt"]
