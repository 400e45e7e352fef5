"""REFI-QDA import: hand-made archives with each producer's quirks import with the right
passages; a hand-made hostile archive of each attack class is refused with nothing written."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.refi.archive import Archive, Limits
from annotator.services import create_project
from annotator.services.merge import merge_file
from annotator.services.refi import read_qdpx
from annotator.storage import Project

NS = "urn:QDA-XML:project:1.0"
ANA = "6a0f4c1e-2b3d-4e5f-8a9b-0c1d2e3f4a51"
CODE = "1b8e0c2a-7d4f-4c3b-9a1e-5f6d7c8b9a02"
SOURCE = "4ebf3f5d-a07c-4f8e-b2c3-8d9e0f1a2b01"
TEXT = "Interviewer: Why did you leave? 😀\r\nWorker: We were hungry, that is all.\r\nEnd.\r\n"
PASSAGE = "We were hungry"


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def _qde(
    start: int,
    end: int,
    *,
    name: str = PASSAGE,
    namespace: str = NS,
    origin: str = "Test",
    guid_case: str = "lower",
    colors: bool = True,
) -> str:
    user, code, source = ANA, CODE, SOURCE
    if guid_case == "upper":
        user, code, source = (f"{{{g.upper()}}}" for g in (ANA, CODE, SOURCE))
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{namespace}" name="t" origin="{origin}">
  <Users><User guid="{user}" name="Ana"/></Users>
  <CodeBook><Codes>
    <Code guid="2b8e0c2a-7d4f-4c3b-9a1e-5f6d7c8b9a01" name="Motive" isCodable="false"
          color="#336699">
      <Code guid="{code}" name="Hunger" isCodable="true" color="#2E7D32"><Description>
        Hunger as a reason.
      </Description></Code>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{source}" name="Interview" plainTextPath="internal://{SOURCE}.txt">
      <PlainTextSelection guid="7a1c5b8e-0d2f-4a3b-9c4d-1e2f3a4b5c01" name="{name}"
          startPosition="{start}" endPosition="{end}" creatingUser="{user}">
        <Coding guid="8b2d6c9f-1e3a-4b4c-8d5e-2f3a4b5c6d01" creatingUser="{user}">
          <CodeRef targetGUID="{code}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
    if not colors:  # NVivo and ATLAS.ti 26 export no code colours
        xml = xml.replace('color="#336699"', "").replace('color="#2E7D32"', "")
    return xml


def _archive(
    path: Path, entries: dict[str, bytes], extra: list[zipfile.ZipInfo] | None = None
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for info in extra or []:
            archive.writestr(info, b"x")
    return path


def _import(tmp_path: Path, archive: Path) -> tuple[str, Project]:
    project = create_project(tmp_path / "target.annotator", with_default_codebook=False)
    merge_file(project, archive)
    [document] = project.documents.all()
    [coding] = list(project.codings.all())
    text = project.documents.text(document.id)
    return text[coding.start or 0 : coding.end], project


def _offsets(kind: str) -> tuple[int, int]:
    """Where PASSAGE lies in TEXT under each producer's counting."""
    lf = TEXT.replace("\r\n", "\n")
    if kind == "code points":
        start = TEXT.index(PASSAGE)
        return start, start + len(PASSAGE)
    if kind == "utf-16":
        start = TEXT.index(PASSAGE)
        return _utf16(TEXT, start), _utf16(TEXT, start + len(PASSAGE))
    start = lf.index(PASSAGE)  # CRLF counted as one
    return start, start + len(PASSAGE)


def test_nvivo_windows_utf16_offsets_bom_crlf_sources_folder_no_names(tmp_path: Path) -> None:
    start, end = _offsets("utf-16")
    archive = _archive(
        tmp_path / "nvivo.qdpx",
        {
            "project.qde": _qde(start, end, name="", origin="NVivo 12.6", colors=False).encode(),
            f"Sources/{SOURCE}.txt": b"\xef\xbb\xbf" + TEXT.encode(),
        },
    )
    passage, project = _import(tmp_path, archive)
    assert passage == PASSAGE
    assert project.documents.all()[0].name == "Interview"
    found = read_qdpx(archive)
    assert found.models["Interview"] == "UTF-16 units"
    assert any("Sources/" in w for w in found.warnings)
    project.close()


def test_nvivo_mac_lf_text_and_an_empty_root_entry(tmp_path: Path) -> None:
    text = TEXT.replace("\r\n", "\n")
    start = _utf16(text, text.index(PASSAGE))
    archive = _archive(
        tmp_path / "nvivo-mac.qdpx",
        {
            "project.qde": _qde(start, start + len(PASSAGE), origin="NVivo 15 Mac").encode(),
            "sources/.root": b"",
            f"sources/{SOURCE}.txt": text.encode(),
        },
    )
    passage, project = _import(tmp_path, archive)
    assert passage == PASSAGE
    assert project.documents.text(project.documents.all()[0].id) == text
    project.close()


