"""Search: hits at exact code-point offsets of the stored text (emoji, CJK, combining accents,
ß/ẞ, Turkish İ, ligatures), context cut at white space, scopes (variables, coded passages),
candidates from the full-text index, regular expressions and what a bad one is told."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.domain.search_query import QueryError, parse_query
from annotator.services import search
from annotator.services.article_filter import Condition, Match
from annotator.services.search import Request, Scope
from annotator.storage import Project
from annotator.storage import search_index as index
from tests.helpers import run_sql


def spans(project: Project, query: str, **options: object) -> list[tuple[int, int, int, str]]:
    return [
        (hit.document_id, hit.start, hit.end, hit.hit)
        for hit in search.search(project, Request(query, **options)).hits  # type: ignore[arg-type]
    ]


def at(text: str, piece: str, occurrence: int = 0) -> tuple[int, int]:
    """Where ``piece`` is in ``text`` (its occurrence-th time), by Python's own str.find."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(piece, start + 1)
    assert start >= 0
    return start, start + len(piece)


EMOJI = "Family 👨‍👩‍👧 left 🇰🇵 for Seoul 👍🏽; the broker 💸 took fees."
CJK = "北京大学是一所大学。在Seoul的会议。서울에서 만났다. 𠮷野家 broker"
ACCENTS = "Cafe\u0301 owner Müller met MULLER in the café of İstanbul; STRASSE or Straße, ẞ."
LIGATURE = "The ﬁnance oﬃce ﬂagged the ﬁle."


@pytest.fixture
def texts(memory: Project) -> dict[str, int]:
    ids = {}
    for name, text in (
        ("emoji", EMOJI),
        ("cjk", CJK),
        ("accents", ACCENTS),
        ("ligature", LIGATURE),
    ):
        ids[name] = memory.documents.add(name, name, text).id
    return ids


def test_offsets_after_emoji_are_code_points(memory: Project, texts: dict[str, int]) -> None:
    doc = texts["emoji"]
    assert spans(memory, "family") == [(doc, *at(EMOJI, "Family"), "Family")]
    assert spans(memory, "fees") == [(doc, *at(EMOJI, "fees"), "fees")]
    assert spans(memory, "broker") == [
        (texts["emoji"], *at(EMOJI, "broker"), "broker"),
        (texts["cjk"], *at(CJK, "broker"), "broker"),
    ]


def test_offsets_after_cjk_and_astral_characters(memory: Project, texts: dict[str, int]) -> None:
    doc = texts["cjk"]
    assert spans(memory, "大学") == [
        (doc, *at(CJK, "大学", 0), "大学"),
        (doc, *at(CJK, "大学", 1), "大学"),
    ]
    assert spans(memory, "野家") == [(doc, *at(CJK, "野家"), "野家")]  # after 𠮷 (U+20BB7)
    assert spans(memory, "서울") == [(doc, *at(CJK, "서울"), "서울")]
    # A Latin word glued to Chinese characters is a word of its own.
    assert spans(memory, "seoul") == [
        (texts["emoji"], *at(EMOJI, "Seoul"), "Seoul"),
        (doc, *at(CJK, "Seoul"), "Seoul"),
    ]


def test_combining_accents_sharp_s_and_dotted_i(memory: Project, texts: dict[str, int]) -> None:
    doc = texts["accents"]
    assert spans(memory, "cafe") == [
        (doc, *at(ACCENTS, "Cafe\u0301"), "Cafe\u0301"),  # the accent comes with its letter
        (doc, *at(ACCENTS, "café"), "café"),
    ]
    assert spans(memory, "muller") == [
        (doc, *at(ACCENTS, "Müller"), "Müller"),
        (doc, *at(ACCENTS, "MULLER"), "MULLER"),
    ]
    assert [h[3] for h in spans(memory, "strasse")] == ["STRASSE", "Straße"]
    assert [h[3] for h in spans(memory, "Straße")] == ["STRASSE", "Straße"]
    assert [h[3] for h in spans(memory, "ss")] == ["ẞ"]  # capital sharp s, alone
    assert spans(memory, "istanbul") == [(doc, *at(ACCENTS, "İstanbul"), "İstanbul")]
    assert [h[3] for h in spans(memory, "stras*")] == ["STRASSE", "Straße"]


