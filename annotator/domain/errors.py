"""Errors a researcher can act on.

Anything that is a :class:`UserError` is shown as one line (the CLI prints it, the GUI shows a
dialog). Any other exception is a bug and is reported with its traceback.
"""

from __future__ import annotations

import re
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
        where = f"{self.path.name}, line {line}" if line is not None else self.path.name
        super().__init__(f"{where}: {self.problem}")


class ProjectError(UserError):
    """The project file cannot be opened or used (not a project, newer schema, locked)."""


class OutdatedProjectError(ProjectError):
    """The project's schema is older than this version's and it was opened read-only."""


class ProjectLockedError(ProjectError):
    """Another running annotator has the project open for writing."""


class InvalidSpanError(UserError):
    """A coding span outside the text or of zero length."""


class NotFoundError(UserError):
    """A named document, code or coder that the project does not have."""


class ConflictError(UserError):
    """A change that would break a rule of the project (a duplicate name, a used shortcut)."""
