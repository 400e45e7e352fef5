"""Coder packages: one coder's work on a project — codings, article statuses, memos and what
the coder deleted — as one JSON file, keyed by GUIDs and by each article's SHA-256 so that
another copy of the project can take it in. The file comes from outside: every field is checked
on reading, and times are brought to UTC (:mod:`annotator.domain.times`).

Version 2 added ``deletions``; a version 1 package (without them) is still read. Version 3
added each coding's ``origin`` (``null`` for one made by hand, else the JSON object saying
which search made it, as ``codings.origin`` holds it); a package is written as version 2 when
none of its codings has one, so that an older annotator still reads it, and as version 3
otherwise, so that an older one refuses it instead of taking search-made codings for
hand-made ones. An earlier package's codings have no origin. A coding may say the codebook
version it was made under (``codebook_version``: the GUID of a codebook change, migration
0015); the field is optional, so the version number stays, and older packages read as
before."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from annotator.domain.errors import BadFileError
from annotator.domain.times import utc_text

FORMAT = "annotator-coder-package"
VERSION = 3
READABLE = (1, 2, 3)
#: The version a package without any coding's origin is written as (see above).
VERSION_WITHOUT_ORIGINS = 2
SUFFIX = ".annpkg"
MAX_BYTES = 512 * 1024 * 1024
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\}?$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_STATUSES = ("not_started", "in_progress", "done")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The longest ``origin`` (as JSON text) a coding may have: annotator's own hold a query of at
#: most 2,000 characters and a saved search's name; a longer one is forged or damaged.
MAX_ORIGIN = 16_384


@dataclass(frozen=True)
class PackageCode:
    guid: str
    path: str  # dimension > code, to add it where a project lacks it
    color: str
    description: str
    exclusive: bool = False


@dataclass(frozen=True)
class PackageDocument:
    sha256: str
    name: str


@dataclass(frozen=True)
class PackageCoding:
    guid: str
    document: str  # SHA-256 of the article's text
    code: str  # code GUID
    start: int | None
    end: int | None
    memo: str
    created_at: str
    updated_at: str
    #: Where the coding came from: ``None`` by hand, else JSON text (``codings.origin``).
    origin: str | None = None
    #: The GUID of the codebook change it was made under (``None``: not said — a package
    #: from before codebook versions, or a coding from before them). Written only when
    #: known; an annotator that does not know the field passes over it.
    codebook_version: str | None = None


@dataclass(frozen=True)
class PackageStatus:
    document: str
    status: str
    assigned: bool


@dataclass(frozen=True)
class PackageMemo:
    guid: str
    target: str  # "project", "document" or "code"
    document: str | None  # SHA-256
    code: str | None  # GUID
    text: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class PackageDeletion:
    """A coding or memo the coder deleted: its GUID, the article it was on (SHA-256; a memo on
    a code or the project has none) and when."""

    guid: str
    kind: str  # "coding" or "memo"
    document: str | None
    deleted_at: str


@dataclass(frozen=True)
class Package:
    project_guid: str
    coder_guid: str
    coder_name: str
    created_at: str
    codes: tuple[PackageCode, ...] = ()
    documents: tuple[PackageDocument, ...] = ()
    codings: tuple[PackageCoding, ...] = ()
    statuses: tuple[PackageStatus, ...] = ()
    memos: tuple[PackageMemo, ...] = field(default=())
    deletions: tuple[PackageDeletion, ...] = ()
    #: Whether the codings say where they came from (a package of version 3, a project): if
    #: not (an earlier package, a .qdpx), ``origin`` ``None`` means "not known", and a coding
    #: the master holds keeps its own. Not written: the file's version says it.
    origins_known: bool = False


def write_package(handle: IO[str], package: Package) -> None:
    """Write ``package`` as JSON: version 2 unless a coding has an origin (see above)."""
    data = _file_data(package)
    if not any(coding.origin for coding in package.codings):
        data["version"] = VERSION_WITHOUT_ORIGINS
        for coding in data["codings"]:
            del coding["origin"]
    for coding in data["codings"]:
        if coding.get("codebook_version") is None:
            coding.pop("codebook_version", None)
    json.dump(data, handle, ensure_ascii=False, indent=1)
    handle.write("\n")


def _file_data(package: Package) -> dict[str, Any]:
    """The package as its file holds it: each coding's origin an object (or null), not JSON
    text inside a string. An origin that is not JSON stays text, for the check to refuse."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, **_plain(asdict(package))}
    del data["origins_known"]
    for coding in data["codings"]:
        if isinstance(coding.get("origin"), str):
            with contextlib.suppress(ValueError, RecursionError):
                coding["origin"] = json.loads(coding["origin"])
    return data


