"""Deep codebooks: up to the documented limit (100 levels) a codebook goes out through every
format and back in; one level more is refused by every import route with the reason; files
nested thousands deep are refused without a RecursionError; a project edited past the limit
still opens, ``check`` warns, and exports refuse rather than write what cannot be read back."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

import pytest

from annotator.domain.codebook import MAX_DEPTH
from annotator.domain.errors import BadFileError, UserError
from annotator.io.packages import Package, PackageCode, write_package
from annotator.services import create_project, export_codebook, import_codebook
from annotator.services.checks import check_project
from annotator.services.merge import MergeChoices, MergeConflictError, merge_file
from annotator.services.refi import export_qdpx
from annotator.storage import Project

LIMIT = f"at most {MAX_DEPTH} levels"


def _guid(level: int) -> str:
    return str(uuid.UUID(int=level + 1))


def _json(path: Path, levels: int) -> Path:
    """A codebook file one chain ``levels`` deep, written as text (no recursion here either)."""
    opening = "".join(
        f'{{"name": "L{level}", "guid": "{_guid(level)}", "codes": [' for level in range(levels)
    )
    path.write_text(
        '{"format": "annotator-codebook", "dimensions": [' + opening + "]}" * levels + "]}",
        encoding="utf-8",
    )
    return path


def _csv(path: Path, levels: int) -> Path:
    rows = [" > ".join(f"L{level}" for level in range(depth + 1)) for depth in range(levels)]
    path.write_text("path\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _codes_xml(levels: int) -> str:
    opening = "".join(
        f'<Code guid="{_guid(level)}" name="L{level}" isCodable="true">' for level in range(levels)
    )
    return opening + "</Code>" * levels


def _qdc(path: Path, levels: int) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
        f'origin="Test"><Codes>{_codes_xml(levels)}</Codes></CodeBook>',
        encoding="utf-8",
    )
    return path


def _qdpx(path: Path, levels: int) -> Path:
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        f'name="deep" origin="Test"><CodeBook><Codes>{_codes_xml(levels)}</Codes></CodeBook>'
        "</Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    return path


def _package(path: Path, levels: int) -> Path:
    codes = tuple(
        PackageCode(_guid(d), " > ".join(f"L{k}" for k in range(d + 1)), "#FFFFFF", "")
        for d in range(levels)
    )
    guid = str(uuid.uuid4())
    with open(path, "w", encoding="utf-8") as handle:
        write_package(handle, Package(guid, guid, "Cy", "2025-01-01T00:00:00Z", codes=codes))
    return path


def _empty(tmp_path: Path, name: str = "p.annotator") -> Project:
    return create_project(tmp_path / name, with_default_codebook=False)


def _depth(project: Project) -> int:
    return project.codebook.tree().depth()[0]


def nest(project: Project, parent_id: int, levels: int) -> int:
    """Hang a chain of ``levels`` codes below ``parent_id`` as another SQLite tool would (past
    the store and its limit); return the deepest code's id."""
    columns = {row[1] for row in project.db.execute("PRAGMA table_info(codes)")}
    key = "name_key" in columns  # the schema before 0006 had none
    with project.transaction():
        for level in range(levels):
            cursor = project.db.execute(
                f"INSERT INTO codes (guid, parent_id, name, color{', name_key' if key else ''}) "
                f"VALUES (?, ?, ?, '#FFFFFF'{', ?' if key else ''})",
                [str(uuid.uuid4()), parent_id, f"L{level}"] + ([f"l{level}"] if key else []),
            )
            parent_id = int(cursor.lastrowid or 0)
    return parent_id


def test_a_codebook_at_the_limit_goes_out_and_back_in_through_every_format(
    tmp_path: Path,
) -> None:
    with _empty(tmp_path) as project:
        report = import_codebook(project, _json(tmp_path / "deep.json", MAX_DEPTH))
        assert len(report.added) == MAX_DEPTH == _depth(project)
        for suffix in (".json", ".csv", ".qdc"):
            export_codebook(project, tmp_path / f"out{suffix}")
        export_qdpx(project, tmp_path / "out.qdpx")
    for suffix in (".json", ".csv", ".qdc", ".qdpx"):
        with _empty(tmp_path, f"back{suffix}.annotator") as back:
            if suffix == ".qdpx":
                merge_file(back, tmp_path / "out.qdpx")
            else:
                import_codebook(back, tmp_path / f"out{suffix}")
            assert _depth(back) == MAX_DEPTH, suffix


