"""A machine's runs: what each records, and how its codings are written.

:func:`start_run` records everything that makes the run's codings (model and version, the
full prompt template and its SHA-256, the codebook's version and hash, settings, the app
version); :func:`write_article` writes one article's codings and the run's row for it in ONE
transaction, so a run stopped anywhere resumes with :func:`pending_documents` (the articles
it has no ``done`` row for) and rewrites nothing it finished; :func:`finish_run` closes it.

The codings of a machine coder in an article are those of its latest run there: writing an
article first removes that coder's machine-made codings of it (an earlier run's, or a failed
attempt's). Replicates 2…K of a request code as coders of their own (see
:func:`~annotator.services.machine.coders.replicate_coder`), so they never mix.

Exclusive dimensions keep their rule for the machine as for people (one code per passage,
:mod:`annotator.domain.exclusive`): of codings that would clash the machine keeps the most
confident (a coding without a confidence counts as least confident; ties keep the earlier
one given) and counts the others as ``dropped_exclusive``.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotator import __version__
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus, new_guid, utc_now
from annotator.domain.text import check_span
from annotator.services.codebook_versions import current_version
from annotator.services.machine.coders import replicate_coder
from annotator.storage import Project
from annotator.storage.machine import (
    MACHINE_MADE,
    RUN_STATUSES,
    Backend,
    NewRun,
    RunArticle,
    RunRecord,
    dumps,
)

#: How a run's GUID is shown in tables (the JSON gives it whole).
SHORT_GUID = 8


@dataclass(frozen=True)
class MachineCoding:
    """One coding a machine gives an article: a code on ``[start, end)`` (both ``None``: the
    whole article), with the backend's confidence and reason where it gives them."""

    code_id: int
    start: int | None
    end: int | None
    confidence: float | None = None
    reason: str | None = None


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def codebook_hash(codebook: Codebook) -> str:
    """A SHA-256 of what the codebook says, in its order: every node's path, description
    (definition, rules, examples) and whether it is exclusive. Colours and shortcuts do not
    count; neither do ids or GUIDs, so two copies of one codebook hash alike."""
    nodes = [
        {
            "path": codebook.parts(code.id),
            "description": code.description,
            "exclusive": bool(code.exclusive),
        }
        for code in codebook.walk()
    ]
    return hashlib.sha256(dumps(nodes).encode("utf-8", "surrogatepass")).hexdigest()


def start_run(
    project: Project,
    backend: Backend,
    *,
    document_ids: Sequence[int],
    prompt_template: str,
    settings: Mapping[str, Any],
    replicate: int = 1,
    replicate_group: str | None = None,
    unvalidated: bool = False,
    validated_by: int | None = None,
    model_version: str | None = None,
    model: str | None = None,
) -> RunRecord:
    """Record a new run of ``backend`` over ``document_ids`` (status ``running``).

    ``prompt_template``: the full prompt template of a language model, or for a classifier a
    description of its features and thresholds; ``model_version``: what the server reports
    (a digest), or the classifier model's SHA-256; ``model`` defaults to the backend's.
    ``replicate`` K of a ``replicate_group`` (a fresh group by default) codes as the coder
    :func:`replicate_coder` gives."""
    if replicate < 1:
        raise ValueError("replicates are numbered from 1")
    if validated_by is not None and unvalidated:
        raise ValueError("a run is either validated or unvalidated")
    tree = project.codebook.tree()
    with project.transaction():
        coder = replicate_coder(project, backend, replicate)
        return project.machine.add_run(
            NewRun(
                backend_id=backend.id,
                coder_id=coder.id,
                kind=backend.kind,
                model=backend.model if model is None else model,
                model_version=model_version,
                prompt_template=prompt_template,
                prompt_sha256=sha256_text(prompt_template),
                codebook_version=current_version(project).latest_change or None,
                codebook_hash=codebook_hash(tree),
                settings=dict(settings),
                app_version=__version__,
                replicate=replicate,
                replicate_group=replicate_group or new_guid(),
                validated_by=validated_by,
                unvalidated=unvalidated,
                document_ids=list(document_ids),
            )
        )


