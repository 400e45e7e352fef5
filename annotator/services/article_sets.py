"""Named article sets: a pilot set, a training set, any articles a team wants to name and
compare coders on (``agreement --set pilot``). A set holds articles by id; deleting a set
deletes no article."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from annotator.domain.errors import UserError
from annotator.services.agreement import Request
from annotator.storage import Project
from annotator.storage.article_sets import ArticleSetStore, SetRow


@dataclass(frozen=True)
class ArticleSet:
    """A set as shown: name, description, when made, its articles ``(id, name)`` by name."""

    name: str
    description: str
    created_at: str
    documents: tuple[tuple[int, str], ...]

    @property
    def count(self) -> int:
        return len(self.documents)

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(d for d, _ in self.documents)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "created_at": self.created_at,
            "articles": [name for _, name in self.documents],
        }


def _shown(project: Project, row: SetRow) -> ArticleSet:
    titles = dict(project.documents.names())
    documents = sorted(((d, titles[d]) for d in row.documents), key=lambda item: item[1])
    return ArticleSet(row.name, row.description, row.created_at, tuple(documents))


def article_sets(project: Project) -> list[ArticleSet]:
    """Every set, by name."""
    return [_shown(project, row) for row in ArticleSetStore(project.db).sets()]


def article_set(project: Project, name: str) -> ArticleSet:
    """The set of this name (ignoring case); a :class:`UserError` naming the sets if none."""
    return _shown(project, _row(project, name))


def _row(project: Project, name: str) -> SetRow:
    store = ArticleSetStore(project.db)
    row = store.set_named(name.strip())
    if row is None:
        known = ", ".join(s.name for s in store.sets()) or "none"
        raise UserError(f"there is no article set '{name}' (sets: {known})")
    return row


def chosen_documents(
    project: Project, documents: Sequence[str] = (), where: Sequence[str] = ()
) -> set[int]:
    """Articles by name or id, and those whose variables meet every condition of ``where``
    (``outlet=Yonhap``, ``date=2016``…); both given: the union. None matching is an error."""
    from annotator.services.search import Scope, allowed_documents, condition_of

    if not documents and not where:
        raise UserError("choose the articles: name them (--documents) or give conditions (--where)")
    chosen = {project.documents.find(name).id for name in documents}
    if where:
        scope = Scope(conditions=tuple(condition_of(project, w) for w in where))
        matched = allowed_documents(project, scope)
        if not matched:
            raise UserError(f"no article meets {' and '.join(where)}")
        chosen |= matched
    return chosen


def create_set(
    project: Project, name: str, documents: set[int], description: str = ""
) -> ArticleSet:
    """A new set of these articles, in one transaction."""
    name = name.strip()
    if not name:
        raise UserError("an article set needs a name")
    store = ArticleSetStore(project.db)
    if store.set_named(name) is not None:
        raise UserError(f"there is an article set '{name}' already (add articles to it with add)")
    if not documents:
        raise UserError(f"article set '{name}': no articles chosen")
    with project.transaction():
        store.create_set(name, description.strip(), sorted(documents))
    return article_set(project, name)


def delete_set(project: Project, name: str) -> ArticleSet:
    """Delete a set (its articles stay in the project); returns it as it was."""
    row = _row(project, name)
    shown = _shown(project, row)
    with project.transaction():
        ArticleSetStore(project.db).delete_set(row.id)
    return shown


def change_set(
    project: Project,
    name: str,
    *,
    add: Collection[int] = frozenset(),
    remove: Collection[int] = frozenset(),
) -> tuple[ArticleSet, int]:
    """Add articles to a set or take them out; returns the set and how many changed."""
    row = _row(project, name)
    store = ArticleSetStore(project.db)
    added = set(add) - row.documents
    removed = set(remove) & row.documents
    with project.transaction():
        store.add_members(row.id, sorted(added))
        store.remove_members(row.id, removed)
    return article_set(project, row.name), len(added) + len(removed)


def set_documents(project: Project, name: str) -> frozenset[int]:
    """The articles of a set, by id (the filter of ``agreement --set``)."""
    return _row(project, name).documents


def in_set(project: Project, request: Request, set_name: str | None) -> Request:
    """An agreement ``request`` limited to the articles of the article set ``set_name`` (as it
    is, when no set is named)."""
    if not set_name:
        return request
    return replace(request, documents=set_documents(project, set_name))
