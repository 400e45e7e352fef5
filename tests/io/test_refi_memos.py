"""REFI-QDA memos both ways: project, article and code memos go out as Notes referred to by
the project, the TextSource and the Code (with both their dates) and come back as they were;
another tool's project Description comes in as an entry of the project's log."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from annotator.services import create_project, memos
from annotator.services.merge import merge_file
from annotator.services.refi import export_qdpx
from annotator.storage import Project

NS = {"q": "urn:QDA-XML:project:1.0"}


def _memos(project: Project) -> list[tuple[str, ...]]:
    return sorted(
        (r.memo_id, r.target, r.document, r.code_path, r.coder, r.created_at, r.updated_at, r.text)
        for r in memos.all_memos(project)
    )


def test_project_article_and_code_memos_round_trip(tmp_path: Path) -> None:
    with create_project(tmp_path / "demo.annotator", demo=True) as demo:
        ana, ben = demo.coders.find("Ana"), demo.coders.find("Ben")
        document = demo.documents.names()[2][0]
        code = demo.codebook.tree().find("Actor type > Diplomat")
        assert code is not None
        article = memos.write_memo(demo, "An op-ed, not news", ana.id, document_id=document)
        memos.write_memo(demo, "Agrees: a profile", ben.id, document_id=document)
        memos.write_memo(demo, "Only serving diplomats", ana.id, code_id=code.id)
        log = memos.add_log_entry(demo, "Round 1: 8 articles\nboth coders", ben.id)
        assert article.after is not None
        assert log.after is not None
        # Edited later: the edit's time must survive the trip too.
        demo.memos.set_text(article.after.id, "An op-ed", updated_at="2026-11-30T08:00:00Z")
        target = tmp_path / "demo.qdpx"
        export_qdpx(demo, target)
        with zipfile.ZipFile(target) as archive:
            root = etree.fromstring(archive.read("project.qde"))
        notes = {n.get("guid"): n for n in root.iterfind("q:Notes/q:Note", NS)}
        edited = notes[article.after.guid]
        assert edited.get("modifiedDateTime") == "2026-11-30T08:00:00Z"
        assert edited.get("creationDateTime") == article.after.created_at
        assert [r.get("targetGUID") for r in root.findall("q:NoteRef", NS)] == [log.after.guid]
        source = root.find(
            f"q:Sources/q:TextSource[@guid='{demo.documents.get(document).guid}']", NS
        )
        assert source is not None
        assert article.after.guid in {r.get("targetGUID") for r in source.findall("q:NoteRef", NS)}
        coded = root.find(f".//q:Code[@guid='{code.guid}']", NS)
        assert coded is not None
        assert [r.get("targetGUID") for r in coded.findall("q:NoteRef", NS)] != []
        before = _memos(demo)
    with create_project(tmp_path / "fresh.annotator", with_default_codebook=False) as fresh:
        merge_file(fresh, target)
        assert _memos(fresh) == before
        merge_file(fresh, target)  # a second import changes nothing
        assert _memos(fresh) == before
        assert [m.text for m in memos.project_log(fresh)] == ["Round 1: 8 articles\nboth coders"]


def test_another_tools_project_description_becomes_a_log_entry(tmp_path: Path) -> None:
    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="study" origin="Other QDA"
         creationDateTime="2025-05-01T10:00:00Z">
  <Users><User guid="6a0f4c1e-2b3d-4e5f-8a9b-0c1d2e3f4a51" name="Kim"/></Users>
  <CodeBook><Codes>
    <Code guid="1b8e0c2a-7d4f-4c3b-9a1e-5f6d7c8b9a02" name="Hunger" isCodable="true"/>
  </Codes></CodeBook>
  <Description>Pilot study of exile narratives; codebook v2 from May.</Description>
</Project>
"""
    archive = tmp_path / "other.qdpx"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("project.qde", qde)
    with create_project(tmp_path / "t.annotator", with_default_codebook=False) as project:
        merge_file(project, archive)
        merge_file(project, archive)
        [entry] = memos.project_log(project)
        assert entry.text == "Pilot study of exile narratives; codebook v2 from May."
        assert entry.created_at == "2025-05-01T10:00:00Z"


