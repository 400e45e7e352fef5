"""What the commands share: one-line errors, opening a project, common arguments."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from annotator.domain.errors import OutdatedProjectError, UserError
from annotator.services import backups
from annotator.services.codings import MAX_PROBLEMS_SHOWN, CodingsFileError
from annotator.storage import Project

EXIT_REFUSED = 1


class Group(click.Group):
    """Turns known errors into one line on stderr; bugs too, unless ANNOTATOR_DEBUG is set."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CodingsFileError as error:
            for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
                click.echo(f"  {problem}", err=True)
            raise click.ClickException(str(error)) from None
        except UserError as error:
            raise click.ClickException(str(error)) from None
        except sqlite3.OperationalError as error:
            raise click.ClickException(f"the project could not be used ({error})") from None
        except OSError as error:
            where = f"{Path(error.filename).name}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or error}") from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            if os.environ.get("ANNOTATOR_DEBUG"):
                raise
            raise click.ClickException(
                f"internal error ({type(error).__name__}: {error}); this is a bug: please report "
                "it, with the output of the same command run with ANNOTATOR_DEBUG=1"
            ) from None


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@contextmanager
def open_project(
    project_path: str, *, write: bool, snapshot_on_open: bool = True
) -> Iterator[Project]:
    """The project open for reading, or for writing (then a snapshot is taken first when the
    newest is older than the backup settings' hours; a failing snapshot is a warning)."""
    try:
        if write:
            project = backups.open_for_writing(project_path)
        else:
            project = Project.open(project_path, read_only=True)
    except OutdatedProjectError:
        # A reading command on a project from an earlier version: bring the file up to date
        # first (as opening it in the window would), then read as asked.
        backups.open_for_writing(project_path).close()
        project = Project.open(project_path, read_only=True)
    try:
        if write and snapshot_on_open:
            _snapshot_if_due(project)
        yield project
    finally:
        project.close()


def _snapshot_if_due(project: Project) -> None:
    try:
        backups.snapshot_if_due(project)
    except UserError as error:
        click.echo(f"warning: no snapshot taken ({error})", err=True)


project_argument = click.argument("project", type=click.Path(dir_okay=False))
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def names(value: str | None) -> list[str]:
    """A comma-separated option as a list of names."""
    return [name.strip() for name in (value or "").split(",") if name.strip()]
