"""Fixtures of the agreement tests: studies built through the services, closed afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tests.agreement.studies import Built

Build = Callable[..., Built]


@pytest.fixture
def build(tmp_path: Path) -> Iterator[Build]:
    """``build(dimensions, articles, words=40)``: a new project in its own folder."""
    made: list[Built] = []

    def make(
        dimensions: dict[str, tuple[bool, Sequence[str]]], articles: int, words: int = 40
    ) -> Built:
        folder = tmp_path / f"study{len(made)}"
        folder.mkdir()
        made.append(Built(folder, dimensions, articles, words))
        return made[-1]

    yield make
    for built in made:
        built.project.close()
