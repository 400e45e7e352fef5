"""Codebook files: JSON (with GUIDs) and CSV (one row per node, parents first).

Both are read into a list of dimensions as :class:`CodeSpec` trees. Every problem is reported
with the file and the line it is on.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from annotator.domain.codebook import CodeSpec, check_name, check_shortcut, join_path, split_path
from annotator.domain.colors import normalise_color
from annotator.domain.errors import BadFileError, UserError
from annotator.io.csvfiles import read_csv, read_csv_text, write_csv

FORMAT = "annotator-codebook"
CSV_COLUMNS = ("path", "color", "shortcut", "exclusive", "description")
MAX_CODEBOOK_BYTES = 20 * 1024 * 1024


def read_codebook(path: Path) -> list[CodeSpec]:
    """The dimensions of a codebook file (.json or .csv)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        dimensions = _read_json(path)
    elif suffix == ".csv":
        dimensions = _read_csv(path)
    else:
        raise BadFileError(path, "codebooks are read from .json or .csv files")
    _check_tree(path, dimensions)
    return dimensions


def write_codebook(handle: IO[str], suffix: str, dimensions: list[CodeSpec], name: str) -> None:
    if suffix == ".json":
        document = {
            "format": FORMAT,
            "version": 1,
            "name": name,
            "dimensions": [_to_json(d, dimension=True) for d in dimensions],
        }
        json.dump(document, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    elif suffix == ".csv":
        write_csv(handle, CSV_COLUMNS, _csv_rows(dimensions))
    else:
        raise UserError(f"codebooks are written as .json or .csv, not '{suffix}'")


# -- JSON ----------------------------------------------------------------------------------


class _LinedDict(dict[str, Any]):
    """A JSON object that remembers the line it started on."""

    line: int = 0


def _loads_with_lines(text: str) -> Any:
    """``json.loads`` whose objects carry their line numbers (the pure-Python scanner)."""
    decoder = json.JSONDecoder()

    def parse_object(
        s_and_end: tuple[str, int],
        strict: bool,
        scan_once: Any,
        object_hook: Any,
        object_pairs_hook: Any,
        memo: Any = None,
    ) -> tuple[dict[str, Any], int]:
        s, end = s_and_end
        obj, new_end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo
        )
        lined = _LinedDict(obj)
        lined.line = s.count("\n", 0, end) + 1
        return lined, new_end

    # The C scanner does not call parse_object; the pure-Python one does.
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


def _read_json(path: Path) -> list[CodeSpec]:
    text = read_csv_text(path, max_bytes=MAX_CODEBOOK_BYTES)
    try:
        document = _loads_with_lines(text)
    except json.JSONDecodeError as error:
        raise BadFileError(path, f"not valid JSON ({error.msg})", line=error.lineno) from None
    except RecursionError:
        raise BadFileError(path, "nested too deeply to be a codebook") from None
    if not isinstance(document, dict) or not isinstance(document.get("dimensions"), list):
        raise BadFileError(path, 'not an annotator codebook: no "dimensions" list', line=1)
    if document.get("format", FORMAT) != FORMAT:
        raise BadFileError(
            path, f"format is '{document.get('format')}', expected '{FORMAT}'", line=1
        )
    return [_from_json(path, item, dimension=True) for item in document["dimensions"]]


def _from_json(path: Path, item: Any, *, dimension: bool) -> CodeSpec:
    line = getattr(item, "line", None)
    if not isinstance(item, dict):
        raise BadFileError(path, "each dimension and code must be an object {…}", line=line)
    try:
        name = item.get("name")
        if not isinstance(name, str):
            raise UserError('a dimension or code without a "name"')
        children = item.get("codes", [])
        if not isinstance(children, list):
            raise UserError(f"\"codes\" of '{name}' must be a list")
        color = item.get("color")
        shortcut = item.get("shortcut")
        description = item.get("description", "")
        guid = item.get("guid")
        for key, value in (("color", color), ("shortcut", shortcut), ("guid", guid)):
            if value is not None and not isinstance(value, str):
                raise UserError(f"\"{key}\" of '{name}' must be text")
        if not isinstance(description, str):
            raise UserError(f"\"description\" of '{name}' must be text")
        exclusive = item.get("exclusive", False)
        if not isinstance(exclusive, bool):
            raise UserError(f"\"exclusive\" of '{name}' must be true or false")
        spec = CodeSpec(
            name=check_name(name),
            color=normalise_color(color) if color else None,
            shortcut=check_shortcut(shortcut),
            description=description,
            exclusive=exclusive,
            guid=guid or None,
            line=line,
        )
    except UserError as error:
        raise BadFileError(path, str(error), line=line) from None
    spec.children = [_from_json(path, child, dimension=False) for child in children]
    return spec


