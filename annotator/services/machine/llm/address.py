"""Where a language model's server may be: this machine (loopback) unless the user allowed
a remote one.

The articles a machine codes are sent to its server. By default that server must be on this
machine: the URL's host is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x) or a name that
resolves to loopback addresses only ("localhost"). A name that resolves to any other address,
or to none, is remote; so is 0.0.0.0. A remote URL is refused unless ``allow_remote`` is given
(``machine add --allow-remote``, which the project records as consent).

Only ``http`` and ``https`` are spoken; ``file:`` and every other scheme are refused, and so is
a URL that carries a user name or password (a key belongs in an environment variable, never in
the project), a query or a fragment. The URL is the server's base, such as
``http://127.0.0.1:11434/v1``: requests go to ``{url}/chat/completions``.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from annotator.domain.errors import UserError

__all__ = [
    "Address",
    "check_url",
    "is_loopback_host",
    "loopback_addresses",
    "system_resolver",
]

#: ``socket.getaddrinfo``'s shape: the addresses a host name resolves to (the tests pass their
#: own resolver).
Resolver = Callable[[str], list[str]]


def _resolve(host: str) -> list[str]:
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]) for info in found]


#: The system's resolver (what connections use unless a test gives its own).
system_resolver: Resolver = _resolve


def _loopback_ip(text: str) -> bool | None:
    """Whether ``text`` (an IP address) is loopback; None when it is not an IP address."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # a zone (fe80::1%eth0) aside
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def is_loopback_host(host: str, resolve: Resolver = _resolve) -> bool:
    """Whether ``host`` is this machine: a loopback address, or a name every address of which
    is one (a name that does not resolve is not)."""
    literal = _loopback_ip(host)
    if literal is not None:
        return literal
    addresses = resolve(host)
    return bool(addresses) and all(_loopback_ip(address) for address in addresses)


def loopback_addresses(host: str, resolve: Resolver = _resolve) -> tuple[list[str], list[str]]:
    """The addresses to connect to for ``host`` when it must be this machine, and every
    address it resolved to: the first list is empty unless all of them are loopback."""
    literal = _loopback_ip(host)
    if literal is not None:
        return ([host] if literal else []), [host]
    addresses = list(dict.fromkeys(resolve(host)))
    loopback = bool(addresses) and all(_loopback_ip(address) for address in addresses)
    return (addresses if loopback else []), addresses


@dataclass(frozen=True)
class Address:
    """A checked server URL: ``url`` without a trailing slash, its host, and whether that
    host is this machine."""

    url: str
    host: str
    loopback: bool

    @property
    def chat_url(self) -> str:
        return f"{self.url}/chat/completions"


def check_url(url: str, *, allow_remote: bool, resolve: Resolver = _resolve) -> Address:
    """``url`` as a server address, or a one-line :class:`UserError` saying why it cannot be
    one: not http(s), no host, credentials, query or fragment in it, or not on this machine
    while ``allow_remote`` is false."""
    text = url.strip()
    shown = text if len(text) <= 200 else text[:199] + "…"
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - reading it checks the port
    except ValueError as error:
        raise UserError(f"{shown!r} is not a URL ({error})") from None
    if parts.scheme.lower() not in ("http", "https"):
        scheme = parts.scheme or "no scheme"
        raise UserError(
            f"{shown!r}: the server's URL must start with http:// or https:// (not {scheme})"
        )
    if not host:
        raise UserError(f"{shown!r}: the URL names no host")
    if parts.username is not None or parts.password is not None:
        bare = urllib.parse.urlunsplit(
            (parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", "")
        )
        raise UserError(
            f"{bare!r}: a URL with a user name or password would be stored in the project; "
            "give the API key in an environment variable (--api-key-env) instead"
        )
    if parts.query or parts.fragment:
        raise UserError(
            f"{shown!r}: the URL is the server's base address (such as "
            "http://127.0.0.1:11434/v1), without ? or #"
        )
    loopback = is_loopback_host(host, resolve)
    if not loopback and not allow_remote:
        raise UserError(
            f"{shown!r}: {host} is not this machine, so the articles would leave it; use a "
            "loopback address (127.0.0.1, ::1, localhost) or allow it with --allow-remote"
        )
    base = urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, "", ""))
    return Address(base.rstrip("/"), host, loopback)