def test_ligatures_from_pdfs_are_found_by_their_letters(
    memory: Project, texts: dict[str, int]
) -> None:
    assert [h[3] for h in spans(memory, "finance OR office OR flagged OR file")] == [
        "ﬁnance",
        "oﬃce",
        "ﬂagged",
        "ﬁle",
    ]


def test_match_case_and_match_diacritics(memory: Project, texts: dict[str, int]) -> None:
    assert [h[3] for h in spans(memory, "MULLER", match_case=True)] == ["MULLER"]
    assert [h[3] for h in spans(memory, "müller", match_diacritics=True)] == ["Müller"]
    assert [h[3] for h in spans(memory, "cafe", match_diacritics=True)] == []


def test_context_is_cut_at_white_space_and_never_inside_a_cluster(memory: Project) -> None:
    text = "alpha beta gamma delta KEY epsilon zeta eta theta"
    memory.documents.add("a", "a", text)
    (hit,) = search.search(memory, Request("key", context=12)).hits
    assert (hit.left, hit.hit, hit.right) == ("gamma delta ", "KEY", " epsilon")
    emoji = "👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧中文KEY中文👍🏽👍🏽👍🏽"
    memory.documents.add("b", "b", emoji)
    (hit,) = search.search(memory, Request("key", context=7)).hits[1:]
    # No white space within reach: cut at the edge of a whole emoji.
    assert hit.left == "👨‍👩‍👧中文"
    assert hit.right == "中文👍🏽👍🏽"
    assert len(hit.left) <= 7 + 5


