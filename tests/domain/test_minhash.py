"""MinHash signatures: estimates of the Jaccard index within what MinHash theory allows for 128
values, band keys that find nearly every pair at the lowest threshold, stable stored bytes."""

from __future__ import annotations

import hashlib
import math
import random

import numpy as np
import pytest

from annotator.domain import minhash
from annotator.domain.shingles import shingle_sets

VOCABULARY = [f"w{n}" for n in range(5000)]


def _pair(rng: random.Random, length: int, changes: int) -> tuple[list[str], list[str]]:
    first = [rng.choice(VOCABULARY) for _ in range(length)]
    second = list(first)
    for _ in range(changes):
        second[rng.randrange(length)] = rng.choice(VOCABULARY)
    return first, second


def _jaccard(first: list[str], second: list[str]) -> float:
    """The exact Jaccard index of the five-word shingle sets, from the words themselves."""
    a = {tuple(first[i : i + 5]) for i in range(len(first) - 4)}
    b = {tuple(second[i : i + 5]) for i in range(len(second) - 4)}
    return len(a & b) / len(a | b)


def _signatures(*texts: list[str]) -> minhash.U32:
    return minhash.signatures(shingle_sets([" ".join(words) for words in texts]))


def test_estimates_agree_with_the_exact_jaccard_index_within_minhash_error() -> None:
    """Each estimate is the share of 128 values that agree, a binomial proportion with standard
    error sqrt(J(1 - J) / 128): every one of 400 random pairs lies within 4.5 of them (a miss
    has probability under 1e-5 per pair), and their mean error is within 4 standard errors of
    the mean (no bias). One-permutation hashing may only do better than 128 permutations."""
    rng = random.Random(2024)
    errors, scaled = [], []
    for _ in range(400):
        length = rng.randint(60, 900)
        first, second = _pair(rng, length, rng.randint(0, length // 3))
        exact = _jaccard(first, second)
        signatures = _signatures(first, second)
        estimate = minhash.estimated_jaccard(signatures[0], signatures[1])
        error = estimate - exact
        spread = math.sqrt(exact * (1 - exact) / minhash.BINS)
        assert abs(error) <= 4.5 * spread + 1e-9, (exact, estimate)
        errors.append(error)
        if spread > 0:
            scaled.append(error / spread)
    assert abs(float(np.mean(scaled))) <= 4 / math.sqrt(len(scaled))
    assert float(np.std(scaled)) <= 1.15  # at most the spread of independent permutations


def test_the_same_text_agrees_everywhere_and_unrelated_texts_almost_nowhere() -> None:
    rng = random.Random(7)
    first = [rng.choice(VOCABULARY) for _ in range(500)]
    other = [rng.choice(VOCABULARY) for _ in range(500)]
    signatures = _signatures(first, list(first), other)
    assert minhash.estimated_jaccard(signatures[0], signatures[1]) == 1.0
    assert minhash.estimated_jaccard(signatures[0], signatures[2]) <= 0.05


def test_short_texts_fill_every_value_from_their_few_shingles() -> None:
    signatures = _signatures(["flood"], ["flood", "barrier", "closes", "in", "velmora", "today"])
    single = signatures[0]
    assert len(set(single.tolist())) == 1  # one shingle: every bin borrows its value
    assert minhash.estimated_jaccard(single, signatures[1]) == 0.0


def test_band_keys_bring_together_nearly_every_pair_at_the_lowest_threshold() -> None:
    """At Jaccard 0.5 a pair shares a band key with probability 1 - (1 - 0.5**3)**42 = 0.996."""
    rng = random.Random(11)
    shared, pairs = 0, 0
    while pairs < 300:
        first, second = _pair(rng, 400, rng.randint(25, 40))
        if not 0.5 <= _jaccard(first, second) <= 0.6:
            continue
        keys = minhash.band_keys(_signatures(first, second))
        pairs += 1
        shared += bool(set(keys[0].tolist()) & set(keys[1].tolist()))
    assert shared >= 0.97 * pairs


def test_band_keys_are_apart_per_band_and_fit_six_bytes() -> None:
    rng = random.Random(3)
    texts = [[rng.choice(VOCABULARY) for _ in range(300)] for _ in range(50)]
    keys = minhash.band_keys(_signatures(*texts))
    assert keys.shape == (50, minhash.BANDS)
    assert keys.min() >= 0
    assert keys.max() < 2**47
    # A signature whose bands all hold the same values still gets a key per band.
    uniform = np.full((1, minhash.BINS), 12345, dtype=np.uint32)
    assert len(set(minhash.band_keys(uniform)[0].tolist())) == minhash.BANDS


def test_stored_signatures_read_back_and_stay_what_they_are() -> None:
    """Little-endian whatever the machine; pinned, as the index in a project depends on it."""
    words = ["flood", "barrier", "closes", "in", "velmora", "after", "the", "storm"]
    signature = _signatures(words)[0]
    data = minhash.signature_bytes(signature)
    assert len(data) == minhash.SIGNATURE_BYTES
    assert np.array_equal(minhash.signature_from_bytes(data), signature)
    assert hashlib.sha256(data).hexdigest() == PINNED_SIGNATURE_SHA256
    with pytest.raises(ValueError, match="512 bytes"):
        minhash.signature_from_bytes(data[:-4])


PINNED_SIGNATURE_SHA256 = "65f235eefa68b9bc5ddf747a8aa518595eb0cec5e2509f1b73bbb932c37b50dc"


def test_signatures_made_in_parts_are_those_made_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(13)
    texts = [[rng.choice(VOCABULARY) for _ in range(rng.randint(0, 200))] for _ in range(40)]
    whole = _signatures(*texts)
    monkeypatch.setattr(minhash, "_ROWS_AT_ONCE", 7)
    assert np.array_equal(_signatures(*texts), whole)


def test_texts_fingerprinted_in_groups_and_parts_give_what_one_pass_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Large batches are fingerprinted a group of texts and a part of the hashes at a time
    (bounded memory); the sets and signatures must not depend on where the cuts fall."""
    from annotator.domain import shingles

    rng = random.Random(11)
    vocabulary = [f"w{i}" for i in range(300)]
    texts = [
        " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 400))) for _ in range(40)
    ]
    whole = shingle_sets(texts)
    signatures = minhash.signatures(whole)
    monkeypatch.setattr(shingles, "GROUP_CHARACTERS", 3_000)
    monkeypatch.setattr(minhash, "_HASHES_AT_ONCE", 257)
    grouped = shingle_sets(texts)
    assert np.array_equal(grouped.starts, whole.starts)
    assert np.array_equal(grouped.hashes, whole.hashes)
    assert np.array_equal(minhash.signatures(grouped), signatures)


@pytest.mark.parametrize("shape", [(0,), (1,), (7, 3), (500, 42)])
def test_distinct_keys_are_numpys_unique_values_and_those_repeated(
    shape: tuple[int, ...],
) -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 50, size=shape).astype(np.int64)  # many repeated
    values, shared = minhash.distinct_keys(keys)
    expected, counts = np.unique(keys, return_counts=True)
    assert values.tolist() == expected.tolist()
    assert shared.tolist() == expected[counts > 1].tolist()
    assert minhash.is_in(keys, shared).tolist() == np.isin(keys, shared).tolist()
    assert minhash.is_in(keys, values[:0]).tolist() == np.isin(keys, values[:0]).tolist()


def test_distinct_keys_of_millions_take_a_sort_not_a_hash_table() -> None:
    import time

    keys = np.random.default_rng(4).integers(0, 2**47, size=(100_000, minhash.BANDS))
    started = time.process_time()
    values, shared = minhash.distinct_keys(keys.astype(np.int64))
    # NumPy 2's np.unique took 5.5 s of CPU for these; a sort takes well under a second.
    assert time.process_time() - started < 2.0
    assert values.size > 4_190_000  # as good as all distinct
    assert shared.size < 100


def test_each_empty_bin_takes_the_first_filled_bin_in_its_own_order() -> None:
    """Densification checked bin by bin in plain Python, on texts of 1 to 300 shingles."""
    rng = random.Random(8)
    texts = [" ".join(rng.choices(VOCABULARY, k=rng.randrange(1, 300))) for _ in range(300)]
    sets = shingle_sets(texts)
    signatures = minhash.signatures(sets)
    order = minhash._ORDER.tolist()
    for row in range(len(texts)):
        bins: dict[int, int] = {}
        for value in sets[row].tolist():
            cell, low = value >> (64 - 7), value & 0xFFFFFFFF
            bins[cell] = min(bins.get(cell, low), low)
        expected = [bins.get(b, bins[next(c for c in order[b] if c in bins)]) for b in range(128)]
        assert signatures[row].tolist() == expected
