"""The languages with a stop-word list, named in English, for the language choosers."""

from __future__ import annotations

import stopwordsiso
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QComboBox, QWidget

#: The chooser's entry for "each article in its own language".
OWN_LANGUAGE = ""


def language_name(code: str) -> str:
    """ "Korean (ko)": the language's English name and its code."""
    name = QLocale.languageToString(QLocale(code).language())
    return f"{name} ({code})" if name and name != "C" else code


def stop_word_languages() -> list[str]:
    """The ISO 639-1 codes that have a stop-word list, by English name."""
    return sorted(stopwordsiso.langs(), key=language_name)


class LanguageChooser(QComboBox):
    """A language with a stop-word list; with ``own``, first "each article's own language"."""

    def __init__(self, *, own: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if own:
            self.addItem("each article's own language", OWN_LANGUAGE)
            self.setItemData(
                0,
                "Its language variable (language, lang); English where it has none",
                Qt.ItemDataRole.ToolTipRole,
            )
        for code in stop_word_languages():
            self.addItem(language_name(code), code)
        self.setMaxVisibleItems(20)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)

    def language(self) -> str:
        """The code chosen ("" for each article's own)."""
        return str(self.currentData() or "")

    def choose(self, code: str) -> bool:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)
        return index >= 0
