"""REFI-QDA files as other tools write them, found wanting by a hostile pass: a note whose
text sits in a file of the archive (NVivo), a source text in UTF-16 with a byte-order mark,
and variable values that do not fit their type."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from annotator.domain.model import VariableType
from annotator.services import create_project, memos
from annotator.services.merge import merge_file
from annotator.services.refi import export_qdpx

NS = "urn:QDA-XML:project:1.0"
ANA = "6a0f4c1e-2b3d-4e5f-8a9b-0c1d2e3f4a51"
DIMENSION = "1b8e0c2a-7d4f-4c3b-9a1e-5f6d7c8b9a01"
CODE = "1b8e0c2a-7d4f-4c3b-9a1e-5f6d7c8b9a02"
SOURCE = "4ebf3f5d-a07c-4f8e-b2c3-8d9e0f1a2b01"
NOTE = "5fc04a6e-b18d-4a9f-83d4-9e0f1a2b3c01"


def _project(sources: str, extra: str = "", variables: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="t" origin="Test">
  <Users><User guid="{ANA}" name="Ana"/></Users>
  <CodeBook><Codes>
    <Code guid="{DIMENSION}" name="Motive" isCodable="false">
      <Code guid="{CODE}" name="Hunger" isCodable="true"/>
    </Code>
  </Codes></CodeBook>{variables}
  <Sources>{sources}</Sources>{extra}
</Project>
"""


def _selection(start: int, end: int, name: str) -> str:
    return f"""<PlainTextSelection guid="7a1c5b8e-0d2f-4a3b-9c4d-1e2f3a4b5c01" name="{name}"
        startPosition="{start}" endPosition="{end}" creatingUser="{ANA}">
      <Coding guid="8b2d6c9f-1e3a-4b4c-8d5e-2f3a4b5c6d01" creatingUser="{ANA}">
        <CodeRef targetGUID="{CODE}"/>
      </Coding>
    </PlainTextSelection>"""


