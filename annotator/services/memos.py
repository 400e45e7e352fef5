"""Memos on the project, an article or a code: written, changed, searched and exported.

What the window and the command line share. A document's or a code's memo is one per coder
(writing "" removes it); the project's log is a list of dated entries. Each change returns a
:class:`MemoChange` (the memo as it was and as it is), which :func:`put` can play backwards
for undo: a memo that comes back keeps its GUID, so merges and REFI-QDA see the same memo.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from annotator.domain.errors import UserError
from annotator.domain.model import Memo
from annotator.io.csvfiles import atomic_output, write_csv
from annotator.services.editing import CHANGED_SINCE, ChangedSince
from annotator.services.exports import PLAIN, Format
from annotator.storage import Project

#: The memos CSV's columns, one row per memo (coding memos included, as target "coding").
COLUMNS = (
    "memo_id",
    "target",
    "document",
    "code_path",
    "coder",
    "created_at",
    "updated_at",
    "text",
)


class Unchecked(Enum):
    """The memo a write expects was not given: the write does not compare (a script, say)."""

    ANY = 0


#: Pass as ``expected`` to write without comparing with what an editor loaded.
ANY = Unchecked.ANY


def _expect(current: Memo | None, expected: Memo | Unchecked | None, what: str) -> None:
    """Refuse (:class:`ChangedSince`, nothing written) unless the project holds the memo as the
    editor loaded it (``expected``): a merge or another window may have changed it since, and
    writing over it would lose that text."""
    if expected is ANY or _same(current, expected):
        return
    now = "removed" if current is None else f"now {_snippet(current.text)!r}"
    raise ChangedSince(f"{what} was {CHANGED_SINCE}: {now}")


def _snippet(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 40 else line[:39] + "…"


@dataclass(frozen=True)
class MemoChange:
    """One memo before and after a change (``None``: it did not exist / no longer does)."""

    before: Memo | None
    after: Memo | None

    @property
    def document_id(self) -> int | None:
        memo = self.after or self.before
        return None if memo is None else memo.document_id

    @property
    def code_id(self) -> int | None:
        memo = self.after or self.before
        return None if memo is None else memo.code_id

    def reversed(self) -> MemoChange:
        return MemoChange(self.after, self.before)

    def __bool__(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class MemoRow:
    """A memo as a reader sees it: on what, by whom, when, and its text."""

    memo_id: str  # the GUID: stable across copies, merges and REFI-QDA
    target: str  # project, document, code or coding
    document: str
    code_path: str
    coder: str
    created_at: str
    updated_at: str
    text: str

    @property
    def about(self) -> str:
        """What the memo is on, in words: "project", "article X", "code A > B", "coding …"."""
        if self.target == "project":
            return "project"
        if self.target == "document":
            return f"article {self.document}"
        if self.target == "code":
            return f"code {self.code_path}"
        return f"coding of {self.code_path} in {self.document}"


def own_memo(
    project: Project,
    coder_id: int | None,
    *,
    document_id: int | None = None,
    code_id: int | None = None,
) -> Memo | None:
    """The coder's memo on an article or a code, if there is one."""
    return project.memos.own(coder_id, document_id=document_id, code_id=code_id)


def others_memos(
    project: Project,
    coder_id: int | None,
    *,
    document_id: int | None = None,
    code_id: int | None = None,
) -> list[Memo]:
    """The memos other coders (or an import without a coder) wrote on an article or a code."""
    memos = (
        project.memos.for_code(code_id)
        if code_id is not None
        else project.memos.for_document(document_id or 0)
    )
    mine = own_memo(project, coder_id, document_id=document_id, code_id=code_id)
    return [m for m in memos if mine is None or m.id != mine.id]


def write_memo(
    project: Project,
    text: str,
    coder_id: int | None,
    *,
    document_id: int | None = None,
    code_id: int | None = None,
    expected: Memo | Unchecked | None = ANY,
) -> MemoChange:
    """Set the coder's memo on an article or a code to ``text``: added, changed, or (empty
    text) removed. Nothing changes when the text is the same.

    ``expected`` is the memo as the editor loaded it (``None``: there was none): when the
    project holds it otherwise now, the write is refused (:class:`ChangedSince`)."""
    if (document_id is None) == (code_id is None):
        raise ValueError("a memo is written on an article or on a code")
    if document_id is not None:
        project.documents.get(document_id)  # NotFoundError, a UserError, when it has gone
    else:
        project.codebook.tree().get(code_id or 0)
    before = own_memo(project, coder_id, document_id=document_id, code_id=code_id)
    text = text.rstrip()
    if before is None and not text:
        return MemoChange(None, None)
    if before is not None and before.text == text:
        return MemoChange(before, before)
    _expect(before, expected, "the code memo" if code_id is not None else "the article memo")
    if before is None:
        after = project.memos.add(text, document_id=document_id, code_id=code_id, coder_id=coder_id)
        return MemoChange(None, after)
    if not text:
        project.memos.delete(before.id)
        return MemoChange(before, None)
    return MemoChange(before, project.memos.set_text(before.id, text))


def add_log_entry(project: Project, text: str, coder_id: int | None) -> MemoChange:
    """A new entry in the project's log, now, by ``coder_id``."""
    text = text.strip()
    if not text:
        raise UserError("a log entry needs some text")
    return MemoChange(None, project.memos.add(text, coder_id=coder_id))


