"""Writing REFI-QDA: a .qdpx project (``project.qde`` plus one UTF-8 text file per article
under ``sources/``) and a .qdc codebook, valid against the bundled 1.0 schemas.

Offsets are code points of the exact text written (UTF-8, no BOM, LF), half-open; one
``PlainTextSelection`` per coding, its coder on the selection and on the coding; coding memos
are Notes. GUIDs are the project's own (selections and notes take GUIDs derived from their
coding's), so a re-export names everything the same. What REFI has no place for — dimensions'
exclusivity, shortcut keys, who has done which article — travels as Sets whose names start
with ``annotator:``, which annotator reads back and other tools show as sets.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from annotator import __version__
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.model import (
    Coder,
    Coding,
    Document,
    DocumentStatus,
    Memo,
    Variable,
    VariableType,
)
from annotator.io.refi.schema import CODEBOOK_NS, PROJECT_NS, problems, safe_parser

ORIGIN = f"annotator {__version__}"
NAME_LIMIT = 100
# Derived GUIDs: uuid5 in this namespace of the GUID they belong to and what they are.
NAMESPACE = uuid.UUID("4c1b9f1e-8a55-4a3e-9a1d-6d8f2b7e0a11")
SET_PREFIX = "annotator: "
EXCLUSIVE_SET = SET_PREFIX + "exclusive dimensions"
KEY_SET = SET_PREFIX + "key "
STATUS_SETS = {
    DocumentStatus.DONE: SET_PREFIX + "done by ",
    DocumentStatus.IN_PROGRESS: SET_PREFIX + "in progress by ",
}
ASSIGNED_SET = SET_PREFIX + "assigned to "
VARIABLE_TYPES = {
    VariableType.TEXT: "Text",
    VariableType.CATEGORY: "Text",
    VariableType.NUMBER: "Float",
    VariableType.DATE: "Date",
}
VALUE_ELEMENTS = {"Text": "TextValue", "Float": "FloatValue", "Date": "DateValue"}


def derived(guid: str, what: str) -> str:
    """A GUID made from another one and what it names: the same on every export."""
    return str(uuid.uuid5(NAMESPACE, f"{guid}/{what}"))


_SELECTION = uuid.UUID(derived(str(NAMESPACE), "selection")).int
_MEMO = uuid.UUID(derived(str(NAMESPACE), "memo")).int


def _sibling(guid: str, mask: int) -> str:
    """A coding's selection or memo GUID: its own with fixed bits flipped — as stable as
    :func:`derived` and cheap enough for a hundred thousand codings."""
    h = f"{int(guid.replace('-', ''), 16) ^ mask:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True)
class ProjectContent:
    """What a .qdpx holds, as plain values the service reads from the project: the file
    formats never read a project themselves."""

    name: str
    guid: str
    codebook: Codebook
    coders: Sequence[Coder]
    documents: Sequence[Document]
    #: A document's text by its id, fetched one at a time (texts can be large).
    text_of: Callable[[int], str]
    codings: Sequence[Coding]
    memos: Sequence[Memo]
    variables: Sequence[Variable]
    values: Mapping[int, Mapping[str, str]]
    statuses: Mapping[tuple[int, int], DocumentStatus]
    assigned: Collection[tuple[int, int]]


@dataclass
class Exported:
    """A project turned into REFI: the ``project.qde`` bytes, the text files by archive name,
    and what REFI could not carry (the data-loss report of spec §7)."""

    qde: bytes
    sources: dict[str, bytes]
    losses: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# Characters XML 1.0 cannot hold at all (a memo may have them): written as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


# Attribute text that needs more than quotes around it.
_SPECIAL = re.compile('[&<>"\x00-\x1f\ud800-\udfff\ufffe\uffff]')


def _value(value: object) -> str:
    if type(value) is not str:
        return f'"{value}"'
    if not _SPECIAL.search(value):  # GUIDs, times, most names: as they are
        return f'"{value}"'
    return quoteattr(_clean(value))


class _Xml:
    """XML written as text, element by element: a hundred thousand elements take a fraction
    of what building a tree does. The result is parsed and validated before it is used."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def open(self, tag: str, **attributes: object) -> None:
        self.parts.append(f"<{tag}{self._attributes(attributes)}>")

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def empty(self, tag: str, **attributes: object) -> None:
        self.parts.append(f"<{tag}{self._attributes(attributes)}/>")

    def text(self, tag: str, text: str) -> None:
        if _SPECIAL.search(text):
            text = escape(_clean(text))
        self.parts.append(f"<{tag}>{text}</{tag}>")

    @staticmethod
    def _attributes(attributes: dict[str, object]) -> str:
        return "".join(f" {k}={_value(v)}" for k, v in attributes.items() if v is not None)

    def bytes(self) -> bytes:
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + "".join(self.parts)).encode()


