"""The standalone app's entry point: the ``annotator`` command, as pip installs it.

Everything goes to ``annotator.cli.entry:main``. One addition: a file manager opens a project
with ``annotator PATH`` (the desktop entry's ``Exec=annotator %f``; on macOS PyInstaller turns
the Finder's open-document event into the same argument), so a lone argument ending in
``.annotator`` that names no command opens the window on it, as ``annotator gui PATH`` does.
"""

from __future__ import annotations

import sys

PROJECT_SUFFIX = ".annotator"


def arguments(given: list[str], commands: set[str]) -> list[str]:
    """The command line the CLI gets: a lone project path becomes ``gui PATH``."""
    if len(given) == 1:
        (only,) = given
        if only.lower().endswith(PROJECT_SUFFIX) and only not in commands:
            return ["gui", only]
    return given


def run() -> None:
    from annotator.cli.entry import main, starting

    with starting():
        from annotator.cli.main import cli
    sys.argv[1:] = arguments(sys.argv[1:], set(cli.commands))
    main()


if __name__ == "__main__":
    run()