def _archive(path: Path, qde: str, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_a_note_whose_text_is_a_file_of_the_archive_comes_in_with_that_text(
    tmp_path: Path,
) -> None:
    # NVivo keeps a memo's text in sources/<guid>.txt (BOM, CRLF), not in PlainTextContent.
    source = (
        f'<TextSource guid="{SOURCE}" name="Interview" plainTextPath="internal://{SOURCE}.txt">'
        f'<NoteRef targetGUID="{NOTE}"/></TextSource>'
    )
    notes = (
        f'<Notes><Note guid="{NOTE}" name="Memo" creatingUser="{ANA}" '
        f'creationDateTime="2024-05-02T16:06:00Z" plainTextPath="internal://{NOTE}.txt"/></Notes>'
    )
    archive = _archive(
        tmp_path / "nvivo.qdpx",
        _project(source, notes),
        {
            f"sources/{SOURCE}.txt": b"We were hungry, that is all.",
            f"sources/{NOTE}.txt": "\ufeffNoise at night.\r\nCheck the others.".encode(),
        },
    )
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        reports = merge_file(project, archive)
        assert [m.text for m in project.memos.all()] == ["Noise at night.\nCheck the others."]
        assert [m.target for m in project.memos.all()] == ["document"]
        assert reports[0].memos_skipped_empty == 0
        merge_file(project, archive)  # a second import adds nothing
        assert len(project.memos.all()) == 1
        assert memos.project_log(project) == []


def test_a_note_file_missing_from_the_archive_is_named_not_taken_for_an_empty_note(
    tmp_path: Path,
) -> None:
    notes = (
        f'<Notes><Note guid="{NOTE}" name="Memo" creatingUser="{ANA}" '
        f'plainTextPath="internal://{NOTE}.txt"/></Notes>'
    )
    archive = _archive(tmp_path / "nvivo.qdpx", _project("", notes), {})
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        reports = merge_file(project, archive)
        assert project.memos.all() == []
        assert "not carried: note 'Memo': its text file is missing from the archive" in (
            reports[0].notes
        )
        assert reports[0].memos_skipped_empty == 0


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_source_text_in_utf16_with_a_byte_order_mark_is_read(
    tmp_path: Path, encoding: str
) -> None:
    text = "Café 😀: we were hungry.\r\nEnd."
    start = len(text[: text.index("hungry")].encode("utf-16-le")) // 2  # NVivo's units
    source = (
        f'<TextSource guid="{SOURCE}" name="Interview" plainTextPath="internal://{SOURCE}.txt">'
        f"{_selection(start, start + 6, 'hungry')}</TextSource>"
    )
    archive = _archive(
        tmp_path / "utf16.qdpx",
        _project(source),
        {f"sources/{SOURCE}.txt": "\ufeff".encode(encoding) + text.encode(encoding)},
    )
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        merge_file(project, archive)
        [document] = project.documents.all()
        assert project.documents.text(document.id) == "Café 😀: we were hungry.\nEnd."
        [coding] = project.codings.all()
        assert project.documents.text(document.id)[coding.start : coding.end] == "hungry"


def _value(guid: str, element: str, value: str) -> str:
    return (
        f'<VariableValue><VariableRef targetGUID="{guid}"/><{element}>{value}</{element}>'
        "</VariableValue>"
    )


def test_variable_values_are_checked_against_their_type(tmp_path: Path) -> None:
    count, day, wave, other = (f"9c3e7da0-2f4b-4c5d-9e6f-3a4b5c6d7e0{n}" for n in range(4))
    variables = f"""
  <Variables>
    <Variable guid="{count}" name="count" typeOfVariable="Integer"/>
    <Variable guid="{day}" name="day" typeOfVariable="Date"/>
    <Variable guid="{wave}" name="wave" typeOfVariable="Float"/>
    <Variable guid="{other}" name="other" typeOfVariable="Integer"/>
  </Variables>"""

    def source(n: int, *values: str) -> str:
        guid = f"4ebf3f5d-a07c-4f8e-b2c3-8d9e0f1a2b0{n}"
        return (
            f'<TextSource guid="{guid}" name="Article {n}">'
            f"<PlainTextContent>Article number {n}.</PlainTextContent>{''.join(values)}"
            "</TextSource>"
        )

    sources = source(
        1,
        _value(count, "IntegerValue", "12"),
        _value(day, "DateValue", "2024-05-01Z"),  # xsd:date may carry a zone
        _value(wave, "FloatValue", "2"),
        _value(other, "IntegerValue", "7"),
    ) + source(
        2,
        _value(count, "IntegerValue", "many"),  # not a number: the file is not valid
        _value(day, "DateValue", "2024-05-02+02:00"),
        _value(wave, "FloatValue", "late"),
        _value(other, "IntegerValue", "8"),
    )
    archive = _archive(tmp_path / "v.qdpx", _project(sources, variables=variables), {})
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        wave_variable = project.documents.define_variable("wave", VariableType.NUMBER)
        reports = merge_file(project, archive)
        types = {v.name: v.type for v in project.documents.variables()}
        # A new variable whose values are not all numbers comes in as text, whole.
        assert types == {
            "wave": VariableType.NUMBER,
            "count": VariableType.TEXT,
            "day": VariableType.DATE,
            "other": VariableType.NUMBER,
        }
        names = {d.id: d.name for d in project.documents.all()}
        values = {names[d]: dict(v) for d, v in project.documents.all_values().items()}
        assert values == {
            "Article 1": {"count": "12", "day": "2024-05-01", "wave": "2", "other": "7"},
            # The project's number variable cannot hold 'late': left out, and said so.
            "Article 2": {"count": "many", "day": "2024-05-02", "other": "8"},
        }
        assert wave_variable.type is VariableType.NUMBER
        notes = "\n".join(reports[0].notes)
        assert "'Article 2': variable 'wave' (number): 'late' is not a number" in notes
        assert (
            "variable 'count' is a number variable in the file but holds 'many': it comes in "
            "as text"
        ) in notes


def test_the_export_names_a_machine_coder_as_what_refi_cannot_carry(tmp_path: Path) -> None:
    with create_project(tmp_path / "demo.annotator", demo=True) as demo:
        machine = demo.coders.add("Classifier", kind="machine")
        code = demo.codebook.tree().find("Actor type > Diplomat")
        assert code is not None
        demo.codings.add(demo.documents.names()[0][0], machine.id, code.id, 0, 4)
        exported = export_qdpx(demo, tmp_path / "out.qdpx")
    assert any("'Classifier'" in loss and "machine" in loss for loss in exported.losses), (
        exported.losses
    )
    with create_project(tmp_path / "fresh.annotator", with_default_codebook=False) as fresh:
        merge_file(fresh, tmp_path / "out.qdpx")
        # What the loss says: it comes back as a person (REFI's User has no kind).
        assert not fresh.coders.find("Classifier").is_machine


def test_a_note_file_holding_nul_characters_is_named_not_stored_garbled(
    tmp_path: Path,
) -> None:
    # UTF-16 without a byte-order mark reads as UTF-8 with a NUL after each letter.
    notes = (
        f'<Notes><Note guid="{NOTE}" name="Memo" creatingUser="{ANA}" '
        f'plainTextPath="internal://{NOTE}.txt"/></Notes>'
    )
    archive = _archive(
        tmp_path / "nvivo.qdpx",
        _project("", notes),
        {f"sources/{NOTE}.txt": "Noise at night.".encode("utf-16-le")},
    )
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        reports = merge_file(project, archive)
        assert project.memos.all() == []
        assert "not carried: note 'Memo' holds NUL characters: not a text" in reports[0].notes


def test_two_variables_of_one_name_and_two_types_come_in_as_text(tmp_path: Path) -> None:
    year_number, year_date = (f"9c3e7da0-2f4b-4c5d-9e6f-3a4b5c6d7e1{n}" for n in range(2))
    variables = f"""
  <Variables>
    <Variable guid="{year_number}" name="year" typeOfVariable="Integer"/>
    <Variable guid="{year_date}" name="year" typeOfVariable="Date"/>
  </Variables>"""
    sources = "".join(
        f'<TextSource guid="4ebf3f5d-a07c-4f8e-b2c3-8d9e0f1a2b1{n}" name="Article {n}">'
        f"<PlainTextContent>Article number {n}.</PlainTextContent>{value}</TextSource>"
        for n, value in (
            (1, _value(year_number, "IntegerValue", "2024")),
            (2, _value(year_date, "DateValue", "2024-05-01")),
        )
    )
    archive = _archive(tmp_path / "y.qdpx", _project(sources, variables=variables), {})
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        reports = merge_file(project, archive)
        assert {v.name: v.type for v in project.documents.variables()} == {
            "year": VariableType.TEXT
        }
        names = {d.id: d.name for d in project.documents.all()}
        values = {names[d]: dict(v) for d, v in project.documents.all_values().items()}
        # Both values kept as written; neither left out for the other's type.
        assert values == {"Article 1": {"year": "2024"}, "Article 2": {"year": "2024-05-01"}}
        notes = "\n".join(reports[0].notes)
        assert "variable 'year' is of two types in the file" in notes
