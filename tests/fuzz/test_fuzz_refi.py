"""REFI-QDA projects (.qdpx) given to ``merge`` (File → Import REFI-QDA project): our own
export of a project, mutated in its ZIP structure (entries dropped, renamed, doubled, links,
encryption flags, other compression, bytes flipped) and in the XML and texts inside it
(attributes removed or changed, offsets negative or past the text, GUIDs doubled or dangling,
elements nested deeply, a DTD, odd bytes in the texts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.services.merge import MergeChoices, merge_files
from tests.fuzz.conftest import Seeds
from tests.fuzz.strategies import (
    choices,
    mutated_bytes,
    mutated_zip,
    nasty_text,
    xml_bytes,
    zip_entries,
)
from tests.fuzz.support import example, fuzz, read_into, timeout_seconds


def _member(name: str, body: bytes) -> st.SearchStrategy[bytes] | None:
    if name.endswith(".qde"):
        return xml_bytes(body)
    if name.startswith("sources/"):
        # An article's text: odd characters spliced in (the offsets then point elsewhere),
        # another encoding, or raw edits.
        return st.one_of(
            mutated_bytes(body),
            st.tuples(st.integers(0, len(body)), nasty_text).map(
                lambda cut: (
                    body[: cut[0]] + cut[1].encode("utf-8", "surrogatepass") + body[cut[0] :]
                )
            ),
            st.just(body.decode("utf-8", "replace").encode("utf-16")),
            st.just(body.replace(b"\n", b"\r\n")),
        )
    return None


EXAMPLES = 60


@pytest.mark.timeout(timeout_seconds(EXAMPLES))
@fuzz(EXAMPLES)
@given(data=st.data())
def test_qdpx_project(seeds: Seeds, base: Path, data: st.DataObject) -> None:
    entries = zip_entries(seeds.qdpx.read_bytes())
    raw = data.draw(mutated_zip(entries, _member), label="qdpx")
    template = data.draw(st.sampled_from([seeds.demo, seeds.other, seeds.empty]), label="into")
    chosen: MergeChoices = data.draw(choices, label="choices")
    with example(base) as ex:
        path = ex.file("project.qdpx", raw)
        read_into(ex, template, lambda project: merge_files(project, [path], chosen), path)
