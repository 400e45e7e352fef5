"""The Nexis formats: Nexis Uni / Lexis Advance Word files (one, many, or a ZIP of them), Nexis
UK / Nexis Advance HTML pages and Nexis RTF downloads, each recognised by its content.

The layouts are parsed in :mod:`~annotator.io.news.nexis_uni` (documents closed by "End of
Document") and :mod:`~annotator.io.news.nexis_classic` (documents opened by "3 of 49
DOCUMENTS"); the modules per file kind turn the file into their paragraphs.
"""

from __future__ import annotations

from annotator.io.news import Reader, nexis_docx, nexis_html, nexis_rtf

NEXIS_DOCX = Reader(
    "Nexis Uni / Lexis Advance DOCX", nexis_docx.recognises_docx, nexis_docx.read_docx
)
NEXIS_ZIP = Reader("Nexis Uni DOCX files in a ZIP", nexis_docx.recognises_zip, nexis_docx.read_zip)
NEXIS_HTML = Reader("Nexis UK HTML", nexis_html.recognises, nexis_html.read)
NEXIS_RTF = Reader("Nexis RTF", nexis_rtf.recognises, nexis_rtf.read)

READERS = (NEXIS_DOCX, NEXIS_ZIP, NEXIS_HTML, NEXIS_RTF)
