"""Hypothesis strategies that reach deep into a reader: valid files (made by our own exporters)
mutated at the level of their structure — JSON values of the wrong type, keys missing or added,
huge and negative numbers, lone surrogates, NUL, CRLF, byte-order marks, deep nesting,
duplicated records (and so duplicate GUIDs), CSV rows with the wrong number of fields and
broken quoting, XML attributes removed or changed, ZIP entries renamed, dropped or doubled —
and, on top, raw bytes flipped, cut and spliced.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from annotator.services.merge import (
    ARTICLE_CHOICES,
    CODE_CHOICES,
    CODER_CHOICES,
    DELETION_CHOICES,
    MergeChoices,
)

# Text that has broken readers before: empty, blank, control characters, lone surrogates,
# byte-order marks, line ends, path separators, our own path notation, formulas, very long.
NASTY_TEXT = (
    "",
    " ",
    "\x00",
    "\ud800",
    "a\udfffb",
    "\ufeff",
    "\ufeffname",
    "\r\n",
    "\r",
    "\n\n",
    "\t",
    "\x1b[31m",
    "\u202eevil",
    "\u200b",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀",
    "Motive > Political",
    " > ",
    ">",
    "a/b",
    "../../outside.txt",
    "/etc/passwd",
    "C:\\Windows\\x",
    "internal://",
    "=HYPERLINK(1)",
    "'=1",
    "'",
    '"',
    '"unclosed',
    ",",
    ";",
    "-1",
    "0",
    "1e309",
    "-0",
    "NaN",
    "Infinity",
    "null",
    "true",
    "9" * 400,
    "x" * 5000,
    "2025-02-30",
    "2025-13-01T00:00:00Z",
    "0000-00-00T00:00:00",
    "9999-12-31T23:59:59-23:59",
    "20250301T120000Z",
    "{00000000-0000-0000-0000-000000000000}",
    "00000000-0000-0000-0000-000000000000",
    "#GGGGGG",
    "#12345678",
    "]]>",
    "&amp;",
    "<b>",
)

HUGE_NUMBERS = (2**31, 2**63, 2**64 + 1, 10**30, -(2**63) - 1, 10**400)
SMALL_NUMBERS = (-1, 0, 1, -(10**6), 10**6)

nasty_text = st.sampled_from(NASTY_TEXT) | st.text(max_size=30)


def numbers_near(value: int | float) -> st.SearchStrategy[int | float]:
    """Numbers around ``value`` and far from it: negative, past any text, huge, floats."""
    as_int = int(value) if isinstance(value, int | float) and abs(value) < 1e18 else 0
    return st.one_of(
        st.sampled_from(HUGE_NUMBERS + SMALL_NUMBERS),
        st.integers(as_int - 3, as_int + 3),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.just(as_int + 0.5),
    )


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(HUGE_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    nasty_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3),
    max_leaves=10,
)


# -- raw bytes ----------------------------------------------------------------------------

BYTE_TOKENS = (
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\r\n",
    b"\r",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",  # a surrogate in "UTF-8"
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b'"',
    b",",
    b"\\",
    b"<",
    b"]]>",
    b"-1",
    b"99999999999999999999",
    b"PK\x03\x04",
    b"SQLite format 3\x00",
)


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes, max_edits: int = 4) -> bytes:
    """``data`` with a few edits: bytes flipped, a cut, a splice of its own or odd bytes, a
    range deleted or doubled."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, max_edits))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "repeat", "set"]))
        at = draw(st.integers(0, len(out)))
        if kind == "flip" and out:
            at = min(at, len(out) - 1)
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            piece = draw(st.sampled_from(BYTE_TOKENS) | st.binary(min_size=1, max_size=16))
            out[at:at] = piece
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif kind == "repeat" and out:
            end = min(len(out), at + draw(st.integers(1, 256)))
            out[at:at] = out[at:end]
        elif kind == "set" and out:
            at = min(at, len(out) - 1)
            out[at] = draw(st.integers(0, 255))
    return bytes(out)


