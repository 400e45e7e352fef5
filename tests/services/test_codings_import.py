"""The long CSV: export and import round-trip exactly; bad rows stop the whole file."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain.model import DocumentStatus
from annotator.services import create_project, import_codings, import_files
from annotator.services.codings import CodingsFileError
from annotator.services.exports import Selection, export_segments, segment_lines
from annotator.storage import Project

FIELDS_COMPARED = (
    "document_name",
    "coder",
    "code_path",
    "start",
    "end",
    "text",
    "memo",
    "created_at",
)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _fresh_project_with_demo_articles(tmp_path: Path, corpus_dir: Path, name: str) -> Project:
    project = create_project(tmp_path / name)
    import_files(
        project, sorted(corpus_dir.glob("*.txt")), variables_csv=corpus_dir / "variables.csv"
    )
    return project


def test_demo_segments_round_trip_into_a_fresh_project(
    demo: Project, tmp_path: Path, corpus_dir: Path
) -> None:
    exported = tmp_path / "segments.csv"
    count = export_segments(demo, exported)
    assert count == demo.codings.count() > 100
    rows = _rows(exported)
    texts = {d.name: demo.documents.text(d.id) for d in demo.documents.all()}
    for row in rows:
        if row["start"]:
            assert row["text"] == texts[row["document_name"]][int(row["start"]) : int(row["end"])]
        else:
            assert row["text"] == row["end"] == ""

    with _fresh_project_with_demo_articles(tmp_path, corpus_dir, "fresh.annotator") as fresh:
        report = import_codings(fresh, exported, mark_done=True)
        assert report.added == count
        again = tmp_path / "again.csv"
        export_segments(fresh, again)
        assert [tuple(r[f] for f in FIELDS_COMPARED) for r in _rows(again)] == [
            tuple(r[f] for f in FIELDS_COMPARED) for r in rows
        ]
        assert fresh.statuses.all() == demo.statuses.all()


def test_importing_the_same_file_twice_changes_nothing(demo: Project, tmp_path: Path) -> None:
    exported = tmp_path / "segments.csv"
    export_segments(demo, exported)
    before = demo.codings.count()
    report = import_codings(demo, exported)
    assert (report.added, report.unchanged) == (0, before)
    assert demo.codings.count() == before


def test_a_row_whose_text_does_not_match_stops_the_whole_file(
    demo: Project, tmp_path: Path, corpus_dir: Path
) -> None:
    exported = tmp_path / "segments.csv"
    export_segments(demo, exported)
    rows = _rows(exported)
    span_rows = [i for i, r in enumerate(rows) if r["start"]]
    rows[span_rows[3]]["text"] = "Something else entirely"
    rows[span_rows[5]]["code_path"] = "Motive > Invented"
    edited = tmp_path / "edited.csv"
    with open(edited, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with _fresh_project_with_demo_articles(tmp_path, corpus_dir, "fresh.annotator") as fresh:
        with pytest.raises(CodingsFileError) as caught:
            import_codings(fresh, edited, mark_done=True)
        problems = [str(p) for p in caught.value.problems]
        assert len(problems) == 2
        assert "text does not match document" in problems[0]
        assert "'Motive > Invented' is not in the project's codebook" in problems[1]
        assert all(p.startswith("edited.csv, line ") for p in problems)
        assert "nothing was imported" in str(caught.value)
        assert fresh.codings.count() == 0
        assert fresh.coders.all() == []
        assert fresh.statuses.all() == {}


def test_spreadsheet_line_endings_in_text_are_accepted(project: Project, tmp_path: Path) -> None:
    document = project.documents.add("doc", "doc.txt", "First line.\nSecond line.")
    source = tmp_path / "codings.csv"
    source.write_bytes(
        b"document_name,coder,code_path,start,end,text\r\n"
        b'doc,Ana,Motive > Political,6,18,"line.\r\nSecond"\r\n'
    )
    report = import_codings(project, source)
    assert report.added == 1
    [coding] = project.codings.for_document(document.id)
    assert (coding.start, coding.end) == (6, 18)


def test_unknown_document_and_out_of_range_span_are_reported(
    project: Project, tmp_path: Path
) -> None:
    project.documents.add("doc", "doc.txt", "Short.")
    source = tmp_path / "codings.csv"
    source.write_text(
        "document_name,coder,code_path,start,end\n"
        "missing,Ana,Motive > Political,0,3\n"
        "doc,Ana,Motive > Political,2,60\n"
        "doc,Ana,Motive,0,3\n",
        encoding="utf-8",
    )
    with pytest.raises(CodingsFileError) as caught:
        import_codings(project, source)
    assert [p.line for p in caught.value.problems] == [2, 3, 4]
    assert "no document 'missing'" in caught.value.problems[0].problem
    assert "outside the text" in caught.value.problems[1].problem
    assert "is a dimension" in caught.value.problems[2].problem


def test_mark_done_marks_each_pair_in_the_file(project: Project, tmp_path: Path) -> None:
    first = project.documents.add("one", "one.txt", "One text.")
    project.documents.add("two", "two.txt", "Two text.")
    source = tmp_path / "codings.csv"
    source.write_text(
        "document_name,coder,code_path,start,end\none,Ana,Motive > Political,,\n", encoding="utf-8"
    )
    import_codings(project, source, mark_done=True)
    ana = project.coders.find("Ana")
    assert project.statuses.all() == {(first.id, ana.id): DocumentStatus.DONE}


unicode_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r")
    | st.sampled_from("\n😀북"),
    min_size=2,
    max_size=60,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=unicode_text, data=st.data())
def test_any_span_of_any_text_round_trips(
    tmp_path_factory: pytest.TempPathFactory, text: str, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    memo = data.draw(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
        )
    )
    with Project.in_memory() as source:
        dimension = source.codebook.add("Motive")
        code = source.codebook.add("Political", dimension.id)
        document = source.documents.add("doc", "doc.txt", text)
        coder = source.coders.add("Ana")
        source.codings.add(document.id, coder.id, code.id, start, end, memo=memo)
        exported = folder / "segments.csv"
        export_segments(source, exported)
    with Project.in_memory() as target:
        dimension = target.codebook.add("Motive")
        target.codebook.add("Political", dimension.id)
        target.documents.add("doc", "doc.txt", text)
        import_codings(target, exported)
        [coding] = target.codings.all()
        assert (coding.start, coding.end, coding.memo) == (start, end, memo)


def test_times_are_stored_in_utc_so_a_day_selects_the_right_codings(
    project: Project, tmp_path: Path
) -> None:
    """Issue 20.9: times were stored as written and compared as text."""
    project.documents.add("doc", "doc.txt", "One two three four five six.")
    source = tmp_path / "codings.csv"
    source.write_text(
        "document_name,coder,code_path,start,end,created_at\n"
        "doc,Ana,Motive > Political,0,3,20250301T120000Z\n"
        "doc,Ana,Motive > Political,4,7,2025-03-01T23:30:00-05:00\n"
        "doc,Ana,Motive > Political,8,13,2025-03-02 01:00\n",
        encoding="utf-8",
    )
    import_codings(project, source)
    stored = sorted((c.start, c.created_at, c.updated_at) for c in project.codings.all())
    assert stored == [
        (0, "2025-03-01T12:00:00Z", "2025-03-01T12:00:00Z"),
        (4, "2025-03-02T04:30:00Z", "2025-03-02T04:30:00Z"),  # 23:30 in New York is 2 March
        (8, "2025-03-02T01:00:00Z", "2025-03-02T01:00:00Z"),  # no zone: taken as UTC
    ]
    second_of_march = Selection(since=date(2025, 3, 2), until=date(2025, 3, 2))
    starts = [line.split(",")[7] for line in segment_lines(project, second_of_march)]
    assert starts == ["4", "8"]


def test_a_coder_name_the_project_refuses_is_reported_with_its_line(
    project: Project, tmp_path: Path
) -> None:
    project.documents.add("doc", "doc.txt", "Short text.")
    source = tmp_path / "codings.csv"
    source.write_text(
        "document_name,coder,code_path,start,end\n"
        "doc,Ana,Motive > Political,0,3\n"
        "doc,Ana\x07Ben,Motive > Political,0,3\n",  # '>' is allowed in names since 0006
        encoding="utf-8",
    )
    with pytest.raises(CodingsFileError) as caught:
        import_codings(project, source)
    assert str(caught.value).startswith(
        "codings.csv, line 3: coder name 'Ana\\x07Ben' holds a control character"
    )
    assert project.codings.count() == 0
    assert project.coders.all() == []


@pytest.mark.parametrize("name", ["Consensus", "CONSENSUS", " CONSENSUS "])
def test_a_coder_spelled_like_the_consensus_coder_is_refused(
    demo: Project, tmp_path: Path, name: str
) -> None:
    # "Consensus" in a sheet of codings would become a coder that agreement counts as one
    # more independent coder (it leaves out only 'consensus'), while the review would take it
    # for its consensus coder and write its decisions there.
    source = tmp_path / "consensus.csv"
    export_segments(demo, source, Selection(coders=("Ana",)))
    rows = _rows(source)
    for row in rows:
        row["coder"] = name
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = demo.codings.count()
    with pytest.raises(CodingsFileError, match=r"consensus.csv, line 2: .*'consensus'"):
        import_codings(demo, source, mark_done=True)
    assert demo.codings.count() == before
    assert [c.name for c in demo.coders.all()] == ["Ana", "Ben"]
