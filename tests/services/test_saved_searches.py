"""Saved searches as rules: saving, names, tying to a code (and what deleting the code does),
running again on new articles or on those of later imports, and travelling with the codebook
JSON (round trip; an older file; a rule whose code is missing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError, ConflictError, NotFoundError, UserError
from annotator.domain.search_query import QueryError
from annotator.services import saved_searches as rules
from annotator.services import search
from annotator.services.autocode import Unit
from annotator.services.codebook import export_codebook, import_codebook
from annotator.services.imports import import_files
from annotator.storage import Project
from tests.helpers import write


@pytest.fixture
def ready(project: Project) -> tuple[Project, int, int]:
    project.documents.add("a", "s", "The broker took a fee. Remittances came late.")
    coder = project.coders.add("Ana").id
    code = project.codebook.tree().find("Motive > Subsistence")
    assert code is not None
    return project, coder, code.id


def test_save_rename_tie_and_delete(ready: tuple[Project, int, int]) -> None:
    project, _coder, code = ready
    saved = rules.save(project, "Brokers", search.Request("broker*"), code_id=code)
    assert (saved.name, saved.query, saved.code_id, saved.unit) == (
        "Brokers",
        "broker*",
        code,
        "hit",
    )
    with pytest.raises(ConflictError, match="already called 'Brokers'"):
        rules.save(project, "brokers", search.Request("x"))
    with pytest.raises(QueryError):
        rules.save(project, "bad", search.Request("(x"))
    renamed = rules.rename(project, saved, "Broker fees")
    assert rules.find(project, "broker FEES").id == saved.id
    untied = rules.tie(project, renamed, None)
    assert untied.code_id is None
    rules.delete(project, untied)
    with pytest.raises(NotFoundError, match="no saved search 'Broker fees'"):
        rules.find(project, "Broker fees")


def test_deleting_its_code_keeps_the_rule_untied(ready: tuple[Project, int, int]) -> None:
    project, _coder, code = ready
    saved = rules.save(project, "brokers", search.Request("broker*"), code_id=code)
    project.db.execute("DELETE FROM codes WHERE id = ?", [code])
    assert rules.find(project, "brokers").code_id is None
    assert rules.find(project, "brokers").guid == saved.guid


def test_a_rule_runs_again_on_new_articles_only(ready: tuple[Project, int, int]) -> None:
    project, coder, code = ready
    saved = rules.save(
        project, "brokers", search.Request("broker*"), code_id=code, unit=Unit.SENTENCE
    )
    first = rules.run_rule(project, saved, coder)
    assert first.coded is not None
    assert len(first.coded.codings) == 1
    origin = json.loads(first.coded.codings[0].origin or "")
    assert (origin["rule"], origin["name"], origin["unit"]) == (saved.guid, "brokers", "sentence")
    assert rules.mark(project, saved, coder) == 1
    new = project.documents.add("b", "s", "Another broker, later.").id
    second = rules.run_rule(project, first.saved, coder)
    assert second.documents == {new}
    assert [c.document_id for c in second.coded.codings] == [new]  # type: ignore[union-attr]
    third = rules.run_rule(project, second.saved, coder, since=rules.ALL)
    assert third.coded is not None
    assert (len(third.coded.codings), third.preview.skipped) == (0, 2)


def test_a_rule_runs_on_the_articles_of_later_imports(
    ready: tuple[Project, int, int], tmp_path: Path
) -> None:
    project, coder, code = ready
    import_files(project, [write(tmp_path, "one.txt", "A broker in the first import.")])
    import_files(project, [write(tmp_path, "two.txt", "A broker in the second import.")])
    runs = [run.id for run in project.imports.all()]
    saved = rules.save(project, "brokers", search.Request("broker"), code_id=code)
    run = rules.rule_preview(project, saved, coder, since=runs[0])
    later = project.documents.by_name("two")
    assert later is not None
    assert run.documents == {later.id}
    assert [p.document_id for p in run.preview.planned] == [later.id]
    with pytest.raises(NotFoundError, match="no import 99"):
        rules.rule_preview(project, saved, coder, since=99)


def test_rules_travel_with_the_codebook_json(
    ready: tuple[Project, int, int], tmp_path: Path
) -> None:
    project, _coder, code = ready
    motive = project.codebook.tree().find("Motive")
    assert motive is not None
    request = search.Request(
        '"money transfer" OR remit*',
        match_case=True,
        scope=search.resolve_scope(project, within=["Motive"], coders=["Ana"]),
    )
    rules.save(project, "remittances", request, code_id=code, unit=Unit.PARAGRAPH)
    rules.save(project, "untied", search.Request(r"\d+ won", regex=True))
    path = tmp_path / "codebook.json"
    export_codebook(project, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["searches"] == [
        {
            "name": "remittances",
            "query": '"money transfer" OR remit*',
            "match_case": True,
            "code": "Motive > Subsistence",
            "unit": "paragraph",
            "within": ["Motive"],
            "coders": ["Ana"],
        },
        {"name": "untied", "query": r"\d+ won", "regex": True, "code": None, "unit": "hit"},
    ]
    other = Project.create(tmp_path / "other.annotator")
    other.coders.add("Ana")
    report = import_codebook(other, path)
    assert report.searches_added == ["remittances", "untied"]
    assert rules.search_specs(other) == rules.search_specs(project)
    again = import_codebook(other, path)
    assert (again.searches_added, again.searches_changed) == ([], [])
    other.close()


def test_an_older_codebook_without_searches_still_imports(project: Project, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "old.json",
        json.dumps(
            {
                "format": "annotator-codebook",
                "version": 1,
                "dimensions": [{"name": "Topic", "codes": [{"name": "Trade"}]}],
            }
        ),
    )
    report = import_codebook(project, path)
    assert report.added == ["Topic", "Topic > Trade"]
    assert report.searches_added == []


@pytest.mark.parametrize(
    ("search_entry", "problem"),
    [
        (
            {"name": "x", "query": "fee", "code": "Motive > Nothing"},
            "tied to the code 'Motive > Nothing'",
        ),
        ({"name": "x", "query": "fee", "within": ["Nowhere"]}, "searches within 'Nowhere'"),
        ({"name": "x", "query": "fee", "coders": ["Zed"]}, "'Zed', who is not a coder"),
        ({"name": "x", "query": "(fee"}, "'(' is never closed"),
        ({"name": "x", "query": "(" * 250 + "fee" + ")" * 250}, "nest more than 50 deep"),
        ({"name": "x", "query": "((a{1000}){1000}){1000}", "regex": True}, "repeats"),
        ({"name": "x", "query": "fee", "unit": "page"}, "\"unit\" of saved search 'x'"),
        ({"name": "x", "query": "fee", "regex": "yes"}, "must be true or false"),
        ({"name": "x", "query": "fee", "where": ["nope=1"]}, "no variable 'nope'"),
        ({"query": "fee"}, 'a saved search without a "name"'),
    ],
)
def test_a_bad_rule_in_a_codebook_file_is_refused_naming_the_file(
    project: Project, tmp_path: Path, search_entry: dict[str, object], problem: str
) -> None:
    document = {
        "format": "annotator-codebook",
        "version": 1,
        "dimensions": [{"name": "Topic", "codes": [{"name": "Trade"}]}],
        "searches": [search_entry],
    }
    path = write(tmp_path, "rules.json", json.dumps(document, indent=2))
    before = project.codebook.tree().codes()
    with pytest.raises(BadFileError) as caught:
        import_codebook(project, path)
    message = str(caught.value)
    assert message.startswith("rules.json, line ")
    assert problem in message
    assert "\n" not in message
    assert project.codebook.tree().codes() == before  # nothing written, codes included
    assert rules.list_searches(project) == []


def test_merging_a_code_takes_its_rules_along(ready: tuple[Project, int, int]) -> None:
    from annotator.services.codebook_editing import merge_code

    project, _coder, code = ready
    other = project.codebook.tree().find("Motive > Other / unclear")
    assert other is not None
    request = search.Request("fee", scope=search.Scope(within=(code,)))
    saved = rules.save(project, "fees", request, code_id=code)
    merge_code(project, code, other.id)
    after = rules.find(project, "fees")
    assert after.code_id == other.id
    assert after.scope.within == (project.codebook.get(other.id).guid,)
    assert rules.request_of(project, after).scope.within == (other.id,)
    assert saved.guid == after.guid


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("\u200b", "needs a visible character"),
        ("\u200b \u2060", "needs a visible character"),
        ("all", "cannot name a saved search"),
        ("ALL", "cannot name a saved search"),
    ],
)
def test_an_invisible_or_reserved_name_is_refused(
    ready: tuple[Project, int, int], name: str, reason: str
) -> None:
    project, _, _ = ready
    with pytest.raises(UserError, match=reason):
        rules.save(project, name, search.Request("broker*"))
    saved = rules.save(project, "Brokers", search.Request("broker*"))
    with pytest.raises(UserError, match=reason):
        rules.rename(project, saved, name)
    assert [s.name for s in rules.store(project).all()] == ["Brokers"]


def test_each_coder_has_their_own_mark_of_new_articles(ready: tuple[Project, int, int]) -> None:
    """Ana's run leaves the new article new for Ben (it used to be one mark for all)."""
    project, ana, code = ready
    ben = project.coders.add("Ben").id
    saved = rules.save(project, "brokers", search.Request("broker*"), code_id=code)
    rules.run_rule(project, saved, ana)
    rules.run_rule(project, saved, ben)
    late = project.documents.add("late", "s", "A broker again.").id
    dry = rules.rule_preview(project, saved, ben)
    assert [p.document_id for p in dry.preview.planned] == [late]
    rules.run_rule(project, saved, ana)
    assert rules.mark(project, saved, ana) == late
    assert rules.mark(project, saved, ben) == 1
    for_ben = rules.run_rule(project, saved, ben)
    assert for_ben.documents == {late}
    assert [c.document_id for c in for_ben.coded.codings] == [late]  # type: ignore[union-attr]
    assert rules.mark(project, saved, ben) == late


