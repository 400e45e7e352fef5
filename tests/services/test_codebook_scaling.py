"""Merging a codebook costs in proportion to its size — a codebook file, a REFI .qdc, the codes
of a .qdpx — and reports its progress. Cost is counted, not timed (timings belong to
tests/benchmarks/run.py): SQLite's virtual-machine steps and Python's function calls, which a
quadratic merge multiplies by 16 when the codebook grows 4 times, a linear one by about 4."""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from annotator.services import create_project, import_codebook
from annotator.services.merge import merge_file
from annotator.storage import Project

SMALL, LARGE = 250, 1000
GROWTH = LARGE / SMALL


def _guid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def _json(path: Path, codes: int) -> Path:
    """One dimension holding every code: the worst case for anything that scans siblings."""
    document = {
        "format": "annotator-codebook",
        "dimensions": [
            {"name": "Topics", "codes": [{"name": f"Topic {n}"} for n in range(codes - 1)]}
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _codes_xml(codes: int) -> str:
    inner = "".join(
        f'<Code guid="{_guid(n + 1)}" name="Topic {n}" isCodable="true"/>' for n in range(codes - 1)
    )
    return f'<Code guid="{_guid(0)}" name="Topics" isCodable="false">{inner}</Code>'


def _qdc(path: Path, codes: int) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
        f'origin="Test"><Codes>{_codes_xml(codes)}</Codes></CodeBook>',
        encoding="utf-8",
    )
    return path


def _qdpx(path: Path, codes: int) -> Path:
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        f'name="codes" origin="Test"><CodeBook><Codes>{_codes_xml(codes)}</Codes></CodeBook>'
        "</Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    return path


def _cost(project: Project, action: Callable[[], object]) -> tuple[int, int]:
    """SQLite steps (in hundreds) and Python calls that ``action`` takes."""
    steps, calls = [0], [0]

    def step() -> int:
        steps[0] += 1
        return 0

    def profile(frame: FrameType, event: str, argument: Any) -> None:
        if event in ("call", "c_call"):
            calls[0] += 1

    project.db.conn.set_progress_handler(step, 100)
    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
        project.db.conn.set_progress_handler(None, 0)
    return steps[0], calls[0]


@pytest.mark.parametrize(("maker", "suffix"), [(_json, ".json"), (_qdc, ".qdc"), (_qdpx, ".qdpx")])
def test_merging_a_codebook_grows_in_proportion_to_it(
    tmp_path: Path, maker: Callable[[Path, int], Path], suffix: str
) -> None:
    costs = []
    for size in (SMALL, LARGE):
        source = maker(tmp_path / f"{size}{suffix}", size)
        with create_project(tmp_path / f"{size}.annotator", with_default_codebook=False) as p:

            def bring_in(project: Project = p, source: Path = source) -> object:
                if suffix == ".qdpx":
                    return merge_file(project, source)
                return import_codebook(project, source)

            costs.append(_cost(p, bring_in))
            assert p.codebook.count() == size
    (small_steps, small_calls), (large_steps, large_calls) = costs
    assert large_steps / small_steps < GROWTH * 1.5, costs
    assert large_calls / small_calls < GROWTH * 1.5, costs


def test_a_long_import_reports_its_progress(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        import_codebook(
            project,
            _json(tmp_path / "codes.json", 40),
            progress=lambda done, total, _: seen.append((done, total)),
        )
    assert seen == [(done, 40) for done in range(1, 41)]
