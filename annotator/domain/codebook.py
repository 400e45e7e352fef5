"""The codebook tree: paths, dimensions, and the rules names and shortcuts follow.

A codebook is a tree. Top-level nodes are *dimensions* (code groups; a dimension may be
*exclusive*: its codes are mutually exclusive on a passage). Codes hang below them, possibly
nested, at most :data:`MAX_DEPTH` levels in all. A node is named by its path, the names from the
dimension down joined by ``" > "``; a ``>`` inside a name is written ``\\>`` in a path (see
:func:`join_path`). Names are unique among siblings without regard to case (:func:`name_key`).

Nothing here recurses: a codebook read from a hostile file may be as deep as it likes without
reaching Python's recursion limit (depths are refused at import, see :func:`depth_problem`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from annotator.domain.colors import PALETTE
from annotator.domain.errors import NotFoundError, UserError
from annotator.domain.model import Code

PATH_SEPARATOR = " > "
ESCAPE = "\\"
#: The deepest a codebook may be, the dimension counting as level 1: deep enough for any
#: real codebook, shallow enough for every file format to carry it (REFI XML stops at 256).
MAX_DEPTH = 100
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode's control characters (Cc)
_SURROGATE = re.compile("[\ud800-\udfff]")


# -- paths -----------------------------------------------------------------------------------


def escape_name(name: str) -> str:
    """A name as it is written in a path: ``>`` as ``\\>``, and a backslash that comes before
    ``>``, another backslash, a comma or the end of the name doubled (other backslashes stay
    single). The comma counts because a list of paths (``--codes``) escapes its commas as
    ``\\,``: a single backslash before one would read as that escape."""
    if ">" not in name and ESCAPE not in name:
        return name
    out = []
    for index, char in enumerate(name):
        if char == ">":
            out.append(ESCAPE + ">")
        elif char == ESCAPE and (index + 1 == len(name) or name[index + 1] in (ESCAPE, ">", ",")):
            out.append(ESCAPE + ESCAPE)
        else:
            out.append(char)
    return "".join(out)


def split_path(path: str) -> list[str]:
    """``"Motive > Political"`` → ``["Motive", "Political"]``; ``"Risk \\> high"`` → ``["Risk >
    high"]``. Every ``>`` not escaped separates two names; refuses empty names."""
    if ESCAPE not in path:  # the usual path: nothing escaped
        parts = [part.strip() for part in path.split(">")]
        if any(not part for part in parts):
            raise UserError(f"code path {path!r} has an empty part")
        return parts
    parts = []
    current: list[str] = []
    index, length = 0, len(path)
    while index < length:
        char = path[index]
        if char == ESCAPE and index + 1 < length and path[index + 1] in (ESCAPE, ">"):
            current.append(path[index + 1])
            index += 2
            continue
        if char == ">":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current).strip())
    if not path.strip() or any(not part for part in parts):
        raise UserError(f"code path {path!r} has an empty part")
    return parts


def join_path(parts: Iterable[str]) -> str:
    """Names joined into a path that :func:`split_path` reads back into the same names."""
    return PATH_SEPARATOR.join(escape_name(part) for part in parts)


def split_path_list(text: str) -> list[str]:
    """A comma-separated list of paths (``--codes``): ``\\,`` is a comma inside a name. The
    paths keep their own escapes (``\\>``, ``\\\\``) for :func:`split_path`."""
    paths: list[str] = []
    current: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == ESCAPE and index + 1 < length:
            following = text[index + 1]
            # \, is a comma of a name; \\ and \> stay for split_path (so \\, ends a name in \).
            current.append("," if following == "," else char + following)
            index += 2
            continue
        if char == ",":
            paths.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    paths.append("".join(current).strip())
    return [path for path in paths if path]


def name_key(name: str) -> str:
    """What two sibling names must not share: the name without regard to case (Unicode case
    folding) or to how its accents are encoded (canonical equivalence)."""
    if name.isascii():
        return name.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


# -- names, shortcuts, depth -------------------------------------------------------------------


def check_name(name: str) -> str:
    """A code, dimension or coder name: non-empty, one line, no control characters. Any other
    character is allowed (``>`` and ``/`` included: names come from other tools)."""
    name = name.strip()
    if not name:
        raise UserError("a name cannot be empty")
    if "\n" in name or "\r" in name or "\t" in name:
        raise UserError(f"name {name!r} must be on one line")
    if _CONTROL.search(name):
        raise UserError(f"name {name!r} holds a control character")
    if _SURROGATE.search(name):  # half of a UTF-16 pair: not a character (JSON can spell it)
        raise UserError(f"name {name!r} holds a lone surrogate, which is not Unicode text")
    return name


