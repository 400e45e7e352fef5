"""The bundled REFI-QDA 1.0 schemas, and validation against them (never fetched)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from lxml import etree

from annotator.paths import resources_dir

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# libxml2 accepts #RRGGBBAA against the schema's pattern; REFI means #RRGGBB or #RGB.
COLOR = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def safe_parser() -> Any:
    """An XML parser that loads no DTD, resolves no entity and reaches no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def _schema(name: str) -> Any:
    path = resources_dir() / "refi" / name
    return etree.XMLSchema(etree.parse(str(path), safe_parser()))


def problems(document: Any, *, codebook: bool = False) -> list[str]:
    """What is wrong with a project.qde (or a .qdc) against its schema: empty if valid."""
    schema = _schema("Codebook.xsd" if codebook else "Project.xsd")
    found = (
        []
        if schema.validate(document)
        else [f"line {e.line}: {e.message}" for e in schema.error_log]
    )
    namespace = CODEBOOK_NS if codebook else PROJECT_NS
    for element in document.iter(f"{{{namespace}}}Code"):
        color = element.get("color")
        if color is not None and not COLOR.match(color):
            found.append(f"line {element.sourceline}: colour '{color}' is not #RRGGBB")
    return found