def edit_memo(
    project: Project, memo_id: int, text: str, expected: Memo | Unchecked | None = ANY
) -> MemoChange:
    """Change a memo's text (a log entry, say); empty text is refused: delete it instead.
    ``expected``: the memo as the editor showed it; refused (:class:`ChangedSince`) when the
    project holds it otherwise now."""
    before = project.memos.get(memo_id)
    text = text.rstrip()
    if not text:
        raise UserError("a memo needs some text (to remove it, delete it)")
    if text == before.text:
        return MemoChange(before, before)
    _expect(before, expected, "the log entry")
    return MemoChange(before, project.memos.set_text(memo_id, text))


def delete_memo(project: Project, memo_id: int) -> MemoChange:
    """Remove a memo (a tombstone stays, so a merge does not bring it back)."""
    return MemoChange(project.memos.delete(memo_id), None)


def _same(first: Memo | None, second: Memo | None) -> bool:
    """The same memo in the same state (its id aside: a memo put back gets a new one)."""
    if first is None or second is None:
        return first is second
    return replace(first, id=0) == replace(second, id=0)


def put(project: Project, change: MemoChange) -> MemoChange:
    """Bring a memo from ``change.before`` to ``change.after`` as they were, times included
    (undo plays a change reversed). Returns the change as it landed (ids may differ).

    Refused (:class:`ChangedSince`, nothing written) unless the project holds the memo as
    ``change.before`` says: a merge or another window may have changed it since."""
    before, after = change.before, change.after
    known = after or before
    current = project.memos.by_guid(known.guid) if known is not None else None
    if not _same(current, before):
        raise ChangedSince(f"a memo was {CHANGED_SINCE}")
    with project.transaction():
        if after is None:
            if current is not None:
                project.memos.delete(current.id)
            return MemoChange(current, None)
        if current is None:
            landed = project.memos.add(
                after.text,
                document_id=after.document_id,
                code_id=after.code_id,
                coder_id=after.coder_id,
                guid=after.guid,
                created_at=after.created_at,
                updated_at=after.updated_at,
            )
            return MemoChange(None, landed)
        landed = project.memos.set_text(current.id, after.text, updated_at=after.updated_at)
        return MemoChange(current, landed)


def project_log(project: Project) -> list[Memo]:
    """The project's log entries, newest first."""
    return project.memos.project_log()


def all_memos(project: Project) -> Iterator[MemoRow]:
    """Every memo, as :class:`MemoRow`: the project's log, then articles', codes' and codings'
    memos (in the order they were written)."""
    tree = project.codebook.tree()
    documents = dict(project.documents.names())
    coders = {c.id: c.name for c in project.coders.all()}

    def path(code_id: int | None) -> str:
        return "" if code_id is None else tree.path(code_id)

    for memo in sorted(project.memos.all(), key=lambda m: (_ORDER[m.target], m.id)):
        yield MemoRow(
            memo.guid,
            memo.target,
            documents.get(memo.document_id, "") if memo.document_id is not None else "",
            path(memo.code_id),
            coders.get(memo.coder_id, "") if memo.coder_id is not None else "",
            memo.created_at,
            memo.updated_at,
            memo.text,
        )
    for guid, document, coder, code, text, created, updated in project.memos.coding_memos():
        yield MemoRow(
            guid,
            "coding",
            documents.get(document, ""),
            path(code),
            coders.get(coder, ""),
            created,
            updated,
            text,
        )


_ORDER = {"project": 0, "document": 1, "code": 2}


def search(
    project: Project,
    text: str,
    *,
    targets: tuple[str, ...] = (),
    only_coder: str | None = None,
) -> list[MemoRow]:
    """The memos whose text (or what they are on: article name, code path, coder) contains
    ``text``, ignoring case (any script: casefold, not SQL's ASCII-only LIKE). ``targets``
    limits them to some of project, document, code, coding; empty text matches every memo.
    ``only_coder`` (blind mode) keeps only that coder's memos on articles and codings."""
    needle = text.strip().casefold()
    found = []
    for row in all_memos(project):
        if targets and row.target not in targets:
            continue
        theirs = row.target in ("document", "coding") and row.coder != only_coder
        if only_coder is not None and theirs:
            continue
        haystack = "\n".join((row.text, row.document, row.code_path, row.coder)).casefold()
        if needle in haystack:
            found.append(row)
    return found


@dataclass(frozen=True)
class Matching:
    """Ids of the codings, articles and codes whose memos hold a text."""

    codings: frozenset[int]
    documents: frozenset[int]
    codes: frozenset[int]


def matching(project: Project, text: str) -> Matching:
    """What carries a memo containing ``text`` (ignoring case in any script, as
    :func:`search`): the retrieval view's memo filter keeps their passages."""
    needle = text.strip().casefold()
    found: dict[str, set[int]] = {"coding": set(), "document": set(), "code": set()}
    for target, target_id, body in project.memos.texts():
        if target in found and needle in body.casefold():
            found[target].add(target_id)
    return Matching(
        frozenset(found["coding"]), frozenset(found["document"]), frozenset(found["code"])
    )


def export_memos(project: Project, path: Path | None, style: Format = PLAIN) -> int:
    """Write the memos CSV (:data:`COLUMNS`, one row per memo) to ``path`` (``None``: standard
    output); returns how many memos it holds."""
    rows = (
        [
            r.memo_id,
            r.target,
            r.document,
            r.code_path,
            r.coder,
            r.created_at,
            r.updated_at,
            r.text,
        ]
        for r in all_memos(project)
    )
    with atomic_output(path, encoding=style.encoding, protect=[project.path]) as handle:
        return write_csv(handle, COLUMNS, rows, safe=style.safe)
