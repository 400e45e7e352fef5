"""Documents, variables, codebook nodes, coders, statuses and memos."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.domain.errors import ConflictError, UserError
from annotator.domain.model import DocumentStatus, VariableType
from annotator.domain.text import text_sha256
from annotator.storage import Project


def test_document_text_is_immutable_and_hashed(memory: Project) -> None:
    document = memory.documents.add("a", "a.txt", "Text 😀")
    assert document.sha256 == text_sha256("Text 😀")
    assert document.length == 6
    with pytest.raises(sqlite3.IntegrityError, match="cannot change"):
        memory.db.execute(
            "UPDATE documents SET text = 'other', length = 5 WHERE id = ?", [document.id]
        )
    assert memory.documents.text(document.id) == "Text 😀"


def test_same_text_twice_is_refused_and_names_are_made_unique(memory: Project) -> None:
    memory.documents.add("a", "a.txt", "one")
    with pytest.raises(ConflictError, match="already holds this text as 'a'"):
        memory.documents.add("b", "b.txt", "one")
    assert memory.documents.add("a", "a.md", "two").name == "a (2)"


def test_typed_variables(memory: Project) -> None:
    document = memory.documents.add("a", "a.txt", "one")
    outlet = memory.documents.define_variable("outlet", VariableType.CATEGORY)
    date = memory.documents.define_variable("date", VariableType.DATE)
    assert memory.documents.define_variable("outlet", VariableType.TEXT) == outlet
    memory.documents.set_values(document.id, {outlet.id: "Pacific Wire", date.id: "2019-04-16"})
    assert memory.documents.values(document.id) == {"outlet": "Pacific Wire", "date": "2019-04-16"}
    memory.documents.set_values(document.id, {outlet.id: None})
    assert memory.documents.all_values() == {document.id: {"date": "2019-04-16"}}
    assert [(v.name, v.type) for v in memory.documents.variables()] == [
        ("outlet", VariableType.CATEGORY),
        ("date", VariableType.DATE),
    ]


def test_codebook_tree_paths_and_rules(memory: Project) -> None:
    motive = memory.codebook.add("Motive", exclusive=True)
    political = memory.codebook.add("Political", motive.id, shortcut="2", color="#f19db9")
    regime = memory.codebook.add("Regime criticism", political.id)
    tree = memory.codebook.tree()
    assert tree.path(regime.id) == "Motive > Political > Regime criticism"
    assert tree.dimension_of(regime.id) == motive
    assert tree.find("motive > political") == political
    assert tree.by_shortcut("2") == political
    assert political.color == "#F19DB9"
    assert [c.name for c in tree.codes()] == ["Political", "Regime criticism"]
    with pytest.raises(ConflictError, match="already a code"):
        memory.codebook.add("Political", motive.id)
    with pytest.raises(ConflictError, match="shortcut '2' is already used by 'Political'"):
        memory.codebook.add("Other", motive.id, shortcut="2")
    with pytest.raises(ConflictError, match=r"'POLITICAL'.*differ only in case"):
        memory.codebook.add("POLITICAL", motive.id)
    with pytest.raises(UserError, match="control character"):
        memory.codebook.add("A\x00B", motive.id)
    other_tool = memory.codebook.add("A > B", motive.id)  # names from other tools: any character
    assert memory.codebook.tree().path(other_tool.id) == "Motive > A \\> B"
    with pytest.raises(UserError, match="#RRGGBB"):
        memory.codebook.add("Bad colour", motive.id, color="red")
    renamed = memory.codebook.update(political.id, name="Politics", shortcut="p")
    assert (renamed.name, renamed.shortcut, renamed.guid) == ("Politics", "p", political.guid)
    assert memory.codebook.update(political.id, clear_shortcut=True).shortcut is None


def test_new_codes_get_distinct_legible_colours(memory: Project) -> None:
    motive = memory.codebook.add("Motive")
    colours = [memory.codebook.add(f"Code {i}", motive.id).color for i in range(6)]
    assert len(set(colours)) == 6


def test_coders_are_unique_by_name(memory: Project) -> None:
    ana = memory.coders.add("Ana")
    with pytest.raises(ConflictError):
        memory.coders.add("Ana")
    assert memory.coders.get_or_add("Ana") == ana
    assert memory.coders.get_or_add("Ben").name == "Ben"


def test_status_defaults_to_not_started(memory: Project) -> None:
    document = memory.documents.add("a", "a.txt", "one")
    ana = memory.coders.add("Ana")
    assert memory.statuses.get(document.id, ana.id) is DocumentStatus.NOT_STARTED
    memory.statuses.mark(document.id, ana.id, DocumentStatus.IN_PROGRESS)
    memory.statuses.mark(document.id, ana.id, DocumentStatus.DONE)
    memory.statuses.set_assigned(document.id, ana.id)
    assert memory.statuses.all() == {(document.id, ana.id): DocumentStatus.DONE}
    assert memory.statuses.assigned() == {(document.id, ana.id)}
    assert memory.statuses.done_count(ana.id) == 1


def test_memos_on_project_document_and_code(memory: Project) -> None:
    document = memory.documents.add("a", "a.txt", "one")
    code = memory.codebook.add("Motive")
    memory.memos.add("about the project")
    on_document = memory.memos.add("about the article", document_id=document.id)
    memory.memos.add("about the code", code_id=code.id)
    assert [m.target for m in memory.memos.all()] == ["project", "document", "code"]
    assert memory.memos.set_text(on_document.id, "changed").text == "changed"
    assert [m.text for m in memory.memos.for_document(document.id)] == ["changed"]
    with pytest.raises(ValueError, match="not both"):
        memory.memos.add("x", document_id=document.id, code_id=code.id)
