"""Shared fixtures. Tests never need a display: Qt is told to draw offscreen."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator import paths
from annotator.services import create_project
from annotator.storage import Project

# A test run started in the background of a shell without job control (`cmd &` in a script, as
# a CI runner may start it) inherits SIGINT ignored, and so would every process it starts:
# annotator keeps an ignored SIGINT ignored (nohup), and the Ctrl+C tests would hear nothing.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Real news articles kept beside the repository (../shared/corpus); tests that use them are
# skipped where that folder is absent. ANNOTATOR_SHARED_CORPUS points elsewhere.
SHARED_CORPUS = Path(
    os.environ.get("ANNOTATOR_SHARED_CORPUS")
    or Path(__file__).resolve().parents[2] / "shared" / "corpus"
)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user data folder."""
    monkeypatch.setenv(paths.HOME_VARIABLE, str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A new project file with the default codebook and no documents."""
    opened = create_project(tmp_path / "test.annotator")
    yield opened
    opened.close()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Project]:
    """A new project file holding the bundled demo articles and codings."""
    opened = create_project(tmp_path / "demo.annotator", demo=True)
    yield opened
    opened.close()


@pytest.fixture
def memory() -> Iterator[Project]:
    """An empty project in memory."""
    opened = Project.in_memory()
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return paths.corpus_dir()
