"""Validating a machine before use: its agreement with human coders, measured as theirs is.

:func:`validate` compares a machine with one or more human coders on the articles all of
them marked done, leaving out the articles the machine was trained on (counted). Where the
machine has not coded an article with its current settings, it codes it first (the trained
classifier here; a language model through its own backend). Then, for each code the machine
gives and each dimension, by the project's agreement engine at one level (any level of
``agreement``: ``document``, ``character``, ``unitizing`` or ``segment``):

- α of the machine with each human, and ``alpha_machine``, their mean, with a 95 % percentile
  bootstrap interval: the articles are resampled (1,000 resamples, seeded, the draws the
  agreement report uses), each resample giving every pair's α from the same articles, and
  the mean of those is what the interval is taken over (at the unitizing and segment levels,
  whose figures do not add up over articles, each resample is measured again by the engine:
  :mod:`~annotator.services.machine.resampled`; the segment level has no α, so its figure
  is the share of segments matched, which the verdict's cut-offs are applied to);
- the humans' α among themselves (all of them together, with the engine's interval);
- precision, recall and F1 of the machine against each human, over the level's units
  (characters weighted by length, or articles; characters at the unitizing and segment
  levels), a dimension's micro-averaged over its codes;
- with replicates (coders "NAME (replicate K)"), the machine's α with itself: stability;
- a verdict from ``alpha_machine``: ``reliable`` (≥ .800), ``tentative`` (≥ .667) or
  ``unreliable`` (lower, or undefined).

The result is stored (``machine_validations``) under the hash of what makes the machine's
codings (:func:`settings_sha256`): coding other articles needs a validation of the same
settings, or ``--unvalidated``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.bootstrap import RESAMPLES, SEED, draws, percentile_interval
from annotator.agreement.coefficients import alpha_statistics_by_group, alpha_values
from annotator.agreement.levels import ArticleLevel, CharacterLevel
from annotator.agreement.ratings import Ratings
from annotator.agreement.report import Measure, Options, measure_agreement
from annotator.agreement.study import Study
from annotator.domain.errors import UserError
from annotator.domain.model import Coder, DocumentStatus
from annotator.services.agreement import Request, study_of
from annotator.services.machine import classifier
from annotator.services.machine.coders import backend as find_backend
from annotator.services.machine.coders import is_replicate_of
from annotator.services.machine.resampled import SPAN_LEVELS, figure, mean_intervals
from annotator.storage import Project
from annotator.storage.machine import Backend, RunRecord, ValidationRow

__all__ = [
    "LEVELS",
    "RELIABLE",
    "TENTATIVE",
    "Validation",
    "code_with",
    "current_settings",
    "latest_validation",
    "validate",
    "verdict",
]

#: The levels a validation measures at: those of ``agreement``.
LEVELS = ("character", "document", "unitizing", "segment")
RELIABLE, TENTATIVE = 0.800, 0.667
VERDICTS = ("reliable", "tentative", "unreliable")


def verdict(alpha: float | None) -> str:
    if alpha is None or alpha < TENTATIVE:
        return "unreliable"
    return "reliable" if alpha >= RELIABLE else "tentative"


@dataclass(frozen=True)
class Current:
    """What makes a machine's codings now: its settings hash, the codes it can give, the
    articles it was trained on, and which of its runs coded with these settings."""

    sha256: str
    codes: frozenset[int] | None  # None: every code of the codebook
    trained: frozenset[int]
    fits: Callable[[RunRecord], bool]
    description: dict[str, Any]


def _without(settings: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k not in keys}


def current_settings(project: Project, machine: Backend) -> Current:
    """The machine's current settings (classifier: its newest model; language model: model,
    prompt and sampling settings), or one line saying why there are none."""
    if machine.kind == classifier.CLASSIFIER:
        model, row = classifier.current_model(project, machine)
        codes = frozenset(code for head in model.heads for code in head.codes)
        return Current(
            classifier.settings_sha256(model, row),
            codes,
            frozenset(row.trained_document_ids),
            lambda run: run.kind == classifier.CLASSIFIER and run.model_version == row.sha256,
            {
                "model": "annotator-classifier",
                "model_version": row.sha256,
                "trained_at": row.trained_at,
                "prompt_sha256": _sha(model.describe()),
                "settings": classifier.run_settings(model, row),
            },
        )
    llm = _llm()
    tree = project.codebook.tree()
    prompt = llm.build_prompt(tree)
    settings = llm.backend_settings(machine)
    sha = llm.settings_sha256(machine, prompt.sha256, settings)

    def fits(run: RunRecord) -> bool:
        try:
            recorded = llm.Settings.from_dict(run.settings)
        except (TypeError, ValueError, KeyError):
            return False
        same = replace(machine, model=run.model)
        return bool(llm.settings_sha256(same, run.prompt_sha256, recorded) == sha)

    return Current(
        sha,
        None,
        frozenset(),
        fits,
        {
            "model": machine.model,
            "model_version": None,
            "prompt_sha256": prompt.sha256,
            "settings": llm.run_settings(machine, settings),
        },
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class _Llm:
    """The language-model backend's functions (its package, ``services/machine/llm``, is
    looked up when a language model is used: this module works without it)."""

    def __init__(self) -> None:
        coder = importlib.import_module("annotator.services.machine.llm.coder")
        prompt = importlib.import_module("annotator.services.machine.llm.prompt")
        client = importlib.import_module("annotator.services.machine.llm.client")
        self.code_articles: Callable[..., list[RunRecord]] = coder.code_articles
        self.settings_sha256: Callable[..., str] = coder.settings_sha256
        self.backend_settings: Callable[[Backend], Any] = coder.backend_settings
        self.run_settings: Callable[..., dict[str, Any]] = coder.run_settings
        self.build_prompt: Callable[..., Any] = prompt.build_prompt
        self.Settings: Any = client.Settings


def _llm() -> _Llm:
    try:
        return _Llm()
    except (ImportError, AttributeError):
        raise UserError(
            "coding with a language model is not available in this version of annotator"
        ) from None


def code_with(
    project: Project,
    machine: Backend,
    document_ids: Sequence[int],
    *,
    purpose: str = "",
    progress: Callable[[int, int, str], None] | None = None,
) -> list[RunRecord]:
    """Code the articles a validation compares with a machine of either kind, as runs of
    ``purpose`` (``machine code`` codes through services/machine/coding_job.code)."""
    if machine.kind == classifier.CLASSIFIER:
        return [
            classifier.code_articles(
                project, machine, document_ids, purpose=purpose, progress=progress
            )
        ]
    return _llm().code_articles(project, machine, document_ids, unvalidated=True, progress=progress)


def latest_validation(project: Project, machine: Backend) -> ValidationRow | None:
    """The newest validation of the machine's current settings (None: none yet)."""
    found = project.machine.validations(machine.id, current_settings(project, machine).sha256)
    return found[-1] if found else None


