"""Retrieval: any of / all of / A overlapping B, coders, variables and memos, against
hand-built projects whose passages are known; and the exports of what was found."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.model import VariableType
from annotator.services.article_filter import Condition, Match
from annotator.services.retrieval import (
    Mode,
    Search,
    describe,
    export_passages,
    retrieve,
)
from annotator.storage import Project

#: Article texts; passages below are given by the words they cover.
ALPHA = "Workers left the plant. Brokers arranged the trip. Families wait at home."
BETA = "A defector spoke to the press. Nobody else did. Officials denied it all."


@dataclass
class Built:
    project: Project
    alpha: int
    beta: int
    ana: int
    ben: int
    motive: int  # a dimension
    economic: int
    family: int
    route: int  # a dimension
    broker: int


def span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def built(memory: Project) -> Built:
    p = memory
    alpha = p.documents.add("alpha", "alpha.txt", ALPHA).id
    beta = p.documents.add("beta", "beta.txt", BETA).id
    outlet = p.documents.define_variable("outlet", VariableType.CATEGORY)
    day = p.documents.define_variable("date", VariableType.DATE)
    p.documents.set_values(alpha, {outlet.id: "Seoul Ledger", day.id: "2003-03-07"})
    p.documents.set_values(beta, {outlet.id: "Pacific Wire", day.id: "2004-11-02"})
    motive = p.codebook.add("Motive").id
    economic = p.codebook.add("Economic", motive).id
    family = p.codebook.add("Family", motive).id
    route = p.codebook.add("Route").id
    broker = p.codebook.add("Broker", route).id
    ana, ben = p.coders.add("Ana").id, p.coders.add("Ben").id
    b = Built(p, alpha, beta, ana, ben, motive, economic, family, route, broker)
    # Ana, alpha: economic on the first sentence, broker on the second (no overlap),
    # family on the third, broker again overlapping the family passage by one word.
    add(b, alpha, ana, economic, "Workers left the plant.")
    add(b, alpha, ana, broker, "Brokers arranged the trip.")
    add(b, alpha, ana, family, "Families wait at home.")
    add(b, alpha, ana, broker, "trip. Families", memo="broker pays the family")
    # Ben, alpha: economic overlapping Ana's broker passage (but Ben has no broker coding).
    add(b, alpha, ben, economic, "Brokers arranged")
    # Ben, beta: economic and broker overlapping; family on the whole article.
    add(b, beta, ben, economic, "A defector spoke")
    add(b, beta, ben, broker, "spoke to the press.")
    p.codings.add(beta, ben, family, None, None)
    return b


def add(b: Built, document: int, coder: int, code: int, words: str, memo: str = "") -> None:
    text = ALPHA if document == b.alpha else BETA
    start, end = span(text, words)
    b.project.codings.add(document, coder, code, start, end, memo=memo)


def found(b: Built, search: Search) -> list[tuple[str, str, str, str]]:
    """(article, coder, code, passage text) of each passage found, in the order given."""
    coders = {b.ana: "Ana", b.ben: "Ben"}
    codebook = b.project.codebook.tree()
    out = []
    for p in retrieve(b.project, search):
        text = ALPHA if p.document_id == b.alpha else BETA
        words = "(whole)" if p.start is None else text[p.start : p.end]
        out.append((p.document, coders[p.coder_id], codebook.get(p.code_id).name, words))
    return out


def test_any_of_two_codes(built: Built) -> None:
    assert found(built, Search((built.economic, built.family))) == [
        ("alpha", "Ana", "Economic", "Workers left the plant."),
        ("alpha", "Ben", "Economic", "Brokers arranged"),
        ("alpha", "Ana", "Family", "Families wait at home."),
        ("beta", "Ben", "Family", "(whole)"),
        ("beta", "Ben", "Economic", "A defector spoke"),
    ]


def test_a_dimension_takes_its_codes(built: Built) -> None:
    assert found(built, Search((built.route,))) == [
        ("alpha", "Ana", "Broker", "Brokers arranged the trip."),
        ("alpha", "Ana", "Broker", "trip. Families"),
        ("beta", "Ben", "Broker", "spoke to the press."),
    ]


def test_all_of_needs_every_code_by_the_same_coder_in_the_article(built: Built) -> None:
    # Ana has economic and broker in alpha; Ben has both in beta, but only economic in alpha.
    assert found(built, Search((built.economic, built.broker), Mode.ALL)) == [
        ("alpha", "Ana", "Economic", "Workers left the plant."),
        ("alpha", "Ana", "Broker", "Brokers arranged the trip."),
        ("alpha", "Ana", "Broker", "trip. Families"),
        ("beta", "Ben", "Economic", "A defector spoke"),
        ("beta", "Ben", "Broker", "spoke to the press."),
    ]
    # Ben's whole-article family counts in beta; in alpha he has economic only.
    assert found(built, Search((built.economic, built.family), Mode.ALL)) == [
        ("alpha", "Ana", "Economic", "Workers left the plant."),
        ("alpha", "Ana", "Family", "Families wait at home."),
        ("beta", "Ben", "Family", "(whole)"),
        ("beta", "Ben", "Economic", "A defector spoke"),
    ]


def test_a_overlapping_b_shares_a_character_same_coder_same_article(built: Built) -> None:
    # Ana's family passage shares "Families" with her broker passage; Ben's economic passage
    # in alpha overlaps Ana's broker passage, but it is another coder's; Ben's economic
    # passage in beta shares "spoke" with his broker passage.
    assert found(built, Search((built.motive,), Mode.OVERLAP, overlapping=(built.broker,))) == [
        ("alpha", "Ana", "Family", "Families wait at home."),
        ("beta", "Ben", "Family", "(whole)"),
        ("beta", "Ben", "Economic", "A defector spoke"),
    ]
    # Touching is not overlapping: economic ends where Ana's broker passage starts (+1 space).
    assert found(built, Search((built.economic,), Mode.OVERLAP, overlapping=(built.broker,))) == [
        ("beta", "Ben", "Economic", "A defector spoke"),
    ]
    # A code overlapping itself needs another passage, not the same one.
    assert found(built, Search((built.broker,), Mode.OVERLAP, overlapping=(built.broker,))) == [
        ("alpha", "Ana", "Broker", "Brokers arranged the trip."),
        ("alpha", "Ana", "Broker", "trip. Families"),
    ]
    assert found(built, Search((built.broker,), Mode.OVERLAP)) == []  # no B: nothing


def test_coders_one_several_all(built: Built) -> None:
    search = Search((built.economic,), coders=frozenset({built.ben}))
    assert [row[1] for row in found(built, search)] == ["Ben", "Ben"]
    both = Search((built.economic,), coders=frozenset({built.ana, built.ben}))
    assert len(found(built, both)) == len(found(built, Search((built.economic,)))) == 3
    assert found(built, Search((built.economic,), coders=frozenset())) == []


def test_variables_filter_as_the_article_list_does(built: Built) -> None:
    outlet = Condition("outlet", VariableType.CATEGORY, Match.IS, text="pacific wire")
    rows = found(built, Search((built.economic, built.broker), conditions=(outlet,)))
    assert rows == [
        ("beta", "Ben", "Economic", "A defector spoke"),
        ("beta", "Ben", "Broker", "spoke to the press."),
    ]
    dates = Condition.range_of("date", VariableType.DATE, "2003", "2003-12")
    assert {row[0] for row in found(built, Search((built.motive,), conditions=(dates,)))} == {
        "alpha"
    }
    both = (outlet, dates)  # conditions combine: no article is both
    assert found(built, Search((built.motive,), conditions=both)) == []
    missing = Condition("outlet", VariableType.CATEGORY, Match.EMPTY)
    assert found(built, Search((built.motive,), conditions=(missing,))) == []


def test_memo_text_in_a_coding_an_article_or_a_code_memo(built: Built) -> None:
    assert found(built, Search((built.broker,), memo="PAYS")) == [
        ("alpha", "Ana", "Broker", "trip. Families"),
    ]
    built.project.memos.add("an op-ed, not news", document_id=built.beta)
    assert {r[0] for r in found(built, Search((built.motive,), memo="op-ed"))} == {"beta"}
    built.project.memos.add("decided in training", code_id=built.family)
    assert {r[2] for r in found(built, Search((built.motive,), memo="training"))} == {"Family"}


def test_export_csv_is_tidy_and_holds_exactly_the_passages(built: Built, tmp_path: Path) -> None:
    search = Search((built.broker,), coders=frozenset({built.ana}))
    passages = retrieve(built.project, search)
    path = tmp_path / "passages.csv"
    assert export_passages(built.project, passages, path) == 2
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert list(rows[0]) == [
        "document", "outlet", "date", "coder", "code", "start", "end", "text", "memo",
        "run_id", "confidence", "assisted",
    ]  # fmt: skip
    start, end = span(ALPHA, "trip. Families")
    assert rows[1] == {
        "document": "alpha",
        "outlet": "Seoul Ledger",
        "date": "2003-03-07",
        "coder": "Ana",
        "code": "Route > Broker",
        "start": str(start),
        "end": str(end),
        "text": "trip. Families",
        "memo": "broker pays the family",
        "run_id": "",
        "confidence": "",
        "assisted": "0",
    }


def test_reports_quote_the_passages(built: Built, tmp_path: Path) -> None:
    search = Search((built.economic, built.family))
    passages = retrieve(built.project, search)
    words = describe(built.project, search)
    assert words == "Passages of any of Motive > Economic, Motive > Family. Coders: all."
    html_path, md_path, word_path = (tmp_path / f"r.{ext}" for ext in ("html", "md", "docx"))
    for path in (html_path, md_path, word_path):
        assert export_passages(built.project, passages, path, words) == 5
    page = html_path.read_text(encoding="utf-8")
    assert "<blockquote>Workers left the plant.</blockquote>" in page
    assert "outlet: Pacific Wire · date: 2004-11-02 · code: Motive &gt; Family · coder: Ben" in page
    assert "(the whole article)" in page
    markdown = md_path.read_text(encoding="utf-8")
    assert "## 2. alpha (characters 24–40)\n\noutlet: Seoul Ledger" in markdown
    assert "> Brokers arranged\n" in markdown
    with zipfile.ZipFile(word_path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "Families wait at home." in body
    assert "Motive &gt; Economic" in body


def test_export_refuses_an_unknown_format_and_writes_nothing(built: Built, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.csv, \.html, \.md or \.docx"):
        export_passages(built.project, [], tmp_path / "passages.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_number_ranges_and_articles_without_a_value(built: Built) -> None:
    p = built.project
    words = p.documents.define_variable("words", VariableType.NUMBER)
    p.documents.set_values(built.alpha, {words.id: "800"})  # beta has no word count
    at_least = Condition.range_of("words", VariableType.NUMBER, "750.5", "")
    assert {r[0] for r in found(built, Search((built.motive,), conditions=(at_least,)))} == {
        "alpha"
    }
    above = Condition.range_of("words", VariableType.NUMBER, "801", "")
    assert found(built, Search((built.motive,), conditions=(above,))) == []
    missing = Condition("words", VariableType.NUMBER, Match.EMPTY)
    assert {r[0] for r in found(built, Search((built.motive,), conditions=(missing,)))} == {"beta"}
