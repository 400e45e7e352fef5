"""REFI-QDA codebooks (.qdc): ours re-import exactly; other tools' — Taguette's flat codes and
empty Sets, NVivo Mac's and ATLAS.ti's namespace variants, QualCoder's BOM and project
namespace — import with warnings; hostile files are refused with the codebook unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.services import create_project, import_codebook
from annotator.services.refi import FLAT_DIMENSION, export_qdc
from annotator.storage import Project

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"


def _nodes(project: Project) -> dict[str, tuple[str, str, str | None, bool, str]]:
    tree = project.codebook.tree()
    return {
        tree.path(c.id): (c.guid, c.color, c.shortcut, c.exclusive, c.description)
        for c in tree.walk()
    }


def _qdc(codes: str, *, namespace: str = CODEBOOK_NS, sets: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="{namespace}" '
        f'origin="Test"><Codes>{codes}</Codes>{sets}</CodeBook>\n'
    ).encode()


def _empty(tmp_path: Path) -> Project:
    return create_project(tmp_path / "empty.annotator", with_default_codebook=False)


def test_our_qdc_reimports_exactly(demo: Project, tmp_path: Path) -> None:
    target = tmp_path / "codebook.qdc"
    export_qdc(demo, target)
    with _empty(tmp_path) as project:
        report = import_codebook(project, target)
        assert _nodes(project) == _nodes(demo)  # paths, GUIDs, colours, keys, exclusivity
        assert len(report.added) == demo.codebook.count()
        assert not report.warnings
        # Importing it again changes nothing.
        again = import_codebook(project, target)
        assert (again.added, again.changed) == ([], [])


def test_taguette_flat_codes_upper_guids_and_empty_sets(tmp_path: Path) -> None:
    codes = "".join(
        f'<Code guid="{guid}" name="{name}" isCodable="true"/>'
        for guid, name in (
            ("C6B1E2D4-59A0-5E4B-9F3C-2A1B0C9D8E01", "hunger"),
            ("C6B1E2D4-59A0-5E4B-9F3C-2A1B0C9D8E02", "fear of punishment"),
        )
    )
    path = tmp_path / "taguette.qdc"
    path.write_bytes(_qdc(codes, sets="<Sets/>"))
    with _empty(tmp_path) as project:
        report = import_codebook(project, path)
        nodes = _nodes(project)
        assert set(nodes) == {
            FLAT_DIMENSION,
            f"{FLAT_DIMENSION} > hunger",
            f"{FLAT_DIMENSION} > fear of punishment",
        }
        assert nodes[f"{FLAT_DIMENSION} > hunger"][0] == "c6b1e2d4-59a0-5e4b-9f3c-2a1b0c9d8e01"
        assert any("taguette.qdc" in w and "schema" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("namespace", "bom"),
    [
        ("urn:QDA-XML:codebook:1:0", False),  # NVivo 12 for Mac's header
        ("urn:QDA-XML:codebook:0:4", False),  # ATLAS.ti Win 23
        ("urn:QDA-XML:project:1.0", True),  # QualCoder: a project namespace and a BOM
        ("", False),  # no namespace at all
    ],
)
def test_namespace_variants_import_with_a_warning(
    tmp_path: Path, namespace: str, bom: bool
) -> None:
    codes = (
        '<Code guid="0f0e0d0c-0b0a-4908-8706-050403020100" name="Motive" isCodable="false" '
        'color="#336699"><Code guid="1f0e0d0c-0b0a-4908-8706-050403020100" name="Political" '
        'isCodable="true" color="#AA3377"><Description>Fear of the state.</Description>'
        "</Code></Code>"
    )
    data = _qdc(codes, namespace=namespace)
    if not namespace:
        data = data.replace(b' xmlns=""', b"")
    path = tmp_path / "variant.qdc"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    with _empty(tmp_path) as project:
        report = import_codebook(project, path)
        nodes = _nodes(project)
        assert nodes["Motive > Political"][1:] == ("#AA3377", None, False, "Fear of the state.")
        assert any("namespace" in w for w in report.warnings)
        if bom:
            assert any("byte-order mark" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="&b;"/>'
            b"</Codes></CodeBook>",
            "DTD",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE c SYSTEM "file:///etc/passwd"><CodeBook/>',
            "DTD",
        ),
        (b"<CodeBook><Codes>", "not well-formed"),
        (b'<CodeBook xmlns="urn:example:other"><Codes/></CodeBook>', "not a REFI-QDA file"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "no Codes"),
    ],
)
def test_hostile_or_broken_codebooks_are_refused_and_change_nothing(
    demo: Project, tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "hostile.qdc"
    path.write_bytes(data)
    before = _nodes(demo)
    with pytest.raises(BadFileError) as raised:
        import_codebook(demo, path)
    message = str(raised.value)
    assert "hostile.qdc" in message
    assert reason in message
    assert "\n" not in message
    assert _nodes(demo) == before
