"""Machines as coders: adding one (a backend row and a coder of kind ``machine`` of the same
name, in one transaction), finding one by name, and the coders that code a run's replicates.

A language model's URL must be a loopback address (this computer) unless ``allow_remote``
is given: then the project records who allowed it, when, and for which URL. An API key is
never stored: only the name of the environment variable holding it.
"""

from __future__ import annotations

import getpass
import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from annotator.domain.codebook import check_name
from annotator.domain.errors import UserError
from annotator.domain.model import Coder, utc_now
from annotator.services.coders import refuse_consensus_name
from annotator.storage import Project
from annotator.storage.machine import BACKEND_KINDS, Backend

#: What a language model's run uses unless its settings say otherwise: deterministic output
#: (temperature 0, a fixed seed), four requests in flight, a request's timeout in seconds
#: and how many times a timeout, 429 or 5xx is retried.
LLM_DEFAULTS: dict[str, Any] = {
    "temperature": 0,
    "seed": 42,
    "concurrency": 4,
    "timeout": 120,
    "retries": 3,
}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


def is_loopback(url: str) -> bool:
    """Whether ``url``'s host is this computer: ``localhost`` or a loopback address (a name
    is not looked up: one that merely resolves to 127.0.0.1 counts as remote)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, allow_remote: bool) -> str:
    """A chat-completions base URL (``http://127.0.0.1:11434/v1``): http or https with a host;
    a non-loopback host only with ``allow_remote``. One-line refusals otherwise."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        _port = parts.port  # a port that is not a number is refused here
    except ValueError as error:
        raise UserError(f"--url '{url}' is not a URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"--url '{url}' must be an http:// or https:// address with a host")
    if parts.username or parts.password:
        raise UserError(
            f"--url '{url}' holds a user name or password: give the key with --api-key-env"
        )
    if not allow_remote and not is_loopback(url):
        raise UserError(
            f"--url '{url}' is not on this computer: the articles would be sent to "
            f"{parts.hostname}; give --allow-remote to allow it (the project records it)"
        )
    return url


def add_machine(
    project: Project,
    name: str,
    kind: str,
    *,
    url: str = "",
    model: str = "",
    api_key_env: str = "",
    allow_remote: bool = False,
    settings: Mapping[str, Any] | None = None,
    consented_by: str = "",
) -> Backend:
    """A new machine named ``name``: a coder of kind ``machine`` and its backend, ``kind``
    ``classifier`` (trained on the project's codings; no URL) or ``llm`` (a server speaking
    the OpenAI chat-completions protocol at ``url``, asked for ``model``). Refused with one
    line when a coder has the name, the URL is not loopback without ``allow_remote``, or
    ``api_key_env`` is not the name of an environment variable."""
    name = check_name(name)
    refuse_consensus_name(name)
    if kind not in BACKEND_KINDS:
        raise UserError(f"a machine is a {' or an '.join(BACKEND_KINDS)}, not '{kind}'")
    if api_key_env and not _ENV_NAME.match(api_key_env):
        raise UserError(
            "--api-key-env takes the name of an environment variable holding the key "
            "(such as OPENAI_API_KEY), never the key itself"
        )
    consent = None
    chosen: dict[str, Any] = {}
    if kind == "llm":
        if not model.strip():
            raise UserError("a language model needs --model: the model the server is asked for")
        url = check_url(url, allow_remote)
        remote = not is_loopback(url)
        if remote:
            consent = {"who": consented_by or _user(), "when": utc_now(), "url": url}
        allow_remote = remote
        chosen.update(LLM_DEFAULTS)
    else:
        if url.strip() or api_key_env or allow_remote:
            raise UserError("a classifier runs here, on the project's codings: it takes no URL")
    chosen.update(settings or {})
    with project.transaction():
        coder = project.coders.add(name, kind="machine")
        return project.machine.add_backend(
            coder.id,
            kind,
            url=url,
            model=model.strip(),
            api_key_env=api_key_env,
            allow_remote=allow_remote,
            remote_consent=consent,
            settings=chosen,
        )


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def backend(project: Project, name: str) -> Backend:
    """The machine named ``name`` (as coders are found: "gemma" is Gemma); a one-line
    refusal naming the project's machines when there is none of that name."""
    coder = project.coders.lookup(name)
    found = None if coder is None else project.machine.backend_of_coder(coder.id)
    if found is not None:
        return found
    known = [b.name for b in project.machine.backends()]
    if coder is not None and not coder.is_machine:
        raise UserError(f"'{coder.name}' is a human coder, not a machine")
    if not known:
        raise UserError(
            f"the project has no machine named '{name}' (it has none yet: add one with "
            "'annotator machine add')"
        )
    raise UserError(f"the project has no machine named '{name}' (machines: {', '.join(known)})")


def replicate_name(machine: str, replicate: int) -> str:
    """The name replicate ``replicate`` of machine ``machine`` codes under: the machine's own
    for the first, "NAME (replicate K)" for the others."""
    return machine if replicate == 1 else f"{machine} (replicate {replicate})"


def is_replicate_of(name: str, machine: str) -> bool:
    """True for the coder name of a second or later replicate of ``machine``."""
    return name.startswith(f"{machine} (replicate ") and name.endswith(")")


def replicate_coder(project: Project, machine: Backend, replicate: int) -> Coder:
    """The coder a machine's replicate ``replicate`` codes as: the machine's own for the
    first, for the others a machine coder named "NAME (replicate K)", made on first use. Each
    replicate keeps its own codings apart, so the agreement engine measures the machine's
    agreement with itself (stability) like any two coders'."""
    if replicate == 1:
        return project.coders.get(machine.coder_id)
    name = replicate_name(machine.name, replicate)
    coder = project.coders.by_name(name)
    if coder is None:
        return project.coders.add(name, kind="machine")
    if not coder.is_machine:
        raise UserError(f"'{name}' is a human coder: rename them before coding replicates")
    return coder
