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

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from annotator import __version__
from annotator.domain.errors import UserError
from annotator.domain.model import Coding, DocumentStatus, VariableType
from annotator.io.refi.schema import CODEBOOK_NS, PROJECT_NS, problems
from annotator.storage import Project

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


@dataclass
class Exported:
    """A project turned into REFI: the ``project.qde`` bytes, the text files by archive name,
    and what REFI could not carry (the data-loss report of spec §7)."""

    qde: bytes
    sources: dict[str, bytes]
    losses: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _element(parent: Any, tag: str, namespace: str = PROJECT_NS, **attributes: Any) -> Any:
    return etree.SubElement(
        parent,
        f"{{{namespace}}}{tag}",
        {k: str(v) for k, v in attributes.items() if v is not None},
    )


def _text(parent: Any, tag: str, text: str, namespace: str = PROJECT_NS) -> Any:
    element = _element(parent, tag, namespace)
    element.text = text
    return element


def _selection_name(text: str) -> str:
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1] + "…"


def _codes(parent: Any, project: Project, used: set[int], namespace: str) -> None:
    """The codebook tree as nested Codes; a dimension (never applied) is not codable."""
    tree = project.codebook.tree()
    notes = defaultdict(list)
    for memo in project.memos.all():
        if memo.code_id is not None:
            notes[memo.code_id].append(memo.guid)

    def add(container: Any, parent_id: int | None) -> None:
        for code in tree.children(parent_id):
            codable = not code.is_dimension or code.id in used
            element = _element(
                container,
                "Code",
                namespace,
                guid=code.guid,
                name=code.name,
                isCodable="true" if codable else "false",
                color=code.color.upper(),
            )
            if code.description:
                _text(element, "Description", code.description, namespace)
            if namespace == PROJECT_NS:
                for note in notes[code.id]:
                    _element(element, "NoteRef", targetGUID=note)
            add(element, code.id)

    add(_element(parent, "Codes", namespace), None)


def _code_sets(parent: Any, project: Project, namespace: str) -> int:
    """Sets for what a codebook has and REFI does not: exclusivity, shortcut keys."""
    tree = project.codebook.tree()
    member = "targetGUID" if namespace == PROJECT_NS else "guid"
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
    for name, description, guids in groups:
        element = _element(parent, "Set", namespace, guid=derived(project.guid, name), name=name)
        _text(element, "Description", description, namespace)
        for guid in guids:
            _element(element, "MemberCode", namespace, **{member: guid})
    return len(groups)


