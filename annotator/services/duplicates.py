"""Near-duplicate articles: the same story downloaded twice, a wire story printed by several
outlets with another headline or a sentence changed.

Two texts are near-duplicates when the Jaccard index of their sets of five-word shingles
(:mod:`annotator.domain.shingles`) reaches a threshold (0.9 by default; the user may choose
from 0.5 to 1.0). Candidates come from the index kept in the project (MinHash band keys,
:mod:`annotator.domain.minhash`, stored by :mod:`annotator.storage.near_duplicates`), are
sorted by their estimated index, and the best are confirmed by their exact index: so a pair is
never reported on an estimate alone, and checking a batch never scans the project pairwise.

Exact duplicates (the same text) are recognised at import by the text's hash; they are
near-duplicates too, of similarity 1.0.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.domain import minhash
from annotator.domain.errors import UserError
from annotator.domain.shingles import U64, ShingleSets, exact_jaccard, shingle_sets
from annotator.storage import Project
from annotator.storage.near_duplicates import IndexEntry, NearDuplicateStore

DEFAULT_THRESHOLD = 0.9
#: Below 0.5 the band keys no longer find nearly every pair (see minhash.BANDS), and texts
#: that share a topic and phrases begin to pass for copies.
MIN_THRESHOLD, MAX_THRESHOLD = 0.5, 1.0
#: Candidates kept per text, those sharing the most band keys (bounds the work when a project
#: holds many copies of one story).
_CANDIDATES = 64
#: Holders of one band key counted per text: all of them up to this many; beyond, the latest
#: half (highest id, latest in the batch) and a sample of the earlier ones (:class:`_Spread`).
#: In a crowd of texts alike but not copies — thousands of automated reports from one
#: template — every key is held by thousands, and counting them all made a check quadratic
#: (10,000 such rows: 274 million holders counted, 21 s; 100,000: hours). A copy is found
#: through any key it shares that fewer hold, when it follows its original closely (exports
#: and sheets come in date order), or through the keys whose sample holds its original.
HOLDERS_PER_KEY = 64
#: Candidates whose exact index is computed per text, the best estimates first.
_CONFIRMED = 8
#: A candidate whose estimate is this far below the threshold is set aside unread: over five
#: standard errors of a 128-value signature (at most 0.044, at J = 0.5).
_MARGIN = 0.25
#: Below this many shingles a signature repeats few values and its estimate is coarse: such
#: candidates are confirmed whatever their estimate.
_SMALL = minhash.BINS
#: Texts fingerprinted at a time (bounds memory: about 40 bytes a word).
_CHUNK = 1000

# Called as progress(done, total) while documents are indexed.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class NearDuplicate:
    """A text of a batch that is a near-duplicate of a project document or of an earlier text
    of the same batch (exactly one of ``existing_id`` and ``batch_index`` is set)."""

    index: int  # position of the text in the batch given
    existing_id: int | None  # the project document it duplicates, or None if it duplicates
    batch_index: int | None  # an earlier text of the same batch
    similarity: float  # Jaccard index of the word-shingle sets, exact (1.0 for the same text)


#: How often (in texts) the check asks whether it is cancelled.
_ASK_EVERY = 256


def check_threshold(threshold: float) -> float:
    """``threshold`` if it is a Jaccard index the search supports, else a one-line refusal."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise UserError(f"near-duplicate threshold {threshold!r}: not a number")
    if math.isnan(threshold) or not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise UserError(
            f"near-duplicate threshold {threshold:g}: must be between {MIN_THRESHOLD} and "
            f"{MAX_THRESHOLD} (the share of five-word sequences two texts have in common)"
        )
    return float(threshold)


# -- the batch checked -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Batch:
    sets: ShingleSets
    signatures: minhash.U32
    keys: minhash.I64
    sizes: list[int]


