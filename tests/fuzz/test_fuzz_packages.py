"""Coder packages (.annpkg) given to ``merge``: mutated JSON in, only user errors out, and a
refused package leaves the project as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.services.merge import merge_files
from tests.fuzz.conftest import Seeds
from tests.fuzz.strategies import choices, json_file
from tests.fuzz.support import example, fuzz, read_into, timeout_seconds

EXAMPLES = 100


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_mutated_package_merges_or_is_refused_cleanly(
    seeds: Seeds, base: Path, data: st.DataObject
) -> None:
    seed = data.draw(st.sampled_from(seeds.packages), label="package")
    raw = data.draw(json_file(seed.read_bytes()), label="file")
    template = data.draw(st.sampled_from([seeds.demo, seeds.other, seeds.empty]), label="into")
    chosen = data.draw(choices, label="choices")
    with example(base) as ex:
        path = ex.file("coder.annpkg", raw)
        read_into(ex, template, lambda project: merge_files(project, [path], chosen), path)