@dataclass(frozen=True)
class Validation:
    """A validation stored: its GUID, the machine, the humans, the level, the articles
    compared and those left out as trained on, those the machine coded first, the settings
    hash and the rows (see :func:`validate`)."""

    guid: str
    machine: str
    against: tuple[str, ...]
    level: str
    articles: int
    excluded_trained: int
    coded_first: int
    settings_sha256: str
    rows: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "validation": self.guid,
            "machine": self.machine,
            "against": list(self.against),
            "level": self.level,
            "articles": self.articles,
            "excluded_trained": self.excluded_trained,
            "coded_first": self.coded_first,
            "settings_sha256": self.settings_sha256,
            "resamples": RESAMPLES,
            "seed": SEED,
            "rows": list(self.rows),
        }


def _humans(project: Project, names: Sequence[str]) -> list[Coder]:
    chosen: list[Coder] = []
    for name in names:
        coder = project.coders.lookup(name)
        if coder is None:
            known = ", ".join(c.name for c in project.coders.all() if not c.is_machine)
            raise UserError(f"there is no coder '{name}' (coders: {known or 'none'})")
        if coder.is_machine:
            raise UserError(f"'{coder.name}' is a machine: validate against human coders")
        if coder in chosen:
            raise UserError(f"coder '{coder.name}' is named twice")
        chosen.append(coder)
    if not chosen:
        raise UserError("name the human coders to validate against: --against A,B")
    return chosen


def _latest_runs(project: Project, coder_id: int) -> dict[int, int]:
    """For each article: the newest run of this coder that finished it (run id)."""
    rows = project.db.execute(
        "SELECT ra.document_id, max(r.id) FROM machine_run_articles ra "
        "JOIN machine_runs r ON r.id = ra.run_id "
        "WHERE r.coder_id = ? AND ra.status = 'done' GROUP BY ra.document_id",
        [coder_id],
    )
    return {int(d): int(r) for d, r in rows}