def test_atlas_crlf_as_one_qde_named_after_the_project_braced_upper_guids(tmp_path: Path) -> None:
    start, end = _offsets("crlf as one")
    archive = _archive(
        tmp_path / "atlas.qdpx",
        {
            "Study.qde": _qde(start, end, origin="ATLAS.ti 26", guid_case="upper").encode(),
            f"sources/{SOURCE}.txt": TEXT.encode(),
        },
    )
    passage, project = _import(tmp_path, archive)
    assert passage == PASSAGE
    assert project.coders.find("Ana").guid == ANA  # braces and case normalised
    assert read_qdpx(archive).models["Interview"].startswith("code points, CRLF as one")
    project.close()


def test_maxqda_code_points_with_crlf_as_two(tmp_path: Path) -> None:
    start, end = _offsets("code points")
    archive = _archive(
        tmp_path / "maxqda.qdpx",
        {
            "project.qde": _qde(start, end, origin="MAXQDA 24").encode(),
            f"sources/{SOURCE}.txt": TEXT.encode(),
        },
    )
    passage, project = _import(tmp_path, archive)
    assert passage == PASSAGE
    tree = project.codebook.tree()
    hunger = tree.find("Motive > Hunger")
    assert hunger is not None
    assert hunger.description == "Hunger as a reason."  # padding stripped
    project.close()


def test_namespace_variant_and_bom_before_the_xml(tmp_path: Path) -> None:
    start, end = _offsets("code points")
    qde = _qde(start, end, namespace="urn:QDA-XML:project:0:10", origin="QualCoder")
    archive = _archive(
        tmp_path / "qualcoder.qdpx",
        {"project.qde": b"\xef\xbb\xbf" + qde.encode(), f"sources/{SOURCE}.txt": TEXT.encode()},
    )
    passage, project = _import(tmp_path, archive)
    assert passage == PASSAGE
    warnings = read_qdpx(archive).warnings
    assert any("namespace" in w for w in warnings)
    assert any("byte-order mark" in w for w in warnings)
    project.close()


def test_a_schema_invalid_but_readable_project_imports_with_a_warning(tmp_path: Path) -> None:
    start, end = _offsets("code points")
    qde = _qde(start, end).replace("</Sources>", "</Sources><Sets/>")  # Taguette's empty Sets
    archive = _archive(
        tmp_path / "invalid.qdpx",
        {"project.qde": qde.encode(), f"sources/{SOURCE}.txt": TEXT.encode()},
    )
    with create_project(tmp_path / "t.annotator", with_default_codebook=False) as project:
        [report] = merge_file(project, archive)
        assert report.added == 1
        assert any(
            n.startswith("warning: not valid against the REFI-QDA schema") for n in report.notes
        ), report.notes


def test_out_of_range_selections_are_reported_not_crashed_on(tmp_path: Path) -> None:
    archive = _archive(
        tmp_path / "bad.qdpx",
        {
            "project.qde": _qde(500, 400, name="").encode(),
            f"sources/{SOURCE}.txt": TEXT.encode(),
        },
    )
    found = read_qdpx(archive)
    assert any("outside the text or is empty" in loss for loss in found.losses)
    assert sum(len(p.codings) for p in found.packages) == 0