def origin(run: RunRecord, coding: MachineCoding) -> str:
    """The ``codings.origin`` of a machine coding (JSON)."""
    return dumps(
        {
            "kind": "machine",
            "run": run.guid,
            "confidence": coding.confidence,
            "reason": coding.reason,
        }
    )


class _Dimension:
    """The codings of one exclusive dimension taken so far, for an answer in logarithmic
    time to whether another breaks its rule (the rule of domain.exclusive: a whole-article
    code beside any other code of the dimension; two codes on overlapping passages). The
    passages are kept as disjoint spans, those of one code that overlap merged: a taken
    passage of another code never overlaps them."""

    def __init__(self) -> None:
        self.codes: set[int] = set()
        self.whole: set[int] = set()
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.labels: list[int] = []

    def _overlapping(self, start: int, end: int) -> range:
        last = bisect_left(self.starts, end) - 1
        first = last
        while first >= 0 and self.ends[first] > start:
            first -= 1
        return range(first + 1, last + 1)

    def clashes(self, code: int, start: int | None, end: int | None) -> bool:
        if start is None or end is None:
            return bool(self.codes - {code})
        if self.whole - {code}:
            return True
        return any(self.labels[k] != code for k in self._overlapping(start, end))

    def take(self, code: int, start: int | None, end: int | None) -> None:
        self.codes.add(code)
        if start is None or end is None:
            self.whole.add(code)
            return
        found = self._overlapping(start, end)
        if found:
            start = min(start, self.starts[found.start])
            end = max(end, self.ends[found.stop - 1])
        where = slice(found.start, found.stop) if found else slice(found.start, found.start)
        self.starts[where], self.ends[where], self.labels[where] = [start], [end], [code]


def keep_exclusive_rule(
    codebook: Codebook,
    document_id: int,
    coder_id: int,
    codings: Sequence[MachineCoding],
    staying: Sequence[tuple[int, int | None, int | None]] = (),
) -> tuple[list[MachineCoding], list[MachineCoding]]:
    """Split ``codings`` into those kept and those dropped so that, with the coder's other
    codings of the article (``staying``: code, start, end), no exclusive dimension's rule is
    broken: the most confident codings are taken first; one clashing with a coding already
    taken is dropped. Both lists keep the order given. (``document_id`` and ``coder_id``
    name whose codings they are; the rule is domain.exclusive's, checked incrementally so
    that thousands of codings cost what they are, not their square.)"""
    order = sorted(
        range(len(codings)),
        key=lambda k: (codings[k].confidence is None, -(codings[k].confidence or 0.0), k),
    )
    dimensions: dict[int, _Dimension] = {}

    def exclusive(code: int) -> _Dimension | None:
        dimension = codebook.dimension_of(code)
        if not dimension.exclusive or dimension.id == code:
            return None
        return dimensions.setdefault(dimension.id, _Dimension())

    for code, start, end in staying:
        taken = exclusive(code) if code in codebook else None
        if taken is not None:
            taken.take(code, start, end)
    kept: set[int] = set()
    for k in order:
        coding = codings[k]
        taken = exclusive(coding.code_id)
        if taken is not None:
            if taken.clashes(coding.code_id, coding.start, coding.end):
                continue
            taken.take(coding.code_id, coding.start, coding.end)
        kept.add(k)
    return (
        [c for k, c in enumerate(codings) if k in kept],
        [c for k, c in enumerate(codings) if k not in kept],
    )


