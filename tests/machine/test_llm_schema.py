"""The response format built from the codebook and the strict check of a reply."""

from __future__ import annotations

import json
from typing import Any

import pytest

from annotator.services.machine.llm.schema import (
    MAX_REASON,
    Passage,
    ReplyError,
    read_reply,
    response_format,
)

PATHS = ["Motive > Political", "Motive > Subsistence", "Actor > Worker"]


def reply(passages: Any = (), article_codes: Any = (), **extra: Any) -> str:
    value = {"passages": list(passages), "article_codes": list(article_codes), **extra}
    return json.dumps(value)


def test_the_format_is_strict_json_schema_of_the_code_paths() -> None:
    fmt = response_format(PATHS)
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"]
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["passages", "article_codes"]
    item = schema["properties"]["passages"]["items"]
    assert item["additionalProperties"] is False
    assert item["required"] == ["code", "quote", "reason"]
    assert item["properties"]["code"]["enum"] == PATHS
    assert schema["properties"]["article_codes"]["items"]["enum"] == PATHS
    assert set(item["properties"]) == {"code", "quote", "reason"}


def test_a_good_reply_is_read() -> None:
    text = reply(
        [
            {"code": "Motive > Political", "quote": "He feared the purge.", "reason": "Fear."},
            {"code": "Actor > Worker", "quote": "a logger", "reason": "Works abroad."},
        ],
        ["Motive > Political", "Motive > Political", "Actor > Worker"],
    )
    read = read_reply(text, PATHS)
    assert read.passages == (
        Passage("Motive > Political", "He feared the purge.", "Fear."),
        Passage("Actor > Worker", "a logger", "Works abroad."),
    )
    assert read.article_codes == ("Motive > Political", "Actor > Worker")
    assert read.dropped == ()


def test_codes_not_in_the_codebook_are_dropped_and_counted_never_matched() -> None:
    text = reply(
        [
            {"code": "motive > political", "quote": "q", "reason": "r"},  # case differs
            {"code": "Political", "quote": "q", "reason": "r"},  # part of a path
            {"code": "Motive > Political", "quote": "q", "reason": "r"},
        ],
        ["Motive", "Actor > Worker"],  # a dimension is not a code
    )
    read = read_reply(text, PATHS)
    assert [p.code for p in read.passages] == ["Motive > Political"]
    assert read.article_codes == ("Actor > Worker",)
    assert [d.kind for d in read.dropped] == ["code", "code", "code"]
    assert "'motive > political' is not a code of the codebook" in read.dropped[0].reason


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("Sure! Here are the codes: Motive > Political", "the reply is not JSON"),
        ("", "the reply is not JSON"),
        ("```json\n{}\n```", "the reply is not JSON"),
        ("[]", "the reply is an array, not an object"),
        ("null", "the reply is null, not an object"),
        ('{"passages": []}', "the reply lacks 'article_codes'"),
        ('{"passages": [], "article_codes": [], "note": 1}', "keys outside the schema: 'note'"),
        ('{"passages": {}, "article_codes": []}', '"passages" is an object, not an array'),
        ('{"passages": [], "article_codes": "Actor > Worker"}', "is a string, not an array"),
        ('{"passages": ["x"], "article_codes": []}', "passage 1 is a string, not an object"),
        (
            '{"passages": [{"code": "Actor > Worker", "quote": "q"}], "article_codes": []}',
            "passage 1 lacks 'reason'",
        ),
        (
            '{"passages": [{"code": "Actor > Worker", "quote": 3, "reason": ""}], '
            '"article_codes": []}',
            'passage 1: "quote" is a number, not a string',
        ),
        (
            '{"passages": [{"code": "Actor > Worker", "quote": "q", "reason": "r", "score": 1}],'
            ' "article_codes": []}',
            "passage 1 has keys outside the schema: 'score'",
        ),
        ('{"passages": [], "article_codes": [true]}', "entry 1 is a boolean, not a string"),
        ("[" * 100000, "nested too deeply"),
    ],
)
def test_a_reply_outside_the_schema_fails_with_one_line(content: str, words: str) -> None:
    with pytest.raises(ReplyError) as caught:
        read_reply(content, PATHS)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_what_a_reply_says_is_made_fit_to_store() -> None:
    text = json.dumps(
        {
            "passages": [
                {"code": "Actor > Worker", "quote": "a \ud800 b", "reason": "x" * 5000},
            ],
            "article_codes": [],
        }
    )
    read = read_reply(text, PATHS)
    passage = read.passages[0]
    assert passage.quote == "a \ufffd b"
    assert len(passage.reason) == MAX_REASON
    passage.reason.encode("utf-8")  # storable


def test_an_empty_reply_codes_nothing() -> None:
    read = read_reply(reply(), PATHS)
    assert read.passages == ()
    assert read.article_codes == ()
    assert read.dropped == ()
