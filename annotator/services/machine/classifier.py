"""The supervised machine coder in a project: trained on one coder's codings, it codes
articles as its own machine coder (offline: nothing leaves the computer, nothing is
downloaded).

:func:`train` reads the articles the coder marked done, their codings and the codebook,
learns a model (:mod:`.learner`) and stores it in the project in its safe format
(:mod:`.model_file`) with the articles it was trained on and its cross-validated α per code;
the newest model of a machine is the one in use, so training again is retraining.
:func:`code_articles` codes articles with that model as a run (:mod:`.runs`): each article's
codings and its run row in one transaction, each coding with its confidence (the mean
calibrated probability of its sentences) and no reason. :func:`uncertainty` says how unsure
the model is of articles, for ordering a coder's queue (active learning).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.agreement.study import Dimension
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.language_codes import language_code
from annotator.domain.model import Coder, DocumentStatus
from annotator.services.machine import learner
from annotator.services.machine.coders import add_machine, backend
from annotator.services.machine.features import require_sklearn
from annotator.services.machine.learner import Corpus, Document, Model, Settings, TrainReport
from annotator.services.machine.model_file import FORMAT, dump, load, sha256
from annotator.services.machine.runs import (
    SHORT_GUID,
    MachineCoding,
    codebook_hash,
    finish_run,
    pending_documents,
    resume_run,
    start_run,
    stopped_run,
    write_article,
)
from annotator.storage import Project
from annotator.storage.machine import Backend, ModelRow, RunRecord

__all__ = [
    "CLASSIFIER",
    "Trained",
    "classifier_backend",
    "code_articles",
    "current_model",
    "documents_of",
    "settings_of",
    "train",
    "uncertainty",
]

CLASSIFIER = "classifier"
#: What a run records as the classifier's model.
MODEL_NAME = "annotator-classifier (TF-IDF + logistic regression)"
#: Articles read and coded at a time (memory stays small on large projects), and written
#: in one commit.
BATCH = 500
COMMIT = 100

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Trained:
    """A model trained and stored: its machine, row id, SHA-256, the coder it learned from
    and what cross-validation found."""

    machine: Backend
    model_id: int
    sha256: str
    coder: str
    report: TrainReport

    def as_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.name,
            "model_sha256": self.sha256,
            "trained_from": self.coder,
            "articles": self.report.documents,
            "sentences": self.report.sentences,
            "folds": self.report.folds,
            "terms": len(self.report.model.vectorizer.terms),
            "codes": [score.as_dict() for score in self.report.scores],
        }


def settings_of(machine: Backend) -> Settings:
    """The training settings a machine records (its ``settings``), the defaults for the rest;
    a value that is not a number is refused in one line."""
    defaults = Settings().as_dict()
    chosen = {key: machine.settings.get(key, value) for key, value in defaults.items()}
    try:
        settings = Settings.of(chosen)
    except (TypeError, ValueError):
        raise UserError(
            f"machine '{machine.name}' has training settings that are not numbers: {chosen}"
        ) from None
    spec = settings.features
    if not (1 <= spec.ngram_min <= spec.ngram_max <= 2) or spec.min_df < 1:
        raise UserError(f"machine '{machine.name}': n-grams are of 1 or 2 words, min_df ≥ 1")
    if settings.c <= 0 or settings.folds < 2 or spec.max_features < 1:
        raise UserError(f"machine '{machine.name}': c must be above 0 and folds at least 2")
    return settings


def classifier_backend(project: Project, name: str, *, create: bool = False) -> Backend:
    """The classifier machine named ``name`` (made, with its coder, when ``create`` and there
    is none); a machine of another kind is refused in one line."""
    if create and project.coders.lookup(name) is None:
        return add_machine(project, name, CLASSIFIER)
    found = backend(project, name)
    if found.kind != CLASSIFIER:
        raise UserError(
            f"machine '{found.name}' is a {found.kind}: training is for a classifier "
            "(give another --name to make one)"
        )
    return found


def dimensions_of(codebook: Codebook) -> tuple[list[Dimension], dict[int, str], dict[int, Any]]:
    """Every dimension with every code under it, each code's path and names."""
    dimensions, paths, parts = [], {}, {}
    for top in codebook.children(None):
        codes = tuple(c.id for c in codebook.walk(top.id))
        if codes:
            dimensions.append(Dimension(top.id, top.name, bool(top.exclusive), codes))
        paths[top.id] = codebook.path(top.id)
        for code in codes:
            paths[code] = codebook.path(code)
            parts[code] = tuple(codebook.parts(code))
    return dimensions, paths, parts


