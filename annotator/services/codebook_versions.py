"""Codebook versions: the change log of the codebook, tags naming its state at a change, and
the version each coding was made under (migration 0015).

Every change to a node is logged by triggers on ``codes`` (whatever route made it); the
acting coder and the route are filled in by ``storage/codebook.py`` in the same transaction.
A coding records the id of the latest change when it was made. A tag names the state of the
codebook at a change; the codings *of a tag* are those made while it was the latest tag: from
its change up to the next tag's (codings made before versions were recorded have none and
belong to no tag).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from annotator.domain.errors import ConflictError, NotFoundError, UserError
from annotator.domain.model import utc_now
from annotator.storage import Project

#: What a coding's version is called when it has none: made before versions were recorded,
#: or merged from a copy whose codebook history this project does not have.
BEFORE_VERSIONS = "of no known version (before versions were recorded, or another codebook history)"
_FIELD_WORDS = {
    "name": "renamed",
    "parent": "moved",
    "color": "colour",
    "description": "definition",
    "shortcut": "shortcut",
    "exclusive": "exclusive",
    "position": "reordered",
}


@dataclass(frozen=True)
class Change:
    """One logged change to a node: ``action`` ``baseline`` (the log began), ``add``,
    ``change`` (of one ``field``) or ``delete``; values as text (a parent as its path now, or
    its name when it is gone)."""

    id: int
    guid: str
    made_at: str
    action: str
    code_guid: str | None
    code: str
    field: str | None
    old: str | None
    new: str | None
    coder: str | None
    route: str | None
    tags: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """A word for the change: added, deleted, renamed, moved, definition, colour …"""
        if self.action == "baseline":
            return "versions began"
        if self.action == "add":
            return "added"
        if self.action == "delete":
            return "deleted"
        return _FIELD_WORDS.get(self.field or "", self.field or "changed")

    def summary(self) -> str:
        """The change in one line, old → new."""
        if self.action == "baseline":
            return f"the log began with {self.new} codebook entries"
        if self.action in ("add", "delete"):
            return f"{self.kind} {self.code}"
        return f"{self.code}: {self.kind} {_shown(self.old)} → {_shown(self.new)}"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "tags": list(self.tags), "kind": self.kind}


def _shown(value: str | None) -> str:
    if value is None or value == "":
        return "(none)"
    one_line = " ".join(value.split())
    return f"'{one_line[:60]}…'" if len(one_line) > 60 else f"'{one_line}'"


@dataclass(frozen=True)
class Tag:
    """A name for the codebook's state at a change."""

    name: str
    change_id: int
    made_at: str
    note: str = ""
    coder: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class History:
    """The change log (oldest first) and the tags."""

    changes: tuple[Change, ...]
    tags: tuple[Tag, ...]
    current: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "tags": [t.as_dict() for t in self.tags],
            "changes": [c.as_dict() for c in self.changes],
        }


@dataclass(frozen=True)
class VersionRange:
    """The codings of a tag: made under a change from ``first`` (the tag's) up to ``until``
    (the next tag's change, excluded; ``None``: up to now)."""

    tag: Tag
    first: int
    until: int | None

    def holds(self, change_id: int | None) -> bool:
        return (
            change_id is not None
            and change_id >= self.first
            and (self.until is None or change_id < self.until)
        )

    @property
    def description(self) -> str:
        """How the range is put in a report."""
        end = "now" if self.until is None else "the next tag"
        return f"codings made under '{self.tag.name}' (tagged {self.tag.made_at[:10]}, up to {end})"


@dataclass(frozen=True)
class CurrentVersion:
    """The codebook's version now: its latest tag and how many changes came since."""

    tag: Tag | None
    changes_since: int
    latest_change: int
    latest_at: str

    @property
    def name(self) -> str:
        """``v2 final (2024-05-01)``, or ``untagged, 3 changes since v1 pilot``."""
        if self.tag is not None and self.changes_since == 0:
            return f"{self.tag.name} ({self.tag.made_at[:10]})"
        changes = f"{self.changes_since} change{'s' if self.changes_since != 1 else ''}"
        if self.tag is None:
            return f"untagged, {changes} logged (as of {self.latest_at[:10]})"
        return f"untagged, {changes} since {self.tag.name} ({self.tag.made_at[:10]})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tag": None if self.tag is None else self.tag.as_dict(),
            "changes_since": self.changes_since,
            "latest_change": self.latest_change,
            "latest_at": self.latest_at,
        }


