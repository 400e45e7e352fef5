"""Use cases shared by the command line and the window.

Each function takes an open :class:`~annotator.storage.Project`, does its work in one
transaction, and returns a report of what it did (what changed, what was refused and why).
"""

from annotator.services.changes import Changes
from annotator.services.codebook import CodebookImportReport, export_codebook, import_codebook
from annotator.services.codings import CodingsImportReport, import_codings, set_status
from annotator.services.imports import ImportReport, import_files
from annotator.services.projects import create_project, load_demo

__all__ = [
    "Changes",
    "CodebookImportReport",
    "CodingsImportReport",
    "ImportReport",
    "create_project",
    "export_codebook",
    "import_codebook",
    "import_codings",
    "import_files",
    "load_demo",
    "set_status",
]
