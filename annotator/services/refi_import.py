"""Reading a REFI-QDA .qdpx into the open project (merged like any package, in one
transaction), and a .qdc codebook into codebook specs."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.codebook import CodeSpec
from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import VariableType
from annotator.domain.text import normalise_text
from annotator.io.articles import MAX_FILE_BYTES
from annotator.io.packages import Package, PackageMemo
from annotator.io.refi.archive import Archive
from annotator.io.refi.reader import (
    RefiCode,
    RefiProject,
    RefiSource,
    decode_source,
    parse_xml,
    read_codes,
    read_project,
    schema_warnings,
)
from annotator.io.refi.schema import CODEBOOK_NS
from annotator.io.refi.writer import EXCLUSIVE_SET, KEY_SET
from annotator.io.variables_csv import check_value
from annotator.services.merge import MergeChoices, MergeReport, merge_package
from annotator.services.merge_sources import MAX_MERGE_TEXT
from annotator.services.refi_convert import FLAT_DIMENSION, FLAT_GUID, Converter
from annotator.storage import Project


@dataclass
class RefiImport:
    """A .qdpx read and turned into packages: one per coder, the articles' texts, what each
    article's offsets were read as, and what could not be carried."""

    packages: list[Package]
    texts: dict[str, tuple[str, str]]
    variables: dict[str, dict[str, tuple[str, str]]]  # sha → name → (type, value)
    models: dict[str, str]  # article → offset model
    warnings: list[str] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # code GUID → shortcut key
    #: The schema check still to run (see ``read_qdpx(validate=False)``).
    validate: Callable[[], list[str]] | None = None
    #: Notes without a user: memos of no coder, merged with the first package.
    coderless: list[PackageMemo] = field(default_factory=list)
    #: Notes with no text, skipped (not made empty memos).
    skipped_empty: int = 0


def read_qdpx(path: Path, *, validate: bool = True, text_limit: int = MAX_MERGE_TEXT) -> RefiImport:
    """Read a .qdpx archive (checked as hostile input) into packages and texts. A source over
    an article's limit (as on import) is left out and named; an archive whose sources hold
    more than ``text_limit`` bytes of text in all is refused. With ``validate=False`` the
    schema check is left to ``RefiImport.validate``."""
    with Archive(path) as archive:
        root, warnings = parse_xml(archive.project_xml(), path, validate=validate)
        refi = read_project(root, archive.warnings + warnings, path)
        sources = []
        budget = _Budget(path, text_limit)
        for source in refi.sources:
            raw = _source_text(archive, source, refi, budget)
            if raw is not None:
                sources.append((source, raw))
        _note_texts(archive, refi, budget)
    converter = Converter(refi, sources)
    keys = {
        guid: name[len(KEY_SET) :]
        for name, members, _ in refi.sets
        if name.startswith(KEY_SET)
        for guid in members
    }
    return RefiImport(
        converter.packages(),
        converter.texts,
        converter.variables,
        converter.models,
        refi.warnings,
        converter.losses,
        keys,
        None if validate else lambda: schema_warnings(root),
        converter.coderless,
        len(converter.empty_notes),
    )


