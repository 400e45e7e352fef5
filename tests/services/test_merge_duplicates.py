"""A package or .qdpx naming one GUID twice — two codings, codes, memos, deletions, articles,
users or sources — is refused with one line naming the file and the GUID, nothing written
(issue: a coding GUID given twice used to end in "internal error (IntegrityError)")."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.domain.errors import BadFileError
from annotator.services import create_project
from annotator.services.merge import export_package, merge_file
from annotator.storage import Project

GUID = "0c9a7e52-3d1f-4b6a-9e8d-7f6a5b4c3d2e"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """Ana's package from a copy of the demo: codings, a memo and a deletion."""
    with create_project(tmp_path / "ana.annotator", demo=True) as project:
        ana = project.coders.find("Ana")
        first = project.codings.for_coder(ana.id)[0]
        project.memos.add("a memo on the project", coder_id=ana.id)
        project.codings.delete(first.id)
        path = tmp_path / "ana.annpkg"
        export_package(project, "Ana", path)
    return path


@pytest.mark.parametrize(
    ("key", "field", "value"),
    [
        ("codings", "guid", GUID),
        ("codes", "guid", GUID),
        ("memos", "guid", GUID),
        ("deletions", "guid", GUID),
        ("documents", "sha256", "ab" * 32),
    ],
)
def test_a_package_naming_one_guid_twice_is_refused(
    tmp_path: Path, package: Path, key: str, field: str, value: str
) -> None:
    data = json.loads(package.read_text(encoding="utf-8"))
    twice = dict(data[key][0], **{field: value})
    data[key] += [twice, dict(twice)]
    last = len(data[key]) - 1
    forged = tmp_path / "forged.annpkg"
    forged.write_text(json.dumps(data), encoding="utf-8")
    with create_project(tmp_path / "lead.annotator", demo=True) as lead:
        before = lead.codings.count(), len(lead.memos.all()), lead.codebook.count()
        with pytest.raises(BadFileError) as refused:
            merge_file(lead, forged)
        assert str(refused.value) == (
            f"forged.annpkg: {key}[{last}]: the {'SHA-256' if key == 'documents' else 'GUID'} "
            f"{value} appears twice (also {key}[{last - 1}]); nothing was merged"
        )
        assert (lead.codings.count(), len(lead.memos.all()), lead.codebook.count()) == before


def test_the_testers_package_gets_one_line_on_the_command_line(
    tmp_path: Path, package: Path
) -> None:
    """Two versions of one new coding: the tester's crash/dupguid.py."""
    data = json.loads(package.read_text(encoding="utf-8"))
    for start, end in ((0, 5), (10, 20)):
        data["codings"].append(dict(data["codings"][1], guid=GUID, start=start, end=end))
    forged = tmp_path / "dup.annpkg"
    forged.write_text(json.dumps(data), encoding="utf-8")
    lead = tmp_path / "lead.annotator"
    create_project(lead, demo=True).close()
    result = CliRunner().invoke(cli, ["merge", str(lead), str(forged)])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: dup.annpkg: codings[")
    assert f"the GUID {GUID} appears twice" in line
    assert "internal error" not in line
    with Project.open(lead, read_only=True) as project:
        assert project.codings.by_guid(GUID) is None


# -- .qdpx -----------------------------------------------------------------------------------

USER, CODE, SOURCE = (
    "6a0f4c1e-2b3d-4e5f-8a9b-0c1d2e3f4a51",
    "1b8e0c2a-7d4f-4c3b-9a1e-5f6d7c8b9a02",
    "4ebf3f5d-a07c-4f8e-b2c3-8d9e0f1a2b01",
)
SELECTION, CODING = "7a1c5b8e-0d2f-4a3b-9c4d-1e2f3a4b5c01", "8b2d6c9f-1e3a-4b4c-8d5e-2f3a4b5c6d01"
TEXT = "Workers left the restaurant because they had not been paid for months."


def _selection(guid: str, coding: str, start: int) -> str:
    return f"""
      <PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{start + 7}"
          name="{TEXT[start : start + 7]}" creatingUser="{USER}">
        <Coding guid="{coding}" creatingUser="{USER}"><CodeRef targetGUID="{CODE}"/></Coding>
      </PlainTextSelection>"""


def _qdpx(
    path: Path, *, users: str = "", codes: str = "", sources: str = "", sel: str = ""
) -> Path:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="Test">
  <Users><User guid="{USER}" name="Ana"/>{users}</Users>
  <CodeBook><Codes>
    <Code guid="2b8e0c2a-7d4f-4c3b-9a1e-5f6d7c8b9a01" name="Motive" isCodable="false">
      <Code guid="{CODE}" name="Hunger" isCodable="true"/>{codes}
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{SOURCE}" name="one" plainTextPath="internal://{SOURCE}.txt">
      {_selection(SELECTION, CODING, 0)}
      {sel}
    </TextSource>{sources}
  </Sources>
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{SOURCE}.txt", TEXT)
    return path


@pytest.mark.parametrize(
    ("parts", "kind", "guid"),
    [
        (
            {"sel": _selection(GUID, CODING.upper(), 20)},  # the same GUID in upper case
            "coding",
            CODING,
        ),
        ({"codes": f'<Code guid="{{{CODE}}}" name="Other" isCodable="true"/>'}, "code", CODE),
        ({"users": f'<User guid="{USER}" name="Ben"/>'}, "user", USER),
        (
            {"sources": f'<TextSource guid="{SOURCE}" name="again" plainTextPath="internal://x"/>'},
            "source",
            SOURCE,
        ),
        (
            {"sel": _selection(SELECTION, GUID, 20)},
            "selection",
            SELECTION,
        ),
    ],
)
def test_a_qdpx_naming_one_guid_twice_is_refused(
    tmp_path: Path, parts: dict[str, str], kind: str, guid: str
) -> None:
    archive = _qdpx(tmp_path / "twice.qdpx", **parts)
    with create_project(tmp_path / "lead.annotator", with_default_codebook=False) as lead:
        problem = rf"gives two {kind}s the GUID {guid} \(lines? \d+( and \d+)?\)"
        with pytest.raises(BadFileError, match=rf"^twice\.qdpx: {problem}; nothing was merged$"):
            merge_file(lead, archive)
        assert (lead.documents.count(), lead.codings.count(), lead.codebook.count()) == (0, 0, 0)
    # The same file without the second one merges.
    with create_project(tmp_path / "fine.annotator", with_default_codebook=False) as fine:
        [report] = merge_file(fine, _qdpx(tmp_path / "once.qdpx"))
        assert (report.coder, report.added) == ("Ana", 1)
