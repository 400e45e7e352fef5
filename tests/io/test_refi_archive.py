"""A .qdpx archive's bounds: what it unpacks to is bounded, member by member and in all, as
declared and as read; how tightly it is packed is not a reason to refuse it — an article that
repeats itself packs far more than 100:1, and annotator's own exports must always come back."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.refi.archive import Archive, Limits
from annotator.services import create_project, import_files
from annotator.services.merge import merge_file
from annotator.services.refi import export_qdpx

# Written for this test: a notice that a site prints again and again.
LINE = "Notice: the crossing at the river stays closed until further notice.\n"


def test_our_export_of_a_repetitive_2_mb_article_merges_into_a_fresh_project(
    tmp_path: Path,
) -> None:
    text = LINE * (2_000_000 // len(LINE))
    source = tmp_path / "notices.txt"
    source.write_text(text, encoding="utf-8")
    archive = tmp_path / "notices.qdpx"
    with create_project(tmp_path / "source.annotator") as project:
        import_files(project, [source])
        [document] = project.documents.all()
        code = project.codebook.tree().find("Motive > Political")
        assert code is not None
        ana = project.coders.add("Ana")
        project.codings.add(document.id, ana.id, code.id, 0, len(LINE) - 1)
        project.codings.add(document.id, ana.id, code.id, len(text) - len(LINE), len(text) - 1)
        export_qdpx(project, archive)
    with zipfile.ZipFile(archive) as packed:
        [member] = [i for i in packed.infolist() if i.filename.startswith("sources/")]
        assert member.file_size / member.compress_size > 100  # what used to be refused
    with create_project(tmp_path / "fresh.annotator", with_default_codebook=False) as fresh:
        [report] = merge_file(fresh, archive)
        assert (report.coder, report.added) == ("Ana", 2)
        [document] = fresh.documents.all()
        assert fresh.documents.text(document.id) == text
        spans = sorted((c.start, c.end) for c in fresh.codings.all())
        assert spans == [(0, len(LINE) - 1), (len(text) - len(LINE), len(text) - 1)]


def _archive(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _claim(path: Path, name: str, size: int) -> None:
    """Make the central directory claim that ``name`` unpacks to ``size`` bytes."""
    raw = bytearray(path.read_bytes())
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + length] == name.encode():
            struct.pack_into("<I", raw, at + 24, size)
            path.write_bytes(bytes(raw))
            return
        at = raw.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"no entry {name}")


QDE = b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'


def test_a_member_claiming_more_than_the_member_bound_is_refused_with_nothing_written(
    tmp_path: Path,
) -> None:
    archive = _archive(tmp_path / "bomb.qdpx", {"project.qde": QDE, "sources/a.txt": b"a" * 100})
    _claim(archive, "sources/a.txt", 3 * 2**30)
    with create_project(tmp_path / "target.annotator", with_default_codebook=False) as project:
        with pytest.raises(BadFileError, match=r"'sources/a.txt' unpacks to 3.0 GB.*zip bomb"):
            merge_file(project, archive)
        assert project.documents.count() == 0


def test_members_and_the_whole_are_bounded_whatever_their_ratio(tmp_path: Path) -> None:
    zeros = b"\x00" * (3 * 2**20)  # packs about 1000:1
    archive = _archive(
        tmp_path / "big.qdpx",
        {"project.qde": QDE, "sources/a.txt": zeros, "sources/b.txt": zeros},
    )
    with Archive(archive) as opened:  # within the default bounds: accepted
        assert len(opened.source("a.txt") or b"") == len(zeros)
    with pytest.raises(BadFileError, match=r"'sources/a.txt' unpacks to 3 MB, more than 2 MB"):
        Archive(archive, Limits(member_bytes=2 * 2**20))
    with pytest.raises(BadFileError, match=r"unpacks to 6 MB, more than 5 MB"):
        Archive(archive, Limits(total_bytes=5 * 2**20))
