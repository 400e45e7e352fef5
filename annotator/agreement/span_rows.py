"""The rows of the span levels that are not built from ratings: Krippendorff's α_U (with its
interval) and segment matching."""

from __future__ import annotations

from itertools import combinations

from annotator.agreement.bootstrap import Interval
from annotator.agreement.levels import matched_segments, unitizing
from annotator.agreement.results import Measure, Options, kappa_name
from annotator.agreement.rows import ALL_CODES, not_applied, nothing_pooled, pooled_codes
from annotator.agreement.study import Study
from annotator.agreement.unitizing import Unitizing
from annotator.agreement.unitizing import overall as overall_unitizing
from annotator.agreement.unitizing_interval import unitizing_intervals


def unitizing_only(kappa: str) -> str:
    """Why a unitizing row has α_U alone (``kappa``: what the κ column holds)."""
    return (
        f"α_U only: agreement, {kappa}, Fleiss' κ, AC1 and positive agreement need units of "
        "equal size and are at the character level"
    )


def unitizing_level(study: Study, options: Options) -> list[Measure]:
    """α_U per code and over the codes with units, each with its interval."""
    if len(study.coders) < 2:
        return []
    per_code, continuum = unitizing(study)
    marked = [code for code in study.codes if per_code[code].expected > 0]
    intervals: dict[int, Interval] = {}
    pooled_interval: Interval | None = None
    if options.bootstrap and continuum.length:
        intervals, pooled_interval = unitizing_intervals(
            continuum, marked, marked, len(study.coders)
        )
    caveat = "the 1995 definition, with more than two coders" if len(study.coders) > 2 else ""

    def row(
        scope: str,
        name: str,
        result: Unitizing,
        interval: Interval | None,
        *,
        pooled: int | None = None,
        path: tuple[str, ...] = (),
        note: str = "",
    ) -> Measure:
        notes = [note, unitizing_only(kappa_name(len(study.coders)))]
        if result.alpha is None:
            notes.append(result.note)
        elif interval is not None and interval.bounds is None:
            notes.append(f"no interval for α_U: {interval.why}")
        elif interval is not None:
            notes.append(interval.caution)
        return Measure(
            level="unitizing",
            scope=scope,
            name=name,
            units=continuum.length,
            coders=study.coders if continuum.length else (),
            krippendorff_alpha=result.alpha,
            alpha_ci95=interval.bounds
            if interval is not None and result.alpha is not None
            else None,
            note="; ".join(n for n in [*notes, caveat] if n),
            kappa_measure=kappa_name(len(study.coders)),
            codes_pooled=pooled,
            path=path,
        )

    def unused(code: int) -> Measure:
        return Measure(
            level="unitizing",
            scope="code",
            name=study.paths[code],
            units=continuum.length,
            coders=study.coders if continuum.length else (),
            note=not_applied("it", "unitizing", study.compared),
            kappa_measure=kappa_name(len(study.coders)),
            applied=False,
            path=study.parts[code],
        )

    if pooled_codes(study, study.codes):
        left = len(study.codes) - len(marked)
        note = f"pools the {len(marked)} codes with units in the articles every coder counts"
        measures = [
            row(
                "overall",
                ALL_CODES,
                overall_unitizing([per_code[code] for code in marked])
                if continuum.length
                else Unitizing(0.0, 0.0, None, "no article counts for every coder"),
                pooled_interval,
                pooled=len(marked),
                note=note if left else "",
            )
        ]
    else:
        measures = [nothing_pooled(study, "unitizing")]
    for code in study.codes:
        if code in study.applied:
            measures.append(
                row(
                    "code",
                    study.paths[code],
                    per_code[code],
                    intervals.get(code),
                    path=study.parts[code],
                )
            )
        else:
            measures.append(unused(code))
    return measures


def segment_level(study: Study, threshold: float) -> list[Measure]:
    """Per code and over all codes: the share of segments the other coder matched."""
    pairs = [
        (a, b)
        for a, b in combinations(range(len(study.coders)), 2)
        if (study.counted_mask[a] & study.counted_mask[b]).any()
    ]
    entered = tuple(c for k, c in enumerate(study.coders) if any(k in pair for pair in pairs))
    kappa = kappa_name(len(study.coders))
    described = (
        f"share of segments matched by the same code with ≥ {threshold:.0%} overlap; "
        f"{kappa}, Fleiss' κ, α, AC1 and positive agreement need units of equal size and are "
        "at the character level"
    )
    none = "no coder gave it a segment in an article another coder counts too"
    rows: list[Measure] = []
    matched_total = items_total = 0
    applied = pooled_codes(study, study.codes)
    for code in study.codes:
        found = [matched_segments(study, code, a, b, threshold) for a, b in pairs]
        matched, items = sum(f[0] for f in found), sum(f[1] for f in found)
        matched_total += matched
        items_total += items
        used = code in study.applied
        rows.append(
            Measure(
                level="segment",
                scope="code",
                name=study.paths[code],
                units=items,
                coders=entered,
                percent_agreement=matched / items if items and used else None,
                note=(described if items else f"{described}; {none}")
                if used
                else not_applied("it", "segment", study.compared),
                kappa_measure=kappa,
                applied=used,
                path=study.parts[code],
            )
        )
    if not applied:
        return [nothing_pooled(study, "segment"), *rows]
    total = Measure(
        level="segment",
        scope="overall",
        name=ALL_CODES,
        units=items_total,
        coders=entered,
        percent_agreement=matched_total / items_total if items_total else None,
        note=described + f"; pools the {len(applied)} codes applied",
        kappa_measure=kappa,
        codes_pooled=len(applied),
    )
    return [total, *rows]
