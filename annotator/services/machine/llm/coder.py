"""A language model codes articles: K runs (replicates), each article's answer checked and
written in one transaction, failures counted, a stopped run resumed.

:func:`code_articles` builds the prompt from the codebook (:mod:`.prompt`), asks the backend's
server for every article and replicate with several requests in flight (:mod:`.pool`), reads
each reply against the schema (:mod:`.schema`), locates its quotes in the article
(:mod:`.quotes`) and writes the article's codings with
:func:`~annotator.services.machine.runs.write_article` in the thread that called it, the one
that owns the project's connection. A code that is not the codebook's, or a quote not in the
text, is dropped and counted (``dropped_codes``, ``dropped_quotes``); an article whose request
fails (server down, timeouts, 429 or 5xx after the retries, a reply outside the schema) gets
a ``failed`` row with a one-line reason and the run goes on. A failure every request would
share (401, 403, 404), or a server unreachable for :data:`UNREACHABLE_STOP` articles in a row,
stops the run (``failed``) with :class:`RunStopped`; a cancel stops it ``cancelled``. Either
way ``--resume RUN`` codes exactly the articles it has not done.

Coding needs a validation of the same settings (:func:`settings_sha256`: the model, the
prompt's SHA-256, temperature, seed and token limit), or ``unvalidated=True``, which the run
records.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.domain.errors import UserError
from annotator.domain.model import new_guid
from annotator.services.machine.llm.client import (
    Answer,
    Cancelled,
    ChatClient,
    Endpoint,
    RequestFailed,
    Settings,
)
from annotator.services.machine.llm.pool import run_pool
from annotator.services.machine.llm.prompt import Prompt, PromptError, build_prompt
from annotator.services.machine.llm.quotes import place_passages
from annotator.services.machine.llm.schema import Reply, read_reply
from annotator.services.machine.runs import (
    SHORT_GUID,
    MachineCoding,
    finish_run,
    pending_documents,
    resume_run,
    start_run,
    stopped_run,
    write_article,
)
from annotator.storage import Project
from annotator.storage.machine import Backend, RunRecord, dumps

__all__ = ["RunStopped", "code_articles", "settings_sha256"]

#: Articles in a row whose server could not be reached before a run stops.
UNREACHABLE_STOP = 3
#: The settings that change what a model answers (the others change only how it is asked).
SAMPLING = ("temperature", "seed", "max_tokens")

Progress = Callable[[int, int, str], None]


class RunStopped(UserError):
    """A run stopped before its end: a failure every request would share, or the server out
    of reach. The runs are recorded ``failed`` and can be resumed."""

    def __init__(self, message: str, runs: list[RunRecord]) -> None:
        super().__init__(message)
        self.runs = runs


def settings_sha256(backend: Backend, prompt_sha256: str, settings: Settings) -> str:
    """What makes a language model's codings, hashed: the kind, the model asked for, the
    prompt (codebook included) and the sampling settings. A validation of these settings
    lets runs of them code other articles."""
    what = {
        "kind": "llm",
        "model": backend.model,
        "prompt_sha256": prompt_sha256,
        **{name: getattr(settings, name) for name in SAMPLING},
    }
    return hashlib.sha256(dumps(what).encode("utf-8")).hexdigest()


def backend_settings(backend: Backend) -> Settings:
    """The client settings a backend's stored settings give."""
    return Settings.from_dict(backend.settings)


def run_settings(backend: Backend, settings: Settings) -> dict[str, Any]:
    """What a run records of its settings: the client's, the backend's URL and whether a
    remote server was allowed."""
    return {**settings.as_dict(), "url": backend.url, "allow_remote": backend.allow_remote}


@dataclass
class _Coded:
    """What became of one article's request (in a worker thread; written by the caller)."""

    codings: list[MachineCoding] = field(default_factory=list)
    dropped_quotes: int = 0
    dropped_codes: int = 0
    tokens: tuple[int, int] | None = None
    retries: int = 0
    failure: str | None = None
    fatal: bool = False
    unreachable: bool = False
    cancelled: bool = False
    version: str | None = None