def _selection_name(text: str) -> str:
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1] + "…"


def _codes(
    xml: _Xml, tree: Codebook, used: Collection[int], memos: Sequence[Memo], *, notes: bool
) -> None:
    """The codebook tree as nested Codes; a dimension (never applied) is not codable."""
    too_deep = tree.too_deep()
    if too_deep is not None:  # the file could not be read back (XML stops at 256 levels)
        raise UserError(too_deep)
    refs = defaultdict(list)
    for memo in memos:
        if memo.code_id is not None:
            refs[memo.code_id].append(memo.guid)

    def add(parent_id: int | None) -> None:
        for code in tree.children(parent_id):
            codable = not code.is_dimension or code.id in used
            xml.open(
                "Code",
                guid=code.guid,
                name=code.name,
                isCodable="true" if codable else "false",
                color=code.color.upper(),
            )
            if code.description:
                xml.text("Description", code.description)
            if notes:
                for note in refs[code.id]:
                    xml.empty("NoteRef", targetGUID=note)
            add(code.id)
            xml.close("Code")

    xml.open("Codes")
    add(None)
    xml.close("Codes")


def _code_sets(tree: Codebook) -> list[tuple[str, str, list[str]]]:
    """Sets for what a codebook has and REFI does not: exclusivity, shortcut keys."""
    groups: list[tuple[str, str, list[str]]] = []
    exclusive = [c.guid for c in tree.children(None) if c.exclusive]
    if exclusive:
        groups.append(
            (EXCLUSIVE_SET, "Dimensions whose codes exclude each other on a passage.", exclusive)
        )
    keys: dict[str, list[str]] = defaultdict(list)
    for code in tree.walk():
        if code.shortcut:
            keys[code.shortcut].append(code.guid)
    for key, guids in sorted(keys.items()):
        groups.append((KEY_SET + key, f"Codes applied with the key '{key}'.", guids))
    return groups


def _write_code_sets(
    xml: _Xml, project_guid: str, sets: list[tuple[str, str, list[str]]], member: str
) -> None:
    """The code sets as ``Set`` elements; ``member`` is the attribute naming each member code
    (``targetGUID`` in a project, ``guid`` in a codebook)."""
    for name, description, guids in sets:
        xml.open("Set", guid=derived(project_guid, name), name=name)
        xml.text("Description", description)
        for guid in guids:
            xml.empty("MemberCode", **{member: guid})
        xml.close("Set")


def _status_sets(content: ProjectContent, coders: dict[int, Coder]) -> list[tuple[str, list[str]]]:
    """Who has done, is doing or was assigned which article, as sets of sources."""
    groups: dict[str, list[str]] = defaultdict(list)
    guids = {d.id: d.guid for d in content.documents}
    for (document, coder), status in sorted(content.statuses.items()):
        if status in STATUS_SETS and coder in coders:
            groups[STATUS_SETS[status] + coders[coder].name].append(guids[document])
    for document, coder in sorted(content.assigned):
        if coder in coders:
            groups[ASSIGNED_SET + coders[coder].name].append(guids[document])
    return list(groups.items())


# A stored number: plain decimal notation, perhaps with an exponent (as imports check it).
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
#: The longest number written out digit by digit (a double's extremes take about 330).
MAX_DECIMAL = 1000


def decimal_text(value: str) -> str | None:
    """A stored number as xs:decimal writes it — no exponent, every digit kept, nothing
    rounded (``1.2e-07`` is ``0.00000012``) — or None if it is not a number, or would take
    more than :data:`MAX_DECIMAL` characters written out (``1e999999``)."""
    value = value.strip()
    if not _NUMBER.fullmatch(value):
        return None
    if "e" not in value and "E" not in value:
        return value  # already xs:decimal, digit for digit
    number = Decimal(value)
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # a finite number (the pattern has no inf or nan)
    # Measured before it is written: 1e999999999 must not fill the memory.
    if len(digits) + abs(exponent) + 2 > MAX_DECIMAL:
        return None
    return format(number, "f")


