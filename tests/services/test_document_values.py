"""Editing one article's variables: checked as an import checks them, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import NotFoundError, ProjectError, UserError
from annotator.domain.model import VariableType
from annotator.services import create_project
from annotator.services.changes import Changes
from annotator.services.variables import set_document_values
from annotator.storage import Project


@pytest.fixture
def article(project: Project) -> int:
    for name, type_ in (
        ("outlet", VariableType.CATEGORY),
        ("date", VariableType.DATE),
        ("words", VariableType.NUMBER),
    ):
        project.documents.define_variable(name, type_)
    return project.documents.add("Defectors arrive", "a.txt", "Defectors arrived in Seoul.").id


def test_values_are_set_checked_and_reported(project: Project, article: int) -> None:
    changes = set_document_values(
        project, article, {"outlet": " Seoul Ledger ", "date": "2003-03-07", "words": "412"}
    )
    assert changes == Changes(documents=frozenset({article}))
    assert project.documents.values(article) == {
        "outlet": "Seoul Ledger",
        "date": "2003-03-07",
        "words": "412",
    }
    # Empty or None clears; a name not given is left as it was.
    set_document_values(project, article, {"outlet": "", "words": None})
    assert project.documents.values(article) == {"date": "2003-03-07"}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"date": "7 March 2003"}, "date (date): '7 March 2003' is not a date of the form"),
        ({"date": "2003-02-30"}, "'2003-02-30' is not a date"),
        ({"words": "about 400"}, "words (number): 'about 400' is not a number"),
        ({"words": "nan"}, "'nan' is not a number"),
        ({"genre": "news"}, "the project has no variable 'genre'"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_written(
    project: Project, article: int, values: dict[str, str], message: str
) -> None:
    set_document_values(project, article, {"outlet": "Pacific Wire", "words": "90"})
    with pytest.raises(UserError, match=r"^Defectors arrive: ") as raised:
        set_document_values(project, article, {"outlet": "Seoul Ledger", **values})
    assert message in str(raised.value)
    assert project.documents.values(article) == {"outlet": "Pacific Wire", "words": "90"}


def test_an_unknown_article_is_refused(project: Project, article: int) -> None:
    with pytest.raises(NotFoundError):
        set_document_values(project, article + 1, {"outlet": "Pacific Wire"})


def test_a_read_only_project_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "study.annotator"
    with create_project(path) as project:
        project.documents.define_variable("outlet", VariableType.CATEGORY)
        article = project.documents.add("A", "a.txt", "Some text.").id
    with (
        Project.open(path, read_only=True) as project,
        pytest.raises(ProjectError, match="read-only"),
    ):
        set_document_values(project, article, {"outlet": "Pacific Wire"})
