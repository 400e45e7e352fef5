"""A chat-completions server on loopback for the tests: no model, scripted answers.

:class:`LLMServer` listens on 127.0.0.1 (port 0: the system picks one) in a thread and answers
``POST …/chat/completions``. It reads the article out of the user message (the text between
the ``<<<ARTICLE <tag>`` and ``<tag> ARTICLE>>>`` lines) and answers with the replies scripted
for the first needle the article holds (:meth:`LLMServer.script`; one reply per request, the
last one repeated), else with ``default(article)`` (by default an empty coding, at once: the
"instant" server of the benchmark). It fails on demand: :func:`status` (429 with Retry-After,
500 …), :func:`content` (any text as the model's answer: not JSON, JSON outside the schema),
:func:`raw` (a body that is no chat completion), ``delay`` (slow: a client's timeout),
``hang_up`` (the connection closed without an answer). Stopped, it refuses connections (a
server that is down). It counts and keeps every request (body and headers).
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ARTICLE = re.compile(r"\n<<<ARTICLE (\w+)\n(.*)\n\1 ARTICLE>>>\Z", re.DOTALL)


@dataclass
class Reply:
    """One answer: a status, headers and a body, after ``delay`` seconds; ``hang_up`` closes
    the connection instead of answering."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang_up: bool = False


def completion(
    text: str,
    *,
    model: str = "test-model:7b",
    fingerprint: str | None = "fp_test_1",
    usage: tuple[int, int] | None = (120, 30),
    finish_reason: str = "stop",
    refusal: str | None = None,
) -> dict[str, Any]:
    """A chat completion whose message says ``text``."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if refusal is not None:
        message = {"role": "assistant", "content": None, "refusal": refusal}
    answer: dict[str, Any] = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
    }
    if fingerprint is not None:
        answer["system_fingerprint"] = fingerprint
    if usage is not None:
        answer["usage"] = {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": sum(usage),
        }
    return answer


def content(text: str, *, delay: float = 0.0, **options: Any) -> Reply:
    """The model answers ``text`` (any text: valid, not JSON, outside the schema)."""
    body = json.dumps(completion(text, **options)).encode("utf-8")
    return Reply(body=body, headers={"Content-Type": "application/json"}, delay=delay)


def answer(
    passages: Iterable[tuple[str, str, str] | tuple[str, str]] = (),
    article_codes: Iterable[str] = (),
    **options: Any,
) -> Reply:
    """The model answers these passages ((code, quote[, reason])) and article codes."""
    entries = [
        {"code": p[0], "quote": p[1], "reason": p[2] if len(p) > 2 else "It says so."}
        for p in passages
    ]
    text = json.dumps({"passages": entries, "article_codes": list(article_codes)})
    return content(text, **options)


def status(code: int, message: str = "", *, retry_after: str | None = None) -> Reply:
    """An error answer (429, 500, 401 …) with an OpenAI-style error body."""
    headers = {"Content-Type": "application/json"}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    body = json.dumps({"error": {"message": message or f"error {code}"}}).encode()
    return Reply(status=code, body=body, headers=headers)


def raw(body: bytes, code: int = 200) -> Reply:
    """Any body at all."""
    return Reply(status=code, body=body, headers={"Content-Type": "application/json"})


def hang_up() -> Reply:
    return Reply(hang_up=True)


def slow(seconds: float, then: Reply | None = None) -> Reply:
    """``then`` (an empty answer by default) after ``seconds``."""
    reply = then or answer()
    return Reply(reply.status, reply.body, reply.headers, seconds)


@dataclass
class Request:
    """A request the server received: its path, headers, JSON body and the article in it."""

    path: str
    headers: dict[str, str]
    body: Any
    article: str | None


class LLMServer:
    """The server; use it as a context manager (started on entry, stopped on exit)."""

    def __init__(self, default: Callable[[str], Reply] | None = None, *, keep: bool = True):
        self.default = default or (lambda article: answer())
        self.keep = keep  # keep every request (the benchmark only counts them)
        self.requests: list[Request] = []
        self.count = 0
        self._scripts: list[tuple[str, deque[Reply]]] = []
        self._lock = threading.Lock()
        self._counted = threading.Condition(self._lock)  # notified at every request
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        #: Set when the server stops: a scripted delay under way ends then, not later.
        self._stopping = threading.Event()
        self.port = 0

    # -- scripting -------------------------------------------------------------------------

    def script(self, needle: str, *replies: Reply, first: bool = False) -> None:
        """Answer an article holding ``needle`` with ``replies`` in turn (the last repeated);
        ``first``: before the needles scripted so far."""
        with self._lock:
            self._scripts.insert(0 if first else len(self._scripts), (needle, deque(replies)))

    def forget(self) -> None:
        """Drop every script: all articles get the default answer."""
        with self._lock:
            self._scripts.clear()

    def wait_for_requests(self, count: int, timeout: float = 30) -> bool:
        """Until the server has had ``count`` requests (False: not within ``timeout``)."""
        with self._counted:
            return self._counted.wait_for(lambda: self.count >= count, timeout)

    def requests_for(self, needle: str) -> list[Request]:
        return [r for r in self.requests if r.article is not None and needle in r.article]

    def _reply(self, article: str | None) -> Reply:
        with self._lock:
            for needle, replies in self._scripts:
                if article is not None and needle in article:
                    return replies.popleft() if len(replies) > 1 else replies[0]
        if article is None:
            return status(400, "no article between the markers")
        return self.default(article)

    # -- serving ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LLMServer:
        owner = self
        self._stopping.clear()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The head and body of an answer in one segment, sent at once (without these,
            # Nagle's algorithm and delayed acknowledgements hold each answer some 40 ms).
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if not self.path.endswith("/chat/completions"):
                    self._send(status(404, f"no route {self.path}"))
                    return
                try:
                    body = json.loads(data)
                    user = [m for m in body["messages"] if m["role"] == "user"][-1]["content"]
                    found = _ARTICLE.search(user)
                    article = found.group(2) if found else None
                except (ValueError, KeyError, IndexError, TypeError):
                    body, article = None, None
                with owner._lock:
                    owner.count += 1
                    owner._counted.notify_all()
                    if owner.keep:
                        owner.requests.append(
                            Request(self.path, dict(self.headers.items()), body, article)
                        )
                reply = owner._reply(article) if body is not None else status(400, "bad JSON")
                if reply.delay and owner._stopping.wait(reply.delay):
                    return  # the server stopped during the answer's scripted latency
                if reply.hang_up:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that went away (a timeout in a test) is no failure

        self._server = Server(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: connections to the port are refused from now on."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> LLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def closed_port() -> int:
    """A loopback port nothing listens on (a server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def instant(code: str) -> Callable[[str], Reply]:
    """An instant answer for any article: its first sentence (up to the first full stop, at
    most 200 characters) as a passage of ``code``, and ``code`` for the whole article."""

    def reply(article: str) -> Reply:
        first = article.split(".", 1)[0][:200].strip()
        passages = [(code, first, "The first sentence says so.")] if first else []
        return answer(passages, [code])

    return reply


def main() -> None:
    """Serve in a process of its own (the benchmark's server, so that its work does not share
    the coder's interpreter): ``llm_server.py CODE`` prints the URL, then answers every
    article at once (:func:`instant`) until its standard input closes."""
    import sys

    with LLMServer(instant(sys.argv[1]), keep=False) as server:
        print(server.url, flush=True)
        sys.stdin.read()
        print(server.count, flush=True)


if __name__ == "__main__":
    main()
