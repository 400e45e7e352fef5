"""Window settings, declared once with their types and defaults.

They live in ``settings.ini`` in the data folder (see :mod:`annotator.paths`), so
``ANNOTATOR_HOME`` moves them along with the default project.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from annotator import paths

T = TypeVar("T", bool, str, int, QByteArray)


class Setting(Generic[T]):
    """One typed setting with a default."""

    def __init__(self, key: str, default: T) -> None:
        self.key = key
        self.default = default

    def get(self, store: QSettings) -> T:
        value = store.value(self.key, self.default)
        kind = type(self.default)
        if kind is bool and isinstance(value, str):  # INI files give strings back
            return value.lower() == "true"  # type: ignore[return-value]
        try:
            return kind(value) if not isinstance(value, kind) else value  # type: ignore[call-arg]
        except (TypeError, ValueError):
            return self.default

    def set(self, store: QSettings, value: T) -> None:
        store.setValue(self.key, value)


CODER = Setting("coder/name", "")
SNAP_TO_WORDS = Setting("reading/snap_to_words", True)
LAST_PROJECT = Setting("project/last", "")
GEOMETRY = Setting("window/geometry", QByteArray())
STATE = Setting("window/state", QByteArray())
MAIN_SPLITTER = Setting("window/main_splitter", QByteArray())
SIDE_SPLITTER = Setting("window/side_splitter", QByteArray())
# The article list's hidden columns, by title (a JSON list): the same for every project.
HIDDEN_COLUMNS = Setting("articles/hidden_columns", "")


def open_settings() -> QSettings:
    return QSettings(str(paths.data_dir() / "settings.ini"), QSettings.Format.IniFormat)
