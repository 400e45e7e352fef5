"""Reading a .qdpx archive as hostile input: nothing is ever extracted to disk; the archive
is refused, with one reason, if any entry could escape or mislead (absolute or parent paths,
drive letters, control characters, links, encryption, duplicates), if it is too big or has no
single ``.qde`` at its root. A zip bomb is stopped by bounds on what is unpacked — each member
and all of them together, as declared and as actually read: members are read in chunks and
abandoned as soon as a bound is passed. How tightly a member is packed is no reason to refuse
it: an article that repeats itself packs a thousand to one, and annotator's own exports of it
must come back in."""

from __future__ import annotations

import lzma
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from annotator.domain.errors import BadFileError

CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    entries: int = 10_000
    qde_bytes: int = 100 * 2**20
    member_bytes: int = 200 * 2**20
    total_bytes: int = 2 * 2**30
    archive_bytes: int = 2 * 2**30


LIMITS = Limits()
_DRIVE = re.compile(r"^[A-Za-z]:")
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


class Archive:
    """A checked .qdpx: its ``.qde`` and its ``sources/`` files, read on demand."""

    def __init__(self, path: Path, limits: Limits = LIMITS) -> None:
        self.path, self.limits = path, limits
        self.warnings: list[str] = []
        try:
            size = path.stat().st_size
        except OSError as error:
            raise BadFileError(path, f"cannot be read ({error.strerror or error})") from None
        if size > limits.archive_bytes:
            raise self._refuse(f"is {size / 2**30:.1f} GB, more than a project archive may be")
        if not zipfile.is_zipfile(path):
            raise self._refuse("is not a REFI-QDA project (.qdpx is a ZIP archive)")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise self._refuse(f"is a damaged ZIP archive ({error})") from None
        self._check_entries()
        self._read_total = 0

    def _refuse(self, problem: str) -> BadFileError:
        return BadFileError(self.path, problem)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_entries(self) -> None:
        entries = self.zip.infolist()
        if len(entries) > self.limits.entries:
            raise self._refuse(f"holds {len(entries):,} entries, more than {self.limits.entries:,}")
        seen: dict[str, str] = {}
        total = 0
        self.sources: dict[str, zipfile.ZipInfo] = {}
        qdes: list[zipfile.ZipInfo] = []
        for info in entries:
            name = info.filename
            problem = _bad_name(name)
            if problem:
                raise self._refuse(f"entry '{_shown(name)}' {problem}")
            kind = stat.S_IFMT(info.external_attr >> 16)
            if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                raise self._refuse(f"entry '{name}' is a link or a special file")
            if info.flag_bits & 0x1:
                raise self._refuse(f"entry '{name}' is encrypted")
            if info.compress_type not in _METHODS:
                raise self._refuse(f"entry '{name}' uses an unknown compression method")
            folded = name.casefold().rstrip("/")
            if folded in seen:
                raise self._refuse(f"entry '{name}' appears twice")
            seen[folded] = name
            if info.is_dir():
                continue
            if info.file_size > self.limits.member_bytes:
                raise self._refuse(
                    f"entry '{name}' unpacks to {_size(info.file_size)}, more than "
                    f"{_size(self.limits.member_bytes)} (a zip bomb?)"
                )
            total += info.file_size
            parts = name.split("/")
            if len(parts) == 1 and name.lower().endswith(".qde"):
                qdes.append(info)
            elif len(parts) == 2 and parts[0].lower() == "sources" and parts[1]:
                self.sources[parts[1]] = info
        if total > self.limits.total_bytes:
            raise self._refuse(
                f"unpacks to {_size(total)}, more than {_size(self.limits.total_bytes)} "
                "(a zip bomb?)"
            )
        named = [q for q in qdes if q.filename.lower() == "project.qde"]
        if not qdes:
            raise self._refuse("holds no project.qde: it is not a REFI-QDA project")
        if len(qdes) > 1 and not named:
            raise self._refuse("holds more than one .qde file and none is project.qde")
        self.qde = named[0] if named else qdes[0]
        if self.qde.filename != "project.qde":
            self.warnings.append(f"the project file is named '{self.qde.filename}'")
        if any(i.filename.startswith("Sources/") for i in self.sources.values()):
            self.warnings.append("the text files are in 'Sources/', not 'sources/'")

    def read(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        """A member's bytes, read in chunks, refused as soon as it passes ``limit`` (its
        header's size is not trusted) or the archive's total."""
        chunks, size = [], 0
        try:
            with self.zip.open(info) as handle:
                while chunk := handle.read(CHUNK):
                    size += len(chunk)
                    self._read_total += len(chunk)
                    # The header's sizes may lie: the bounds hold for what is really read.
                    if size > limit:
                        raise self._refuse(
                            f"entry '{info.filename}' is larger than allowed ({_size(limit)})"
                        )
                    if self._read_total > self.limits.total_bytes:
                        raise self._refuse(
                            f"entry '{info.filename}' is larger than allowed: the archive "
                            f"unpacks to more than {_size(self.limits.total_bytes)}"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError) as error:
            # zlib and lzma raise their own errors on damaged data (bz2 raises OSError).
            raise self._refuse(f"entry '{info.filename}' is damaged ({error})") from None
        return b"".join(chunks)

    def project_xml(self) -> bytes:
        return self.read(self.qde, self.limits.qde_bytes)

    def find_source(self, reference: str) -> zipfile.ZipInfo | None:
        """The entry of ``internal://name`` (a bare name too), or None if the archive has no
        such file. Only a flat name in the sources folder is ever looked up."""
        name = reference.removeprefix("internal://")
        if not name or any(c in name for c in "/\\\x00") or name in (".", ".."):
            raise self._refuse(f"refers to the file '{_shown(reference)}' outside its sources")
        return self.sources.get(name) or next(
            (i for n, i in self.sources.items() if n.casefold() == name.casefold()), None
        )

    def source(self, reference: str, limit: int | None = None) -> bytes | None:
        """The bytes of ``internal://name`` (see :meth:`find_source`), or None; refused past
        ``limit`` bytes (by default the bound of any member)."""
        info = self.find_source(reference)
        return None if info is None else self.read(info, limit or self.limits.member_bytes)


def _bad_name(name: str) -> str:
    """Why an entry name is refused, or '' if it is fine."""
    if not name:
        return "has no name"
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return "has control characters in its name"
    slashed = name.replace("\\", "/")
    if slashed.startswith("/") or _DRIVE.match(slashed) or slashed.startswith("//"):
        return "is an absolute path"
    if ".." in slashed.split("/"):
        return "leads out of the archive (..)"
    if "\\" in name:
        return "has a backslash in its name"
    return ""


def _size(count: int) -> str:
    """A size for a message: 200 MB, 2.0 GB."""
    if count >= 2**30:
        return f"{count / 2**30:.1f} GB"
    if count >= 2**20:
        return f"{count / 2**20:.0f} MB"
    return f"{count:,} bytes"


def _shown(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)[:80]
