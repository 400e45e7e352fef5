"""Exports of the project's data as CSV for statistics packages and spreadsheets: the long
CSV of codings (with a selection of coders, codes, articles and dates) and the documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from annotator.domain.errors import UserError
from annotator.domain.model import Variable, VariableType
from annotator.domain.numbers import exact_number, numeric_column
from annotator.io.csvfiles import atomic_output, csv_field, write_csv
from annotator.io.segments_csv import EXPORT_COLUMNS as SEGMENT_COLUMNS
from annotator.services.codebook_versions import version_range
from annotator.storage import Project

DOCUMENT_COLUMNS = ("document_id", "document_name", "source", "sha256", "characters", "imported_at")
#: Called now and then with (rows done, rows in all) by long exports.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Format:
    """How CSV is written: ``safe`` neutralises formulas for spreadsheets; ``excel`` puts a
    byte-order mark first, which Excel needs to read UTF-8."""

    safe: bool = True
    excel: bool = False

    @property
    def encoding(self) -> str:
        return "utf-8-sig" if self.excel else "utf-8"


PLAIN = Format()


@dataclass(frozen=True)
class Selection:
    """Which codings an export takes (empty: all): coders by name, codes or dimensions by path
    (a dimension takes its codes), articles by name or id, and the days the codings were made
    (``since`` and ``until`` inclusive, UTC)."""

    coders: Sequence[str] = ()
    codes: Sequence[str] = ()
    documents: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    #: A codebook version (tag): only the codings made while it was the latest tag.
    codebook_version: str = ""


@dataclass(frozen=True)
class Chosen:
    coder_ids: list[int] | None
    code_ids: list[int] | None
    document_ids: list[int] | None
    since: str | None
    before: str | None
    #: The codebook changes the codings were made under: from, up to (excluded; None: now).
    versions: tuple[int, int | None] | None = None


def choose(project: Project, selection: Selection) -> Chosen:
    """The ids a selection names, with a clear refusal for a name that is not there."""
    coders = None
    if selection.coders:
        coders = []
        for name in selection.coders:
            coder = project.coders.lookup(name)
            if coder is None:
                raise UserError(f"there is no coder '{name}'")
            coders.append(coder.id)
    codes = None
    if selection.codes:
        tree = project.codebook.tree()
        codes = []
        for path in selection.codes:
            code = tree.find(path)
            if code is None:
                raise UserError(f"there is no code or dimension '{path}' in the codebook")
            codes += [code.id, *(c.id for c in tree.walk(code.id))]
    documents = None
    if selection.documents:
        documents = [project.documents.find(name).id for name in selection.documents]
    if selection.since and selection.until and selection.since > selection.until:
        raise UserError("the first day of the range comes after the last")
    versions = None
    if selection.codebook_version:
        span = version_range(project, selection.codebook_version)
        versions = (span.first, span.until)
    return Chosen(
        coders,
        codes,
        documents,
        selection.since.isoformat() if selection.since else None,
        (selection.until + timedelta(days=1)).isoformat() if selection.until else None,
        versions,
    )


def segment_lines(
    project: Project,
    selection: Selection = Selection(),
    *,
    safe: bool = True,
    progress: Progress | None = None,
) -> Iterator[str]:
    """The long CSV's records (without line ends), by document and position.

    The fields that repeat (article, coder, code) are encoded once each; per coding only the
    passage and the memo are, which keeps 200,000 codings to about a second.
    """
    chosen = choose(project, selection)
    tree = project.codebook.tree()
    coders = {c.id: csv_field(c.name, safe=safe) for c in project.coders.all()}
    names = dict(project.documents.names())
    codes = {
        code.id: ",".join(
            csv_field(v, safe=safe)
            for v in (code.name, tree.path(code.id), tree.dimension_of(code.id).name)
        )
        for code in tree.codes()
    }
    total = project.codings.count() if progress else 0
    current, text, document = -1, "", ""
    for number, (
        coding_id,
        document_id,
        coder_id,
        code_id,
        start,
        end,
        memo,
        created,
        by_search,
        run,
        confidence,
        assisted,
    ) in enumerate(
        project.codings.for_export(
            coder_ids=chosen.coder_ids,
            code_ids=chosen.code_ids,
            document_ids=chosen.document_ids,
            since=chosen.since,
            before=chosen.before,
            versions=chosen.versions,
        )
    ):
        if document_id != current:
            current, text = document_id, project.documents.text(document_id)
            document = f"{document_id},{csv_field(names[document_id], safe=safe)}"
        if start is None:
            span, passage = ",,,", ""
        else:
            span, passage = f",{start},{end},", csv_field(text[start:end], safe=safe)
        yield (
            f"{coding_id},{document},{coders[coder_id]},{codes[code_id]}{span}{passage},"
            f"{csv_field(memo, safe=safe) if memo else ''},{created},{by_search},"
            f"{csv_field(run, safe=safe) if run else ''},"
            f"{'' if confidence is None else repr(float(confidence))},{assisted}"
        )
        if progress and number % 10_000 == 0:
            progress(number, total)


def export_segments(
    project: Project,
    path: Path | None,
    selection: Selection = Selection(),
    style: Format = PLAIN,
    progress: Progress | None = None,
) -> int:
    """Write the long CSV to ``path`` (standard output if ``None``); return the row count."""
    count = 0
    with atomic_output(path, encoding=style.encoding, protect=[project.path]) as handle:
        handle.write(",".join(SEGMENT_COLUMNS) + "\r\n")
        lines: list[str] = []
        for line in segment_lines(project, selection, safe=style.safe, progress=progress):
            lines.append(line)
            if len(lines) >= 4096:
                handle.write("\r\n".join(lines) + "\r\n")
                count += len(lines)
                lines.clear()
        if lines:
            handle.write("\r\n".join(lines) + "\r\n")
            count += len(lines)
    return count


def numeric_variables(
    variables: Sequence[Variable], values: Mapping[int, Mapping[str, str]]
) -> set[str]:
    """The number variables that go out as numbers: those whose every value survives the trip
    through a double exactly (:func:`exact_number`). The others (identifiers such as tweet ids,
    zip codes with a leading zero) are written as the text stored."""
    return {
        v.name
        for v in variables
        if v.type is VariableType.NUMBER
        and numeric_column(own.get(v.name, "") for own in values.values())
    }


def typed(value: str, numeric: bool) -> object:
    """A document variable's stored text as a statistics package should read it: a value of
    a numeric column as a number (so that -3 is never neutralised as a formula), the rest as
    the text stored."""
    if numeric and value != "":
        return exact_number(value)
    return value


def document_rows(project: Project) -> tuple[list[str], list[list[object]]]:
    """One row per document: identity, size, import time, then every variable."""
    variables = project.documents.variables()
    # A variable named like a fixed column (say "source") gets a prefix, so names stay unique.
    columns = [f"variable_{v.name}" if v.name in DOCUMENT_COLUMNS else v.name for v in variables]
    values = project.documents.all_values()
    numeric = numeric_variables(variables, values)
    rows: list[list[object]] = []
    for document in project.documents.all():
        own = values.get(document.id, {})
        rows.append(
            [
                document.id,
                document.name,
                document.source,
                document.sha256,
                document.length,
                document.imported_at,
                *(typed(own.get(v.name, ""), v.name in numeric) for v in variables),
            ]
        )
    return [*DOCUMENT_COLUMNS, *columns], rows


def export_documents(project: Project, path: Path | None, style: Format = PLAIN) -> int:
    header, rows = document_rows(project)
    with atomic_output(path, encoding=style.encoding, protect=[project.path]) as handle:
        return write_csv(handle, header, rows, safe=style.safe)
