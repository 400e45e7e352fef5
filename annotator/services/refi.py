"""REFI-QDA in and out of a project.

Export writes a .qdpx (or a .qdc codebook) valid against the bundled schemas. Import reads a
.qdpx from any producer into the open project as one coder package per user, merged like any
package (one transaction; GUIDs and text hashes as keys; conflicts listed), after turning the
producer's offsets into ours; what could not be carried is reported.
"""

from __future__ import annotations

import contextlib
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from annotator.domain.codebook import CodeSpec, join_path, name_key, split_path
from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import utc_now
from annotator.domain.text import normalise_text, text_sha256
from annotator.io.output import check_output, open_output
from annotator.io.packages import (
    Package,
    PackageCode,
    PackageCoding,
    PackageDocument,
    PackageMemo,
    PackageStatus,
)
from annotator.io.refi.archive import Archive
from annotator.io.refi.reader import (
    RefiCode,
    RefiProject,
    RefiSource,
    choose_model,
    decode_source,
    parse_xml,
    read_codes,
    read_project,
    schema_warnings,
)
from annotator.io.refi.schema import CODEBOOK_NS
from annotator.io.refi.writer import (
    ASSIGNED_SET,
    EXCLUSIVE_SET,
    KEY_SET,
    NAMESPACE,
    SET_PREFIX,
    STATUS_SETS,
    Exported,
    ProjectContent,
    build_codebook,
    build_project,
)
from annotator.services.merge import MergeChoices, MergeReport, merge_package
from annotator.storage import Project

FLAT_DIMENSION = "Imported codes"
#: The variable holding the names of another tool's sets an article belongs to.
DOCUMENT_SET = "document set"
FLAT_GUID = str(uuid.uuid5(NAMESPACE, "imported codes"))
REFI_TYPES = {"Integer": "number", "Float": "number", "Date": "date"}


def project_content(project: Project) -> ProjectContent:
    """What a .qdpx export holds, read from the project as plain values."""
    return ProjectContent(
        name=project.info("name") or Path(project.name).stem,
        guid=project.guid,
        codebook=project.codebook.tree(),
        coders=project.coders.all(),
        documents=project.documents.all(),
        text_of=project.documents.text,
        codings=list(project.codings.all()),
        memos=project.memos.all(),
        variables=project.documents.variables(),
        values=project.documents.all_values(),
        statuses=project.statuses.all(),
        assigned=project.statuses.assigned(),
    )


