"""Changing the codebook from the window: usage counts, edit, move, merge, delete.

Editing, moving and merging refuse, with nothing changed, what would leave an exclusive
dimension's codings breaking its rule (:mod:`annotator.services.exclusive_rule`)."""

from __future__ import annotations

from annotator.domain.errors import UserError
from annotator.domain.model import Code, Coding
from annotator.services import backups
from annotator.services.exclusive_rule import coded_pairs, drop_clashing, refuse_clashes
from annotator.storage import Project
from annotator.storage.saved_searches import SavedSearchStore


def code_usage(project: Project, code_id: int) -> int:
    """How many codings use this node or any node below it."""
    return project.codings.count_for_codes(project.codebook.subtree(code_id))


def delete_code(project: Project, code_id: int) -> int:
    """Delete a node, everything below it and all their codings; return the codings deleted.
    A snapshot is taken first when codings go with it."""
    if code_usage(project, code_id):
        backups.before_bulk_change(project, f"deleting '{project.codebook.get(code_id).name}'")
    with project.transaction():
        deleted = project.codings.delete_for_codes(project.codebook.subtree(code_id))
        project.codebook.delete(code_id)
    return deleted


def merge_code(
    project: Project, source_id: int, target_id: int, *, dropped: list[Coding] | None = None
) -> int:
    """Fold one code into another: its codings and child codes go to the target, then it goes.

    Returns the number of codings moved (exact duplicates of the target's are dropped). Into
    another exclusive dimension, a merge whose codings would clash with the codings already
    there is refused; given a ``dropped`` list, those clashing codings of the merged code are
    deleted instead (and added to the list).
    """
    source, target = project.codebook.get(source_id), project.codebook.get(target_id)
    if source.is_dimension or target.is_dimension:
        raise UserError("only codes can be merged, not dimensions")
    if target_id in project.codebook.subtree(source_id):
        raise UserError(f"'{source.name}' cannot be merged into a code below it")
    if code_usage(project, source_id):
        backups.before_bulk_change(project, f"merging '{source.name}' into '{target.name}'")
    with project.transaction():
        tree = project.codebook.tree()
        paths = tree.path(source_id), tree.path(target_id)
        touched = coded_pairs(project, project.codebook.subtree(source_id))
        brought = _coding_ids(project, source_id)
        moved = project.codings.reassign(source_id, target_id)
        SavedSearchStore(project.db).move_code(source_id, target_id)  # its rules follow it
        project.memos.move_to_code(source_id, target_id)  # and its memos
        for child in tree.children(source_id):
            project.codebook.move(child.id, target_id, len(tree.children(target_id)))
        project.codebook.delete(source_id)
        dimension = tree.dimension_of(target_id)
        # Within one dimension a merge only joins its codes: it cannot make a clash.
        if dimension.id != tree.dimension_of(source_id).id:
            if dropped is not None:
                dropped.extend(drop_clashing(project, dimension.id, brought))
            refuse_clashes(
                project,
                dimension.id,
                f"'{paths[0]}' cannot be merged into '{paths[1]}': codings would clash in the "
                f"exclusive dimension '{dimension.name}'",
                among=touched,
            )
    return moved


def move_code(
    project: Project,
    code_id: int,
    parent_id: int | None,
    position: int,
    *,
    dropped: list[Coding] | None = None,
) -> Code:
    """Move a node; a node with codings (in it or below it) cannot become a dimension. Under
    another exclusive dimension, a move whose codings would clash with the codings already
    there is refused; given a ``dropped`` list, those clashing codings of the moved node are
    deleted instead (and added to the list)."""
    if parent_id is None and code_usage(project, code_id):
        raise UserError("a code with codings cannot become a dimension; move it under one")
    with project.transaction():
        tree = project.codebook.tree()
        moved = project.codebook.move(code_id, parent_id, position)
        if (
            parent_id is not None
            and tree.dimension_of(parent_id).id != tree.dimension_of(code_id).id
        ):
            dimension = tree.dimension_of(parent_id)
            if dropped is not None:
                dropped.extend(drop_clashing(project, dimension.id, _coding_ids(project, code_id)))
            refuse_clashes(
                project,
                dimension.id,
                f"'{tree.path(code_id)}' cannot be moved under '{tree.path(parent_id)}': "
                f"codings would clash in the exclusive dimension '{dimension.name}'",
                among=coded_pairs(project, project.codebook.subtree(code_id)),
            )
        return moved


def _coding_ids(project: Project, code_id: int) -> set[int]:
    """The ids of the codings of a node and of the nodes below it."""
    return {
        c.id for code in project.codebook.subtree(code_id) for c in project.codings.for_code(code)
    }


def update_code(
    project: Project,
    code_id: int,
    *,
    name: str | None = None,
    color: str | None = None,
    description: str | None = None,
    shortcut: str | None = None,
    clear_shortcut: bool = False,
    exclusive: bool | None = None,
) -> Code:
    """Change the given fields of a node (see :meth:`CodebookStore.update`); making a
    dimension exclusive is refused while its codings would break the rule."""
    with project.transaction():
        before = project.codebook.get(code_id)
        code = project.codebook.update(
            code_id,
            name=name,
            color=color,
            description=description,
            shortcut=shortcut,
            clear_shortcut=clear_shortcut,
            exclusive=exclusive,
        )
        if code.exclusive and not before.exclusive:
            refuse_clashes(
                project, code_id, f"'{code.name}' cannot be made exclusive: its codings clash"
            )
    return code