class _Budget:
    """The text a .qdpx may bring in all, spent source by source: refused once it is passed,
    before more is read (a 400 KB archive can hold gigabytes of repeated letters)."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path, self.left, self.limit = path, limit, limit

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise BadFileError(
                self.path,
                f"holds more than {self.limit / 2**20:.0f} MB of article text, more than one "
                "merge brings in; split the project in the tool that made it",
            )


def _too_large(label: str) -> str:
    return (
        f"{label}: its text is more than {MAX_FILE_BYTES / 2**20:.0f} MB, the most an article "
        "may hold (import refuses such files)"
    )


def _shown(reference: str) -> str:
    """A file reference from the archive as a message may show it."""
    shown = "".join(c if c.isprintable() else "?" for c in reference)
    return shown if len(shown) <= 80 else shown[:79] + "…"


def _file_text(
    archive: Archive, label: str, reference: str, refi: RefiProject, budget: _Budget
) -> str | None:
    """The text of the archive's file ``reference`` (a source's or a note's, ``label`` in
    messages: ``'name'`` or ``note 'name'``) as it is, or None with the loss noted."""
    if not reference.startswith("internal://"):
        if "://" in reference:
            refi.skipped.append(
                f"{label}: its text is outside the archive ({_shown(reference)}); "
                "only the texts a .qdpx holds are read"
            )
            return None
        refi.warnings.append(f"{label}: a plain file name, {reference!r}")
    info = archive.find_source(reference)
    if info is None:
        refi.skipped.append(f"{label}: its text file is missing from the archive")
        return None
    if info.file_size > MAX_FILE_BYTES:  # as its header says: nothing read
        refi.skipped.append(_too_large(label))
        return None
    budget.spend(info.file_size)
    # A header that says less than the member holds is refused as it is read.
    data = archive.read(info, MAX_FILE_BYTES)
    budget.spend(len(data) - info.file_size)
    raw, problems = decode_source(data)
    refi.warnings.extend(f"{label} {p}" for p in problems)
    return raw


def _note_texts(archive: Archive, refi: RefiProject, budget: _Budget) -> None:
    """Give the notes whose text is a file of the archive (NVivo) that text."""
    for guid, (name, reference) in refi.note_files.items():
        label = f"note '{name}'"
        text = _file_text(archive, label, reference, refi, budget)
        if text is not None and "\x00" in text:  # UTF-16 without a byte-order mark, a binary
            refi.skipped.append(f"{label} holds NUL characters: not a text")
            text = None
        if text is None:  # named as not carried: not an empty note as well
            del refi.notes[guid]
        else:
            _, user, created, modified = refi.notes[guid]
            refi.notes[guid] = (normalise_text(text), user, created, modified)


def _source_text(
    archive: Archive, source: RefiSource, refi: RefiProject, budget: _Budget
) -> str | None:
    """A source's text as it is in the archive (or inline), or None with the loss noted."""
    if source.text_path:
        return _file_text(archive, f"'{source.name}'", source.text_path, refi, budget)
    if source.content is not None:
        size = len(source.content) if source.content.isascii() else len(source.content.encode())
        if size > MAX_FILE_BYTES:
            refi.skipped.append(_too_large(f"'{source.name}'"))
            return None
        budget.spend(size)
        return source.content
    refi.skipped.append(f"'{source.name}' has no text")
    return None


def merge_qdpx(
    project: Project, path: Path, choices: MergeChoices | None = None
) -> tuple[list[MergeReport], RefiImport]:
    """Import a .qdpx into the project in one transaction: its articles (unless the choice
    is to skip those the project lacks), its codebook, one coder per user and their codings."""
    found = read_qdpx(path, validate=False)
    return merge_read_qdpx(project, found, path.name, choices), found


def merge_read_qdpx(
    project: Project, found: RefiImport, source: str, choices: MergeChoices | None = None
) -> list[MergeReport]:
    """Merge a .qdpx already read (``read_qdpx(validate=False)``) in one transaction."""
    choices = choices or MergeChoices()
    choices = MergeChoices(
        "skip" if choices.articles == "skip" else "import",
        "add" if choices.codes == "fail" else choices.codes,
        choices.coder,
    )
    # The schema check only warns: it runs beside the writing, which spends its time in
    # SQLite, outside the interpreter lock (the parsed tree is no longer touched here).
    with ThreadPoolExecutor(1) as pool:
        checked = pool.submit(found.validate) if found.validate else None
        with project.transaction(), project.codebook.acting(f"REFI-QDA import {source}"):
            reports = [
                merge_package(
                    project,
                    package,
                    choices,
                    source=source,
                    texts=found.texts,
                    coderless=found.coderless if n == 0 else (),
                )
                for n, package in enumerate(found.packages)
            ]
            _set_variables(project, found)
            _set_keys(project, found.keys)
        if checked is not None:
            found.warnings += checked.result()
    if not reports:  # nothing anyone could merge: the report still says what was left out
        reports = [MergeReport(source, "")]
    first = reports[0]
    first.memos_skipped_empty = found.skipped_empty
    # Lines of their own: appended to the first coder's line they read as that coder's memos.
    first.notes = (
        [f"{first.memos_no_coder} memos of no coder (notes no user signed)"]
        * bool(first.memos_no_coder)
        + [f"skipped-empty: {found.skipped_empty} notes with no text"] * bool(found.skipped_empty)
        + [f"offsets of '{name}' read as {model}" for name, model in found.models.items()]
        + [f"warning: {w}" for w in found.warnings]
        + [f"not carried: {loss}" for loss in found.losses]
    )
    return reports


