"""A client of the OpenAI chat-completions protocol (Ollama's /v1, llama.cpp's server, LM
Studio, vLLM, hosted APIs): the only module that speaks HTTP (``httpx``).

One request per article: ``POST {url}/chat/completions`` with the model, the messages, the
temperature (0 by default), a fixed seed (42 by default), optionally ``max_tokens``, and the
strict ``response_format``. The API key, when the backend names an environment variable, is
read from that variable when the client is made and sent as a bearer token: it is never
stored, printed or put in a message (any reason that would quote it shows ``[key]``).

Timeouts, connection errors, 408, 429 and 5xx are retried ``retries`` times (3 by default),
after an exponential backoff with jitter (``backoff`` seconds, doubling, each wait between half
and all of that), or after the wait a ``Retry-After`` header asks for; a server asking for
longer than ``max_wait`` fails the article at once. A reply that is not JSON or breaks the
schema is asked again ``reply_retries`` times (once by default: at temperature 0 the answer
is mostly the same, but a server may sample anyway), then fails the article. 401, 403 and 404
fail it at once and are *fatal*: every article would fail so (a key or a URL to correct).
Every failure is a :class:`RequestFailed` with a one-line reason. A cancel (the event given)
is seen before every try and during every wait.

For a loopback server the environment's proxy settings are ignored (``trust_env=False``): a
proxy would carry the text off the machine; its name is resolved again, and checked, when a
connection is opened (:mod:`.network`). Redirects are never followed. An answer larger than
:data:`MAX_ANSWER_BYTES` is refused. ``timeout`` bounds a request as a whole, from connecting
to the answer's last byte (a server dripping its answer byte by byte times out too).
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import httpx

from annotator import __version__
from annotator.domain.errors import UserError, one_line
from annotator.services.machine.llm.address import Address, Resolver, check_url, system_resolver
from annotator.services.machine.llm.network import Deadline, GuardedBackend, transport
from annotator.services.machine.llm.schema import ReplyError

__all__ = [
    "Answer",
    "Cancelled",
    "ChatClient",
    "Endpoint",
    "RequestFailed",
    "Settings",
]

T = TypeVar("T")
MAX_ANSWER_BYTES = 16 * 1024 * 1024
_RETRIED = {408, 429}


@dataclass(frozen=True)
class Settings:
    """How a backend is asked: sampling, concurrency, patience."""

    temperature: float = 0.0
    seed: int | None = 42
    concurrency: int = 4
    timeout: float = 120.0  # seconds for one request
    retries: int = 3  # tries after the first (timeouts, connection errors, 408, 429, 5xx)
    backoff: float = 1.0  # seconds before the first retry, doubling after each
    max_wait: float = 60.0  # the longest wait a Retry-After is granted
    reply_retries: int = 1  # how often a reply outside the schema is asked again
    max_tokens: int | None = None  # sent only when set

    def __post_init__(self) -> None:
        checks = [
            ("temperature", 0 <= self.temperature <= 2, "between 0 and 2"),
            ("concurrency", 1 <= self.concurrency <= 64, "between 1 and 64"),
            ("timeout", 0 < self.timeout <= 3600, "more than 0 and at most 3600 seconds"),
            ("retries", 0 <= self.retries <= 20, "between 0 and 20"),
            ("backoff", 0 <= self.backoff <= 600, "between 0 and 600 seconds"),
            ("max_wait", 0 <= self.max_wait <= 3600, "between 0 and 3600 seconds"),
            ("reply_retries", 0 <= self.reply_retries <= 5, "between 0 and 5"),
            ("max_tokens", self.max_tokens is None or self.max_tokens >= 1, "at least 1"),
        ]
        for name, ok, rule in checks:
            if not ok:
                raise UserError(f"the setting {name} must be {rule} (not {getattr(self, name)})")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Settings:
        """Settings from a backend's stored JSON; keys of other backends' settings are left
        aside, a value of the wrong type is refused (one line)."""
        kept: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in values:
                continue
            value = values[item.name]
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if item.name in ("seed", "max_tokens") and value is None:
                pass
            elif item.name in ("seed", "concurrency", "retries", "reply_retries", "max_tokens"):
                if not (number and float(value).is_integer()):
                    raise UserError(f"the setting {item.name} must be a whole number")
                value = int(value)
            elif not number:
                raise UserError(f"the setting {item.name} must be a number")
            else:
                value = float(value)
            kept[item.name] = value
        return cls(**kept)


@dataclass(frozen=True)
class Endpoint:
    """Where and what to ask: the server's base URL, the model, the environment variable
    holding the API key (or None), and whether a server off this machine is allowed."""

    url: str
    model: str
    api_key_env: str | None = None
    allow_remote: bool = False


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A reply that passed ``check``: its value, the model and fingerprint the server named,
    the tokens used (over every try that the server answered), and the retries it took."""

    value: T
    model: str | None
    fingerprint: str | None
    tokens: tuple[int, int] | None
    retries: int


