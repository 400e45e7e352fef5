"""Saved searches as rules: keep a search under a name, optionally tied to a code (several
searches per code make a keyword dictionary), and run it again — on every article, on those
added since it last ran, or on those imported after a given import — coding what it finds.

A saved search keeps its query and options, its unit (hit, sentence, paragraph, article) and
its scope: variable conditions as the command line writes them (``outlet=Yonhap``), the codes
it searches within and whose passages, by GUID (so renaming a code or a coder keeps it). It
remembers, for each coder, the highest article id it ran on for them (:func:`mark`); article
ids are never given twice, so "new since the last run" means any article added since, by an
import, a merge or a REFI-QDA project. Changing what a rule finds or codes (its query, options,
code, unit or scope) takes its marks away: the changed rule has run on nothing yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.domain.codebook import Codebook
from annotator.domain.errors import BadFileError, NotFoundError, UserError
from annotator.domain.model import Code
from annotator.io.codebook_files import SearchSpec
from annotator.services import autocode, search
from annotator.services.article_filter import Condition, Match
from annotator.services.autocode import AutoCoded, Origin, Preview, Unit
from annotator.services.search import Request, Scope
from annotator.storage import Project
from annotator.storage.saved_searches import (
    SavedScope,
    SavedSearch,
    SavedSearchStore,
    check_search_name,
)

__all__ = [
    "ALL",
    "NEW",
    "RuleRun",
    "SavedScope",
    "SavedSearch",
    "apply_search_specs",
    "condition_text",
    "delete",
    "documents_since_import",
    "find",
    "highest_document",
    "list_searches",
    "mark",
    "rename",
    "request_of",
    "rule_apply",
    "rule_preview",
    "run_rule",
    "save",
    "search_specs",
    "set_mark",
    "store",
    "tie",
]

#: Which articles a rule runs on: those added since it last ran, or every article.
NEW = "new"
ALL = "all"


def store(project: Project) -> SavedSearchStore:
    """The project's saved searches."""
    return SavedSearchStore(project.db)


def condition_text(condition: Condition) -> str:
    """A condition as the command line writes it (read back by ``search.condition_of``)."""
    if condition.match is Match.EMPTY:
        return f"{condition.variable}="
    if condition.match is Match.CONTAINS:
        return f"{condition.variable}~{condition.text}"
    if condition.match is Match.RANGE:
        return f"{condition.variable}={condition.low}..{condition.high}"
    return f"{condition.variable}={condition.text}"


def _saved_scope(project: Project, scope: Scope) -> SavedScope:
    codebook = project.codebook.tree()
    coders = {coder.id: coder.guid for coder in project.coders.all()}
    return SavedScope(
        where=tuple(condition_text(c) for c in scope.conditions),
        within=tuple(codebook.get(code_id).guid for code_id in scope.within),
        coders=tuple(coders[c] for c in sorted(scope.coders or ()) if c in coders),
    )


def save(
    project: Project,
    name: str,
    request: Request,
    *,
    code_id: int | None = None,
    unit: Unit = Unit.HIT,
) -> SavedSearch:
    """Keep ``request`` (its query, options and scope) under ``name``, tied to ``code_id``
    (or to no code) with the unit it codes. The query is checked first: a malformed one is
    refused (:class:`~annotator.domain.search_query.QueryError`), nothing saved."""
    search.compile_request(request)
    if code_id is not None:
        _check_code(project, code_id)
    return store(project).add(
        name,
        request.query,
        regex=request.regex,
        match_case=request.match_case,
        match_diacritics=request.match_diacritics,
        code_id=code_id,
        unit=unit.value,
        scope=_saved_scope(project, request.scope),
    )


def _check_code(project: Project, code_id: int) -> None:
    tree = project.codebook.tree()
    if code_id not in tree:
        raise NotFoundError(f"there is no code with id {code_id}")
    if tree.get(code_id).is_dimension:
        raise UserError(
            f"'{tree.path(code_id)}' is a dimension: tie the search to one of its codes"
        )


def list_searches(project: Project) -> list[SavedSearch]:
    """Every saved search, by name."""
    return store(project).all()