def _to_json(spec: CodeSpec, *, dimension: bool) -> dict[str, Any]:
    node: dict[str, Any] = {"name": spec.name, "guid": spec.guid}
    if dimension:
        node["exclusive"] = spec.exclusive
    node["color"] = spec.color
    if not dimension or spec.shortcut:
        node["shortcut"] = spec.shortcut
    node["description"] = spec.description
    node["codes"] = [_to_json(child, dimension=False) for child in spec.children]
    return node


# -- CSV -----------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[CodeSpec]:
    _, rows = read_csv(path, required=["path"])
    dimensions: list[CodeSpec] = []
    nodes: dict[str, CodeSpec] = {}
    for line, row in rows:
        try:
            parts = split_path(row["path"])
            exclusive_text = row.get("exclusive", "").strip().lower()
            if exclusive_text not in ("", "0", "1", "true", "false", "yes", "no"):
                raise UserError(f"exclusive must be 1 or 0, not '{row['exclusive']}'")
            color = row.get("color", "").strip()
            spec = CodeSpec(
                name=check_name(parts[-1]),
                color=normalise_color(color) if color else None,
                shortcut=check_shortcut(row.get("shortcut")),
                description=row.get("description", ""),
                exclusive=exclusive_text in ("1", "true", "yes"),
                line=line,
            )
        except UserError as error:
            raise BadFileError(path, str(error), line=line) from None
        key = join_path(parts).casefold()
        if key in nodes:
            raise BadFileError(path, f"'{join_path(parts)}' appears twice", line=line)
        if len(parts) == 1:
            dimensions.append(spec)
        else:
            parent = nodes.get(join_path(parts[:-1]).casefold())
            if parent is None:
                raise BadFileError(
                    path, f"its parent '{join_path(parts[:-1])}' is not defined above it", line=line
                )
            parent.children.append(spec)
        nodes[key] = spec
    return dimensions


def _csv_rows(dimensions: Iterable[CodeSpec]) -> Iterable[list[object]]:
    for dimension in dimensions:
        for parts, spec in dimension.walk():
            yield [
                join_path(parts),
                spec.color or "",
                spec.shortcut or "",
                int(spec.exclusive) if len(parts) == 1 else "",
                spec.description,
            ]


# -- rules for the whole tree --------------------------------------------------------------


def _check_tree(path: Path, dimensions: list[CodeSpec]) -> None:
    """Names unique among siblings, shortcuts unique across the codebook, GUIDs unique."""
    shortcuts: dict[str, str] = {}
    guids: set[str] = set()

    def check_siblings(siblings: list[CodeSpec], parents: tuple[str, ...]) -> None:
        seen: set[str] = set()
        for spec in siblings:
            where = join_path((*parents, spec.name))
            if spec.name.casefold() in seen:
                raise BadFileError(path, f"'{where}' appears twice", line=spec.line)
            seen.add(spec.name.casefold())
            if spec.shortcut:
                if spec.shortcut in shortcuts:
                    raise BadFileError(
                        path,
                        f"shortcut '{spec.shortcut}' of '{where}' is already used by "
                        f"'{shortcuts[spec.shortcut]}'",
                        line=spec.line,
                    )
                shortcuts[spec.shortcut] = where
            if spec.guid:
                if spec.guid.lower() in guids:
                    raise BadFileError(path, f"GUID of '{where}' appears twice", line=spec.line)
                guids.add(spec.guid.lower())
            check_siblings(spec.children, (*parents, spec.name))

    check_siblings(dimensions, ())
