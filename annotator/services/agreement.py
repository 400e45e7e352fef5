"""Agreement between coders of a project: which coders, codes and articles, then the engine.

The engine (:mod:`annotator.agreement`) sees plain values only; this module reads them from
the project: the coders chosen (everyone who has an article that counts, by default, but the
consensus coder), the codes or dimensions chosen, and for each coder the articles that count:
those they marked done, or (``counted_by="assigned"``) those assigned to them *and* done — an
assigned article a coder has not finished is missing for them, not "code absent", and the
report says how many each coder left out. The consensus coder marks nothing done and is
assigned nothing: an article counts for it when it holds a consensus coding or a review
decision, or is marked done for it (one rule, used by agreement and the training report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from annotator.agreement.report import LEVELS, Options, Report, measure_agreement
from annotator.agreement.segments import THRESHOLD
from annotator.agreement.study import Dimension, Study
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.model import Coder, DocumentStatus
from annotator.services.changes import Changes
from annotator.services.codebook_versions import counted_under, removed_since, version_range
from annotator.storage import Project
from annotator.storage.coders import CONSENSUS as CONSENSUS  # the window imports it from here
from annotator.storage.coders import consensus_spellings

COUNTED_BY = ("done", "assigned")
#: Which codings enter: all of them, all but those a search made, or only those.
SEARCH_CODINGS = ("with", "without", "only")
#: Which codings enter: all, all but those accepted from a machine's suggestion, or only those.
ASSISTED_CODINGS = SEARCH_CODINGS


@dataclass(frozen=True)
class Request:
    """What to compare. Names of coders; code or dimension paths (``Motive`` or
    ``Motive > Political``); levels among :data:`LEVELS`."""

    coders: Sequence[str] = ()
    codes: Sequence[str] = ()
    levels: Sequence[str] = LEVELS
    counted_by: str = "done"
    threshold: float = THRESHOLD
    interval: bool = True
    search_codings: str = "with"
    #: Codings accepted from a machine's suggestion (origin ``assisted``): "with" them,
    #: "without" them, or "only" them.
    assisted_codings: str = "with"
    #: Only these articles (ids; an article set's), or every article.
    documents: frozenset[int] | None = None
    #: A codebook version (tag): only codings made while it was the latest tag count.
    codebook_version: str = ""


def measure(project: Project, request: Request = Request()) -> Report:
    """The agreement report of a project; with codings made by a search, or accepted from a
    machine's suggestion, left out or alone (``search_codings``, ``assisted_codings``), a
    warning says how many were left out. With no article counting for
    two of the coders, the first warning says so and why (every figure is "not applied":
    the command line refuses such a report, see :func:`nothing_compared`)."""
    study = study_of(project, request)
    report = measure_agreement(study, options_of(request))
    if not study.compared:
        report = replace(
            report, warnings=(nothing_compared(project, study, request), *report.warnings)
        )
    notes = selection_notes(project, request, report.coders)
    return replace(report, warnings=(*notes, *report.warnings)) if notes else report


def selection_notes(project: Project, request: Request, coders: Sequence[str]) -> tuple[str, ...]:
    """What the request's choices left out of the comparison of ``coders`` (a codebook
    version; codings made by a search or accepted from a machine), and coders named like the
    consensus, as warnings: a report of agreement, or of its drift, states them."""
    notes = version_note(project, request) if request.codebook_version else ()
    return (*notes, *codings_notes(project, request, coders), *consensus_spellings(coders))


def codings_notes(project: Project, request: Request, coders: Sequence[str]) -> tuple[str, ...]:
    """What leaving out (or keeping alone) the codings a search made or those accepted from a
    machine's suggestion left out of the comparison of ``coders`` (names), as warnings."""
    counts = compared_codings(project, request, coders)
    notes: list[str] = []
    if request.search_codings != "with":
        made, others = counts.search, counts.search_base - counts.search
        if request.search_codings == "without":
            notes.append(
                f"{made} codings made by a search are left out: only codings made by hand count"
            )
        else:
            notes.append(
                f"only the {made} codings made by a search count: {others} made by hand are "
                "left out"
            )
    if request.assisted_codings != "with":
        assisted, others = counts.assisted, counts.assisted_base - counts.assisted
        if request.assisted_codings == "without":
            notes.append(
                f"{assisted} codings accepted from a machine's suggestions are left out: only "
                "codings the coders made themselves count"
            )
        else:
            notes.append(
                f"only the {assisted} codings accepted from a machine's suggestions count: "
                f"{others} others are left out"
            )
    return tuple(notes)


@dataclass(frozen=True)
class ComparedCodings:
    """Codings of the comparison, counted for the notes on those left out: of the codings the
    other filter keeps (``*_base``), how many a search made (``search``) and how many were
    accepted from a machine's suggestion (``assisted``)."""

    search_base: int
    search: int
    assisted_base: int
    assisted: int


