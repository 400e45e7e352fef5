"""Code names from other tools — ``Risk <high>``, ``Aid/loans``, ``A > B``, a comma — import
from REFI-QDA (.qdc, .qdpx), go back out unchanged (.qdc, .json, .csv), and every option that
takes a code path reaches them through the escape (``\\>``, and ``\\,`` in a list)."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

from lxml import etree

from annotator.services import create_project, export_codebook, import_codebook, import_codings
from annotator.services.exports import export_segments
from annotator.services.merge import MergeChoices, merge_file
from annotator.storage import Project
from tests.test_cli import demo_path, run

__all__ = ["demo_path"]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
# Another tool's codebook: the hierarchy is in the nesting; the names hold >, < and /.
CODES = """
  <Code guid="11111111-0000-4000-8000-000000000001" name="Trade &amp; aid" isCodable="false"
        color="#336699">
    <Code guid="11111111-0000-4000-8000-000000000002" name="Risk &lt;high&gt;" isCodable="true"
          color="#AA0000"/>
    <Code guid="11111111-0000-4000-8000-000000000003" name="Aid/loans" isCodable="true"
          color="#00AA00"/>
    <Code guid="11111111-0000-4000-8000-000000000004" name="A &gt; B" isCodable="true"
          color="#0000AA">
      <Code guid="11111111-0000-4000-8000-000000000005" name="B, then C" isCodable="true"
            color="#AAAA00"/>
    </Code>
  </Code>"""
NAMES = ["Trade & aid", "Risk <high>", "Aid/loans", "A > B", "B, then C"]


def _qdc(tmp_path: Path) -> Path:
    path = tmp_path / "other-tool.qdc"
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="{CODEBOOK_NS}" '
        f'origin="Another tool"><Codes>{CODES}</Codes></CodeBook>\n',
        encoding="utf-8",
    )
    return path


def _codes_in_file(path: Path, namespace: str) -> list[tuple[str, str, int]]:
    """(GUID, name, depth) of every Code of a REFI file, in document order."""
    root = etree.parse(str(path)).getroot()
    found = []
    for element in root.iter(f"{{{namespace}}}Code"):
        depth = sum(1 for a in element.iterancestors() if a.tag == element.tag) + 1
        found.append((element.get("guid").lower(), element.get("name"), depth))
    return found


def _tree(project: Project) -> list[tuple[tuple[str, ...], str]]:
    """Every node as (names from the dimension down, GUID), in codebook order."""
    tree = project.codebook.tree()
    return [(tuple(tree.parts(c.id)), c.guid) for c in tree.walk()]


def _empty(tmp_path: Path, name: str) -> Project:
    return create_project(tmp_path / name, with_default_codebook=False)


def test_a_qdc_with_such_names_imports_and_every_export_brings_them_back(tmp_path: Path) -> None:
    source = _qdc(tmp_path)
    with _empty(tmp_path, "p.annotator") as project:
        report = import_codebook(project, source)
        assert len(report.added) == 5
        tree = project.codebook.tree()
        assert [c.name for c in tree.walk()] == NAMES
        deepest = tree.find("Trade & aid > A \\> B > B, then C")
        assert deepest is not None
        assert deepest.guid.endswith("05")
        assert tree.path(deepest.id) == "Trade & aid > A \\> B > B, then C"
        original = _tree(project)

        # .qdc back out: the same codes, names, GUIDs and nesting as the other tool's file.
        export_codebook(project, tmp_path / "back.qdc")
        assert _codes_in_file(tmp_path / "back.qdc", CODEBOOK_NS) == _codes_in_file(
            source, CODEBOOK_NS
        )
        # .json keeps names as they are; .csv writes paths with the escape.
        export_codebook(project, tmp_path / "back.json")
        export_codebook(project, tmp_path / "back.csv")
        written = json.loads((tmp_path / "back.json").read_text(encoding="utf-8"))
        assert written["dimensions"][0]["codes"][2]["name"] == "A > B"
        with open(tmp_path / "back.csv", newline="", encoding="utf-8") as handle:
            paths = [row["path"] for row in csv.DictReader(handle)]
        assert paths == [
            "Trade & aid",
            "Trade & aid > Risk <high\\>",
            "Trade & aid > Aid/loans",
            "Trade & aid > A \\> B",
            "Trade & aid > A \\> B > B, then C",
        ]
    for suffix in (".qdc", ".json", ".csv"):
        with _empty(tmp_path, f"again{suffix}.annotator") as again:
            import_codebook(again, tmp_path / f"back{suffix}")
            found = _tree(again)
            if suffix == ".csv":  # CSV carries no GUIDs
                assert [p for p, _ in found] == [p for p, _ in original]
            else:
                assert found == original


def _qdpx(tmp_path: Path) -> Path:
    text = "Loans were risky."
    source = "22222222-0000-4000-8000-000000000001"
    user = "22222222-0000-4000-8000-000000000002"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{PROJECT_NS}" name="t" origin="Another tool">
  <Users><User guid="{user}" name="Ana"/></Users>
  <CodeBook><Codes>{CODES}</Codes></CodeBook>
  <Sources>
    <TextSource guid="{source}" name="Loans" plainTextPath="internal://{source}.txt">
      <PlainTextSelection guid="22222222-0000-4000-8000-000000000003" name="Loans"
          startPosition="0" endPosition="5" creatingUser="{user}">
        <Coding guid="22222222-0000-4000-8000-000000000004" creatingUser="{user}">
          <CodeRef targetGUID="11111111-0000-4000-8000-000000000004"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
    path = tmp_path / "other-tool.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{source}.txt", text)
    return path


def test_a_qdpx_with_such_names_merges_and_exports_back_unchanged(tmp_path: Path) -> None:
    with _empty(tmp_path, "p.annotator") as project:
        merge_file(project, _qdpx(tmp_path))
        tree = project.codebook.tree()
        assert [c.name for c in tree.walk()] == NAMES
        [coding] = list(project.codings.all())
        assert tree.path(coding.code_id) == "Trade & aid > A \\> B"
        assert tree.get(coding.code_id).name == "A > B"
        from annotator.services.refi import export_qdpx

        export_qdpx(project, tmp_path / "back.qdpx")
        with zipfile.ZipFile(tmp_path / "back.qdpx") as archive:
            (tmp_path / "back.qde").write_bytes(archive.read("project.qde"))
        with zipfile.ZipFile(_qdpx(tmp_path)) as archive:
            (tmp_path / "original.qde").write_bytes(archive.read("project.qde"))
        assert _codes_in_file(tmp_path / "back.qde", PROJECT_NS) == _codes_in_file(
            tmp_path / "original.qde", PROJECT_NS
        )


def test_a_csv_codebook_says_which_gt_belongs_to_a_name(tmp_path: Path) -> None:
    source = tmp_path / "codebook.csv"
    source.write_text(
        "path\nTrade\nTrade > A\nTrade > A > B\nTrade > A \\> B\nC:\\data\n", encoding="utf-8"
    )
    with _empty(tmp_path, "p.annotator") as project:
        import_codebook(project, source)
        assert [tuple(p) for p, _ in _tree(project)] == [
            ("Trade",),
            ("Trade", "A"),
            ("Trade", "A", "B"),
            ("Trade", "A > B"),
            ("C:\\data",),
        ]


def _rename(path: Path, old: str, new: str) -> None:
    with Project.open(path) as project:
        code = project.codebook.tree().find(old)
        assert code is not None
        project.codebook.update(code.id, name=new)


def test_command_line_options_reach_such_codes_through_the_escape(
    demo_path: Path, tmp_path: Path
) -> None:
    _rename(demo_path, "Motive > Political", "Political > regime <critique>")
    _rename(demo_path, "Motive > Family / personal", "Family, personal")
    escaped = "Motive > Political \\> regime <critique\\>"
    with Project.open(demo_path, read_only=True) as project:
        code = project.codebook.tree().find(escaped)
        assert code is not None
        expected = len(project.codings.for_code(code.id))
    assert expected > 0

    out = tmp_path / "political.csv"
    result = run("export", demo_path, "--format", "segments", "--codes", escaped, "-o", out)
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == expected
    assert {r["code_path"] for r in rows} == {escaped}
    assert {r["code"] for r in rows} == {"Political > regime <critique>"}

    both = f"{escaped},Motive > Family\\, personal"
    result = run("export", demo_path, "--format", "segments", "--codes", both, "-o", out)
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        paths = {r["code_path"] for r in csv.DictReader(handle)}
    assert paths == {escaped, "Motive > Family, personal"}

    agreement = run("agreement", demo_path, "--codes", both, "--level", "document", "--json")
    assert agreement.exit_code == 0, agreement.output
    names = {m["name"] for m in json.loads(agreement.stdout)["measures"]}
    assert {escaped, "Motive > Family, personal"} <= names

    unescaped = run("export", demo_path, "--format", "segments", "--codes", "Motive > Family")
    assert unescaped.exit_code == 1
    assert "no code or dimension 'Motive > Family'" in unescaped.stderr


def test_the_long_csv_round_trips_codings_of_such_codes(demo: Project, tmp_path: Path) -> None:
    political = demo.codebook.tree().find("Motive > Political")
    assert political is not None
    demo.codebook.update(political.id, name="A > B")
    export_segments(demo, tmp_path / "segments.csv")
    export_codebook(demo, tmp_path / "codebook.json")
    with _empty(tmp_path, "copy.annotator") as copy:
        import_codebook(copy, tmp_path / "codebook.json")
        for document in demo.documents.all():
            text = demo.documents.text(document.id)
            copy.documents.add(document.name, document.source, text)
        report = import_codings(copy, tmp_path / "segments.csv")
        assert report.added == demo.codings.count()
        mine = copy.codebook.tree().find("Motive > A \\> B")
        assert mine is not None
        assert len(copy.codings.for_code(mine.id)) == len(demo.codings.for_code(political.id))


def test_merge_by_path_maps_such_codes(demo: Project, tmp_path: Path) -> None:
    """Another project whose code 'Motive > A > B' has its own GUID maps onto the master's."""
    political = demo.codebook.tree().find("Motive > Political")
    assert political is not None
    demo.codebook.update(political.id, name="A > B")
    with _empty(tmp_path, "other.annotator") as other:
        motive = other.codebook.add("Motive")
        code = other.codebook.add("A > B", motive.id)
        document = demo.documents.all()[0]
        copied = other.documents.add(
            document.name, document.source, demo.documents.text(document.id)
        )
        other.codings.add(copied.id, other.coders.add("Cy").id, code.id, 0, 10)
    before = demo.codebook.count()
    [report] = merge_file(demo, tmp_path / "other.annotator", MergeChoices(codes="by-path"))
    assert (report.added, report.codes_added) == (1, [])
    assert demo.codebook.count() == before
    [coding] = demo.codings.for_coder(demo.coders.by_name("Cy").id)  # type: ignore[union-attr]
    assert coding.code_id == political.id
