"""Where a language model's server may be: loopback unless remote is allowed."""

from __future__ import annotations

import pytest

from annotator.domain.errors import UserError
from annotator.services.machine.llm.address import check_url, is_loopback_host


def resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    return lambda host: table.get(host, [])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:11434/v1",
        "http://127.8.9.10:8080/v1",
        "http://[::1]:1234/v1/",
        "https://[::ffff:127.0.0.1]/v1",
        "HTTP://LOCALHOST:11434/v1",
    ],
)
def test_loopback_urls_are_accepted(url: str) -> None:
    address = check_url(url, allow_remote=False, resolve=resolver({"localhost": ["127.0.0.1"]}))
    assert address.loopback
    assert not address.url.endswith("/")
    assert address.chat_url == address.url + "/chat/completions"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://10.0.0.5:11434/v1", "10.0.0.5 is not this machine"),
        ("http://0.0.0.0:11434/v1", "0.0.0.0 is not this machine"),
        ("https://api.example.com/v1", "api.example.com is not this machine"),
        ("http://sneaky.test/v1", "sneaky.test is not this machine"),  # resolves to both
        ("http://nowhere.invalid/v1", "nowhere.invalid is not this machine"),  # resolves not
        ("http://[::ffff:8.8.8.8]/v1", "is not this machine"),
    ],
)
def test_remote_urls_are_refused_without_consent(url: str, words: str) -> None:
    table = {"api.example.com": ["93.184.216.34"], "sneaky.test": ["127.0.0.1", "192.0.2.7"]}
    with pytest.raises(UserError, match="--allow-remote") as caught:
        check_url(url, allow_remote=False, resolve=resolver(table))
    assert words in str(caught.value)
    allowed = check_url(url, allow_remote=True, resolve=resolver(table))
    assert not allowed.loopback


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("ftp://127.0.0.1/v1", "must start with http:// or https://"),
        ("127.0.0.1:11434/v1", "must start with http:// or https://"),
        ("http:///v1", "names no host"),
        ("http://user:secret@127.0.0.1/v1", "environment variable"),
        ("http://127.0.0.1/v1?key=abc", "without ? or #"),
        ("http://127.0.0.1:99999/v1", "is not a URL"),
    ],
)
def test_urls_that_cannot_be_a_server_are_refused(url: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        check_url(url, allow_remote=True, resolve=resolver({}))
    message = str(caught.value)
    assert words in message
    assert "\n" not in message
    assert "secret" not in message  # a password typed into the URL is not shown back


def test_a_name_is_loopback_only_when_all_its_addresses_are() -> None:
    table = {"a": ["127.0.0.1", "::1"], "b": ["127.0.0.1", "10.1.1.1"], "c": []}
    assert is_loopback_host("a", resolver(table))
    assert not is_loopback_host("b", resolver(table))
    assert not is_loopback_host("c", resolver(table))


def test_the_real_resolver_finds_localhost_on_this_machine() -> None:
    assert is_loopback_host("localhost")
    assert check_url("http://localhost:1/v1", allow_remote=False).loopback
