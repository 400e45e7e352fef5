"""The supervised machine coder in a project: trained from one coder's done articles and
stored safely, coding articles as a run, validated against humans with the agreement engine
(its figures and interval are the engine's when there is one human), the α gate, the report
and the methods paragraph, and the order of a coder's next articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.agreement.report import Options, measure_agreement
from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services.agreement import Request, measure, study_of
from annotator.services.machine import classifier, next_articles, report, resampled, validate
from annotator.services.machine.model_file import FORMAT, sha256
from annotator.services.methods import methods_of
from tests.services.machine_project import MachineProject

pytest.importorskip("sklearn")


@pytest.fixture
def built(tmp_path: Path) -> Iterator[MachineProject]:
    made = MachineProject(tmp_path / "m.annotator", 260)
    made.code("Ana", range(1, 201), miss=0.05, seed=1)
    yield made
    made.project.close()


def _trained(built: MachineProject) -> classifier.Trained:
    trained = classifier.train(built.project, "Clf", "Ana")
    # The humans code the other articles after training: what validation compares.
    built.code("Ana", range(201, 261), miss=0.05, seed=3)
    built.code("Ben", range(201, 261), miss=0.05, seed=4)
    return trained


def test_training_stores_a_safe_model_with_its_cross_validation(built: MachineProject) -> None:
    trained = _trained(built)
    project = built.project
    machine = trained.machine
    assert machine.kind == "classifier"
    assert project.coders.get(machine.coder_id).is_machine
    row = project.machine.latest_model(machine.id)
    assert row is not None
    assert row.format == FORMAT
    assert row.sha256 == sha256(row.model) == trained.sha256
    assert sorted(row.trained_document_ids) == sorted(built.ids[n] for n in range(1, 201))
    scores = {c["code_path"]: c for c in row.cv["codes"]}
    assert scores["Topic > Border"]["alpha"] > 0.8
    assert scores["Genre"]["unit"] == "article"
    assert row.cv["coder"] == "Ana"
    # Retraining adds a model; the newest is the one in use.
    again = classifier.train(project, "Clf", "Ana")
    newest = project.machine.latest_model(machine.id)
    assert newest is not None
    assert newest.id == again.model_id != trained.model_id
    assert len(newest.trained_document_ids) == 260  # Ana has done 60 more since


def test_training_refuses_in_one_line(built: MachineProject) -> None:
    project = built.project
    with pytest.raises(UserError, match="there is no coder 'Nobody'"):
        classifier.train(project, "Clf", "Nobody")
    project.coders.add("Cleo")
    with pytest.raises(UserError, match="Cleo has marked 0 articles done"):
        classifier.train(project, "Clf", "Cleo")
    assert project.coders.lookup("Clf") is None  # nothing was made
    with pytest.raises(UserError, match="is a machine"):
        classifier.train(project, "Clf2", classifier.train(project, "Clf", "Ana").machine.name)


def test_a_tampered_model_is_refused(built: MachineProject) -> None:
    trained = classifier.train(built.project, "Clf", "Ana")
    built.project.db.execute(
        "UPDATE machine_models SET model = ? WHERE id = ?", [b"\x80\x04junk", trained.model_id]
    )
    with pytest.raises(UserError, match="is refused: its SHA-256 differs"):
        classifier.code_articles(built.project, trained.machine, [built.ids[1]])


def test_coding_writes_a_run_with_confidences(built: MachineProject) -> None:
    trained = classifier.train(built.project, "Clf", "Ana")
    project = built.project
    others = [built.ids[n] for n in range(201, 261)]
    run = classifier.code_articles(project, trained.machine, others, unvalidated=True)
    assert run.status == "done"
    assert run.unvalidated
    assert run.model_version == trained.sha256
    assert run.counts["articles_done"] == 60
    assert "logistic regression" in run.prompt_template
    assert run.settings["model_sha256"] == trained.sha256
    origins = [
        json.loads(o)
        for (o,) in project.db.execute(
            "SELECT origin FROM codings WHERE coder_id = ?", [trained.machine.coder_id]
        )
    ]
    assert len(origins) == run.counts["codings"] > 0
    assert all(o["kind"] == "machine" and o["run"] == run.guid for o in origins)
    assert all(0 <= o["confidence"] <= 1 and o["reason"] is None for o in origins)
    # The machine's articles are done for its coder, so agreement reads them as any coder's.
    assert project.statuses.get(others[0], trained.machine.coder_id) is DocumentStatus.DONE


def test_validation_against_two_coders(built: MachineProject) -> None:
    _trained(built)
    found = validate.validate(built.project, "Clf", ["Ana", "Ben"])
    assert found.articles == 60
    assert found.excluded_trained == 0
    assert found.coded_first == 60
    rows = {r["code_path"]: r for r in found.rows}
    border = rows["Topic > Border"]
    assert border["level"] == "character"
    assert set(border["alpha_by_coder"]) == {"Ana", "Ben"}
    assert border["alpha_machine"] == pytest.approx(sum(border["alpha_by_coder"].values()) / 2)
    assert border["alpha_machine_low"] <= border["alpha_machine"] <= border["alpha_machine_high"]
    assert border["alpha_humans"] is not None
    assert border["verdict"] == "reliable"
    assert 0 < border["f1"]["Ana"] <= 1
    assert rows["Tone"]["scope"] == "dimension"
    stored = built.project.machine.validations(built.project.machine.backends()[0].id)
    assert [v.guid for v in stored] == [found.guid]
    assert stored[0].result == list(found.rows)
    # Already coded with these settings: validating again codes nothing first.
    assert validate.validate(built.project, "Clf", ["Ben"], "document").coded_first == 0


def test_with_one_coder_the_figures_are_the_engines(built: MachineProject) -> None:
    _trained(built)
    found = validate.validate(built.project, "Clf", ["Ben"])
    documents = frozenset(built.ids[n] for n in range(201, 261))
    engine = measure(
        built.project, Request(coders=["Clf", "Ben"], documents=documents, levels=("character",))
    )
    rows = {(m.scope, m.name): m for m in engine.measures}
    for row in found.rows:
        expected = rows[(row["scope"], row["code_path"])]
        assert row["alpha_machine"] == pytest.approx(expected.krippendorff_alpha)
        assert expected.alpha_ci95 is not None
        assert (row["alpha_machine_low"], row["alpha_machine_high"]) == pytest.approx(
            expected.alpha_ci95
        )
        assert row["n_units"] == expected.units


@pytest.mark.parametrize("level", ["unitizing", "segment"])
def test_at_the_span_levels_with_one_coder_the_figures_are_the_engines(
    built: MachineProject, level: str
) -> None:
    _trained(built)
    found = validate.validate(built.project, "Clf", ["Ben"], level)
    documents = frozenset(built.ids[n] for n in range(201, 261))
    engine = measure(
        built.project, Request(coders=["Clf", "Ben"], documents=documents, levels=(level,))
    )
    rows = {(m.scope, m.name): m for m in engine.measures}
    checked = 0
    for row in found.rows:
        assert row["level"] == level
        expected = rows[(row["scope"], row["code_path"])]
        assert row["alpha_machine"] == pytest.approx(resampled.figure(expected))
        assert row["n_units"] == expected.units
        if row["alpha_machine"] is not None and row["alpha_machine_low"] is not None:
            assert row["alpha_machine_low"] <= row["alpha_machine"] <= row["alpha_machine_high"]
            assert row["alpha_machine_low"] < row["alpha_machine_high"]
            checked += 1
    assert checked >= 3
    # Seeded: validating again gives the same figures and intervals.
    again = validate.validate(built.project, "Clf", ["Ben"], level)
    assert list(again.rows) == list(found.rows)


def test_a_resampled_study_counts_an_article_as_often_as_drawn(built: MachineProject) -> None:
    _trained(built)
    validate.validate(built.project, "Clf", ["Ben"], "document")  # codes the articles
    articles = [built.ids[n] for n in range(201, 261)]
    study = study_of(built.project, Request(coders=["Clf", "Ben"], documents=frozenset(articles)))
    options = Options(levels=("unitizing",), bootstrap=False)
    every = {(m.scope, m.name): m for m in measure_agreement(study, options).measures}
    same = resampled.resampled(study, articles)
    assert sorted(same.lengths.values()) == sorted(study.lengths[d] for d in articles)
    for m in measure_agreement(same, options).measures:
        assert m.krippendorff_alpha == pytest.approx(every[(m.scope, m.name)].krippendorff_alpha)
    twice = resampled.resampled(study, [articles[0], articles[0], articles[1]])
    assert len(twice.lengths) == 3
    first = study.rows[study.rows[:, 0] == articles[0]]
    assert len(twice.rows[twice.rows[:, 0] == 1]) == len(first)
    assert twice.counted == (frozenset({0, 1, 2}), frozenset({0, 1, 2}))


def test_trained_articles_are_left_out_and_counted(built: MachineProject) -> None:
    _trained(built)
    built.code("Ben", range(1, 11), seed=5)  # ten articles the machine learned from
    found = validate.validate(built.project, "Clf", ["Ana", "Ben"])
    assert found.excluded_trained == 10
    assert found.articles == 60
    assert all(r["excluded_trained"] == 10 for r in found.rows)
    built.code("Cleo", range(1, 11), seed=6)
    with pytest.raises(UserError, match="all 10 articles Cleo finished were used to train"):
        validate.validate(built.project, "Clf", ["Cleo"])


def test_shuffled_codings_are_unreliable(tmp_path: Path) -> None:
    made = MachineProject(tmp_path / "s.annotator", 200)
    made.code("Ana", range(1, 151), shuffled=True, seed=6)
    classifier.train(made.project, "Clf", "Ana")
    made.code("Ben", range(151, 201), seed=7)
    found = validate.validate(made.project, "Clf", ["Ben"])
    for row in found.rows:
        if row["code_path"].startswith(("Topic", "Tone")):
            assert row["verdict"] == "unreliable", row
            assert abs(row["alpha_machine"] or 0) < 0.2, row
    made.project.close()


def test_the_gate_and_the_settings_hash(built: MachineProject) -> None:
    trained = _trained(built)
    project = built.project
    assert validate.latest_validation(project, trained.machine) is None
    found = validate.validate(project, "Clf", ["Ana"])
    latest = validate.latest_validation(project, trained.machine)
    assert latest is not None
    assert latest.guid == found.guid
    classifier.train(project, "Clf", "Ana")  # a new model: other settings
    assert validate.latest_validation(project, trained.machine) is None


def test_validation_refuses_in_one_line(built: MachineProject) -> None:
    _trained(built)
    project = built.project
    with pytest.raises(UserError, match="segment level, not 'sentence'"):
        validate.validate(project, "Clf", ["Ana"], "sentence")
    with pytest.raises(UserError, match="is a machine"):
        validate.validate(project, "Clf", ["Clf"])
    with pytest.raises(UserError, match="named twice"):
        validate.validate(project, "Clf", ["Ana", "ana"])
    project.coders.add("Cleo")
    with pytest.raises(UserError, match="no article is marked done by both Ana and Cleo"):
        validate.validate(project, "Clf", ["Ana", "Cleo"])
    with pytest.raises(UserError, match="no machine named 'Other'"):
        validate.validate(project, "Other", ["Ana"])


def test_the_report_and_the_methods_paragraph(built: MachineProject) -> None:
    trained = _trained(built)
    project = built.project
    validate.validate(project, "Clf", ["Ana", "Ben"])
    others = [built.ids[n] for n in range(1, 11)]
    classifier.code_articles(project, trained.machine, others, unvalidated=True)
    found = report.machine_report(project, "Clf")
    data = found.as_dict()
    assert data["model"]["model_sha256"] == trained.sha256
    assert data["model"]["trained_from"] == "Ana"
    assert data["validation"]["of_current_settings"]
    assert data["validation"]["articles"] == 60
    assert len(data["unvalidated_runs"]) == 1
    assert data["runs"] == 2
    assert "trained offline on the 200 articles Ana coded" in found.text
    assert "validated against Ana and Ben on 60 articles" in found.text
    assert "1 of them WITHOUT a validation" in found.text
    assert data["suggestions"]["decided"] == 0
    # Coders' decisions on the machine's suggestions give the shares.
    run = project.machine.runs(trained.machine.id)[-1]
    ana = project.coders.lookup("Ana")
    assert ana is not None
    for decision in ("accepted", "accepted", "edited", "rejected"):
        project.machine.add_decision(run.id, "some-coding-guid", ana.id, decision)
    decided = report.machine_report(project, "Clf")
    assert decided.data["suggestions"]["shares"]["accepted"] == 0.5
    assert "Of 4 machine suggestions coders decided on, 50% were accepted" in decided.text
    page = report.report_html(found)
    assert page.startswith("<!DOCTYPE html>")
    assert "Topic &gt; Border" in page
    request = Request(coders=["Clf", "Ana"])
    methods = methods_of(project, request, measure(project, request))
    assert methods.machine
    assert "supervised classifier" in methods.text
    plain = Request(coders=["Ana", "Ben"])
    assert methods_of(project, plain, measure(project, plain)).machine == ()


def test_the_most_uncertain_articles_come_first(built: MachineProject) -> None:
    trained = classifier.train(built.project, "Clf", "Ana")
    project = built.project
    found = next_articles.uncertain_first(project, "Clf", "Ana", count=5)
    assert len(found) == 5
    assert all(not c.assigned for c in found)  # Ana has nothing assigned: every article
    done = {built.ids[n] for n in range(1, 201)}
    assert not {c.document for c in found} & done
    scores = classifier.uncertainty(
        project, trained.machine, [built.ids[n] for n in range(201, 261)]
    )
    best = sorted(scores.values(), reverse=True)[:5]
    assert [c.uncertainty for c in found] == pytest.approx(best)
    # With a queue, its articles not done are the candidates.
    ana = project.coders.lookup("Ana")
    assert ana is not None
    queued = [built.ids[n] for n in (205, 206, 207)]
    project.statuses.assign_many(ana.id, queued)
    assert {c.document for c in next_articles.uncertain_first(project, "Clf", "Ana")} == set(queued)


def _codings_of(project: object, coder_id: int) -> set[tuple[int, int, int | None, int | None]]:
    rows = project.db.execute(  # type: ignore[attr-defined]
        "SELECT document_id, code_id, start, end FROM codings WHERE coder_id = ?", [coder_id]
    )
    return set(rows)


def test_a_cancelled_run_resumes_with_the_articles_it_had_not_coded(
    built: MachineProject,
) -> None:
    trained = classifier.train(built.project, "Clf", "Ana")
    project, machine = built.project, trained.machine
    every = list(built.ids.values())
    assert len(every) > classifier.COMMIT  # the cancel comes between two commits
    seen: list[int] = []

    def progress(done: int, total: int, name: str) -> None:
        seen.append(done)

    stopped = classifier.code_articles(
        project, machine, every, unvalidated=True, progress=progress, cancel=lambda: bool(seen)
    )
    assert stopped.status == "cancelled"
    assert stopped.counts["articles_done"] == seen[-1] == classifier.COMMIT
    asked: list[int] = []
    resumed = classifier.code_articles(
        project,
        machine,
        [],
        resume=stopped.guid[:8],
        progress=lambda done, total, name: asked.append(total),
    )
    assert (resumed.guid, resumed.status) == (stopped.guid, "done")
    assert resumed.counts["articles_done"] == len(every)
    assert set(asked) == {len(every) - classifier.COMMIT}  # only the articles not done
    assert len(project.machine.runs(machine.id)) == 1
    after_resume = _codings_of(project, machine.coder_id)
    # The same codings as one uninterrupted run of the model.
    whole = classifier.code_articles(project, machine, every, unvalidated=True)
    assert whole.status == "done"
    assert after_resume == _codings_of(project, machine.coder_id) != set()


def test_resuming_refuses_in_one_line(built: MachineProject) -> None:
    trained = classifier.train(built.project, "Clf", "Ana")
    project, machine = built.project, trained.machine
    every = list(built.ids.values())
    done = classifier.code_articles(project, machine, every[:5], unvalidated=True)
    with pytest.raises(UserError, match="has coded all its articles"):
        classifier.code_articles(project, machine, [], resume=done.guid)
    stopped = classifier.code_articles(project, machine, every, cancel=lambda: True)
    assert stopped.status == "cancelled"
    other = classifier.train(project, "Other", "Ana").machine
    with pytest.raises(UserError, match="is not a run of machine 'Other'"):
        classifier.code_articles(project, other, [], resume=stopped.guid)
    code = next(c for c in project.codebook.tree().codes() if not c.is_dimension)
    project.codebook.update(code.id, description="a definition added since")
    with pytest.raises(UserError, match=r"started under another codebook \(it changed since\)"):
        classifier.code_articles(project, machine, [], resume=stopped.guid)
    built.code("Ana", range(201, 261), miss=0.05, seed=3)
    assert classifier.train(project, "Clf", "Ana").sha256 != trained.sha256  # a new model
    with pytest.raises(UserError, match=r"trained again since\): start a new run"):
        classifier.code_articles(project, machine, [], resume=stopped.guid)
    assert project.machine.run(stopped.id).status == "cancelled"  # untouched
