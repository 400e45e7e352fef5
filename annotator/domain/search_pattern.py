"""How large a regular expression grows once compiled, read from its text before compiling.

The ``regex`` module writes a counted repeat out as copies of what it repeats: ``a{1000}`` is a
thousand nodes, ``(a{1000}){1000}`` a million (a few hundred megabytes and seconds), and
``((a{1000}){1000}){1000}`` a billion — it fills the machine's memory before a match starts,
so no clock on matching can stop it. :func:`expanded_size` counts the copies (each literal,
escape or class is one; a group is the sum of its parts; a counted repeat multiplies what it
repeats by its largest count) so that a pattern too large is refused before compiling.

The reading is deliberately rough but never counts less than the engine builds: what it
cannot tell apart (a ``{`` in an unusual place, a comment) counts as much or more.
"""

from __future__ import annotations

import regex

#: What a compiled pattern may hold (copies of literals, classes…): 100,000 compile in about
#: half a second and 40 MB; ten times as many take seconds and hundreds of megabytes.
MAX_EXPANDED = 100_000

_QUANTIFIER = regex.compile(r"\{\s*(\d*)\s*(?:(,)\s*(\d*)\s*)?\}")
#: Escapes that take a braced argument (``\p{Han}``, ``\x{263a}``, ``\N{DASH}``, ``\g{1}``).
_BRACED_ESCAPES = "pPNxuUg"


class _Frame:
    """A group being read: the size of its parts before the last, and of the last."""

    __slots__ = ("last", "total")

    def __init__(self) -> None:
        self.total = 0
        self.last = 0

    def add(self, size: int) -> None:
        self.total += self.last
        self.last = size

    def size(self) -> int:
        return max(self.total + self.last, 1)


def expanded_size(pattern: str) -> tuple[int, int | None]:
    """How many copies of literals and classes ``pattern`` compiles to (at least), and the
    position (from 1) of the counted repeat that makes it largest (None: none does).

    Where the text reads two ways — ``#`` a comment or a literal (verbose mode may be on or
    off, inline), ``[`` inside a class a nested set (version 1) or a member — it is read
    every way and the largest count is kept, so that no reading hides a repeat."""
    readings = [
        _size(pattern, verbose, nested) for verbose in (False, True) for nested in (False, True)
    ]
    return max(readings, key=lambda reading: reading[0])


def _size(pattern: str, verbose: bool, nested: bool) -> tuple[int, int | None]:
    stack = [_Frame()]
    biggest: tuple[int, int | None] = (0, None)
    position = 0
    length = len(pattern)
    while position < length:
        char = pattern[position]
        frame = stack[-1]
        if char == "\\":
            position = _after_escape(pattern, position)
            frame.add(1)
            continue
        if char == "[":
            position = _after_class(pattern, position, nested)
            frame.add(1)
            continue
        if char == "(":
            if pattern.startswith("(?#", position):  # a comment: up to the first ")"
                closing = pattern.find(")", position)
                position = length if closing < 0 else closing + 1
                continue
            stack.append(_Frame())
        elif char == ")":
            if len(stack) > 1:  # an unbalanced ")" is the compiler's to refuse
                group = stack.pop().size()
                stack[-1].add(group)
        elif char == "|":
            frame.add(0)
        elif char == "{":
            found = _QUANTIFIER.match(pattern, position)
            if found is not None and (found.group(1) or found.group(3)):
                counts = [int(g) for g in (found.group(1), found.group(3)) if g]
                frame.last = max(frame.last, 1) * max(counts)
                if frame.last > biggest[0]:
                    biggest = (frame.last, position + 1)
                position = found.end()
                continue
            frame.add(1)
        elif verbose and char == "#":
            newline = pattern.find("\n", position)
            position = length if newline < 0 else newline + 1
            continue
        elif verbose and char.isspace():
            pass
        elif char not in "*+?^$":
            frame.add(1)
        position += 1
    while len(stack) > 1:  # an unclosed "(" is the compiler's to refuse; count it closed
        group = stack.pop().size()
        stack[-1].add(group)
    return stack[0].size(), biggest[1]


def _after_escape(pattern: str, position: int) -> int:
    """Where the escape starting at ``position`` ends."""
    following = position + 2
    if (
        following - 1 < len(pattern)
        and pattern[following - 1] in _BRACED_ESCAPES
        and pattern.startswith("{", following)
    ):
        closing = pattern.find("}", following)
        return len(pattern) if closing < 0 else closing + 1
    return following


def _after_class(pattern: str, position: int, nested: bool) -> int:
    """Where the character class opening at ``position`` ends (a ``]`` first is a member;
    ``nested``: sets nested inside it, as version 1 writes them, end with it)."""
    position += 1
    if pattern.startswith("^", position):
        position += 1
    if pattern.startswith("]", position):
        position += 1
    depth = 1
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position = _after_escape(pattern, position)
            continue
        if char == "[" and nested:
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return position
