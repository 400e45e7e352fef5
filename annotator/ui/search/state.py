"""What the Search window keeps between sessions: the last query and its options, the unit,
the tab, the word-frequency choices, the window's size and its splitters (declared once, as
:mod:`annotator.ui.settings` declares the coding window's)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray

from annotator.ui.settings import Setting

QUERY = Setting("search/query", "")
REGEX = Setting("search/regex", False)
MATCH_CASE = Setting("search/match_case", False)
MATCH_ACCENTS = Setting("search/match_accents", False)
UNIT = Setting("search/unit", "hit")
TAB = Setting("search/tab", 0)
GEOMETRY = Setting("search/geometry", QByteArray())
HITS_SPLITTER = Setting("search/hits_splitter", QByteArray())
WORDS_SPLITTER = Setting("search/words_splitter", QByteArray())
WORDS_LANGUAGE = Setting("search/words_language", "")
WORDS_TOP = Setting("search/words_top", 50)
#: The variables the hits table shows, as a JSON list of names ("": the first few).
HITS_VARIABLES = Setting("search/hits_variables", "")