def _variable_kinds(
    variables: Sequence[Variable], values: Mapping[int, Mapping[str, str]], losses: list[str]
) -> dict[str, str]:
    """Each variable's REFI type. A number variable with a value xs:decimal cannot hold (not
    a number, or too long written out) goes out as text, whole, and the loss is named."""
    kinds = {v.name: VARIABLE_TYPES[v.type] for v in variables}
    for variable in variables:
        if variable.type is VariableType.CATEGORY:
            losses.append(f"variable '{variable.name}' is a category; REFI has it as text")
        if kinds[variable.name] != "Float":
            continue
        for own in values.values():
            value = own.get(variable.name, "")
            if value != "" and decimal_text(value) is None:
                kinds[variable.name] = "Text"
                shown = value if len(value) <= 40 else value[:39] + "…"
                losses.append(
                    f"variable '{variable.name}' is a number variable; REFI has it as text, as "
                    f"its value '{shown}' cannot be written as a decimal"
                )
                break
    return kinds


def build_project(content: ProjectContent) -> Exported:
    """The whole project as REFI-QDA (not yet written anywhere)."""
    tree = content.codebook
    code_guids = {c.id: c.guid for c in tree.walk()}
    coders = {c.id: c for c in content.coders}
    documents = content.documents
    codings: dict[int, list[Coding]] = defaultdict(list)
    for coding in content.codings:
        codings[coding.document_id].append(coding)
    used = {c.code_id for group in codings.values() for c in group}
    memos = content.memos
    losses: list[str] = []
    xml = _Xml()
    xml.open(
        "Project",
        xmlns=PROJECT_NS,
        name=content.name,
        origin=ORIGIN,
    )
    if coders:
        xml.open("Users")
        for coder in coders.values():
            xml.empty("User", guid=coder.guid, name=coder.name)
        xml.close("Users")
    if list(tree.walk()):
        xml.open("CodeBook")
        _codes(xml, tree, used, memos, notes=True)
        xml.close("CodeBook")
    variables = content.variables
    variable_guids = {v.name: derived(content.guid, f"variable/{v.name}") for v in variables}
    values = content.values
    kinds = _variable_kinds(variables, values, losses)
    # The standard has no field for where a coding came from, and a file must validate: a
    # search-made coding goes out as any other, and the loss is named.
    searched = sum(1 for group in codings.values() for c in group if c.origin is not None)
    for coder in coders.values():
        if coder.is_machine:  # a User has a name and nothing more
            losses.append(
                f"coder '{coder.name}' is a machine coder: REFI-QDA has no field for it, so "
                "it goes out as a user like any other (and comes back as a person)"
            )
    if searched:
        losses.append(
            f"which codings a search made ({searched}): REFI-QDA has no field for it, so they "
            "go out as codings like any other"
        )
    if variables:
        xml.open("Variables")
        for variable in variables:
            xml.empty(
                "Variable",
                guid=variable_guids[variable.name],
                name=variable.name,
                typeOfVariable=kinds[variable.name],
            )
        xml.close("Variables")
    document_notes = defaultdict(list)
    for memo in memos:
        if memo.document_id is not None:
            document_notes[memo.document_id].append(memo.guid)
    sources: dict[str, bytes] = {}
    # guid, name, text, user, created, modified
    notes: list[tuple[str, str, str, str | None, str | None, str | None]] = []
    selections = 0
    if documents:
        xml.open("Sources")
        for document in documents:
            text = content.text_of(document.id)
            filename = f"{document.guid}.txt"
            sources[filename] = text.encode("utf-8")
            xml.open(
                "TextSource",
                guid=document.guid,
                name=document.name,
                plainTextPath=f"internal://{filename}",
                creationDateTime=document.imported_at,
            )
            whole = []
            for coding in codings.get(document.id, []):
                user = coders[coding.coder_id].guid
                if coding.start is None or coding.end is None:
                    whole.append((coding, user))
                    continue
                selections += 1
                xml.open(
                    "PlainTextSelection",
                    guid=_sibling(coding.guid, _SELECTION),
                    name=_selection_name(text[coding.start : coding.end]),
                    startPosition=coding.start,
                    endPosition=coding.end,
                    creatingUser=user,
                    creationDateTime=coding.created_at,
                    modifiedDateTime=coding.updated_at,
                )
                _coding(xml, coding, user, code_guids, notes)
                xml.close("PlainTextSelection")
            for coding, user in whole:
                _coding(xml, coding, user, code_guids, notes)
            for note in document_notes[document.id]:
                xml.empty("NoteRef", targetGUID=note)
            for variable in variables:
                value = values.get(document.id, {}).get(variable.name, "")
                if value == "":
                    continue
                kind = kinds[variable.name]
                if kind == "Float":
                    value = decimal_text(value) or value  # checked by _variable_kinds
                xml.open("VariableValue")
                xml.empty("VariableRef", targetGUID=variable_guids[variable.name])
                xml.text(VALUE_ELEMENTS[kind], value)
                xml.close("VariableValue")
            xml.close("TextSource")
        xml.close("Sources")
    for memo in memos:
        author = coders[memo.coder_id].guid if memo.coder_id in coders else None
        notes.append(
            (
                memo.guid,
                f"Memo ({memo.target})",
                memo.text,
                author,
                memo.created_at,
                memo.updated_at,
            )
        )
    if notes:
        xml.open("Notes")
        # Both dates, as the standard's notes advise: an edited memo keeps when it was edited.
        for guid, title, body, author, time, modified in notes:
            xml.open(
                "Note",
                guid=guid,
                name=title,
                creatingUser=author,
                creationDateTime=time,
                modifyingUser=author,
                modifiedDateTime=modified,
            )
            xml.text("PlainTextContent", body)
            xml.close("Note")
        xml.close("Notes")
    code_sets, status_sets = _code_sets(tree), _status_sets(content, coders)
    if code_sets or status_sets:
        xml.open("Sets")
        _write_code_sets(xml, content.guid, code_sets, "targetGUID")
        for name, members in status_sets:
            xml.open("Set", guid=derived(content.guid, name), name=name)
            for guid in members:
                xml.empty("MemberSource", targetGUID=guid)
            xml.close("Set")
        xml.close("Sets")
    for memo in memos:
        if memo.target == "project":
            xml.empty("NoteRef", targetGUID=memo.guid)
    xml.close("Project")
    qde = xml.bytes()
    found = problems(etree.fromstring(qde, safe_parser()))
    if found:  # a bug of ours: never hand out an invalid file
        raise AssertionError(f"the REFI export is not valid: {found[0]}")
    return Exported(
        qde,
        sources,
        losses,
        {
            "articles": len(documents),
            "codes": len(tree.codes()),
            "coders": len(coders),
            "codings": sum(len(g) for g in codings.values()),
            "selections": selections,
            "notes": len(notes),
        },
    )


