"""Codebook files given to ``codebook import`` (and ``new --codebook``): .json, .csv and
REFI-QDA .qdc, as our exporters write them, mutated."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.errors import UserError
from annotator.services import create_project, import_codebook
from tests.fuzz.conftest import Seeds
from tests.fuzz.strategies import csv_file, json_file, mutated_bytes, xml_bytes
from tests.fuzz.support import (
    HANG_SECONDS,
    example,
    fuzz,
    outside,
    read_into,
    recording_writes,
    time_limit,
    timeout_seconds,
)

EXAMPLES = 80


def _import(seeds: Seeds, base: Path, data: st.DataObject, suffix: str, raw: bytes) -> None:
    template = data.draw(st.sampled_from([seeds.demo, seeds.empty]), label="into")
    with example(base) as ex:
        path = ex.file(f"codebook{suffix}", raw)
        read_into(ex, template, lambda project: import_codebook(project, path), path)


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_json_codebook(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    raw = data.draw(json_file(seeds.codebook_json.read_bytes()), label="json")
    _import(seeds, base, data, ".json", raw)


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_csv_codebook(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    raw = data.draw(csv_file(seeds.codebook_csv.read_bytes()), label="csv")
    _import(seeds, base, data, ".csv", raw)


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_qdc_codebook(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    original = seeds.codebook_qdc.read_bytes()
    raw = data.draw(st.one_of(xml_bytes(original), mutated_bytes(original)), label="qdc")
    _import(seeds, base, data, ".qdc", raw)


NEW_EXAMPLES = 40


@pytest.mark.timeout(timeout_seconds(NEW_EXAMPLES))
@fuzz(NEW_EXAMPLES)
@given(data=st.data())
def test_new_project_with_a_codebook(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    """``new PROJECT --codebook FILE``: a project, or a user error naming the codebook and
    no project file (nor anything else) left behind."""
    suffix = data.draw(st.sampled_from([".json", ".csv"]), label="suffix")
    seed = seeds.codebook_json if suffix == ".json" else seeds.codebook_csv
    mutate = json_file if suffix == ".json" else csv_file
    raw = data.draw(mutate(seed.read_bytes()), label="codebook")
    with example(base) as ex:
        path = ex.file(f"codebook{suffix}", raw)
        target = ex.folder / "new.annotator"
        before = set(ex.folder.rglob("*"))
        refused = None
        with recording_writes() as writes, time_limit(HANG_SECONDS):
            try:
                create_project(target, codebook=path).close()
            except UserError as error:
                refused = error
        assert not outside(ex.folder, writes), outside(ex.folder, writes)
        if refused is None:
            assert target.is_file()
        else:
            assert path.name in str(refused), str(refused)
            assert set(ex.folder.rglob("*")) == before, "a refused project left files"
