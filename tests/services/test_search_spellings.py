"""The index never leaves out an article search matches, whatever spelling the article
stores: letters whose NFC is another text (Devanagari, Bengali and Gurmukhi nukta letters,
Hebrew presentation forms, CJK compatibility ideographs) and letters whose case the index's
Unicode 6.1 tables fold otherwise (Cherokee, Georgian Mtavruli, Osage, Adlam, …), checked by
brute force: every such letter, stored, asked for in every spelling that folds the same."""

from __future__ import annotations

import unicodedata

import pytest

from annotator.domain.folding import folded_text
from annotator.domain.search_query import Options, parse_query
from annotator.domain.search_text import compiled, has_unspaced, tokens
from annotator.services import search
from annotator.services.search import Request
from annotator.services.search_plan import candidate_plan
from annotator.storage import Project
from annotator.storage import search_index as index

FOLD = Options().fold


def _letters() -> list[str]:
    """Every letter or digit past ASCII whose NFC or folding is another text; but Ǡ and ǡ,
    which fold to a plain "a" (a known limit, services/search.py: asking the index for them
    at every "a" of every query would slow every search for two letters of Livonian)."""
    found = []
    for code in range(0x80, index.LAST_CODE_POINT + 1):
        letter = chr(code)
        if unicodedata.category(letter)[0] not in "LN" or letter in "Ǡǡ":
            continue
        if unicodedata.normalize("NFC", letter) != letter or FOLD(letter) != letter:
            found.append(letter)
    return found


def _missed(projects: dict[bool, Project], queries: list[str]) -> list[str]:
    """The queries whose candidates from the index leave out an article search matches."""
    folded: dict[tuple[bool, int], str] = {}
    for unspaced, project in projects.items():
        for document_id, text in project.db.execute("SELECT id, text FROM documents"):
            folded[(unspaced, document_id)] = folded_text(text, ignore_accents=True).folded
    # A one-word query matches the texts that hold the folded word as a token (the matcher
    # on every text for every query would take minutes: it is checked on one query in 25).
    having: dict[str, set[tuple[bool, int]]] = {}
    for key, text in folded.items():
        for token in tokens(text):
            having.setdefault(token, set()).add(key)
    missed = []
    for number, text in enumerate(queries):
        query = parse_query(text)
        (term,) = query.terms()
        matching = set.intersection(*(having.get(word, set()) for word in term.words))
        if len(term.words) > 1:  # letters of an unspaced script, each a token: in a row?
            pattern = compiled(term.pattern)
            matching = {key for key in matching if pattern.search(folded[key])}
        if number % 25 == 0:  # the token lookup is what search's own matcher finds
            pattern = compiled(term.pattern)
            assert matching == {key for key, f in folded.items() if pattern.search(f)}, text
        for unspaced, project in projects.items():
            wanted = {document_id for group, document_id in matching if group == unspaced}
            if wanted:
                plan = candidate_plan(project, query)
                candidates = set(index.candidate_ids(project.db, plan))
                if not wanted <= candidates:
                    missed.append(f"{text!r} {sorted(wanted - candidates)}")
    return missed


@pytest.mark.slow
def test_every_letter_with_another_spelling_is_found_in_every_spelling(memory: Project) -> None:
    letters = _letters()
    assert len(letters) > 2_000
    # Articles of unspaced scripts in a project of their own: there every query also scans
    # their texts for short strings, which would make this test take a minute.
    projects = {False: memory, True: Project.in_memory()}
    try:
        for number, letter in enumerate(letters):
            text = f"xx {letter} q{letter}q yy"
            projects[has_unspaced(text)].documents.add(f"d{number}", "s", text)
        for project in projects.values():
            index.catch_up(project.db)
            assert index.pending_count(project.db) == 0
        queries = sorted(
            {
                form
                for letter in letters
                for spelling in {letter, unicodedata.normalize("NFC", letter), FOLD(letter)}
                # inside a word too, where a letter of two code points splits the index's token
                for form in (
                    (spelling, f"q{spelling}q")
                    if unicodedata.normalize("NFC", letter) != letter
                    else (spelling,)
                )
                if any(c.isalnum() for c in spelling)
            }
        )
        missed = _missed(projects, queries)
    finally:
        projects[True].close()
    assert missed == [], f"{len(missed)} of {len(queries)}: {missed[:20]}"


# Hindi with precomposed nukta letters (U+095C, U+095B, U+095D) and the same decomposed; a
# Hebrew presentation form (U+FB2A); a CJK compatibility ideograph (U+F900) beside Chinese.
STORED = [
    "भारत में ब\u095cा फ\u093cैसला हुआ। \u095bिंदगी अच्छी है। प\u095dना",
    "भारत में बड\u093cा फ़ैसला हुआ। ज\u093cिंदगी अच्छी है। पढ\u093cना",
    "\ufb2aלום לכולם",
    "這是\uf900的故事",
    "這是豈的故事",
]


@pytest.mark.parametrize(
    ("query", "articles"),
    [
        ("बड़ा", [0, 1]),
        ("ब\u095cा", [0, 1]),
        ("ज़िंदगी", [0, 1]),
        ("पढ़ना", [0, 1]),
        ("पढ़*", [0, 1]),
        ("שׁלום", [2]),
        ("\ufb2aלום", [2]),
        ("豈", [3, 4]),
        ("\uf900", [3, 4]),
        ("是豈的", [3, 4]),
    ],
)
def test_the_reported_spellings_are_found(memory: Project, query: str, articles: list[int]) -> None:
    ids = [memory.documents.add(f"d{n}", "s", text).id for n, text in enumerate(STORED)]
    index.catch_up(memory.db)
    found = sorted({hit.document_id for hit in search.search(memory, Request(query)).hits})
    assert found == [ids[n] for n in articles]


def test_the_table_of_spellings_is_made_once_per_process_not_per_search(
    memory: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each query brings its own options; the table was made again for every search (27 ms
    of a 30 ms search, 120 ms once it covered all of Unicode)."""
    from annotator.services import search_plan

    made: list[object] = []
    original = index.divergences.__wrapped__

    def counted(fold: object) -> index.Divergences:
        made.append(fold)
        return original(fold)  # type: ignore[arg-type]

    search_plan._divergences.cache_clear()
    monkeypatch.setattr(index, "divergences", counted)
    memory.documents.add("a", "s", "The broker took a fee.")
    for _ in range(3):
        assert search.search(memory, Request("broker")).counts == (1, 1)
        assert search.search(memory, Request("Broker", match_case=True)).counts == (0, 0)
    assert len(made) == 2  # once for each folding
    search_plan._divergences.cache_clear()