def documents_of(project: Project, ids: Iterable[int]) -> list[Document]:
    """The articles with these ids (in that order; gone ones left out), with their language
    (the ``language`` variable; English when none)."""
    wanted = list(dict.fromkeys(ids))
    rows = project.db.execute(
        "SELECT id, text FROM documents WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(wanted)],
    ).fetchall()
    texts = {int(i): str(t) for i, t in rows}
    values = project.documents.all_values(list(texts)) if texts else {}
    return [
        Document(d, texts[d], language_code(values.get(d, {})) or "en")
        for d in wanted
        if d in texts
    ]


def _human(project: Project, name: str) -> Coder:
    coder = project.coders.lookup(name)
    if coder is None:
        known = ", ".join(c.name for c in project.coders.all() if not c.is_machine) or "none"
        raise UserError(f"there is no coder '{name}' (coders: {known})")
    if coder.is_machine:
        raise UserError(f"'{coder.name}' is a machine: train from a human coder's codings")
    return coder


def train(
    project: Project,
    name: str,
    from_coder: str,
    *,
    documents: frozenset[int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Trained:
    """Train the classifier machine ``name`` (made when missing) on the articles
    ``from_coder`` marked done (of ``documents`` only, when given: a training set), and
    store the model. Refused in one line, nothing written, when the coder has no article
    done there or no code was given often enough."""
    require_sklearn()
    coder = _human(project, from_coder)
    existing = project.coders.lookup(name)
    if existing is not None:
        classifier_backend(project, name)  # refuses a human or another kind of machine
    done = sorted(
        d
        for (d, c), status in project.statuses.all().items()
        if c == coder.id and status is DocumentStatus.DONE and (documents is None or d in documents)
    )
    if len(done) < 2:
        raise UserError(
            f"{coder.name} has marked {len(done)} article{'s' * (len(done) != 1)} done"
            f"{'' if documents is None else ' in the set'}: "
            "training reads the articles a coder finished (mark them done), two at least"
        )
    tree = project.codebook.tree()
    dimensions, paths, parts = dimensions_of(tree)
    chosen = set(done)
    codings = [
        (d, code, s, e) for d, _, code, s, e in project.codings.rows([coder.id]) if d in chosen
    ]
    corpus = Corpus(documents_of(project, done), codings, dimensions, paths, parts)
    provisional = existing is None
    settings = Settings() if provisional else settings_of(classifier_backend(project, name))
    report = learner.train(corpus, settings, progress=progress)
    blob = dump(report.model)
    digest = sha256(blob)
    cv = {
        "coder": coder.name,
        "folds": report.folds,
        "articles": report.documents,
        "sentences": report.sentences,
        "settings": settings.as_dict(),
        "codes": [score.as_dict() for score in report.scores],
    }
    with project.transaction():
        machine = classifier_backend(project, name, create=True)
        if provisional:
            machine = project.machine.set_settings(
                machine.id, {**machine.settings, **settings.as_dict()}
            )
        model_id = project.machine.add_model(
            machine.id,
            format=FORMAT,
            model=blob,
            sha256=digest,
            trained_from_coder_id=coder.id,
            trained_document_ids=[d.id for d in corpus.documents],
            cv=cv,
        )
    return Trained(machine, model_id, digest, coder.name, report)


def current_model(project: Project, machine: Backend) -> tuple[Model, ModelRow]:
    """The model a classifier machine uses (its newest), loaded and checked; one line when
    it was never trained or the stored model is refused."""
    row = project.machine.latest_model(machine.id)
    if row is None:
        raise UserError(
            f"machine '{machine.name}' is not trained yet: annotator machine train PROJECT "
            f"--name {machine.name} --from CODER"
        )
    what = f"the model of machine '{machine.name}' (trained {row.trained_at[:10]})"
    if row.format != FORMAT:
        raise UserError(f"{what} is refused: its format {row.format[:40]!r} is not {FORMAT}")
    return load(row.model, row.sha256, what=what), row


def run_settings(model: Model, row: ModelRow) -> dict[str, Any]:
    """What a run of the model records as its settings: the training settings, the coder
    and articles it learned from, and each head's threshold."""
    return {
        **model.settings.as_dict(),
        "model_sha256": row.sha256,
        "trained_at": row.trained_at,
        "trained_articles": len(row.trained_document_ids),
        "thresholds": {head.name: round(head.threshold(), 6) for head in model.heads},
    }


def settings_sha256(model: Model, row: ModelRow) -> str:
    """The hash of what makes this machine's codings (see :mod:`.validate`): the model's
    SHA-256, its description and its settings."""
    text = json.dumps(
        {
            "kind": CLASSIFIER,
            "model_sha256": row.sha256,
            "prompt_sha256": hashlib.sha256(model.describe().encode("utf-8")).hexdigest(),
            "settings": run_settings(model, row),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_articles(
    project: Project,
    machine: Backend,
    document_ids: Sequence[int],
    *,
    unvalidated: bool = False,
    validated_by: int | None = None,
    purpose: str = "",
    resume: str | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> RunRecord:
    """Code the articles as the machine's coder, as one run: passages of sentences that
    pass a code's threshold (exclusive dimensions: one code per sentence), whole articles
    for codes learned at article level. Codes deleted from the codebook since training are
    dropped and counted. ``resume`` (a run's GUID or its start) goes on with a stopped run
    of the same model instead: the articles it had not coded. Returns the finished run
    (``cancelled`` when ``cancel`` said so; ``failed``, re-raised, on an error)."""
    model, row = current_model(project, machine)
    if resume is not None:
        run = resume_run(project, _resumable(project, machine, row, resume))
        ids = pending_documents(project, run)
    else:
        ids = list(dict.fromkeys(document_ids))
        settings = run_settings(model, row)
        if purpose:
            settings["purpose"] = purpose
        run = start_run(
            project,
            machine,
            document_ids=ids,
            prompt_template=model.describe(),
            settings=settings,
            unvalidated=unvalidated,
            validated_by=validated_by,
            model_version=row.sha256,
            model=MODEL_NAME,
        )
    tree = project.codebook.tree()
    names = dict(project.documents.names())
    done = 0
    try:
        for start in range(0, len(ids), BATCH):
            documents = documents_of(project, ids[start : start + BATCH])
            coded = learner.predict(model, documents)
            for first in range(0, len(documents), COMMIT):
                if cancel is not None and cancel():
                    return finish_run(project, run, "cancelled")
                # A commit per article would cost more than the coding; each article's
                # codings and its run row still commit together.
                with project.transaction():
                    for document in documents[first : first + COMMIT]:
                        _write(project, run, tree, document.id, coded[document.id])
                done += len(documents[first : first + COMMIT])
                if progress is not None:
                    progress(done, len(ids), names.get(documents[0].id, ""))
    except BaseException:
        finish_run(project, run, "failed")
        raise
    return finish_run(project, run, "done")


def _resumable(project: Project, machine: Backend, row: ModelRow, guid: str) -> RunRecord:
    """The stopped run ``guid`` of this machine's current model, with articles left."""
    run = stopped_run(project, machine, guid)
    if run.model_version != row.sha256:
        raise UserError(
            f"run {run.guid[:SHORT_GUID]} was coded by an earlier model of machine "
            f"'{machine.name}' (it was trained again since): start a new run instead"
        )
    if run.codebook_hash != codebook_hash(project.codebook.tree()):
        # Its codings carry the codebook version it started under: one run, one codebook.
        raise UserError(
            f"run {run.guid[:SHORT_GUID]} was started under another codebook (it changed "
            "since): start a new run instead"
        )
    return run


def _write(
    project: Project,
    run: RunRecord,
    tree: Codebook,
    document_id: int,
    found: Sequence[learner.Suggestion],
) -> None:
    """One article's codings (those of codes still in the codebook) and its run row."""
    kept = [
        MachineCoding(s.code_id, s.start, s.end, round(s.confidence, 6))
        for s in found
        if s.code_id in tree and not tree.get(s.code_id).is_dimension
    ]
    gone = len(found) - len(kept)
    write_article(
        project,
        run,
        document_id,
        kept,
        dropped=gone,
        counts={"dropped_codes": gone} if gone else None,
        codebook=tree,
    )


def uncertainty(
    project: Project, machine: Backend, document_ids: Sequence[int]
) -> dict[int, float]:
    """How unsure the machine's model is of each article (0 sure … 1 at a threshold)."""
    model, _ = current_model(project, machine)
    result: dict[int, float] = {}
    ids = list(dict.fromkeys(document_ids))
    for start in range(0, len(ids), BATCH):
        result.update(learner.uncertainty(model, documents_of(project, ids[start : start + BATCH])))
    return result
