"""Errors a researcher can act on.

Anything that is a :class:`UserError` is shown as one line (the CLI prints it, the GUI shows a
dialog). Any other exception is a bug and is reported with its traceback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

# Line breaks and the control characters a terminal acts on (ANSI escapes, backspace…).
_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def one_line(text: str) -> str:
    """``text`` as one line that shows as it is: a line break as ⏎, another control
    character as �. Messages quote names and cells from files, which may hold either."""
    return _CONTROLS.sub("\ufffd", _BREAKS.sub("\u23ce", text))


class UserError(Exception):
    """An error with a message a researcher understands, shown without a traceback: one
    line, whatever the file it quotes holds."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class BadFileError(UserError):
    """A file from outside (article, CSV, codebook, project) that cannot be used as it is."""

    def __init__(self, path: str | Path, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = one_line(problem)
        self.line = line
        # A path without a name ('.', '/') is shown as written, not as an empty name.
        name = self.path.name or str(path) or "''"
        where = f"{name}, line {line}" if line is not None else name
        super().__init__(f"{where}: {self.problem}")


class ProjectError(UserError):
    """The project file cannot be opened or used (not a project, newer schema, locked)."""


class OutdatedProjectError(ProjectError):
    """The project's schema is older than this version's and it was opened read-only."""


class NotWritableError(ProjectError):
    """The project can be read where it is, but not written: its folder or file is read-only,
    the file has several names (hard links), or another annotator has it open for writing."""


class ProjectLockedError(NotWritableError):
    """Another running annotator has the project open for writing."""


class DamagedProjectError(ProjectError):
    """The project file is damaged, or holds what annotator did not make (a trigger, a view,
    a changed table); it was refused before anything was written.

    ``problems`` name each object or finding; ``repairable`` is true when ``annotator repair``
    can mend all of them (the schema), false when the file's pages are damaged (then only a
    snapshot brings the project back)."""

    SHOWN = 3

    def __init__(self, path: str | Path, problems: Sequence[str], *, repairable: bool) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        self.repairable = repairable
        shown = "; ".join(self.problems[: self.SHOWN])
        if len(self.problems) > self.SHOWN:
            shown += f" (and {len(self.problems) - self.SHOWN} more)"
        what = "was changed outside annotator" if repairable else "is damaged"
        super().__init__(f"{self.path.name}: the project {what}: {shown}")

    def advice(self) -> str:
        """What to do, as commands (the window offers the same as buttons)."""
        name = self.path.name
        restore = (
            f"'annotator restore {name} latest' puts the newest snapshot back "
            f"('annotator backups {name}' lists them)"
        )
        if self.repairable:
            return (
                f"'annotator repair {name}' removes what annotator did not make and recreates "
                f"its own, after a snapshot; or {restore}"
            )
        return restore


class InvalidSpanError(UserError):
    """A coding span outside the text or of zero length."""


class NotFoundError(UserError):
    """A named document, code or coder that the project does not have."""


class ConflictError(UserError):
    """A change that would break a rule of the project (a duplicate name, a used shortcut)."""
