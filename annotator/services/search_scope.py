"""Where a search looks: the articles whose variables meet conditions, the passages coded
with chosen codes (by chosen coders), or a list of articles — and the command line's words for
them (``VARIABLE=VALUE``, code paths, coder names)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.services.article_filter import Condition, Match
from annotator.services.retrieval import expand
from annotator.storage import Project


@dataclass(frozen=True)
class Scope:
    """Where to search. ``conditions``: only articles whose variables meet every condition;
    ``within``: only inside passages coded with these codes (ids; each with the codes below
    it), by ``coders`` (ids; ``None``: anyone's); ``documents``: only these articles (a rule
    re-run on new ones). A whole-article coding makes the whole article a passage."""

    conditions: tuple[Condition, ...] = ()
    within: tuple[int, ...] = ()
    coders: frozenset[int] | None = None
    documents: frozenset[int] | None = None


def allowed_documents(project: Project, scope: Scope) -> set[int] | None:
    """The articles the scope's conditions and list allow (None: every article)."""
    allowed: set[int] | None = None if scope.documents is None else set(scope.documents)
    if not scope.conditions:
        return allowed
    variables = {v.name: v for v in project.documents.variables()}
    every = {document_id for document_id, _ in project.documents.names()}
    for condition in scope.conditions:
        variable = variables.get(condition.variable)
        if variable is None:
            known = ", ".join(sorted(variables)) or "none"
            raise UserError(f"there is no variable '{condition.variable}' (variables: {known})")
        values = project.documents.values_of(variable.id)
        accepted = {d for d in every if condition.accepts(values.get(d, ""))}
        allowed = accepted if allowed is None else allowed & accepted
    return allowed


def scope_passages(project: Project, scope: Scope) -> dict[int, list[tuple[int, int]]] | None:
    """The passages ``within`` names, by article (None: no such limit)."""
    if not scope.within:
        return None
    codebook = project.codebook.tree()
    codes = expand(codebook, scope.within)
    if not codes:
        return {}
    coders = None if scope.coders is None else sorted(scope.coders)
    lengths: dict[int, int] = {}
    passages: dict[int, list[tuple[int, int]]] = {}
    for _id, document_id, _name, _coder, _code, start, end in project.codings.retrieve(
        codes, coders
    ):
        if start is None or end is None:
            if document_id not in lengths:
                lengths[document_id] = project.documents.get(document_id).length
            start, end = 0, lengths[document_id]
        passages.setdefault(document_id, []).append((start, end))
    return passages


def condition_of(project: Project, text: str) -> Condition:
    """A condition as the command line writes it: ``VARIABLE=VALUE`` (that value, ignoring
    case; of a date variable a year, a month or a day: ``date=2016``), ``VARIABLE~TEXT`` (the
    value holds the text), ``VARIABLE=LOW..HIGH`` (a range of a date or number variable,
    either end open: ``date=2003..``) or ``VARIABLE=`` (no value)."""
    name, operator, value = _split_condition(text)
    variable = project.documents.variable(name)
    if variable is None:
        known = ", ".join(v.name for v in project.documents.variables()) or "none"
        raise UserError(f"'{text}': there is no variable '{name}' (variables: {known})")
    if operator == "~":
        if not value:
            raise UserError(f"'{text}': write the text to look for after ~")
        return Condition(variable.name, variable.type, Match.CONTAINS, text=value)
    if not value:
        return Condition(variable.name, variable.type, Match.EMPTY)
    if variable.type in (VariableType.DATE, VariableType.NUMBER):
        # A date is a day, a month or a year (date=2016 is all of 2016); a number compares
        # as a number (412 is 412.0).
        low, _, high = value.partition("..") if ".." in value else (value, "", value)
        return Condition.range_of(variable.name, variable.type, low, high)
    return Condition(variable.name, variable.type, Match.IS, text=value)


def _split_condition(text: str) -> tuple[str, str, str]:
    positions = [p for p in (text.find("="), text.find("~")) if p > 0]
    if not positions:
        raise UserError(
            f"'{text}' is not a condition: write VARIABLE=VALUE, VARIABLE~TEXT or "
            "VARIABLE=LOW..HIGH (outlet=Yonhap, title~defect, date=2016-01..2016-06)"
        )
    split = min(positions)
    return text[:split].strip(), text[split], text[split + 1 :].strip()


def resolve_scope(
    project: Project,
    *,
    where: Iterable[str] = (),
    within: Iterable[str] = (),
    coders: Iterable[str] = (),
) -> Scope:
    """A :class:`Scope` from the command line's words: conditions (see :func:`condition_of`),
    code paths and coder names; an unknown variable, code or coder is a :class:`UserError`."""
    conditions = tuple(condition_of(project, text) for text in where)
    codebook = project.codebook.tree()
    codes: list[int] = []
    for path in within:
        code = codebook.find(path)
        if code is None:
            raise UserError(f"the codebook has no code '{path}'")
        codes.append(code.id)
    chosen = [project.coders.find(name).id for name in coders]
    if chosen and not codes:
        raise UserError("--coders says whose passages to search within: give --within CODE too")
    return Scope(
        conditions=conditions,
        within=tuple(codes),
        coders=frozenset(chosen) if chosen else None,
    )
