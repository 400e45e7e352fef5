"""A rule's "new articles" mark after a run: it covers only the articles the run searched."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.services import saved_searches as rules
from annotator.services import search
from annotator.services.imports import import_files
from annotator.storage import Project
from tests.helpers import write


@pytest.fixture
def ready(project: Project) -> tuple[Project, int, int]:
    project.documents.add("a", "s", "The broker took a fee.")
    coder = project.coders.add("Ana").id
    code = project.codebook.tree().find("Motive > Subsistence")
    assert code is not None
    return project, coder, code.id


def test_an_article_added_between_preview_and_apply_stays_new(
    ready: tuple[Project, int, int],
) -> None:
    project, coder, code = ready
    saved = rules.save(project, "brokers", search.Request("broker"), code_id=code)
    run = rules.rule_preview(project, saved, coder)  # the window's preview
    late = project.documents.add("late", "s", "A broker came later.").id  # another program
    done = rules.rule_apply(project, run)
    assert done.coded is not None
    assert len(done.coded.codings) == 1
    again = rules.rule_preview(project, done.saved, coder)
    assert again.documents == {late}
    assert [p.document_id for p in again.preview.planned] == [late]


def test_a_run_on_a_later_import_leaves_earlier_unsearched_articles_new(
    ready: tuple[Project, int, int], tmp_path: Path
) -> None:
    project, coder, code = ready
    saved = rules.save(project, "brokers", search.Request("broker"), code_id=code)
    saved = rules.run_rule(project, saved, coder).saved  # article "a": mark 1
    import_files(project, [write(tmp_path, "one.txt", "A broker in the first import.")])
    import_files(project, [write(tmp_path, "two.txt", "A broker in the second import.")])
    first, _second = (run.id for run in project.imports.all())
    after = rules.run_rule(project, saved, coder, since=first)  # codes "two" only
    assert after.coded is not None
    assert [project.documents.get(c.document_id).name for c in after.coded.codings] == ["two"]
    new = rules.run_rule(project, after.saved, coder)  # "one" was never searched
    assert new.coded is not None
    assert [project.documents.get(c.document_id).name for c in new.coded.codings] == ["one"]