def _version(answer: Answer[Reply]) -> str | None:
    if answer.model is None and answer.fingerprint is None:
        return None
    if answer.fingerprint is None:
        return answer.model
    return f"{answer.model or '?'} ({answer.fingerprint})"


def _code_one(client: ChatClient, prompt: Prompt, text: str) -> _Coded:
    """Ask for one article and turn the reply into codings (runs in a worker thread: it
    touches nothing but the client and its arguments)."""
    try:
        messages = prompt.messages(text)
        answer = client.complete(
            messages, prompt.response_format, lambda content: read_reply(content, prompt.code_ids)
        )
    except PromptError as error:
        return _Coded(failure=str(error))
    except RequestFailed as failed:
        return _Coded(
            tokens=failed.tokens,
            retries=failed.retries,
            failure=failed.reason,
            fatal=failed.fatal,
            unreachable=failed.unreachable,
        )
    except Cancelled:
        return _Coded(cancelled=True)
    reply = answer.value
    placement = place_passages(text, reply.passages)
    ids = prompt.code_ids
    codings = [MachineCoding(ids[p.code], p.start, p.end, None, p.reason) for p in placement.placed]
    codings += [MachineCoding(ids[code], None, None) for code in reply.article_codes]
    return _Coded(
        codings=codings,
        dropped_quotes=len(placement.dropped),
        dropped_codes=sum(1 for d in reply.dropped if d.kind == "code"),
        tokens=answer.tokens,
        retries=answer.retries,
        version=_version(answer),
    )


def _validation(project: Project, backend: Backend, sha: str, unvalidated: bool) -> int | None:
    """The validation the runs rely on (the latest of these settings), or None when
    ``unvalidated``; refused with one line when there is none."""
    found = project.machine.validations(backend.id, sha)
    if found:
        return found[-1].id
    if unvalidated:
        return None
    raise UserError(
        f"machine '{backend.name}' has no validation of these settings (model, prompt and "
        "codebook, temperature, seed): validate it first (annotator machine validate … "
        "--against CODERS), or code with --unvalidated, which the run records"
    )


def code_articles(
    project: Project,
    backend: Backend,
    document_ids: Sequence[int],
    *,
    replicates: int = 1,
    resume: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    unvalidated: bool = False,
    environ: dict[str, str] | None = None,
) -> list[RunRecord]:
    """Code ``document_ids`` with the language model ``backend`` as ``replicates`` runs (one
    per replicate, sharing a replicate group), or resume the run ``resume`` (a GUID or its
    start: ``document_ids`` and ``replicates`` are then the run's own). Returns the runs as
    they ended (``done``, or ``cancelled`` after a cancel); raises :class:`RunStopped` when
    the runs had to stop. ``progress(done, total, article name)`` is called after each
    article; ``environ`` stands in for the environment (the key is read from it)."""
    if backend.kind != "llm":
        raise UserError(f"machine '{backend.name}' is a {backend.kind}, not a language model")
    if replicates < 1 or replicates > 100:
        raise UserError("--replicates takes a number from 1 to 100")
    tree = project.codebook.tree()
    prompt = build_prompt(tree)
    settings = backend_settings(backend)
    if resume is not None:
        runs = [_resumable(project, backend, prompt, resume)]
        recorded = Settings.from_dict(runs[0].settings)
        settings = replace(settings, **{name: getattr(recorded, name) for name in SAMPLING})
    endpoint = Endpoint(
        backend.url,
        runs[0].model if resume is not None else backend.model,
        backend.api_key_env or None,
        backend.allow_remote,
    )
    cancel = cancel or threading.Event()
    ended = threading.Event()  # the client's: no more tries or waits once the runs end
    client = ChatClient(endpoint, settings, environ=environ, cancel=ended)
    try:
        if resume is None:
            ids = list(dict.fromkeys(document_ids))
            if not ids:
                raise UserError("no articles to code")
            for document_id in ids:
                project.documents.get(document_id)  # one line for an id that is not there
            sha = settings_sha256(backend, prompt.sha256, settings)
            validated_by = _validation(project, backend, sha, unvalidated)
            group = new_guid()
            runs = [
                start_run(
                    project,
                    backend,
                    document_ids=ids,
                    prompt_template=prompt.template,
                    settings=run_settings(backend, settings),
                    replicate=k,
                    replicate_group=group,
                    unvalidated=validated_by is None,
                    validated_by=validated_by,
                )
                for k in range(1, replicates + 1)
            ]
        else:
            runs = [resume_run(project, runs[0])]
        return _code(project, client, prompt, runs, progress, cancel)
    finally:
        ended.set()
        client.close()


