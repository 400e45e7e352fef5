"""The chat-completions client against the loopback test server: what it sends, what it
reads, and how it retries and fails."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from annotator.domain.errors import UserError
from annotator.services.machine.llm import client as client_module
from annotator.services.machine.llm.client import (
    Cancelled,
    ChatClient,
    Endpoint,
    RequestFailed,
    Settings,
    _retry_after,
)
from annotator.services.machine.llm.schema import ReplyError, read_reply, response_format
from tests.machine.llm_server import (
    LLMServer,
    answer,
    closed_port,
    content,
    hang_up,
    raw,
    slow,
    status,
)

PATHS = ["Motive > Political", "Actor > Worker"]
FORMAT = response_format(PATHS)
KEY = "sk-test-0123456789abcdef"


def messages(article: str) -> list[dict[str, str]]:
    tag = "0123456789abcdef"
    user = f"Code this article.\n\n<<<ARTICLE {tag}\n{article}\n{tag} ARTICLE>>>"
    return [{"role": "system", "content": "Code."}, {"role": "user", "content": user}]


def check(text: str):  # type: ignore[no-untyped-def]
    return read_reply(text, PATHS)


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as running:
        yield running


def make(server: LLMServer, **settings: object) -> ChatClient:
    values = {"backoff": 0.01, "timeout": 5.0, **settings}
    return ChatClient(
        Endpoint(server.url, "llama3.1:8b"),
        Settings(**values),  # type: ignore[arg-type]
    )


def test_a_request_carries_the_model_settings_and_schema(server: LLMServer) -> None:
    server.script("alpha", answer([("Actor > Worker", "a logger")], ["Motive > Political"]))
    with make(server, temperature=0.0, seed=7, max_tokens=900) as client:
        got = client.complete(messages("alpha text"), FORMAT, check)
    assert got.value.passages[0].quote == "a logger"
    assert got.value.article_codes == ("Motive > Political",)
    assert (got.model, got.fingerprint, got.tokens, got.retries) == (
        "test-model:7b",
        "fp_test_1",
        (120, 30),
        0,
    )
    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.article == "alpha text"
    body = request.body
    assert body["model"] == "llama3.1:8b"
    assert body["temperature"] == 0.0
    assert body["seed"] == 7
    assert body["max_tokens"] == 900
    assert body["response_format"] == FORMAT
    assert body["stream"] is False
    assert "authorization" not in {k.lower() for k in request.headers}


def test_the_defaults_are_temperature_zero_and_a_fixed_seed(server: LLMServer) -> None:
    with ChatClient(Endpoint(server.url, "m"), Settings()) as client:
        client.complete(messages("x"), FORMAT, check)
    body = server.requests[0].body
    assert (body["temperature"], body["seed"]) == (0.0, 42)
    assert "max_tokens" not in body
    assert Settings().concurrency == 4


def test_the_key_comes_from_the_named_variable_and_is_never_shown(server: LLMServer) -> None:
    server.script("echo", status(401, f"invalid key {KEY}"))
    endpoint = Endpoint(server.url, "m", api_key_env="MY_LLM_KEY")
    with ChatClient(endpoint, Settings(), environ={"MY_LLM_KEY": KEY}) as client:
        client.complete(messages("fine"), FORMAT, check)
        with pytest.raises(RequestFailed) as caught:
            client.complete(messages("echo"), FORMAT, check)
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    failure = caught.value
    assert failure.fatal
    assert KEY not in failure.reason
    assert KEY not in str(failure)
    assert "[key]" in failure.reason
    assert "MY_LLM_KEY" in failure.reason
    with pytest.raises(UserError, match="environment variable MY_LLM_KEY is not set") as missing:
        ChatClient(endpoint, Settings(), environ={})
    assert KEY not in str(missing.value)


def test_a_remote_server_needs_consent() -> None:
    with pytest.raises(UserError, match="--allow-remote"):
        ChatClient(Endpoint("http://192.0.2.1/v1", "m"), Settings())
    remote = ChatClient(Endpoint("http://192.0.2.1/v1", "m", allow_remote=True), Settings())
    assert not remote.address.loopback
    remote.close()


def test_429_is_retried_after_the_wait_retry_after_asks(server: LLMServer) -> None:
    server.script("busy", status(429, "slow down", retry_after="0.4"), answer())
    with make(server) as client:
        started = time.monotonic()
        got = client.complete(messages("busy"), FORMAT, check)
    assert time.monotonic() - started >= 0.4
    assert got.retries == 1
    assert len(server.requests_for("busy")) == 2


def test_a_retry_after_longer_than_allowed_fails_at_once(server: LLMServer) -> None:
    server.script("busy", status(429, "quota", retry_after="3600"))
    with make(server, max_wait=30) as client, pytest.raises(RequestFailed) as caught:
        client.complete(messages("busy"), FORMAT, check)
    assert "asks to wait 3600 s" in caught.value.reason
    assert "HTTP 429" in caught.value.reason
    assert len(server.requests_for("busy")) == 1


def test_retry_after_as_a_date() -> None:
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= (_retry_after(format_datetime(later, usegmt=True)) or 0) <= 31
    assert _retry_after("soon") is None
    assert _retry_after(None) is None
    assert _retry_after("-3") == 0.0


def test_500_then_ok_is_retried(server: LLMServer) -> None:
    server.script("flaky", status(500), status(503), answer([("Actor > Worker", "x")]))
    with make(server) as client:
        got = client.complete(messages("flaky x"), FORMAT, check)
    assert got.retries == 2
    assert len(got.value.passages) == 1


def test_5xx_every_time_fails_after_the_retries(server: LLMServer) -> None:
    server.script("broken", status(502, "bad gateway"))
    with make(server, retries=2) as client, pytest.raises(RequestFailed) as caught:
        client.complete(messages("broken"), FORMAT, check)
    assert caught.value.reason == (f"HTTP 502 from {server.url}: bad gateway (tried 3 times)")
    assert caught.value.retries == 2
    assert not caught.value.fatal
    assert len(server.requests_for("broken")) == 3


def test_a_slow_server_times_out_and_is_retried(server: LLMServer) -> None:
    server.script("slow", slow(1.0), answer())
    with make(server, timeout=0.3) as client:
        got = client.complete(messages("slow"), FORMAT, check)
    assert got.retries == 1
    server.script("sluggish", slow(1.0))
    with make(server, timeout=0.3, retries=1) as client, pytest.raises(RequestFailed) as caught:
        client.complete(messages("sluggish"), FORMAT, check)
    assert "no answer from 127.0.0.1 within" in caught.value.reason
    assert "(tried 2 times)" in caught.value.reason


def test_a_server_that_is_down_is_unreachable() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    client = ChatClient(Endpoint(url, "m"), Settings(backoff=0.01, retries=1))
    with client, pytest.raises(RequestFailed) as caught:
        client.complete(messages("x"), FORMAT, check)
    assert caught.value.unreachable
    assert caught.value.reason.startswith(f"cannot connect to {url}")
    assert "\n" not in caught.value.reason


def test_a_dropped_connection_is_retried(server: LLMServer) -> None:
    server.script("drop", hang_up(), answer())
    with make(server) as client:
        assert client.complete(messages("drop"), FORMAT, check).retries == 1


def test_a_reply_outside_the_schema_is_asked_once_more_then_fails(server: LLMServer) -> None:
    server.script("prose", content("I think the motive is political."))
    with make(server) as client, pytest.raises(RequestFailed) as caught:
        client.complete(messages("prose"), FORMAT, check)
    assert caught.value.reason.startswith("the reply is not JSON")
    assert caught.value.tokens == (240, 60)  # both replies' tokens count
    assert len(server.requests_for("prose")) == 2
    server.script("once", content('{"passages": 1}'), answer())
    with make(server) as client:
        assert client.complete(messages("once"), FORMAT, check).retries == 1
    server.script("never", content("[]"))
    with make(server, reply_retries=0) as client, pytest.raises(RequestFailed) as caught:
        client.complete(messages("never"), FORMAT, check)
    assert caught.value.reason == "the reply is an array, not an object"
    assert len(server.requests_for("never")) == 1


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (raw(b"<html>oops</html>"), "the server's answer is not JSON"),
        (raw(b'{"object": "list"}'), "the server's answer holds no message"),
        (raw(b"[1]"), "the server's answer is not a chat completion"),
        (content("", refusal="I cannot help with that."), "the model refused: I cannot help"),
        (content('{"passages": [', finish_reason="length"), "cut off at the token limit"),
    ],
)
def test_answers_that_are_no_reply_fail(server: LLMServer, reply, words: str) -> None:  # type: ignore[no-untyped-def]
    server.script("odd", reply)
    with make(server, reply_retries=0) as client, pytest.raises(RequestFailed) as caught:
        client.complete(messages("odd"), FORMAT, check)
    assert words in caught.value.reason


@pytest.mark.parametrize(("code", "fatal"), [(400, False), (401, True), (403, True), (404, True)])
def test_client_errors_are_not_retried(server: LLMServer, code: int, fatal: bool) -> None:
    server.script("no", status(code, "nope"))
    with make(server) as client, pytest.raises(RequestFailed) as caught:
        client.complete(messages("no"), FORMAT, check)
    assert caught.value.fatal is fatal
    assert f"HTTP {code}" in caught.value.reason
    assert len(server.requests_for("no")) == 1


def test_an_oversized_answer_is_refused(server: LLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "MAX_ANSWER_BYTES", 1000)
    server.script(
        "big", content(json.dumps({"passages": [], "article_codes": [], "x": "y" * 5000}))
    )
    with make(server, retries=0) as client, pytest.raises(RequestFailed, match="larger than"):
        client.complete(messages("big"), FORMAT, check)


def test_a_cancel_is_seen_before_a_try_and_during_a_wait(server: LLMServer) -> None:
    cancel = threading.Event()
    cancel.set()
    client = ChatClient(Endpoint(server.url, "m"), Settings(), cancel=cancel)
    with client, pytest.raises(Cancelled):
        client.complete(messages("x"), FORMAT, check)
    assert server.count == 0
    server.script("wait", status(429, retry_after="30"))
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with ChatClient(Endpoint(server.url, "m"), Settings(), cancel=cancel) as client:
        started = time.monotonic()
        with pytest.raises(Cancelled):
            client.complete(messages("wait"), FORMAT, check)
    assert time.monotonic() - started < 5


def test_proxy_settings_are_ignored_for_a_loopback_server(
    server: LLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{closed_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with make(server, retries=0) as client:
        client.complete(messages("x"), FORMAT, check)
    assert server.count == 1


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"temperature": 3}, "temperature must be between 0 and 2"),
        ({"concurrency": 0}, "concurrency must be between 1 and 64"),
        ({"timeout": 0}, "timeout must be more than 0"),
        ({"retries": -1}, "retries must be between 0 and 20"),
    ],
)
def test_settings_out_of_range_are_refused(values: dict[str, float], words: str) -> None:
    with pytest.raises(UserError, match=words):
        Settings(**values)  # type: ignore[arg-type]


def test_settings_read_from_stored_json() -> None:
    settings = Settings.from_dict({"temperature": 0.5, "seed": None, "concurrency": 8.0, "x": 1})
    assert (settings.temperature, settings.seed, settings.concurrency) == (0.5, None, 8)
    assert Settings.from_dict(Settings(seed=3).as_dict()) == Settings(seed=3)
    with pytest.raises(UserError, match="concurrency must be a whole number"):
        Settings.from_dict({"concurrency": 2.5})
    with pytest.raises(UserError, match="temperature must be a number"):
        Settings.from_dict({"temperature": "hot"})


def test_check_raising_reply_error_is_the_only_way_a_reply_is_refused(server: LLMServer) -> None:
    def refuse(text: str) -> None:
        raise ReplyError("no thanks")

    with make(server, reply_retries=0) as client, pytest.raises(RequestFailed, match="no thanks"):
        client.complete(messages("x"), FORMAT, refuse)


@pytest.fixture
def dripping() -> Iterator[dict[str, object]]:
    """A server that answers one byte at a time, a byte every 0.2 s, for ever (slowloris):
    ``mode`` ``head`` drips the status line and headers, ``body`` sends the head at once and
    drips the body."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    state: dict[str, object] = {"mode": "body", "port": listener.getsockname()[1]}
    stop = threading.Event()

    def answer_slowly(connection: socket.socket) -> None:
        with connection:
            connection.recv(1 << 20)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            try:
                if state["mode"] == "body":
                    connection.sendall(head + b"Content-Length: 1000000\r\n\r\n")
                    drip = b" " * 1000000
                else:
                    drip = head + b"X-Slow: " + b"a" * 1000000
                for byte in drip:
                    if stop.wait(0.2):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer_slowly, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield state
    stop.set()
    listener.close()


