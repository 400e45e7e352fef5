"""The JSON a language model answers, and the check of an answer.

:func:`response_format` is the ``response_format`` of a chat-completions request
(``json_schema``, strict), built from the codebook's code paths::

    {"passages": [{"code": <a code path>, "quote": <text>, "reason": <text>}],
     "article_codes": [<a code path>]}

every object closed (``additionalProperties: false``) and every property required.

:func:`read_reply` checks a reply by hand, as strictly as the schema says (a server that
ignores ``response_format`` is not trusted): a reply that is not JSON, not an object of exactly
those two keys, or holds an entry of another shape or type fails the article with a one-line
:class:`ReplyError`. Within a well-formed reply, a code that is not one of the codebook's
paths is dropped and counted (never matched to a near name); quotes are located in the text
afterwards (:mod:`.quotes`). An article code given twice counts once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

__all__ = ["Dropped", "Passage", "Reply", "ReplyError", "read_reply", "response_format"]

SCHEMA_NAME = "annotator_coding"
#: A reason longer than this is cut (it is a sentence; the rest would only fill the project).
MAX_REASON = 1000
_SURROGATE = re.compile("[\ud800-\udfff]")


def response_format(paths: list[str]) -> dict[str, Any]:
    """The strict ``json_schema`` response format whose codes are ``paths``."""
    code = {"type": "string", "enum": list(paths)}
    passage = {
        "type": "object",
        "properties": {
            "code": code,
            "quote": {"type": "string"},
            "reason": {"type": "string"},
        },
        "required": ["code", "quote", "reason"],
        "additionalProperties": False,
    }
    schema = {
        "type": "object",
        "properties": {
            "passages": {"type": "array", "items": passage},
            "article_codes": {"type": "array", "items": code},
        },
        "required": ["passages", "article_codes"],
        "additionalProperties": False,
    }
    return {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": schema},
    }


class ReplyError(Exception):
    """A reply that breaks the schema: the article fails with this one-line reason."""


@dataclass(frozen=True)
class Passage:
    """A passage the model coded: a code path of the codebook, its quote and its reason."""

    code: str
    quote: str
    reason: str


@dataclass(frozen=True)
class Dropped:
    """Something of a reply left out: ``kind`` ``code`` (not a code of the codebook) or
    ``quote`` (not found in the article, empty, or every place of it already coded with the
    code), and why."""

    kind: str
    reason: str


@dataclass(frozen=True)
class Reply:
    """A reply that passed the check: its passages and article codes (codes of the codebook
    only, in the order given) and what was dropped."""

    passages: tuple[Passage, ...]
    article_codes: tuple[str, ...]
    dropped: tuple[Dropped, ...]


def _clean(text: str, limit: int | None = None) -> str:
    """Text a reply gave, fit to store: a lone surrogate (JSON can spell one) becomes U+FFFD."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = _clean(text)
    return repr(text if len(text) <= 60 else text[:59] + "…")


def _type(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


def _keys(value: dict[str, Any], expected: tuple[str, ...], where: str) -> None:
    missing = [key for key in expected if key not in value]
    if missing:
        raise ReplyError(f"{where} lacks {', '.join(map(repr, missing))}")
    extra = [key for key in value if key not in expected]
    if extra:
        names = ", ".join(_shown(key) for key in extra[:3])
        raise ReplyError(f"{where} has keys outside the schema: {names}")


def read_reply(content: str, paths: Collection[str]) -> Reply:
    """The reply ``content`` (the message's text) checked against the schema of ``paths``;
    :class:`ReplyError` when it breaks it."""
    try:
        value = json.loads(content)
    except RecursionError:
        raise ReplyError("the reply is JSON nested too deeply") from None
    except ValueError as error:
        start = content.lstrip()[:40]
        raise ReplyError(f"the reply is not JSON ({error.args[0]}; it begins {start!r})") from None
    if not isinstance(value, dict):
        raise ReplyError(f"the reply is {_type(value)}, not an object")
    _keys(value, ("passages", "article_codes"), "the reply")
    passages, codes = value["passages"], value["article_codes"]
    if not isinstance(passages, list):
        raise ReplyError(f'"passages" is {_type(passages)}, not an array')
    if not isinstance(codes, list):
        raise ReplyError(f'"article_codes" is {_type(codes)}, not an array')
    known = paths if isinstance(paths, set | frozenset | dict) else set(paths)
    kept: list[Passage] = []
    dropped: list[Dropped] = []
    for number, entry in enumerate(passages, 1):
        where = f"passage {number}"
        if not isinstance(entry, dict):
            raise ReplyError(f"{where} is {_type(entry)}, not an object")
        _keys(entry, ("code", "quote", "reason"), where)
        for key in ("code", "quote", "reason"):
            if not isinstance(entry[key], str):
                raise ReplyError(f'{where}: "{key}" is {_type(entry[key])}, not a string')
        if entry["code"] not in known:
            dropped.append(
                Dropped("code", f"{_shown(entry['code'])} is not a code of the codebook")
            )
            continue
        kept.append(
            Passage(entry["code"], _clean(entry["quote"]), _clean(entry["reason"], MAX_REASON))
        )
    article: dict[str, None] = {}  # in the order given, each once
    for number, code in enumerate(codes, 1):
        if not isinstance(code, str):
            raise ReplyError(f'"article_codes" entry {number} is {_type(code)}, not a string')
        if code not in known:
            dropped.append(Dropped("code", f"{_shown(code)} is not a code of the codebook"))
        else:
            article[code] = None
    return Reply(tuple(kept), tuple(article), tuple(dropped))
