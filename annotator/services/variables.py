"""Edit one document's variable values, checked as an import checks them."""

from __future__ import annotations

from collections.abc import Mapping

from annotator.domain.errors import UserError
from annotator.io.variables_csv import check_value
from annotator.services.changes import Changes
from annotator.storage import Project


def set_document_values(
    project: Project, document_id: int, values: Mapping[str, str | None]
) -> Changes:
    """Set variable values of one document by variable name; an empty value (or ``None``)
    clears it. All or nothing, in one transaction.

    Each value is checked by the rules of a variables CSV
    (:func:`~annotator.io.variables_csv.check_value`: a number variable takes a plain decimal
    number, a date variable a date ``YYYY-MM-DD``) and stored in its checked form. A value that
    does not fit, or a name the project has no variable for, raises :class:`UserError`
    naming the variable, and nothing is written.
    """
    document = project.documents.get(document_id)
    checked: dict[int, str | None] = {}
    for name, value in values.items():
        variable = project.documents.variable(name)
        if variable is None:
            raise UserError(f"{document.name}: the project has no variable '{name}'")
        if value is None or not value.strip():
            checked[variable.id] = None
            continue
        try:
            checked[variable.id] = check_value(value, variable.type)
        except UserError as error:
            raise UserError(f"{document.name}: {name} ({variable.type.value}): {error}") from None
    if not checked:
        return Changes()
    with project.transaction():
        project.documents.set_values(document.id, checked)
    return Changes(documents=frozenset({document.id}))