def normal_guid(text: str) -> str:
    """A GUID as we store it: lower case, no braces."""
    return text.strip().strip("{}").lower()


def read_package(path: Path) -> Package:
    """A package file, checked field by field; a bad one is refused naming the problem."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadFileError(path, f"is {size / 2**20:.0f} MB, more than a package may be")
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise BadFileError(path, "is not UTF-8 text, so not a coder package") from None
    except json.JSONDecodeError as error:
        raise BadFileError(path, f"is not valid JSON ({error.msg})", line=error.lineno) from None
    except RecursionError:  # [[[[…]]]] thousands deep: no package nests more than twice
        raise BadFileError(path, "is nested too deeply to be a coder package") from None
    return _package(path, data)


def checked_package(path: Path, package: Package) -> Package:
    """``package`` checked field by field as a package file is (GUIDs, hashes, spans, times,
    statuses), for one made from the rows of another project file: that file comes from
    outside too, and SQLite does not hold its rows to their types."""
    return _package(path, _file_data(package))


def _plain(value: Any) -> Any:
    """Tuples as lists, as JSON would give them."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class _Check:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> BadFileError:
        return BadFileError(self.path, f"{where}: {problem}")

    def get(self, record: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
        if not isinstance(record, dict) or key not in record:
            raise self.fail(where, f"'{key}' is missing")
        value = record[key]
        if isinstance(value, bool) and kind is int:
            raise self.fail(where, f"'{key}' must be a number")
        if not isinstance(value, kind):
            raise self.fail(where, f"'{key}' has the wrong type")
        if isinstance(value, str) and _SURROGATE.search(value):  # "\ud800" is valid JSON
            raise self.fail(where, f"'{key}' is not Unicode text (it holds a lone surrogate)")
        return value

    def guid(self, record: Any, key: str, where: str) -> str:
        value = self.get(record, key, str, where)
        if not _GUID.match(value.strip()):
            raise self.fail(where, f"'{key}' is not a GUID")
        return normal_guid(value)

    def sha(self, record: Any, key: str, where: str) -> str:
        value: str = self.get(record, key, str, where)
        if not _SHA256.match(value):
            raise self.fail(where, f"'{key}' is not a SHA-256 in hex")
        return value

    def origin(self, record: dict[str, Any], where: str) -> str | None:
        """A coding's origin as ``codings.origin`` stores it: ``None`` (made by hand, or a
        package from before origins), or a flat JSON object with a ``kind``, written out
        again in one canonical form. Anything else is refused: an origin that cannot be read
        cannot say whether a search made the coding, and guessing either way would count it
        wrongly in agreement."""
        value = record.get("origin")
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(where, "'origin' is not a JSON object (nor null)")
        if not isinstance(value.get("kind"), str) or not value["kind"]:
            raise self.fail(where, "'origin' has no 'kind' saying where the coding came from")
        for key, item in value.items():
            if item is not None and not isinstance(item, str | int | float | bool):
                raise self.fail(where, f"'origin' holds '{key}' of the wrong type")
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
        except ValueError:  # NaN or Infinity, which JSON in SQLite does not take
            raise self.fail(where, "'origin' holds a number that is not finite") from None
        if len(text) > MAX_ORIGIN:
            raise self.fail(where, f"'origin' is longer than {MAX_ORIGIN:,} characters")
        if _SURROGATE.search(text):
            raise self.fail(where, "'origin' is not Unicode text (it holds a lone surrogate)")
        return text

    def time(self, record: Any, key: str, where: str) -> str:
        value: str = self.get(record, key, str, where)
        try:
            return utc_text(value)
        except ValueError as error:
            raise self.fail(where, f"'{key}': {error}") from None

    def items(self, data: Any, key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return value

    def unique(self, key: str, keys: list[str], what: str = "GUID") -> None:
        """Refuse a list (``codes``, ``codings``…) naming one GUID (or text) twice: a package
        written by annotator never does, and merging one would write it twice."""
        first: dict[str, int] = {}
        for n, value in enumerate(keys):
            if value in first:
                raise self.fail(
                    f"{key}[{n}]", f"the {what} {value} appears twice (also {key}[{first[value]}])"
                )
            first[value] = n


def _package(path: Path, data: Any) -> Package:
    check = _Check(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadFileError(path, "is not an annotator coder package")
    if data.get("version") not in READABLE:
        raise BadFileError(
            path,
            f"is a package of version {data.get('version')!r}; this annotator reads "
            + " and ".join(map(str, READABLE)),
        )
    codes = []
    for n, item in enumerate(check.items(data, "codes")):
        where = f"codes[{n}]"
        codes.append(
            PackageCode(
                check.guid(item, "guid", where),
                check.get(item, "path", str, where),
                check.get(item, "color", str, where),
                check.get(item, "description", str, where),
                bool(item.get("exclusive", False)),
            )
        )
    documents = [
        PackageDocument(
            check.sha(item, "sha256", f"documents[{n}]"),
            check.get(item, "name", str, f"documents[{n}]"),
        )
        for n, item in enumerate(check.items(data, "documents"))
    ]
    codings = []
    for n, item in enumerate(check.items(data, "codings")):
        where = f"codings[{n}]"
        start = end = None
        if isinstance(item, dict) and item.get("start") is not None:
            start = check.get(item, "start", int, where)
            end = check.get(item, "end", int, where)
            if not 0 <= start < end:
                raise check.fail(where, "the span is empty or negative")
        codings.append(
            PackageCoding(
                check.guid(item, "guid", where),
                check.sha(item, "document", where),
                check.guid(item, "code", where),
                start,
                end,
                check.get(item, "memo", str, where),
                check.time(item, "created_at", where),
                check.time(item, "updated_at", where),
                check.origin(item, where),
                check.guid(item, "codebook_version", where)
                if isinstance(item, dict) and item.get("codebook_version") is not None
                else None,
            )
        )
    statuses = []
    for n, item in enumerate(check.items(data, "statuses")):
        where = f"statuses[{n}]"
        status = check.get(item, "status", str, where)
        if status not in _STATUSES:
            raise check.fail(where, f"'{status}' is not a status")
        statuses.append(
            PackageStatus(check.sha(item, "document", where), status, bool(item.get("assigned")))
        )
    memos = []
    for n, item in enumerate(check.items(data, "memos")):
        where = f"memos[{n}]"
        target = check.get(item, "target", str, where)
        if target not in ("project", "document", "code"):
            raise check.fail(where, f"'{target}' is not a memo target")
        memos.append(
            PackageMemo(
                check.guid(item, "guid", where),
                target,
                check.sha(item, "document", where) if target == "document" else None,
                check.guid(item, "code", where) if target == "code" else None,
                check.get(item, "text", str, where),
                check.time(item, "created_at", where),
                check.time(item, "updated_at", where),
            )
        )
    deletions = []
    for n, item in enumerate(check.items(data, "deletions")):
        where = f"deletions[{n}]"
        kind = check.get(item, "kind", str, where)
        if kind not in ("coding", "memo"):
            raise check.fail(where, f"'{kind}' is not something that can be deleted")
        document = None
        if kind == "coding" or (isinstance(item, dict) and item.get("document") is not None):
            document = check.sha(item, "document", where)
        deletions.append(
            PackageDeletion(
                check.guid(item, "guid", where),
                kind,
                document,
                check.time(item, "deleted_at", where),
            )
        )
    check.unique("codes", [c.guid for c in codes])
    check.unique("documents", [d.sha256 for d in documents], "SHA-256")
    check.unique("codings", [c.guid for c in codings])
    check.unique("memos", [m.guid for m in memos])
    check.unique("deletions", [d.guid for d in deletions])
    return Package(
        project_guid=check.guid(data, "project_guid", "package"),
        coder_guid=check.guid(data, "coder_guid", "package"),
        coder_name=check.get(data, "coder_name", str, "package"),
        created_at=check.time(data, "created_at", "package"),
        codes=tuple(codes),
        documents=tuple(documents),
        codings=tuple(codings),
        statuses=tuple(statuses),
        memos=tuple(memos),
        deletions=tuple(deletions),
        origins_known=data["version"] >= 3,
    )
