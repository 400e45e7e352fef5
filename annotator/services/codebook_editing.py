"""Changing the codebook from the window: usage counts, move, merge, delete."""

from __future__ import annotations

from annotator.domain.errors import UserError
from annotator.domain.model import Code
from annotator.services import backups
from annotator.storage import Project


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


def merge_code(project: Project, source_id: int, target_id: int) -> int:
    """Fold one code into another: its codings and child codes go to the target, then it goes.

    Returns the number of codings moved (exact duplicates of the target's are dropped).
    """
    source, target = project.codebook.get(source_id), project.codebook.get(target_id)
    if source.is_dimension or target.is_dimension:
        raise UserError("only codes can be merged, not dimensions")
    if target_id in project.codebook.subtree(source_id):
        raise UserError(f"'{source.name}' cannot be merged into a code below it")
    if code_usage(project, source_id):
        backups.before_bulk_change(project, f"merging '{source.name}' into '{target.name}'")
    with project.transaction():
        moved = project.codings.reassign(source_id, target_id)
        tree = project.codebook.tree()
        for child in tree.children(source_id):
            project.codebook.move(child.id, target_id, len(tree.children(target_id)))
        project.codebook.delete(source_id)
    return moved


def move_code(project: Project, code_id: int, parent_id: int | None, position: int) -> Code:
    """Move a node; a node with codings (in it or below it) cannot become a dimension."""
    if parent_id is None and code_usage(project, code_id):
        raise UserError("a code with codings cannot become a dimension; move it under one")
    with project.transaction():
        return project.codebook.move(code_id, parent_id, position)
