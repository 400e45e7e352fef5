"""What a merge brings in is bounded as an import is: a .qdpx source over an article's limit
(50 MB, as import refuses) is left out and named; the text of all a merge brings in — every
.qdpx and project named together — is bounded, refused past it before it fills the memory
(issue: a 400 KB .qdpx brought two articles of 208 million characters, a 418 MB project). A
.qdpx whose sources are all left out still gets a report that says so (it used to print
nothing, and --json gave [])."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.domain.errors import BadFileError
from annotator.io.articles import MAX_FILE_BYTES
from annotator.services import create_project, refi_import
from annotator.services import merge as merge_service
from annotator.services.merge import MergeChoices, merge_file, merge_files
from annotator.services.refi_import import read_qdpx

SOURCE = "Sources"


def _qdpx(path: Path, sources: dict[str, bytes], inline: dict[str, str] | None = None) -> Path:
    """A .qdpx with one text source per entry of ``sources`` (name → bytes in the archive)
    and of ``inline`` (name → text inside project.qde)."""
    elements = "".join(
        f'<TextSource guid="00000000-0000-4000-8000-{n:012d}" name="{name}" '
        f'plainTextPath="internal://{name}.txt"/>'
        for n, name in enumerate(sources)
    ) + "".join(
        f'<TextSource guid="00000000-0000-4000-9000-{n:012d}" name="{name}">'
        f"<PlainTextContent>{text}</PlainTextContent></TextSource>"
        for n, (name, text) in enumerate((inline or {}).items())
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
        f'name="p"><{SOURCE}>{elements}</{SOURCE}></Project>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in sources.items():
            archive.writestr(f"sources/{name}.txt", data)
    return path


def test_a_source_over_the_article_limit_is_left_out_and_named(tmp_path: Path) -> None:
    big = b"a" * (MAX_FILE_BYTES + 1)  # packs to about 50 KB
    archive = _qdpx(tmp_path / "big.qdpx", {"huge": big, "small": b"A small article."})
    assert archive.stat().st_size < 1_000_000
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        [report] = merge_file(project, archive)
        assert [d.name for d in project.documents.all()] == ["small"]
        assert report.notes == [
            "not carried: 'huge': its text is more than 50 MB, the most an article may hold "
            "(import refuses such files)"
        ]


def test_an_inline_text_over_the_article_limit_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refi_import, "MAX_FILE_BYTES", 2**20)
    archive = _qdpx(tmp_path / "inline.qdpx", {}, {"long": "é" * 2**19 + "!", "short": "Fine."})
    found = read_qdpx(archive)
    assert [name for name, _ in found.texts.values()] == ["short"]
    assert found.losses == [
        "'long': its text is more than 1 MB, the most an article may hold (import refuses "
        "such files)"
    ]


def test_the_text_of_a_qdpx_is_bounded_as_it_is_read(tmp_path: Path) -> None:
    sources = {f"s{n}": bytes([65 + n]) * 600_000 for n in range(3)}
    archive = _qdpx(tmp_path / "many.qdpx", sources)
    assert len(read_qdpx(archive, text_limit=1_800_000).texts) == 3
    with pytest.raises(BadFileError, match=r"^many\.qdpx: holds more than 2 MB of article text"):
        read_qdpx(archive, text_limit=1_799_999)


def test_what_every_file_of_a_merge_brings_in_is_bounded_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _qdpx(tmp_path / "one.qdpx", {"a": b"A" * 600_000})
    two = _qdpx(tmp_path / "two.qdpx", {"b": b"B" * 600_000})
    other = tmp_path / "other.annotator"
    with create_project(other, with_default_codebook=False) as project:
        project.documents.add("c", "c.txt", "C" * 600_000)
    monkeypatch.setattr(merge_service, "MAX_MERGE_TEXT", 1_000_000)
    with create_project(tmp_path / "lead.annotator", with_default_codebook=False) as lead:
        for alone in (one, two):  # each fits
            with create_project(tmp_path / f"x{alone.stem}.annotator") as fresh:
                merge_file(fresh, alone)
                assert fresh.documents.count() == 1
        with pytest.raises(BadFileError, match=r"^two\.qdpx: .*; nothing was merged$"):
            merge_files(lead, [one, two])
        with pytest.raises(BadFileError, match=r"^other\.annotator: its articles hold more"):
            merge_files(lead, [one, other], MergeChoices(articles="import"))
        assert lead.documents.count() == 0
        # Articles the lead has already are not brought in again, and do not count.
        lead.documents.add("c", "c.txt", "C" * 600_000)
        merge_files(lead, [one, other], MergeChoices(articles="import"))
        assert sorted(d.name for d in lead.documents.all()) == ["a", "c"]


def test_a_qdpx_whose_only_source_is_outside_it_says_so(tmp_path: Path) -> None:
    """The tester's abs.qdpx: a source at file:///etc/passwd."""
    archive = tmp_path / "abs.qdpx"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr(
            "project.qde",
            '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>'
            '<TextSource guid="11111111-1111-4111-8111-111111111111" name="t" '
            'plainTextPath="file:///etc/passwd"/></Sources></Project>',
        )
    project = tmp_path / "n.annotator"
    create_project(project, with_default_codebook=False).close()
    reason = (
        "not carried: 't': its text is outside the archive (file:///etc/passwd); only the "
        "texts a .qdpx holds are read"
    )
    result = CliRunner().invoke(cli, ["merge", str(project), str(archive)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["abs.qdpx: nothing new", f"  {reason}"]
    result = CliRunner().invoke(cli, ["merge", str(project), str(archive), "--json"])
    [report] = json.loads(result.stdout)
    assert (report["source"], report["notes"]) == ("abs.qdpx", [reason])


def test_a_source_whose_header_hides_its_size_is_refused(tmp_path: Path) -> None:
    archive = _qdpx(tmp_path / "lying.qdpx", {"huge": b"a" * (MAX_FILE_BYTES + 1)})
    raw = bytearray(archive.read_bytes())
    name = b"sources/huge.txt"
    at = raw.find(b"PK\x01\x02")  # the central directory entries
    while raw[at + 46 : at + 46 + len(name)] != name:
        at = raw.find(b"PK\x01\x02", at + 4)
    raw[at + 24 : at + 28] = (100).to_bytes(4, "little")  # "unpacks to 100 bytes"
    archive.write_bytes(bytes(raw))
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        with pytest.raises(BadFileError, match=r"^lying\.qdpx: entry 'sources/huge\.txt' is"):
            merge_file(project, archive)
        assert project.documents.count() == 0


@pytest.mark.parametrize("text", ["one\r\ntwo", "one\rtwo", "\ufeffone"])
def test_an_article_text_annotator_would_not_have_stored_is_refused(
    tmp_path: Path, text: str
) -> None:
    # Imports turn line endings into \n and drop a BOM; a project file holding other text was
    # written by something else, and its codings' offsets cannot be trusted to match.
    other = tmp_path / "other.annotator"
    with create_project(other, with_default_codebook=False) as project:
        project.documents.add("c", "c.txt", text)
    with create_project(tmp_path / "lead.annotator", with_default_codebook=False) as lead:
        with pytest.raises(
            BadFileError, match=r"^other\.annotator: the text of article 'c' holds a BOM or CR"
        ):
            merge_file(lead, other, MergeChoices(articles="import"))
        assert lead.documents.count() == 0
