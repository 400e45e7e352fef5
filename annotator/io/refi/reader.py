"""Reading REFI-QDA projects and codebooks from any producer, leniently: namespace variants,
BOMs, ``Sources/``, a ``.qde`` not named project.qde, invalid-but-parseable files (each with a
warning) — and strictly on security: no DTD, no entity, nothing fetched.

Text offsets are the main trap (../shared/docs/refi-qda.md §6): NVivo counts UTF-16 units and
CRLF as two, ATLAS.ti counts CRLF as one, most others count code points of the file as it is.
Each article's offsets are read under the model that best reproduces its selections' names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from annotator.domain.codebook import MAX_DEPTH
from annotator.domain.errors import BadFileError
from annotator.domain.text import normalise_text
from annotator.io.refi.schema import CODEBOOK_NS, COLOR, PROJECT_NS, problems, safe_parser

_VARIANT = re.compile(r"^urn:QDA-XML:(project|codebook):[0-9.:]+$")


def _declares_dtd(data: bytes) -> bool:
    """Whether a DOCTYPE stands in the prolog (the only place it can be): past the XML
    declaration, processing instructions, comments and white space, before the root."""
    position = 0
    while True:
        while position < len(data) and data[position] in b" \t\r\n":
            position += 1
        if data.startswith(b"<?", position):
            closing = b"?>"
        elif data.startswith(b"<!--", position):
            closing = b"-->"
        else:
            return data.startswith(b"<!DOCTYPE", position)
        end = data.find(closing, position)
        if end < 0:
            return False
        position = end + len(closing)


@dataclass
class RefiCode:
    guid: str
    name: str
    color: str | None
    description: str
    codable: bool
    children: list[RefiCode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# A Coding: its GUID, the code's GUID, the coder's, when, and the notes it refers to.
RefiCoding = tuple[str, str, str | None, str | None, list[str]]


@dataclass
class RefiSelection:
    guid: str
    start: int
    end: int
    name: str
    user: str | None
    created: str | None
    modified: str | None
    description: str
    codings: list[
        tuple[str, str, str | None, str | None, list[str]]
    ]  # guid, code, user, time, notes
    notes: list[str]


@dataclass
class RefiSource:
    guid: str
    name: str
    text_path: str | None
    content: str | None
    description: str
    selections: list[RefiSelection]
    codings: list[RefiCoding]
    notes: list[str]
    values: dict[str, str]  # variable GUID → value


@dataclass
class RefiProject:
    origin: str
    default_user: str | None
    users: dict[str, str]
    codes: list[RefiCode]
    variables: dict[str, tuple[str, str]]  # GUID → name, type
    sources: list[RefiSource]
    # GUID → text, user, created, modified
    notes: dict[str, tuple[str, str | None, str | None, str | None]]
    sets: list[tuple[str, list[str], list[str]]]  # name, member codes, member sources
    project_notes: list[str]
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: The project's own Description (a project memo in the standard's reading), and what
    #: names the project across imports (it has no GUID): its name and creation time.
    description: str = ""
    identity: str = ""
    modified: str | None = None
    #: Notes whose text is a file of the archive (NVivo): GUID → its name and reference.
    note_files: dict[str, tuple[str, str]] = field(default_factory=dict)


def guid_of(text: str | None) -> str:
    if not text:
        return ""
    if len(text) == 36 and text.islower():  # the usual form: nothing to do
        return text
    return text.strip().strip("{}").lower()


def parse_xml(
    data: bytes, where: Any, *, codebook: bool = False, validate: bool = True
) -> tuple[Any, list[str]]:
    """The document's root in the 1.0 namespace, and warnings. A DTD or entity is refused.
    ``validate=False`` leaves the schema check to :func:`schema_warnings`, for later."""
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        warnings.append("the XML starts with a byte-order mark")
    if _declares_dtd(data):
        raise BadFileError(where, "declares a DTD or entities (REFI-QDA never does)")
    try:
        tree = etree.fromstring(data, safe_parser()).getroottree()
    except etree.XMLSyntaxError as error:
        if "Excessive depth" in str(error):  # libxml2 stops at 256 levels of elements
            raise BadFileError(
                where, f"nests elements more than 256 deep ({error}); codes may nest 100 levels"
            ) from None
        raise BadFileError(where, f"is not well-formed XML ({error})") from None
    # The parser resolves no entity and loads no DTD; a file that declares one is refused.
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise BadFileError(where, "declares a DTD or entities (REFI-QDA never does)")
    root = tree.getroot()
    expected = CODEBOOK_NS if codebook else PROJECT_NS
    namespace = etree.QName(root).namespace
    if namespace != expected:
        if namespace is None or _VARIANT.match(namespace):
            warnings.append(f"namespace '{namespace or 'none'}' read as {expected}")
            root = _renamespace(root, namespace, expected)
        else:
            raise BadFileError(where, f"is not a REFI-QDA file (namespace {namespace})")
    if validate:
        warnings += schema_warnings(root, codebook=codebook)
    return root, warnings


def schema_warnings(root: Any, *, codebook: bool = False) -> list[str]:
    """A warning if the document does not follow the schema (it is read anyway)."""
    found = problems(root, codebook=codebook)
    return [f"not valid against the REFI-QDA schema ({found[0]}); read anyway"] if found else []


def _renamespace(root: Any, old: str | None, new: str) -> Any:
    for element in root.iter():
        if isinstance(element.tag, str):
            local = etree.QName(element).localname
            element.tag = f"{{{new}}}{local}"
    etree.cleanup_namespaces(root)
    return etree.fromstring(etree.tostring(root), safe_parser())


def _q(name: str, ns: str = PROJECT_NS) -> str:
    return f"{{{ns}}}{name}"


def _child_text(element: Any, name: str, ns: str = PROJECT_NS) -> str:
    child = element.find(_q(name, ns))
    return (child.text or "").strip() if child is not None else ""


def read_codes(
    container: Any, ns: str, warnings: list[str], where: Any = "codebook"
) -> list[RefiCode]:
    """The ``Code`` elements below ``container`` as trees, without recursion; a codebook nested
    deeper than :data:`MAX_DEPTH` levels is refused (``where`` names the file)."""
    codes: list[RefiCode] = []
    pending: list[tuple[Any, list[RefiCode], int]] = [(container, codes, 0)]
    while pending:
        parent, siblings, depth = pending.pop()
        for element in parent.iterchildren(_q("Code", ns)):
            if depth + 1 > MAX_DEPTH:
                name = (element.get("name") or "").strip() or "(unnamed)"
                raise BadFileError(
                    where,
                    f"nests codes more than {MAX_DEPTH} levels deep, the most a codebook may "
                    f"(line {element.sourceline}, code '{name}')",
                )
            color = element.get("color")
            if color is not None and not COLOR.match(color):
                color = _color(color, warnings, element.get("name", "?"))
            code = RefiCode(
                guid_of(element.get("guid")),
                (element.get("name") or "").strip() or "(unnamed)",
                color,
                _child_text(element, "Description", ns),
                element.get("isCodable", "true").strip() in ("true", "1"),
                [],
                [guid_of(n.get("targetGUID")) for n in element.findall(_q("NoteRef", ns))],
            )
            siblings.append(code)
            pending.append((element, code.children, depth + 1))
    return codes


def _color(value: str, warnings: list[str], name: str) -> str | None:
    value = value.strip()
    if re.fullmatch(r"#[0-9A-Fa-f]{8}", value):
        warnings.append(f"code '{name}': colour {value} has transparency, dropped")
        return value[:7]
    match = re.fullmatch(r"rgb\((\d+),\s*(\d+),\s*(\d+)\)", value)
    if match and all(0 <= int(g) < 256 for g in match.groups()):
        warnings.append(f"code '{name}': colour {value} read as hex")
        return "#" + "".join(f"{int(g):02X}" for g in match.groups())
    warnings.append(f"code '{name}': colour '{value}' is not a colour; a new one is given")
    return None


_CODING, _CODEREF, _NOTEREF, _DESCRIPTION, _SELECTION = (
    f"{{{PROJECT_NS}}}{tag}"
    for tag in ("Coding", "CodeRef", "NoteRef", "Description", "PlainTextSelection")
)


def _coding(coding: Any) -> RefiCoding | None:
    code, notes = None, []
    for child in coding:
        if child.tag == _CODEREF:
            code = guid_of(child.get("targetGUID"))
        elif child.tag == _NOTEREF:
            notes.append(guid_of(child.get("targetGUID")))
    if code is None:
        return None
    return (
        guid_of(coding.get("guid")),
        code,
        guid_of(coding.get("creatingUser")) or None,
        coding.get("creationDateTime"),
        notes,
    )


def _codings(element: Any) -> list[RefiCoding]:
    found = (_coding(child) for child in element if child.tag == _CODING)
    return [coding for coding in found if coding is not None]


def _selection(selection: Any, start: int, end: int) -> RefiSelection:
    """A PlainTextSelection, its children read in one pass."""
    description, codings, notes = "", [], []
    for child in selection:
        tag = child.tag
        if tag == _CODING:
            coding = _coding(child)
            if coding is not None:
                codings.append(coding)
        elif tag == _NOTEREF:
            notes.append(guid_of(child.get("targetGUID")))
        elif tag == _DESCRIPTION:
            description = (child.text or "").strip()
    get = selection.get
    return RefiSelection(
        guid_of(get("guid")),
        start,
        end,
        get("name") or "",
        guid_of(get("creatingUser") or get("modifyingUser")) or None,
        get("creationDateTime"),
        get("modifiedDateTime"),
        description,
        codings,
        notes,
    )


def _integer(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


# What carries a GUID that becomes one of ours (a coder, a code, an article, a coding, a memo,
# a variable): each must be unique — REFI requires it, and a second one would be written twice.
_UNIQUE = {
    "User": "user",
    "Code": "code",
    "Variable": "variable",
    "PlainTextSelection": "selection",
    "Coding": "coding",
    "Note": "note",
}
_SOURCE_KINDS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")


def refuse_duplicate_guids(root: Any, where: Any) -> None:
    """Refuse a project that gives two users, codes, sources, selections, codings, notes or
    variables one GUID (compared as GUIDs are: without braces or case)."""
    kinds = dict(_UNIQUE) | dict.fromkeys(_SOURCE_KINDS, "source")
    seen: dict[tuple[str, str], int | None] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        kind = kinds.get(etree.QName(element).localname)
        guid = guid_of(element.get("guid"))
        if kind is None or not guid:
            continue
        if (kind, guid) in seen:
            lines = sorted({seen[(kind, guid)] or 0, element.sourceline or 0})
            at = " and ".join(str(n) for n in lines if n)
            plural = "s" if " and " in at else ""
            raise BadFileError(
                where, f"gives two {kind}s the GUID {guid}" + (f" (line{plural} {at})" * bool(at))
            )
        seen[(kind, guid)] = element.sourceline


def read_project(root: Any, warnings: list[str], where: Any = "project.qde") -> RefiProject:
    """Everything annotator can take from a project.qde (texts are read separately); a
    project that gives two of its users, codes, sources, codings… one GUID is refused."""
    refuse_duplicate_guids(root, where)
    users = {
        guid_of(u.get("guid")): (u.get("name") or "").strip() or "unnamed user"
        for u in root.iterfind(f"{_q('Users')}/{_q('User')}")
    }
    codebook = root.find(f"{_q('CodeBook')}/{_q('Codes')}")
    codes = read_codes(codebook, PROJECT_NS, warnings, where) if codebook is not None else []
    variables = {
        guid_of(v.get("guid")): (v.get("name") or "variable", v.get("typeOfVariable") or "Text")
        for v in root.iterfind(f"{_q('Variables')}/{_q('Variable')}")
    }
    skipped: list[str] = []
    sources = []
    container = root.find(_q("Sources"))
    for element in container if container is not None else []:
        kind = etree.QName(element).localname
        if kind != "TextSource":
            skipped.append(f"{kind} '{element.get('name', '')}': only text sources are read")
            continue
        selections = []
        for selection in element.iterchildren(_SELECTION):
            start = _integer(selection.get("startPosition"))
            end = _integer(selection.get("endPosition"))
            if start is None or end is None:
                skipped.append(f"a selection in '{element.get('name')}' has no valid positions")
                continue
            selections.append(_selection(selection, start, end))
        values = {}
        for holder in element.findall(_q("VariableValue")):
            ref = holder.find(_q("VariableRef"))
            value = next((c for c in holder if etree.QName(c).localname.endswith("Value")), None)
            if ref is not None and value is not None and (value.text or "").strip():
                values[guid_of(ref.get("targetGUID"))] = value.text.strip()
        content = element.find(_q("PlainTextContent"))
        sources.append(
            RefiSource(
                guid_of(element.get("guid")),
                (element.get("name") or "").strip() or "article",
                element.get("plainTextPath"),
                content.text if content is not None else None,
                _child_text(element, "Description"),
                selections,
                _codings(element),
                [guid_of(n.get("targetGUID")) for n in element.findall(_q("NoteRef"))],
                values,
            )
        )
    # NVivo and Quirkos put document variables on a Case that points at one source.
    for case in root.iterfind(f"{_q('Cases')}/{_q('Case')}"):
        refs = case.findall(_q("SourceRef"))
        if len(refs) == 1:
            target = guid_of(refs[0].get("targetGUID"))
            for source in sources:
                if source.guid == target:
                    for holder in case.findall(_q("VariableValue")):
                        ref = holder.find(_q("VariableRef"))
                        value = next(
                            (c for c in holder if etree.QName(c).localname.endswith("Value")), None
                        )
                        if ref is not None and value is not None and (value.text or "").strip():
                            source.values[guid_of(ref.get("targetGUID"))] = value.text.strip()
        else:
            skipped.append(f"case '{case.get('name', '')}' (cases are not kept)")
    notes = {}
    note_files = {}
    for note in root.iterfind(f"{_q('Notes')}/{_q('Note')}"):
        content = note.find(_q("PlainTextContent"))
        if content is None and note.get("plainTextPath"):  # the text is a file (NVivo)
            note_files[guid_of(note.get("guid"))] = (
                (note.get("name") or "").strip() or "note",
                note.get("plainTextPath") or "",
            )
        notes[guid_of(note.get("guid"))] = (
            (content.text or "") if content is not None else "",
            guid_of(note.get("creatingUser")) or None,
            note.get("creationDateTime"),
            note.get("modifiedDateTime") or note.get("creationDateTime"),
        )
    sets = [
        (
            s.get("name") or "",
            [guid_of(m.get("targetGUID")) for m in s.findall(_q("MemberCode"))],
            [guid_of(m.get("targetGUID")) for m in s.findall(_q("MemberSource"))],
        )
        for s in root.iterfind(f"{_q('Sets')}/{_q('Set')}")
    ]
    for kind in ("Links", "Graphs"):
        if root.find(_q(kind)) is not None:
            skipped.append(f"{kind.lower()} (not kept)")
    return RefiProject(
        origin=root.get("origin") or "",
        default_user=guid_of(root.get("creatingUserGUID")) or None,
        users=users,
        codes=codes,
        variables=variables,
        sources=sources,
        notes=notes,
        sets=sets,
        project_notes=[guid_of(n.get("targetGUID")) for n in root.findall(_q("NoteRef"))],
        warnings=warnings,
        skipped=skipped,
        description=_child_text(root, "Description"),
        identity=f"{root.get('name') or ''}/{root.get('creationDateTime') or ''}",
        modified=root.get("modifiedDateTime") or root.get("creationDateTime"),
        note_files=note_files,
    )


# -- text and offsets ------------------------------------------------------------------------


# UTF-32 first: its little-endian mark begins with UTF-16's.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_source(data: bytes) -> tuple[str, list[str]]:
    """A source file's text as it is (line ends untouched), without one leading BOM; UTF-8
    (else Windows-1252), or UTF-16/UTF-32 where a byte-order mark says so."""
    warnings = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for bom, encoding in _WIDE_BOMS:  # the standard says UTF-8; a byte-order mark says not
        if data.startswith(bom):
            warnings.append(f"is {encoding.upper()[:6]}, not UTF-8; read as such")
            return data[len(bom) :].decode(encoding, errors="replace"), warnings
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append("is not UTF-8; read as Windows-1252")
    return text, warnings


Mapper = Callable[[int], int | None]
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral(text: str) -> list[int]:
    """Code-point positions of characters that take two UTF-16 units."""
    return [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]


def _mappers(raw: str) -> dict[str, Mapper]:
    """Each offset model: a map from its units to code points of the text with LF endings."""
    crlf = [m.start() for m in re.finditer("\r\n", raw)]  # positions of \r in CRLF pairs
    canonical = normalise_text(raw)
    raw_astral = _astral(raw)
    lf_astral = _astral(canonical)

    def from_utf16(astral: list[int], length: int) -> Mapper:
        ends = [p + k + 2 for k, p in enumerate(astral)]  # UTF-16 index after each astral

        def convert(unit: int) -> int | None:
            k = bisect_left(ends, unit + 1) if ends else 0
            point = unit - k
            # inside a surrogate pair: not a character boundary
            if k < len(ends) and unit == ends[k] - 1:
                return None
            return point if 0 <= point <= length else None

        return convert

    def raw_to_lf(point: int | None) -> int | None:
        if point is None or not 0 <= point <= len(raw):
            return None
        if not crlf:  # the usual text: nothing to shift
            return point
        if point > 0 and point - 1 in crlf_set and point < len(raw) and raw[point - 1] == "\r":
            return None  # between \r and \n
        return point - bisect_left(crlf, point)

    crlf_set = set(crlf)
    utf16_raw = from_utf16(raw_astral, len(raw))
    utf16_lf = from_utf16(lf_astral, len(canonical))
    return {
        "code points": lambda u: raw_to_lf(u),
        "UTF-16 units": lambda u: raw_to_lf(utf16_raw(u)),
        "code points, CRLF as one": lambda u: u if 0 <= u <= len(canonical) else None,
        "UTF-16 units, CRLF as one": lambda u: utf16_lf(u),
    }


def _default_model(origin: str) -> str:
    """What a producer is known to count (../shared/docs/refi-qda.md §6)."""
    lowered = origin.lower()
    if "nvivo" in lowered:
        return "UTF-16 units"
    if "atlas" in lowered:
        return "code points, CRLF as one"
    return "code points"


def choose_model(
    raw: str, selections: list[RefiSelection], origin: str
) -> tuple[str, Mapper, float]:
    """The offset model under which most selection names equal their text (ties: most in
    range); without names, the producer's known model. Returns its name, map and score."""
    canonical = normalise_text(raw)
    mappers = _mappers(raw)
    named = [s for s in selections if s.name.strip()]
    if not named:
        default = _default_model(origin)
        return default, mappers[default], 0.0
    best: tuple[float, float, str] | None = None
    order = sorted(mappers, key=lambda name: name != _default_model(origin))
    for name in order:
        mapper = mappers[name]
        matched = in_range = 0
        for s in named:
            a, b = mapper(s.start), mapper(s.end)
            if a is None or b is None or a > b:
                continue
            in_range += 1
            if _same(canonical[a:b], s.name):
                matched += 1
        score = (matched / len(named), in_range / len(named), name)
        if best is None or score[:2] > best[:2]:
            best = score
        if matched == len(named):  # every name reproduced: no model can do better
            break
    assert best is not None
    return best[2], mappers[best[2]], best[0]


def _same(text: str, name: str) -> bool:
    if text == name:
        return True
    if name.endswith("…") and text.startswith(name[:-1]):
        return True
    return " ".join(text.split()) == " ".join(name.split())
