"""Sample designs: the reliability sample as a share or a number of articles, stratified by
variables with proportional allocation, drawn reproducibly from a seed, assigned to every
named coder; the rest of the corpus split among them, balanced by size. A design is stored,
so that a report can state it later (:func:`current_design`).

How the draw is made, so that anyone can repeat it with any tool:

- **size**: a number, or a share of the articles (``15%`` or ``0.15``) rounded to the nearest
  whole article, a half rounded up (exact decimal arithmetic), and at least one;
- **strata**: one per combination of the values of the strata variables (``outlet``, or
  ``year(date)`` / ``month(date)`` of a date variable); articles with no value form their own
  stratum. Each stratum gets ``size × its articles / all articles``; the whole parts are
  given first, and the articles left over go one each to the strata with the largest
  remainders (ties: the larger stratum, then the stratum first in order), so the strata
  sizes add up to the sample size exactly (the largest-remainder method);
- **which articles**: within a stratum, articles are ranked by the SHA-256 of the UTF-8 text
  ``"<seed>:<article GUID>"`` as a hexadecimal number, lowest first, and the first ones are
  drawn. This depends on no random generator, so the same seed draws the same articles on
  every platform and Python version;
- **the rest** (articles not in the sample, limited by conditions if given) goes to the coders
  largest article first (ties: the lower SHA-256 rank), each to the coder with the fewest
  characters so far (ties: fewer articles, then the order the coders were named).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from annotator.domain.errors import UserError
from annotator.domain.model import Coder, VariableType
from annotator.services.assignments import clear_assignments, coders_named
from annotator.services.changes import Changes
from annotator.storage import Project
from annotator.storage.article_sets import ArticleSetStore, DesignRow

#: The rule of the draw, as a report names it.
METHOD = "SHA-256 rank of seed:GUID within strata; largest-remainder proportional allocation"
NO_VALUE = "(no value)"
_PART = re.compile(r"^\s*(year|month)\s*\(\s*(.+?)\s*\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Stratifier:
    """One strata variable: its value, or the year or month of a date variable."""

    variable: str
    part: str = "value"  # "value", "year" or "month"

    @property
    def label(self) -> str:
        return self.variable if self.part == "value" else f"{self.part}({self.variable})"

    def key(self, value: str) -> str:
        """The stratum value of an article whose variable holds ``value`` ("": none)."""
        if not value or self.part == "value":
            return value
        return value[:4] if self.part == "year" else value[:7]


def stratifiers(project: Project, text: str | Sequence[str]) -> tuple[Stratifier, ...]:
    """Strata variables as written: ``outlet,year(date)`` (or a list of such names)."""
    items = [t for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    variables = {v.name.casefold(): v for v in project.documents.variables()}
    known = ", ".join(v.name for v in project.documents.variables()) or "none"
    found = []
    for item in items:
        match = _PART.match(item)
        part, name = (match[1].lower(), match[2]) if match else ("value", item.strip())
        variable = variables.get(name.casefold())
        if variable is None:
            raise UserError(f"strata: there is no variable '{name}' (variables: {known})")
        if part != "value" and variable.type is not VariableType.DATE:
            raise UserError(f"strata: {part}({variable.name}) needs a date variable")
        stratifier = Stratifier(variable.name, part)
        if stratifier in found:
            raise UserError(f"strata: '{stratifier.label}' is named twice")
        found.append(stratifier)
    return tuple(found)


def parse_share(text: str) -> Fraction:
    """``15%``, ``15 %`` or ``0.15`` as an exact fraction above 0 and at most 1."""
    raw = text.strip().replace(",", ".")
    percent = raw.endswith("%")
    try:
        value = Decimal(raw.rstrip("%").strip())
    except InvalidOperation:
        raise UserError(f"a share is written 15% or 0.15, not '{text}'") from None
    share = Fraction(value) / (100 if percent else 1)
    if not 0 < share <= 1:
        raise UserError(f"a share must be above 0 and at most 100 %, not '{text}'")
    return share


def size_of(population: int, share: Fraction) -> int:
    """``share × population`` rounded to the nearest article (a half up), at least one."""
    exact = Decimal(share.numerator * population) / Decimal(share.denominator)
    return max(1, int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def allocate(sizes: Sequence[int], total: int) -> list[int]:
    """Largest-remainder proportional allocation of ``total`` among strata of ``sizes``
    (ties: the larger stratum, then the earlier one). The result adds up to ``total``."""
    population = sum(sizes)
    if not 0 <= total <= population:
        raise ValueError("total outside 0..population")
    quotas = [Fraction(total * n, population) if population else Fraction(0) for n in sizes]
    given = [int(q) for q in quotas]  # floor: quotas are not negative
    left = total - sum(given)
    order = sorted(range(len(sizes)), key=lambda k: (-(quotas[k] - given[k]), -sizes[k], k))
    for k in order[:left]:
        given[k] += 1
    return given


def rank(seed: int, guid: str) -> str:
    """The order of the draw: SHA-256 of ``"<seed>:<guid>"`` in hex (lowest drawn first)."""
    return hashlib.sha256(f"{seed}:{guid}".encode()).hexdigest()


@dataclass(frozen=True)
class DesignSpec:
    """What to draw. ``share`` (e.g. ``"15%"``) or ``size``; ``strata`` as written
    (``outlet``, ``year(date)``); ``where``: conditions limiting the rest
    (``services.search.condition_of``)."""

    coders: Sequence[str]
    seed: int = 1
    share: str | None = None
    size: int | None = None
    strata: Sequence[str] = ()
    split_rest: bool = False
    where: Sequence[str] = ()
    replace: bool = False


@dataclass(frozen=True)
class Stratum:
    """One stratum of the allocation: its values, how many articles it holds and draws."""

    values: tuple[str, ...]
    articles: int
    drawn: int

    @property
    def label(self) -> str:
        return " × ".join(v or NO_VALUE for v in self.values) or "all articles"

    def as_dict(self, variables: Sequence[str]) -> dict[str, Any]:
        return {
            "stratum": self.label,
            "values": {
                name: value or None for name, value in zip(variables, self.values, strict=True)
            },
            "articles": self.articles,
            "drawn": self.drawn,
        }


@dataclass(frozen=True)
class CoderShare:
    """What one coder gets of the rest: articles and their characters."""

    coder: str
    articles: int
    characters: int

    def as_dict(self) -> dict[str, Any]:
        return {"coder": self.coder, "articles": self.articles, "characters": self.characters}


@dataclass(frozen=True)
class Plan:
    """A design worked out, before (or as) it is drawn: the allocation per stratum, the
    articles of the sample and where each article of the rest goes."""

    seed: int
    share: str | None
    size: int
    population: int
    variables: tuple[str, ...]
    strata: tuple[Stratum, ...]
    coders: tuple[str, ...]
    sample: tuple[tuple[int, str], ...]  # (id, name), by name
    split_rest: bool
    where: tuple[str, ...]
    rest: tuple[CoderShare, ...]
    rest_of: dict[int, str] = field(repr=False)  # document id -> coder name

    def design(self) -> dict[str, Any]:
        """The design as stored and reported (no article lists)."""
        return {
            "seed": self.seed,
            "share": self.share,
            "size": self.size,
            "population": self.population,
            "strata": list(self.variables),
            "allocation": [s.as_dict(self.variables) for s in self.strata],
            "coders": list(self.coders),
            "split_rest": self.split_rest,
            "where": list(self.where),
            "rest": [r.as_dict() for r in self.rest],
            "method": METHOD,
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.design(), "sample": [name for _, name in self.sample]}


@dataclass(frozen=True)
class Drawn:
    """A design drawn: the plan, the stored design's id, what changed."""

    plan: Plan
    design_id: int
    changes: Changes = field(default_factory=Changes)


