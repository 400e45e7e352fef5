"""The article list's variable conditions; they live in :mod:`annotator.services.article_filter`
since the retrieval service filters by the same rules (names kept here for the window's code)."""

from annotator.services.article_filter import Condition, Match, date_bound, number_bound

__all__ = ["Condition", "Match", "date_bound", "number_bound"]
