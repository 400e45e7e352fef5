"""Codebook import merges by path and reports what it added and changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import paths
from annotator.domain.errors import BadFileError
from annotator.services import export_codebook, import_codebook
from annotator.storage import Project


def test_default_codebook_is_loaded_with_its_guids(project: Project) -> None:
    bundled = json.loads(paths.default_codebook_path().read_text(encoding="utf-8"))
    tree = project.codebook.tree()
    assert [d.name for d in tree.dimensions()] == [d["name"] for d in bundled["dimensions"]]
    for dimension in bundled["dimensions"]:
        stored = tree.find(dimension["name"])
        assert stored is not None
        assert (stored.guid, stored.exclusive) == (dimension["guid"], dimension["exclusive"])
        for code in dimension["codes"]:
            node = tree.find(f"{dimension['name']} > {code['name']}")
            assert node is not None
            assert (node.guid, node.shortcut, node.color) == (
                code["guid"],
                code["shortcut"],
                code["color"],
            )


def test_csv_merge_adds_and_changes_by_path(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "extra.csv"
    source.write_text(
        "path,color,shortcut,exclusive,description\n"
        "Motive,,,1,\n"
        "Motive > Political,#AABBCC,,,A new definition\n"
        "Framing,#FFEEDD,,0,How the story is framed\n"
        "Framing > Human interest,,z,,\n",
        encoding="utf-8",
    )
    report = import_codebook(project, source)
    assert report.added == ["Framing", "Framing > Human interest"]
    assert report.changed == ["Motive > Political"]
    political = project.codebook.tree().find("Motive > Political")
    assert political is not None
    assert (political.color, political.description, political.shortcut) == (
        "#AABBCC",
        "A new definition",
        "2",
    )
    again = import_codebook(project, source)
    assert (again.added, again.changed) == ([], [])


def test_conflicting_shortcut_names_the_line_and_writes_nothing(
    project: Project, tmp_path: Path
) -> None:
    before = project.codebook.count()
    source = tmp_path / "clash.csv"
    source.write_text(
        "path,shortcut\nNew dimension,\nNew dimension > New code,1\n", encoding="utf-8"
    )
    with pytest.raises(BadFileError, match=r"clash.csv, line 3: .*shortcut '1' is already used"):
        import_codebook(project, source)
    assert project.codebook.count() == before


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_export_then_import_into_an_empty_project_gives_the_same_codebook(
    project: Project, tmp_path: Path, suffix: str
) -> None:
    exported = tmp_path / f"codebook{suffix}"
    count = export_codebook(project, exported)
    assert count == project.codebook.count()
    with Project.in_memory() as empty:
        report = import_codebook(empty, exported)
        assert len(report.added) == count
        original, copy = project.codebook.tree(), empty.codebook.tree()
        for code in original.walk():
            twin = copy.find(original.path(code.id))
            assert twin is not None
            same = (code.color, code.shortcut, code.description, code.exclusive)
            assert (twin.color, twin.shortcut, twin.description, twin.exclusive) == same
            assert (twin.guid == code.guid) is (suffix == ".json")
