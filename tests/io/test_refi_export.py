"""REFI-QDA export: valid against the bundled schemas (checked here with lxml, apart from the
exporter's own check), stable GUIDs, no paths leaked, and annotator → .qdpx → annotator
keeping every article, code, coder, coding, memo and status exactly."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from annotator.domain.model import DocumentStatus
from annotator.paths import resources_dir
from annotator.services import create_project
from annotator.services.merge import merge_file
from annotator.services.refi import export_qdc, export_qdpx
from annotator.storage import Project


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(resources_dir() / "refi" / name)))


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    project = create_project(tmp_path / "demo.annotator", demo=True)
    ana = project.coders.find("Ana")
    first = project.documents.names()[0][0]
    coding = project.codings.for_document(first, ana.id)[-1]
    project.codings.set_memo(coding.id, "a memo with 😀 and <markup> & ampersands")
    project.memos.add("a memo on the article", document_id=first, coder_id=ana.id)
    motive = project.codebook.tree().find("Motive")
    assert motive is not None
    project.memos.add("a memo on the dimension", code_id=motive.id, coder_id=ana.id)
    project.memos.add("the project's memo", coder_id=ana.id)
    text = "Smile 😀 first.\nWorkers 👀 fled abroad."
    emoji = project.documents.add("emoji", "emoji.txt", text)
    code = project.codebook.tree().find("Actor type > Overseas worker")
    assert code is not None
    start = text.index("fled abroad.")  # after two emoji: 25 code points, 27 UTF-16 units
    project.codings.add(emoji.id, ana.id, code.id, start, start + len("fled abroad."))
    project.statuses.mark(emoji.id, ana.id, DocumentStatus.IN_PROGRESS)
    yield project  # type: ignore[misc]
    project.close()


def test_qdpx_and_qdc_are_valid_and_leak_no_paths(demo: Project, tmp_path: Path) -> None:
    target = tmp_path / "demo.qdpx"
    exported = export_qdpx(demo, target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        qde = archive.read("project.qde")
        assert all(n == "project.qde" or n.startswith("sources/") for n in names)
        for name in names[1:]:
            assert not archive.read(name).startswith(b"\xef\xbb\xbf")
            assert b"\r\n" not in archive.read(name)
    assert not qde.startswith(b"\xef\xbb\xbf")
    root = etree.fromstring(qde)
    assert _schema("Project.xsd").validate(root), _schema("Project.xsd").error_log
    assert b"basePath" not in qde
    assert b"absolute://" not in qde
    assert str(tmp_path).encode() not in qde
    assert exported.counts["codings"] == demo.codings.count()
    codebook = tmp_path / "codebook.qdc"
    export_qdc(demo, codebook)
    assert _schema("Codebook.xsd").validate(etree.parse(str(codebook)))


def test_offsets_are_code_points_of_the_written_text(demo: Project, tmp_path: Path) -> None:
    target = tmp_path / "demo.qdpx"
    export_qdpx(demo, target)
    with zipfile.ZipFile(target) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        ns = {"q": "urn:QDA-XML:project:1.0"}
        source = root.find(".//q:TextSource[@name='emoji']", ns)
        text = archive.read(source.get("plainTextPath").replace("internal://", "sources/"))
    selection = source.find("q:PlainTextSelection", ns)
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text.decode("utf-8")[start:end] == selection.get("name") == "fled abroad."


def test_guids_are_stable_across_exports(demo: Project, tmp_path: Path) -> None:
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export_qdpx(demo, first)
    export_qdpx(demo, second)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("project.qde") == b.read("project.qde")
        assert sorted(a.namelist()) == sorted(b.namelist())


def _snapshot(project: Project) -> dict[str, object]:
    tree = project.codebook.tree()
    coders = {c.id: (c.guid, c.name) for c in project.coders.all()}
    documents = {d.id: (d.sha256, d.name) for d in project.documents.all()}
    return {
        "documents": sorted(documents.values()),
        "codes": sorted(
            (c.guid, tree.path(c.id), c.color, c.description, c.shortcut, c.exclusive)
            for c in tree.walk()
        ),
        "coders": sorted(coders.values()),
        "codings": sorted(
            (
                c.guid,
                documents[c.document_id][0],
                coders[c.coder_id][0],
                tree.get(c.code_id).guid,
                c.start,
                c.end,
                c.memo,
                c.created_at,
            )
            for c in project.codings.all()
        ),
        "memos": sorted(
            (m.guid, m.target, m.text, coders[m.coder_id][0] if m.coder_id else None)
            for m in project.memos.all()
        ),
        "statuses": sorted(
            (documents[d][0], coders[c][0], s.value) for (d, c), s in project.statuses.all().items()
        ),
    }


def test_annotator_qdpx_annotator_keeps_everything(demo: Project, tmp_path: Path) -> None:
    target = tmp_path / "demo.qdpx"
    export_qdpx(demo, target)
    with create_project(tmp_path / "fresh.annotator", with_default_codebook=False) as fresh:
        reports = merge_file(fresh, target)
        assert sum(r.added for r in reports) == demo.codings.count()
        before, after = _snapshot(demo), _snapshot(fresh)
        for key in before:
            assert after[key] == before[key], key
        # And a second time, nothing changes.
        again = merge_file(fresh, target)
        assert sum(r.added + r.updated for r in again) == 0
        assert _snapshot(fresh) == after