class RequestFailed(Exception):
    """One article's request failed for good: ``reason`` is one line; ``fatal`` when every
    request would fail so; ``unreachable`` when the server could not be reached."""

    def __init__(
        self,
        reason: str,
        *,
        retries: int = 0,
        tokens: tuple[int, int] | None = None,
        fatal: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retries = retries
        self.tokens = tokens
        self.fatal = fatal
        self.unreachable = unreachable


class Cancelled(Exception):
    """The run was cancelled before this request was answered."""


@dataclass
class _Outcome:
    """One try: the reply's content, or a reason, and whether to try again."""

    content: str | None = None
    reason: str = ""
    retry: bool = False
    wait: float | None = None  # what Retry-After asked for
    fatal: bool = False
    unreachable: bool = False
    reply_error: bool = False
    model: str | None = None
    fingerprint: str | None = None
    tokens: tuple[int, int] | None = None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _error_text(body: bytes) -> str:
    """What an error answer says: its ``error.message`` (or ``error``, ``detail``), else
    the start of its text."""
    text = body[:4000].decode("utf-8", "replace")
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict):
        error = value.get("error", value.get("detail"))
        if isinstance(error, dict):
            error = error.get("message")
        if isinstance(error, str):
            text = error
    text = one_line(text.strip())
    return text if len(text) <= 200 else text[:199] + "…"


def _tokens(usage: Any) -> tuple[int, int] | None:
    if not isinstance(usage, dict):
        return None
    counts = [usage.get("prompt_tokens"), usage.get("completion_tokens")]
    numbers = [n for n in counts if isinstance(n, int) and not isinstance(n, bool) and n >= 0]
    return (numbers[0], numbers[1]) if len(numbers) == 2 else None


def _add(first: tuple[int, int] | None, second: tuple[int, int] | None) -> tuple[int, int] | None:
    if first is None or second is None:
        return first or second
    return first[0] + second[0], first[1] + second[1]