@pytest.mark.parametrize("route", ["json", "csv", "qdc", "qdpx", "package"])
@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 600, 5000])
def test_past_the_limit_every_route_refuses_with_the_reason(
    tmp_path: Path, route: str, levels: int
) -> None:
    if route in ("csv", "package") and levels > 600:
        pytest.skip("a path per node: millions of names that deep; 600 shows the same")
    maker = {"json": _json, "csv": _csv, "qdc": _qdc, "qdpx": _qdpx, "package": _package}[route]
    source = maker(tmp_path / f"deep.{'annpkg' if route == 'package' else route}", levels)
    with _empty(tmp_path) as project:
        project.codebook.add("Kept")
        before = project.codebook.count()

        def bring_in() -> object:
            if route in ("qdpx", "package"):
                return merge_file(project, source, MergeChoices(codes="add"))
            return import_codebook(project, source)

        with pytest.raises((BadFileError, MergeConflictError)) as caught:
            bring_in()
        message = str(caught.value)
        assert message.startswith(source.name)
        assert f"{MAX_DEPTH} levels" in message
        assert project.codebook.count() == before


def test_a_project_past_the_limit_opens_checks_and_refuses_every_export(
    demo: Project, tmp_path: Path
) -> None:
    political = demo.codebook.tree().find("Motive > Political")
    assert political is not None
    deepest = nest(demo, political.id, 1500)
    tree = demo.codebook.tree()
    assert tree.depth()[0] == 1502
    assert len(tree.path(deepest).split(" > ")) == 1502
    report = check_project(demo)
    assert report.ok
    assert any("1502 levels deep" in warning for warning in report.warnings)
    for name in ("out.json", "out.csv", "out.qdc"):
        with pytest.raises(UserError, match=LIMIT):
            export_codebook(demo, tmp_path / name)
    with pytest.raises(UserError, match=LIMIT):
        export_qdpx(demo, tmp_path / "out.qdpx")
    assert not list(tmp_path.glob("out.*"))


def test_the_codebook_itself_cannot_be_nested_past_the_limit(memory: Project) -> None:
    parent = memory.codebook.add("L0")
    chain = [parent]
    for level in range(1, MAX_DEPTH):
        chain.append(memory.codebook.add(f"L{level}", chain[-1].id))
    assert memory.codebook.tree().depth()[0] == MAX_DEPTH
    with pytest.raises(UserError, match="101 levels deep"):
        memory.codebook.add("one more", chain[-1].id)
    other = memory.codebook.add("Other")
    below = memory.codebook.add("child", other.id)
    memory.codebook.add("grandchild", below.id)
    with pytest.raises(UserError, match="101 levels deep"):
        memory.codebook.move(below.id, chain[-2].id, 0)
    memory.codebook.move(below.id, chain[-3].id, 0)  # down to the limit exactly: allowed
    assert memory.codebook.tree().depth()[0] == MAX_DEPTH


def test_a_json_codebook_keeps_the_lines_of_its_nodes_for_errors(tmp_path: Path) -> None:
    document = {
        "format": "annotator-codebook",
        "dimensions": [
            {"name": "A [x] {y}", "description": "brackets } in text", "codes": []},
            {"name": "B", "codes": [{"name": "ok"}, {"name": "bad", "color": "red"}]},
        ],
    }
    path = tmp_path / "lines.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    with _empty(tmp_path) as project, pytest.raises(BadFileError) as caught:
        import_codebook(project, path)
    lines = json.dumps(document, indent=2).splitlines()
    # The object {"name": "bad", …} starts on the line before its name.
    assert caught.value.line == next(i for i, t in enumerate(lines) if '"bad"' in t)
    assert "#RRGGBB" in str(caught.value)