def test_changing_what_a_rule_finds_or_codes_takes_its_marks_away(
    ready: tuple[Project, int, int], tmp_path: Path
) -> None:
    project, ana, _code = ready
    topic = project.codebook.add("Topic", None)
    code, other = (project.codebook.add(name, topic.id).id for name in ("Trade", "Money"))
    saved = rules.save(project, "brokers", search.Request("broker*"), code_id=code)
    rules.run_rule(project, saved, ana)
    assert rules.mark(project, saved, ana) == 1
    rules.rename(project, saved, "Brokers")  # a new name finds the same
    rules.tie(project, saved, code)  # the same code: nothing changed
    assert rules.mark(project, saved, ana) == 1
    assert rules.rule_preview(project, saved, ana).documents == frozenset()
    rules.tie(project, saved, other)
    assert rules.mark(project, saved, ana) == 0
    again = rules.run_rule(project, rules.find(project, "Brokers"), ana)
    assert again.documents == {1}
    assert [c.code_id for c in again.coded.codings] == [other]  # type: ignore[union-attr]
    # A codebook file with the rule's query changed: the report says its marks went.
    path = tmp_path / "codebook.json"
    export_codebook(project, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["searches"][0]["query"] = "fee*"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_codebook(project, path)
    assert report.searches_changed == report.searches_reset == ["Brokers"]
    assert any("runs on every article again" in line for line in report.details())
    assert rules.mark(project, rules.find(project, "Brokers"), ana) == 0
    fees = rules.run_rule(project, rules.find(project, "Brokers"), ana)
    assert [(c.document_id, c.code_id) for c in fees.coded.codings] == [(1, other)]  # type: ignore[union-attr]
    again_report = import_codebook(project, path)  # the same file again: nothing changed
    assert again_report.searches_changed == again_report.searches_reset == []
    assert rules.mark(project, rules.find(project, "Brokers"), ana) == 1


def test_merging_a_code_keeps_the_marks_of_its_rules(ready: tuple[Project, int, int]) -> None:
    from annotator.services.codebook_editing import merge_code

    project, ana, code = ready
    other = project.codebook.tree().find("Motive > Other / unclear")
    assert other is not None
    saved = rules.save(project, "fees", search.Request("fee"), code_id=code)
    rules.run_rule(project, saved, ana)
    merge_code(project, code, other.id)
    assert rules.mark(project, rules.find(project, "fees"), ana) == 1
