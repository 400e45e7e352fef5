"""Coding search hits: the preview (units, joined overlaps, passages already coded, exclusive
dimensions), one transaction with the origin recorded, and taking exactly those codings back
and putting them back as the window's undo and redo do."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from annotator.domain.model import VariableType
from annotator.services import autocode, search
from annotator.services.autocode import Origin, Unit
from annotator.services.editing import ChangedSince, expect_codings
from annotator.storage import Project
from tests.conftest import SHARED_CORPUS

TEXT = (
    "Brokers charge fees. Dr. Kim said the U.S. embassy knew. The broker left.\n"
    "Second line of the first paragraph, with a broker.\n"
    "\n"
    "A new paragraph: no brokers here? Yes, one broker."
)


@pytest.fixture
def built(project: Project) -> tuple[Project, int, int, int]:
    document = project.documents.add("a", "s", TEXT).id
    coder = project.coders.add("Ana").id
    code = project.codebook.tree().find("Actor type > Diplomat")
    assert code is not None
    return project, document, coder, code.id


def hits(project: Project, query: str) -> list[tuple[int, int, int]]:
    return list(search.hit_spans(project, search.Request(query)))


def texts(project: Project, preview: autocode.Preview) -> list[str]:
    return [
        project.documents.text(p.document_id)[p.start : p.end]
        for p in preview.planned
        if p.start is not None
    ]


def test_units_hit_sentence_paragraph_article(built: tuple[Project, int, int, int]) -> None:
    project, document, coder, code = built
    found = hits(project, "broker*")
    assert len(found) == 5
    by_hit = autocode.preview(project, found, code, coder, Unit.HIT)
    assert texts(project, by_hit) == ["Brokers", "broker", "broker", "brokers", "broker"]
    by_sentence = autocode.preview(project, found, code, coder, Unit.SENTENCE)
    # "Dr." and "U.S." end no sentence; a line break ends one; two hits in one sentence: one.
    assert texts(project, by_sentence) == [
        "Brokers charge fees.",
        "The broker left.",
        "Second line of the first paragraph, with a broker.",
        "A new paragraph: no brokers here?",
        "Yes, one broker.",
    ]
    by_paragraph = autocode.preview(project, found, code, coder, Unit.PARAGRAPH)
    assert texts(project, by_paragraph) == [TEXT.split("\n\n")[0], TEXT.split("\n\n")[1]]
    assert [p.hits for p in by_paragraph.planned] == [3, 2]
    whole = autocode.preview(project, found, code, coder, Unit.ARTICLE)
    assert whole.planned == (autocode.Planned(document, None, None, 5),)


def test_paragraphs_are_lines_where_a_text_has_no_blank_line() -> None:
    assert autocode.paragraph_spans("one\ntwo  \n  three") == [(0, 3), (4, 7), (12, 17)]
    assert autocode.paragraph_spans("one\ntwo\n\nthree") == [(0, 7), (9, 14)]


def test_apply_writes_one_transaction_with_the_origin_and_undo_takes_it_back(
    built: tuple[Project, int, int, int],
) -> None:
    project, _document, coder, code = built
    before = project.codings.count()
    preview = autocode.preview(project, hits(project, "broker*"), code, coder, Unit.SENTENCE)
    origin = Origin("broker*", unit=Unit.SENTENCE, rule="g-1", name="brokers")
    done = autocode.apply(project, preview, origin)
    assert len(done.codings) == 5
    assert project.codings.count() == before + 5
    assert json.loads(done.codings[0].origin or "") == {
        "kind": "search",
        "query": "broker*",
        "regex": False,
        "unit": "sentence",
        "rule": "g-1",
        "name": "brokers",
    }
    assert all(autocode.is_search_origin(c.origin) for c in done.codings)
    assert done.changes.codings == {c.id for c in done.codings}
    # Running again codes nothing: the coder has them all.
    again = autocode.preview(project, hits(project, "broker*"), code, coder, Unit.SENTENCE)
    assert (again.planned, again.skipped) == ((), 5)
    # Undo, redo: the same ids, GUIDs, times and origin, as the undo stack compares them.
    autocode.take_back(project, done.codings)
    assert project.codings.count() == before
    assert project.deletions.count() == 0  # no tombstones: nobody saw them deleted
    autocode.put_back(project, done.codings)
    expect_codings(project, done.codings)
    assert [project.codings.get(c.id).origin for c in done.codings] == [
        c.origin for c in done.codings
    ]


def test_undo_is_refused_when_a_coding_changed_since(
    built: tuple[Project, int, int, int],
) -> None:
    project, _document, coder, code = built
    preview = autocode.preview(project, hits(project, "broker"), code, coder, Unit.HIT)
    done = autocode.apply(project, preview, Origin("broker"))
    project.codings.set_memo(done.codings[0].id, "checked")
    with pytest.raises(ChangedSince):
        autocode.take_back(project, done.codings)
    assert project.codings.count() == len(done.codings)


def test_a_passage_already_coded_and_an_exclusive_clash_are_left_out(project: Project) -> None:
    text = "The broker came. The broker went. The broker stayed."
    document = project.documents.add("a", "s", text).id
    coder = project.coders.add("Ana").id
    tree = project.codebook.tree()
    political, family = tree.find("Motive > Political"), tree.find("Motive > Family / personal")
    assert political is not None
    assert family is not None
    project.codings.add(document, coder, political.id, 0, 16)  # the first sentence
    project.codings.add(document, coder, family.id, 17, 33)  # the second, another code
    found = hits(project, "broker")
    preview = autocode.preview(project, found, political.id, coder, Unit.SENTENCE)
    assert (len(preview.planned), preview.skipped, preview.clashing) == (1, 1, 1)
    assert texts(project, preview) == ["The broker stayed."]
    autocode.apply(project, preview, Origin("broker"))
    whole = autocode.preview(project, found, political.id, coder, Unit.ARTICLE)
    assert (whole.planned, whole.clashing) == ((), 1)


def test_apply_refuses_with_nothing_written_when_the_rule_broke_meanwhile(
    project: Project,
) -> None:
    text = "The broker came."
    document = project.documents.add("a", "s", text).id
    coder = project.coders.add("Ana").id
    tree = project.codebook.tree()
    political, family = tree.find("Motive > Political"), tree.find("Motive > Family / personal")
    assert political is not None
    assert family is not None
    preview = autocode.preview(project, hits(project, "broker"), political.id, coder, Unit.HIT)
    project.codings.add(document, coder, family.id, None, None)  # another window, meanwhile
    count = project.codings.count()
    with pytest.raises(Exception, match="exclusive"):
        autocode.apply(project, preview, Origin("broker"))
    assert project.codings.count() == count


def test_sentences_follow_the_article_language(project: Project) -> None:
    language = project.documents.define_variable("language", VariableType.CATEGORY)
    text = "Am 3. Oktober kam er z. B. mit dem Makler. Dann ging er."
    document = project.documents.add("de", "s", text).id
    project.documents.set_values(document, {language.id: "German"})
    coder = project.coders.add("Ana").id
    code = project.codebook.tree().find("Motive > Political")
    assert code is not None
    preview = autocode.preview(project, hits(project, "makler"), code.id, coder, Unit.SENTENCE)
    assert texts(project, preview) == ["Am 3. Oktober kam er z. B. mit dem Makler."]


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="the shared corpus is not here")
def test_sentences_of_real_articles_are_whole_and_inside_the_text() -> None:
    for path in sorted(Path(SHARED_CORPUS).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences = autocode.sentence_spans(text)
        assert sentences
        for start, end in sentences:
            piece = text[start:end]
            assert piece == piece.strip()
            assert "\n\n" not in piece
        starts = [s for s, _ in sentences]
        assert starts == sorted(starts)
        # A sentence never ends right after a title such as "Mr." or "Dr.".
        for start, end in sentences:
            assert not text[start:end].endswith((" Mr.", " Dr.", " Mrs.", " Ms."))
        # Every letter of the article is in exactly one sentence.
        covered = [0] * len(text)
        for start, end in sentences:
            for position in range(start, end):
                covered[position] += 1
        assert all(covered[i] == 1 for i, char in enumerate(text) if not char.isspace())


def _unit_span_by_scan(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The unit span as a plain scan finds it (every unit looked at): what bisection must
    give."""
    first = [s for s in spans if s[0] <= start < s[1]]
    last = [s for s in spans if s[0] < end <= s[1]]
    low = first[0][0] if first else start
    high = last[0][1] if last else end
    return min(low, start), max(high, end)


def test_units_of_many_hits_in_a_long_article_are_found_by_bisection() -> None:
    # Hits anywhere: inside a sentence, across two, between them (in the white space), at
    # the text's ends.
    text = "\n\n".join(
        " ".join(f"The agent number {i}-{j} took a fee." for j in range(5)) for i in range(60)
    )
    rng = random.Random(7)
    for bounds in (autocode.sentence_spans(text), autocode.paragraph_spans(text)):
        starts = [low for low, _ in bounds]
        cases = [(0, 1), (len(text) - 1, len(text)), (0, len(text))]
        for _ in range(2_000):
            start = rng.randrange(len(text))
            cases.append((start, rng.randrange(start + 1, min(len(text), start + 80) + 1)))
        for start, end in cases:
            assert autocode._unit_span(bounds, starts, start, end) == _unit_span_by_scan(
                bounds, start, end
            ), (start, end)
