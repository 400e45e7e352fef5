"""CSV files as spreadsheets save them, found wanting by a hostile pass: Excel's "Unicode
text" (UTF-16 with a byte-order mark) is refused for what it is, not as a binary file."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError
from annotator.io.csvfiles import read_csv


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_unicode_text_is_refused_as_utf16_not_as_binary(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "codebook.csv"
    text = "path\tcolor\r\nMotive\t#336699\r\n"
    path.write_bytes(
        ("\ufeff" + text).encode(encoding) if encoding.endswith("be") else text.encode(encoding)
    )
    with pytest.raises(BadFileError) as caught:
        read_csv(path)
    message = str(caught.value)
    assert message.startswith("codebook.csv: ")
    assert "UTF-16" in message
    assert "CSV UTF-8" in message
    assert "binary" not in message
