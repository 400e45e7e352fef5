"""The sockets under the chat-completions client: a deadline for each request as a whole,
and a loopback server's name checked again when it is connected to.

``httpx`` times each read on its own, so a server that sends a byte now and then (slowloris),
in its head or its body, would keep a request waiting for ever. :class:`Deadline` holds, per
thread, the moment the request that thread makes must be answered by; every read, write and
TLS handshake of :class:`GuardedBackend`'s connections waits at most until then, and past it
fails as a timeout.

For a server that must be on this machine, :class:`GuardedBackend` resolves the host again
when it opens a connection and connects only to the loopback addresses it found: a name that
was loopback when the URL was checked but resolves elsewhere now (DNS rebinding) is refused,
and the address connected to is the one checked, not a third answer of the resolver.
"""

from __future__ import annotations

import ssl
import threading
import time
import typing

import httpcore
import httpx

from annotator.services.machine.llm.address import Resolver, loopback_addresses

__all__ = ["Deadline", "GuardedBackend", "transport"]


class Deadline(threading.local):
    """When the current thread's request must be answered by (``time.monotonic``), or None."""

    at: float | None = None

    def left(self, timeout: float | None, error: type[Exception]) -> float | None:
        """``timeout`` cut to the time left; ``error`` when none is left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("the request's time is up")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A connection whose every wait ends at the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, wait), self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Connections with the deadline; with ``resolve`` (a loopback-only server), only to the
    host's loopback addresses as resolved now."""

    def __init__(self, deadline: Deadline, resolve: Resolver | None = None) -> None:
        self._deadline = deadline
        self._resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        targets = [host]
        if self._resolve is not None:
            found, addresses = loopback_addresses(host, self._resolve)
            if not found:
                shown = ", ".join(addresses[:3]) or "no address"
                raise httpcore.ConnectError(
                    f"{host} now resolves to {shown}, not this machine; nothing was sent"
                )
            targets = found
        error: Exception | None = None
        for target in targets:  # as socket.create_connection tries each address in turn
            wait = self._deadline.left(timeout, httpcore.ConnectTimeout)
            try:
                stream = super().connect_tcp(target, port, wait, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as failed:
                error = failed
                continue
            return _Stream(stream, self._deadline)
        assert error is not None
        raise error


def transport(
    limits: httpx.Limits, backend: GuardedBackend, *, trust_env: bool
) -> httpx.HTTPTransport:
    """An ``httpx`` transport whose connections ``backend`` opens."""
    made = httpx.HTTPTransport(limits=limits, trust_env=trust_env)
    made._pool.close()
    made._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=trust_env),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=backend,
    )
    return made
