"""Codebook files: JSON (with GUIDs) and CSV (one row per node, parents first).

Both are read into a list of dimensions as :class:`CodeSpec` trees. Every problem is reported
with the file and the line it is on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from annotator.domain.codebook import (
    MAX_DEPTH,
    CodeSpec,
    check_name,
    check_shortcut,
    depth_problem,
    escape_name,
    join_path,
    name_key,
    split_path,
)
from annotator.domain.colors import normalise_color
from annotator.domain.errors import BadFileError, UserError
from annotator.io.csvfiles import read_csv, read_csv_text, write_csv

FORMAT = "annotator-codebook"
#: How a saved search codes its hits (as ``services/autocode.Unit`` names them).
SEARCH_UNITS = ("hit", "sentence", "paragraph", "article")
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


@dataclass(frozen=True)
class SearchSpec:
    """A saved search as a codebook file carries it: its code (a path, or None), its unit,
    its scope (conditions as the command line writes them, code paths, coder names) and the
    line it starts on."""

    name: str
    query: str
    regex: bool = False
    match_case: bool = False
    match_diacritics: bool = False
    code: str | None = None
    unit: str = "hit"
    where: tuple[str, ...] = ()
    within: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        node: dict[str, Any] = {"name": self.name, "query": self.query}
        for key in ("regex", "match_case", "match_diacritics"):
            if getattr(self, key):
                node[key] = True
        node["code"] = self.code
        node["unit"] = self.unit
        for key in ("where", "within", "coders"):
            if getattr(self, key):
                node[key] = list(getattr(self, key))
        return node


def write_codebook(
    handle: IO[str],
    suffix: str,
    dimensions: list[CodeSpec],
    name: str,
    searches: list[SearchSpec] | None = None,
) -> None:
    """Write a codebook as .json (with the saved searches, when there are) or .csv."""
    if suffix == ".json":
        document: dict[str, Any] = {
            "format": FORMAT,
            "version": 1,
            "name": name,
            "dimensions": [_to_json(d, dimension=True) for d in dimensions],
        }
        if searches:
            document["searches"] = [spec.to_json() for spec in searches]
        json.dump(document, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    elif suffix == ".csv":
        write_csv(handle, CSV_COLUMNS, _csv_rows(dimensions))
    else:
        raise UserError(f"codebooks are written as .json or .csv, not '{suffix}'")


def read_codebook_searches(path: Path) -> list[SearchSpec]:
    """The saved searches a .json codebook carries (its optional ``searches`` list: none in a
    file written before searches, or in a .csv). Each is checked for its shape here; its code
    and query are checked against the project by whoever applies them."""
    if path.suffix.lower() != ".json":
        return []
    text = read_csv_text(path, max_bytes=MAX_CODEBOOK_BYTES)
    try:
        document = _loads_with_lines(path, text)
    except json.JSONDecodeError as error:
        raise BadFileError(path, f"not valid JSON ({error.msg})", line=error.lineno) from None
    if not isinstance(document, dict) or "searches" not in document:
        return []
    items = document["searches"]
    if not isinstance(items, list):
        raise BadFileError(path, '"searches" must be a list', line=getattr(document, "line", 1))
    specs = [_search_from_json(path, item) for item in items]
    seen: dict[str, str] = {}
    for spec in specs:
        key = name_key(spec.name)
        if key in seen:
            raise BadFileError(path, f"saved search '{spec.name}' appears twice", line=spec.line)
        seen[key] = spec.name
    return specs


def _search_from_json(path: Path, item: Any) -> SearchSpec:
    line = getattr(item, "line", None)
    if not isinstance(item, dict):
        raise BadFileError(path, "each saved search must be an object {…}", line=line)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadFileError(path, 'a saved search without a "name"', line=line)
    query = item.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadFileError(path, f"saved search '{name}' has no \"query\"", line=line)
    flags = {}
    for key in ("regex", "match_case", "match_diacritics"):
        value = item.get(key, False)
        if not isinstance(value, bool):
            raise BadFileError(
                path, f"\"{key}\" of saved search '{name}' must be true or false", line=line
            )
        flags[key] = value
    code = item.get("code")
    if code is not None and (not isinstance(code, str) or not code.strip()):
        raise BadFileError(
            path, f"\"code\" of saved search '{name}' must be a code path", line=line
        )
    unit = item.get("unit", "hit")
    if unit not in SEARCH_UNITS:
        raise BadFileError(
            path,
            f"\"unit\" of saved search '{name}' must be one of {', '.join(SEARCH_UNITS)}",
            line=line,
        )
    lists = {}
    for key in ("where", "within", "coders"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadFileError(
                path, f"\"{key}\" of saved search '{name}' must be a list of text", line=line
            )
        lists[key] = tuple(value)
    return SearchSpec(
        name=name,
        query=query,
        regex=flags["regex"],
        match_case=flags["match_case"],
        match_diacritics=flags["match_diacritics"],
        code=code,
        unit=unit,
        where=lists["where"],
        within=lists["within"],
        coders=lists["coders"],
        line=line,
    )


# -- JSON ----------------------------------------------------------------------------------


class _LinedDict(dict[str, Any]):
    """A JSON object that remembers the line it started on."""

    line: int = 0


# A JSON string (skipped whole: brackets inside it are text) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]', re.DOTALL)
# A node at level n lies inside 2n + 1 brackets ({ "dimensions": [ { "codes": [ { …), and its
# own empty "codes" list one more.
_MAX_BRACKETS = 2 * MAX_DEPTH + 2


def _object_lines(path: Path, text: str) -> list[int]:
    """The line each JSON object starts on, in the order the objects end (the order the
    parser finishes them); a file nested deeper than a codebook may be is refused here,
    before the parser goes down that far."""
    lines: list[int] = []
    opened: list[int] = []
    line, position = 1, 0
    for token in _TOKENS.finditer(text):
        start = token.start()
        line += text.count("\n", position, start)
        position = start
        bracket = token.group()
        if bracket in "{[":
            opened.append(line if bracket == "{" else 0)
            if len(opened) > _MAX_BRACKETS:
                raise BadFileError(
                    path, f"nests codes more than {MAX_DEPTH} levels deep (the limit)", line=line
                )
        elif bracket in "}]":
            if not opened:
                break  # not JSON: the parser says where
            started = opened.pop()
            if bracket == "}":
                lines.append(started)
    return lines


def _loads_with_lines(path: Path, text: str) -> Any:
    """``json.loads`` (the C parser) whose objects carry the line they start on."""
    lines = iter(_object_lines(path, text))

    def lined(pairs: list[tuple[str, Any]]) -> _LinedDict:
        node = _LinedDict(pairs)
        node.line = next(lines, 0)
        return node

    return json.loads(text, object_pairs_hook=lined)


def _read_json(path: Path) -> list[CodeSpec]:
    text = read_csv_text(path, max_bytes=MAX_CODEBOOK_BYTES)
    try:
        document = _loads_with_lines(path, text)
    except json.JSONDecodeError as error:
        raise BadFileError(path, f"not valid JSON ({error.msg})", line=error.lineno) from None
    except RecursionError:  # only when called from deep already: the brackets were counted
        raise BadFileError(path, "nested too deeply to be a codebook") from None
    if not isinstance(document, dict) or not isinstance(document.get("dimensions"), list):
        raise BadFileError(path, 'not an annotator codebook: no "dimensions" list', line=1)
    if document.get("format", FORMAT) != FORMAT:
        raise BadFileError(
            path, f"format is '{document.get('format')}', expected '{FORMAT}'", line=1
        )
    dimensions: list[CodeSpec] = []
    # Depth first, parents before children, without recursion.
    stack: list[tuple[Any, list[CodeSpec]]] = [
        (item, dimensions) for item in reversed(document["dimensions"])
    ]
    while stack:
        item, siblings = stack.pop()
        spec, children = _from_json(path, item)
        siblings.append(spec)
        stack.extend((child, spec.children) for child in reversed(children))
    return dimensions


def _from_json(path: Path, item: Any) -> tuple[CodeSpec, list[Any]]:
    """One node (without its children) and the JSON of its children."""
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
    return spec, children


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
    nodes: dict[tuple[str, ...], CodeSpec] = {}
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
        problem = depth_problem(len(parts), row["path"].strip())
        if problem is not None:
            raise BadFileError(path, problem, line=line)
        key = tuple(name_key(part) for part in parts)
        if key in nodes:
            raise BadFileError(path, f"'{join_path(parts)}' appears twice", line=line)
        if len(parts) == 1:
            dimensions.append(spec)
        else:
            parent = nodes.get(key[:-1])
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
    """Names unique among siblings (without regard to case), shortcuts unique across the
    codebook, GUIDs unique, no node deeper than a codebook may be."""
    shortcuts: dict[str, str] = {}
    guids: set[str] = set()
    siblings: set[tuple[int, str]] = set()  # (the parent's id(), the name's key)
    for dimension in dimensions:
        if (0, name_key(dimension.name)) in siblings:
            raise BadFileError(
                path, f"'{escape_name(dimension.name)}' appears twice", line=dimension.line
            )
        siblings.add((0, name_key(dimension.name)))
    for dimension in dimensions:
        for parts, spec in dimension.walk():
            where = join_path(parts)
            problem = depth_problem(len(parts), where)
            if problem is not None:
                raise BadFileError(path, problem, line=spec.line)
            for child in spec.children:  # a node's children are checked as it is visited
                key = (id(spec), name_key(child.name))
                if key in siblings:
                    raise BadFileError(
                        path, f"'{join_path((*parts, child.name))}' appears twice", line=child.line
                    )
                siblings.add(key)
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
