"""Codebook files: JSON and CSV round trips, errors naming the line, and the bundled codebook."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from annotator.domain.codebook import CodeSpec
from annotator.domain.errors import BadFileError, UserError
from annotator.io.codebook_files import read_codebook, write_codebook
from tests.helpers import refused, write

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "codebook.json"


def tree(dimensions: list[CodeSpec], *, guids: bool) -> list[Any]:
    """Everything a codebook file carries, as plain values (line numbers left out)."""

    def node(spec: CodeSpec) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": spec.name,
            "color": spec.color,
            "shortcut": spec.shortcut,
            "description": spec.description,
            "exclusive": spec.exclusive,
            "children": [node(child) for child in spec.children],
        }
        if guids:
            values["guid"] = spec.guid
        return values

    return [node(d) for d in dimensions]


def raw_tree(document: dict[str, Any]) -> list[Any]:
    """The same shape computed straight from the JSON document, without the reader."""

    def node(item: dict[str, Any], dimension: bool) -> dict[str, Any]:
        return {
            "name": item["name"],
            "color": item["color"].upper() if item.get("color") else None,
            "shortcut": item["shortcut"].lower() if item.get("shortcut") else None,
            "description": item.get("description", ""),
            "exclusive": bool(item.get("exclusive", False)) if dimension else False,
            "children": [node(child, False) for child in item.get("codes", [])],
            "guid": item.get("guid"),
        }

    return [node(d, True) for d in document["dimensions"]]


def bad(path: Path, line: int | None) -> BadFileError:
    return refused(read_codebook, path, line)


def save(tmp_path: Path, name: str, dimensions: list[CodeSpec]) -> Path:
    path = tmp_path / name
    buffer = io.StringIO(newline="")
    write_codebook(buffer, path.suffix, dimensions, "Round trip")
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


# -- the bundled codebook ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(BUNDLED.read_text(encoding="utf-8"))
    return document


def test_bundled_codebook_is_read_as_written(bundled_document: dict[str, Any]) -> None:
    dimensions = read_codebook(BUNDLED)
    assert tree(dimensions, guids=True) == raw_tree(bundled_document)
    assert [d.name for d in dimensions] == ["Motive", "Actor type", "Source reliability"]


def test_json_objects_know_their_lines() -> None:
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    for dimension in read_codebook(BUNDLED):
        for _, spec in dimension.walk():
            assert spec.line is not None
            # The object opens on its line; its "name" follows on the next one.
            assert lines[spec.line - 1].strip() == "{"
            assert lines[spec.line].strip() == f'"name": {json.dumps(spec.name)},'


def test_csv_round_trip_of_the_bundled_codebook(tmp_path: Path) -> None:
    original = read_codebook(BUNDLED)
    path = save(tmp_path, "codebook.csv", original)
    again = read_codebook(path)
    assert tree(again, guids=False) == tree(original, guids=False)
    # CSV carries no GUIDs.
    assert all(spec.guid is None for d in again for _, spec in d.walk())


def test_csv_round_trip_twice_is_byte_identical(tmp_path: Path) -> None:
    first = save(tmp_path, "first.csv", read_codebook(BUNDLED))
    second = save(tmp_path, "second.csv", read_codebook(first))
    assert first.read_bytes() == second.read_bytes()


def test_json_round_trip_keeps_guids(tmp_path: Path, bundled_document: dict[str, Any]) -> None:
    path = save(tmp_path, "codebook.json", read_codebook(BUNDLED))
    again = read_codebook(path)
    assert tree(again, guids=True) == raw_tree(bundled_document)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["format"] == "annotator-codebook"
    assert written["name"] == "Round trip"
    guids = [spec.guid for d in again for _, spec in d.walk()]
    assert all(guids)
    assert len(set(guids)) == len(guids)


def test_json_round_trip_of_a_small_tree(tmp_path: Path) -> None:
    dimensions = [
        CodeSpec(
            name="Tone",
            color="#C0EDC0",
            exclusive=True,
            description="Über “tone”, 북한 😀",
            children=[
                CodeSpec(name="Positive", shortcut="p", color="#D1F094"),
                CodeSpec(
                    name="Negative",
                    description="line one\nline two",
                    children=[CodeSpec(name="Very negative", shortcut="v")],
                ),
            ],
        ),
        CodeSpec(name="Topic"),
    ]
    for suffix in (".json", ".csv"):
        again = read_codebook(save(tmp_path, f"small{suffix}", dimensions))
        assert tree(again, guids=False) == tree(dimensions, guids=False)


def _wcag_luminance(color: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(color[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_wcag_luminance_helper_matches_known_values() -> None:
    assert _wcag_luminance("#FFFFFF") == pytest.approx(1.0)
    assert _wcag_luminance("#000000") == 0.0
    assert _wcag_luminance("#777777") == pytest.approx(0.184, abs=0.001)


def test_bundled_colours_are_legible_under_black_text(
    bundled_document: dict[str, Any],
) -> None:
    def colors(item: dict[str, Any]) -> list[tuple[str, str]]:
        found = [(item["name"], item["color"])]
        for child in item.get("codes", []):
            found += colors(child)
        return found

    all_colors = [pair for d in bundled_document["dimensions"] for pair in colors(d)]
    assert len(all_colors) > len(bundled_document["dimensions"])
    for name, color in all_colors:
        contrast = (_wcag_luminance(color) + 0.05) / 0.05
        assert contrast >= 7, f"{name} {color}: contrast {contrast:.2f}"


def test_bundled_codes_have_the_four_description_lines(
    bundled_document: dict[str, Any],
) -> None:
    codes = [
        (parts, spec)
        for dimension in read_codebook(BUNDLED)
        for parts, spec in dimension.walk()
        if len(parts) > 1
    ]
    assert len(codes) == sum(len(d["codes"]) for d in bundled_document["dimensions"])
    assert codes
    for parts, spec in codes:
        lines = spec.description.split("\n")
        prefixes = [line.split(":", 1)[0] + ":" for line in lines]
        assert prefixes == ["Definition:", "Include:", "Exclude:", "Example:"], parts
        assert all(line.split(":", 1)[1].strip() for line in lines), parts


# -- JSON errors ---------------------------------------------------------------------------


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "broken.json",
        '{\n  "format": "annotator-codebook",\n  "dimensions": [\n'
        '    {"name": "Motive", "codes": []}\n'
        '    {"name": "Actor"}\n  ]\n}\n',
    )
    assert "JSON" in bad(path, 5).problem


def test_code_without_a_name_names_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codebook.json",
        json.dumps(
            {
                "dimensions": [
                    {"name": "Motive", "codes": [{"name": "Political"}]},
                    {"name": "Actor", "codes": [{"name": "Diplomat"}, {"colour": "#FFFFFF"}]},
                ]
            },
            indent=2,
        ),
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if '"colour"' in line) - 1
    assert lines[expected - 1].strip() == "{"
    assert "name" in bad(path, expected).problem


def test_json_without_dimensions(tmp_path: Path) -> None:
    path = write(tmp_path, "codebook.json", '{"codes": []}')
    assert "dimensions" in bad(path, 1).problem


def test_json_of_another_format(tmp_path: Path) -> None:
    path = write(tmp_path, "codebook.json", '{"format": "other", "dimensions": []}')
    assert "other" in bad(path, 1).problem


def test_json_duplicate_shortcut_names_the_second(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codebook.json",
        '{"dimensions": [\n'
        ' {"name": "Motive", "codes": [\n'
        '   {"name": "Political", "shortcut": "1"},\n'
        '   {"name": "Economic", "shortcut": "2"}]},\n'
        ' {"name": "Actor", "codes": [\n'
        '   {"name": "Diplomat", "shortcut": "1"}]}\n'
        "]}\n",
    )
    error = bad(path, 6)
    assert "Actor > Diplomat" in error.problem
    assert "Motive > Political" in error.problem


# -- CSV errors ----------------------------------------------------------------------------

CSV_HEADER = "path,color,shortcut,exclusive,description\n"


def test_csv_bad_colour_names_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codebook.csv",
        CSV_HEADER + "Motive,#F4C0B3,,1,\nMotive > Political,red,2,,\n",
    )
    assert "red" in bad(path, 3).problem


def test_csv_duplicate_shortcut_names_the_second_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codebook.csv",
        CSV_HEADER + "Motive,,,1,\nMotive > Political,,q,,\nActor,,,,\nActor > Diplomat,,Q,,\n",
    )
    error = bad(path, 5)
    assert "'q'" in error.problem
    assert "Motive > Political" in error.problem


def test_csv_child_before_its_parent(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codebook.csv",
        CSV_HEADER + "Motive,,,1,\nActor > Diplomat,,,,\nActor,,,,\n",
    )
    assert "'Actor'" in bad(path, 3).problem


def test_csv_duplicate_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codebook.csv",
        CSV_HEADER + "Motive,,,1,\nMotive > Political,,,,\nActor,,,,\nmotive > political,,,,\n",
    )
    assert "appears twice" in bad(path, 5).problem


def test_csv_line_numbers_after_a_multiline_description(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "codebook.csv",
        CSV_HEADER + 'Motive,,,1,"Definition: a\nInclude: b\nExclude: c"\nMotive > X,#12345,,,\n',
    )
    assert "#12345" in bad(path, 5).problem


def test_csv_without_path_column(tmp_path: Path) -> None:
    path = write(tmp_path, "codebook.csv", "name,color\nMotive,#FFFFFF\n")
    assert "path" in bad(path, 1).problem


def test_csv_bad_exclusive_value(tmp_path: Path) -> None:
    path = write(tmp_path, "codebook.csv", CSV_HEADER + "Motive,,,maybe,\n")
    assert "maybe" in bad(path, 2).problem


def test_csv_empty_path_part(tmp_path: Path) -> None:
    path = write(tmp_path, "codebook.csv", CSV_HEADER + "Motive,,,,\nMotive > ,,,,\n")
    bad(path, 3)


@pytest.mark.parametrize("name", ["codebook.txt", "codebook.xlsx", "codebook"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, CSV_HEADER + "Motive,,,,\n")
    assert ".json" in bad(path, None).problem


def test_writing_an_unsupported_extension() -> None:
    with pytest.raises(UserError, match="xlsx"):
        write_codebook(io.StringIO(), ".xlsx", [CodeSpec(name="Motive")], "x")