def build_project(project: Project) -> Exported:
    """The whole project as REFI-QDA (not yet written anywhere)."""
    tree = project.codebook.tree()
    code_guids = {c.id: c.guid for c in tree.walk()}
    coders = {c.id: c for c in project.coders.all()}
    documents = project.documents.all()
    codings: dict[int, list[Coding]] = defaultdict(list)
    for coding in project.codings.all():
        codings[coding.document_id].append(coding)
    used = {c.code_id for group in codings.values() for c in group}
    memos = project.memos.all()
    losses: list[str] = []

    root = etree.Element(
        f"{{{PROJECT_NS}}}Project",
        {"name": project.info("name") or Path(project.name).stem, "origin": ORIGIN},
        nsmap={None: PROJECT_NS},
    )
    if coders:
        users = _element(root, "Users")
        for coder in coders.values():
            _element(users, "User", guid=coder.guid, name=coder.name)
    if tree.codes():
        _codes(_element(root, "CodeBook"), project, used, PROJECT_NS)
    variables = project.documents.variables()
    variable_guids = {v.name: derived(project.guid, f"variable/{v.name}") for v in variables}
    if variables:
        container = _element(root, "Variables")
        for variable in variables:
            _element(
                container,
                "Variable",
                guid=variable_guids[variable.name],
                name=variable.name,
                typeOfVariable=VARIABLE_TYPES[variable.type],
            )
            if variable.type is VariableType.CATEGORY:
                losses.append(f"variable '{variable.name}' is a category; REFI has it as text")
    values = project.documents.all_values()
    document_notes = defaultdict(list)
    for memo in memos:
        if memo.document_id is not None:
            document_notes[memo.document_id].append(memo.guid)
    sources: dict[str, bytes] = {}
    notes: list[tuple[str, str, str, str | None, str]] = []  # guid, name, text, user, time
    selections = 0
    if documents:
        container = _element(root, "Sources")
        for document in documents:
            text = project.documents.text(document.id)
            filename = f"{document.guid}.txt"
            sources[filename] = text.encode("utf-8")
            source = _element(
                container,
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
                selection = _element(
                    source,
                    "PlainTextSelection",
                    guid=derived(coding.guid, "selection"),
                    name=_selection_name(text[coding.start : coding.end]),
                    startPosition=coding.start,
                    endPosition=coding.end,
                    creatingUser=user,
                    creationDateTime=coding.created_at,
                    modifiedDateTime=coding.updated_at,
                )
                _coding(selection, coding, user, code_guids, notes)
            for coding, user in whole:
                _coding(source, coding, user, code_guids, notes)
            for note in document_notes[document.id]:
                _element(source, "NoteRef", targetGUID=note)
            for variable in variables:
                value = values.get(document.id, {}).get(variable.name, "")
                if value == "":
                    continue
                holder = _element(source, "VariableValue")
                _element(holder, "VariableRef", targetGUID=variable_guids[variable.name])
                kind = VARIABLE_TYPES[variable.type]
                _text(holder, VALUE_ELEMENTS[kind], _decimal(value) if kind == "Float" else value)
    for memo in memos:
        author = coders[memo.coder_id].guid if memo.coder_id in coders else None
        notes.append((memo.guid, f"Memo ({memo.target})", memo.text, author, memo.created_at))
    if notes:
        container = _element(root, "Notes")
        for guid, title, body, author, time in notes:
            note = _element(
                container, "Note", guid=guid, name=title, creatingUser=author, creationDateTime=time
            )
            _text(note, "PlainTextContent", body)
    sets = _element(root, "Sets")
    count = _code_sets(sets, project, PROJECT_NS)
    count += _status_sets(sets, project, coders)
    if not count:
        root.remove(sets)
    for memo in memos:
        if memo.target == "project":
            _element(root, "NoteRef", targetGUID=memo.guid)
    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    found = problems(etree.fromstring(qde))
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
    parent: Any, coding: Coding, user: str, code_guids: dict[int, str], notes: list[Any]
) -> None:
    element = _element(
        parent, "Coding", guid=coding.guid, creatingUser=user, creationDateTime=coding.created_at
    )
    _element(element, "CodeRef", targetGUID=code_guids[coding.code_id])
    if coding.memo:
        guid = derived(coding.guid, "memo")
        notes.append((guid, "Coding memo", coding.memo, user, coding.updated_at))
        _element(element, "NoteRef", targetGUID=guid)


def _decimal(value: str) -> str:
    """A number as xsd:decimal writes it (no exponent)."""
    return format(float(value), "f").rstrip("0").rstrip(".") if "e" in value.lower() else value


def _status_sets(parent: Any, project: Project, coders: dict[int, Any]) -> int:
    """Who has done, is doing or was assigned which article, as sets of sources."""
    groups: dict[str, list[str]] = defaultdict(list)
    guids = {d.id: d.guid for d in project.documents.all()}
    for (document, coder), status in sorted(project.statuses.all().items()):
        if status in STATUS_SETS and coder in coders:
            groups[STATUS_SETS[status] + coders[coder].name].append(guids[document])
    for document, coder in sorted(project.statuses.assigned()):
        if coder in coders:
            groups[ASSIGNED_SET + coders[coder].name].append(guids[document])
    for name, members in groups.items():
        element = _element(parent, "Set", guid=derived(project.guid, name), name=name)
        for guid in members:
            _element(element, "MemberSource", targetGUID=guid)
    return len(groups)


def build_codebook(project: Project) -> bytes:
    """The codebook as a .qdc file (valid against Codebook.xsd)."""
    root = etree.Element(
        f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN}, nsmap={None: CODEBOOK_NS}
    )
    tree = project.codebook.tree()
    if not list(tree.walk()):
        raise UserError("the codebook is empty: a .qdc file needs at least one code")
    used = {c.code_id for c in project.codings.all()}
    _codes(root, project, used, CODEBOOK_NS)
    sets = _element(root, "Sets", CODEBOOK_NS)
    if not _code_sets(sets, project, CODEBOOK_NS):
        root.remove(sets)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    found = problems(etree.fromstring(data), codebook=True)
    if found:
        raise AssertionError(f"the codebook export is not valid: {found[0]}")
    return bytes(data)