def _batch(texts: Sequence[str]) -> _Batch:
    sets = shingle_sets(texts)
    signatures = minhash.signatures(sets)
    return _Batch(sets, signatures, minhash.band_keys(signatures), sets.sizes().tolist())


class _Pool:
    """Project documents a text may duplicate: those of the index, and those not indexed yet
    (read and fingerprinted in memory: checking never writes)."""

    def __init__(self, store: NearDuplicateStore, keys: minhash.I64) -> None:
        """``keys``: the band keys of the batch, sorted and each once (a NumPy array: as
        Python integers in a set, 42 a text, they took hundreds of MB for 100,000 rows)."""
        self.store = store
        self.by_key: dict[int, list[int]] = {}
        for key, document in store.documents_with_keys(keys):
            self.by_key.setdefault(key, []).append(document)
        self.spread: _Spread | None = None  # made at the first candidates asked
        self.loose: dict[int, tuple[int, minhash.U32]] = {}  # id -> shingles, signature
        for ids, texts in _chunks(store.texts(store.unindexed())):
            fingerprint = _batch(texts)
            shared = np.isin(fingerprint.keys, keys)
            for row, document in enumerate(ids):
                if fingerprint.sizes[row] == 0:
                    continue
                self.loose[document] = (fingerprint.sizes[row], fingerprint.signatures[row])
                for key in fingerprint.keys[row][shared[row]].tolist():
                    self.by_key.setdefault(key, []).append(document)
        if self.loose:  # each key's holders in import order: the latest count (_most_shared)
            for holders in self.by_key.values():
                holders.sort()

    def candidates(self, keys: Sequence[int]) -> list[int]:
        """The documents sharing a band key with ``keys``, those sharing the most first."""
        if self.spread is None:
            self.spread = _Spread.of(self.by_key)
        return _most_shared(keys, self.by_key, self.spread.samples)

    def signatures(self, documents: Iterable[int]) -> dict[int, tuple[int, minhash.U32]]:
        wanted = set(documents)
        found = {d: self.loose[d] for d in wanted if d in self.loose}
        stored = self.store.signatures(wanted - found.keys())
        for document, (shingles, data) in stored.items():
            found[document] = (shingles, minhash.signature_from_bytes(data))
        return found


def _most_shared(
    keys: Sequence[int],
    holders: dict[int, list[int]],
    spread: dict[int, list[int]] | None = None,
) -> list[int]:
    """Those holding any of ``keys``, those holding the most first (at most _CANDIDATES);
    of a crowded key's holders (in the order they came), the latest HOLDERS_PER_KEY / 2 and
    the key's ``spread`` (its sample of the earlier ones, see :class:`_Spread`)."""
    recent = HOLDERS_PER_KEY // 2
    found: list[int] = []
    for key in keys:
        held = holders.get(key)
        if not held:
            continue
        if len(held) <= HOLDERS_PER_KEY:
            found += held
            continue
        found += held[-recent:]
        if spread is not None:
            found += spread.get(key, ())
    if not found:
        return []
    return [holder for holder, _ in Counter(found).most_common(_CANDIDATES)]


_SAMPLE = HOLDERS_PER_KEY // 2


class _Spread:
    """For each crowded band key, a fixed-size sample of its earlier holders (the
    HOLDERS_PER_KEY / 2 of lowest hash of key and holder), kept as holders are added.
    Counting only the latest holders of a crowd of texts alike missed a copy of one that
    came long before; counting all of them made the check quadratic. Each key samples
    differently, so an old text is counted through some of its keys."""

    def __init__(self) -> None:
        self.samples: dict[int, list[int]] = {}
        self._heaps: dict[int, list[tuple[int, int]]] = {}

    def add(self, key: int, holder: int) -> None:
        """Offer ``holder`` (once it is no longer among the key's latest) to the sample. Its
        rank is the hash of (key, holder): for integers Python's hash is the same on every
        run (no hash seed), and each key orders the texts differently."""
        heap = self._heaps.get(key)
        if heap is None:
            heap = self._heaps[key] = []
        rank = -hash((key, holder))  # a max-heap of the lowest hashes kept
        if len(heap) < _SAMPLE:
            heapq.heappush(heap, (rank, holder))
        elif rank > heap[0][0]:
            heapq.heapreplace(heap, (rank, holder))
        else:
            return
        self.samples[key] = [h for _, h in heap]

    @classmethod
    def of(cls, holders: dict[int, list[int]]) -> _Spread:
        """The samples of every crowded key of ``holders`` (each list in the order they came)."""
        spread = cls()
        recent = HOLDERS_PER_KEY // 2
        for key, held in holders.items():
            if len(held) > HOLDERS_PER_KEY:
                for holder in held[:-recent]:
                    spread.add(key, holder)
        return spread