def _check_codings(
    project: Project, codebook: Codebook, document_id: int, codings: Sequence[MachineCoding]
) -> None:
    """Refuse (ValueError: the backend's bug) a code not in the codebook, a dimension, or a
    span outside the article."""
    length = project.machine.document_length(document_id)
    if length is None:
        raise UserError(f"there is no article with id {document_id}")
    for coding in codings:
        if coding.code_id not in codebook:
            raise ValueError(f"code id {coding.code_id} is not in the codebook")
        if codebook.get(coding.code_id).is_dimension:
            raise ValueError(f"'{codebook.path(coding.code_id)}' is a dimension")
        check_span(coding.start, coding.end, length)
        if coding.confidence is not None and not 0.0 <= coding.confidence <= 1.0:
            raise ValueError(f"confidence {coding.confidence} is not between 0 and 1")


def write_article(
    project: Project,
    run: RunRecord,
    document_id: int,
    codings: Sequence[MachineCoding],
    *,
    dropped: int = 0,
    tokens: tuple[int, int] | None = None,
    status: str = "done",
    reason: str | None = None,
    counts: Mapping[str, int] | None = None,
    codebook: Codebook | None = None,
) -> bool:
    """Write what ``run`` made of one article, in ONE transaction: the coder's earlier
    machine codings of the article removed, ``codings`` written (the exclusive rule kept, see
    :func:`keep_exclusive_rule`) with their origin, the article marked done for the run's
    coder, the run's row for the article, and the run's counts and tokens.

    ``status`` ``failed`` (with a one-line ``reason``) records a failed article and writes no
    codings (the coder's earlier ones stay). ``dropped``: the answers the backend dropped
    (quotes not in the text, codes not in the codebook); ``counts``: more counters to add to
    the run's (``dropped_quotes``, ``dropped_codes``, ``retries``…); ``tokens``: (prompt,
    completion). An article the run already has ``done`` is left as it is: returns False
    (resume rewrites nothing done), else True."""
    if status not in ("done", "failed"):
        raise ValueError(f"an article is done or failed, not {status!r}")
    if status == "failed" and codings:
        raise ValueError("a failed article has no codings")
    tree = codebook if codebook is not None else project.codebook.tree()
    _check_codings(project, tree, document_id, codings)
    store = project.machine
    with project.transaction():
        current = store.run_state(run.id)
        if current.status != "running":
            raise UserError(f"run {run.guid[:SHORT_GUID]} is {current.status}: resume it first")
        before = store.run_article(run.id, document_id)
        if before is not None and before.status == "done":
            return False
        written: list[MachineCoding] = []
        lost: list[MachineCoding] = []
        if status == "done":
            store.remove_machine_codings(current.coder_id, document_id)
            staying = store.other_codings(current.coder_id, document_id)
            written, lost = keep_exclusive_rule(
                tree, document_id, current.coder_id, codings, staying
            )
            store.insert_codings(
                [
                    (document_id, current.coder_id, c.code_id, c.start, c.end, origin(run, c))
                    for c in written
                ],
                current.codebook_version,
            )
            project.statuses.mark(document_id, current.coder_id, DocumentStatus.DONE)
        store.put_run_article(
            RunArticle(
                run.id,
                document_id,
                status,
                reason,
                len(written),
                dropped + len(lost),
                None if tokens is None else tokens[0],
                None if tokens is None else tokens[1],
            )
        )
        totals = dict(current.counts)
        for key, value in (counts or {}).items():
            totals[key] = totals.get(key, 0) + int(value)
        totals["dropped_exclusive"] = totals.get("dropped_exclusive", 0) + len(lost)
        done, failed, made, _ = store.article_totals(run.id)
        totals.update(articles_done=done, articles_failed=failed, codings=made)
        spent = (
            current.tokens_prompt + (tokens[0] if tokens else 0),
            current.tokens_completion + (tokens[1] if tokens else 0),
        )
        store.set_run_counts(run.id, totals, spent)
    return True


def pending_documents(project: Project, run: RunRecord) -> list[int]:
    """The articles ``run`` was asked to code that it has not done (failed ones included)
    and the project still holds, in the order asked: what resuming it codes (an article
    deleted since can be coded no more)."""
    done = {d for d, a in project.machine.run_articles(run.id).items() if a.status == "done"}
    held = {
        int(d)
        for (d,) in project.db.execute(
            "SELECT id FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(run.document_ids)],
        )
    }
    return [d for d in run.document_ids if d not in done and d in held]