@dataclass(frozen=True)
class CodingsVersions:
    """The versions the codings compared were made under, for a methods paragraph: how many
    codings under each tag, untagged (before the first tag), and from before versions."""

    by_tag: tuple[tuple[str, int], ...]
    untagged: int
    before_versions: int
    limited_to: str | None = None
    current: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def sentence(self) -> str:
        """One sentence naming the codebook version(s) of the codings."""
        parts = [f"{count} under '{name}'" for name, count in self.by_tag if count]
        if self.untagged:
            parts.append(f"{self.untagged} before the first tag")
        if self.before_versions:
            parts.append(f"{self.before_versions} {BEFORE_VERSIONS}")
        if self.limited_to is not None:
            return f"Only codings made under codebook version '{self.limited_to}' were compared."
        if len(parts) == 1 and self.by_tag and not (self.untagged or self.before_versions):
            return f"All codings were made under codebook version '{self.by_tag[0][0]}'."
        if not parts:
            return "No codings were compared."
        return "Codings by codebook version: " + "; ".join(parts) + "."

    def as_dict(self) -> dict[str, Any]:
        return {
            "by_tag": [{"tag": name, "codings": count} for name, count in self.by_tag],
            "untagged": self.untagged,
            "before_versions": self.before_versions,
            "limited_to": self.limited_to,
            "current": self.current,
            "sentence": self.sentence,
            "notes": list(self.notes),
        }


# -- reading --------------------------------------------------------------------------------


def tags(project: Project) -> list[Tag]:
    """Every tag, in the order of their changes (then of tagging)."""
    return [
        Tag(str(name), int(change), str(made), str(note), coder)
        for name, change, made, note, coder in project.db.execute(
            "SELECT name, change_id, made_at, note, coder FROM codebook_tags ORDER BY change_id, id"
        )
    ]


def history(
    project: Project,
    *,
    text: str = "",
    coder: str | None = None,
    actions: Collection[str] = (),
) -> History:
    """The change log, oldest first, with the tags; ``text`` keeps the changes whose code,
    values or route hold it (ignoring case), ``coder`` those of one coder, ``actions`` those
    of these kinds (``add``, ``change``, ``delete``, ``baseline``)."""
    tree = project.codebook.tree()
    paths = {code.guid: tree.path(code.id) for code in tree.walk()}
    names_then: dict[str, str] = {}
    tagged: dict[int, list[str]] = {}
    all_tags = tags(project)
    for tag in all_tags:
        tagged.setdefault(tag.change_id, []).append(tag.name)
    changes = []
    for row in project.db.execute(
        "SELECT id, guid, made_at, action, code_guid, code_name, field, old, new, coder, route "
        "FROM codebook_changes ORDER BY id"
    ):
        id_, guid, made, action, code_guid, name, field_, old, new, who, route = row
        if code_guid is not None and name is not None:
            names_then[code_guid] = name
        code = paths.get(code_guid or "", name or "")
        if field_ == "parent":
            old, new = (paths.get(v, names_then.get(v, v)) if v else None for v in (old, new))
        changes.append(
            Change(
                int(id_),
                str(guid),
                str(made),
                str(action),
                code_guid,
                str(code),
                field_,
                old,
                new,
                who,
                route,
                tuple(tagged.get(int(id_), ())),
            )
        )
    needle = text.casefold()
    kept = [
        c
        for c in changes
        if (not actions or c.action in actions)
        and (coder is None or (c.coder or "").casefold() == coder.casefold())
        and (
            not needle
            or any(needle in (v or "").casefold() for v in (c.code, c.old, c.new, c.route))
        )
    ]
    return History(tuple(kept), tuple(all_tags), current_version(project).name)


