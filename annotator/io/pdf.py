"""PDF files: the text layer, page by page, and the document information (title, author, and
the file's own dates, which are not publication dates)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.io.articles import Metadata, file_date


def read_pdf(data: bytes, path: Path) -> tuple[str, Metadata]:
    """The text of every page, pages separated by a blank line. Scanned PDFs are refused."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs every oddity it works around; our refusal below is what the user needs.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadFileError(path, "is a password-protected PDF; remove the password first")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata
    except BadFileError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise BadFileError(path, "is not a readable PDF (damaged or not a PDF)") from None
    except Exception as error:  # pypdf raises many more types on damaged files (AssertionError…)
        raise BadFileError(
            path, f"is not a readable PDF (damaged or not a PDF: {type(error).__name__})"
        ) from None
    text = "\n\n".join(page for page in pages if page)
    if not text.strip():
        raise BadFileError(path, "has no text layer (a scanned PDF?); run OCR on it first")
    values: dict[str, str] = {}
    types: dict[str, VariableType] = {}
    if info is not None:
        if info.title and str(info.title).strip():
            values["title"], types["title"] = str(info.title).strip(), VariableType.TEXT
        if info.author and str(info.author).strip():
            values["author"], types["author"] = str(info.author).strip(), VariableType.TEXT
        # When the PDF was made or changed (printed to PDF today gives today), not when the
        # article was published: these never fill ``date``.
        for variable, attribute in (
            ("file_created", "creation_date"),
            ("file_modified", "modification_date"),
        ):
            try:
                stamp = getattr(info, attribute)
            except (ValueError, TypeError):  # a malformed date string
                stamp = None
            day = file_date(stamp)
            if day is not None:
                values[variable], types[variable] = day, VariableType.DATE
    return text, Metadata(values, types)