@pytest.mark.parametrize("mode", ["head", "body"])
def test_a_server_dripping_its_answer_times_out_at_the_timeout(
    dripping: dict[str, object], mode: str
) -> None:
    dripping["mode"] = mode
    settings = Settings(timeout=1.0, retries=0, backoff=0.01)
    started = time.monotonic()
    endpoint = Endpoint(f"http://127.0.0.1:{dripping['port']}/v1", "m")
    with (
        ChatClient(endpoint, settings) as client,
        pytest.raises(RequestFailed, match=r"no answer from 127\.0\.0\.1 within"),
    ):
        client.complete(messages("x"), FORMAT, check)
    assert time.monotonic() - started < 4


def test_a_loopback_name_is_resolved_again_when_connecting(server: LLMServer) -> None:
    """A name that was loopback when checked but resolves elsewhere when the request is made
    (DNS rebinding) is not connected to."""
    answers = iter([["127.0.0.1"], ["10.255.255.1"]])
    last: list[list[str]] = []

    def resolve(host: str) -> list[str]:
        assert host == "localhost"
        last[:] = [next(answers, last[0] if last else [])]
        return last[0]

    url = server.url.replace("127.0.0.1", "localhost")
    settings = Settings(retries=0, timeout=2.0)
    with (
        ChatClient(Endpoint(url, "m"), settings, resolve=resolve) as client,
        pytest.raises(RequestFailed, match="not this machine"),
    ):
        client.complete(messages("x"), FORMAT, check)
    assert server.count == 0