def find(project: Project, name: str) -> SavedSearch:
    """The saved search called ``name`` (case ignored); a :class:`NotFoundError` names the
    saved searches there are."""
    saved = store(project).by_name(name)
    if saved is None:
        names = ", ".join(f"'{s.name}'" for s in store(project).all()) or "none"
        raise NotFoundError(f"there is no saved search '{name}' (saved searches: {names})")
    return saved


def rename(project: Project, saved: SavedSearch, name: str) -> SavedSearch:
    """Give a saved search another name (refused when another has it)."""
    return store(project).update(saved.id, name=name)


def mark(project: Project, saved: SavedSearch, coder_id: int) -> int:
    """The highest article id ``saved`` has run on for the coder (0: never): "new" articles
    for them are those above it."""
    return store(project).mark(saved.id, coder_id)


def set_mark(project: Project, saved: SavedSearch, coder_id: int, document_id: int) -> None:
    """Put the coder's mark of ``saved`` at ``document_id`` (undoing a run puts it back)."""
    store(project).set_mark(saved.id, coder_id, document_id)


def tie(project: Project, saved: SavedSearch, code_id: int | None) -> SavedSearch:
    """Tie a saved search to a code, or (``None``) to none (another code: every coder's
    mark is taken away, as the rule has coded nothing with it yet)."""
    if code_id is not None:
        _check_code(project, code_id)
    return store(project).update(saved.id, code_id=code_id)


def delete(project: Project, saved: SavedSearch) -> SavedSearch:
    """Remove a saved search (the codings it made stay); returns it as it was."""
    return store(project).delete(saved.id)


def request_of(
    project: Project,
    saved: SavedSearch,
    *,
    documents: frozenset[int] | None = None,
    context: int = search.DEFAULT_CONTEXT,
) -> Request:
    """The :class:`Request` a saved search makes (only in ``documents``, when given); a code
    or coder of its scope that is gone is a :class:`UserError` naming the search."""
    codebook = project.codebook.tree()
    by_guid = {code.guid.lower(): code.id for code in codebook.walk()}
    within = []
    for guid in saved.scope.within:
        if guid.lower() not in by_guid:
            raise UserError(
                f"saved search '{saved.name}' searches within a code that is no longer in the "
                "codebook: save it again with another code"
            )
        within.append(by_guid[guid.lower()])
    coders = []
    for guid in saved.scope.coders:
        coder = project.coders.by_guid(guid)
        if coder is None:
            raise UserError(f"saved search '{saved.name}' reads the passages of a coder gone since")
        coders.append(coder.id)
    try:
        conditions = tuple(search.condition_of(project, text) for text in saved.scope.where)
    except UserError as error:
        raise UserError(f"saved search '{saved.name}': {error}") from None
    scope = Scope(
        conditions=conditions,
        within=tuple(within),
        coders=frozenset(coders) if coders else None,
        documents=documents,
    )
    return Request(
        saved.query,
        regex=saved.regex,
        match_case=saved.match_case,
        match_diacritics=saved.match_diacritics,
        scope=scope,
        context=context,
    )


def documents_since_import(project: Project, import_id: int) -> frozenset[int]:
    """The articles imported by the imports after import ``import_id``: those read from a
    file of a later import (an article's source is its file's, or begins with it) and stored
    once that import had begun. (Running a rule twice on an article codes nothing twice.)"""
    found = project.db.execute("SELECT id FROM imports WHERE id = ?", [import_id]).fetchone()
    if found is None:
        runs = ", ".join(str(run.id) for run in project.imports.all()) or "none"
        raise NotFoundError(
            f"there is no import {import_id} ('annotator imports' lists them: {runs})"
        )
    rows = project.db.execute(
        "SELECT DISTINCT d.id FROM imports i JOIN import_files f ON f.import_id = i.id "
        "JOIN documents d ON (d.source = f.source "
        "OR substr(d.source, 1, length(f.source)) = f.source) AND d.imported_at >= i.started_at "
        "WHERE i.id > ? AND f.refused IS NULL",
        [import_id],
    )
    return frozenset(int(r[0]) for r in rows)


