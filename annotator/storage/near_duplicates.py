"""The near-duplicate index: documents' MinHash signatures and band keys (migration 0007).

The values are made in :mod:`annotator.domain.minhash`; this module only stores and finds them.
A document's rows go with it (ON DELETE CASCADE), so the index never names a deleted document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from annotator.domain import minhash

# SQLite's default limit on the parameters of one statement is 999 (before 3.32).
_CHUNK = 900


@dataclass(frozen=True)
class IndexEntry:
    """One document's signature (its band keys go apart, see :meth:`NearDuplicateStore.add`)."""

    document_id: int
    shingles: int  # distinct word shingles (0: a text without words, never a candidate)
    signature: bytes


class NearDuplicateStore:
    """Store, find and count the rows of the near-duplicate index."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, entries: Sequence[IndexEntry], bands: Iterable[tuple[int, int]]) -> None:
        """Store the signatures of ``entries`` and the ``(band key, document id)`` pairs of
        their bands, replacing what the index held for those documents, in one transaction.
        Rows go in with one statement per table: in bulk, not row by row; bands sorted by key
        go in fastest (the B-tree takes them page after page)."""
        if not entries:
            return
        with self.db.atomic():
            self.remove(entry.document_id for entry in entries)
            self.db.conn.executemany(
                "INSERT INTO near_duplicate_signatures (document_id, shingles, signature) "
                "VALUES (?, ?, ?)",
                [(e.document_id, e.shingles, e.signature) for e in entries],
            )
            # OR IGNORE: two bands of one document may, rarely, hash to one key.
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO near_duplicate_bands (band_key, document_id) VALUES (?, ?)",
                bands,
            )

    def remove(self, document_ids: Iterable[int]) -> None:
        """Take documents out of the index (their bands follow by cascade)."""
        wanted = list(document_ids)
        with self.db.atomic():
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                self.db.execute(
                    "DELETE FROM near_duplicate_signatures "
                    f"WHERE document_id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )

    def count(self) -> int:
        """How many documents the index holds."""
        return int(self.db.execute("SELECT count(*) FROM near_duplicate_signatures").fetchone()[0])

    def band_rows(self) -> int:
        """How many band keys the index holds (all documents together)."""
        return int(self.db.execute("SELECT count(*) FROM near_duplicate_bands").fetchone()[0])

    def unindexed(self) -> list[int]:
        """Ids of the documents the index does not hold yet (imported by an earlier version,
        or by a path that does not index), in import order."""
        rows = self.db.execute(
            "SELECT id FROM documents WHERE id NOT IN "
            "(SELECT document_id FROM near_duplicate_signatures) ORDER BY id"
        )
        return [int(row[0]) for row in rows]

    def texts(self, document_ids: Sequence[int]) -> Iterator[tuple[int, str]]:
        """``(id, text)`` of the given documents (those that exist), read a chunk at a time."""
        for start in range(0, len(document_ids), _CHUNK):
            chunk = list(document_ids[start : start + _CHUNK])
            rows = self.db.execute(
                f"SELECT id, text FROM documents WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            yield from ((int(i), str(t)) for i, t in rows)

    def documents_with_keys(self, keys: Iterable[int]) -> list[tuple[int, int]]:
        """``(band key, document id)`` of every stored band key among ``keys``, in that
        order."""
        # Sorted and each once, as NumPy integers: a few bytes a key, not a Python int's 32
        # (the keys of 100,000 texts are millions); .tolist() makes them Python ints, which
        # bind as integers (NumPy's would bind as BLOBs).
        wanted = np.fromiter(keys, dtype=np.int64) if not isinstance(keys, np.ndarray) else keys
        wanted = minhash.distinct_keys(wanted)[0]  # np.unique: seconds for millions
        found: list[tuple[int, int]] = []
        if not self.db.execute("SELECT 1 FROM near_duplicate_bands LIMIT 1").fetchone():
            return found
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK].tolist()
            rows = self.db.execute(
                "SELECT band_key, document_id FROM near_duplicate_bands "
                f"WHERE band_key IN ({', '.join('?' * len(chunk))}) "
                "ORDER BY band_key, document_id",
                chunk,
            )
            found.extend((int(key), int(document)) for key, document in rows)
        return found

    def signatures(self, document_ids: Iterable[int]) -> dict[int, tuple[int, bytes]]:
        """``{id: (shingles, signature)}`` of the given documents that the index holds."""
        wanted = sorted(set(document_ids))
        found: dict[int, tuple[int, bytes]] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self.db.execute(
                "SELECT document_id, shingles, signature FROM near_duplicate_signatures "
                f"WHERE document_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update((int(i), (int(n), bytes(s))) for i, n, s in rows)
        return found
