"""The codebook as an appendix for a methods section (HTML or Markdown): dimensions, codes,
definitions, include and exclude rules, examples, and how often each code was used."""

from __future__ import annotations

import html
from dataclasses import dataclass

from annotator.domain.codebook import Codebook
from annotator.domain.model import Code

PARTS = ("Definition", "Include", "Exclude", "Example")


@dataclass(frozen=True)
class Usage:
    """How a code was used: codings, and articles it was applied in (by anyone)."""

    codings: int = 0
    articles: int = 0


def description_parts(description: str) -> dict[str, str]:
    """A description split at lines that start ``Definition:``, ``Include:``, ``Exclude:``
    or ``Example:``; text before any of them is the definition."""
    parts: dict[str, list[str]] = {}
    current = "Definition"
    for line in description.splitlines():
        head, colon, rest = line.partition(":")
        if colon and head.strip() in PARTS:
            current = head.strip()
            line = rest
        if line.strip():
            parts.setdefault(current, []).append(line.strip())
    return {name: " ".join(lines) for name, lines in parts.items()}


def _code_rows(tree: Codebook, dimension: Code) -> list[Code]:
    return list(tree.walk(dimension.id))


def appendix_markdown(
    tree: Codebook, usage: dict[int, Usage], title: str, *, version: str = ""
) -> str:
    """The appendix as Markdown; ``version`` names the codebook version it describes."""
    lines = [f"# {title}", ""]
    if version:
        lines += [f"*Codebook version: {version}.*", ""]
    for dimension in tree.children(None):
        lines += [f"## {dimension.name}", ""]
        if dimension.exclusive:
            lines += ["*Exclusive: a passage takes at most one of these codes.*", ""]
        lines += _markdown_parts(dimension.description)
        for code in _code_rows(tree, dimension):
            used = usage.get(code.id, Usage())
            key = f" (key `{code.shortcut}`)" if code.shortcut else ""
            lines += [
                f"### {tree.path(code.id)}{key}",
                "",
                f"Used {used.codings:,} times in {used.articles:,} articles.",
                "",
            ]
            lines += _markdown_parts(code.description)
    return "\n".join(lines).rstrip() + "\n"


def _markdown_parts(description: str) -> list[str]:
    lines = []
    for name, text in description_parts(description).items():
        lines += [f"**{name}.** {text}", ""]
    return lines


STYLE = """
body { font: 15px/1.5 Georgia, serif; margin: 2em auto; max-width: 46em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin-bottom: .2em; }
.swatch { display: inline-block; width: .9em; height: .9em; border: 1px solid #999;
          vertical-align: -.1em; margin-right: .4em; }
.version { color: #555; font-style: italic; }
.usage { color: #555; font-size: .9em; margin: 0 0 .4em; }
dt { font-weight: bold; float: left; width: 6.5em; clear: left; }
dd { margin: 0 0 .4em 7em; }
"""


def appendix_html(tree: Codebook, usage: dict[int, Usage], title: str, *, version: str = "") -> str:
    """The appendix as an HTML page; ``version`` names the codebook version it describes."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    if version:
        body.append(f"<p class='version'>Codebook version: {html.escape(version)}.</p>")
    for dimension in tree.children(None):
        body.append(f"<h2>{html.escape(dimension.name)}</h2>")
        if dimension.exclusive:
            body.append("<p><i>Exclusive: a passage takes at most one of these codes.</i></p>")
        body.append(_html_parts(dimension.description))
        for code in _code_rows(tree, dimension):
            used = usage.get(code.id, Usage())
            key = (
                f" <small>(key <kbd>{html.escape(code.shortcut)}</kbd>)</small>"
                if code.shortcut
                else ""
            )
            body.append(
                f"<h3><span class='swatch' style='background:{html.escape(code.color)}'></span>"
                f"{html.escape(tree.path(code.id))}{key}</h3>"
                f"<p class='usage'>Used {used.codings:,} times in {used.articles:,} articles.</p>"
                + _html_parts(code.description)
            )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def _html_parts(description: str) -> str:
    parts = description_parts(description)
    if not parts:
        return ""
    return (
        "<dl>"
        + "".join(
            f"<dt>{html.escape(name)}</dt><dd>{html.escape(text)}</dd>"
            for name, text in parts.items()
        )
        + "</dl>"
    )