def check_shortcut(shortcut: str | None) -> str | None:
    """A shortcut is one printable, non-space character, stored in lower case; or none."""
    if shortcut is None or shortcut.strip() == "":
        return None
    shortcut = shortcut.strip()
    if len(shortcut) != 1 or not shortcut.isprintable():
        raise UserError(f"shortcut {shortcut!r} must be a single key, such as 1 or q")
    return shortcut.lower()


def shorten(path: str, limit: int = 80) -> str:
    """A path short enough for a one-line message: its end, where it is long."""
    return path if len(path) <= limit else "…" + path[-(limit - 1) :]


def depth_problem(depth: int, where: str) -> str | None:
    """Why a node ``depth`` levels down (the dimension is level 1) cannot be, or None."""
    if depth <= MAX_DEPTH:
        return None
    return (
        f"'{shorten(where)}' lies {depth} levels deep; a codebook may nest at most {MAX_DEPTH} "
        "levels (move codes up before importing)"
    )


class ColorChooser:
    """Colours for many new nodes in a row, as :func:`~annotator.domain.colors.next_color`
    chooses them one by one (the first palette colour not in use), without going through every
    colour in use for each node."""

    def __init__(self, used: Iterable[str]) -> None:
        self._used = {color.upper() for color in used}

    def take(self, color: str | None) -> str:
        """``color`` itself when given, else the next free palette colour; either is now used."""
        if color is None:
            color = next(
                (c for c in PALETTE if c not in self._used),
                PALETTE[len(self._used) % len(PALETTE)],
            )
        self._used.add(color.upper())
        return color


# -- a tree read from a file -------------------------------------------------------------------


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
        stack: list[tuple[tuple[str, ...], CodeSpec]] = [((*parents, self.name), self)]
        while stack:
            path, node = stack.pop()
            yield path, node
            stack.extend(((*path, child.name), child) for child in reversed(node.children))


def deepest(dimensions: Iterable[CodeSpec]) -> tuple[int, tuple[str, ...], CodeSpec | None]:
    """The depth of the deepest node of these trees, its path and the node."""
    found: tuple[int, tuple[str, ...], CodeSpec | None] = (0, (), None)
    for dimension in dimensions:
        for parts, node in dimension.walk():
            if len(parts) > found[0]:
                found = (len(parts), parts, node)
    return found


# -- the project's tree ------------------------------------------------------------------------


def find_cycles(parents: dict[int, int | None]) -> list[list[int]]:
    """Nodes that are each inside the next and so never reach a dimension: each cycle once, as
    node ids in the order child → parent, from the smallest id."""
    state: dict[int, int] = {}  # 1: on the chain being followed, 2: settled
    cycles: list[list[int]] = []
    for start in parents:
        chain: list[int] = []
        node: int | None = start
        while node is not None and node in parents and node not in state:
            state[node] = 1
            chain.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:  # the chain came back onto itself
            cycle = chain[chain.index(node) :]
            first = cycle.index(min(cycle))
            cycles.append(cycle[first:] + cycle[:first])
        for member in chain:
            state[member] = 2
    return cycles


