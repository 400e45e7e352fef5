"""The columns of an article sheet: which holds the text and which fill which variable,
from common names (:data:`COLUMN_NAMES`, case and spacing ignored, in several languages) or
the researcher's choice (:class:`SheetOptions`); the other columns become variables under
their own names, BIGKinds' under readable ones (:data:`READABLE_NAMES`). Two columns that
give one variable (two "date" columns, or 일자 and Date) are both kept: the one matching
prefers, and the other as ``date_2``, with a line saying so. A sheet with BIGKinds' headers
is said to come from BIGKinds (:data:`BIGKINDS`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import BadFileError
from annotator.domain.model import VariableType
from annotator.io.variables_csv import column_variable

#: The variables a sheet's columns fill automatically, and the column names that fill them
#: (compared without case, spaces, underscores or hyphens), best first: English, then the
#: common names in Korean (BIGKinds' own headers first), Japanese, Chinese, German, French and
#: Spanish.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        *("text", "body", "content", "full_text"),
        *("본문", "내용", "기사 본문", "기사내용"),
        *("本文", "記事本文", "正文", "内容", "全文"),
        *("Inhalt", "Volltext", "Artikeltext"),
        *("texte", "contenu", "corps"),
        *("texto", "contenido", "cuerpo"),
    ),
    "title": (
        *("title", "headline"),
        *("제목", "기사 제목", "헤드라인"),
        *("見出し", "タイトル", "表題", "标题", "標題", "题目"),
        *("Titel", "Überschrift", "Schlagzeile"),
        *("titre",),
        *("título", "titulo", "titular"),
    ),
    "date": (
        *("date", "publish_date", "publication_date"),
        *("일자", "날짜", "발행일", "보도일", "작성일"),
        *("日付", "発行日", "掲載日", "日期", "发布日期", "發布日期", "时间"),
        *("Datum", "Erscheinungsdatum"),
        *("date de publication",),
        *("fecha", "fecha de publicación"),
    ),
    "outlet": (
        *("outlet", "source", "media_name", "publication"),
        *("언론사", "매체", "신문사", "출처"),
        *("媒体", "新聞社", "掲載紙", "媒体名", "来源", "來源", "报纸"),
        *("Quelle", "Zeitung", "Medium"),
        *("journal", "média", "titre de presse"),
        *("fuente", "medio", "periódico", "periodico"),
    ),
    "author": (
        *("author", "byline"),
        *("기고자", "기자", "작성자"),
        *("著者", "記者", "筆者", "作者"),
        *("Autor", "Verfasser"),
        *("auteur",),
    ),
    "section": (
        *("section",),
        *("통합 분류1", "분류", "섹션"),
        *("面名", "版面", "栏目"),
        *("Ressort", "Rubrik"),
        *("rubrique",),
        *("sección", "seccion"),
    ),
    "url": ("url", "링크", "リンク", "链接", "Link", "lien", "enlace"),
}
#: Other columns of BIGKinds' download and the readable names their variables get.
READABLE_NAMES: dict[str, str] = {
    "뉴스 식별자": "news_id",
    "통합 분류2": "section_2",
    "통합 분류3": "section_3",
    "사건/사고 분류1": "incident_1",
    "사건/사고 분류2": "incident_2",
    "사건/사고 분류3": "incident_3",
    "인물": "people",
    "위치": "places",
    "기관": "organisations",
    "키워드": "keywords",
    "특성추출(가중치순 상위 50개)": "features",
    "특성추출": "features",
    "분석제외 여부": "excluded_from_analysis",
}
#: The ``database`` of a sheet's articles.
DATABASE = "sheet"
#: The database of a sheet with BIGKinds' headers: the Korean headers of the text, date and
#: outlet, and at least :data:`BIGKINDS_MIN_OWN` of its own columns (news id, integrated
#: categories, incidents, people, places, features …).
BIGKINDS = "BIGKinds"
BIGKINDS_COLUMNS = ("본문", "일자", "언론사")
BIGKINDS_MIN_OWN = 2
#: Variables the import sets itself: a column of the same name is left out, with a problem.
RESERVED = frozenset({"database", "source_file", "duplicate_of", "date_text"})
MAX_COLUMNS = 500
_COLUMN_NAME = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class SheetOptions:
    """The researcher's choices: the column that holds the text (``--text-column``) and
    columns mapped to variables (``--column NAME=variable``; ``text`` names the text)."""

    text_column: str | None = None
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def given(self) -> bool:
        return self.text_column is not None or bool(self.columns)


def key(name: str) -> str:
    """A column name as matching sees it: lower case, letters and digits only."""
    return "".join(_COLUMN_NAME.findall(name.casefold()))


_ALIASES = {variable: tuple(key(n) for n in names) for variable, names in COLUMN_NAMES.items()}
_READABLE = {key(name): variable for name, variable in READABLE_NAMES.items()}
# Identifiers that read as numbers ("01100101.20230115093001001") stay text.
_TEXT_VARIABLES = frozenset({"news_id"})


@dataclass
class Plan:
    """Which column fills which variable (``text`` for the text), and what was left out."""

    variables: dict[int, str] = field(default_factory=dict)  # column index -> variable
    declared: dict[str, VariableType] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    database: str = DATABASE  # or BIGKINDS

    @property
    def text(self) -> int:
        return next(i for i, v in self.variables.items() if v == "text")


def _find(header: list[str], wanted: str) -> int | None:
    """A column by its exact name, else by its name without case and spacing."""
    if wanted in header:
        return header.index(wanted)
    keys = [key(name) for name in header]
    return keys.index(key(wanted)) if key(wanted) in keys else None


def known_column(name: str, options: SheetOptions) -> bool:
    """Whether a header cell is a column name matching knows (:data:`COLUMN_NAMES`) or the
    researcher named (``--text-column``, ``--column``)."""
    named = [options.text_column or "", *(column for column, _ in options.columns)]
    known = {alias for aliases in _ALIASES.values() for alias in aliases}
    return key(name) in known or key(name) in {key(n) for n in named if n}


def text_column(header: list[str], options: SheetOptions) -> int | None:
    if options.text_column is not None:
        return _find(header, options.text_column)
    for column, variable in options.columns:
        if variable == "text":
            return _find(header, column)
    keys = [key(name) for name in header]
    return next((keys.index(a) for a in _ALIASES["text"] if a in keys), None)


def plan_columns(header: list[str], options: SheetOptions, path: Path) -> Plan:
    if len(header) > MAX_COLUMNS:
        raise BadFileError(
            path, f"has {len(header):,} columns, more than {MAX_COLUMNS} a sheet may"
        )
    plan = Plan()
    listed = ", ".join(f"'{h}'" for h in header[:12] if h) + (", …" if len(header) > 12 else "")
    if options.text_column is not None and _find(header, options.text_column) is None:
        raise BadFileError(
            path, f"has no column '{options.text_column}' (--text-column); its columns: {listed}"
        )
    text = text_column(header, options)
    if text is None:
        names = ", ".join(COLUMN_NAMES["text"][:4])  # the English names; others are known too
        raise BadFileError(
            path,
            f"no column holds the article text (looked for {names}); its columns: "
            f"{listed or 'none'}; name the text column with --text-column",
        )
    plan.variables[text] = "text"
    for column, variable in options.columns:
        index = _find(header, column)
        if index is None:
            plan.problems.append(f"no column '{column}' (--column {column}={variable})")
        elif variable != "text" and index not in plan.variables:
            plan.variables[index] = variable.strip()
    explicit = set(plan.variables.values())
    if options.text_column is None and "text" not in {v for _, v in options.columns}:
        explicit.discard("text")  # found by its name: a second text column is said
    taken = set(plan.variables.values())
    keys = [key(name) for name in header]
    for variable, aliases in _ALIASES.items():
        if variable in explicit:
            continue
        ranked = sorted(
            (aliases.index(k), i)
            for i, k in enumerate(keys)
            if k in aliases and (i not in plan.variables or (i == text and variable == "text"))
        )
        for _, index in ranked:
            if variable not in taken:
                plan.variables[index] = variable
                taken.add(variable)
            elif index not in plan.variables:
                used = next(i for i, v in plan.variables.items() if v == variable)
                _keep_second(plan, header, index, used, variable, taken)
    for index, name in enumerate(header):
        if index in plan.variables:
            continue
        if not name:
            plan.problems.append(f"column {index + 1} has no name: left out")
            continue
        try:
            variable, declared = column_variable(path, name)
            if declared is None and key(name) in _READABLE:
                variable = _READABLE[key(name)]
                declared = VariableType.TEXT if variable in _TEXT_VARIABLES else None
        except BadFileError as error:
            plan.problems.append(f"{error.problem}: left out")
            continue
        if variable in RESERVED:
            plan.problems.append(
                f"column '{name}' left out: '{variable}' is set by the import itself"
            )
            continue
        if variable in taken:
            used = next(i for i, v in plan.variables.items() if v == variable)
            variable = _keep_second(plan, header, index, used, variable, taken)
        plan.variables[index] = variable
        taken.add(variable)
        if declared is not None:
            plan.declared[variable] = declared
    if _is_bigkinds(keys):
        plan.database = BIGKINDS
    return plan


# The type a second column of a standard variable has: the first's (see sheets._types).
_SECOND_TYPES = {
    "date": VariableType.DATE,
    **dict.fromkeys(("title", "outlet", "author", "url", "text"), VariableType.TEXT),
}


def _keep_second(
    plan: Plan, header: list[str], index: int, used: int, variable: str, taken: set[str]
) -> str:
    """Keep column ``index``, which gives ``variable`` as column ``used`` does, under the
    variable's name numbered (``date_2``), and say so; that name is returned."""
    names = {name.partition(":")[0].strip() for name in header}
    number = 2
    while f"{variable}_{number}" in taken or f"{variable}_{number}" in names:
        number += 1
    second = f"{variable}_{number}"
    plan.variables[index] = second
    taken.add(second)
    if variable in _SECOND_TYPES:
        plan.declared[second] = _SECOND_TYPES[variable]
    what = variable if variable in COLUMN_NAMES else f"variable '{variable}'"
    first, last = sorted((used, index))
    plan.problems.append(
        f"columns {first + 1} ('{header[first]}') and {last + 1} ('{header[last]}') both give "
        f"the {what}: column {used + 1} used, column {index + 1} kept as '{second}'"
    )
    return second


def _is_bigkinds(keys: list[str]) -> bool:
    """Whether a header is a BIGKinds download's (see :data:`BIGKINDS`)."""
    present = set(keys)
    if not all(key(name) in present for name in BIGKINDS_COLUMNS):
        return False
    return len(present & set(_READABLE)) >= BIGKINDS_MIN_OWN
