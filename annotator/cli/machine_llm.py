"""``annotator machine add`` and ``machine code``: a language model as a machine coder (issue
18, point 3). ``add`` registers a server speaking the OpenAI chat-completions protocol;
``code`` codes articles with a machine of either kind (services/machine/coding_job.code, as
the window's dialog does), with a progress bar; Ctrl+C stops a run as cancelled and
``--resume`` goes on with it (a language model's runs also with replicates).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from annotator.cli.support import (
    NAMES_HELP,
    json_option,
    names,
    open_project,
    print_json,
    progress_bar,
    project_argument,
    shown,
)
from annotator.domain.errors import UserError
from annotator.storage.machine import Backend, RunRecord

__all__ = ["COMMANDS", "add", "code"]


def _where_text_goes(backend: Backend) -> str:
    host = backend.url.split("//", 1)[-1].split("/", 1)[0]
    return (
        f"articles coded with '{backend.name}' are sent to {host} ({backend.url}): each "
        "article's full text, the codebook and the prompt"
        + (" and the API key (from $" + backend.api_key_env + ")" if backend.api_key_env else "")
    )


@click.command()
@project_argument
@click.option("--name", required=True, help="The machine's name: the coder its codings are by.")
@click.option(
    "--url",
    required=True,
    help="The server's base URL, ending in /v1 (Ollama: http://127.0.0.1:11434/v1).",
)
@click.option("--model", required=True, help="The model the server is asked for.")
@click.option(
    "--api-key-env",
    default="",
    metavar="VAR",
    help="The environment variable holding the API key (the key itself is never stored).",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a server that is not on this computer: the articles' text is sent there "
    "(the project records who allowed it, when, for which URL).",
)
@click.option("--temperature", type=float, help="Sampling temperature (default 0).")
@click.option("--seed", type=int, help="Sampling seed (default 42).")
@click.option("--concurrency", type=int, help="Requests in flight (default 4).")
@click.option("--timeout", type=float, help="Seconds one request may take (default 120).")
@json_option
def add(
    project: str,
    name: str,
    url: str,
    model: str,
    api_key_env: str,
    allow_remote: bool,
    temperature: float | None,
    seed: int | None,
    concurrency: int | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Register a language model as the machine NAME of PROJECT: a server speaking the OpenAI
    chat-completions protocol (Ollama, llama.cpp's server, LM Studio, vLLM, a hosted API) at
    URL, asked for MODEL. The server must be on this computer (a loopback address) unless
    --allow-remote is given; an API key is read, when coding, from the environment variable
    --api-key-env names, and never stored or printed.

    \b
    Examples: annotator machine add study.annotator --name Llama
                --url http://127.0.0.1:11434/v1 --model llama3.1:8b
              annotator machine add study.annotator --name GPT --url https://api.openai.com/v1
                --model gpt-4o-mini --api-key-env OPENAI_API_KEY --allow-remote
    """
    import os

    from annotator.services.machine.coders import LLM_DEFAULTS, add_machine
    from annotator.services.machine.llm.address import check_url
    from annotator.services.machine.llm.client import Settings

    address = check_url(url, allow_remote=allow_remote)
    given = {
        key: value
        for key, value in (
            ("temperature", temperature),
            ("seed", seed),
            ("concurrency", concurrency),
            ("timeout", timeout),
        )
        if value is not None
    }
    Settings.from_dict({**LLM_DEFAULTS, **given})  # refuses a value out of range, one line
    with open_project(project, write=True) as opened:
        made = add_machine(
            opened,
            name,
            "llm",
            url=address.url,
            model=model,
            api_key_env=api_key_env.strip(),
            allow_remote=allow_remote and not address.loopback,
            settings=given,
        )
    if as_json:
        print_json(made.as_dict())
    else:
        click.echo(
            f"added machine '{shown(made.name)}': language model {shown(made.model)} at "
            f"{shown(made.url)}" + ("" if made.allow_remote else " (this computer)")
        )
    if made.allow_remote:
        consent = made.remote_consent or {}
        click.echo(
            f"{shown(_where_text_goes(made))}; allowed by {shown(consent.get('who') or '?')} "
            f"on {shown(str(consent.get('when', ''))[:10])}",
            err=True,
        )
    if made.api_key_env and not os.environ.get(made.api_key_env):
        click.echo(
            f"note: {made.api_key_env} is not set here; coding reads the API key from it", err=True
        )


