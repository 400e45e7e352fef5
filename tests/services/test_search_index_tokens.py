"""The index is asked for a query word in the tokens its own tokenizer makes of it: a mark
``unicode61`` takes away (the dot of İ, casefolded to i + U+0307, with accents matched) or
keeps in a token (a mark newer than its Unicode 6.1 tables) does not cut the word in two."""

from __future__ import annotations

import pytest

from annotator.services import search
from annotator.services.search import Request
from annotator.storage import Project
from annotator.storage import search_index as index

TEXTS = [
    "Haber: İstanbul ve İzmir'de seçim.",
    "Haber: Istanbul ve Izmir'de seçim.",
    "Malayalam word \u0d15\u0d3b\u0d16 here.",
]


@pytest.mark.parametrize(
    ("query", "options", "articles"),
    [
        ("İstanbul", {"match_diacritics": True}, [0]),
        ("İzmir*", {"match_diacritics": True}, [0]),
        ("i\u0307stanbul", {"match_diacritics": True}, [0]),
        ("istanbul", {"match_diacritics": True}, [1]),
        ("İstanbul", {}, [0, 1]),
        ("\u0d15\u0d3b\u0d16", {}, [2]),
    ],
)
def test_a_word_with_a_mark_is_asked_of_the_index_as_it_tokenizes_it(
    memory: Project, query: str, options: dict[str, bool], articles: list[int]
) -> None:
    ids = [memory.documents.add(f"d{n}", "s", text).id for n, text in enumerate(TEXTS)]
    index.catch_up(memory.db)
    hits = search.search(memory, Request(query, **options)).hits  # type: ignore[arg-type]
    assert sorted({hit.document_id for hit in hits}) == [ids[n] for n in articles]


GLUED = [
    "Цена 500₽ за литр, 100₺ за кило.",
    "We closed the deal🤝 today; ₿coin rose.",
    "\u2067Haifa\u2069 port, and \u061cword.",
]


@pytest.mark.parametrize(
    ("query", "articles"),
    [("500", [0]), ("100", [0]), ("deal", [1]), ("coin", [1]), ("haifa", [2]), ("word", [2])],
)
def test_a_word_glued_to_a_symbol_newer_than_the_index_tables_is_found(
    memory: Project, query: str, articles: list[int]
) -> None:
    """``unicode61`` (Unicode 6.1) kept ₽, 🤝, ₿ and the bidirectional isolates inside a
    token: "500₽" was indexed as one word, and ``500`` never reached the article."""
    ids = [memory.documents.add(f"d{n}", "s", text).id for n, text in enumerate(GLUED)]
    index.catch_up(memory.db)
    hits = search.search(memory, Request(query)).hits
    assert sorted({hit.document_id for hit in hits}) == [ids[n] for n in articles]