def export_qdpx(project: Project, path: Path) -> Exported:
    """Write the project as a .qdpx archive; returns what was written and what was lost."""
    check_output(path, [project.path])  # refused before the archive is built
    exported = build_project(project_content(project))
    with (
        open_output(path, binary=True, protect=[project.path]) as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr("project.qde", exported.qde)
        for name, data in exported.sources.items():
            archive.writestr(f"sources/{name}", data)
    return exported


def export_qdc(project: Project, path: Path) -> int:
    """Write the codebook as a .qdc file; returns the number of codes."""
    tree = project.codebook.tree()
    used = {code for code, _, _ in project.codings.usage_by_code()}
    data = build_codebook(tree, project.guid, used)
    with open_output(path, binary=True, protect=[project.path]) as handle:
        handle.write(data)
    return len(list(tree.walk()))


# -- import ----------------------------------------------------------------------------------


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


@lru_cache(maxsize=65536)
def _time(value: str | None) -> str:
    """An xsd:dateTime as our UTC text (without a zone: taken as UTC; missing or odd: now)."""
    if not value:
        return utc_now()
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return utc_now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _code_paths(
    refi: RefiProject, used: set[str], warnings: list[str]
) -> tuple[list[PackageCode], dict[str, str], list[str]]:
    """Our codebook from REFI's tree: a top-level code with children is a dimension, the
    others go into one dimension of their own; a dimension's own codings move to a code
    below it. Names are taken as they are (any character: paths escape them); the hierarchy
    comes from the nesting alone. Returns the codes (parents first), REFI code GUID → our code
    GUID, losses."""
    exclusive = {g for name, codes, _ in refi.sets if name == EXCLUSIVE_SET for g in codes}
    codes: list[PackageCode] = []
    target: dict[str, str] = {}
    losses: list[str] = []

    def add(top: RefiCode, parents: tuple[str, ...], siblings: set[str]) -> str:
        """Add ``top`` and everything below it, parents first (without recursion); return the
        name ``top`` is added under."""
        pending = [(top, parents, siblings)]
        added_as = ""
        while pending:
            code, above, names = pending.pop()
            name, number = code.name, 2
            while name_key(name) in names:
                name = f"{code.name} ({number})"
                number += 1
            if name != code.name:
                warnings.append(f"code '{join_path((*above, code.name))}' appears twice: renamed")
            names.add(name_key(name))
            added_as = added_as or name
            path = (*above, name)
            codes.append(
                PackageCode(
                    code.guid,
                    join_path(path),
                    code.color or "",
                    code.description,
                    code.guid in exclusive,
                )
            )
            target[code.guid] = code.guid
            children: set[str] = set()
            pending.extend((child, path, children) for child in reversed(code.children))
        return added_as

    top: set[str] = set()
    flat = [c for c in refi.codes if not c.children]
    for code in refi.codes:
        if not code.children:
            continue
        dimension = add(code, (), top)
        if code.guid in used:  # codings of the dimension itself
            own = str(uuid.uuid5(NAMESPACE, f"{code.guid}/itself"))
            codes.append(PackageCode(own, join_path((dimension, code.name)), "", ""))
            target[code.guid] = own
            losses.append(
                f"codings of '{code.name}' itself are on '{join_path((dimension, code.name))}' "
                "(annotator applies the codes below a dimension)"
            )
    if flat:
        if name_key(FLAT_DIMENSION) in top:
            raise UserError(f"the file has a top-level code named '{FLAT_DIMENSION}'")
        codes.insert(0, PackageCode(FLAT_GUID, FLAT_DIMENSION, "", ""))
        inside: set[str] = set()
        for code in flat:
            add(code, (FLAT_DIMENSION,), inside)
    return _parents_first(codes), target, losses


def _parents_first(codes: list[PackageCode]) -> list[PackageCode]:
    return sorted(codes, key=lambda c: len(split_path(c.path)))


def _all_codes(codes: list[RefiCode]) -> list[RefiCode]:
    """Every code of these trees, parents first (without recursion)."""
    found, pending = [], list(reversed(codes))
    while pending:
        code = pending.pop()
        found.append(code)
        pending.extend(reversed(code.children))
    return found


def _notes(refi: RefiProject, guids: list[str]) -> list[str]:
    if not guids:
        return []
    return [refi.notes[n][0] for n in guids if n in refi.notes]


class _Converter:
    """Turns a read REFI project into one package per user (see :func:`read_qdpx`)."""

    def __init__(self, refi: RefiProject, sources: list[tuple[RefiSource, str]]) -> None:
        self.refi = refi
        self.warnings = refi.warnings
        self.losses = list(refi.skipped)
        self.per_user: dict[str, dict[str, list[object]]] = {}
        self.texts: dict[str, tuple[str, str]] = {}
        self.variables: dict[str, dict[str, tuple[str, str]]] = {}
        self.models: dict[str, str] = {}
        used = {
            coding[1]
            for source, _ in sources
            for coding in [c for s in source.selections for c in s.codings] + source.codings
        }
        self.codes, self.code_of, losses = _code_paths(refi, used, self.warnings)
        self.losses += losses
        self.sha_of: dict[str, str] = {}
        for source, raw in sources:
            self.source(source, raw)
        self.sets()
        self.code_and_project_notes()

    def bucket(self, user: str | None) -> dict[str, list[object]]:
        coder = user or self.refi.default_user or ""
        return self.per_user.setdefault(coder, {"codings": [], "memos": [], "statuses": []})

    def coding(
        self,
        item: tuple[str, str, str | None, str | None, list[str]],
        user: str | None,
        sha: str,
        span: tuple[int | None, int | None],
        memo: str,
        created: str | None,
        modified: str | None,
        where: str,
    ) -> None:
        guid, code, coder, time, notes = item
        if code not in self.code_of:
            self.losses.append(f"'{where}': a coding refers to a code the file lacks")
            return
        memo = "\n".join([memo, *_notes(self.refi, notes)]).strip()
        self.bucket(coder or user)["codings"].append(
            PackageCoding(
                guid or str(uuid.uuid4()),
                sha,
                self.code_of[code],
                span[0],
                span[1],
                memo,
                _time(time or created),
                _time(modified or time or created),
            )
        )

    def source(self, source: RefiSource, raw: str) -> None:
        text = normalise_text(raw)
        if not text:
            self.losses.append(f"'{source.name}' is empty")
            return
        if "\x00" in text:  # a binary file in the sources, or text SQLite would cut short
            self.losses.append(f"'{source.name}' holds NUL characters: not a text")
            return
        sha = text_sha256(text)
        self.sha_of[source.guid] = sha
        self.texts[sha] = (source.name, text)
        model, mapper, score = choose_model(raw, source.selections, self.refi.origin)
        if source.selections:  # an article nobody coded has no offsets to read
            self.models[source.name] = model + (
                f" ({score:.0%} of passages matched)" if score else ""
            )
        values = {}
        for guid, value in source.values.items():
            name, kind = self.refi.variables.get(guid, ("", "Text"))
            if name:
                values[name] = (REFI_TYPES.get(kind, "text"), value)
        self.variables[sha] = values
        for selection in source.selections:
            start, end = mapper(selection.start), mapper(selection.end)
            if start is None or end is None or not 0 <= start < end <= len(text):
                self.losses.append(
                    f"'{source.name}': the passage at {selection.start}–{selection.end} lies "
                    "outside the text or is empty"
                )
                continue
            comment = "\n".join([selection.description, *_notes(self.refi, selection.notes)])
            comment = comment.strip()
            for item in selection.codings:
                self.coding(
                    item,
                    selection.user,
                    sha,
                    (start, end),
                    comment,
                    selection.created,
                    selection.modified,
                    source.name,
                )
            if not selection.codings and comment:  # an annotation, not a coding
                self.bucket(selection.user)["memos"].append(
                    PackageMemo(
                        str(uuid.uuid5(NAMESPACE, f"{selection.guid}/comment")),
                        "document",
                        sha,
                        None,
                        f"On “{text[start:end][:80]}”: {comment}",
                        _time(selection.created),
                        _time(selection.modified or selection.created),
                    )
                )
        for item in source.codings:
            self.coding(item, None, sha, (None, None), "", None, None, source.name)
        for note in source.notes:
            self.memo(note, "document", sha, None)
        if source.description:
            self.bucket(None)["memos"].append(
                PackageMemo(
                    str(uuid.uuid5(NAMESPACE, f"{source.guid}/description")),
                    "document",
                    sha,
                    None,
                    source.description,
                    utc_now(),
                    utc_now(),
                )
            )

    def memo(self, note: str, target: str, sha: str | None, code: str | None) -> None:
        if note in self.refi.notes:
            body, user, time = self.refi.notes[note]
            self.bucket(user)["memos"].append(
                PackageMemo(note, target, sha, code, body, _time(time), _time(time))
            )

    def sets(self) -> None:
        """Article statuses that annotator wrote as sets (named after the coder); another
        tool's sets of articles (MAXQDA's document groups) become the variable
        ``document set``; its sets of codes are reported as not carried."""
        names = {name: guid for guid, name in self.refi.users.items()}
        prefixes = [(p, s.value) for s, p in STATUS_SETS.items()] + [(ASSIGNED_SET, "")]
        groups: dict[str, list[str]] = {}
        for set_name, codes, members in self.refi.sets:
            if set_name.startswith(SET_PREFIX):
                continue
            for member in members:
                if member in self.sha_of:
                    groups.setdefault(self.sha_of[member], []).append(set_name or "unnamed")
            if codes:
                self.losses.append(f"set of codes '{set_name}' (code groups are not kept)")
        for sha, group in groups.items():
            self.variables.setdefault(sha, {}).setdefault(
                DOCUMENT_SET, ("text", "; ".join(sorted(set(group))))
            )
        for set_name, _, members in self.refi.sets:
            for prefix, status in prefixes:
                coder = set_name[len(prefix) :] if set_name.startswith(prefix) else None
                if coder not in names:
                    continue
                for member in members:
                    if member in self.sha_of:
                        self.bucket(names[coder])["statuses"].append(
                            PackageStatus(self.sha_of[member], status or "not_started", not status)
                        )

    def code_and_project_notes(self) -> None:
        for code in _all_codes(self.refi.codes):
            for note in code.notes:
                self.memo(note, "code", None, self.code_of.get(code.guid, code.guid))
        for note in self.refi.project_notes:
            self.memo(note, "project", None, None)

    def packages(self) -> list[Package]:
        documents = tuple(PackageDocument(sha, name) for sha, (name, _) in self.texts.items())
        found = []
        for user, items in self.per_user.items():
            guid = user or str(uuid.uuid5(NAMESPACE, "imported user"))
            found.append(
                Package(
                    project_guid=guid,
                    coder_guid=guid,
                    coder_name=self.refi.users.get(user)
                    or ("imported" if not user else f"user {user[:8]}"),
                    created_at=utc_now(),
                    codes=tuple(self.codes),
                    documents=documents,
                    codings=tuple(items["codings"]),  # type: ignore[arg-type]
                    statuses=tuple(_merged_statuses(items["statuses"])),  # type: ignore[arg-type]
                    memos=tuple(items["memos"]),  # type: ignore[arg-type]
                )
            )
        if not found and (self.codes or documents):  # a codebook and articles, nobody's work
            guid = str(uuid.uuid5(NAMESPACE, "imported user"))
            found.append(Package(guid, guid, "", utc_now(), tuple(self.codes), documents))
        return found


def read_qdpx(path: Path, *, validate: bool = True) -> RefiImport:
    """Read a .qdpx archive (checked as hostile input) into packages and texts. With
    ``validate=False`` the schema check is left to ``RefiImport.validate``."""
    with Archive(path) as archive:
        root, warnings = parse_xml(archive.project_xml(), path, validate=validate)
        refi = read_project(root, archive.warnings + warnings, path)
        sources = []
        for source in refi.sources:
            raw = _source_text(archive, source, refi)
            if raw is not None:
                sources.append((source, raw))
    converter = _Converter(refi, sources)
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
    )


