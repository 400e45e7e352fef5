"""The text of an RTF file as lines, for the readers of news-database RTF downloads.

A paragraph (``\\par``, a table row) ends a line, a table cell ends with a tab, so that a
row of two cells "HD | headline" reads ``HD\\theadline``; lines whose every letter is bold
are marked (Factiva sets its headlines in bold). One pass over the file, no recursion and
no regular expression that can backtrack: a hostile file costs time in proportion to its
size. Hidden groups (font tables, pictures, ``{\\*…}``) are left out; ``\\'hh`` bytes
and raw bytes above ASCII decoded in the document's code page (``\\ansicpg``), ``\\uN`` as
Unicode.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from annotator.domain.errors import BadFileError

# The control words that matter here (all others, table and paragraph formatting, are
# passed over in runs: a table row of Factiva's RTF holds dozens of them).
_MEANINGFUL = (
    b"b plain u uc ansicpg bin par sect page row cell line tab emdash endash lquote rquote "
    b"ldblquote rdblquote bullet emspace enspace".split()
)
# Groups whose content is not text.
_HIDDEN = frozenset(
    b"""fonttbl colortbl stylesheet info pict object objdata header headerl headerr headerf
    footer footerl footerr footerf footnote annotation themedata datastore latentstyles
    listtable listoverridetable rsidtbl generator xmlnstbl fldinst filetbl revtbl bkmkstart
    bkmkend field_instructions expandedcolortbl shppict nonshppict blipuid wgrffmtfilter
    mmathPr pgdsctbl""".split()
)
_SYMBOLS = {
    b"emdash": "\u2014",
    b"endash": "\u2013",
    b"lquote": "\u2018",
    b"rquote": "\u2019",
    b"ldblquote": "\u201c",
    b"rdblquote": "\u201d",
    b"bullet": "\u2022",
    b"tab": " ",
    b"emspace": " ",
    b"enspace": " ",
    b"line": "\n",
}
_BREAKS = frozenset((b"par", b"sect", b"page", b"row"))
_OTHER_WORDS = b"|".join([*_MEANINGFUL, *sorted(_HIDDEN)])
# One token: a run of control words that do not matter and line breaks (ignored in RTF); a
# control word with its number; a hex byte; a control symbol; a brace; a run of plain text.
_TOKEN = re.compile(
    rb"(?:\\(?!(?:" + _OTHER_WORDS + rb")(?![a-zA-Z]))[a-zA-Z]{1,32}-?\d{0,10} ?|[\r\n]+)+"
    rb"|\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z'])|([{}])"
    rb"|([^\\{}\r\n]+)",
    re.DOTALL,
)
# Deeper nesting than this is no document's: the file is refused (reading stops there).
_MAX_DEPTH = 512


@dataclass(frozen=True)
class RtfText:
    """The lines of an RTF document, and which of them are bold throughout."""

    lines: tuple[str, ...]
    bold: frozenset[int]


def is_rtf(data: bytes) -> bool:
    """Whether ``data`` begins as an RTF document does."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf"


def rtf_lines(data: bytes, name: str) -> RtfText:
    """The text of the RTF document ``data`` as lines (see the module docstring);
    :class:`BadFileError` for groups nested deeper than any document's, whose text would
    be lost."""
    reader = _Reader(data)
    text = reader.run()
    if reader.too_deep:
        raise BadFileError(
            name,
            f"is an RTF file with groups nested more than {_MAX_DEPTH} deep: annotator cannot "
            "read it whole",
        )
    return text


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.codec = "cp1252"
        self.lines: list[str] = []
        self.bold_lines: set[int] = set()
        self.line: list[str] = []
        self.line_bold = True  # every letter so far bold
        self.pending = bytearray()  # \'hh bytes not yet decoded
        # The group stack: (hidden, bold, uc); skip counts characters after \uN to drop.
        self.stack: list[tuple[bool, bool, int]] = []
        self.hidden = False
        self.bold = False
        self.uc = 1
        self.skip = 0
        self.too_deep = False

    def run(self) -> RtfText:
        data, pos, end = self.data, 0, len(self.data)
        while pos < end:
            match = _TOKEN.match(data, pos)
            if match is None:  # a lone backslash at the end
                break
            pos = match.end()
            word, number, hexbyte, symbol, brace, text = match.groups()
            if hexbyte is not None:
                if self.skip:
                    self.skip -= 1
                elif not self.hidden:
                    self.pending.append(int(hexbyte, 16))
                continue
            self._flush_bytes()
            if text is not None:
                # Raw bytes above ASCII are in the document's code page, as \'hh ones are.
                self._text(text.decode(self.codec, errors="replace"))
            elif word is not None:
                pos = self._word(word, number, pos)
            elif symbol is not None:
                self._symbol(symbol)
            elif brace == b"{":
                self.stack.append((self.hidden, self.bold, self.uc))
                if len(self.stack) > _MAX_DEPTH:
                    self.too_deep = True
                    break
                self.skip = 0
            elif brace == b"}":
                if self.stack:
                    self.hidden, self.bold, self.uc = self.stack.pop()
                self.skip = 0
        self._flush_bytes()
        self._end_line()
        return RtfText(tuple(self.lines), frozenset(self.bold_lines))

    def _word(self, word: bytes, number: bytes | None, pos: int) -> int:
        if word == b"bin":  # raw bytes follow: jump over them
            return pos + max(0, int(number or 0))
        if word in _HIDDEN:
            self.hidden = True
            return pos
        if word == b"ansicpg" and number:
            self.codec = _codec(int(number))
            return pos
        if word == b"uc" and number:
            self.uc = max(0, int(number))
            return pos
        if word == b"b":
            self.bold = number != b"0"
            return pos
        if word == b"plain":
            self.bold = False
            return pos
        if self.hidden:
            return pos
        if word == b"u" and number:
            self._text(chr(int(number) % 0x10000), skipping=False)
            self.skip = self.uc
        elif word in _BREAKS:
            self._end_line()
        elif word == b"cell":
            self.line.append("\t")
        elif word in _SYMBOLS:
            self._text(_SYMBOLS[word], skipping=False)
        return pos

    def _symbol(self, symbol: bytes) -> None:
        if symbol == b"*":
            self.hidden = True
        elif self.hidden:
            return
        elif symbol in b"\r\n":  # a backslash before a line break is a paragraph
            self._end_line()
        elif symbol == b"~":
            self._text("\u00a0")
        elif symbol == b"_":
            self._text("\u2011")
        elif symbol in b"\\{}":
            self._text(symbol.decode("latin-1"))

    def _text(self, text: str, *, skipping: bool = True) -> None:
        if skipping and self.skip:
            dropped = min(self.skip, len(text))
            self.skip -= dropped
            text = text[dropped:]
        if self.hidden or not text:
            return
        if not self.bold and not text.isspace():
            self.line_bold = False
        self.line.append(text)

    def _flush_bytes(self) -> None:
        if self.pending:
            self._text(bytes(self.pending).decode(self.codec, errors="replace"), skipping=False)
            self.pending.clear()

    def _end_line(self) -> None:
        text = "".join(self.line)
        # \uN gives UTF-16 code units: pair the surrogates of characters beyond the BMP.
        if any("\ud800" <= ch <= "\udfff" for ch in text):
            text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        for part in text.split("\n"):
            if self.line_bold and part.strip():
                self.bold_lines.add(len(self.lines))
            self.lines.append(part)
        self.line = []
        self.line_bold = True


def _codec(codepage: int) -> str:
    name = f"cp{codepage}"
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name
