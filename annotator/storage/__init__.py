"""The only package that speaks SQL: the schema, its migrations and the Project facade."""

import sys


def _import_sqlite_utils() -> None:
    """Import sqlite_utils without letting it import pandas.

    sqlite_utils imports pandas whenever it is installed (the ``stats`` extra installs it),
    only to map pandas' timestamps to a column type when it makes a table from Python
    values; annotator writes its tables in SQL and never asks that. The import took 0.2 to
    0.4 s of every command's start. While sqlite_utils loads, ``import pandas`` fails as if
    pandas were absent (which sqlite_utils expects); it works as usual afterwards. Nothing
    else is importing then: this runs on the first import of annotator.storage."""
    if "sqlite_utils.db" in sys.modules or "pandas" in sys.modules:
        return
    modules: dict[str, object] = sys.modules  # type: ignore[assignment]
    modules["pandas"] = None  # "import pandas" raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        if modules.get("pandas", "") is None:
            del modules["pandas"]


_import_sqlite_utils()

from annotator.storage.project import Project  # noqa: E402

__all__ = ["Project"]
