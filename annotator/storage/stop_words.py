"""The user's changes to the stop-word lists (table ``stop_word_changes`` of migration 0013):
per language (ISO 639-1), words added to the list and words taken off it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database


class StopWordStore:
    """Read and write the words added to or removed from a language's stop-word list."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def changes(self, language: str) -> tuple[frozenset[str], frozenset[str]]:
        """The words added to and removed from ``language``'s list."""
        added: set[str] = set()
        removed: set[str] = set()
        for word, change in self.db.execute(
            "SELECT word, change FROM stop_word_changes WHERE language = ?", [language]
        ):
            (added if change == "add" else removed).add(str(word))
        return frozenset(added), frozenset(removed)

    def languages(self) -> list[str]:
        """The languages whose list the user changed."""
        rows = self.db.execute("SELECT DISTINCT language FROM stop_word_changes ORDER BY 1")
        return [str(row[0]) for row in rows]

    def set(self, language: str, changes: Iterable[tuple[str, str | None]]) -> None:
        """Record ``(word, 'add' | 'remove' | None)``: None forgets the word's change."""
        with self.db.atomic():
            for word, change in changes:
                if change is None:
                    self.db.execute(
                        "DELETE FROM stop_word_changes WHERE language = ? AND word = ?",
                        [language, word],
                    )
                else:
                    self.db.execute(
                        "INSERT INTO stop_word_changes (language, word, change) VALUES (?, ?, ?) "
                        "ON CONFLICT (language, word) DO UPDATE SET change = excluded.change",
                        [language, word, change],
                    )

    def reset(self, language: str) -> int:
        """Forget every change to ``language``'s list; returns how many there were."""
        with self.db.atomic():
            cursor = self.db.execute("DELETE FROM stop_word_changes WHERE language = ?", [language])
        return int(cursor.rowcount)
