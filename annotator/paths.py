"""Where files live: the user's data folder, the default project, bundled resources.

The data folder is platformdirs' user data directory for "annotator" (for example
``~/.local/share/annotator`` on Linux, ``~/Library/Application Support/annotator`` on macOS,
``%LOCALAPPDATA%\\annotator`` on Windows). ``ANNOTATOR_HOME`` or the ``--data-dir`` option
replaces it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

HOME_VARIABLE = "ANNOTATOR_HOME"
DEFAULT_PROJECT_NAME = "default.annotator"

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The folder for the default project and settings (not created here)."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("annotator", appauthor=False))


def exports_dir(project: Path | None) -> Path:
    """Where exports go by default: beside the project, unless the project lives in the
    data folder (the default project), which people do not browse: then their documents."""
    if project is not None and project.resolve().parent != data_dir().resolve():
        return project.parent
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def default_project_path() -> Path:
    return data_dir() / DEFAULT_PROJECT_NAME


def _frozen_root() -> Path | None:
    """The folder of a standalone app's files (PyInstaller's ``sys._MEIPASS``: the
    ``_internal`` folder beside the executable), or None when not running frozen."""
    if not getattr(sys, "frozen", False):
        return None
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if isinstance(root, str) else None


def _bundled(name: str) -> Path:
    """A top-level folder of the repository (editable install), its copy inside the wheel, or
    inside a standalone app (packaging/annotator.spec puts it at the top of the app's files)."""
    frozen = _frozen_root()
    if frozen is not None and (frozen / name).is_dir():
        return frozen / name
    inside_wheel = _PACKAGE / "_bundled" / name
    return inside_wheel if inside_wheel.is_dir() else _PACKAGE.parent / name


def resources_dir() -> Path:
    return _bundled("resources")


def corpus_dir() -> Path:
    return _bundled("corpus")


def default_codebook_path() -> Path:
    return resources_dir() / "codebook.json"


def icon_paths() -> list[Path]:
    """The application icon's PNGs, smallest first (none if the resources lack them)."""
    sized: dict[int, Path] = {}
    for path in (resources_dir() / "icons").glob("annotator-*.png"):
        size = path.stem.removeprefix("annotator-")
        if size.isdigit():
            sized[int(size)] = path
    return [sized[size] for size in sorted(sized)]
