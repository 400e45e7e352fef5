"""A read REFI-QDA project turned into what a merge takes: one coder package per user, the
articles' texts and variables, the codebook as paths, and what could not be carried. Each
article's offsets are read under the model that reproduces its selections (see
:func:`annotator.io.refi.reader.choose_model`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import lru_cache

from annotator.domain.codebook import join_path, name_key, split_path
from annotator.domain.errors import UserError
from annotator.domain.model import utc_now
from annotator.domain.text import normalise_text, text_sha256
from annotator.io.packages import (
    Package,
    PackageCode,
    PackageCoding,
    PackageDocument,
    PackageMemo,
    PackageStatus,
)
from annotator.io.refi.reader import RefiCode, RefiProject, RefiSource, choose_model
from annotator.io.refi.writer import ASSIGNED_SET, EXCLUSIVE_SET, NAMESPACE, SET_PREFIX, STATUS_SETS

FLAT_DIMENSION = "Imported codes"
#: The variable holding the names of another tool's sets an article belongs to.
DOCUMENT_SET = "document set"
FLAT_GUID = str(uuid.uuid5(NAMESPACE, "imported codes"))
REFI_TYPES = {"Integer": "number", "Float": "number", "Date": "date"}


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


class Converter:
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
        #: Notes of no user, merged as nobody's memos (see :meth:`memo`).
        self.coderless: list[PackageMemo] = []
        #: Notes with no text (empty or missing PlainTextContent): skipped, not empty memos.
        self.empty_notes: set[str] = set()
        self._refs: set[str] | None = None
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
        # A memo edited in another tool changes its Note's time, not the coding's: the coding
        # was last changed when the later of them was, so a newer memo wins on merge.
        changed = max(
            [_time(modified or time or created)]
            + [_time(self.refi.notes[n][3]) for n in notes if n in self.refi.notes]
        )
        self.bucket(coder or user)["codings"].append(
            PackageCoding(
                guid or str(uuid.uuid4()),
                sha,
                self.code_of[code],
                span[0],
                span[1],
                memo,
                _time(time or created),
                changed,
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

    def _referenced(self) -> set[str]:
        """Every Note GUID a source, selection, coding, code or the project refers to."""
        if self._refs is None:
            refs = set(self.refi.project_notes)
            for code in _all_codes(self.refi.codes):
                refs.update(code.notes)
            for source in self.refi.sources:
                refs.update(source.notes)
                for item in source.codings:
                    refs.update(item[4])
                for selection in source.selections:
                    refs.update(selection.notes)
                    for item in selection.codings:
                        refs.update(item[4])
            self._refs = refs
        return self._refs

    def memo(self, note: str, target: str, sha: str | None, code: str | None) -> None:
        if note in self.refi.notes:
            body, user, created, modified = self.refi.notes[note]
            if not body.strip():  # nothing to keep: an empty log entry or memo says nothing
                self.empty_notes.add(note)
                return
            memo = PackageMemo(note, target, sha, code, body, _time(created), _time(modified))
            # A note without a user (a project log entry nobody signed) is nobody's memo: it
            # must not make up a coder to hold it.
            (self.coderless if user is None else self.bucket(user)["memos"]).append(memo)

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
        # A Note nothing refers to (another tool's free memo) is kept as a project log entry.
        for note in self.refi.notes:
            if note not in self._referenced():
                self.memo(note, "project", None, None)
        if self.refi.description:  # another tool's project memo (Project/Description)
            self.coderless.append(
                PackageMemo(
                    str(uuid.uuid5(NAMESPACE, f"{self.refi.identity}/project description")),
                    "project",
                    None,
                    None,
                    self.refi.description,
                    _time(self.refi.modified),
                    _time(self.refi.modified),
                )
            )

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
        if not found and (
            self.codes or documents or self.coderless
        ):  # a codebook and articles, nobody's work
            guid = str(uuid.uuid5(NAMESPACE, "imported user"))
            found.append(Package(guid, guid, "", utc_now(), tuple(self.codes), documents))
        return found


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
