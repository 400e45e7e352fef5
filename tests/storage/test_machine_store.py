"""The machine coder's tables (migration 0017) through ``project.machine`` and coders' kind."""

from __future__ import annotations

import pytest

from annotator.domain.errors import NotFoundError
from annotator.storage import Project
from annotator.storage.machine import COUNT_KEYS, NewRun, RunArticle


def _backend(project: Project, name: str = "Gemma") -> tuple[int, int]:
    coder = project.coders.add(name, kind="machine")
    backend = project.machine.add_backend(
        coder.id,
        "llm",
        url="http://127.0.0.1:8080/v1",
        model="gemma3",
        api_key_env="GEMMA_KEY",
        settings={"temperature": 0, "seed": 7},
    )
    return backend.id, coder.id


def test_coders_have_a_kind_and_humans_leave_machines_out(memory: Project) -> None:
    ana = memory.coders.add("Ana")
    machine = memory.coders.add("Gemma", kind="machine")
    assert (ana.kind, ana.is_machine) == ("human", False)
    assert (machine.kind, machine.is_machine) == ("machine", True)
    assert memory.coders.get(machine.id).kind == "machine"
    assert memory.coders.by_name("Gemma") == machine
    assert memory.coders.by_guid(machine.guid) == machine
    assert [c.name for c in memory.coders.all()] == ["Ana", "Gemma"]
    assert [c.name for c in memory.coders.humans()] == ["Ana"]


def test_a_kind_outside_human_and_machine_is_refused_by_the_table(memory: Project) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        memory.coders.add("Robot", kind="robot")
    assert memory.coders.by_name("Robot") is None


def test_backends_are_found_by_id_and_coder(memory: Project) -> None:
    backend_id, coder_id = _backend(memory)
    backend = memory.machine.backend(backend_id)
    assert (backend.name, backend.kind, backend.model) == ("Gemma", "llm", "gemma3")
    assert backend.settings == {"temperature": 0, "seed": 7}
    assert backend.remote_consent is None
    assert backend.allow_remote is False
    assert memory.machine.backend_of_coder(coder_id) == backend
    assert memory.machine.backend_of_coder(memory.coders.add("Ana").id) is None
    assert memory.machine.backends() == [backend]
    changed = memory.machine.set_settings(backend_id, {"temperature": 0.5})
    assert changed.settings == {"temperature": 0.5}
    with pytest.raises(NotFoundError):
        memory.machine.backend(backend_id + 1)


def test_the_newest_model_is_the_one_in_use(memory: Project) -> None:
    backend_id, _ = _backend(memory)
    ana = memory.coders.add("Ana")
    assert memory.machine.latest_model(backend_id) is None
    for blob in (b"first", b"second"):
        memory.machine.add_model(
            backend_id,
            format="annotator-classifier/1",
            model=blob,
            sha256=blob.hex(),
            trained_from_coder_id=ana.id,
            trained_document_ids=[3, 1, 3],
            cv={"Motive > Political": 0.8},
        )
    model = memory.machine.latest_model(backend_id)
    assert model is not None
    assert (model.model, model.trained_document_ids, model.cv) == (
        b"second",
        [1, 3],
        {"Motive > Political": 0.8},
    )


def test_runs_their_articles_counts_and_decisions(memory: Project) -> None:
    backend_id, coder_id = _backend(memory)
    document = memory.documents.add("a", "a.txt", "Some text here.").id
    new = NewRun(
        backend_id=backend_id,
        coder_id=coder_id,
        kind="llm",
        model="gemma3",
        prompt_template="Code this: {article}",
        prompt_sha256="ab" * 32,
        codebook_version=4,
        codebook_hash="cd" * 32,
        app_version="0.1.0",
        replicate_group="group",
        settings={"seed": 7},
        document_ids=[document, document],
    )
    run = memory.machine.add_run(new)
    assert (run.status, run.ended_at, run.replicate, run.unvalidated) == ("running", None, 1, False)
    assert run.document_ids == [document]  # each article once
    assert run.counts == dict.fromkeys(COUNT_KEYS, 0)
    assert memory.machine.runs_by_guid_prefix(run.guid[:6].upper()) == [run]
    memory.machine.put_run_article(RunArticle(run.id, document, "failed", "timeout", 0, 0, 5, 0))
    memory.machine.put_run_article(RunArticle(run.id, document, "done", None, 2, 1, 9, 3))
    assert memory.machine.run_article(run.id, document) == RunArticle(
        run.id, document, "done", None, 2, 1, 9, 3
    )
    assert memory.machine.article_totals(run.id) == (1, 0, 2, 1)
    memory.machine.set_run_counts(run.id, {"codings": 2}, (9, 3))
    memory.machine.set_run_end(run.id, "done", "2026-01-01T00:00:00Z")
    again = memory.machine.run(run.id)
    assert (again.status, again.counts["codings"], again.tokens_prompt) == ("done", 2, 9)
    ana = memory.coders.add("Ana")
    decision = memory.machine.add_decision(run.id, "guid-1", ana.id, "accepted")
    memory.machine.add_decision(run.id, "guid-2", ana.id, "rejected")
    assert memory.machine.decision_counts() == {"accepted": 1, "edited": 0, "rejected": 1}
    memory.machine.remove_decision(decision)
    assert memory.machine.decision_counts([run.id]) == {"accepted": 0, "edited": 0, "rejected": 1}
    assert memory.machine.decision_counts([run.id + 1])["rejected"] == 0


def test_validations_are_kept_by_settings(memory: Project) -> None:
    backend_id, _ = _backend(memory)
    first = memory.machine.add_validation(
        backend_id,
        settings_sha256="s1",
        against=["Ana", "Ben"],
        level="document",
        result=[{"code_path": "Motive > Political", "alpha_machine": 0.81}],
        excluded_trained=2,
    )
    memory.machine.add_validation(
        backend_id, settings_sha256="s2", against=["Ana"], level="segment", result=[]
    )
    assert [v.id for v in memory.machine.validations(backend_id, "s1")] == [first.id]
    assert len(memory.machine.validations(backend_id)) == 2
    assert first.against == ["Ana", "Ben"]
    assert first.excluded_trained == 2
    assert first.result[0]["alpha_machine"] == 0.81
