"""The methods-section paragraph of an agreement report: the articles and coders compared, the
sample design they were drawn by, the codebook version the codings were made under, and the
measures with their intervals — what a journal asks a content analysis to state (Krippendorff,
*Content Analysis*, ch. 12; Lombard, Snyder-Duch & Bracken 2002). When a machine coder is
among the coders, what made its codings and how it was validated is stated too
(:mod:`annotator.services.machine.report`).

Everything is read from what the project records (:mod:`annotator.services.sample_design`,
:mod:`annotator.services.codebook_versions`) and from the report itself; nothing is guessed:
a part the project does not record — or that the figures do not rest on, such as a sample
design when the articles compared are not the sample's — is left out of the text and is
``None`` in :meth:`Methods.as_dict`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator import __version__
from annotator.agreement.results import Measure, Report
from annotator.services.agreement import CONSENSUS, Request, compared_codings, study_of
from annotator.services.codebook_versions import versions_of_codings
from annotator.services.machine.report import machine_sentences
from annotator.services.sample_design import current_design
from annotator.storage import Project

#: How each level's overall figure is named in the paragraph, and what its units are.
_LEVELS = {
    "document": ("at article level (code applied or not)", "article × code units"),
    "character": ("at character level", "characters"),
    "unitizing": ("for the unitizing of passages (α_U)", "characters"),
    "segment": ("for matched segments", "segments"),
}


@dataclass(frozen=True)
class Methods:
    """The paragraph and the facts it states."""

    articles: int
    coders: tuple[str, ...]
    design: dict[str, Any] | None
    versions: dict[str, Any]
    measures: tuple[dict[str, Any], ...]
    text: str
    #: What the text says of the machine coders among the coders (empty: none).
    machine: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "coders": list(self.coders),
            "sample_design": self.design,
            "codebook_versions": self.versions,
            "measures": list(self.measures),
            "machine": list(self.machine),
            "text": self.text,
        }


def methods_of(project: Project, request: Request, report: Report) -> Methods:
    """The methods paragraph of ``report``, made from ``request`` in ``project``.

    The stored sample design is stated only when the articles compared are the sample's (all
    of them, or some: then how many); the codebook versions count the codings of the coders
    compared in the articles compared."""
    study = study_of(project, request)
    compared = {int(d) for d in study.documents[study.pairable]}
    coder_ids = [c.id for c in project.coders.all() if c.name in report.coders]
    versions = versions_of_codings(
        project,
        coder_ids,
        compared,
        limited_to=request.codebook_version or None,
    )
    design = current_design(project)
    on_sample = design is not None and bool(compared) and compared <= design.sample
    parts = [_compared(report)]
    if design is not None and on_sample:
        parts.append(design.sentence())
        if len(compared) < len(design.sample):
            parts.append(
                f"{len(compared)} of the sample's {len(design.sample)} articles were compared "
                "(the others were not yet coded by two or more coders)."
            )
    parts.append(versions.sentence)
    overall = tuple(m for m in report.measures if m.scope == "overall")
    figures = [_figure(m, report.kappa_measure) for m in overall if m.applied]
    figures = [f for f in figures if f]
    if figures:
        parts.append("Agreement was " + "; ".join(figures) + ".")
    if any(m.alpha_ci95 is not None for m in overall if m.applied):
        parts.append(
            "Intervals are 95 % bootstrap intervals of α (Hayes & Krippendorff 2007) over the "
            "units compared."
        )
    parts += _codings_sentences(project, request, report.coders)
    machine = tuple(machine_sentences(project, report.coders))
    parts += machine
    parts.append(f"Computed with annotator {__version__}.")
    return Methods(
        articles=report.documents,
        coders=report.coders,
        design=design.as_dict() if design is not None and on_sample else None,
        versions=versions.as_dict(),
        measures=tuple(_measure(m, report.kappa_measure) for m in overall),
        text=" ".join(parts),
        machine=machine,
    )


def _codings_sentences(project: Project, request: Request, coders: Sequence[str]) -> list[str]:
    """Which codings were compared, when some were left out: those a search made, those the
    coders accepted from a machine's suggestions (named even when they count, as assisted
    coding is not independent coding) — counted among the codings of the codes and articles
    compared (:func:`~annotator.services.agreement.compared_codings`)."""
    sentences = []
    counts = compared_codings(project, request, coders)
    if request.search_codings != "with":
        made = counts.search
        sentences.append(
            f"The {made} codings made by a search were left out; only codings made by hand "
            "were compared."
            if request.search_codings == "without"
            else f"Only the {made} codings made by a search were compared."
        )
    assisted = counts.assisted
    if request.assisted_codings == "without":
        sentences.append(
            f"The {assisted} codings the coders accepted from a machine coder's suggestions "
            "were left out; only codings they made themselves were compared."
        )
    elif request.assisted_codings == "only":
        sentences.append(
            f"Only the {assisted} codings the coders accepted from a machine coder's "
            "suggestions were compared."
        )
    elif assisted:
        sentences.append(
            f"{assisted} of these coders' codings {'was' if assisted == 1 else 'were'} "
            "accepted from a machine coder's suggestions and counted as theirs."
        )
    return sentences


def _compared(report: Report) -> str:
    """Who was compared on how many articles. The consensus coder is named apart: it is made
    from the coders' own codings by the review, not an independent coding, and an article
    counts for it once it holds a consensus coding or a review decision."""
    coders = [c for c in report.coders if c != CONSENSUS]
    named = _names(coders)
    counted = "marked done" if report.counted_by == "done" else "assigned to them and marked done"
    article = "article" if report.documents == 1 else "articles"
    if len(coders) == len(report.coders):
        return (
            f"Inter-coder reliability was assessed on {report.documents} {article} coded "
            f"independently by {len(coders)} coders ({named}); an article counted for a coder "
            f"once {counted}."
        )
    consensus = (
        "the consensus coding (coder 'consensus', decided in a review of the coders' "
        "disagreements: not an independent coding)"
    )
    if len(coders) == 1:
        who = f"{named}'s codings were compared with {consensus}"
        each = named
    else:
        who = f"coded independently by {len(coders)} coders ({named}) and compared with {consensus}"
        each = "a coder"
    return (
        f"Agreement was assessed on {report.documents} {article}"
        f"{': ' if len(coders) == 1 else ' '}{who}; an article counted for {each} once "
        f"{counted}, and for the consensus once it held a consensus coding or a review decision."
    )


def _names(coders: list[str]) -> str:
    return coders[0] if len(coders) == 1 else ", ".join(coders[:-1]) + " and " + coders[-1]


def _number(value: float) -> str:
    """``.812`` / ``−.05`` / ``1.000``: three decimals, APA style without the leading zero."""
    text = f"{value:.3f}"
    return text.replace("0.", ".", 1) if abs(value) < 1 else text


def _figure(measure: Measure, kappa_name: str) -> str:
    where, units = _LEVELS.get(measure.level, (measure.level, "units"))
    if measure.krippendorff_alpha is None:
        return ""
    text = f"Krippendorff's α = {_number(measure.krippendorff_alpha)}"
    if measure.alpha_ci95 is not None:
        low, high = measure.alpha_ci95
        text += f" [{_number(low)}, {_number(high)}]"
    if measure.cohen_kappa is not None:
        text += f", {kappa_name} = {_number(measure.cohen_kappa)}"
    return f"{text} {where} over all codes (N = {measure.units:,} {units})"


def _measure(measure: Measure, kappa_name: str) -> dict[str, Any]:
    return {
        "level": measure.level,
        "units": measure.units,
        "krippendorff_alpha": measure.krippendorff_alpha,
        "alpha_ci95": list(measure.alpha_ci95) if measure.alpha_ci95 else None,
        "kappa": measure.cohen_kappa,
        "kappa_measure": kappa_name,
        "percent_agreement": measure.percent_agreement,
    }