@dataclass(frozen=True)
class RuleRun:
    """A rule's run: the articles it searched (None: all), the preview, what it coded (None
    for a preview only), and for a run on every article the highest article id there was
    when it searched (``reach``; None: the highest when it is applied)."""

    saved: SavedSearch
    documents: frozenset[int] | None
    preview: Preview
    coded: AutoCoded | None = None
    reach: int | None = None


def _documents(
    project: Project, saved: SavedSearch, coder_id: int, since: str | int
) -> frozenset[int] | None:
    if since == ALL:
        return None
    if since == NEW:
        rows = project.db.execute(
            "SELECT id FROM documents WHERE id > ?", [mark(project, saved, coder_id)]
        )
        return frozenset(int(r[0]) for r in rows)
    if isinstance(since, int):
        return documents_since_import(project, since)
    raise UserError(f"a rule runs on 'new' articles, 'all' or those after an import, not '{since}'")


def rule_preview(
    project: Project,
    saved: SavedSearch,
    coder_id: int,
    *,
    since: str | int = NEW,
    code_id: int | None = None,
    unit: Unit | None = None,
) -> RuleRun:
    """What running ``saved`` for ``coder_id`` would code (its own code and unit unless
    given) on the articles ``since`` says: :data:`NEW` (added since it last ran for that
    coder), :data:`ALL`,
    or an import's id (those imported after it). Writes nothing."""
    code = code_id if code_id is not None else saved.code_id
    if code is None:
        raise UserError(f"saved search '{saved.name}' is tied to no code: say which code to apply")
    documents = _documents(project, saved, coder_id, since)
    reach = highest_document(project) if documents is None else None
    request = request_of(project, saved, documents=documents)
    hits = search.hit_spans(project, request)
    chosen_unit = unit or Unit(saved.unit)
    preview = autocode.preview(project, hits, code, coder_id, chosen_unit)
    return RuleRun(saved, documents, preview, reach=reach)


def highest_document(project: Project) -> int:
    return int(project.db.execute("SELECT ifnull(max(id), 0) FROM documents").fetchone()[0])


def _reached(project: Project, run: RuleRun, before: int) -> int:
    """The coder's new mark after ``run``: past every article it searched that follows the
    mark ``before`` without a gap — an article it did not search (added after the preview,
    or of an earlier import than the one it ran after) stays new."""
    if run.documents is None:
        return max(before, highest_document(project) if run.reach is None else run.reach)
    reached = before
    for (document_id,) in project.db.execute(
        "SELECT id FROM documents WHERE id > ? ORDER BY id", [before]
    ):
        if document_id not in run.documents:
            break
        reached = int(document_id)
    return reached


def rule_apply(project: Project, run: RuleRun) -> RuleRun:
    """Code what :func:`rule_preview` found, in one transaction that also moves the
    preview's coder's mark past the articles the run searched (see :func:`_reached`)."""
    saved = run.saved
    origin = Origin(
        query=saved.query,
        regex=saved.regex,
        unit=run.preview.unit,
        rule=saved.guid,
        name=saved.name,
    )
    coder_id = run.preview.coder_id
    with project.transaction():
        coded = autocode.apply(project, run.preview, origin)
        saved_searches = store(project)
        before = saved_searches.mark(saved.id, coder_id)
        saved_searches.set_mark(saved.id, coder_id, _reached(project, run, before))
        updated = saved_searches.get(saved.id)
    return RuleRun(updated, run.documents, run.preview, coded, run.reach)


def run_rule(
    project: Project,
    saved: SavedSearch,
    coder_id: int,
    *,
    since: str | int = NEW,
    code_id: int | None = None,
    unit: Unit | None = None,
) -> RuleRun:
    """Preview and apply a rule in one go (the command line)."""
    return rule_apply(
        project, rule_preview(project, saved, coder_id, since=since, code_id=code_id, unit=unit)
    )


# -- with the codebook file --------------------------------------------------------------------