def plan_design(project: Project, spec: DesignSpec) -> Plan:
    """Work the design out without writing anything (the window's preview, the draw's
    first step); a :class:`UserError` for anything that cannot be drawn."""
    from annotator.services.search import Scope, allowed_documents, condition_of

    coders = _coders(project, spec.coders)
    documents = project.documents.all()
    population = len(documents)
    if not population:
        raise UserError("the project has no articles to draw from")
    if (spec.share is None) == (spec.size is None):
        raise UserError("give the sample as a share (15%) or a number of articles, not both")
    if spec.size is not None:
        if spec.size < 1:
            raise UserError("a reliability sample needs at least one article")
        if spec.size > population:
            raise UserError(f"the project has {population} articles, fewer than {spec.size}")
        size = spec.size
    else:
        size = size_of(population, parse_share(spec.share or ""))
    strata_of = stratifiers(project, spec.strata)
    ids = {v.name: v.id for v in project.documents.variables()}
    values = {s: project.documents.values_of(ids[s.variable]) for s in strata_of}
    members: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for document in documents:
        key = tuple(s.key(values[s].get(document.id, "")) for s in strata_of)
        members.setdefault(key, []).append((rank(spec.seed, document.guid), document.id))
    keys = sorted(members, key=lambda k: tuple((v == "", v) for v in k))
    counts = allocate([len(members[k]) for k in keys], size)
    drawn: list[int] = []
    for key, count in zip(keys, counts, strict=True):
        drawn += [d for _, d in sorted(members[key])[:count]]
    titles = dict(project.documents.names())
    sample = tuple(sorted(((d, titles[d]) for d in drawn), key=lambda item: item[1]))
    where = tuple(spec.where)
    rest_of: dict[int, str] = {}
    rest: tuple[CoderShare, ...] = ()
    if spec.split_rest:
        allowed = allowed_documents(
            project, Scope(conditions=tuple(condition_of(project, w) for w in where))
        )
        chosen = set(drawn)
        left = [d for d in documents if d.id not in chosen and (allowed is None or d.id in allowed)]
        rest_of, rest = _split(left, [c.name for c in coders], spec.seed)
    elif where:
        raise UserError("conditions (--where) limit the rest: give --split-rest too")
    return Plan(
        seed=spec.seed,
        share=spec.share,
        size=size,
        population=population,
        variables=tuple(s.label for s in strata_of),
        strata=tuple(Stratum(k, len(members[k]), n) for k, n in zip(keys, counts, strict=True)),
        coders=tuple(c.name for c in coders),
        sample=sample,
        split_rest=spec.split_rest,
        where=where,
        rest=rest,
        rest_of=rest_of,
    )


