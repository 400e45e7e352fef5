"""The ``annotator`` console script: Ctrl+C heard from the first moment.

Loading the commands takes most of a second (click, the services, SQLite's helpers). The
handlers of :mod:`annotator.interrupts` go in before that, so a Ctrl+C, SIGTERM or SIGHUP while
the command is still loading ends it with one line and the signal's exit status (130, 143, 129)
— nothing has been opened yet, so nothing is changed — instead of Python's traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from annotator import interrupts


@contextlib.contextmanager
def starting() -> Iterator[None]:
    """Load the commands inside this block: a signal meanwhile ends the process as above."""
    interrupts.install()
    try:
        yield
    except interrupts.Interrupted as stopped:
        print(
            f"annotator: stopped by {stopped.what} while starting; nothing was changed",
            file=sys.stderr,
        )
        raise SystemExit(stopped.exit_status) from None


def main() -> None:
    """Entry point of the ``annotator`` console script (and of ``python -m annotator``)."""
    with starting():
        from annotator.cli.main import main as run_command
    run_command()
