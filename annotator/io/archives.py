"""Guards for ZIP-based files from outside (docx now, REFI-QDA later)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from annotator.domain.errors import BadFileError

MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200  # a zip bomb expands by thousands; real documents by less than 20


def open_zip(data: bytes, path: Path, kind: str) -> zipfile.ZipFile:
    """Open a ZIP archive from memory, refusing ones that are broken or expand absurdly."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BadFileError(
            path, f"is not a valid {kind} file (damaged, or not a ZIP archive)"
        ) from None
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise BadFileError(
            path, f"expands to {unpacked / 2**20:.0f} MB; refused as a possible zip bomb"
        )
    return archive
