"""The codebook tree: paths, dimensions, and the rules names and shortcuts follow.

A codebook is a tree. Top-level nodes are *dimensions* (code groups; a dimension may be
*exclusive*: its codes are mutually exclusive on a passage). Codes hang below them, possibly
nested. A node is named by its path, the names from the dimension down joined by ``" > "``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from annotator.domain.errors import NotFoundError, UserError
from annotator.domain.model import Code

PATH_SEPARATOR = " > "


def split_path(path: str) -> list[str]:
    """``"Motive > Political"`` → ``["Motive", "Political"]``; refuses empty parts."""
    parts = [part.strip() for part in path.split(PATH_SEPARATOR.strip())]
    if not path.strip() or any(not part for part in parts):
        raise UserError(f"code path {path!r} has an empty part")
    return parts


def join_path(parts: Iterable[str]) -> str:
    return PATH_SEPARATOR.join(parts)


def check_name(name: str) -> str:
    """A code, dimension or coder name: non-empty, one line, no path separator."""
    name = name.strip()
    if not name:
        raise UserError("a name cannot be empty")
    if ">" in name:
        raise UserError(f"name {name!r} contains '>', which separates the parts of a code path")
    if "\n" in name or "\r" in name or "\t" in name:
        raise UserError(f"name {name!r} must be on one line")
    return name


def check_shortcut(shortcut: str | None) -> str | None:
    """A shortcut is one printable, non-space character, stored in lower case; or none."""
    if shortcut is None or shortcut.strip() == "":
        return None
    shortcut = shortcut.strip()
    if len(shortcut) != 1 or not shortcut.isprintable():
        raise UserError(f"shortcut {shortcut!r} must be a single key, such as 1 or q")
    return shortcut.lower()


@dataclass
class CodeSpec:
    """A codebook node as read from or written to a codebook file (no database ids)."""

    name: str
    color: str | None = None
    shortcut: str | None = None
    description: str = ""
    exclusive: bool = False
    guid: str | None = None
    children: list[CodeSpec] = field(default_factory=list)
    line: int | None = None  # where the node was read from, for error messages

    def walk(self, parents: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], CodeSpec]]:
        """Yield ``(path parts, node)`` for this node and its descendants, parents first."""
        path = (*parents, self.name)
        yield path, self
        for child in self.children:
            yield from child.walk(path)


class Codebook:
    """A read-only view of the codebook tree built from its nodes."""

    def __init__(self, codes: Iterable[Code]) -> None:
        self._codes = {code.id: code for code in codes}
        self._children: dict[int | None, list[Code]] = {}
        for code in sorted(self._codes.values(), key=lambda c: (c.position, c.id)):
            self._children.setdefault(code.parent_id, []).append(code)
        self._paths: dict[int, str] = {}
        self._by_path: dict[str, Code] = {}
        for code in self.walk():
            self._by_path[self.path(code.id).casefold()] = code

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._codes

    def get(self, code_id: int) -> Code:
        try:
            return self._codes[code_id]
        except KeyError:
            raise NotFoundError(f"there is no code with id {code_id}") from None

    def dimensions(self) -> list[Code]:
        return list(self._children.get(None, []))

    def children(self, code_id: int | None) -> list[Code]:
        return list(self._children.get(code_id, []))

    def walk(self, parent_id: int | None = None) -> Iterator[Code]:
        """Every node below ``parent_id`` depth-first in codebook order, parents first."""
        for code in self._children.get(parent_id, []):
            yield code
            yield from self.walk(code.id)

    def codes(self) -> list[Code]:
        """The codable nodes (everything below the dimensions), in codebook order."""
        return [code for code in self.walk() if not code.is_dimension]

    def path(self, code_id: int) -> str:
        if code_id not in self._paths:
            code = self.get(code_id)
            parts = [code.name]
            while code.parent_id is not None:
                code = self.get(code.parent_id)
                parts.append(code.name)
            self._paths[code_id] = join_path(reversed(parts))
        return self._paths[code_id]

    def dimension_of(self, code_id: int) -> Code:
        code = self.get(code_id)
        while code.parent_id is not None:
            code = self.get(code.parent_id)
        return code

    def find(self, path: str) -> Code | None:
        """The node at ``path`` (names compared without regard to case), or ``None``."""
        return self._by_path.get(join_path(split_path(path)).casefold())

    def by_shortcut(self, key: str) -> Code | None:
        key = key.lower()
        return next((c for c in self._codes.values() if c.shortcut == key), None)