def _resumable(project: Project, backend: Backend, prompt: Prompt, guid: str) -> RunRecord:
    run = stopped_run(project, backend, guid)
    if run.prompt_sha256 != prompt.sha256:
        raise UserError(
            f"run {run.guid[:SHORT_GUID]} was made with another prompt (the codebook changed "
            "since): start a new run instead"
        )
    return run


def _code(
    project: Project,
    client: ChatClient,
    prompt: Prompt,
    runs: list[RunRecord],
    progress: Progress | None,
    cancel: threading.Event,
) -> list[RunRecord]:
    """Code every run's pending articles; finish the runs as they end."""
    items = [(run, document) for run in runs for document in pending_documents(project, run)]
    texts = {document: project.documents.text(document) for _, document in items}
    names = dict(project.documents.names())
    tree = project.codebook.tree()
    versions = {run.id: set((run.model_version or "").split("; ")) - {""} for run in runs}
    state = {"done": 0, "unreachable": 0}
    stopped: list[str] = []  # why the runs stopped

    halt = threading.Event()  # a fatal failure: the other workers ask no more

    def work(item: tuple[RunRecord, int]) -> _Coded:
        if halt.is_set():
            return _Coded(cancelled=True)
        coded = _code_one(client, prompt, texts[item[1]])
        if coded.fatal:
            halt.set()
        return coded

    def write(item: tuple[RunRecord, int], coded: _Coded) -> bool:
        run, document = item
        if coded.cancelled:
            return True
        counts = {
            "dropped_quotes": coded.dropped_quotes,
            "dropped_codes": coded.dropped_codes,
            "retries": coded.retries,
        }
        write_article(
            project,
            run,
            document,
            coded.codings,
            dropped=coded.dropped_quotes + coded.dropped_codes,
            tokens=coded.tokens,
            status="failed" if coded.failure is not None else "done",
            reason=coded.failure,
            counts=counts,
            codebook=tree,
        )
        if coded.version is not None and coded.version not in versions[run.id]:
            versions[run.id].add(coded.version)
            with project.transaction():
                project.machine.set_run_model_version(run.id, "; ".join(sorted(versions[run.id])))
        state["done"] += 1
        if progress is not None:
            progress(state["done"], len(items), names.get(document, str(document)))
        state["unreachable"] = state["unreachable"] + 1 if coded.unreachable else 0
        if coded.fatal:
            stopped.append(coded.failure or "")
        elif state["unreachable"] >= UNREACHABLE_STOP:
            stopped.append(
                f"the server could not be reached for {UNREACHABLE_STOP} articles in a row "
                f"({coded.failure})"
            )
        return not stopped

    try:
        end = run_pool(items, work, write, concurrency=client.settings.concurrency, cancel=cancel)
    except BaseException:  # Ctrl+C, or a bug: what was written stays, resumable
        cancel.set()
        _finish(project, runs, "cancelled")
        raise
    if end.how == "cancelled":
        return _finish(project, runs, "cancelled")
    if end.how == "stopped":
        ended = _finish(project, runs, "failed")
        guids = ", ".join(run.guid[:SHORT_GUID] for run in ended)
        which = "run" if len(ended) == 1 else "runs"
        raise RunStopped(f"{stopped[0]}; {which} {guids} stopped (resume with --resume RUN)", ended)
    return _finish(project, runs, "done")


def _finish(project: Project, runs: list[RunRecord], status: str) -> list[RunRecord]:
    ended = []
    for run in runs:
        current = project.machine.run(run.id)
        ended.append(current if current.status != "running" else finish_run(project, run, status))
    return ended
