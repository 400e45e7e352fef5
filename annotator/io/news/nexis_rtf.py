"""Nexis RTF downloads, in either layout: the classic one of Nexis UK and LexisNexis Academic
("1 of 10 DOCUMENTS", centred outlet and date, "LENGTH:" fields) or that of Nexis Uni ("End
of Document" after each document).

The RTF is read by a small tokenizer of our own rather than a library: it needs only the text,
paragraph breaks and which paragraphs are centred (the classic layout centres its header
lines), and one linear regular expression keeps its work proportional to the file.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.io.news import NewsFile, nexis_classic, nexis_uni
from annotator.io.news.cutoff import cut_off, rtf_complete
from annotator.io.news.nexis_fields import Articles

# Words a Nexis download holds somewhere, checked in the raw bytes before any conversion.
_HINTS = re.compile(
    rb"End of Document|Ende des Dokuments|Fin du document|\d+ of \d+ DOCUMENTS|Dokument \d+ von"
    rb"|Document \d+ de \d+"
)
_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # a control word and its number
    r"|\\'([0-9a-fA-F]{2})"  # a byte in the document's code page
    r"|\\([^a-zA-Z'])"  # a control symbol: \~ \- \_ \{ \} \\ \*
    r"|([{}])"
    r"|([^\\{}\r\n]+)"  # text
)
# Groups whose content is not text: tables of fonts and colours, pictures, headers, fields'
# instructions, document properties.
_SKIPPED = frozenset(
    [
        "fonttbl",
        "colortbl",
        "stylesheet",
        "info",
        "pict",
        "object",
        "header",
        "headerl",
        "headerr",
        "headerf",
        "footer",
        "footerl",
        "footerr",
        "footerf",
        "fldinst",
        "themedata",
        "colorschememapping",
        "datastore",
        "latentstyles",
        "listtable",
        "listoverridetable",
        "rsidtbl",
        "xmlnstbl",
        "generator",
        "filetbl",
        "revtbl",
        "pgdsctbl",
        "mmathPr",
        "userprops",
        "nonshppict",
        "shppict",
        "bkmkstart",
        "bkmkend",
        "footnote",
        "annotation",
    ]
)
_CHARACTERS = {
    "tab": "\t",
    "cell": "\t",
    "line": "\n",
    "emdash": "\u2014",
    "endash": "\u2013",
    "bullet": "\u2022",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
    "emspace": " ",
    "enspace": " ",
}
_SYMBOLS = {"~": "\u00a0", "_": "-", "-": "", "{": "{", "}": "}", "\\": "\\"}
_BREAKS = frozenset({"par", "sect", "page", "row"})
_CENTRED_DOCUMENT_FORMAT = "Nexis RTF (classic layout)"


def recognises(data: bytes, name: str) -> bool:
    """True for an RTF file in either Nexis layout."""
    if data.lstrip()[:5] != b"{\\rtf" or not _HINTS.search(data):
        return False
    paragraphs = _converted(data)
    texts = [text for text, _ in paragraphs]
    if nexis_uni.is_nexis_uni(texts):
        return True
    blocks = [nexis_classic.Block((text,), centred) for text, centred in paragraphs]
    return any(len(doc) > 1 for doc in nexis_classic.documents(blocks))


def read(data: bytes, name: str) -> NewsFile:
    """The documents of a Nexis RTF download; :class:`BadFileError` if it holds none."""
    path = Path(name)
    if data.lstrip()[:5] != b"{\\rtf":
        raise BadFileError(path, "is not an RTF file")
    paragraphs = _converted(data)
    texts = [text for text, _ in paragraphs]
    if nexis_uni.is_nexis_uni(texts):
        found = Articles()
        nexis_uni.parse(nexis_uni.documents(texts), found)
        if nexis_uni.stopped(texts):
            found.seen += 1
            found.problems.append(cut_off(found.seen, path.name))
        database, layout = "Nexis Uni", "Nexis Uni RTF"
    else:
        blocks = [nexis_classic.Block((text,), centred) for text, centred in paragraphs if text]
        docs = nexis_classic.documents(blocks)
        cut = bool(docs) and not rtf_complete(data) and not nexis_classic.closed(docs[-1])
        if cut:
            docs.pop()
        found = Articles(languages=nexis_classic.languages(docs))
        nexis_classic.parse(docs, found)
        if cut:
            found.seen += 1
            found.problems.append(cut_off(found.seen, path.name))
        announced = nexis_classic.incomplete(blocks, path.name)
        if announced:
            found.problems.append(announced)
        database, layout = "Nexis UK", _CENTRED_DOCUMENT_FORMAT
    if not found.found:
        why = "; ".join(found.problems[:3]) or "no document in it"
        raise BadFileError(path, f"is a Nexis download without any article ({why})")
    return NewsFile(database, layout, tuple(found.found), tuple(found.problems))


@lru_cache(maxsize=2)  # recognising a file converts it, reading it right after need not
def _converted(data: bytes) -> tuple[tuple[str, bool], ...]:
    return tuple(rtf_paragraphs(data))


def rtf_paragraphs(data: bytes) -> list[tuple[str, bool]]:
    """Each paragraph of an RTF document as ``(text, centred)``, in order."""
    source = data.decode("latin-1")  # RTF is 7-bit; stray 8-bit bytes are taken as they are
    codepage = "cp1252"
    found: list[tuple[str, bool]] = []
    text: list[str] = []
    pending = bytearray()  # \'hh bytes, decoded together (a code page may use two per letter)
    stack: list[tuple[bool, int]] = []
    skipping, unicode_skip = False, 1
    to_skip = 0  # characters after \uN that stand for it in readers without Unicode
    centred = False
    first_in_group = False

    def flush() -> None:
        if pending:
            text.append(pending.decode(codepage, errors="replace"))
            pending.clear()

    def end_paragraph() -> None:
        flush()
        found.append((_clean("".join(text)), centred))
        text.clear()

    for match in _TOKEN.finditer(source):
        word, number, hexa, symbol, brace, plain = match.groups()
        starts_group, first_in_group = first_in_group, False
        if brace == "{":
            flush()
            stack.append((skipping, unicode_skip))
            first_in_group = True
            continue
        if brace == "}":
            flush()
            if stack:
                skipping, unicode_skip = stack.pop()
            continue
        if skipping:
            continue
        if symbol == "*" and starts_group:
            skipping = True
            continue
        if hexa is not None:
            if to_skip:
                to_skip -= 1
            else:
                pending.append(int(hexa, 16))
            continue
        if plain is not None:
            if to_skip:
                skipped = min(to_skip, len(plain))
                plain, to_skip = plain[skipped:], to_skip - skipped
            flush()
            text.append(plain)
            continue
        flush()
        if symbol in ("\n", "\r"):  # a backslash before a line break is a paragraph break
            end_paragraph()
        elif symbol is not None:
            text.append(_SYMBOLS.get(symbol, ""))
        elif word in _SKIPPED:
            skipping = True
        elif word in _BREAKS:
            end_paragraph()
        elif word in _CHARACTERS:
            text.append(_CHARACTERS[word])
        elif word == "u" and number is not None:
            text.append(chr(int(number) % 65536))
            to_skip = unicode_skip
        elif word == "uc" and number is not None:
            unicode_skip = max(0, min(int(number), 8))
        elif word == "ansicpg" and number is not None:
            codepage = _codepage(number, codepage)
        elif word == "pard":
            centred = False
        elif word == "qc":
            centred = True
        elif word in ("ql", "qr", "qj"):
            centred = False
    end_paragraph()
    return found


def _codepage(number: str, current: str) -> str:
    name = f"cp{int(number)}"
    try:
        codecs.lookup(name)
    except LookupError:
        return current
    return name


def _clean(text: str) -> str:
    if any("\ud800" <= c <= "\udfff" for c in text):  # \u of a pair of surrogates
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text