def test_uncoded_articles_and_document_groups_come_in_without_a_phantom_coder(
    tmp_path: Path,
) -> None:
    """Like the real MAXQDA 24.7 export examined here: a codebook, articles nobody coded yet,
    and document groups as Sets; code groups cannot be kept and are reported."""
    other = "0d6c1b7e-5a4f-4e3d-8c2b-1a0f9e8d7c01"
    qde = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="g" '
        f'origin="MAXQDA 24 (Release 24.7.0)"><Users><User guid="{ANA}" name="johnb"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Theme" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{SOURCE}" name="Batch 1" '
        f'plainTextPath="internal://{SOURCE}.txt"/><TextSource guid="{other}" name="Batch 2" '
        f'plainTextPath="internal://{other}.txt"/></Sources><Sets>'
        f'<Set guid="1e6c1b7e-5a4f-4e3d-8c2b-1a0f9e8d7c01" name="2024">'
        f'<MemberSource targetGUID="{SOURCE}"/></Set>'
        f'<Set guid="2e6c1b7e-5a4f-4e3d-8c2b-1a0f9e8d7c01" name="Favourites">'
        f'<MemberCode targetGUID="{CODE}"/></Set></Sets></Project>'
    )
    archive = _archive(
        tmp_path / "groups.qdpx",
        {
            "project.qde": qde.encode(),
            f"sources/{SOURCE}.txt": TEXT.encode(),
            f"sources/{other}.txt": b"A second batch of abstracts.",
        },
    )
    with create_project(tmp_path / "t.annotator", with_default_codebook=False) as project:
        [report] = merge_file(project, archive)
        assert sorted(d.name for d in project.documents.all()) == ["Batch 1", "Batch 2"]
        assert project.coders.all() == []
        # A top-level code with nothing below goes under a dimension of its own.
        assert report.codes_added == ["Imported codes", "Imported codes > Theme"]
        assert report.summary() == "groups.qdpx: 2 codes added, 2 articles added"
        theme = project.codebook.tree().find("Imported codes > Theme")
        assert theme is not None
        assert theme.color.startswith("#")  # the file gave none: one was assigned
        first = project.documents.by_name("Batch 1")
        second = project.documents.by_name("Batch 2")
        assert first is not None
        assert second is not None
        assert project.documents.values(first.id) == {"document set": "2024"}
        assert project.documents.values(second.id) == {}
        assert any("Favourites" in loss for loss in read_qdpx(archive).losses)
        [again] = merge_file(project, archive)
        assert again.summary() == "groups.qdpx: nothing new"
        assert project.documents.count() == 2


# -- hostile archives: each refused, nothing written ---------------------------------------------


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


GOOD = {"project.qde": _qde(0, 5).encode(), f"sources/{SOURCE}.txt": TEXT.encode()}
DTD = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol2;"/>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>"""


@pytest.mark.parametrize(
    ("entries", "extra", "problem"),
    [
        ({**GOOD, "../evil.txt": b"x"}, None, "leads out of the archive"),
        ({**GOOD, "/etc/evil.txt": b"x"}, None, "absolute path"),
        ({**GOOD, "C:/evil.txt": b"x"}, None, "absolute path"),
        ({**GOOD, "sources\\..\\evil.txt": b"x"}, None, "leads out"),
        (GOOD, [_link("sources/link.txt")], "link or a special file"),
        ({**GOOD, "PROJECT.QDE": b"<x/>"}, None, "appears twice"),
        ({"project.qde": DTD}, None, "DTD or entities"),
        ({"project.qde": EXTERNAL}, None, "DTD or entities"),
        ({"project.qde": b"<?xml version='1.0'?><!-- x -->" + DTD.split(b"?>", 1)[1]}, None, "DTD"),
        ({f"sources/{SOURCE}.txt": TEXT.encode()}, None, "no project.qde"),
        ({"a.qde": b"<x/>", "b.qde": b"<x/>"}, None, "more than one .qde"),
        (
            {
                "project.qde": _qde(0, 5)
                .replace(f"internal://{SOURCE}.txt", "internal://../x")
                .encode(),
                f"sources/{SOURCE}.txt": TEXT.encode(),
            },
            None,
            "outside its sources",
        ),
    ],
)
def test_hostile_archives_are_refused_with_nothing_written(
    tmp_path: Path, entries: dict[str, bytes], extra: list[zipfile.ZipInfo] | None, problem: str
) -> None:
    archive = _archive(tmp_path / "hostile.qdpx", entries, extra)
    with create_project(tmp_path / "target.annotator", with_default_codebook=False) as project:
        with pytest.raises(BadFileError, match=problem):
            merge_file(project, archive)
        assert project.documents.count() == 0
        assert project.codings.count() == 0
        assert project.codebook.count() == 0
    # Nothing was extracted anywhere.
    assert not list(tmp_path.rglob("evil*"))
    assert not list(Path("/etc").glob("evil*"))


def test_encrypted_entries_and_size_limits(tmp_path: Path) -> None:
    path = _archive(tmp_path / "big.qdpx", GOOD)
    with pytest.raises(BadFileError, match="more than 1"):
        Archive(path, Limits(entries=1))
    with (
        Archive(path, Limits(qde_bytes=100)) as archive,
        pytest.raises(BadFileError, match="larger"),
    ):
        archive.project_xml()
    # An encrypted entry (flag bit 0): refused without trying a password.
    raw = bytearray(path.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 8] |= 1
    encrypted = tmp_path / "encrypted.qdpx"
    encrypted.write_bytes(bytes(raw))
    with pytest.raises(BadFileError, match="encrypted"):
        Archive(encrypted)
    plain = tmp_path / "plain.qdpx"
    plain.write_text("not a zip", encoding="utf-8")
    with pytest.raises(BadFileError, match="ZIP archive"):
        Archive(plain)
