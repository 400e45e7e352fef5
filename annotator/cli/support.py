"""What the commands share: one-line errors, opening a project, common arguments."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from annotator import interrupts
from annotator.domain.controls import escape_controls
from annotator.domain.errors import (
    DamagedProjectError,
    NotWritableError,
    OutdatedProjectError,
    ProjectError,
    UserError,
)
from annotator.services import backups
from annotator.services.codings import MAX_PROBLEMS_SHOWN, CodingsFileError
from annotator.storage import Project, verify
from annotator.storage.project import is_damage

EXIT_REFUSED = 1
#: Where :func:`open_project` notes the project a command works on, for the error messages.
PROJECT_KEY = "annotator.project"
_STOPPED_KEY = "annotator.stopped"


def damaged_message(error: DamagedProjectError) -> str:
    """The one line a damaged project gets: what is wrong, then what to do."""
    return f"{error}. To mend it: {error.advice()}"


class Group(click.Group):
    """Turns known errors into one line on stderr; bugs too, unless ANNOTATOR_DEBUG is set.
    A command stopped by Ctrl+C or SIGTERM (see :mod:`annotator.interrupts`) says so in one
    line and exits with 128 + the signal's number (130 for Ctrl+C), its project closed."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = self._invoke(ctx)
        except KeyboardInterrupt as interrupt:
            raise _stopped(ctx, interrupt) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            if interrupts.received() is not None:  # swallowed in an SQLite callback
                raise _stopped(ctx, None) from None
            raise
        if interrupts.received() is not None:
            raise _stopped(ctx, None)
        return result

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CodingsFileError as error:
            for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
                click.echo(f"  {problem}", err=True)
            raise click.ClickException(str(error)) from None
        except DamagedProjectError as error:
            raise click.ClickException(damaged_message(error)) from None
        except UserError as error:
            raise click.ClickException(str(error)) from None
        except sqlite3.DatabaseError as error:
            project = ctx.meta.get(PROJECT_KEY)
            if project is not None and is_damage(error):
                damaged = DamagedProjectError(project, [str(error)], repairable=False)
                raise click.ClickException(damaged_message(damaged)) from None
            if not isinstance(error, sqlite3.OperationalError):
                raise self._bug(error) from None
            raise click.ClickException(f"the project could not be used ({error})") from None
        except BrokenPipeError:
            # The reader of our output went away (annotator documents P | head): stop quietly,
            # as other command-line tools do; Python would complain again when it flushes.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except OSError as error:
            where = f"{Path(error.filename).name}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or error}") from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            raise self._bug(error) from None

    @staticmethod
    def _bug(error: Exception) -> click.ClickException:
        if os.environ.get("ANNOTATOR_DEBUG"):
            raise error
        return click.ClickException(
            f"internal error ({type(error).__name__}: {error}); this is a bug: please report "
            "it, with the output of the same command run with ANNOTATOR_DEBUG=1"
        )


def _stopped(ctx: click.Context, interrupt: KeyboardInterrupt | None) -> click.exceptions.Exit:
    """The one line an interrupted command ends with, and its exit status."""
    if isinstance(interrupt, interrupts.Interrupted):
        signum: int | None = interrupt.signum
    else:
        signum = interrupts.received()
    signum = signum if signum is not None else signal.SIGINT
    if not ctx.meta.get(_STOPPED_KEY):  # said once, however many groups it passes
        ctx.meta[_STOPPED_KEY] = True
        project = ctx.meta.get(PROJECT_KEY)
        closed = f"; {Path(project).name} is closed" if project else ""
        with contextlib.suppress(OSError):  # after SIGHUP, the terminal may be gone
            click.echo(f"Error: interrupted by {interrupts.describe(signum)}{closed}", err=True)
    return click.exceptions.Exit(128 + signum)


def shown(value: object) -> str:
    """A stored value as plain output prints it: control characters (a terminal escape in an
    imported heading, a tab) written visibly as ``\\x1b``, never sent to the terminal."""
    return escape_controls(str(value))


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@contextmanager
def open_project(
    project_path: str,
    *,
    write: bool,
    snapshot_on_open: bool = True,
    accept_problems: bool = False,
) -> Iterator[Project]:
    """The project open for reading, or for writing (then a snapshot is taken first when the
    newest is older than the backup settings' hours; a failing snapshot is a warning).

    Opening checks the schema and the small tables (see :mod:`annotator.storage.verify`); a
    command that writes also checks every page first, so it never writes into a damaged file.
    A project that can only be read where it lies (a read-only folder) is read with a note.
    ``accept_problems`` (reading only) opens a project with problems, listed in
    ``project.problems``, instead of refusing it (for ``annotator check``)."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta[PROJECT_KEY] = project_path
    try:
        if write:
            _refuse_damaged_pages(project_path)
            project = backups.open_for_writing(project_path)
        else:
            project = Project.open(project_path, read_only=True, accept_problems=accept_problems)
    except OutdatedProjectError:
        # A reading command on a project from an earlier version: bring the file up to date
        # first (as opening it in the window would), then read as asked.
        try:
            backups.open_for_writing(project_path).close()
        except NotWritableError as error:
            reason = str(error).split(": ", 1)[-1]
            raise ProjectError(
                f"{Path(project_path).name}: made by an older version of annotator, and it "
                f"cannot be brought up to date here: {reason}"
            ) from None
        project = Project.open(project_path, read_only=True, accept_problems=accept_problems)
    try:
        if not write and project.read_only_reason:
            click.echo(
                f"note: {project.name} is read-only here: {project.read_only_reason}", err=True
            )
        if write and snapshot_on_open:
            _snapshot_if_due(project)
        yield project
    finally:
        project.close()


def _refuse_damaged_pages(project_path: str) -> None:
    """Every page checked before a command writes (the window checks in the background)."""
    damage = verify.damage_of_file(project_path)
    if damage:
        raise DamagedProjectError(project_path, [p.text for p in damage], repairable=False)


def _snapshot_if_due(project: Project) -> None:
    try:
        backups.snapshot_if_due(project)
    except UserError as error:
        click.echo(f"warning: no snapshot taken ({error})", err=True)


project_argument = click.argument("project", type=click.Path(dir_okay=False))
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


#: How every comma-separated list of names (--coders, --documents) is written, for --help.
NAMES_HELP = "a comma inside a name is written \\,"


def names(value: str | None) -> list[str]:
    """A comma-separated option (``--coders``, ``--documents``) as a list of names. As in
    ``--codes``, ``\\,`` is a comma inside a name and ``\\\\`` a backslash (so ``A\\\\,B`` is
    "A\\" and "B"); any other backslash stands for itself: ``--coders 'Smith\\, J.,Ana'``
    names "Smith, J." and "Ana"."""
    found: list[str] = []
    current: list[str] = []
    text = value or ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1 : index + 2] in (",", "\\"):
            current.append(text[index + 1])
            index += 2
            continue
        if char == ",":
            found.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    found.append("".join(current).strip())
    return [name for name in found if name]


@contextmanager
def progress_bar(label: str = "reading") -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on a terminal for batches worth waiting for (20 steps or more); nothing
    otherwise. The callable takes (done, total, name)."""
    if not sys.stderr.isatty():
        yield None
        return
    bars: list[Any] = []

    def progress(done: int, total: int, name: str) -> None:
        if not bars and total >= 20:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bars.append(bar.__enter__())
        if bars:
            bars[0].update(max(done - bars[0].pos, 0))

    try:
        yield progress
    finally:
        if bars:
            bars[0].__exit__(None, None, None)