@contextmanager
def _cancel_on_ctrl_c() -> Iterator[threading.Event]:
    """An event the first Ctrl+C sets: the run stops as cancelled, resumable, and the command
    ends normally. The command's own handling (annotator/interrupts.py: the project closed,
    exit 130) is back from that moment, for a second Ctrl+C; SIGTERM and SIGHUP keep it
    throughout. Outside the main thread, or with Ctrl+C ignored from the start, only the
    event."""
    cancel = threading.Event()
    before = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or before is signal.SIG_IGN:
        yield cancel
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, before)
        cancel.set()
        click.echo("\nstopping: the run ends as cancelled (Ctrl+C again to quit now)", err=True)

    signal.signal(signal.SIGINT, stop)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, before)


def _summary(run: RunRecord, machine: str) -> str:
    """A run's line: articles coded and failed, codings; a language model's also answers
    dropped, retries and tokens."""
    from annotator.services.machine.coders import replicate_name

    counts = run.counts
    failed = counts["articles_failed"]
    tokens = run.tokens_prompt + run.tokens_completion
    parts = [
        f"{counts['articles_done']} of {len(run.document_ids)} articles coded"
        + (f", {failed} failed" if failed else ""),
        f"{counts['codings']} codings",
    ]
    if run.kind == "llm":
        dropped = f"dropped {counts['dropped_quotes']} quotes, {counts['dropped_codes']} codes"
        if counts["dropped_exclusive"]:
            dropped += f", {counts['dropped_exclusive']} exclusive"
        parts += [dropped, f"{counts['retries']} retries", f"{tokens:,} tokens"]
    note = " UNVALIDATED" if run.unvalidated else ""
    which = replicate_name(machine, run.replicate)
    return f"run {run.guid[:8]} ({which}){note}, {run.status}: " + "; ".join(parts)


@click.command()
@project_argument
@click.option("--name", required=True, help="The machine that codes.")
@click.option("--documents", "documents_", help=f"Articles by name or id: a,b ({NAMES_HELP}).")
@click.option(
    "--where",
    multiple=True,
    help="Articles whose variable meets this: VARIABLE=VALUE (repeat: all must hold).",
)
@click.option(
    "--replicates",
    type=click.IntRange(1, 100),
    default=1,
    show_default=True,
    help="A language model: code each article K times, as K runs.",
)
@click.option("--resume", metavar="RUN", help="Go on with a stopped run (its GUID or start).")
@click.option(
    "--unvalidated",
    is_flag=True,
    help="Code although no validation of these settings exists (the run records it).",
)
@json_option
def code(
    project: str,
    name: str,
    documents_: str | None,
    where: tuple[str, ...],
    replicates: int,
    resume: str | None,
    unvalidated: bool,
    as_json: bool,
) -> None:
    """Code articles as the machine NAME: those named (--documents), those meeting --where,
    or every article. Coding needs a validation of the machine's settings (annotator machine
    validate), or --unvalidated, which the run records. A language model codes each article
    --replicates times, as that many runs; Ctrl+C stops a run as cancelled and --resume RUN
    codes what it had not done. Ends with a line per run: articles coded and failed,
    codings, answers dropped, retries, tokens (machine runs --json gives every failed
    article's reason).

    \b
    Examples: annotator machine code study.annotator --name Llama --documents 3,4 --unvalidated
              annotator machine code study.annotator --name Llama --where outlet=Yonhap
              annotator machine code study.annotator --name Llama --resume 3f2a9c1e
    """
    from annotator.services.article_sets import chosen_documents
    from annotator.services.machine import coding_job
    from annotator.services.machine.coders import backend

    with open_project(project, write=True) as opened:
        machine = backend(opened, name)
        if resume is not None and (documents_ or where or replicates != 1):
            raise UserError(
                "--resume goes on with a run's own articles: leave out --documents, --where "
                "and --replicates"
            )
        if resume is not None:
            ids: list[int] = []
        elif documents_ or where:
            ids = sorted(chosen_documents(opened, names(documents_), where))
        else:
            ids = [document for document, _ in opened.documents.names()]
            if not ids:
                raise UserError("the project has no articles to code")
        if machine.allow_remote:
            click.echo(shown(_where_text_goes(machine)), err=True)
        with _cancel_on_ctrl_c() as cancel, progress_bar("coding") as progress:
            runs = coding_job.code(
                opened,
                machine,
                ids,
                replicates=replicates,
                resume=resume,
                unvalidated=unvalidated,
                progress=progress,
                cancel=cancel,
            )
    if as_json:
        print_json([run.as_dict() for run in runs])
    else:
        for run in runs:
            click.echo(shown(_summary(run, machine.name)))
    if any(run.status == "cancelled" for run in runs):
        guids = ", ".join(run.guid[:8] for run in runs if run.status == "cancelled")
        click.echo(
            f"cancelled: resume with annotator machine code {project} --name {machine.name} "
            f"--resume RUN ({guids})",
            err=True,
        )
        sys.exit(130)


COMMANDS = (add, code)
