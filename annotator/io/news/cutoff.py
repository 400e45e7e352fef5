"""Downloads that stopped: a file cut off inside its last article.

A browser or a database that stops a download leaves a file that ends inside an article. Its
text is cut mid-sentence; stored, it would pass for the article, and the complete download
imported later would be skipped as a near-duplicate of it. Each reader knows how its articles
end (Factiva's "Document …" line or AN code, LexisNexis' LOAD-DATE block, Nexis' "End of
Document") and leaves out a last article without its end, with the line made here.
"""

from __future__ import annotations

from pathlib import Path

# A page saved whole ends with its closing tag; what follows it is at most a few blank lines.
_TAIL = 4096


def cut_off(position: int, name: str) -> str:
    """The problem line for a last article the download stopped in."""
    return f"article {position} of {Path(name).name} is cut off (the download stopped): left out"


def html_complete(data: bytes) -> bool:
    """False for a saved page that stopped: it opens with ``<html`` but does not end with
    ``</html>`` as a page saved whole does. (A fragment without ``<html`` tells nothing.)"""
    if b"<html" not in data[:_TAIL].lower():
        return True
    return data[-_TAIL:].rstrip().lower().endswith(b"</html>")


def rtf_complete(data: bytes) -> bool:
    """False for an RTF file that stopped: one saved whole ends with the brace closing its
    outermost group."""
    return data[-_TAIL:].rstrip(b"\x00 \t\r\n").endswith(b"}")
