"""A machine's runs (services/machine): what a run records, one transaction per article,
resume, the exclusive rule for machine codings, replicates, and adding machines."""

from __future__ import annotations

import hashlib
import json

import pytest

from annotator import __version__
from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services.codebook_versions import current_version
from annotator.services.coders import coding_as, merge_coders
from annotator.services.machine import (
    MachineCoding,
    add_machine,
    backend,
    finish_run,
    start_run,
    write_article,
)
from annotator.services.machine.runs import (
    codebook_hash,
    find_run,
    pending_documents,
    resume_run,
    runs_listing,
)
from annotator.storage import Project
from annotator.storage.machine import Backend, MachineStore, RunRecord

# Demo code ids: 2 Motive > Subsistence, 3 Motive > Political (Motive is exclusive);
# 7 Actor type > Overseas worker, 8 Official or elite (Actor type is not).
SUBSISTENCE, POLITICAL, WORKER, OFFICIAL = 2, 3, 7, 8
TEMPLATE = "Code the article between <article> and </article> with the codebook: {codebook}"


@pytest.fixture
def gemma(demo: Project) -> Backend:
    return add_machine(demo, "Gemma", "llm", url="http://127.0.0.1:11434/v1", model="gemma3")


def _run(demo: Project, machine: Backend, **options: object) -> RunRecord:
    ids = [d for d, _ in demo.documents.names()]
    return start_run(
        demo,
        machine,
        document_ids=ids,
        prompt_template=TEMPLATE,
        settings=machine.settings,
        **options,  # type: ignore[arg-type]
    )


def _spans(demo: Project, coder_id: int, document: int) -> list[tuple[int, int | None, int | None]]:
    return sorted(
        ((c.code_id, c.start, c.end) for c in demo.codings.for_document(document, coder_id)),
        key=lambda row: (-1 if row[1] is None else row[1], row[2] or -1, row[0]),
    )


def test_a_run_records_what_made_its_codings(demo: Project, gemma: Backend) -> None:
    run = _run(demo, gemma, model_version="sha256:0abc", unvalidated=True)
    assert (run.kind, run.model, run.model_version) == ("llm", "gemma3", "sha256:0abc")
    assert run.prompt_template == TEMPLATE
    assert run.prompt_sha256 == hashlib.sha256(TEMPLATE.encode()).hexdigest()
    assert run.codebook_version == current_version(demo).latest_change > 0
    assert run.codebook_hash == codebook_hash(demo.codebook.tree())
    assert run.settings == gemma.settings
    assert run.settings["temperature"] == 0
    assert (run.app_version, run.status, run.unvalidated) == (__version__, "running", True)
    assert run.coder_id == gemma.coder_id
    assert run.replicate == 1
    assert run.replicate_group
    assert run.document_ids == [d for d, _ in demo.documents.names()]


def test_machine_codings_carry_their_run_confidence_and_reason(
    demo: Project, gemma: Backend
) -> None:
    run = _run(demo, gemma)
    given = [
        MachineCoding(WORKER, 0, 10, 0.87, "names a worker"),
        MachineCoding(OFFICIAL, None, None, None, None),
    ]
    assert write_article(demo, run, 1, given, dropped=2, tokens=(300, 40))
    codings = demo.codings.for_document(1, gemma.coder_id)
    origins = {(c.code_id, c.start): json.loads(c.origin or "") for c in codings}
    assert origins == {
        (WORKER, 0): {
            "kind": "machine",
            "run": run.guid,
            "confidence": 0.87,
            "reason": "names a worker",
        },
        (OFFICIAL, None): {"kind": "machine", "run": run.guid, "confidence": None, "reason": None},
    }
    versions = demo.db.execute(
        "SELECT DISTINCT codebook_version FROM codings WHERE coder_id = ?", [gemma.coder_id]
    ).fetchall()
    assert [v[0] for v in versions] == [run.codebook_version]
    # The article is done for the machine coder, so agreement counts it as any coder's.
    assert demo.statuses.get(1, gemma.coder_id) is DocumentStatus.DONE
    after = demo.machine.run(run.id)
    assert after.counts["articles_done"] == 1
    assert after.counts["codings"] == 2
    assert (after.tokens_prompt, after.tokens_completion) == (300, 40)
    assert demo.machine.run_article(run.id, 1).dropped == 2  # type: ignore[union-attr]


