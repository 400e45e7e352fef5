"""Warnings the report gives beside its figures: articles left out, coders and pairs that
share few articles, α_U on a thin continuum, and high agreement with a low α or κ."""

from __future__ import annotations

from itertools import combinations

from annotator.agreement.bootstrap import FEW_ARTICLES
from annotator.agreement.results import Measure
from annotator.agreement.study import Study

# High agreement with a chance-corrected value below Krippendorff's "tentative" 0.667.
PREVALENCE_AGREEMENT = 0.85
PREVALENCE_COEFFICIENT = 0.667


def _articles(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"


def left_out(study: Study) -> list[str]:
    """Assigned articles a coder has not finished: missing for them, and how many; and
    coders assigned articles who finished none, so are not compared at all."""
    return [
        f"{coder}: {_articles(count)} assigned but not marked done "
        f"{'is' if count == 1 else 'are'} left out (missing for {coder}, not 'code absent')"
        for coder, count in zip(study.coders, study.left_out, strict=True)
        if count
    ] + [
        f"{coder} was assigned {_articles(count)} and has marked none of them done: {coder} "
        "is left out of every figure"
        for coder, count in study.absent
    ]


def coverage(study: Study, measures: list[Measure], *, unitizing: bool) -> list[str]:
    """Coders and pairs of coders whose figures rest on fewer than ``FEW_ARTICLES`` articles
    (and a pair whose κ, undefined, leaves Light's κ empty in some ``measures``), and α_U
    when the articles every coder counts are few."""
    warnings = []
    mask = study.counted_mask
    coders = study.coders
    if len(coders) == 2:
        shared = int((mask[0] & mask[1]).sum())
        if not shared:
            warnings.append(f"{coders[0]} and {coders[1]} share no article: nothing is compared")
        elif shared < FEW_ARTICLES:
            warnings.append(
                f"{coders[0]} and {coders[1]} share only {_articles(shared)} (fewer than "
                f"{FEW_ARTICLES}): every figure rests on {'them' if shared != 1 else 'it'}"
            )
        return warnings
    compared = mask & study.pairable
    for k, coder in enumerate(coders):
        count = int(compared[k].sum())
        if not count:
            warnings.append(f"{coder} shares no article with the other coders and enters no figure")
        elif count < FEW_ARTICLES:
            warnings.append(
                f"{coder} shares only {_articles(count)} with the other coders (fewer than "
                f"{FEW_ARTICLES}): {coder}'s part in every figure rests on "
                f"{'them' if count != 1 else 'it'}"
            )
    for first, second in combinations(range(len(coders)), 2):
        shared = int((mask[first] & mask[second]).sum())
        pair = f"{coders[first]} and {coders[second]}"
        if not shared:
            warnings.append(f"{pair} share no article: Light's κ is undefined, as their κ is")
        elif shared < FEW_ARTICLES:
            warnings.append(_few_shared(pair, shared, (coders[first], coders[second]), measures))
    if unitizing:
        every = mask.all(axis=0)
        articles = int(every.sum())
        if not articles and study.compared:
            warnings.append(
                f"no article counts for every coder ({', '.join(coders)}): α_U has nothing "
                "to compare"
            )
        elif articles < FEW_ARTICLES and study.compared > articles:
            characters = int(sum(study.lengths[int(d)] for d in study.documents[every].tolist()))
            warnings.append(
                f"α_U rests on {_articles(articles)} ({characters:,} characters) that count for "
                f"every coder ({', '.join(coders)}); the {study.compared - articles} other "
                "articles compared count for fewer coders and are left out of it"
            )
    return warnings


def _few_shared(pair: str, shared: int, names: tuple[str, str], measures: list[Measure]) -> str:
    """A pair sharing few articles: their κ counts fully in Light's κ, or, where it is
    undefined, leaves Light's κ empty."""
    few = f"{pair} share only {_articles(shared)} (fewer than {FEW_ARTICLES})"
    rows = [m for m in measures if m.applied and m.level in ("document", "character")]
    empty = sum(names in m.undefined_pairs for m in rows)
    if not empty:
        return f"{few}: their κ, from so few, counts as much as any other pair's in Light's κ"
    if empty == len(rows):
        return f"{few}, and their κ is undefined there: Light's κ is empty in every row"
    return (
        f"{few}: their κ is undefined in {empty} of the {len(rows)} rows, which leaves "
        "Light's κ empty there; elsewhere their κ, from so few, counts as much as any other "
        "pair's"
    )


def prevalence(measures: list[Measure]) -> list[str]:
    """High agreement with a low α or κ: a rare code (or one nearly everywhere)."""
    warnings = []
    for m in measures:
        corrected = m.krippendorff_alpha if m.krippendorff_alpha is not None else m.cohen_kappa
        if (
            m.applied
            and m.percent_agreement is not None
            and corrected is not None
            and m.percent_agreement >= PREVALENCE_AGREEMENT
            and corrected < PREVALENCE_COEFFICIENT
        ):
            warnings.append(
                f"{m.name} ({m.level} level): {m.percent_agreement:.0%} agreement but "
                f"{'α' if m.krippendorff_alpha is not None else 'κ'} = {corrected:.2f}. When a "
                "code is rare (or nearly everywhere), coders agree by chance; report α or κ, "
                "not agreement alone"
            )
    return warnings