def _shortlist(
    signature: minhash.U32,
    size: int,
    candidates: Sequence[int],
    signatures: dict[int, tuple[int, minhash.U32]],
    threshold: float,
) -> list[int]:
    """The candidates worth an exact comparison, the best estimates first."""
    known = [c for c in candidates if c in signatures]
    if not known:
        return []
    estimates = minhash.agreement(signature, np.stack([signatures[c][1] for c in known]))
    kept = [
        (float(estimate), candidate)
        for estimate, candidate in zip(estimates, known, strict=True)
        if estimate >= threshold - _MARGIN or min(size, signatures[candidate][0]) < _SMALL
    ]
    kept.sort(key=lambda pair: (-pair[0], pair[1]))
    return [candidate for _, candidate in kept[:_CONFIRMED]]


def _earlier_shortlist(
    batch: _Batch, sizes: minhash.I64, index: int, earlier: list[int], threshold: float
) -> list[int]:
    """:func:`_shortlist` of the earlier texts of the batch, on its arrays (a crowd of texts
    alike gives each its full 64 candidates: one comparison of arrays, not 64 lookups)."""
    if not earlier:
        return []
    rows = np.array(earlier, dtype=np.int64)
    estimates = minhash.agreement(batch.signatures[index], batch.signatures[rows])
    kept = (estimates >= threshold - _MARGIN) | (np.minimum(sizes[index], sizes[rows]) < _SMALL)
    rows, estimates = rows[kept], estimates[kept]
    # The best estimates first, then the earliest: as _shortlist orders them.
    chosen: list[int] = rows[np.lexsort((rows, -estimates))[:_CONFIRMED]].tolist()
    return chosen


