"""Every file of one import has its own source: the folder's name leads when several folders
are given, and files of one name given directly keep enough of their path to tell them apart;
a variables CSV reaches each of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.articles import collect_files
from annotator.services import import_files
from annotator.storage import Project


def _write(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"Story from {name}.", encoding="utf-8")


def _sources(paths: list[Path]) -> list[str]:
    files, refused = collect_files(paths)
    assert refused == []
    return [f.source for f in files]


def test_several_folders_lead_with_their_names(tmp_path: Path) -> None:
    _write(tmp_path, "nyt/day1.txt", "nyt/sub/day2.txt", "wapo/day1.txt", "wapo/extra.txt")
    assert _sources([tmp_path / "nyt", tmp_path / "wapo"]) == [
        "nyt/day1.txt",
        "nyt/sub/day2.txt",
        "wapo/day1.txt",
        "wapo/extra.txt",
    ]
    # One folder: paths relative to it, as before.
    assert _sources([tmp_path / "nyt"]) == ["day1.txt", "sub/day2.txt"]


def test_two_folders_of_one_name_keep_their_parents(tmp_path: Path) -> None:
    _write(tmp_path, "2019/data/day1.txt", "2020/data/day1.txt", "2020/data/only.txt")
    assert _sources([tmp_path / "2019" / "data", tmp_path / "2020" / "data"]) == [
        "2019/data/day1.txt",
        "2020/data/day1.txt",
        "data/only.txt",
    ]


def test_files_of_one_name_given_directly_keep_their_folders(tmp_path: Path) -> None:
    _write(tmp_path, "nyt/day1.txt", "wapo/day1.txt", "wapo/day2.txt", "a/x/day3.txt")
    _write(tmp_path, "b/x/day3.txt")
    given = ["nyt/day1.txt", "wapo/day1.txt", "wapo/day2.txt", "a/x/day3.txt", "b/x/day3.txt"]
    assert _sources([tmp_path / name for name in given]) == [
        "nyt/day1.txt",
        "wapo/day1.txt",
        "day2.txt",
        "a/x/day3.txt",
        "b/x/day3.txt",
    ]


def test_a_folder_and_a_file_of_the_same_name_inside_it(tmp_path: Path) -> None:
    _write(tmp_path, "nyt/day1.txt", "other/day1.txt")
    assert _sources([tmp_path / "nyt", tmp_path / "other" / "day1.txt"]) == [
        "nyt/day1.txt",
        "other/day1.txt",
    ]


def test_the_same_file_given_twice_is_not_grown_forever(tmp_path: Path) -> None:
    _write(tmp_path, "day1.txt")
    assert _sources([tmp_path / "day1.txt", tmp_path / "day1.txt"]) == ["day1.txt", "day1.txt"]


def test_variables_reach_files_of_one_name_in_two_folders(project: Project, tmp_path: Path) -> None:
    (tmp_path / "nyt").mkdir()
    (tmp_path / "wapo").mkdir()
    (tmp_path / "nyt" / "day1.txt").write_text("NYT story on the crossing.", encoding="utf-8")
    (tmp_path / "wapo" / "day1.txt").write_text("WaPo story on the figures.", encoding="utf-8")
    sheet = tmp_path / "vars.csv"
    sheet.write_text("file,outlet\nnyt/day1.txt,NYT\nwapo/day1.txt,WaPo\n", encoding="utf-8")
    report = import_files(project, [tmp_path / "nyt", tmp_path / "wapo"], variables_csv=sheet)
    assert report.warnings == []
    outlets = {
        project.documents.get(i.document_id).source: project.documents.values(i.document_id)
        for i in report.imported
    }
    assert outlets == {"nyt/day1.txt": {"outlet": "NYT"}, "wapo/day1.txt": {"outlet": "WaPo"}}


def test_a_bare_name_of_two_folders_files_is_refused_naming_them(
    project: Project, tmp_path: Path
) -> None:
    _write(tmp_path, "nyt/day1.txt", "wapo/day1.txt")
    sheet = tmp_path / "vars.csv"
    sheet.write_text("file,outlet\nday1.txt,NYT\n", encoding="utf-8")
    with pytest.raises(BadFileError) as caught:
        import_files(project, [tmp_path / "nyt", tmp_path / "wapo"], variables_csv=sheet)
    assert "(nyt/day1.txt, wapo/day1.txt)" in str(caught.value)
    assert project.documents.count() == 0