def finish_run(project: Project, run: RunRecord, status: str) -> RunRecord:
    """Close ``run`` as ``done``, ``cancelled`` or ``failed`` (now is its end)."""
    if status not in RUN_STATUSES or status == "running":
        raise ValueError(f"a run finishes done, cancelled or failed, not {status!r}")
    with project.transaction():
        project.machine.set_run_end(run.id, status, utc_now())
    return project.machine.run(run.id)


def resume_run(project: Project, run: RunRecord) -> RunRecord:
    """Open a stopped run again for :func:`write_article` (its end is cleared)."""
    with project.transaction():
        project.machine.set_run_end(run.id, "running", None)
    return project.machine.run(run.id)


def stopped_run(project: Project, backend: Backend, guid: str) -> RunRecord:
    """The run ``guid`` (or its start) of ``backend`` with articles it has not coded: what
    resuming goes on with; one line when it is another machine's or has none left."""
    run = find_run(project, guid)
    shown = run.guid[:SHORT_GUID]
    if run.backend_id != backend.id:
        raise UserError(f"run {shown} is not a run of machine '{backend.name}'")
    if not pending_documents(project, run):
        raise UserError(f"run {shown} has coded all its articles: there is nothing to resume")
    return run


def find_run(project: Project, guid: str) -> RunRecord:
    """The run whose GUID is ``guid`` or starts with it (as ``machine runs`` shows it); one
    line when no run or several runs match."""
    wanted = guid.strip().strip("{}")
    found = project.machine.runs_by_guid_prefix(wanted) if wanted else []
    if not found:
        raise UserError(f"the project has no machine run '{guid}' (see 'annotator machine runs')")
    if len(found) > 1:
        raise UserError(f"'{guid}' starts {len(found)} runs' GUIDs: give more of it")
    return found[0]


def runs_listing(project: Project) -> list[dict[str, Any]]:
    """Every run, oldest first, with everything it records: its machine and coder by name,
    the validation it relies on (GUID), the articles it finished (failed ones with their
    reason) and how many of its codings the project still holds."""
    machines = {b.id: b for b in project.machine.backends()}
    coders = {c.id: c.name for c in project.coders.all()}
    names = dict(project.documents.names())
    now = project.machine.run_coding_counts()
    validations: dict[int, str] = {}
    listing = []
    for run in project.machine.runs():
        machine = machines.get(run.backend_id)
        if run.validated_by is not None and run.validated_by not in validations:
            validations[run.validated_by] = project.machine.validation(run.validated_by).guid
        articles = project.machine.run_articles(run.id)
        entry = run.as_dict()
        entry.update(
            machine=machine.name if machine else "",
            coder=coders.get(run.coder_id, ""),
            url=machine.url if machine else "",
            validated_by=validations.get(run.validated_by) if run.validated_by else None,
            articles_asked=len(run.document_ids),
            dropped=sum(a.dropped for a in articles.values()),
            codings_now=now.get(run.guid, 0),
            failed_articles=[
                {
                    "document_id": a.document_id,
                    "document": names.get(a.document_id, ""),
                    "reason": a.reason or "",
                }
                for a in articles.values()
                if a.status == "failed"
            ],
        )
        listing.append(entry)
    return listing


def machine_origin(text: str | None) -> dict[str, Any] | None:
    """A coding's origin as a machine or assisted coding's (None for any other)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, dict) and value.get("kind") in ("machine", "assisted"):
        return value
    return None


__all__ = [
    "MACHINE_MADE",
    "MachineCoding",
    "codebook_hash",
    "find_run",
    "finish_run",
    "keep_exclusive_rule",
    "machine_origin",
    "pending_documents",
    "resume_run",
    "runs_listing",
    "start_run",
    "stopped_run",
    "write_article",
]