def find_near_duplicates(
    project: Project,
    texts: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    cancelled: Callable[[], bool] | None = None,
) -> list[NearDuplicate]:
    """The texts of a batch that are near-duplicates of a project document or of an earlier
    text of the batch, in batch order, each with the one it duplicates best.

    A project document is preferred to a text of the batch. A later text of the batch names an
    earlier one that is not itself a near-duplicate (so each group has one first text); texts
    without words are never near-duplicates (the exact-duplicate check sees identical ones).
    Only reads: documents not in the index yet are fingerprinted in memory (slower; call
    :func:`index_missing` first where the project may be written).

    ``cancelled()`` is asked every few hundred texts; once it is true, what was found so far
    is returned.
    """
    threshold = check_threshold(threshold)
    texts = list(texts)
    if not texts:
        return []

    def stop(row: int) -> bool:
        return cancelled is not None and row % _ASK_EVERY == 0 and cancelled()

    batch = _batch(texts)
    _remember(texts, batch.signatures, batch.sizes)
    if stop(0):
        return []
    unique, shared = minhash.distinct_keys(batch.keys[np.array(batch.sizes) > 0])
    pool = _Pool(NearDuplicateStore(project.db), unique)
    del unique
    if stop(0):
        return []
    # Only a band key two texts of the batch share can make one a duplicate of the other:
    # the others are not kept for the comparison within the batch (one list per key and text
    # took most of the memory of a sheet of many short rows).
    in_batch = minhash.is_in(batch.keys, shared)
    del shared
    shortlists: dict[int, list[int]] = {}
    per_text: dict[int, list[int]] = {}
    for i, n in enumerate(batch.sizes):
        if stop(i + 1):
            return []
        if n and pool.by_key:
            found_here = pool.candidates(batch.keys[i].tolist())
            if found_here:
                per_text[i] = found_here
    signatures = pool.signatures(d for found in per_text.values() for d in found)
    for index, candidates in per_text.items():
        if stop(index + 1):
            return []
        chosen = _shortlist(
            batch.signatures[index], batch.sizes[index], candidates, signatures, threshold
        )
        if chosen:
            shortlists[index] = chosen
    existing_sets = _sets_of(pool.store, {d for found in shortlists.values() for d in found})
    found: list[NearDuplicate] = []
    roots: dict[int, list[int]] = {}  # band key -> earlier texts that are not duplicates
    spread = _Spread()  # of roots' crowded keys
    sizes = np.array(batch.sizes, dtype=np.int64)
    for index in range(len(texts)):
        if stop(index + 1):
            return found
        if batch.sizes[index] == 0:
            continue
        best = _best(batch.sets[index], shortlists.get(index, []), existing_sets, threshold)
        if best is not None:
            found.append(NearDuplicate(index, best[1], None, best[0]))
            continue
        keys = batch.keys[index][in_batch[index]].tolist()
        chosen = _earlier_shortlist(
            batch, sizes, index, _most_shared(keys, roots, spread.samples), threshold
        )
        best = _best(batch.sets[index], chosen, {i: batch.sets[i] for i in chosen}, threshold)
        if best is not None:
            found.append(NearDuplicate(index, None, best[1], best[0]))
            continue
        for key in keys:
            held = roots.setdefault(key, [])
            held.append(index)
            if len(held) > HOLDERS_PER_KEY // 2:  # the one leaving the key's latest
                spread.add(key, held[-HOLDERS_PER_KEY // 2 - 1])
    return found


def _best(
    shingles: U64,
    candidates: Sequence[int],
    sets: dict[int, U64],
    threshold: float,
) -> tuple[float, int] | None:
    """(Jaccard index, candidate) of the candidate most alike at or above ``threshold``."""
    best: tuple[float, int] | None = None
    for candidate in candidates:
        if candidate not in sets:
            continue
        similarity = exact_jaccard(shingles, sets[candidate])
        if similarity >= threshold and (best is None or similarity > best[0]):
            best = (similarity, candidate)
    return best


def _sets_of(store: NearDuplicateStore, documents: set[int]) -> dict[int, U64]:
    """The shingle sets of project documents (read and computed: the index keeps none)."""
    found: dict[int, U64] = {}
    for ids, texts in _chunks(store.texts(sorted(documents))):
        sets = shingle_sets(texts)
        found.update((document, sets[row]) for row, document in enumerate(ids))
    return found


def _chunks(pairs: Iterable[tuple[int, str]]) -> Iterator[tuple[list[int], list[str]]]:
    ids: list[int] = []
    texts: list[str] = []
    for document, text in pairs:
        ids.append(document)
        texts.append(text)
        if len(ids) == _CHUNK:
            yield ids, texts
            ids, texts = [], []
    if ids:
        yield ids, texts


# -- the index -------------------------------------------------------------------------------


def index_documents(project: Project, documents: Iterable[tuple[int, str]]) -> None:
    """Add ``(document id, text)`` pairs to the project's near-duplicate index (replacing what
    it held for them), in one transaction: call it in the transaction that stores them."""
    _index(project, documents, total=None, progress=None)


def missing_from_index(project: Project) -> int:
    """How many documents the near-duplicate index does not hold yet."""
    return len(NearDuplicateStore(project.db).unindexed())


def index_missing(project: Project, *, progress: Progress | None = None) -> int:
    """Index the documents the index does not hold yet (those of a project made by an earlier
    version, or imported by a path that does not index) in one transaction, calling
    ``progress(done, total)`` as it goes; returns how many."""
    store = NearDuplicateStore(project.db)
    missing = store.unindexed()
    if missing:
        _index(project, store.texts(missing), total=len(missing), progress=progress)
    return len(missing)


def _index(
    project: Project,
    documents: Iterable[tuple[int, str]],
    *,
    total: int | None,
    progress: Progress | None,
) -> None:
    store = NearDuplicateStore(project.db)
    done = 0
    with project.transaction():
        for ids, texts in _chunks(documents):
            if len(set(ids)) < len(ids):  # a document given twice: its last text counts
                last = dict(zip(ids, texts, strict=True))
                ids, texts = list(last), list(last.values())
            signatures, sizes = _signatures(texts)
            entries = [
                IndexEntry(document, sizes[row], minhash.signature_bytes(signatures[row]))
                for row, document in enumerate(ids)
            ]
            store.add(entries, _band_rows(ids, sizes, minhash.band_keys(signatures)))
            done += len(ids)
            if progress is not None:
                progress(done, total if total is not None else done)


def _band_rows(
    ids: Sequence[int], sizes: Sequence[int], keys: minhash.I64
) -> list[tuple[int, int]]:
    """``(band key, document id)`` of the documents with words, sorted by key."""
    with_words = np.array(sizes) > 0
    flat = keys[with_words].ravel()
    owners = np.repeat(np.array(ids, dtype=np.int64)[with_words], minhash.BANDS)
    order = np.argsort(flat, kind="stable")
    return list(zip(flat[order].tolist(), owners[order].tolist(), strict=True))


# -- signatures of the batch just checked ----------------------------------------------------
# An import checks a batch, then stores and indexes the same texts: the signatures of the last
# batch checked (a pure function of each text) are kept until it is indexed, not computed
# twice. The batch's own array is kept, and a 16-byte digest of each text: some 130 bytes a
# text besides its signature. (Keeping a copy of the latest 20,000 signatures made a file of
# 100,000 compute 80,000 again, 8 s.)


@dataclass(frozen=True)
class _Checked:
    rows: dict[bytes, int]  # digest of a text -> its row
    signatures: minhash.U32
    sizes: list[int]


_checked: _Checked | None = None
_checked_lock = threading.Lock()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _remember(texts: Sequence[str], signatures: minhash.U32, sizes: list[int]) -> None:
    global _checked
    checked = _Checked({_digest(text): row for row, text in enumerate(texts)}, signatures, sizes)
    with _checked_lock:
        _checked = checked


def forget_checked() -> None:
    """Let go of the signatures of the last batch checked (an import calls it once stored)."""
    global _checked
    with _checked_lock:
        _checked = None


def _signatures(texts: Sequence[str]) -> tuple[minhash.U32, list[int]]:
    """Signatures and shingle counts of ``texts``, from the batch just checked where it holds
    them."""
    with _checked_lock:
        checked = _checked
    found = (
        [-1] * len(texts)
        if checked is None
        else [checked.rows.get(_digest(text), -1) for text in texts]
    )
    result = np.empty((len(texts), minhash.BINS), dtype=np.uint32)
    sizes = [0] * len(texts)
    missing = [row for row, at in enumerate(found) if at < 0]
    if missing:
        sets = shingle_sets([texts[row] for row in missing])
        computed = minhash.signatures(sets)
        counts = sets.sizes().tolist()
        for position, row in enumerate(missing):
            result[row] = computed[position]
            sizes[row] = counts[position]
    if checked is not None and len(missing) < len(texts):
        rows = [row for row, at in enumerate(found) if at >= 0]
        at = [found[row] for row in rows]
        result[rows] = checked.signatures[at]
        for row, where in zip(rows, at, strict=True):
            sizes[row] = checked.sizes[where]
    return result, sizes
