"""Where `annotator export`, `agreement -o` and `codebook export` may write: never onto the
project (the exact case of issue 20: `export p.annotator --format segments -o p.annotator`),
a link to it or another project; into a pipe, streamed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.io.pipes import Reader
from tests.test_cli import assert_one_line_error, run

FORMATS = [
    ("segments",),
    ("matrix",),
    ("documents",),
    ("agreement",),
    ("codebook",),
    ("qdpx",),
    ("package", "--coders", "Ana"),
    ("sav",),
    ("dta",),
]


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def _folder(path: Path) -> dict[str, bytes]:
    """The folder's files, but SQLite's own: any reader of the project may make those."""
    return {
        p.name: p.read_bytes()
        for p in sorted(path.parent.iterdir())
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.mark.parametrize("format_", FORMATS, ids=[f[0] for f in FORMATS])
def test_export_onto_the_project_is_refused_byte_for_byte(
    demo_path: Path, format_: tuple[str, ...]
) -> None:
    if format_[0] in ("sav", "dta"):
        pytest.importorskip("pyreadstat")
    before = _folder(demo_path)
    result = run("export", demo_path, "--format", *format_, "-o", demo_path)
    assert_one_line_error(result, "p.annotator: is the project being exported")
    assert _folder(demo_path) == before
    assert run("check", demo_path).exit_code == 0


def test_agreement_and_codebook_export_refuse_a_link_to_the_project(
    demo_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "report.html").symlink_to(demo_path)
    (tmp_path / "codebook.json").symlink_to(demo_path)
    before = _folder(demo_path)
    result = run("agreement", demo_path, "-o", tmp_path / "report.html")
    assert_one_line_error(result, "report.html: is the project being exported")
    assert "Krippendorff" not in result.stdout  # refused before anything was computed
    result = run("codebook", "export", demo_path, tmp_path / "codebook.json")
    assert_one_line_error(result, "codebook.json: is the project being exported")
    assert _folder(demo_path) == before
    assert (tmp_path / "report.html").is_symlink()


def test_export_onto_another_project_is_refused(demo_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.annotator"
    assert run("new", other).exit_code == 0
    before = other.read_bytes()
    result = run("export", demo_path, "--format", "documents", "-o", other)
    assert_one_line_error(result, "other.annotator: is an annotator project")
    assert other.read_bytes() == before


def test_a_matrix_into_a_pipe_has_no_companion(demo_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    result = run("export", demo_path, "--format", "matrix", "-o", fifo)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote 16 rows to {fifo}"
    assert reader.result().startswith(b"document_id,document_name,coder,status,")
    assert not Path(f"{fifo}_codebook.csv").exists()
    assert not (tmp_path / "pipe_codebook.csv").exists()
    result = run("export", demo_path, "--format", "matrix", "-o", tmp_path / "m.csv")
    assert f"and its columns to {tmp_path / 'm_codebook.csv'}" in result.stdout