def test_an_article_is_written_in_one_transaction(
    demo: Project, gemma: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _run(demo, gemma)
    write_article(demo, first, 1, [MachineCoding(WORKER, 0, 10, 0.9)])
    finish_run(demo, first, "done")
    before = _spans(demo, gemma.coder_id, 1)
    second = _run(demo, gemma)

    def broken(self: MachineStore, article: object) -> None:
        raise RuntimeError("the disk is gone")

    monkeypatch.setattr(MachineStore, "put_run_article", broken)
    with pytest.raises(RuntimeError):
        write_article(demo, second, 1, [MachineCoding(OFFICIAL, 0, 5, 0.5)], tokens=(10, 1))
    # Nothing of the failed write: the earlier run's codings are still there, no row, no count.
    assert _spans(demo, gemma.coder_id, 1) == before
    assert demo.machine.run_article(second.id, 1) is None
    unchanged = demo.machine.run(second.id)
    assert unchanged.counts == second.counts
    assert unchanged.tokens_prompt == 0
    with pytest.raises(RuntimeError):
        write_article(demo, second, 2, [MachineCoding(OFFICIAL, 0, 5, 0.5)])
    assert demo.codings.for_document(2, gemma.coder_id) == []
    assert demo.statuses.get(2, gemma.coder_id) is DocumentStatus.NOT_STARTED


def test_a_bad_coding_is_refused_before_anything_is_written(demo: Project, gemma: Backend) -> None:
    run = _run(demo, gemma)
    length = len(demo.documents.text(1))
    for bad in (
        MachineCoding(WORKER, 0, length + 1),
        MachineCoding(1, 0, 5),  # the Motive dimension itself
        MachineCoding(999, 0, 5),
        MachineCoding(WORKER, 0, 5, 1.5),
    ):
        with pytest.raises((ValueError, UserError)):  # the span: InvalidSpanError
            write_article(demo, run, 1, [MachineCoding(OFFICIAL, 0, 5), bad])
    assert demo.codings.for_document(1, gemma.coder_id) == []
    assert demo.machine.run_article(run.id, 1) is None


def test_resume_takes_the_articles_not_done_and_rewrites_nothing_done(
    demo: Project, gemma: Backend
) -> None:
    run = _run(demo, gemma)
    everything = list(run.document_ids)
    assert write_article(demo, run, 1, [MachineCoding(WORKER, 0, 10, 0.6)], tokens=(5, 1))
    assert write_article(demo, run, 2, [], status="failed", reason="HTTP 500", tokens=(4, 0))
    written = demo.codings.for_document(1, gemma.coder_id)
    run = finish_run(demo, run, "cancelled")
    assert run.ended_at is not None
    assert run.status == "cancelled"
    assert pending_documents(demo, run) == [d for d in everything if d != 1]
    with pytest.raises(UserError, match="is cancelled: resume it first"):
        write_article(demo, run, 3, [])
    run = resume_run(demo, run)
    assert (run.status, run.ended_at) == ("running", None)
    # Done: left as it is, whatever is given again.
    assert not write_article(demo, run, 1, [MachineCoding(OFFICIAL, 0, 4, 0.9)], tokens=(5, 1))
    assert demo.codings.for_document(1, gemma.coder_id) == written
    # Failed: written now.
    assert write_article(demo, run, 2, [MachineCoding(WORKER, 0, 3, 0.7)], tokens=(6, 2))
    after = demo.machine.run(run.id)
    assert (after.counts["articles_done"], after.counts["articles_failed"]) == (2, 0)
    assert after.counts["codings"] == 2
    assert (after.tokens_prompt, after.tokens_completion) == (15, 3)  # every attempt's tokens
    assert pending_documents(demo, after) == [d for d in everything if d not in (1, 2)]
    assert find_run(demo, run.guid[:8]).id == run.id
    with pytest.raises(UserError, match="no machine run 'zzz'"):
        find_run(demo, "zzz")


def test_a_failed_article_keeps_the_codings_an_earlier_run_made(
    demo: Project, gemma: Backend
) -> None:
    first = _run(demo, gemma)
    write_article(demo, first, 1, [MachineCoding(WORKER, 0, 10, 0.9)])
    finish_run(demo, first, "done")
    second = _run(demo, gemma)
    write_article(demo, second, 1, [], status="failed", reason="timed out")
    assert _spans(demo, gemma.coder_id, 1) == [(WORKER, 0, 10)]
    with pytest.raises(ValueError, match="a failed article has no codings"):
        write_article(demo, second, 2, [MachineCoding(WORKER, 0, 3)], status="failed")


def test_a_later_run_replaces_the_machines_codings_of_the_articles_it_codes(
    demo: Project, gemma: Backend
) -> None:
    first = _run(demo, gemma)
    write_article(demo, first, 1, [MachineCoding(WORKER, 0, 10, 0.9)])
    write_article(demo, first, 2, [MachineCoding(WORKER, 0, 10, 0.9)])
    finish_run(demo, first, "done")
    second = _run(demo, gemma)
    write_article(demo, second, 1, [MachineCoding(OFFICIAL, 5, 12, 0.4)])
    assert _spans(demo, gemma.coder_id, 1) == [(OFFICIAL, 5, 12)]
    assert _spans(demo, gemma.coder_id, 2) == [(WORKER, 0, 10)]
    listing = {entry["guid"]: entry for entry in runs_listing(demo)}
    assert listing[first.guid]["codings_now"] == 1
    assert listing[second.guid]["codings_now"] == 1
    assert listing[first.guid]["counts"]["codings"] == 2  # what it wrote stays recorded


def test_the_machine_keeps_the_most_confident_code_of_an_exclusive_clash(
    demo: Project, gemma: Backend
) -> None:
    run = _run(demo, gemma)
    given = [
        MachineCoding(SUBSISTENCE, 0, 20, 0.55),
        MachineCoding(POLITICAL, 10, 30, 0.91),  # overlaps the first: the more confident
        MachineCoding(SUBSISTENCE, 40, 50, None),  # no confidence: the least confident
        MachineCoding(POLITICAL, 45, 60, 0.2),
        MachineCoding(WORKER, 0, 20, 0.1),  # Actor type is not exclusive: both stay
        MachineCoding(OFFICIAL, 5, 25, 0.1),
        MachineCoding(SUBSISTENCE, 100, 110, 0.3),  # overlaps nothing of Motive
    ]
    write_article(demo, run, 1, given, dropped=1)
    assert _spans(demo, gemma.coder_id, 1) == [
        (WORKER, 0, 20),
        (OFFICIAL, 5, 25),
        (POLITICAL, 10, 30),
        (POLITICAL, 45, 60),
        (SUBSISTENCE, 100, 110),
    ]
    after = demo.machine.run(run.id)
    assert after.counts["dropped_exclusive"] == 2
    assert demo.machine.run_article(run.id, 1).dropped == 3  # type: ignore[union-attr]


def test_a_whole_article_code_of_an_exclusive_dimension_excludes_the_others(
    demo: Project, gemma: Backend
) -> None:
    run = _run(demo, gemma)
    write_article(
        demo,
        run,
        1,
        [
            MachineCoding(SUBSISTENCE, 0, 20, 0.4),
            MachineCoding(POLITICAL, None, None, 0.8),
            MachineCoding(SUBSISTENCE, None, None, 0.6),
        ],
    )
    assert _spans(demo, gemma.coder_id, 1) == [(POLITICAL, None, None)]


def test_replicates_code_as_coders_of_their_own(demo: Project, gemma: Backend) -> None:
    first = _run(demo, gemma, replicate=1, replicate_group="g")
    second = _run(demo, gemma, replicate=2, replicate_group="g")
    assert first.coder_id == gemma.coder_id != second.coder_id
    twin = demo.coders.get(second.coder_id)
    assert (twin.name, twin.kind) == ("Gemma (replicate 2)", "machine")
    write_article(demo, first, 1, [MachineCoding(SUBSISTENCE, 0, 20, 0.9)])
    write_article(demo, second, 1, [MachineCoding(POLITICAL, 0, 20, 0.9)])
    assert _spans(demo, gemma.coder_id, 1) == [(SUBSISTENCE, 0, 20)]
    assert _spans(demo, twin.id, 1) == [(POLITICAL, 0, 20)]
    assert _run(demo, gemma, replicate=2).coder_id == twin.id  # made once


def test_the_codebook_hash_follows_what_the_codebook_says(demo: Project) -> None:
    before = codebook_hash(demo.codebook.tree())
    assert codebook_hash(demo.codebook.tree()) == before
    demo.codebook.update(WORKER, color="#123456")
    assert codebook_hash(demo.codebook.tree()) == before  # a colour says nothing
    demo.codebook.update(WORKER, description="A person working abroad; not a tourist.")
    assert codebook_hash(demo.codebook.tree()) != before


def test_adding_machines_and_what_is_refused(demo: Project) -> None:
    classifier = add_machine(demo, "Learner", "classifier")
    assert (classifier.kind, classifier.url, classifier.allow_remote) == ("classifier", "", False)
    assert demo.coders.get(classifier.coder_id).is_machine
    local = add_machine(
        demo, "Local", "llm", url="http://localhost:8080/v1", model="m", api_key_env="MY_KEY"
    )
    assert (local.allow_remote, local.remote_consent, local.api_key_env) == (False, None, "MY_KEY")
    assert local.settings["temperature"] == 0
    assert "seed" in local.settings
    refusals = [
        (
            {"name": "Far", "kind": "llm", "url": "https://api.example.com/v1", "model": "m"},
            "not on this",
        ),
        ({"name": "Far", "kind": "llm", "url": "ftp://127.0.0.1/v1", "model": "m"}, "http"),
        ({"name": "Far", "kind": "llm", "url": "http://127.0.0.1:x/v1", "model": "m"}, "not a URL"),
        ({"name": "Far", "kind": "llm", "url": "http://127.0.0.1/v1"}, "needs --model"),
        (
            {"name": "Far", "kind": "llm", "url": "http://u:p@127.0.0.1/v1", "model": "m"},
            "user name or password",
        ),
        (
            {
                "name": "Far",
                "kind": "llm",
                "url": "http://127.0.0.1/v1",
                "model": "m",
                "api_key_env": "sk-1",
            },
            "never the key",
        ),
        ({"name": "Far", "kind": "classifier", "url": "http://127.0.0.1/v1"}, "takes no URL"),
        ({"name": "Far", "kind": "oracle"}, "not 'oracle'"),
        ({"name": "Ana", "kind": "classifier"}, "already a coder named 'Ana'"),
        ({"name": "consensus", "kind": "classifier"}, "consensus"),
    ]
    for options, message in refusals:
        with pytest.raises(UserError, match=message):
            add_machine(demo, **options)  # type: ignore[arg-type]
    assert demo.coders.by_name("Far") is None
    remote = add_machine(
        demo,
        "Far",
        "llm",
        url="https://api.example.com/v1",
        model="m",
        allow_remote=True,
        consented_by="Ana",
    )
    assert remote.allow_remote
    assert remote.remote_consent is not None
    assert remote.remote_consent["who"] == "Ana"
    assert remote.remote_consent["url"] == "https://api.example.com/v1"
    assert remote.remote_consent["when"]


def test_a_machine_is_found_by_name(demo: Project) -> None:
    with pytest.raises(UserError, match="has none yet"):
        backend(demo, "Gemma")
    gemma = add_machine(demo, "Gemma", "classifier")
    assert backend(demo, "gemma") == gemma
    with pytest.raises(UserError, match=r"no machine named 'Robo' \(machines: Gemma\)"):
        backend(demo, "Robo")
    with pytest.raises(UserError, match="'Ana' is a human coder"):
        backend(demo, "Ana")


def test_nobody_codes_as_a_machine_and_machines_are_not_merged(
    demo: Project, gemma: Backend
) -> None:
    assert coding_as(demo, "Ana").name == "Ana"
    with pytest.raises(UserError, match=r"^Gemma is a machine coder: .*code as a human coder$"):
        coding_as(demo, "gemma")
    for source, target in (("Gemma", "Ana"), ("Ana", "Gemma")):
        with pytest.raises(UserError, match="Gemma is a machine coder: it cannot be merged"):
            merge_coders(demo, source, target)
    assert demo.coders.find("Gemma").is_machine
    assert demo.coders.find("Ana")


def test_merging_people_moves_their_decisions_on_suggestions(demo: Project, gemma: Backend) -> None:
    run = _run(demo, gemma)
    ben = demo.coders.find("Ben")
    demo.machine.add_decision(run.id, "some-coding", ben.id, "edited")
    demo.coders.add("Kim")
    kim = demo.coders.find("Kim")
    demo.machine.add_decision(run.id, "other-coding", kim.id, "rejected")
    merge_coders(demo, "Kim", "Ben")
    rows = demo.db.execute(
        "SELECT coder_id, decision FROM machine_suggestion_decisions ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [(ben.id, "edited"), (ben.id, "rejected")]


def test_runs_listing_holds_everything(demo: Project, gemma: Backend) -> None:
    run = _run(demo, gemma, model_version="v1")
    write_article(demo, run, 1, [MachineCoding(WORKER, 0, 10, 0.9)], tokens=(7, 3))
    write_article(demo, run, 2, [], status="failed", reason="not JSON")
    finish_run(demo, run, "done")
    [entry] = runs_listing(demo)
    assert entry["machine"] == entry["coder"] == "Gemma"
    assert entry["prompt_template"] == TEMPLATE
    assert entry["prompt_sha256"] == run.prompt_sha256
    assert entry["codebook_hash"] == run.codebook_hash
    assert entry["app_version"] == __version__
    assert entry["status"] == "done"
    assert entry["ended_at"]
    assert entry["failed_articles"] == [
        {"document_id": 2, "document": demo.documents.get(2).name, "reason": "not JSON"}
    ]
    assert (entry["tokens_prompt"], entry["tokens_completion"]) == (7, 3)
    assert entry["articles_asked"] == len(run.document_ids)
    assert "api_key" not in json.dumps(entry)


def _kept_by_the_engine(
    codebook: object,
    codings: list[MachineCoding],
    staying: list[tuple[int, int | None, int | None]],
) -> list[MachineCoding]:
    """What keep_exclusive_rule keeps, worked out by the agreement engine's own rule
    (domain.exclusive.exclusive_clashes) on every candidate in turn."""
    from annotator.domain.exclusive import exclusive_clashes

    order = sorted(
        range(len(codings)),
        key=lambda k: (codings[k].confidence is None, -(codings[k].confidence or 0.0), k),
    )
    rows = [(1, 1, code, start, end) for code, start, end in staying]
    kept: set[int] = set()
    for k in order:
        coding = codings[k]
        row = (1, 1, coding.code_id, coding.start, coding.end)
        if not exclusive_clashes(codebook, [*rows, row]):  # type: ignore[arg-type]
            rows.append(row)
            kept.add(k)
    return [c for k, c in enumerate(codings) if k in kept]


@pytest.mark.parametrize("seed", range(40))
def test_the_exclusive_rule_for_machine_codings_is_the_engines(demo: Project, seed: int) -> None:
    import random

    from annotator.services.machine.runs import keep_exclusive_rule

    chance = random.Random(seed)
    codebook = demo.codebook.tree()

    def coding() -> MachineCoding:
        code = chance.choice([SUBSISTENCE, POLITICAL, WORKER, OFFICIAL])
        confidence = chance.choice([None, round(chance.random(), 1)])
        if chance.random() < 0.15:
            return MachineCoding(code, None, None, confidence)
        start = chance.randrange(0, 60)
        return MachineCoding(code, start, start + chance.randrange(1, 12), confidence)

    codings = [coding() for _ in range(chance.randrange(0, 25))]
    staying = [(c.code_id, c.start, c.end) for c in (coding() for _ in range(chance.randrange(3)))]
    # the coder's other codings must keep the rule themselves
    staying = [
        (c.code_id, c.start, c.end)
        for c in _kept_by_the_engine(codebook, [MachineCoding(*s) for s in staying], [])
    ]
    kept, dropped = keep_exclusive_rule(codebook, 1, 1, codings, staying)
    assert kept == _kept_by_the_engine(codebook, codings, staying)
    assert len(kept) + len(dropped) == len(codings)


def test_thousands_of_clashing_machine_codings_are_sorted_out_quickly(demo: Project) -> None:
    """A model repeating itself (thousands of passages, two codes of an exclusive dimension
    on the same places): the rule was checked again on every coding kept so far, some
    10 s for 2,000 and 2,000."""
    import time

    from annotator.services.machine.runs import keep_exclusive_rule

    codebook = demo.codebook.tree()
    codings = [MachineCoding(POLITICAL, 4 * n, 4 * n + 1) for n in range(3000)]
    codings += [MachineCoding(SUBSISTENCE, 4 * n, 4 * n + 3) for n in range(3000)]
    started = time.perf_counter()
    kept, dropped = keep_exclusive_rule(codebook, 1, 1, codings)
    assert time.perf_counter() - started < 2.0
    assert kept == codings[:3000]
    assert dropped == codings[3000:]