def _coding(
    xml: _Xml, coding: Coding, user: str, code_guids: dict[int, str], notes: list[Any]
) -> None:
    xml.open("Coding", guid=coding.guid, creatingUser=user, creationDateTime=coding.created_at)
    xml.empty("CodeRef", targetGUID=code_guids[coding.code_id])
    if coding.memo:
        guid = _sibling(coding.guid, _MEMO)
        notes.append((guid, "Coding memo", coding.memo, user, coding.updated_at, coding.updated_at))
        xml.empty("NoteRef", targetGUID=guid)
    xml.close("Coding")


def build_codebook(tree: Codebook, project_guid: str, used: Collection[int]) -> bytes:
    """The codebook as a .qdc file (valid against Codebook.xsd); ``used`` holds the ids of
    the codes applied at least once (a dimension that was is codable)."""
    if not list(tree.walk()):
        raise UserError("the codebook is empty: a .qdc file needs at least one code")
    xml = _Xml()
    xml.open("CodeBook", xmlns=CODEBOOK_NS, origin=ORIGIN)
    _codes(xml, tree, used, (), notes=False)
    groups = _code_sets(tree)
    if groups:
        xml.open("Sets")
        _write_code_sets(xml, project_guid, groups, "guid")  # Codebook.xsd names it so
        xml.close("Sets")
    xml.close("CodeBook")
    data = xml.bytes()
    found = problems(etree.fromstring(data, safe_parser()), codebook=True)
    if found:
        raise AssertionError(f"the codebook export is not valid: {found[0]}")
    return data