def _source_text(archive: Archive, source: RefiSource, refi: RefiProject) -> str | None:
    """A source's text as it is in the archive (or inline), or None with the loss noted."""
    if source.text_path:
        reference = source.text_path
        if not reference.startswith("internal://"):
            if "://" in reference:
                refi.skipped.append(f"'{source.name}': its text is outside the archive")
                return None
            refi.warnings.append(f"'{source.name}': a plain file name, {reference!r}")
        data = archive.source(reference)
        if data is None:
            refi.skipped.append(f"'{source.name}': its text file is missing from the archive")
            return None
        raw, problems = decode_source(data)
        refi.warnings.extend(f"'{source.name}' {p}" for p in problems)
        return raw
    if source.content is not None:
        return source.content
    refi.skipped.append(f"'{source.name}' has no text")
    return None


def _merged_statuses(statuses: list[PackageStatus]) -> list[PackageStatus]:
    """A done or in-progress status and an assignment of one article become one status."""
    merged: dict[str, PackageStatus] = {}
    for status in statuses:
        before = merged.get(status.document)
        if before is None:
            merged[status.document] = status
        else:
            kind = status.status if status.status != "not_started" else before.status
            merged[status.document] = PackageStatus(
                status.document, kind, before.assigned or status.assigned
            )
    return list(merged.values())


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
        with project.transaction():
            reports = [
                merge_package(project, package, choices, source=source, texts=found.texts)
                for package in found.packages
            ]
            _set_variables(project, found)
            _set_keys(project, found.keys)
        if checked is not None:
            found.warnings += checked.result()
    if reports:
        reports[0].notes = (
            [f"offsets of '{name}' read as {model}" for name, model in found.models.items()]
            + [f"warning: {w}" for w in found.warnings]
            + [f"not carried: {loss}" for loss in found.losses]
        )
    return reports


def _set_variables(project: Project, found: RefiImport) -> None:
    from annotator.domain.model import VariableType

    for sha, values in found.variables.items():
        document = project.documents.by_sha256(sha)
        if document is None or not values:
            continue
        have = project.documents.values(document.id)
        new: dict[int, str | None] = {}
        for name, (kind, value) in values.items():
            if name in have:
                continue
            variable = project.documents.variable(name) or project.documents.define_variable(
                name, VariableType(kind)
            )
            new[variable.id] = value
        if new:
            try:
                project.documents.set_values(document.id, new)
            except UserError:
                project.documents.set_values(document.id, dict.fromkeys(new))


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