def test_a_query_asks_the_index_and_reads_only_the_articles_it_names(
    memory: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(50):
        memory.documents.add(f"d{number}", "s", f"Article {number} about the harbour.")
    target = memory.documents.add("t", "s", "The broker charged fees.").id
    read: list[int] = []
    original = memory.documents.text

    def text(document_id: int) -> str:
        read.append(document_id)
        return original(document_id)

    monkeypatch.setattr(memory.documents, "text", text)
    assert [h.document_id for h in search.search(memory, Request("broker")).hits] == [target]
    assert read == [target]
    plan = search.candidate_plan(memory, parse_query('broker* OR "harbour fee"'))
    assert isinstance(plan, index.Words)


def test_articles_added_by_another_program_are_found_before_they_are_indexed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.annotator"
    Project.create(path).close()
    run_sql(
        path,
        "INSERT INTO documents (guid, name, source, text, length, sha256, imported_at) VALUES "
        "('g1', 'other', 'x', 'A broker came.', 14, 'h1', '2026-01-01T00:00:00Z')",
    )
    with Project.open(path, read_only=True) as reader:  # cannot index: reads it itself
        assert index.pending_count(reader.db) == 1
        assert [h.hit for h in search.search(reader, Request("broker")).hits] == ["broker"]
    with Project.open(path) as writer:  # opening for writing indexes it
        assert index.pending_count(writer.db) == 0
        assert [h.hit for h in search.search(writer, Request("broker")).hits] == ["broker"]
    run_sql(path, "DELETE FROM documents WHERE name = 'other'")
    with Project.open(path, read_only=True) as reader:
        assert search.search(reader, Request("broker")).hits == []
    with Project.open(path) as writer:
        assert index.index_problems(writer.db.conn) == []
        assert writer.db.execute("SELECT count(*) FROM search_words_docsize").fetchone()[0] == 0


def test_scope_by_variables_and_listed_articles(memory: Project) -> None:
    outlet = memory.documents.define_variable("outlet", VariableType.CATEGORY)
    date = memory.documents.define_variable("date", VariableType.DATE)
    ids = []
    for number, (name, day) in enumerate(
        [("Yonhap", "2016-04-08"), ("NK News", "2016-05-01"), ("Yonhap", "2017-01-02")]
    ):
        ids.append(memory.documents.add(f"d{number}", "s", f"broker number {number}").id)
        memory.documents.set_values(ids[-1], {outlet.id: name, date.id: day})
    yonhap = Condition("outlet", VariableType.CATEGORY, Match.IS, text="yonhap")
    found = search.search(memory, Request("broker", scope=Scope(conditions=(yonhap,))))
    assert [h.document_id for h in found.hits] == [ids[0], ids[2]]
    in_2016 = search.condition_of(memory, "date=2016")
    both = Scope(conditions=(yonhap, in_2016))
    assert [h.document_id for h in search.search(memory, Request("broker", scope=both)).hits] == [
        ids[0]
    ]
    listed = Scope(documents=frozenset({ids[1]}))
    assert [h.document_id for h in search.search(memory, Request("broker", scope=listed)).hits] == [
        ids[1]
    ]
    with pytest.raises(UserError, match="there is no variable 'place'"):
        search.condition_of(memory, "place=Seoul")
    with pytest.raises(UserError, match="is not a condition"):
        search.condition_of(memory, "outlet")


def test_scope_within_the_passages_of_a_code_by_chosen_coders(project: Project) -> None:
    text = "The broker came. Then another broker left. A third broker stayed."
    document = project.documents.add("a", "s", text).id
    tree = project.codebook.tree()
    code = tree.find("Motive > Political")
    assert code is not None
    ana, ben = project.coders.add("Ana"), project.coders.add("Ben")
    first = at(text, "The broker came.")
    project.codings.add(document, ana.id, code.id, *first)
    second = at(text, "Then another broker left.")
    project.codings.add(document, ben.id, code.id, *second)
    motive = tree.find("Motive")
    assert motive is not None
    within = Scope(within=(motive.id,))
    assert [h.start for h in search.search(project, Request("broker", scope=within)).hits] == [
        at(text, "broker", 0)[0],
        at(text, "broker", 1)[0],
    ]
    only_ben = Scope(within=(motive.id,), coders=frozenset({ben.id}))
    hits = search.search(project, Request("broker", scope=only_ben)).hits
    assert [h.start for h in hits] == [at(text, "broker", 1)[0]]
    whole = project.documents.add("b", "s", "A broker everywhere.").id
    project.codings.add(whole, ana.id, code.id, None, None)
    hits = search.search(project, Request("broker", scope=Scope(within=(code.id,)))).hits
    assert {h.document_id for h in hits} == {document, whole}


def test_first_hits_and_counts(memory: Project) -> None:
    for number in range(30):
        memory.documents.add(f"d{number}", "s", f"broker {number} and another broker")
    page = search.first_hits(memory, Request("broker"), limit=5, offset=2)
    assert [h.document_id for h in page] == [2, 2, 3, 3, 4]
    assert [h.start for h in page] == [0, 21, 0, 21, 0]
    assert search.count_hits(memory, Request("broker")) == (60, 30)


def test_regular_expressions_run_on_the_stored_text(memory: Project, texts: dict[str, int]) -> None:
    hits = search.search(memory, Request(r"\bbro\w+", regex=True)).hits
    assert [(h.document_id, h.start, h.end) for h in hits] == [
        (texts["emoji"], *at(EMOJI, "broker")),
        (texts["cjk"], *at(CJK, "broker")),
    ]
    # A match that cuts a letter from its accent takes the accent too.
    (hit,) = search.search(memory, Request("Cafe", regex=True, match_case=True)).hits
    assert hit.hit == "Cafe\u0301"
    assert [h.hit for h in search.search(memory, Request("straße", regex=True)).hits] == [
        "STRASSE",
        "Straße",
    ]


def test_a_regular_expression_that_runs_too_long_is_stopped(
    memory: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory.documents.add("a", "s", "a" * 40 + "b")
    monkeypatch.setattr(search, "REGEX_SECONDS", 0.3)
    with pytest.raises(QueryError, match=r"ran longer than 0\.3 s and was stopped") as raised:
        search.search(memory, Request("(a|aa)+$", regex=True))
    # The pattern reads well: it ran too long, and the message says only that.
    assert str(raised.value).startswith("the regular expression ran longer than 0.3 s")


def test_a_cancel_stops_a_long_regular_expression_soon_not_at_its_time_limit(
    memory: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory.documents.add("a", "s", "a" * 60 + "b")  # (a|aa)+$ tries ever more ways here
    memory.documents.add("b", "s", "aa")
    monkeypatch.setattr(search, "REGEX_SECONDS", 20.0)
    started = time.monotonic()
    asked: list[float] = []

    def cancelled() -> bool:  # the window's Cancel, pressed 0.3 s in
        asked.append(time.monotonic() - started)
        return asked[-1] > 0.3

    hits = list(search.iter_hits(memory, Request("(a|aa)+$", regex=True), cancelled))
    assert hits == []  # stopped inside the first article: the second is never searched
    assert any(seconds > 0.3 for seconds in asked)
    assert time.monotonic() - started < 5.0  # not the 20 s of its limit


@pytest.mark.parametrize(
    ("pattern", "position", "reason"),
    [("a(b", 4, "missing )"), ("x[z-a]", 6, "bad character range"), ("", None, "empty")],
)
def test_a_malformed_regular_expression_says_where(
    memory: Project, pattern: str, position: int | None, reason: str
) -> None:
    with pytest.raises(QueryError) as caught:
        search.search(memory, Request(pattern, regex=True))
    assert caught.value.position == position
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("pattern", "position"),
    [
        ("(a{1000}){1000}", 10),  # 280 MB and 1.5 s to compile before: refused unread
        ("(?:x|a{1000}){1000}", 14),
        ("[[](a{1000}){1000}]", 13),  # a "[" inside a class, read either way
        ("(?#(a)(a{1000}){1000}", 16),
        ("a{,1000}{,200}", 9),
    ],
)
def test_nested_counted_repeats_are_refused_before_compiling(
    memory: Project, monkeypatch: pytest.MonkeyPatch, pattern: str, position: int
) -> None:
    import regex

    def never(*_args: object, **_kwargs: object) -> None:  # pragma: no cover - the failure
        pytest.fail(f"{pattern!r} reached the compiler")

    monkeypatch.setattr(regex, "compile", never)
    with pytest.raises(QueryError) as caught:
        search.search(memory, Request(pattern, regex=True))
    assert caught.value.position == position
    assert "counted repeats ({n}) ask for" in str(caught.value)
    assert "more than the 100,000 annotator runs" in str(caught.value)


def test_a_pattern_that_cannot_compile_says_why_even_without_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import regex

    def out_of_memory(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(regex, "compile", out_of_memory)
    with pytest.raises(QueryError, match=r"can run \(compiling it needs more memory"):
        search.compile_pattern("a+")


def test_context_width_is_bounded(memory: Project) -> None:
    with pytest.raises(UserError, match="context must be between"):
        list(search.iter_hits(memory, Request("x", context=10_000)))


def test_the_index_refuses_no_query_a_user_can_type(memory: Project) -> None:
    memory.documents.add("a", "s", 'He said "NEAR" and AND-OR: x* ^ {} NOT')
    for query in ['"NEAR"', "x*", "he^", "{}", '"a""b"', "col:umn", "-minus", "+plus"]:
        try:
            search.search(memory, Request(query))
        except QueryError:
            continue  # refused in words, not by SQLite
        except sqlite3.Error as error:  # pragma: no cover - the failure this test looks for
            pytest.fail(f"{query!r}: {error}")