def compared_codings(project: Project, request: Request, coders: Sequence[str]) -> ComparedCodings:
    """Counts of the codings the comparison of ``coders`` reaches: of the codes compared, in
    articles compared (counting for two or more of the coders), each in an article that counts
    for its own coder — not every coding the coders have in the project."""
    scope = study_of(
        project,
        replace(request, coders=tuple(coders), search_codings="with", assisted_codings="with"),
    )
    ids = {c.name: c.id for c in project.coders.all()}
    column = {ids[name]: k for k, name in enumerate(scope.coders)}
    codes = set(scope.codes)
    compared = {int(d) for d in scope.documents[scope.pairable]}

    def count(by_search: bool | None, assisted: bool | None) -> int:
        return sum(
            1
            for document, coder, code, _, _ in project.codings.rows(
                list(column), by_search=by_search, assisted=assisted
            )
            if code in codes and document in compared and document in scope.counted[column[coder]]
        )

    search_filter = _by_search(request.search_codings)
    assisted_filter = _by_search(request.assisted_codings)
    return ComparedCodings(
        search_base=count(None, assisted_filter),
        search=count(True, assisted_filter),
        assisted_base=count(search_filter, None),
        assisted=count(search_filter, True),
    )


def version_note(project: Project, request: Request) -> tuple[str, ...]:
    """What limiting the comparison to a codebook version left out, as a warning."""
    counted, _ = _counted(project, request.counted_by)
    _, other = counted_under(project, request.codebook_version, counted)
    span = version_range(project, request.codebook_version)
    note = f"limited to {span.description}"
    if other:
        note += f": {other} coder-article pairs coded under another version are left out"
    removed = removed_since(project, request.codebook_version)
    if not removed:
        return (note,)
    named = ", ".join(f"'{path}'" for path in removed[:5])
    more = f" and {len(removed) - 5} more" if len(removed) > 5 else ""
    return (
        note,
        f"{len(removed)} code(s) of '{span.tag.name}' merged into another or deleted since: "
        f"{named}{more} — their codings made under it are compared as the code they were "
        "merged into, or are gone, not as that version's codebook had them",
    )


def nothing_compared(project: Project, study: Study, request: Request) -> str:
    """Why no article counts for two of the study's coders, and what to do, on one line."""
    coders = study.coders
    who = f"both {coders[0]} and {coders[1]}" if len(coders) == 2 else f"two of {', '.join(coders)}"
    if request.counted_by == "assigned":
        ids = {c.id for c in project.coders.all() if c.name in coders}
        if not any(coder in ids for _, coder in project.statuses.assigned()):
            return (
                f"no article is assigned to {' or '.join(coders)}: assign the articles "
                "(annotator sample) or count the articles marked done (--counted-by done)"
            )
        return f"no article assigned to {who} is done for both: mark the articles done"
    where = (
        f" under codebook version '{request.codebook_version}'" if request.codebook_version else ""
    )
    return f"no article counts for {who}{where}: mark the articles they both coded done"


def options_of(request: Request) -> Options:
    return Options(
        levels=tuple(request.levels),
        threshold=request.threshold,
        bootstrap=request.interval,
        counted_by=request.counted_by,
    )


def study_of(project: Project, request: Request) -> Study:
    """The engine's input: coders, articles, codes and codings, as the request asks."""
    if request.search_codings not in SEARCH_CODINGS:
        raise UserError(
            f"codings made by a search: {', '.join(SEARCH_CODINGS)}, not '{request.search_codings}'"
        )
    if request.assisted_codings not in ASSISTED_CODINGS:
        raise UserError(
            "codings accepted from a machine's suggestion: "
            f"{', '.join(ASSISTED_CODINGS)}, not '{request.assisted_codings}'"
        )
    if request.counted_by not in COUNTED_BY:
        raise UserError(f"articles count when 'done' or 'assigned', not '{request.counted_by}'")
    if not 0 < request.threshold <= 1:
        raise UserError("the overlap for matching segments must be above 0 % and at most 100 %")
    unknown = set(request.levels) - set(LEVELS)
    if unknown:
        raise UserError(f"unknown level '{sorted(unknown)[0]}': choose from {', '.join(LEVELS)}")
    counted, left_out = _counted(project, request.counted_by, request.documents)
    if request.codebook_version:
        counted, _ = counted_under(project, request.codebook_version, counted)
    coders = _coders(project, request.coders, counted)
    # Chosen by default, a coder assigned articles who finished none is not compared: say so.
    absent = [
        (coder.name, left_out[coder.id])
        for coder in project.coders.all()
        if not request.coders
        and coder not in coders
        and coder.name != CONSENSUS
        and left_out.get(coder.id)
    ]
    codebook = project.codebook.tree()
    dimensions = _dimensions(codebook, request.codes)
    codes = [code for dimension in dimensions for code in dimension.codes]
    paths = {code: codebook.path(code) for code in codes}
    column = {coder.id: k for k, coder in enumerate(coders)}
    rows = [
        (document, column[coder], code, start, end)
        for document, coder, code, start, end in project.codings.rows(
            list(column),
            by_search=_by_search(request.search_codings),
            assisted=_by_search(request.assisted_codings),
        )
    ]
    return Study.of(
        coders=[c.name for c in coders],
        lengths=project.documents.lengths(),
        counted=[counted.get(c.id, set()) for c in coders],
        dimensions=dimensions,
        paths=paths,
        codings=rows,
        parts={code: _names(codebook, code) for code in codes},
        left_out=[left_out.get(c.id, 0) for c in coders],
        absent=absent,
    )