def search_specs(project: Project) -> list[SearchSpec]:
    """The saved searches as a codebook file carries them (codes by path, coders by name)."""
    codebook = project.codebook.tree()
    paths = {code.guid.lower(): codebook.path(code.id) for code in codebook.walk()}
    coders = {coder.guid: coder.name for coder in project.coders.all()}
    specs = []
    for saved in store(project).all():
        specs.append(
            SearchSpec(
                name=saved.name,
                query=saved.query,
                regex=saved.regex,
                match_case=saved.match_case,
                match_diacritics=saved.match_diacritics,
                code=(
                    codebook.path(saved.code_id)
                    if saved.code_id is not None and saved.code_id in codebook
                    else None
                ),
                unit=saved.unit,
                where=saved.scope.where,
                within=tuple(paths[g.lower()] for g in saved.scope.within if g.lower() in paths),
                coders=tuple(coders[g] for g in saved.scope.coders if g in coders),
            )
        )
    return specs


def apply_search_specs(
    project: Project, specs: list[SearchSpec], path: Path
) -> tuple[list[str], list[str], list[str]]:
    """Keep the saved searches of a codebook file (read from ``path``): one of a name the
    project has is given the file's version. Each is checked first — its code and the codes
    it searches within must be in the codebook (after the file's codes were merged in), its
    coders in the project, its query readable — and any problem is a :class:`BadFileError`
    naming the file and the line, with nothing kept. Returns the names added, changed, and
    of those changed the ones whose "new articles" marks were taken away (a changed rule has
    run on no article yet: run on new articles, it runs on every one)."""
    codebook = project.codebook.tree()
    checked: list[tuple[SearchSpec, int | None, SavedScope]] = []
    for spec in specs:
        where = f"saved search '{spec.name}'"
        code_id = None
        if spec.code is not None:
            code = _code_at(codebook, spec.code)
            if code is None:
                raise BadFileError(
                    path,
                    f"{where} is tied to the code '{spec.code}', which the codebook does not have",
                    line=spec.line,
                )
            if code.is_dimension:
                raise BadFileError(
                    path,
                    f"{where} is tied to '{spec.code}', a dimension, not a code",
                    line=spec.line,
                )
            code_id = code.id
        within = []
        for code_path in spec.within:
            code = _code_at(codebook, code_path)
            if code is None:
                raise BadFileError(
                    path,
                    f"{where} searches within '{code_path}', which the codebook does not have",
                    line=spec.line,
                )
            within.append(code.guid)
        coders = []
        for name in spec.coders:
            coder = project.coders.lookup(name)
            if coder is None:
                raise BadFileError(
                    path,
                    f"{where} reads the passages of '{name}', who is not a coder of the project",
                    line=spec.line,
                )
            coders.append(coder.guid)
        try:
            check_search_name(spec.name)
            search.compile_request(
                Request(spec.query, regex=spec.regex, match_case=spec.match_case)
            )
            for text in spec.where:
                search.condition_of(project, text)
        except UserError as error:
            raise BadFileError(path, f"{where}: {error}", line=spec.line) from None
        checked.append((spec, code_id, SavedScope(spec.where, tuple(within), tuple(coders))))
    added: list[str] = []
    changed: list[str] = []
    reset: list[str] = []
    saved_searches = store(project)
    with project.transaction():
        for spec, code_id, scope in checked:
            fields = {
                "query": spec.query,
                "regex": spec.regex,
                "match_case": spec.match_case,
                "match_diacritics": spec.match_diacritics,
                "code_id": code_id,
                "unit": spec.unit,
                "scope": scope,
            }
            existing = saved_searches.by_name(spec.name)
            if existing is None:
                saved_searches.add(spec.name, **fields)  # type: ignore[arg-type]
                added.append(spec.name)
            elif _differs(existing, fields):
                had_marks = bool(saved_searches.marks(existing.id))
                saved_searches.update(existing.id, **fields)  # type: ignore[arg-type]
                changed.append(existing.name)
                if had_marks:
                    reset.append(existing.name)
    return added, changed, reset


def _code_at(codebook: Codebook, path: str) -> Code | None:
    try:
        return codebook.find(path)
    except UserError:
        return None


def _differs(saved: SavedSearch, fields: dict[str, object]) -> bool:
    return any(getattr(saved, key) != value for key, value in fields.items())
