"""Every export format, aimed where no export may go: the project itself, its write-ahead log,
another project, a link to the project — refused with the project byte for byte as it was
and nothing left behind; and aimed at a pipe or a device — streamed, never replaced."""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError, UserError
from annotator.services import create_project
from annotator.services.export_job import ExportJob, run_export
from annotator.services.exports import Selection
from annotator.storage import Project
from tests.io.pipes import Reader, device

# (kind, file suffix, selection): every format `annotator export` writes.
FORMATS = [
    ("segments", ".csv", Selection()),
    ("matrix", ".csv", Selection()),
    ("documents", ".csv", Selection()),
    ("agreement", ".csv", Selection()),
    ("codebook", ".json", Selection()),
    ("codebook", ".csv", Selection()),
    ("codebook", ".html", Selection()),
    ("codebook", ".qdc", Selection()),
    ("qdpx", ".qdpx", Selection()),
    ("package", ".annpkg", Selection(coders=["Ana"])),
    ("sav", ".sav", Selection()),
    ("dta", ".dta", Selection()),
]
IDS = [f"{kind}{suffix}" for kind, suffix, _ in FORMATS]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Project]:
    """The demo project, open for writing (so its write-ahead log and lock exist)."""
    folder = tmp_path / "study"
    folder.mkdir()
    project = create_project(folder / "demo.annotator", demo=True)
    yield project
    project.close()


def _needs(kind: str) -> None:
    if kind in ("sav", "dta"):
        pytest.importorskip("pyreadstat")


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of the folder: a file's bytes, a link's target."""
    return {
        p.name: os.readlink(p) if p.is_symlink() else p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.name != "demo.annotator-shm"  # SQLite's index, rewritten by any reader
    }


def _refused(project: Project, job: ExportJob, reason: str) -> None:
    assert project.path is not None
    folder = project.path.parent
    before = _snapshot(folder)
    with pytest.raises(BadFileError, match=reason) as caught:
        run_export(project, job)
    assert str(caught.value).startswith(f"{job.path.name}: ")  # type: ignore[union-attr]
    assert "\n" not in str(caught.value)
    assert _snapshot(folder) == before  # the project as it was, nothing left behind


@pytest.mark.parametrize(("kind", "suffix", "selection"), FORMATS, ids=IDS)
def test_onto_the_project_is_refused(
    demo: Project, kind: str, suffix: str, selection: Selection
) -> None:
    _needs(kind)
    assert demo.path is not None
    _refused(demo, ExportJob(kind, demo.path, selection), "is the project being exported")
    wal = demo.path.with_name("demo.annotator-wal")
    assert wal.exists()
    _refused(demo, ExportJob(kind, wal, selection), "is the write-ahead log of the project")
    lock = demo.path.with_name("demo.annotator.lock")
    _refused(demo, ExportJob(kind, lock, selection), "is the lock file of the project")
    link = demo.path.with_name(f"link{suffix}")
    link.symlink_to(demo.path.name)
    _refused(demo, ExportJob(kind, link, selection), "is the project being exported")
    hard = demo.path.with_name(f"hard{suffix}")
    os.link(demo.path, hard)
    _refused(demo, ExportJob(kind, hard, selection), "is the project being exported")


@pytest.mark.parametrize(("kind", "suffix", "selection"), FORMATS, ids=IDS)
def test_onto_another_project_is_refused(
    demo: Project, kind: str, suffix: str, selection: Selection
) -> None:
    _needs(kind)
    assert demo.path is not None
    with create_project(demo.path.with_name(f"other{suffix}")):
        pass
    other = demo.path.with_name(f"other{suffix}")
    _refused(demo, ExportJob(kind, other, selection), "is an annotator project")


def _same_content(kind: str, streamed: bytes, written: Path) -> None:
    if kind == "qdpx":
        with (
            zipfile.ZipFile(io.BytesIO(streamed)) as a,
            zipfile.ZipFile(written) as b,
        ):
            assert {i.filename: a.read(i) for i in a.infolist()} == {
                i.filename: b.read(i) for i in b.infolist()
            }
    elif kind in ("sav", "dta"):
        pyreadstat = pytest.importorskip("pyreadstat")
        copy = written.with_name(f"streamed.{kind}")
        copy.write_bytes(streamed)
        read = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
        assert read(str(copy))[0].equals(read(str(written))[0])
    elif kind == "package":  # holds the time it was made
        assert streamed.split(b'"created_at"')[0] == written.read_bytes().split(b'"created_at"')[0]
    else:
        assert streamed == written.read_bytes()


# A codebook's format is its file name's extension, which a pipe lacks.
STREAMED = [(k, s, selection) for k, s, selection in FORMATS if k != "codebook"]


@pytest.mark.parametrize(
    ("kind", "suffix", "selection"), STREAMED, ids=[f"{k}{s}" for k, s, _ in STREAMED]
)
def test_into_a_pipe_streams_what_a_file_would_hold(
    demo: Project, tmp_path: Path, kind: str, suffix: str, selection: Selection
) -> None:
    _needs(kind)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    count = run_export(demo, ExportJob(kind, fifo, selection))
    streamed = reader.result()
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    written = tmp_path / f"file{suffix}"
    assert run_export(demo, ExportJob(kind, written, selection)) == count
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "study") == [
        f"file{suffix}",
        *(["file_codebook.csv"] if kind == "matrix" else []),
        "pipe",
    ]  # no companion beside a pipe
    _same_content(kind, streamed, written)


@pytest.mark.parametrize(("kind", "suffix", "selection"), FORMATS, ids=IDS)
def test_onto_a_device_streams_or_refuses_and_the_device_stays(
    demo: Project, tmp_path: Path, kind: str, suffix: str, selection: Selection
) -> None:
    _needs(kind)
    null = device(tmp_path, "null", 3)
    before = os.stat(null)
    if kind == "codebook":  # no extension to tell its format
        with pytest.raises(UserError, match="codebooks are written as"):
            run_export(demo, ExportJob(kind, null, selection))
    else:
        run_export(demo, ExportJob(kind, null, selection))
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert not Path(f"{null}_codebook.csv").exists()


def test_a_matrix_whose_companion_would_land_on_a_project_writes_neither(
    demo: Project, tmp_path: Path
) -> None:
    assert demo.path is not None
    folder = demo.path.parent
    with create_project(folder / "matrix_codebook.csv"):
        pass
    before = _snapshot(folder)
    with pytest.raises(BadFileError, match=r"matrix_codebook\.csv: is an annotator project"):
        run_export(demo, ExportJob("matrix", folder / "matrix.csv"))
    assert _snapshot(folder) == before


def test_read_back_csv_from_a_pipe(demo: Project, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    count = run_export(demo, ExportJob("segments", fifo))
    rows = list(csv.DictReader(io.StringIO(reader.result().decode("utf-8"), newline="")))
    assert len(rows) == count == demo.codings.count()
