"""The definitions behind the figures, as the report prints them for a methods section."""

from __future__ import annotations

from annotator.agreement.bootstrap import FEW_ARTICLES, RESAMPLES, SEED
from annotator.agreement.results import Options, kappa_name


def definitions(options: Options, coders: int = 2) -> tuple[tuple[str, str], ...]:
    """The definitions behind the figures, for the report and a methods section."""
    counted = (
        "marked it done"
        if options.counted_by == "done"
        else "was assigned it and has marked it done (an assigned article not done is left out)"
    )
    kappa = kappa_name(coders)
    return (
        (
            "Articles",
            f"An article counts for a coder once the coder {counted}; an article that "
            "does not count for a coder is missing for them, not coded 'absent'. Articles "
            "compared are those that count for two or more coders. Every coefficient is "
            "computed on the units compared only — units two or more coders rated: those "
            "articles, their characters — so a unit only one coder rated moves no figure, "
            "not even the chance agreement of Fleiss' κ and AC1.",
        ),
        (
            "Whole-article codings",
            "A coding of the whole article covers every character of it: at the character "
            "level, for α_U and for segment matching it is the passage from the article's "
            "first character to its last.",
        ),
        (
            "Article level",
            "Per code: whether the coder applied the code anywhere in the article "
            "(a passage or the whole article). Per dimension: the set of its codes the coder "
            "applied, compared as one nominal value; its categories are none, each of its codes, "
            "and each combination a coder gave.",
        ),
        (
            "Character level",
            "Each character is a unit: coded with the code or not (overlapping "
            "passages of one coder count once). Per exclusive dimension: the code covering the "
            "character, or none.",
        ),
        (
            "All codes",
            "Pools the units of every code some coder applied in the articles compared — "
            "(article, code) pairs at article level, (character, code) pairs at character level, "
            "each code's D_O and D_E for α_U, every segment for matching. A code nobody applied "
            "is left out (its agreement of 1 says nothing) and its own row reads 'not applied'.",
        ),
        (
            "Unitizing",
            "Krippendorff's α_U (1995; 2004) per code on the articles that count for "
            "every coder, joined end to end, in characters; overall 1 − mean D_O / mean D_E. Its "
            f"95 % interval resamples those articles as α's does ({RESAMPLES:,} resamples): each "
            "resample's α_U is that of the drawn articles joined end to end (in their order, an "
            "article drawn twice twice in a row), uncoded stretches running on across the joins.",
        ),
        (
            "Segments",
            f"A coded passage agrees when another coder gave the same code to a passage "
            f"overlapping it by at least {options.threshold:.0%} of both together.",
        ),
        ("Percent agreement", "The share of agreeing coder pairs per unit, averaged over units."),
        (
            kappa,
            "Cohen's κ for the two coders."
            if coders <= 2
            else "The mean of every pair of coders' Cohen's κ (Light's κ), undefined if any "
            "pair's is.",
        ),
        (
            "Fleiss' κ",
            "With Gwet's handling of units that not every coder rated; the category shares "
            "π_k of its chance agreement are those of the units compared.",
        ),
        (
            "Krippendorff's α",
            "Nominal; units with fewer than two values drop out. The 95 % "
            f"interval is a percentile bootstrap over articles ({RESAMPLES:,} resamples, seed "
            f"{SEED}); an interval from fewer than {FEW_ARTICLES} articles is flagged.",
        ),
        (
            "Gwet's AC1",
            "Chance agreement Σ π_k(1 − π_k)/(q − 1) over the q possible categories "
            "(for a dimension, all of its categories, used or not), π_k the category shares "
            "of the units compared.",
        ),
        ("Positive agreement", "Specific agreement on presence: 2a / (2a + b + c)."),
        (
            "Undefined values",
            "A coefficient that cannot be computed (no variation, nothing "
            "to pair) is reported as empty with a note, never as 0 or averaged in.",
        ),
    )
