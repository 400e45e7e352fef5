"""Making projects: empty, with a codebook, or the demo; and the first-run default project."""

from __future__ import annotations

from pathlib import Path

from annotator import paths
from annotator.domain.codebook import CodeSpec
from annotator.io.codebook_files import read_codebook
from annotator.services.backups import open_for_writing
from annotator.services.codebook import apply_codebook
from annotator.services.codings import import_codings
from annotator.services.imports import import_files
from annotator.storage import Project

DEMO_VARIABLES = "variables.csv"
DEMO_CODINGS = "codings.csv"


def create_project(
    path: str | Path,
    *,
    codebook: str | Path | None = None,
    demo: bool = False,
    with_default_codebook: bool = True,
) -> Project:
    """Create a project file and return it open.

    The codebook is ``codebook`` if given, otherwise the bundled default (unless
    ``with_default_codebook`` is false). ``demo`` adds the bundled articles and two coders'
    codings of them. The file appears only once all of it has been written.
    """
    codebooks: list[tuple[Path, list[CodeSpec]]] = []
    if codebook is not None:
        codebooks.append((Path(codebook), read_codebook(Path(codebook))))
    # The demo's codings are made with the default codebook, so the demo always brings it.
    if demo or (codebook is None and with_default_codebook):
        default = paths.default_codebook_path()
        codebooks.append((default, read_codebook(default)))

    def setup(project: Project) -> None:
        for origin, dimensions in codebooks:
            with project.codebook.acting(f"new project, codebook {origin.name}"):
                apply_codebook(project, dimensions, origin)
        if demo:
            load_demo(project)

    return Project.create(path, setup)


def load_demo(project: Project) -> None:
    """Import the bundled demo articles and their codings (needs the default codebook)."""
    corpus = paths.corpus_dir()
    with project.transaction():
        import_files(project, sorted(corpus.glob("*.txt")), variables_csv=corpus / DEMO_VARIABLES)
        import_codings(project, corpus / DEMO_CODINGS, mark_done=True)


def open_default_project() -> Project:
    """The project the window opens with no arguments, made from the demo on first run."""
    path = paths.default_project_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        create_project(path, demo=True).close()
    return open_for_writing(path)
