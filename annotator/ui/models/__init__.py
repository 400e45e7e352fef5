"""Qt models over the project: documents, codebook, an article's codings, retrieval."""

from PySide6.QtCore import QModelIndex, QPersistentModelIndex

#: The invalid index that stands for "no parent" (a shared default argument).
ROOT = QModelIndex()
Index = QModelIndex | QPersistentModelIndex