def current_version(project: Project) -> CurrentVersion:
    """The latest tag and how many changes were logged after its change."""
    latest, latest_at = project.db.execute(
        "SELECT ifnull(max(id), 0), ifnull(max(made_at), '') FROM codebook_changes"
    ).fetchone()
    all_tags = tags(project)
    tag = all_tags[-1] if all_tags else None
    since = project.db.execute(
        "SELECT count(*) FROM codebook_changes WHERE id > ? AND action <> 'baseline'",
        [tag.change_id if tag else 0],
    ).fetchone()[0]
    return CurrentVersion(tag, int(since), int(latest), str(latest_at))


def version_range(project: Project, name: str) -> VersionRange:
    """The codings of the tag ``name`` (exact name, or the only one equal ignoring case)."""
    all_tags = tags(project)
    found = [t for t in all_tags if t.name == name] or [
        t for t in all_tags if t.name.casefold() == name.strip().casefold()
    ]
    if len(found) != 1:
        known = ", ".join(f"'{t.name}'" for t in all_tags) or "none yet"
        raise NotFoundError(f"there is no codebook version '{name}' (tags: {known})")
    tag = found[0]
    later = [t.change_id for t in all_tags if t.change_id > tag.change_id]
    return VersionRange(tag, tag.change_id, min(later) if later else None)


def removed_since(project: Project, name: str) -> list[str]:
    """The paths of the codes of the tag ``name``'s codebook deleted since — by a merge into
    another code (their codings moved there, keeping their version) or a deletion (their
    codings gone): a comparison limited to the version no longer sees them as it coded them."""
    tag = version_range(project, name).tag
    rows = project.db.execute(
        "SELECT id, action, code_guid, code_name, parent_guid FROM codebook_changes "
        "WHERE code_guid IS NOT NULL ORDER BY id"
    ).fetchall()
    nodes: dict[str, tuple[str, str | None]] = {}  # guid -> (name, parent guid), latest
    added_after: set[str] = set()
    deleted: list[str] = []
    for change, action, guid, code_name, parent in rows:
        nodes[guid] = (str(code_name or ""), parent)
        if change <= tag.change_id:
            continue
        if action == "add" and guid in deleted:  # put back (redo of its adding)
            deleted.remove(guid)
        elif action == "add":
            added_after.add(guid)
        elif action == "delete" and parent is not None and guid not in added_after:
            deleted.append(guid)

    def path(guid: str) -> str:
        names: list[str] = []
        seen: set[str] = set()
        node: str | None = guid
        while node is not None and node in nodes and node not in seen:
            seen.add(node)
            names.append(nodes[node][0])
            node = nodes[node][1]
        return " > ".join(reversed(names))

    return list(dict.fromkeys(path(guid) for guid in deleted))


def coding_versions(
    project: Project, coder_ids: Collection[int] | None = None
) -> list[tuple[int, int, int | None]]:
    """``(document id, coder id, version)`` of every coding (of these coders)."""
    where, parameters = "", list(coder_ids or ())
    if coder_ids is not None:
        where = f"WHERE coder_id IN ({', '.join('?' * len(parameters))})"
    return [
        (int(d), int(c), None if v is None else int(v))
        for d, c, v in project.db.execute(
            f"SELECT document_id, coder_id, codebook_version FROM codings {where}", parameters
        )
    ]


def counted_under(
    project: Project, name: str, counted: Mapping[int, set[int]]
) -> tuple[dict[int, set[int]], int]:
    """The articles that count for each coder (``counted``: coder id → article ids) kept to
    those coded under the tag ``name``: a coder's article counts when every coding the coder
    made in it lies in the tag's range, or — an article the coder coded with nothing — when
    its status was last set while the tag was the latest. Returns the articles kept and how
    many (coder, article) pairs were left out because their codings belong to another
    version (or to mixed versions)."""
    span = version_range(project, name)
    versions: dict[tuple[int, int], list[int | None]] = {}
    for document, coder, version in coding_versions(project, list(counted)):
        versions.setdefault((coder, document), []).append(version)
    start = _change_time(project, span.first)
    end = None if span.until is None else _change_time(project, span.until)
    status_times = {
        (int(c), int(d)): str(t)
        for d, c, t in project.db.execute(
            "SELECT document_id, coder_id, updated_at FROM document_status"
        )
    }
    kept: dict[int, set[int]] = {}
    left_out = 0
    for coder, documents in counted.items():
        kept[coder] = set()
        for document in documents:
            made = versions.get((coder, document))
            if made:
                inside = all(span.holds(v) for v in made)
            else:
                when = status_times.get((coder, document), "")
                inside = when >= start and (end is None or when < end)
            if inside:
                kept[coder].add(document)
            else:
                left_out += 1
    return kept, left_out


