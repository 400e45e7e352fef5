"""Near-duplicate articles: a story with its lede rewritten is found, two reports of one event
are not, the same text is 1.0, a batch's own copies name their first, and the threshold is
checked; checking writes nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.errors import UserError
from annotator.domain.shingles import exact_jaccard, shingle_set
from annotator.services.duplicates import (
    NearDuplicate,
    check_threshold,
    find_near_duplicates,
    index_documents,
    missing_from_index,
)
from annotator.storage import Project
from tests.services.invented_news import NEW_LEDE, STORY_A, STORY_B, story

# About 600 words each, with the same agency boilerplate at the end.
REPORT_A = story(STORY_A[:19])
REPORT_B = story(STORY_B[:19])
REWRITTEN = story([NEW_LEDE, *STORY_A[1:19]])


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text.replace("'", "").lower()).split()


def _jaccard(first: str, second: str) -> float:
    """The exact Jaccard index of five-word shingles, computed apart from the service (a text
    of fewer words is one shingle of them all; texts without words are alike to nothing)."""
    x, y = _shingles(first), _shingles(second)
    return len(x & y) / len(x | y) if x and y else 0.0


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    width = min(len(words), 5)
    return {tuple(words[i : i + width]) for i in range(len(words) - width + 1)} if words else set()


def _add(project: Project, name: str, text: str, *, indexed: bool = True) -> int:
    with project.transaction():
        document = project.documents.add(name, f"{name}.txt", text)
        if indexed:
            index_documents(project, [(document.id, text)])
    return document.id


def test_a_story_with_its_lede_rewritten_is_found_at_the_default_threshold(
    memory: Project,
) -> None:
    assert 590 <= len(_words(REPORT_A)) <= 640
    expected = _jaccard(REPORT_A, REWRITTEN)
    assert 0.9 <= expected < 0.95  # one sentence in 600 words: just above the threshold
    original = _add(memory, "flood barrier", REPORT_A)
    [found] = find_near_duplicates(memory, [REWRITTEN])
    assert found == NearDuplicate(0, original, None, pytest.approx(expected, abs=1e-12))


def test_two_reports_of_one_event_with_the_same_boilerplate_are_not_duplicates(
    memory: Project,
) -> None:
    assert _jaccard(REPORT_A, REPORT_B) < 0.1
    assert find_near_duplicates(memory, [REPORT_A, REPORT_B], threshold=0.5) == []
    original = _add(memory, "report a", REPORT_A)
    assert find_near_duplicates(memory, [REPORT_B]) == []
    assert find_near_duplicates(memory, [REPORT_B], threshold=0.5) == []
    assert find_near_duplicates(memory, [REPORT_B, REPORT_A]) == [
        NearDuplicate(1, original, None, 1.0)
    ]


def test_the_same_text_is_similarity_one(memory: Project) -> None:
    original = _add(memory, "flood barrier", REPORT_A)
    # Case and punctuation do not count: the words do.
    shouted = REPORT_A.upper().replace(",", "").replace(".", " ")
    assert find_near_duplicates(memory, [REPORT_A, shouted]) == [
        NearDuplicate(0, original, None, 1.0),
        NearDuplicate(1, original, None, 1.0),
    ]


def test_a_later_text_of_the_batch_names_the_first_of_its_group(memory: Project) -> None:
    batch = [REPORT_B, REPORT_A, REWRITTEN, "A brief of nine words about another matter.", REPORT_A]
    found = find_near_duplicates(memory, batch)
    assert found == [
        NearDuplicate(2, None, 1, pytest.approx(_jaccard(REPORT_A, REWRITTEN), abs=1e-12)),
        NearDuplicate(4, None, 1, 1.0),
    ]


def test_a_project_document_is_named_before_a_text_of_the_batch(memory: Project) -> None:
    original = _add(memory, "flood barrier", REPORT_A)
    found = find_near_duplicates(memory, [REWRITTEN, REPORT_A])
    assert [(f.index, f.existing_id, f.batch_index) for f in found] == [
        (0, original, None),
        (1, original, None),
    ]


def test_a_lower_threshold_finds_more_heavily_edited_copies(memory: Project) -> None:
    original = _add(memory, "flood barrier", REPORT_A)
    edited = story([NEW_LEDE, *STORY_A[1:6], *STORY_B[6:9], *STORY_A[9:19]])
    similarity = _jaccard(REPORT_A, edited)
    assert 0.6 < similarity < 0.9
    assert find_near_duplicates(memory, [edited]) == []
    [found] = find_near_duplicates(memory, [edited], threshold=0.6)
    assert (found.existing_id, found.similarity) == (original, pytest.approx(similarity))


def test_short_texts_match_only_when_their_words_are_the_same(memory: Project) -> None:
    original = _add(memory, "caption", "Flood gates close.")
    found = find_near_duplicates(memory, ["flood GATES close", "Flood gates open.", "", "..."])
    assert found == [NearDuplicate(0, original, None, 1.0)]


@pytest.mark.parametrize("threshold", [0.49, 1.01, -1.0, float("nan"), float("inf")])
def test_a_threshold_out_of_bounds_is_refused_with_a_reason(
    memory: Project, threshold: float
) -> None:
    with pytest.raises(UserError) as caught:
        find_near_duplicates(memory, [REPORT_A], threshold=threshold)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("near-duplicate threshold ")
    assert "between 0.5 and 1.0" in message


def test_the_bounds_themselves_are_accepted(memory: Project) -> None:
    assert check_threshold(0.5) == 0.5
    assert check_threshold(1) == 1.0
    original = _add(memory, "flood barrier", REPORT_A)
    assert find_near_duplicates(memory, [REWRITTEN], threshold=1.0) == []
    assert [f.existing_id for f in find_near_duplicates(memory, [REWRITTEN], threshold=0.5)] == [
        original
    ]
    with pytest.raises(UserError, match="not a number"):
        check_threshold("0.9")  # type: ignore[arg-type]


def test_checking_writes_nothing(memory: Project) -> None:
    _add(memory, "indexed", REPORT_A)
    _add(memory, "not indexed", REPORT_B, indexed=False)
    before = memory.db.conn.total_changes
    found = find_near_duplicates(memory, [REWRITTEN, REPORT_B])
    assert [f.similarity for f in found] == [pytest.approx(_jaccard(REPORT_A, REWRITTEN)), 1.0]
    assert memory.db.conn.total_changes == before
    assert missing_from_index(memory) == 1


def test_similarity_is_the_exact_jaccard_index_of_the_shingle_sets(memory: Project) -> None:
    _add(memory, "flood barrier", REPORT_A)
    [found] = find_near_duplicates(memory, [REWRITTEN])
    assert found.similarity == exact_jaccard(shingle_set(REPORT_A), shingle_set(REWRITTEN))


WORDS = ["gate", "river", "town", "flood", "rain", "quay"]
short_texts = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(
    existing=st.lists(short_texts, max_size=5, unique=True),
    batch=st.lists(short_texts, max_size=8),
    threshold=st.floats(min_value=0.8, max_value=1.0),
)
def test_every_pair_at_the_threshold_is_reported_and_no_other(
    existing: list[str], batch: list[str], threshold: float
) -> None:
    """Checked against the exact index of every pair: a text is reported when a document or
    an earlier unreported text reaches the threshold (at 0.8 the band keys miss such a pair
    with probability 1e-13), with the best of them; never otherwise."""
    with Project.in_memory() as project:
        ids = [_add(project, f"d{number}", text) for number, text in enumerate(existing)]
        found = {f.index: f for f in find_near_duplicates(project, batch, threshold=threshold)}
    documents = dict(zip(ids, existing, strict=True))
    roots: list[int] = []
    for index, text in enumerate(batch):
        if not _words(text):
            assert index not in found
            continue
        alike = {d: _jaccard(text, other) for d, other in documents.items()}
        best = max(alike.values(), default=0.0)
        if best >= threshold:
            assert found[index].existing_id in {d for d, j in alike.items() if j == best}
            assert found[index].similarity == pytest.approx(best)
            continue
        earlier = {i: _jaccard(text, batch[i]) for i in roots}
        best = max(earlier.values(), default=0.0)
        if best >= threshold:
            assert found[index].batch_index in {i for i, j in earlier.items() if j == best}
            assert found[index].similarity == pytest.approx(best)
            continue
        assert index not in found
        roots.append(index)


def test_the_check_asks_whether_it_is_cancelled_every_few_hundred_texts(
    memory: Project,
) -> None:
    texts = [f"Report number {i} of the harbour board meets on day {i}." for i in range(2000)]
    texts[1500] = texts[3]
    asked: list[int] = []

    def never() -> bool:
        asked.append(1)
        return False

    assert [n.index for n in find_near_duplicates(memory, texts, cancelled=never)] == [1500]
    assert len(asked) >= 2 * len(texts) // 256  # in its loops over the texts

    def soon() -> bool:
        asked.append(1)
        return len(asked) > 5

    asked.clear()
    assert find_near_duplicates(memory, texts, cancelled=soon) == []  # stopped before 1500
    assert len(asked) == 6