def test_a_log_entry_of_no_coder_makes_no_coder(tmp_path: Path) -> None:
    with create_project(tmp_path / "demo.annotator", demo=True) as demo:
        memos.add_log_entry(demo, "Agreed by the team, nobody signed", None)
        memos.add_log_entry(demo, "Signed by Ana", demo.coders.find("Ana").id)
        target = tmp_path / "demo.qdpx"
        export_qdpx(demo, target)
        names = sorted(c.name for c in demo.coders.all())
        merge_file(demo, target)  # back into the project it came from
        assert sorted(c.name for c in demo.coders.all()) == names
        assert len(memos.project_log(demo)) == 2
    with create_project(tmp_path / "fresh.annotator", with_default_codebook=False) as fresh:
        merge_file(fresh, target)
        merge_file(fresh, target)
        assert "imported" not in {c.name for c in fresh.coders.all()}
        log = {m.text: m.coder_id for m in memos.project_log(fresh)}
        assert log["Agreed by the team, nobody signed"] is None
        assert log["Signed by Ana"] == fresh.coders.find("Ana").id
    with create_project(tmp_path / "t.annotator", with_default_codebook=False) as project:
        # Another tool's description alone (no user anywhere) adds no coder either.
        qde = (
            '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0"'
            ' name="s"><Description>Only a description</Description></Project>'
        )
        archive = tmp_path / "desc.qdpx"
        with zipfile.ZipFile(archive, "w") as handle:
            handle.writestr("project.qde", qde)
        merge_file(project, archive)
        assert project.coders.all() == []
        assert [(m.text, m.coder_id) for m in memos.project_log(project)] == [
            ("Only a description", None)
        ]


def _edit_notes(source: Path, target: Path, edit: dict[str, tuple[str, str]]) -> None:
    """Copy a .qdpx as another tool saves it: the Notes named in ``edit`` (GUID → text and
    modifiedDateTime, without a zone) changed, nothing else."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "project.qde":
                root = etree.fromstring(data)
                for note in root.iterfind("q:Notes/q:Note", NS):
                    if note.get("guid") in edit:
                        text, modified = edit[note.get("guid")]
                        note.set("modifiedDateTime", modified)
                        content = note.find("q:PlainTextContent", NS)
                        assert content is not None
                        content.text = text
                data = etree.tostring(root, xml_declaration=True, encoding="utf-8")
            new.writestr(item, data)


def test_a_coding_memo_edited_in_another_tool_comes_back(tmp_path: Path) -> None:
    with create_project(tmp_path / "demo.annotator", demo=True) as demo:
        ana = demo.coders.find("Ana")
        coding = next(c for c in demo.codings.for_coder(ana.id) if c.memo)
        other = next(c for c in demo.codings.for_coder(ana.id) if c.memo and c.id != coding.id)
        export_qdpx(demo, tmp_path / "out.qdpx")
        with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
            root = etree.fromstring(archive.read("project.qde"))
        note_of = {}
        for element in root.iter("{urn:QDA-XML:project:1.0}Coding"):
            ref = element.find("q:NoteRef", NS)
            if ref is not None:
                note_of[element.get("guid")] = ref.get("targetGUID")
        _edit_notes(
            tmp_path / "out.qdpx",
            tmp_path / "edited.qdpx",
            {
                note_of[coding.guid]: ("Edited in NVivo", "2030-01-01T10:00:00"),
                # An older edit loses to what the project holds.
                note_of[other.guid]: ("Stale edit", "2001-01-01T00:00:00Z"),
            },
        )
        reports = merge_file(demo, tmp_path / "edited.qdpx")
        assert demo.codings.get(coding.id).memo == "Edited in NVivo"
        assert demo.codings.get(coding.id).updated_at == "2030-01-01T10:00:00Z"
        assert demo.codings.get(other.id).memo == other.memo
        assert sum(r.updated for r in reports) == 1  # the report counts it
        again = merge_file(demo, tmp_path / "edited.qdpx")
        assert sum(r.updated for r in again) == 0
        assert demo.codings.get(coding.id).memo == "Edited in NVivo"


def _add_notes(source: Path, target: Path, notes: str, ref: str | None) -> None:
    """Copy a .qdpx with ``notes`` (Note elements) added and, if ``ref`` is given, a NoteRef
    to it from the first source, as another tool writes a new article memo."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "project.qde":
                root = etree.fromstring(data)
                holder = root.find("q:Notes", NS)
                assert holder is not None
                for note in etree.fromstring(f'<Notes xmlns="{NS["q"]}">{notes}</Notes>'):
                    holder.append(note)
                if ref is not None:
                    source_element = root.find("q:Sources/q:TextSource", NS)
                    assert source_element is not None
                    etree.SubElement(source_element, f"{{{NS['q']}}}NoteRef", targetGUID=ref)
                data = etree.tostring(root, xml_declaration=True, encoding="utf-8")
            new.writestr(item, data)