class Codebook:
    """A read-only view of the codebook tree built from its nodes."""

    def __init__(self, codes: Iterable[Code]) -> None:
        self._codes = {code.id: code for code in codes}
        self._children: dict[int | None, list[Code]] = {}
        for code in sorted(self._codes.values(), key=lambda c: (c.position, c.id)):
            self._children.setdefault(code.parent_id, []).append(code)
        self._paths: dict[int, str] = {}
        self._by_key: dict[tuple[int | None, str], list[Code]] = {}
        for code in self._codes.values():
            self._by_key.setdefault((code.parent_id, name_key(code.name)), []).append(code)

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
        stack = [iter(self._children.get(parent_id, ()))]
        while stack:
            code = next(stack[-1], None)
            if code is None:
                stack.pop()
                continue
            yield code
            if code.id in self._children:
                stack.append(iter(self._children[code.id]))

    def codes(self) -> list[Code]:
        """The codable nodes (everything below the dimensions), in codebook order."""
        return [code for code in self.walk() if not code.is_dimension]

    def ancestry(self, code_id: int) -> list[Code]:
        """The node and its ancestors, the node first; a cycle is refused (it has no top)."""
        chain = [self.get(code_id)]
        while chain[-1].parent_id is not None:
            if len(chain) > len(self._codes):
                raise UserError(
                    f"the codebook is damaged: '{chain[0].name}' lies in a cycle of codes each "
                    "inside the next"
                )
            chain.append(self.get(chain[-1].parent_id))
        return chain

    def path(self, code_id: int) -> str:
        """The node's path, names escaped as :func:`join_path` writes them."""
        if code_id not in self._paths:
            self._paths[code_id] = join_path(c.name for c in reversed(self.ancestry(code_id)))
        return self._paths[code_id]

    def parts(self, code_id: int) -> list[str]:
        """The names from the dimension down to the node."""
        return [c.name for c in reversed(self.ancestry(code_id))]

    def dimension_of(self, code_id: int) -> Code:
        return self.ancestry(code_id)[-1]

    def child(self, parent_id: int | None, name: str) -> Code | None:
        """The child of ``parent_id`` named ``name``: the one of exactly that name, else the one
        named so without regard to case; two of the latter (an old project) are refused."""
        found = self._by_key.get((parent_id, name_key(name)))
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        exact = [code for code in found if code.name == name]
        if len(exact) == 1:
            return exact[0]
        names = " and ".join(f"'{code.name}'" for code in found)
        raise UserError(
            f"'{name}' could be {names}, whose names differ only in case: rename one of them "
            "(or merge them) in the codebook editor"
        )

    def find(self, path: str) -> Code | None:
        """The node at ``path`` (names compared without regard to case), or ``None``."""
        return self.find_parts(split_path(path))

    def find_parts(self, parts: Iterable[str]) -> Code | None:
        """The node at the path of these names (compared as :meth:`child` does), or ``None``."""
        node: Code | None = None
        for name in parts:
            node = self.child(None if node is None else node.id, name)
            if node is None:
                return None
        return node

    def by_shortcut(self, key: str) -> Code | None:
        key = key.lower()
        return next((c for c in self._codes.values() if c.shortcut == key), None)

    # -- what `check` and the project's opening look at ----------------------------------------

    def cycles(self) -> list[list[Code]]:
        """Codes each inside the next, which no dimension holds (each cycle once)."""
        parents = {code.id: code.parent_id for code in self._codes.values()}
        return [[self._codes[i] for i in cycle] for cycle in find_cycles(parents)]

    def depth(self) -> tuple[int, Code | None]:
        """How many levels the tree has (a dimension alone: 1), and its deepest node."""
        deepest_node: tuple[int, Code | None] = (0, None)
        level, nodes = 0, self._children.get(None, [])
        while nodes:
            level += 1
            deepest_node = (level, nodes[0])
            nodes = [child for node in nodes for child in self._children.get(node.id, [])]
        return deepest_node

    def too_deep(self) -> str | None:
        """Why no file can carry this codebook (it nests deeper than :data:`MAX_DEPTH`, which
        only a project edited with another tool or made before the limit can), or None."""
        depth, node = self.depth()
        if node is None or depth <= MAX_DEPTH:
            return None
        return (
            f"the codebook nests {depth} levels deep (down to '{self.path(node.id)}'); files "
            f"hold at most {MAX_DEPTH} levels, so move codes up first"
        )

    def case_pairs(self) -> list[list[Code]]:
        """Siblings whose names differ only in case (projects made before the rule)."""
        return [codes for codes in self._by_key.values() if len(codes) > 1]


def describe_cycle(names: list[str]) -> str:
    """``'Motive' and 'Political' are each inside the other``, for the names of a cycle."""
    quoted = [f"'{name}'" for name in names]
    if len(quoted) == 1:
        return f"{quoted[0]} is inside itself"
    if len(quoted) == 2:
        return f"{quoted[0]} and {quoted[1]} are each inside the other"
    return f"{', '.join(quoted[:-1])} and {quoted[-1]} are each inside the next"


def cycle_problem(names: list[str]) -> str:
    """What ``check`` and opening say of a cycle of codes."""
    return f"the codebook has a cycle: {describe_cycle(names)}, so no dimension holds them"