def _set_variables(project: Project, found: RefiImport) -> None:
    """Give the articles the file's variable values they lack, each checked as any import
    checks it: a new variable whose values do not all fit the file's type (an Integer
    holding 'many', or two variables of one name and two types) comes in as text; a value the
    project's own variable cannot hold is left out, and each is named."""
    names = {document.sha256: document.name for document in project.documents.all()}
    kinds: dict[str, VariableType] = {}
    for values in found.variables.values():
        for name, (kind, value) in values.items():
            if project.documents.variable(name) is not None or kinds.get(name) is VariableType.TEXT:
                continue
            declared = VariableType(kind)
            if name in kinds and kinds[name] is not declared:  # two variables of one name
                found.losses.append(
                    f"variable '{name}' is of two types in the file ({kinds[name].value} and "
                    f"{declared.value}): it comes in as text"
                )
                kinds[name] = VariableType.TEXT
                continue
            kinds[name] = declared
            if _checked(value, kinds[name]) is None:
                kinds[name] = VariableType.TEXT
                found.losses.append(
                    f"variable '{name}' is a {kind} variable in the file but holds "
                    f"'{_shown(value)}': it comes in as text"
                )
    for sha, values in found.variables.items():
        document = project.documents.by_sha256(sha)
        if document is None or not values:
            continue
        have = project.documents.values(document.id)
        new: dict[int, str | None] = {}
        for name, (_, value) in values.items():
            if name in have:
                continue
            variable = project.documents.variable(name) or project.documents.define_variable(
                name, kinds[name]
            )
            checked = _checked(value, variable.type)
            if checked is None:
                found.losses.append(
                    f"'{names.get(sha, document.name)}': variable '{name}' "
                    f"({variable.type.value}): {_why(value, variable.type)}"
                )
                continue
            new[variable.id] = checked
        if new:
            project.documents.set_values(document.id, new)


# A zone xsd:date allows and a date of ours does not hold: 2024-05-01Z, 2024-05-01+02:00.
_DATE_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})$")


def _checked(value: str, kind: VariableType) -> str | None:
    """The value as a variable of ``kind`` stores it, or None if it does not fit."""
    if kind is VariableType.DATE:
        value = _DATE_ZONE.sub(r"\1", value.strip())
    try:
        return check_value(value, kind)
    except UserError:
        return None


def _why(value: str, kind: VariableType) -> str:
    try:
        check_value(value, kind)
    except UserError as error:
        return str(error)
    return "does not fit"


def _set_keys(project: Project, keys: dict[str, str]) -> None:
    for guid, key in keys.items():
        code = project.codebook.by_guid(guid)
        if code is not None and code.shortcut != key:
            with contextlib.suppress(UserError):
                project.codebook.update(code.id, shortcut=key)


def read_qdc(path: Path, warnings: list[str] | None = None) -> list[CodeSpec]:
    """A .qdc codebook as codebook specs (to merge by path, as any codebook file); what was
    tolerated (a variant namespace, a BOM, schema problems) is added to ``warnings``."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    if len(data) > 50 * 2**20:
        raise BadFileError(path, "is larger than a codebook may be (50 MB)")
    warnings = [] if warnings is None else warnings
    root, found = parse_xml(data, path, codebook=True)
    warnings += found
    container = root.find(f"{{{CODEBOOK_NS}}}Codes")
    if container is None:
        raise BadFileError(path, "has no Codes: it is not a REFI-QDA codebook")
    codes = read_codes(container, CODEBOOK_NS, warnings, path)
    exclusive = set()
    keys: dict[str, str] = {}
    for element in root.iterfind(f"{{{CODEBOOK_NS}}}Sets/{{{CODEBOOK_NS}}}Set"):
        members = [m.get("guid", "").strip("{}").lower() for m in element]
        name = element.get("name") or ""
        if name == EXCLUSIVE_SET:
            exclusive.update(members)
        elif name.startswith(KEY_SET):
            keys.update({m: name[len(KEY_SET) :] for m in members})

    def spec(code: RefiCode) -> CodeSpec:
        return CodeSpec(
            name=code.name,
            color=code.color,
            shortcut=keys.get(code.guid),
            description=code.description,
            exclusive=code.guid in exclusive,
            guid=code.guid,
            children=[spec(c) for c in code.children],
        )

    specs = [spec(c) for c in codes if c.children]
    flat = [spec(c) for c in codes if not c.children]
    if flat:
        specs.append(CodeSpec(name=FLAT_DIMENSION, guid=FLAT_GUID, children=flat))
    return specs
