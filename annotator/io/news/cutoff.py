"""Downloads that stopped: a file cut off inside its last article, or between two.

A browser or a database that stops a download leaves a file that ends inside an article. Its
text is cut mid-sentence; stored, it would pass for the article, and the complete download
imported later would be skipped as a near-duplicate of it. Each reader knows how its articles
end (Factiva's "Document …" line or AN code, LexisNexis' LOAD-DATE block, Nexis' "End of
Document") and leaves out a last article without its end, with the line made here.

A download that stopped between two articles holds only whole ones, and says so only where
the format gives evidence: a count it announces ("Document 248 of 500"), or a file that does
not end as one saved whole does (an HTML page without ``</html>``, an RTF file without its
closing brace). Its articles are imported, and :func:`stops_after` says what is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

# A page saved whole ends with its closing tag; what follows it is at most a few blank lines.
_TAIL = 4096


def cut_off(position: int, name: str) -> str:
    """The problem line for a last article the download stopped in."""
    return f"article {position} of {Path(name).name} is cut off (the download stopped): left out"


def stops_after(name: str, last: int, announced: int | None = None, kind: str = "file") -> str:
    """The problem line for a download that stopped after its article ``last``: of the
    ``announced`` the file numbers its documents by, or (None) in a ``kind`` of file ("page",
    "file") that does not end as one saved whole does."""
    where = f"{Path(name).name}: the download is incomplete: it stops after"
    if announced is not None:
        return f"{where} document {last} of {announced}"
    return (
        f"{where} article {last} (the {kind} does not end as one saved whole does, so any "
        "articles after it are missing)"
    )


def html_complete(data: bytes | str) -> bool:
    """False for a saved page that stopped: it opens with ``<html`` but does not end with
    ``</html>`` as a page saved whole does. (A fragment without ``<html`` tells nothing.)"""
    if isinstance(data, str):
        data = (data[:_TAIL] + "\n" + data[-_TAIL:]).encode("utf-8", "replace")
    if b"<html" not in data[:_TAIL].lower():
        return True
    return data[-_TAIL:].rstrip().lower().endswith(b"</html>")


def rtf_complete(data: bytes) -> bool:
    """False for an RTF file that stopped: one saved whole ends with the brace closing its
    outermost group."""
    return data[-_TAIL:].rstrip(b"\x00 \t\r\n").endswith(b"}")


# A brace that opens or closes a group, or one escaped (``\{``, ``\}``, ``\\``: no group).
_RTF_BRACE = re.compile(rb"\\[\\{}]|[{}]")


def rtf_group_end(data: bytes, inside: int) -> int | None:
    """Where the RTF group that ``inside`` (an offset) is in closes: the offset after its
    closing brace, or None when the file ends before (the download stopped in it)."""
    depth = 1
    for match in _RTF_BRACE.finditer(data, inside):
        brace = match.group()
        if brace == b"{":
            depth += 1
        elif brace == b"}":
            depth -= 1
            if depth == 0:
                return match.end()
    return None