def _split(
    documents: Sequence[Any], coders: Sequence[str], seed: int
) -> tuple[dict[int, str], tuple[CoderShare, ...]]:
    """Greedy largest-first: each article to the coder with the fewest characters so far."""
    characters = dict.fromkeys(coders, 0)
    articles = dict.fromkeys(coders, 0)
    given: dict[int, str] = {}
    for document in sorted(documents, key=lambda d: (-d.length, rank(seed, d.guid))):
        coder = min(coders, key=lambda c: (characters[c], articles[c], coders.index(c)))
        given[document.id] = coder
        characters[coder] += document.length
        articles[coder] += 1
    return given, tuple(CoderShare(c, articles[c], characters[c]) for c in coders)


def _coders(project: Project, names: Sequence[str]) -> list[Coder]:
    if not names:
        raise UserError("name the coders to assign the sample to")
    return coders_named(project, names)


def draw_design(project: Project, spec: DesignSpec) -> Drawn:
    """Draw the design and record it, in one transaction: the sample assigned to every coder,
    the rest (with ``split_rest``) each article to one coder, the design stored. Adds to
    the coders' assignments, or (``replace``) takes theirs back first."""
    plan = plan_design(project, spec)
    coders = {c.name: c.id for c in coders_named(project, plan.coders)}
    sample = [d for d, _ in plan.sample]
    statuses = frozenset((d, c) for d in sample for c in coders.values())
    statuses |= frozenset((d, coders[name]) for d, name in plan.rest_of.items())
    placed: list[tuple[int, str, str | None]] = [(d, "sample", None) for d in sample]
    placed += [(d, "rest", name) for d, name in plan.rest_of.items()]
    with project.transaction():
        if spec.replace:
            statuses |= clear_assignments(project, list(coders)).changes.statuses
        for coder_id in coders.values():
            project.statuses.assign_many(coder_id, sorted(sample))
        by_coder: dict[str, list[int]] = {}
        for document, name in plan.rest_of.items():
            by_coder.setdefault(name, []).append(document)
        for name, documents in by_coder.items():
            project.statuses.assign_many(coders[name], sorted(documents))
        design_id = ArticleSetStore(project.db).add_design(plan.design(), placed)
    return Drawn(plan, design_id, Changes(statuses=statuses))


@dataclass(frozen=True)
class Design:
    """A stored design, as a report states it."""

    id: int
    drawn_at: str
    design: dict[str, Any]
    sample: frozenset[int]
    rest: dict[int, str]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "drawn_at": self.drawn_at, **self.design}

    def sentence(self) -> str:
        """One sentence for a methods section."""
        d = self.design
        size = f"{d['size']} of {d['population']} articles"
        if d.get("share"):
            size += f" ({d['share']})"
        strata = (
            f", stratified by {' × '.join(d['strata'])} with proportional allocation "
            f"(largest remainder) over {len(d['allocation'])} strata"
            if d["strata"]
            else ""
        )
        text = (
            f"The reliability sample of {size} was drawn at random{strata} (seed {d['seed']}; "
            f"SHA-256 rank) and coded independently by {', '.join(d['coders'])}."
        )
        if d["split_rest"]:
            each = ", ".join(f"{r['coder']} {r['articles']}" for r in d["rest"])
            text += f" The remaining articles were split among the coders by size ({each})."
        return text


def current_design(project: Project) -> Design | None:
    """The newest design drawn in the project, or None."""
    return _design(ArticleSetStore(project.db).design())


def _design(row: DesignRow | None) -> Design | None:
    if row is None:
        return None
    sample = frozenset(d for d, part, _ in row.placed if part == "sample")
    rest = {d: coder or "" for d, part, coder in row.placed if part == "rest"}
    return Design(row.id, row.created_at, row.design, sample, rest)


def withdraw_design(project: Project, design_id: int) -> DesignRow | None:
    """Take a stored design away (the draw undone); returns it, to put back on redo."""
    store = ArticleSetStore(project.db)
    row = store.design(design_id)
    if row is not None:
        with project.transaction():
            store.delete_design(design_id)
    return row


def reinstate_design(project: Project, row: DesignRow) -> None:
    """Put back a design :func:`withdraw_design` took away, as it was."""
    with project.transaction():
        ArticleSetStore(project.db).add_design(row.design, row.placed, row=row)