class ChatClient:
    """Asks one backend, from any number of threads at once (``httpx.Client`` is
    thread-safe). Close it when done."""

    def __init__(
        self,
        endpoint: Endpoint,
        settings: Settings,
        *,
        environ: Mapping[str, str] | None = None,
        cancel: threading.Event | None = None,
        resolve: Resolver | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.settings = settings
        self.address: Address = (
            check_url(endpoint.url, allow_remote=endpoint.allow_remote)
            if resolve is None
            else check_url(endpoint.url, allow_remote=endpoint.allow_remote, resolve=resolve)
        )
        self.cancel = cancel or threading.Event()
        self._key: str | None = None
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": f"annotator/{__version__}",
        }
        if endpoint.api_key_env:
            environment = os.environ if environ is None else environ
            key = environment.get(endpoint.api_key_env, "")
            if not key.strip():
                raise UserError(
                    f"the environment variable {endpoint.api_key_env} is not set; it should hold "
                    f"the API key for {self.address.url}"
                )
            self._key = key.strip()
            headers["Authorization"] = f"Bearer {self._key}"
        timeout = httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout))
        limits = httpx.Limits(
            max_connections=settings.concurrency,
            max_keepalive_connections=settings.concurrency,
        )
        self._deadline = Deadline()
        trust_env = not self.address.loopback
        checked = (resolve or system_resolver) if self.address.loopback else None
        self._http = httpx.Client(
            headers=headers,
            timeout=timeout,
            follow_redirects=False,
            trust_env=trust_env,
            limits=limits,
            transport=transport(
                limits, GuardedBackend(self._deadline, checked), trust_env=trust_env
            ),
        )
        self._random = random.Random()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scrub(self, text: str) -> str:
        """``text`` without the API key (a server may echo what it was sent)."""
        if self._key and self._key in text:
            text = text.replace(self._key, "[key]")
        return text

    def body(self, messages: list[dict[str, str]], response_format: dict[str, Any]) -> bytes:
        """The request's JSON body."""
        settings = self.settings
        request: dict[str, Any] = {
            "model": self.endpoint.model,
            "messages": messages,
            "temperature": settings.temperature,
            "response_format": response_format,
            "stream": False,
        }
        if settings.seed is not None:
            request["seed"] = settings.seed
        if settings.max_tokens is not None:
            request["max_tokens"] = settings.max_tokens
        try:
            return json.dumps(request, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: JSON can still carry it escaped
            return json.dumps(request).encode("ascii")

    def complete(
        self,
        messages: list[dict[str, str]],
        response_format: dict[str, Any],
        check: Callable[[str], T],
    ) -> Answer[T]:
        """Ask for ``messages`` and return the reply ``check`` accepted (it raises
        :class:`ReplyError` for a reply outside the schema); :class:`RequestFailed` when no
        try succeeded, :class:`Cancelled` when cancelled first."""
        body = self.body(messages, response_format)
        settings = self.settings
        tries = invalid = retries = 0
        tokens: tuple[int, int] | None = None
        while True:
            if self.cancel.is_set():
                raise Cancelled()
            tries += 1
            outcome = self._try(body)
            tokens = _add(tokens, outcome.tokens)
            reason = self.scrub(outcome.reason)
            if outcome.content is not None:
                try:
                    value = check(outcome.content)
                except ReplyError as error:
                    outcome.reply_error, reason = True, self.scrub(str(error))
                else:
                    return Answer(value, outcome.model, outcome.fingerprint, tokens, retries)
            if outcome.reply_error:
                if invalid >= settings.reply_retries:
                    raise RequestFailed(reason, retries=retries, tokens=tokens)
                invalid += 1
                retries += 1
                tries -= 1  # a reply outside the schema is not a try of the connection
                continue
            if not outcome.retry:
                raise RequestFailed(reason, retries=retries, tokens=tokens, fatal=outcome.fatal)
            if tries > settings.retries:
                times = "once" if tries == 1 else f"{tries} times"
                raise RequestFailed(
                    f"{reason} (tried {times})",
                    retries=retries,
                    tokens=tokens,
                    unreachable=outcome.unreachable,
                )
            wait = settings.backoff * 2 ** (tries - 1) * self._random.uniform(0.5, 1.0)
            if outcome.wait is not None:
                if outcome.wait > settings.max_wait:
                    raise RequestFailed(
                        f"{reason}; the server asks to wait {outcome.wait:.0f} s, more than "
                        f"the {settings.max_wait:.0f} s allowed (max_wait)",
                        retries=retries,
                        tokens=tokens,
                    )
                wait = max(wait, outcome.wait)
            if self.cancel.wait(wait):
                raise Cancelled()
            retries += 1

    def _try(self, body: bytes) -> _Outcome:
        address = self.address
        started = time.monotonic()
        self._deadline.at = started + self.settings.timeout
        try:
            with self._http.stream("POST", address.chat_url, content=body) as response:
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_ANSWER_BYTES:
                        return _Outcome(
                            reason=f"the answer is larger than {MAX_ANSWER_BYTES // 2**20} MB"
                        )
                status, headers = response.status_code, response.headers
        except httpx.TimeoutException:
            waited = time.monotonic() - started
            return _Outcome(
                reason=f"no answer from {address.host} within {waited:.0f} s", retry=True
            )
        except httpx.ConnectError as error:
            return _Outcome(
                reason=f"cannot connect to {address.url} ({one_line(str(error)) or 'refused'})",
                retry=True,
                unreachable=True,
            )
        except httpx.HTTPError as error:
            name = type(error).__name__
            detail = one_line(str(error))[:200]
            return _Outcome(reason=f"the connection failed ({name}: {detail})", retry=True)
        finally:
            self._deadline.at = None
        if status == 200:
            return self._read(bytes(data))
        said = _error_text(bytes(data))
        reason = f"HTTP {status} from {address.url}" + (f": {said}" if said else "")
        if status in _RETRIED or status >= 500:
            return _Outcome(
                reason=reason, retry=True, wait=_retry_after(headers.get("Retry-After"))
            )
        if status in (401, 403):
            variable = self.endpoint.api_key_env
            hint = (
                f"check the key in {variable}"
                if variable
                else "no API key was sent (--api-key-env)"
            )
            return _Outcome(reason=f"{reason} ({hint})", fatal=True)
        if status == 404:
            return _Outcome(
                reason=f"{reason} (is the URL the server's /v1 address, and is the model "
                f"{self.endpoint.model!r} there?)",
                fatal=True,
            )
        return _Outcome(reason=reason)

    def _read(self, data: bytes) -> _Outcome:
        """A 200 answer: its message's content, model, fingerprint and usage."""
        try:
            value = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            start = data[:40].decode("utf-8", "replace")
            return _Outcome(
                reason=f"the server's answer is not JSON (it begins {start!r})", reply_error=True
            )
        if not isinstance(value, dict):
            return _Outcome(reason="the server's answer is not a chat completion", reply_error=True)
        model = value.get("model") if isinstance(value.get("model"), str) else None
        fingerprint = value.get("system_fingerprint")
        fingerprint = fingerprint if isinstance(fingerprint, str) and fingerprint else None
        found = _Outcome(model=model, fingerprint=fingerprint, tokens=_tokens(value.get("usage")))
        choices = value.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(choice, dict) or not isinstance(message, dict):
            found.reason, found.reply_error = "the server's answer holds no message", True
            return found
        refusal = message.get("refusal")
        if isinstance(refusal, str) and refusal:
            found.reason, found.reply_error = f"the model refused: {one_line(refusal)[:200]}", True
            return found
        if choice.get("finish_reason") == "length":
            found.reason = "the reply was cut off at the token limit (finish_reason: length)"
            found.reply_error = True
            return found
        content = message.get("content")
        if not isinstance(content, str):
            found.reason, found.reply_error = "the server's message has no text content", True
            return found
        found.content = content
        return found
