"""Control characters in short imported values (headings, variables): terminal escapes such
as ``ESC ] 0 ; … BEL`` would set a terminal's title or clipboard when a value is printed, and
no other control character shows anything in a one-line value."""

from __future__ import annotations

import re

# An escape sequence as a whole: OSC/DCS/APC/PM/SOS strings up to BEL or ST, CSI sequences,
# and two-character escapes; their text between the controls is the escape's, not the title's.
_ESCAPE = re.compile(
    r"\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -~]?"
)
# C0 (but tab and newline), DEL and C1, and the bidi embeddings, overrides and isolates
# (U+202A–U+202E, U+2066–U+2069), which reverse the rest of a line wherever it is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def strip_controls(value: str) -> str:
    """``value`` without terminal escape sequences, bidi overrides and control characters other
    than tab and newline (a carriage return becomes a newline's job elsewhere, so it goes too)."""
    return _CONTROL.sub("", _ESCAPE.sub("", value))


def escape_controls(value: str) -> str:
    """``value`` safe to print on a terminal: every control character (tab and newline too)
    written as a visible escape such as ``\\x1b``."""
    return _CONTROL_ANY.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
