"""One rule for names that differ only in case, everywhere: siblings may not (the schema
holds it), and every lookup — merge by path included — takes such a name for the code that
is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.services import create_project
from annotator.services.merge import MergeChoices, MergeConflictError, merge_file
from annotator.storage import Project


def _other_project(tmp_path: Path, demo: Project) -> Path:
    """A project of its own (own GUIDs) that spells the demo's 'Political' in lower case, with
    a coding on it by Cy."""
    path = tmp_path / "other.annotator"
    with create_project(path, with_default_codebook=False) as other:
        motive = other.codebook.add("motive")
        political = other.codebook.add("political", motive.id)
        document = demo.documents.all()[0]
        copied = other.documents.add(
            document.name, document.source, demo.documents.text(document.id)
        )
        other.codings.add(copied.id, other.coders.add("Cy").id, political.id, 0, 10)
    return path


def test_merge_by_path_maps_a_name_differing_only_in_case_onto_the_code_there(
    demo: Project, tmp_path: Path
) -> None:
    political = demo.codebook.tree().find("Motive > Political")
    assert political is not None
    before = demo.codebook.count()
    [report] = merge_file(demo, _other_project(tmp_path, demo), MergeChoices(codes="by-path"))
    assert (report.added, report.codes_added) == (1, [])
    assert demo.codebook.count() == before
    cy = demo.coders.by_name("Cy")
    assert cy is not None
    assert [c.code_id for c in demo.codings.for_coder(cy.id)] == [political.id]
    assert [c.name for c in demo.codebook.tree().children(political.parent_id)].count(
        "Political"
    ) == 1


def test_merge_adding_codes_names_the_clash_instead_of_adding_a_twin(
    demo: Project, tmp_path: Path
) -> None:
    other = _other_project(tmp_path, demo)
    before = demo.codebook.count()
    with pytest.raises(MergeConflictError) as caught:
        merge_file(demo, other, MergeChoices(codes="add"))
    assert any(
        "has 'Motive > Political' (the package's 'motive > political') with another GUID" in c
        for c in caught.value.conflicts
    )
    assert demo.codebook.count() == before