def maybe_mangled(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` as it is, with a BOM, with CRLF line ends, or with raw edits (mostly as is:
    the structural edits that made it should reach the reader's logic, not its parser)."""
    return st.one_of(
        *[st.just(data)] * 4,
        st.just(b"\xef\xbb\xbf" + data),
        st.just(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")),
        mutated_bytes(data, max_edits=2),
    )


# -- JSON ---------------------------------------------------------------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document: a key of an object or an index of a list."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


# Edits that keep the type (numbers, text, another record's value) weigh most: they get past
# the type checks into the logic behind them.
JSON_EDITS = (
    *["number"] * 3,
    *["text"] * 2,
    *["other"] * 3,
    "value",
    "delete",
    "extra",
    "duplicate",
    "duplicate",
    "nest",
    "swap",
)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _get(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


@st.composite
def mutated_json(draw: st.DrawFn, document: Any, max_edits: int = 3) -> Any:
    """``document`` with a few structural edits at places chosen anywhere in it."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, max_edits))):
        places = _paths(document)
        path = draw(st.sampled_from(places))
        if not path:  # the root: replace it, nest it, or leave it
            kind = draw(st.sampled_from(["value", "nest", "keep"]))
            if kind == "value":
                document = draw(json_values)
            elif kind == "nest":
                document = _nested(document, draw(st.integers(1, 5000)))
            continue
        parent, key = _get(document, path[:-1]), path[-1]
        value = parent[key]
        strings = [v for v in _leaves(document) if isinstance(v, str)]
        kind = draw(st.sampled_from(JSON_EDITS))
        if kind == "number" and _is_number(value):
            parent[key] = draw(numbers_near(value))
        elif kind == "text" and isinstance(value, str):
            at = draw(st.integers(0, len(value)))
            parent[key] = value[:at] + draw(nasty_text) + value[at:]
        elif kind == "other" and isinstance(value, str) and strings:
            # Another record's GUID, hash, name or time: duplicates and dangling references.
            parent[key] = draw(st.sampled_from(strings))
        elif kind == "delete":
            del parent[key]
        elif kind == "extra":
            if isinstance(parent, dict):
                parent[draw(nasty_text)] = draw(json_values)
            else:
                parent.insert(key, draw(json_values))
        elif kind == "duplicate":  # a record twice: duplicate GUIDs
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(value))
            else:
                parent[key] = [value, copy.deepcopy(value)]
        elif kind == "nest":
            parent[key] = _nested(value, draw(st.integers(1, 5000)))
        elif kind == "swap" and isinstance(parent, list) and len(parent) > 1:
            other = draw(st.integers(0, len(parent) - 1))
            parent[key], parent[other] = parent[other], parent[key]
        else:  # a value of any type, mostly another
            parent[key] = draw(json_values)
    return document


class Deep:
    """A value inside ``depth`` lists: written as text, deeper than json.dumps can go."""

    def __init__(self, value: Any, depth: int) -> None:
        self.value, self.depth = value, depth


def _nested(value: Any, depth: int) -> Any:
    return Deep(value, depth)


def dumps(document: Any, *, ascii_only: bool = True, indent: int | None = None) -> str:
    """``json.dumps``, with :class:`Deep` values written out as nested lists."""
    deep: list[str] = []

    def placeholders(value: Any) -> Any:
        if isinstance(value, Deep):
            inner = dumps(value.value, ascii_only=ascii_only)
            deep.append("[" * value.depth + inner + "]" * value.depth)
            return f"@@deep{len(deep) - 1}@@"
        if isinstance(value, dict):
            return {k: placeholders(v) for k, v in value.items()}
        if isinstance(value, list):
            return [placeholders(v) for v in value]
        return value

    text = json.dumps(
        placeholders(document), ensure_ascii=ascii_only, indent=indent, allow_nan=True
    )
    for number, nested in enumerate(deep):
        text = text.replace(f'"@@deep{number}@@"', nested)
    return text


def json_bytes(document: Any) -> st.SearchStrategy[bytes]:
    """A document written as JSON as a program might: ASCII-escaped or not (a lone surrogate
    then becomes invalid UTF-8), indented or not; then perhaps mangled."""

    def dump(ascii_only: bool, indent: int | None) -> bytes:
        text = dumps(document, ascii_only=ascii_only, indent=indent)
        return text.encode("utf-8", "surrogatepass")

    return st.builds(dump, st.booleans(), st.sampled_from([None, 1, 2])).flatmap(maybe_mangled)


# -- CSV ----------------------------------------------------------------------------------


def read_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@st.composite
def mutated_rows(draw: st.DrawFn, rows: list[list[str]], max_edits: int = 4) -> list[list[str]]:
    """CSV rows (the header first) with a few edits: cells changed, added or removed (rows
    of the wrong length), rows doubled, dropped or swapped, header names changed."""
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, max_edits))):
        r = draw(st.integers(0, len(rows) - 1)) if rows else 0
        if not rows:
            rows.append([])
        row = rows[r]
        kind = draw(
            st.sampled_from(
                ["cell", "cell", "number", "add", "remove", "double", "drop", "swap", "header"]
            )
        )
        c = draw(st.integers(0, max(len(row) - 1, 0)))
        if kind == "cell" and row:
            cells = [cell for rw in rows for cell in rw]  # another row's value: duplicates
            row[c] = draw(nasty_text | st.sampled_from(cells))
        elif kind == "number" and row:
            row[c] = str(draw(numbers_near(_int_or_zero(row[c]))))
        elif kind == "add":
            row.insert(c, draw(nasty_text))
        elif kind == "remove" and row:
            del row[c]
        elif kind == "double":
            rows.insert(r, list(row))
        elif kind == "drop" and len(rows) > 1:
            del rows[r]
        elif kind == "swap" and len(rows) > 1:
            other = draw(st.integers(0, len(rows) - 1))
            rows[r], rows[other] = rows[other], rows[r]
        elif kind == "header" and rows[0]:
            h = draw(st.integers(0, len(rows[0]) - 1))
            rows[0][h] = draw(
                st.sampled_from(list(rows[0]))
                | nasty_text
                | st.builds(lambda n, t: f"{n}:{t}", st.sampled_from(rows[0]), nasty_text)
            )
    return rows


def _int_or_zero(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def csv_bytes(rows: list[list[str]]) -> st.SearchStrategy[bytes]:
    """Rows written as CSV (CRLF or LF, quoted minimally or always, perhaps with a line of
    broken quoting spliced in), then perhaps mangled."""

    def dump(terminator: str, quoting: int, broken: int | None) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=terminator, quoting=quoting)
        for row in rows:
            writer.writerow(row)
        lines = out.getvalue().split(terminator)
        if broken is not None:
            lines.insert(min(broken, len(lines)), 'x,"unclosed, quote\n,"a"b",c')
        return terminator.join(lines).encode("utf-8", "surrogatepass")

    return st.builds(
        dump,
        st.sampled_from(["\r\n", "\n"]),
        st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
        st.none() | st.none() | st.integers(0, len(rows)),
    ).flatmap(maybe_mangled)


# -- XML ----------------------------------------------------------------------------------


def _xml_text(value: str) -> str:
    """``value`` without what XML cannot hold at all (the serialiser would refuse it)."""
    return "".join(
        c
        for c in value
        if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff"
    )


@st.composite
def mutated_xml(draw: st.DrawFn, data: bytes, max_edits: int = 4) -> bytes:
    """An XML document with a few edits to its elements: attributes removed or changed
    (numbers made negative, huge or not numbers; GUIDs of other elements, so duplicated or
    dangling), elements removed, doubled, moved, nested deeply, or given odd text."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:  # a member another edit already broke
        return draw(mutated_bytes(data))
    for _ in range(draw(st.integers(1, max_edits))):
        elements = list(root.iter())
        element = draw(st.sampled_from(elements))
        kind = draw(
            st.sampled_from(
                [
                    "remove-attribute",
                    "attribute",
                    "number",
                    "guid",
                    "remove",
                    "double",
                    "move",
                    "nest",
                    "text",
                ]
            )
        )
        attributes = list(element.attrib)
        if kind == "remove-attribute" and attributes:
            del element.attrib[draw(st.sampled_from(attributes))]
        elif kind == "attribute" and attributes:
            name = draw(st.sampled_from(attributes))
            element.set(name, _xml_text(draw(nasty_text)))
        elif kind == "number" and attributes:
            name = draw(st.sampled_from(attributes))
            element.set(name, str(draw(numbers_near(_int_or_zero(element.get(name) or "")))))
        elif kind == "guid":
            guids = [e.get(a) for e in elements for a in e.attrib if "guid" in a.lower()]
            targets = [a for a in attributes if "guid" in a.lower()] or attributes
            if guids and targets:
                element.set(draw(st.sampled_from(targets)), draw(st.sampled_from(guids)))
        elif kind == "remove" and element is not root:
            element.getparent().remove(element)
        elif kind == "double" and element is not root:
            element.addnext(copy.deepcopy(element))
        elif kind == "move" and element is not root:
            target = draw(st.sampled_from(elements))
            if element not in list(target.iterancestors()) and target is not element:
                target.append(element)
        elif kind == "nest" and element is not root:
            # Its own kind inside itself, deeper than any reader should follow.
            holder = element
            for _ in range(draw(st.integers(2, 300))):
                inner = etree.SubElement(holder, element.tag, attrib=dict(element.attrib))
                holder = inner
        elif kind == "text":
            element.text = _xml_text(draw(nasty_text))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


DTD_PROLOGUE = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<!DOCTYPE Project [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
)


def xml_bytes(data: bytes) -> st.SearchStrategy[bytes]:
    """A mutated XML document, perhaps with a DTD put in front or other bytes mangled."""

    def with_dtd(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return DTD_PROLOGUE + body

    return mutated_xml(data).flatmap(
        lambda xml: st.one_of(maybe_mangled(xml), st.just(with_dtd(xml)))
    )


# -- ZIP ----------------------------------------------------------------------------------

Entries = list[tuple[zipfile.ZipInfo, bytes]]


def zip_entries(data: bytes) -> Entries:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _info(name: str, like: zipfile.ZipInfo | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    if like is not None:
        info.compress_type = like.compress_type
        info.external_attr = like.external_attr
    return info


ODD_ENTRY_NAMES = (
    "../evil.txt",
    "/abs.txt",
    "C:/drive.txt",
    "sources/../../x.txt",
    "sources\\back.txt",
    "sources/",
    "Sources/",
    "project.qde",
    "PROJECT.QDE",
    "other.qde",
    "sources/a\x01b.txt",
)


@st.composite
def mutated_zip(
    draw: st.DrawFn,
    entries: Entries,
    edit_member: Callable[[str, bytes], st.SearchStrategy[bytes] | None],
    max_edits: int = 3,
) -> bytes:
    """A ZIP archive rebuilt from ``entries`` with a few edits: a member's bytes edited
    (``edit_member`` gives a strategy for a member, or None to mutate its raw bytes), a member
    dropped, renamed, doubled or added; compression changed; an entry made a symbolic link or
    marked encrypted. The archive's own bytes may then be flipped or cut."""
    entries = [(copy.copy(info), body) for info, body in entries]
    for _ in range(draw(st.integers(1, max_edits))):
        i = draw(st.integers(0, max(len(entries) - 1, 0)))
        kind = draw(
            st.sampled_from(
                [
                    "member",
                    "member",
                    "member",
                    "drop",
                    "rename",
                    "double",
                    "add",
                    "method",
                    "link",
                    "encrypted",
                ]
            )
        )
        if not entries:
            kind = "add"
        if kind == "member":
            info, body = entries[i]
            strategy = edit_member(info.filename, body)
            entries[i] = (info, draw(mutated_bytes(body) if strategy is None else strategy))
        elif kind == "drop":
            del entries[i]
        elif kind == "rename":
            info, body = entries[i]
            name = draw(
                st.sampled_from(ODD_ENTRY_NAMES)
                | st.builds(
                    lambda n: n.upper() if n.islower() else n.lower(), st.just(info.filename)
                )
            )
            entries[i] = (_info(name, info), body)
        elif kind == "double":
            entries.insert(i, entries[i])
        elif kind == "add":
            name = draw(st.sampled_from(ODD_ENTRY_NAMES) | st.just("sources/extra.txt"))
            entries.append((_info(name), draw(st.binary(max_size=64))))
        elif kind == "method":
            info, body = entries[i]
            info = copy.copy(info)
            info.compress_type = draw(
                st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
            )
            entries[i] = (info, body)
        elif kind == "link":
            info, body = entries[i]
            info = copy.copy(info)
            info.external_attr = (0o120777 << 16) | (info.external_attr & 0xFFFF)
            info.create_system = 3
            entries[i] = (info, body)
        elif kind == "encrypted":
            info, body = entries[i]
            info = copy.copy(info)
            info.flag_bits |= 0x1
            entries[i] = (info, body)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": that is the point
        for info, body in entries:
            archive.writestr(info, body)
    data = out.getvalue()
    if draw(st.integers(0, 3)) == 0:
        data = draw(mutated_bytes(data, max_edits=2))
    return data


def json_file(data: bytes) -> st.SearchStrategy[bytes]:
    """A JSON file's bytes mutated: mostly at the level of its structure, sometimes raw."""
    document = json.loads(data.decode("utf-8-sig"))
    structured = mutated_json(document).flatmap(json_bytes)
    return st.one_of(structured, structured, structured, mutated_bytes(data))


def csv_file(data: bytes) -> st.SearchStrategy[bytes]:
    """A CSV file's bytes mutated: mostly row by row and cell by cell, sometimes raw."""
    rows = read_rows(data)
    structured = mutated_rows(rows).flatmap(csv_bytes)
    return st.one_of(structured, structured, structured, mutated_bytes(data))


#: What to do with what does not fit a merge: every combination.
choices = st.builds(
    MergeChoices,
    st.sampled_from(ARTICLE_CHOICES),
    st.sampled_from(CODE_CHOICES),
    st.sampled_from(CODER_CHOICES),
    st.sampled_from(DELETION_CHOICES),
)