def validate(
    project: Project,
    name: str,
    against: Sequence[str],
    level: str = "character",
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> Validation:
    """Validate the machine ``name`` against the human coders ``against`` at ``level`` and
    store the result (see the module's description)."""
    machine = find_backend(project, name)
    if level not in LEVELS:
        raise UserError(
            f"machine validate measures at the {', '.join(LEVELS)} level, not '{level}'"
        )
    humans = _humans(project, against)
    current = current_settings(project, machine)
    statuses = project.statuses.all()
    common: set[int] | None = None
    for human in humans:
        done = {d for (d, c), s in statuses.items() if c == human.id and s is DocumentStatus.DONE}
        common = done if common is None else common & done
    common = common or set()
    who = " and ".join(h.name for h in humans)
    if not common:
        raise UserError(
            f"no article is marked done by {'both ' if len(humans) == 2 else ''}{who}: "
            "validation compares the machine on the articles they all finished"
        )
    excluded = common & current.trained
    articles = sorted(common - current.trained)
    if not articles:
        raise UserError(
            f"all {len(common)} articles {who} finished were used to train "
            f"'{machine.name}': validate on articles it did not learn from"
        )
    latest = _latest_runs(project, machine.coder_id)
    runs = {r.id: r for r in project.machine.runs(machine.id)}
    to_code = [d for d in articles if d not in latest or not current.fits(runs[latest[d]])]
    if to_code:
        code_with(project, machine, to_code, purpose="validation", progress=progress)
    rows = _rows(project, machine, humans, articles, level, current)
    for row in rows:
        row["excluded_trained"] = len(excluded)
    with project.transaction():
        stored = project.machine.add_validation(
            machine.id,
            settings_sha256=current.sha256,
            against=[h.name for h in humans],
            level=level,
            result=rows,
            excluded_trained=len(excluded),
        )
    return Validation(
        stored.guid,
        machine.name,
        tuple(h.name for h in humans),
        level,
        len(articles),
        len(excluded),
        len(to_code),
        current.sha256,
        tuple(rows),
    )


# -- the figures -------------------------------------------------------------------------------


@dataclass
class _Pair:
    """One machine–human comparison: the engine's rows and the ratings behind them (at the
    unitizing and segment levels, the character level's, for precision, recall and F1)."""

    study: Study
    measures: dict[tuple[str, str], Measure]
    ratings: dict[tuple[str, str], Ratings]


def _study(
    project: Project, coders: Sequence[str], articles: Sequence[int], codes: Sequence[str]
) -> Study:
    return study_of(
        project,
        Request(coders=coders, codes=codes, documents=frozenset(articles), interval=False),
    )


def _pair(study: Study, level: str) -> _Pair:
    report = measure_agreement(study, Options(levels=(level,), bootstrap=False))
    measures = {(m.scope, m.name): m for m in report.measures}
    ratings: dict[tuple[str, str], Ratings] = {}
    if level == "document":
        article = ArticleLevel(study)
        for dimension in study.dimensions:
            if dimension.whole:
                ratings[("dimension", dimension.name)] = article.dimension(dimension)[0]
            for code in dimension.codes:
                ratings[("code", study.paths[code])] = article.code(code)
    else:
        characters = CharacterLevel(study)
        for dimension in study.dimensions:
            if dimension.exclusive and dimension.whole:
                ratings[("dimension", dimension.name)] = characters.dimension(dimension)[0]
            for code in dimension.codes:
                ratings[("code", study.paths[code])] = characters.code(code)
    return _Pair(study, measures, ratings)


def _counts(ratings: Ratings) -> tuple[float, float, float]:
    """True positives, false positives, false negatives of the machine (column 0) against the
    human (column 1), weighted (characters), over the units both rated."""
    machine, human = ratings.values[:, 0], ratings.values[:, 1]
    both = (machine >= 0) & (human >= 0)
    weights = ratings.weights
    hit = both & (machine == human) & (machine > 0)
    return (
        float(weights[hit].sum()),
        float(weights[both & (machine > 0) & (machine != human)].sum()),
        float(weights[both & (human > 0) & (machine != human)].sum()),
    )


def _prf(tp: float, fp: float, fn: float) -> tuple[float | None, float | None, float | None]:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return precision, recall, f1


def _mean_interval(
    pairs: Sequence[_Pair], key: tuple[str, str]
) -> tuple[tuple[float, float] | None, str]:
    """The 95 % interval of the mean of the pairs' α over article resamples (the same
    articles drawn for every pair), or why there is none."""
    tables = []
    for pair in pairs:
        ratings = pair.ratings.get(key)
        if ratings is None:
            return None, "no α to resample"
        groups, sums = alpha_statistics_by_group(ratings)
        documents = pair.study.documents[groups]
        tables.append((documents, sums))
    every = np.unique(np.concatenate([documents for documents, _ in tables]))
    if len(every) < 2:
        return None, "an interval needs two or more articles"
    drawn = draws(len(every), RESAMPLES, SEED)
    alphas: list[NDArray[np.float64]] = []
    usable = np.ones(RESAMPLES, dtype=bool)
    for documents, sums in tables:
        full = np.zeros((len(every), sums.shape[1]))
        full[np.searchsorted(every, documents)] = sums
        alpha, defined = alpha_values(drawn @ full)
        alphas.append(alpha)
        usable &= defined
    mean = np.mean(alphas, axis=0)
    interval = percentile_interval(mean[usable], len(every), RESAMPLES, what="the mean α")
    return interval.bounds, interval.why or interval.caution


def _alpha(measure: Measure | None) -> float | None:
    return figure(measure)


def _rows(
    project: Project,
    machine: Backend,
    humans: Sequence[Coder],
    articles: Sequence[int],
    level: str,
    current: Current,
) -> list[dict[str, Any]]:
    tree = project.codebook.tree()
    gives = current.codes
    dimensions = [
        d
        for d in tree.children(None)
        if any(gives is None or c.id in gives for c in tree.walk(d.id))
    ]
    codes = [tree.path(d.id) for d in dimensions]
    if not codes:
        raise UserError(f"machine '{machine.name}' gives no code of the codebook")
    pairs = [_pair(_study(project, [machine.name, h.name], articles, codes), level) for h in humans]
    among = None
    if len(humans) > 1:
        study = study_of(
            project,
            Request(
                coders=[h.name for h in humans],
                codes=codes,
                documents=frozenset(articles),
                levels=(level,),
            ),
        )
        report = measure_agreement(study, Options(levels=(level,), bootstrap=True))
        among = {(m.scope, m.name): m for m in report.measures}
    replicates = [
        c.name
        for c in project.coders.all()
        if c.is_machine and is_replicate_of(c.name, machine.name)
    ]
    stability = None
    if replicates:
        study = _study(project, [machine.name, *replicates], articles, codes)
        report = measure_agreement(study, Options(levels=(level,), bootstrap=False))
        stability = {(m.scope, m.name): m for m in report.measures}
    spans = None
    if level in SPAN_LEVELS:
        spans = mean_intervals([p.study for p in pairs], articles, level)
    rows = []
    first = pairs[0]
    for dimension in first.study.dimensions:
        keys: list[tuple[str, str, int | None]] = []
        if ("dimension", dimension.name) in first.ratings and level not in SPAN_LEVELS:
            keys.append(("dimension", dimension.name, None))
        keys += [
            ("code", first.study.paths[c], c)
            for c in dimension.codes
            if gives is None or c in gives
        ]
        for scope, name, code in keys:
            rows.append(
                _row(
                    (scope, name),
                    code,
                    dimension.codes if code is None else (code,),
                    pairs,
                    humans,
                    level,
                    among,
                    stability,
                    len(articles),
                    spans,
                )
            )
    return rows


def _row(
    key: tuple[str, str],
    code: int | None,
    codes: Sequence[int],
    pairs: Sequence[_Pair],
    humans: Sequence[Coder],
    level: str,
    among: Mapping[tuple[str, str], Measure] | None,
    stability: Mapping[tuple[str, str], Measure] | None,
    articles: int,
    spans: Mapping[tuple[str, str], tuple[tuple[float, float] | None, str]] | None = None,
) -> dict[str, Any]:
    by_human = {h.name: _alpha(p.measures.get(key)) for h, p in zip(humans, pairs, strict=True)}
    known = [a for a in by_human.values() if a is not None]
    mean = float(np.mean(known)) if len(known) == len(by_human) else None
    if mean is None:
        interval, why = None, ""
    elif spans is not None:
        interval, why = spans.get(key, (None, "an interval needs two or more articles"))
    else:
        interval, why = _mean_interval(pairs, key)
    notes = []
    if mean is None:
        notes.append("α is undefined against at least one coder (nothing to agree on)")
    elif why:
        notes.append(f"no interval: {why}" if interval is None else why)
    if level == "segment":
        notes.append("the segment level has no α: the figures are shares of segments matched")
    if level in SPAN_LEVELS:
        notes.append("precision, recall and F1 over characters")
    precision, recall, f1 = {}, {}, {}
    for human, pair in zip(humans, pairs, strict=True):
        totals = np.zeros(3)
        for each in codes:
            ratings = pair.ratings.get(("code", pair.study.paths[each]))
            if ratings is not None:
                totals += _counts(ratings)
        p, r, f = _prf(*(float(t) for t in totals))
        precision[human.name], recall[human.name], f1[human.name] = p, r, f
    humans_measure = among.get(key) if among is not None else None
    stable = stability.get(key) if stability is not None else None
    first = pairs[0].measures.get(key)
    return {
        "code_path": key[1],
        "scope": key[0],
        "level": level,
        "alpha_machine": mean,
        "alpha_machine_low": interval[0] if interval else None,
        "alpha_machine_high": interval[1] if interval else None,
        "alpha_by_coder": by_human,
        "alpha_humans": _alpha(humans_measure),
        "alpha_humans_ci95": list(humans_measure.alpha_ci95)
        if humans_measure is not None and humans_measure.alpha_ci95
        else None,
        "stability": _alpha(stable),
        "n_units": first.units if first is not None else 0,
        "n_articles": articles,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "verdict": verdict(mean),
        "note": "; ".join(notes),
    }


def settings_text(current: Current) -> str:
    return json.dumps(current.description, sort_keys=True, ensure_ascii=False)
