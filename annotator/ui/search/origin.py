"""A coding's origin in words, for its tooltip: the codings a search made are the coder's
own, to be checked, and say so."""

from __future__ import annotations

import json

UNIT_WORDS = {"hit": "the hit", "sentence": "its sentence", "paragraph": "its paragraph"}


def describe_origin(origin: str | None) -> str | None:
    """ "Coded from a search for “remit*” (its sentence; saved search “remittances”)", or
    None for a coding made by hand (or an origin this version cannot read)."""
    if not origin:
        return None
    try:
        value = json.loads(origin)
    except ValueError:
        return None
    if not isinstance(value, dict) or value.get("kind") != "search":
        return None
    query = str(value.get("query", ""))
    what = f"/{query}/" if value.get("regex") else f"“{query}”"
    unit = str(value.get("unit", "hit"))
    details = [UNIT_WORDS.get(unit, "the whole article" if unit == "article" else unit)]
    if value.get("name"):
        details.append(f"saved search “{value['name']}”")
    return f"Coded from a search for {what} ({'; '.join(details)}): check it"