def _change_time(project: Project, change_id: int) -> str:
    row = project.db.execute(
        "SELECT made_at FROM codebook_changes WHERE id = ?", [change_id]
    ).fetchone()
    return "" if row is None else str(row[0])


def versions_of_codings(
    project: Project,
    coder_ids: Collection[int] | None = None,
    document_ids: Collection[int] | None = None,
    *,
    limited_to: str | None = None,
) -> CodingsVersions:
    """For the methods paragraph: how many of the codings (of these coders, in these
    articles) were made under each tag, before the first tag, and before versions were
    recorded; ``limited_to`` names the tag a comparison was limited to."""
    all_tags = tags(project)
    counts = dict.fromkeys((t.name for t in all_tags), 0)
    untagged = before = 0
    chosen = None if document_ids is None else set(document_ids)
    starts = [(t.change_id, t.name) for t in all_tags]
    for document, _, version in coding_versions(project, coder_ids):
        if chosen is not None and document not in chosen:
            continue
        if version is None:
            before += 1
            continue
        holder = None
        for change_id, name in starts:  # the last tag at or before the coding's change
            if change_id <= version:
                holder = name
        if holder is None:
            untagged += 1
        else:
            counts[holder] += 1
    return CodingsVersions(
        tuple(counts.items()),
        untagged,
        before,
        limited_to,
        current_version(project).name,
    )


# -- writing --------------------------------------------------------------------------------


def tag_version(project: Project, name: str, note: str = "", coder: str | None = None) -> Tag:
    """Name the codebook's current state (its latest change) ``name``."""
    name = " ".join(name.split())
    if not name:
        raise UserError("a codebook version needs a name (for example 'v1 pilot')")
    if len(name) > 200:
        raise UserError("a codebook version's name is at most 200 characters")
    taken = {t.name.casefold(): t.name for t in tags(project)}
    if name.casefold() in taken:
        raise ConflictError(f"there is already a codebook version '{taken[name.casefold()]}'")
    who = coder if coder is not None else project.codebook.coder
    now = utc_now()
    with project.transaction():
        (latest,) = project.db.execute("SELECT max(id) FROM codebook_changes").fetchone()
        project.db.execute(
            "INSERT INTO codebook_tags (name, change_id, note, coder, made_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [name, latest, note.strip(), who, now],
        )
    return Tag(name, int(latest), now, note.strip(), who)


def change_guids(project: Project, coder_id: int) -> dict[str, str]:
    """Coding GUID → the GUID of the change it was made under, for one coder's codings (what a
    coder package carries); codings from before versions are left out."""
    return {
        str(coding): str(change)
        for coding, change in project.db.execute(
            "SELECT codings.guid, codebook_changes.guid FROM codings "
            "JOIN codebook_changes ON codebook_changes.id = codings.codebook_version "
            "WHERE codings.coder_id = ?",
            [coder_id],
        )
    }


def _has_log(project: Project) -> bool:
    return (
        project.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'codebook_changes'"
        ).fetchone()
        is not None
    )


def keep_versions(project: Project, made_under: Mapping[str, str]) -> list[str]:
    """Codings that arrived by a merge keep the version they were made under (coding GUID →
    change GUID) when this project's log holds that change (a copy made from this project).
    A change the log lacks (a copy whose codebook went another way) is a version this
    project cannot name: such a coding's version is unknown (none), not the master's at the
    merge — a codebook its coder never saw. Codings without a version stay marked as the
    version at the merge. Returns the GUIDs of the codings whose version is unknown."""
    if not made_under:
        return []
    ids = {
        str(guid): int(id_)
        for guid, id_ in project.db.execute("SELECT guid, id FROM codebook_changes")
    }
    rows = [(ids.get(change), coding) for coding, change in made_under.items()]
    project.db.conn.executemany("UPDATE codings SET codebook_version = ? WHERE guid = ?", rows)
    return [coding for version, coding in rows if version is None]