def _by_search(choice: str) -> bool | None:
    """``with`` / ``without`` / ``only`` as the filter :meth:`CodingQueries.rows` takes."""
    return {"with": None, "without": False, "only": True}[choice]


def _names(codebook: Codebook, code: int) -> tuple[str, ...]:
    """A code's names from its dimension down, read from the tree (names may hold ' > ')."""
    names = []
    node: int | None = code
    while node is not None:
        names.append(codebook.get(node).name)
        node = codebook.get(node).parent_id
    return tuple(reversed(names))


def _counted(
    project: Project, counted_by: str, documents: frozenset[int] | None = None
) -> tuple[dict[int, set[int]], dict[int, int]]:
    """For each coder id: the articles that count for them, and (counting assigned articles)
    how many assigned articles were left out as not done; only ``documents`` when given.
    The consensus coder's articles are those :func:`consensus_articles` finds, either way."""
    done: dict[int, set[int]] = {}
    for (document, coder), status in project.statuses.all().items():
        if status is DocumentStatus.DONE and (documents is None or document in documents):
            done.setdefault(coder, set()).add(document)
    result: dict[int, set[int]] = done
    left_out: dict[int, int] = {}
    if counted_by != "done":
        result = {}
        for document, coder in project.statuses.assigned():
            if documents is not None and document not in documents:
                continue
            if document in done.get(coder, set()):
                result.setdefault(coder, set()).add(document)
            else:
                left_out[coder] = left_out.get(coder, 0) + 1
    consensus = project.coders.lookup(CONSENSUS)
    if consensus is not None:
        held = consensus_articles(project, consensus.id) | done.get(consensus.id, set())
        if documents is not None:
            held &= documents
        if held:
            result[consensus.id] = held
    return result, left_out


def consensus_articles(project: Project, consensus: int) -> set[int]:
    """The articles holding a consensus coding or a decision of a review between coders
    (a review that decided "neither" leaves a decision and no coding: still counted; the
    wide matrix gives such an article its consensus row, of zeros)."""
    held = {document for document, *_ in project.codings.rows([consensus])}
    others = [c.id for c in project.coders.all() if c.id != consensus]
    held |= {decision.document_id for decision in project.decisions.among(others)}
    return held


def _coders(project: Project, names: Sequence[str], counted: dict[int, set[int]]) -> list[Coder]:
    if names:
        chosen = []
        for name in names:
            coder = project.coders.lookup(name)
            if coder is None:
                known = ", ".join(c.name for c in project.coders.all()) or "none"
                raise UserError(f"there is no coder '{name}' (coders: {known})")
            if coder in chosen:
                raise UserError(f"coder '{name}' is named twice")
            chosen.append(coder)
    else:
        chosen = [c for c in project.coders.all() if c.name != CONSENSUS and counted.get(c.id)]
    if len(chosen) < 2:
        raise UserError(
            "agreement needs two coders with articles that count (mark articles done, or "
            "name the coders with --coders)"
        )
    return chosen


def _dimensions(codebook: Codebook, names: Sequence[str]) -> list[Dimension]:
    """The dimensions compared, each with the chosen codes below it (all by default)."""
    chosen: dict[int, list[int]] = {}
    for name in names:
        code = codebook.find(name)
        if code is None:
            raise UserError(f"there is no code or dimension '{name}' in the codebook")
        dimension = codebook.dimension_of(code.id) if not code.is_dimension else code
        below = [code.id] if not code.is_dimension else []
        below += [c.id for c in codebook.walk(code.id)]
        chosen.setdefault(dimension.id, [])
        chosen[dimension.id] += [c for c in below if c not in chosen[dimension.id]]
    dimensions = []
    for dimension in codebook.children(None):
        every = [c.id for c in codebook.walk(dimension.id)]
        if names and dimension.id not in chosen:
            continue
        codes = [c for c in every if c in chosen[dimension.id]] if names else every
        if codes:
            whole = len(codes) == len(every)
            dimensions.append(
                Dimension(dimension.id, dimension.name, dimension.exclusive, tuple(codes), whole)
            )
    if not dimensions:
        raise UserError("the codebook has no codes to compare")
    return dimensions


def draw_sample(
    project: Project, size: int, coder_names: Sequence[str], seed: int, *, replace: bool = False
) -> tuple[list[int], Changes]:
    """Draw ``size`` articles at random (reproducibly, from ``seed``: see
    :mod:`annotator.services.sample_design`, whose design without strata this is) and assign
    each to every named coder, in one transaction. The draw adds to what the coders have
    assigned already; with ``replace`` their earlier assignments are taken back first (see
    :mod:`annotator.services.assignments` to list them). Returns the article ids drawn, in id
    order."""
    from annotator.services.sample_design import DesignSpec, draw_design

    drawn = draw_design(project, DesignSpec(coder_names, seed, size=size, replace=replace))
    return sorted(d for d, _ in drawn.plan.sample), drawn.changes
