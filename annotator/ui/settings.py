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
        if kind is bool:
            return _as_bool(value, self.default)  # type: ignore[return-value]
        try:
            return kind(value) if not isinstance(value, kind) else value  # type: ignore[call-arg]
        except (TypeError, ValueError):
            return self.default

    def set(self, store: QSettings, value: T) -> None:
        store.setValue(self.key, value)


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _as_bool(value: object, default: bool) -> bool:
    """A yes/no setting as INI files give it back (a string); anything that is not plainly
    yes or no is the default, so that a typo never silently turns a feature off."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return default


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
