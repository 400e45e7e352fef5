"""MinHash signatures of shingle sets and their band keys: how near-duplicates are found fast.

A *signature* of :data:`BINS` 32-bit values estimates the Jaccard index of two shingle sets
(see :mod:`annotator.domain.shingles`): the share of positions where two signatures agree. It
is cut into :data:`BANDS` bands of :data:`BAND_ROWS` values, each hashed to a *band key*; texts
that share a band key are the candidates (banded locality-sensitive hashing) whose Jaccard
index is then computed.

The signature is *one-permutation hashing* with *optimal densification* (Li, Owen & Zhang
2012; Shrivastava 2017): each shingle hash falls into one of the bins by its top bits, a bin
keeps its smallest value, and an empty bin takes the value of the first non-empty bin in a
fixed pseudo-random order of its own. Two signatures then agree at each position with
probability exactly the Jaccard index, as with 128 independent permutations, for one hash per
shingle instead of 128 (the standard error is at most that of 128 permutations,
sqrt(J(1 - J) / 128), and a little less for sets much larger than 128).

Like the shingle hashes, everything here is fixed by this module and stable across runs and
platforms; stored signatures are little-endian.

Why not datasketch (2.0): it requires SciPy (tens of megabytes more in the packaged app, for
its LSH parameter search, which an index kept in SQLite does not use), and its
``MinHash.bulk`` took 0.72 s of CPU for the signatures of 1,000 articles of 500 words where
this module takes 0.16 s from the raw texts, shingling included (measured on this project's
benchmark texts). Its LSH index lives in memory or Redis, not in a project file.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from annotator.domain.shingles import MASK64, ShingleSets, mix, odd_constants

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

#: Values in a signature (the "number of permutations").
BINS = 128
_BIN_BITS = 7
#: Values per band, and bands: a pair of texts of Jaccard index s becomes a candidate with
#: probability 1 - (1 - s**3)**42: 0.996 at s = 0.5, 0.99999 at 0.7, 1 - 1e-26 at 0.9, so the
#: index finds pairs at any threshold the user may choose (0.5–1.0); pairs below that are
#: candidates less often (0.29 at 0.2, 0.04 at 0.1) and are set aside by their estimate.
BAND_ROWS = 3
BANDS = 42
#: Bytes of a stored signature.
SIGNATURE_BYTES = BINS * 4
#: Band keys are kept below 2**47: SQLite then stores each in six bytes instead of eight.
KEY_BITS = 47
_EMPTY = np.uint32(0xFFFFFFFF)

_BAND_MULTIPLIERS = [np.uint64(c) for c in odd_constants(0x42414E44, BAND_ROWS + 1)]
# Each band's number, hashed in (Python integers: NumPy warns when a product of scalars wraps).
_BAND_TAGS = np.array(
    [(band * int(_BAND_MULTIPLIERS[-1])) & MASK64 for band in range(BANDS)], dtype=np.uint64
)


def _densification_order() -> npt.NDArray[np.intp]:
    """For each bin, every bin in a fixed pseudo-random order: where an empty bin looks for a
    value. Independent orders per bin are what make the densification unbiased."""
    keys = np.array(odd_constants(0x44454E5345, BINS * BINS), dtype=np.uint64)
    return np.argsort(keys.reshape(BINS, BINS), axis=1, kind="stable")


_ORDER = _densification_order()


#: Texts whose signatures are made together (bounds memory: about 30 bytes a shingle).
_ROWS_AT_ONCE = 1024
_HASHES_AT_ONCE = 1 << 20


def signatures(sets: ShingleSets) -> U32:
    """One signature per shingle set, ``(len(sets), BINS)``; a set without shingles (a text
    without words) has every value 0xFFFFFFFF and is never compared."""
    result = np.full((len(sets), BINS), _EMPTY, dtype=np.uint32)
    for first in range(0, len(sets), _ROWS_AT_ONCE):
        last = min(first + _ROWS_AT_ONCE, len(sets))
        begin, end = int(sets.starts[first]), int(sets.starts[last])
        part = ShingleSets(sets.hashes[begin:end], sets.starts[first : last + 1] - begin)
        result[first:last] = _signatures(part)
    return result


def _signatures(sets: ShingleSets) -> U32:
    rows = len(sets)
    flat = np.full(rows * BINS, _EMPTY, dtype=np.uint32)
    filled_flat = np.zeros(rows * BINS, dtype=bool)
    # A bounded number of shingles at a time (a minimum is the minimum of its parts' minima):
    # the cells of all of a batch's shingles at once took 30 bytes a shingle, a gigabyte for
    # the texts of a 200 MB sheet.
    for begin in range(0, sets.hashes.size, _HASHES_AT_ONCE):
        hashes = sets.hashes[begin : begin + _HASHES_AT_ONCE]
        # The top bits choose the bin, the low 32 bits are the value: independent bits of a
        # well-mixed hash.
        # Each hash's text, found among the sets' starts (not a repeat of all at once).
        positions = np.arange(begin, begin + hashes.size, dtype=np.int64)
        owners = np.searchsorted(sets.starts, positions, side="right") - 1
        cell = owners * BINS + (hashes >> np.uint64(64 - _BIN_BITS)).astype(np.int64)
        value = (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        np.minimum.at(flat, cell, value)
        filled_flat[cell] = True
    result = flat.reshape(rows, BINS)
    filled = filled_flat.reshape(rows, BINS)
    # Each empty bin of a text with shingles takes the value of the first filled bin in that
    # bin's own order: looked for one step of the orders at a time, for the bins still
    # looking (most find one in two or three steps; reading each bin's whole order took most
    # of the time of a short text's signature, whose bins are mostly empty).
    rows_of, bins_of = np.nonzero(~filled & (sets.sizes() > 0)[:, None])
    source = np.empty_like(bins_of)
    looking = np.arange(rows_of.size)
    for step in range(BINS):
        if looking.size == 0:
            break
        candidate = _ORDER[bins_of[looking], step]
        found = filled[rows_of[looking], candidate]
        source[looking[found]] = candidate[found]
        looking = looking[~found]
    result[rows_of, bins_of] = result[rows_of, source]
    return result


def estimated_jaccard(first: U32, second: U32) -> float:
    """The Jaccard index two signatures estimate: the share of their values that agree."""
    return float(np.count_nonzero(first == second)) / BINS


def agreement(signature: U32, others: U32) -> npt.NDArray[np.float64]:
    """:func:`estimated_jaccard` of ``signature`` with each row of ``others``."""
    agreeing: npt.NDArray[np.int64] = np.count_nonzero(others == signature, axis=1)
    return agreeing / BINS


def band_keys(signatures: U32) -> I64:
    """The band keys of each signature, ``(rows, BANDS)``: non-negative, below 2**47, and apart
    for each band (its number is hashed in)."""
    rows = signatures.shape[0]
    parts = signatures[:, : BANDS * BAND_ROWS].astype(np.uint64).reshape(rows, BANDS, BAND_ROWS)
    combined = np.broadcast_to(_BAND_TAGS, (rows, BANDS)).copy()
    for position in range(BAND_ROWS):
        combined += parts[:, :, position] * _BAND_MULTIPLIERS[position]
    return (mix(combined) >> np.uint64(64 - KEY_BITS)).astype(np.int64)


def signature_bytes(signature: U32) -> bytes:
    """A signature as stored: its values as little-endian 32-bit integers."""
    return signature.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> U32:
    """A stored signature back as values."""
    if len(data) != SIGNATURE_BYTES:
        raise ValueError(f"a signature has {SIGNATURE_BYTES} bytes, not {len(data)}")
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def distinct_keys(keys: I64) -> tuple[I64, I64]:
    """The distinct values of ``keys`` (any shape), sorted, and those of them that occur more
    than once, sorted. By a sort: NumPy 2's ``np.unique`` hashes instead, and took 5.5 s for
    the 4.2 million band keys of 100,000 texts, where this takes 0.05 s."""
    ordered = np.sort(keys, axis=None)
    if ordered.size == 0:
        return ordered, ordered
    repeated = ordered[1:] == ordered[:-1]
    shared = ordered[1:][repeated]  # a value as often as it repeats
    if shared.size:
        shared = shared[np.concatenate(([True], shared[1:] != shared[:-1]))]
    return ordered[np.concatenate(([True], ~repeated))], shared


def is_in(keys: I64, values: I64) -> npt.NDArray[np.bool_]:
    """For each of ``keys``, whether it is among the sorted ``values`` (``np.isin`` sorts
    both together, some 30 bytes a key more)."""
    if values.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    at = np.searchsorted(values, keys)
    np.minimum(at, values.size - 1, out=at)
    found: npt.NDArray[np.bool_] = values[at] == keys
    return found