def test_a_loose_note_becomes_a_log_entry_and_an_unsigned_one_counts_under_no_coder(
    tmp_path: Path,
) -> None:
    new_memo = "bbbbbbbb-0000-4000-8000-000000000004"
    loose = "cccccccc-0000-4000-8000-000000000005"
    with create_project(tmp_path / "demo.annotator", demo=True) as demo:
        export_qdpx(demo, tmp_path / "out.qdpx")
        _add_notes(
            tmp_path / "out.qdpx",
            tmp_path / "edited.qdpx",
            f'<Note guid="{new_memo}" name="From MAXQDA">'
            "<PlainTextContent>New memo written in MAXQDA</PlainTextContent></Note>"
            f'<Note guid="{loose}" name="Loose"><PlainTextContent>Loose note</PlainTextContent>'
            "</Note>",
            new_memo,
        )
        reports = merge_file(demo, tmp_path / "edited.qdpx")
        log = {m.text: m.coder_id for m in memos.project_log(demo)}
        assert log == {"Loose note": None}
        assert any(m[-1] == "New memo written in MAXQDA" for m in _memos(demo))
        # Neither note is a coder's: the report counts them apart from Ana's and Ben's.
        assert sum(r.memos for r in reports) == 0
        assert sum(r.memos_no_coder for r in reports) == 2
        # ... on a line of its own, not appended to a coder's line (it read as Ben's)
        assert "2 memos of no coder (notes no user signed)" in reports[0].notes
        assert not any("no coder" in r.summary() for r in reports)


def test_notes_with_no_text_are_skipped_and_counted_not_made_empty_memos(
    tmp_path: Path,
) -> None:
    empty_ref = "dddddddd-0000-4000-8000-000000000006"
    with create_project(tmp_path / "demo.annotator", demo=True) as demo:
        export_qdpx(demo, tmp_path / "out.qdpx")
        before = sorted(m.text for m in demo.memos.all())
        _add_notes(
            tmp_path / "out.qdpx",
            tmp_path / "edited.qdpx",
            '<Note guid="eeeeeeee-0000-4000-8000-000000000007" name="loose empty">'
            "<PlainTextContent></PlainTextContent></Note>"
            '<Note guid="ffffffff-0000-4000-8000-000000000008" name="no content"/>'
            '<Note guid="aaaaaaaa-0000-4000-8000-000000000009" name="blank">'
            "<PlainTextContent>  \n </PlainTextContent></Note>"
            f'<Note guid="{empty_ref}" name="empty article memo"><PlainTextContent/></Note>',
            empty_ref,
        )
        reports = merge_file(demo, tmp_path / "edited.qdpx")
        assert sorted(m.text for m in demo.memos.all()) == before  # no empty memo, no entry
        assert reports[0].memos_skipped_empty == 4
        assert "skipped-empty: 4 notes with no text" in reports[0].notes
