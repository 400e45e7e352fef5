"""The bytes of a download as every news reader takes them, and markup decoded by evidence.

A download saved again by another program may come with a byte-order mark, in UTF-16 or
UTF-32, or with the old Mac line ends (a carriage return alone). :func:`plain_bytes` is the
one front door for all of them: :class:`~annotator.io.news.Reader` passes every file through
it before a format's code looks at it, so that each format recognises and reads UTF-8 (or its
own legacy bytes) with LF or CRLF line ends, and no format handles those variants itself.

:func:`decoded_markup` decodes an HTML page or an e-mail's HTML part by what its bytes are,
not by what they declare: databases have sent pages declaring ISO-8859-1 whose bytes are
UTF-8.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from annotator.domain.errors import BadFileError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE mark.
_WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Where line ends and declarations are looked for.
_HEAD = 64 * 1024
# A charset declared in an XML declaration or an HTML meta element that names a wide
# encoding, which the bytes are no longer once transcoded to UTF-8.
_WIDE_DECLARED = re.compile(
    rb"""((?:<\?xml[^>]{0,200}?encoding|<meta[^>]{0,300}?charset)\s*=\s*["']?)"""
    rb"""(?:utf-?(?:16|32)(?:-?[lb]e)?|ucs-?[24]|unicode(?:fffe)?)(?=[\s"';/>])""",
    re.IGNORECASE,
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I
)


def plain_bytes(data: bytes, limit: int | None = None) -> bytes:
    """``data`` as UTF-8 without a byte-order mark and with LF or CRLF line ends.

    UTF-16 and UTF-32 with a byte-order mark are transcoded to UTF-8 (and an XML declaration
    or HTML meta element naming them then names UTF-8); a UTF-8 mark is dropped; a text
    whose lines end with a carriage return alone gets LFs. Anything else, binary formats and
    legacy encodings included, is returned as it is (the same object: the common case costs
    no copy). Bytes that begin with a wide byte-order mark but do not decode are left as they
    are, for the reader to refuse. With ``limit``, a file that needs changing is changed in
    its first ``limit`` bytes only (what recognising it needs: a sheet of 100 MB in UTF-16 is
    not transcoded whole to be recognised)."""
    wide = next(((bom, codec) for bom, codec in _WIDE if data.startswith(bom)), None)
    if wide is None and not data.startswith(codecs.BOM_UTF8) and not _cr_only(data):
        return data
    original = data
    final = limit is None or len(data) <= limit
    if not final:
        data = data[:limit]
    if wide is not None:
        bom, codec = wide
        try:
            body = data[len(bom) :]
            # A head cut off may end inside a character: the decoder keeps it back.
            text = (
                body.decode(codec) if final else codecs.getincrementaldecoder(codec)().decode(body)
            )
        except UnicodeDecodeError:
            return original
        data = text.encode("utf-8", "surrogatepass")
        head = _WIDE_DECLARED.sub(rb"\1utf-8", data[:_HEAD])
        data = head + data[_HEAD:] if head != data[:_HEAD] else data
    else:
        data = data.removeprefix(codecs.BOM_UTF8)
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if _cr_only(data) else data


def _cr_only(data: bytes) -> bool:
    """Whether the lines of ``data`` end with a CR alone (the old Mac's), in text: no NUL
    near the start, not a PDF (whose streams are binary)."""
    first_lf = data.find(b"\n", 0, _HEAD)
    first_cr = data.find(b"\r", 0, _HEAD if first_lf < 0 else first_lf)
    if first_cr < 0 or data[first_cr + 1 : first_cr + 2] == b"\n":
        return False  # no CR before the first LF, or CRLF
    return b"\x00" not in data[:4096] and not data.startswith(b"%PDF")


def decoded_markup(data: bytes, declared: str | None = None) -> str:
    """The text of an HTML page or part, by evidence: bytes that read as UTF-8 are UTF-8
    whatever is declared (Europresse and ProQuest have declared ISO-8859-1 over UTF-8);
    others are in the ``declared`` charset (an e-mail part's), else the one the page's meta
    element declares, when it decodes them; else in Windows-1252 (which browsers take for
    ISO-8859-1 and US-ASCII, of which it is a superset)."""
    data = plain_bytes(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and not data[: error.start].isascii():
            # A download that stopped inside a character: UTF-8 up to it (the readers
            # report the cut), not the whole page read as another encoding. (Without a
            # character of UTF-8 before, a last byte above ASCII is one of another encoding.)
            return data[: error.start].decode("utf-8")
    meta = _META_CHARSET.search(data[:_HEAD])
    for name in (declared, meta.group(1).decode("ascii") if meta else None):
        codec = _codec(name)
        if codec is not None:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass
    return data.decode("cp1252", "replace")


def _codec(declared: str | None) -> str | None:
    """The codec of a declared charset to try on bytes that are not UTF-8: none for UTF-8
    itself, the wide encodings (the bytes are not, once :func:`plain_bytes` has been) and
    the names Windows-1252 stands for."""
    if not declared:
        return None
    try:
        info = codecs.lookup(declared.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    name = info.name
    if name in ("utf-8", "latin-1", "iso8859-1", "ascii") or name.startswith(("utf-16", "utf-32")):
        return None
    return name if getattr(info, "_is_text_encoding", True) else None


# libxml2 stops a page nested deeper than this (elements inside elements) and keeps what
# came before: the rest of the page would be lost without a word.
HTML_MAX_DEPTH = 256


#: The longest page read whole into a tree: a Europresse page of 32 MB takes about 550 MB to
#: read, 64 MB over 1 GB (measured). Europresse and ProQuest give at most a few thousand
#: documents to a download, a few MB.
MAX_PAGE_CHARACTERS = 32 * 2**20


def html_document(html: str, name: str, what: str) -> Any:
    """The parsed page (an ``lxml.html`` document), or :class:`BadFileError` naming ``what``
    ("Europresse page") when it cannot be read, or not whole: libxml2 gives up on elements
    nested more than 256 deep (and on other limits) and drops all that follows."""
    import lxml.etree
    import lxml.html

    if len(html) > MAX_PAGE_CHARACTERS:
        raise BadFileError(
            name,
            f"is a {what} of {len(html) / 2**20:.0f} million characters; pages over "
            f"{MAX_PAGE_CHARACTERS // 2**20} million are refused (reading one takes about 15 "
            "times its size in memory): download the results in parts",
        )
    # lxml refuses a str that declares its encoding as XML does; the str has none.
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (ValueError, lxml.etree.LxmlError):
        raise BadFileError(name, f"is a damaged {what} (its HTML cannot be read)") from None
    read_whole(parser, name, what)
    return root


def read_whole(parser: Any, name: str, what: str) -> None:
    """:class:`BadFileError` if the lxml ``parser`` stopped at one of libxml2's limits
    (elements nested more than 256 deep…): it keeps what came before and drops the rest."""
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if any("depth" in message.lower() for message in limits):
        raise BadFileError(
            name,
            f"is a {what} with elements nested more than {HTML_MAX_DEPTH} deep: annotator "
            "cannot read it whole",
        )
    if limits:
        raise BadFileError(name, f"is a {what} annotator cannot read whole ({limits[0]})")
