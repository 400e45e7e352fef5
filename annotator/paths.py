"""Where files live: the user's data folder, the default project, bundled resources.

The data folder is platformdirs' user data directory for "annotator" (for example
``~/.local/share/annotator`` on Linux, ``~/Library/Application Support/annotator`` on macOS,
``%LOCALAPPDATA%\\annotator`` on Windows). ``ANNOTATOR_HOME`` or the ``--data-dir`` option
replaces it.
"""

from __future__ import annotations

import os
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


def _bundled(name: str) -> Path:
    """A top-level folder of the repository (editable install) or its copy inside the wheel."""
    inside_wheel = _PACKAGE / "_bundled" / name
    return inside_wheel if inside_wheel.is_dir() else _PACKAGE.parent / name


def resources_dir() -> Path:
    return _bundled("resources")


def corpus_dir() -> Path:
    return _bundled("corpus")


def default_codebook_path() -> Path:
    return resources_dir() / "codebook.json"
