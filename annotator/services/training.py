"""A coder against a reference: the training report a supervisor hands to a coder.

The trainee is compared with a reference coder — a gold standard coded by an experienced
coder, or the ``consensus`` coder the review built — on the articles that count for both:

- **agreement**: the engine on the two of them (the same figures as
  ``measure(project, Request(coders=[trainee, reference]))``);
- **confusion at article level** per exclusive dimension: for each article, the reference's
  code (rows) against the trainee's (columns) — ``(none)`` when one applied none of the
  dimension's codes there, ``A + B`` when one applied two of them in the article (exclusive
  means one code per passage, not per article). The categories are the engine's
  (:class:`~annotator.agreement.levels.ArticleLevel`);
- **missed** passages: codings of the reference with no coding of the same code by the
  trainee overlapping them (by one character or more; a whole-article coding overlaps every
  passage of its article), and **added** ones: the trainee's with none of the reference's.

Articles count for a coder as agreement counts them (marked done, or assigned and done). The
consensus coder marks nothing done: an article counts for it when it holds a consensus coding
or a review decision, or is marked done for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from annotator.agreement.levels import ArticleLevel
from annotator.agreement.report import Options, Report, measure_agreement
from annotator.agreement.study import WHOLE_ARTICLE, Study
from annotator.domain.errors import UserError
from annotator.services.agreement import CONSENSUS, Request, options_of, study_of
from annotator.storage import Project

MISSED = "missed"
ADDED = "added"
#: Passages longer than this are shortened in the report (their place is given in full).
PASSAGE_CHARS = 300
WHOLE = "(the whole article)"


@dataclass(frozen=True)
class Passage:
    """A passage one of the two coded with a code and the other did not: ``missed`` (the
    reference's, the trainee has no overlapping coding of the code) or ``added`` (the
    trainee's, the reference has none). ``start``/``end`` are None for a whole-article
    coding; ``text`` is the passage, shortened past :data:`PASSAGE_CHARS`."""

    kind: str
    code: str
    document_id: int
    document: str
    start: int | None
    end: int | None
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "document_id": self.document_id,
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True)
class ArticleConfusion:
    """Articles of an exclusive dimension by the reference's codes (rows) and the trainee's
    (columns)."""

    dimension: str
    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def articles(self) -> int:
        return sum(map(sum, self.counts))

    @property
    def agreeing(self) -> int:
        return sum(self.counts[k][k] for k in range(len(self.labels)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "rows": "reference",
            "columns": "trainee",
            "labels": list(self.labels),
            "counts": [list(row) for row in self.counts],
            "articles": self.articles,
            "agreeing": self.agreeing,
        }


@dataclass(frozen=True)
class TrainingReport:
    """The trainee against the reference: the engine's report on the two, article-level
    confusion matrices of exclusive dimensions, and the passages missed and added."""

    trainee: str
    reference: str
    documents: int
    agreement: Report
    confusions: tuple[ArticleConfusion, ...]
    passages: tuple[Passage, ...]

    @property
    def missed(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == MISSED]

    @property
    def added(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == ADDED]

    def as_dict(self) -> dict[str, Any]:
        return {
            "trainee": self.trainee,
            "reference": self.reference,
            "documents": self.documents,
            "agreement": self.agreement.as_dict(),
            "article_confusion_matrices": [c.as_dict() for c in self.confusions],
            "missed": [p.as_dict() for p in self.missed],
            "added": [p.as_dict() for p in self.added],
        }


@dataclass(frozen=True)
class TrainingInput:
    """What the report is made of, read from the project: the study of the two coders and
    the engine's options, the confusion matrices and the passages (cheap, read first); the
    agreement figures (the engine, the costly part) come from :func:`finish`, which a worker
    thread may run."""

    study: Study
    options: Options
    confusions: tuple[ArticleConfusion, ...]
    passages: tuple[Passage, ...]


def training_report(
    project: Project,
    trainee: str,
    reference: str,
    codes: Sequence[str] = (),
    request: Request | None = None,
) -> TrainingReport:
    """The training report of ``trainee`` against ``reference`` (coder names) on ``codes``
    (code or dimension paths; all by default); ``request`` gives the levels and options of
    the agreement figures (its coders and codes are replaced)."""
    return finish(prepare(project, trainee, reference, codes, request))


def prepare(
    project: Project,
    trainee: str,
    reference: str,
    codes: Sequence[str] = (),
    request: Request | None = None,
) -> TrainingInput:
    """Read what :func:`training_report` needs (see :class:`TrainingInput`)."""
    if trainee == reference:
        raise UserError(f"the trainee and the reference are the same coder, '{trainee}'")
    request = replace(request or Request(), coders=(trainee, reference), codes=tuple(codes))
    study = _with_consensus(project, study_of(project, request))
    if not study.compared:
        raise UserError(
            f"no article counts for both {study.coders[0]} and {study.coders[1]}: mark the "
            "articles they both coded done"
        )
    names = dict(project.documents.names())
    return TrainingInput(
        study,
        options_of(request),
        tuple(article_confusions(study)),
        tuple(_passages(project, study, names)),
    )


def finish(prepared: TrainingInput) -> TrainingReport:
    """The report, with the engine's figures on the two coders (pure)."""
    study = prepared.study
    return TrainingReport(
        trainee=study.coders[0],
        reference=study.coders[1],
        documents=study.compared,
        agreement=measure_agreement(study, prepared.options),
        confusions=prepared.confusions,
        passages=prepared.passages,
    )


def _with_consensus(project: Project, study: Study) -> Study:
    """The study with the articles that count for the consensus coder (see the module)."""
    if study.coders[1] != CONSENSUS:
        return study
    consensus = project.coders.lookup(CONSENSUS)
    assert consensus is not None  # study_of found it
    held = {document for document, coder, *_ in project.codings.rows([consensus.id])}
    others = [c.id for c in project.coders.all() if c.id != consensus.id]
    held |= {decision.document_id for decision in project.decisions.among(others)}
    counted = (
        study.counted[0],
        study.counted[1] | frozenset(d for d in held if d in study.lengths),
    )
    return replace(study, counted=counted)


def article_confusions(study: Study) -> list[ArticleConfusion]:
    """Each exclusive dimension's articles by the reference's (coder 1) and the trainee's
    (coder 0) codes, as the engine's article level sees them."""
    level = ArticleLevel(study)
    found = []
    for dimension in study.dimensions:
        if not dimension.exclusive:
            continue
        ratings, labels = level.dimension(dimension)
        trainee, reference = ratings.values[:, 0], ratings.values[:, 1]
        both = (trainee >= 0) & (reference >= 0)
        q = len(labels)
        table = np.bincount(reference[both] * q + trainee[both], minlength=q * q).reshape(q, q)
        # Combinations nobody gave in the articles compared are not categories worth a row.
        used = [
            k for k in range(q) if k <= len(dimension.codes) or table[k].any() or table[:, k].any()
        ]
        counts = tuple(tuple(int(table[r, c]) for c in used) for r in used)
        found.append(ArticleConfusion(dimension.name, tuple(labels[k] for k in used), counts))
    return found


def _passages(project: Project, study: Study, names: dict[int, str]) -> list[Passage]:
    """Missed and added passages, code by code (codebook order), then by article and place."""
    located = study.located
    both = study.counted_mask[0] & study.counted_mask[1]
    located = located[both[located[:, 0]]] if len(located) else located
    by_key: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    for article, coder, code, start, end in located.tolist():
        by_key.setdefault((code, article, coder), []).append((start, end))
    order = {code: k for k, code in enumerate(study.codes)}
    found: list[tuple[int, int, int, int, str, int, int]] = []
    for (code, article, coder), spans in by_key.items():
        others = by_key.get((code, article, 1 - coder), [])
        kind = MISSED if coder == 1 else ADDED
        for start, end in spans:
            if not any(_overlap((start, end), other) for other in others):
                document = int(study.documents[article])
                found.append(
                    (order[code], 0 if kind == MISSED else 1, document, start, kind, code, end)
                )
    found.sort(key=lambda f: (f[0], f[1], names.get(f[2], ""), f[3]))
    texts: dict[int, str] = {}
    passages = []
    for _, _, document, start, kind, code, end in found:
        if document not in texts:
            texts[document] = project.documents.text(document)
        whole = start == WHOLE_ARTICLE
        passages.append(
            Passage(
                kind,
                study.paths[code],
                document,
                names.get(document, str(document)),
                None if whole else start,
                None if whole else end,
                WHOLE if whole else shorten(texts[document][start:end]),
            )
        )
    return passages


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[0] == WHOLE_ARTICLE or b[0] == WHOLE_ARTICLE:
        return True
    return a[0] < b[1] and b[0] < a[1]


def shorten(text: str, limit: int = PASSAGE_CHARS) -> str:
    """The passage on one line (runs of white space as one space), cut in the middle past
    ``limit`` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    half = (limit - 3) // 2
    return f"{line[:half].rstrip()} … {line[-half:].lstrip()}"
