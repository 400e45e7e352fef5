"""Memos in the coding window: the open article's memo, code memos, the project's log and a
search over every memo, all through :mod:`annotator.services.memos`."""
