"""The Search window: full-text search of the articles, the hits in context, coding them in
one undoable step, saved searches as rules, and word frequencies.

The work is the services' (:mod:`annotator.services.search`, ``autocode``,
``saved_searches``, ``word_frequencies``); this package shows it, runs the long parts in a
worker thread (:mod:`.jobs`) and puts coding on the window's undo stack (:mod:`.commands`).
"""
