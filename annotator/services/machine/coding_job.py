"""Coding articles with a machine from the window (issue 18, point 3): what the window's
dialog asks the services, kept free of Qt. Which articles a machine has not coded yet, whether
its current settings are validated, where a remote machine sends the text (and who consented),
coding with either kind of machine with progress and a cancel :class:`threading.Event`, and the
one-line summary of the runs.

:func:`code` is where ``machine code`` and the window's dialog code, with a cancel: a
classifier codes as one run and needs a validation of its current model or ``unvalidated``
(refused in one line otherwise); a language model codes as ``replicates`` runs and refuses
likewise (its own :func:`code_articles` checks). A run of either kind stopped by the cancel
(or by a crash) resumes with the articles it had not coded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from annotator.domain.errors import UserError
from annotator.domain.model import DocumentStatus
from annotator.services.machine import classifier
from annotator.services.machine.coders import is_loopback
from annotator.storage import Project
from annotator.storage.machine import Backend, RunRecord

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Readiness:
    """What the dialog says of a machine before coding: whether it can code at all (a
    classifier not trained cannot: ``problem``), whether its current settings are validated
    (``validated``: when and against whom) and where the articles' text goes."""

    problem: str
    validated: str
    remote: str


def remote_line(machine: Backend) -> str:
    """The line "The articles' text will be sent to HOST (consent recorded by WHO on WHEN)" for a
    machine whose URL is not this computer; '' otherwise."""
    if machine.kind == classifier.CLASSIFIER or not machine.url or is_loopback(machine.url):
        return ""
    host = urlsplit(machine.url).hostname or machine.url
    consent = machine.remote_consent or {}
    who = str(consent.get("who") or "nobody")
    when = str(consent.get("when") or "no date")[:10]
    key = f", with the API key from ${machine.api_key_env}" if machine.api_key_env else ""
    return f"The articles' text will be sent to {host}{key} (consent recorded by {who} on {when})"


def readiness(project: Project, machine: Backend) -> Readiness:
    """Whether ``machine`` can code now, whether it is validated, where the text goes."""
    from annotator.services.machine.validate import latest_validation

    try:
        found = latest_validation(project, machine)
    except UserError as error:  # a classifier not trained yet
        return Readiness(str(error), "", remote_line(machine))
    validated = ""
    if found is not None:
        validated = f"validated on {found.created_at[:10]} against {', '.join(found.against)}"
    return Readiness("", validated, remote_line(machine))


def not_coded_by(project: Project, machine: Backend) -> list[int]:
    """The articles the machine has not coded (no run marked them done for its coder)."""
    done = {
        document
        for (document, coder), status in project.statuses.all().items()
        if coder == machine.coder_id and status is DocumentStatus.DONE
    }
    return [document for document, _ in project.documents.names() if document not in done]


def code(
    project: Project,
    machine: Backend,
    document_ids: Sequence[int],
    *,
    replicates: int = 1,
    unvalidated: bool = False,
    resume: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[RunRecord]:
    """Code ``document_ids`` with ``machine`` (or resume its stopped run ``resume``: the
    articles it had not coded); the runs as they ended (``cancelled`` after ``cancel`` was
    set, and resumable)."""
    from annotator.services.machine.validate import latest_validation

    cancel = cancel or threading.Event()
    if machine.kind != classifier.CLASSIFIER:
        from annotator.services.machine.llm.coder import code_articles

        return code_articles(
            project,
            machine,
            document_ids,
            replicates=replicates,
            resume=resume,
            progress=progress,
            cancel=cancel,
            unvalidated=unvalidated,
        )
    if replicates != 1:
        raise UserError(
            "a classifier gives the same codings every time: --replicates is for language models"
        )
    validated_by = None
    if resume is None:  # a resumed run keeps what it was started with
        if not document_ids:
            raise UserError("no articles to code")
        validation = latest_validation(project, machine)
        if validation is None and not unvalidated:
            raise UserError(
                f"machine '{machine.name}' has no validation of its current settings: validate "
                "it first (annotator machine validate PROJECT --name "
                f"{machine.name} --against CODERS), or code it unvalidated (--unvalidated), "
                "which the run records"
            )
        validated_by = None if validation is None else validation.id
    return [
        classifier.code_articles(
            project,
            machine,
            document_ids,
            unvalidated=validated_by is None,
            validated_by=validated_by,
            resume=resume,
            progress=progress,
            cancel=cancel.is_set,
        )
    ]


def summary(runs: Sequence[RunRecord], machine: str) -> str:
    """One line for the status bar: what the runs coded, and how to go on after a cancel."""
    if not runs:
        return f"{machine}: nothing coded"
    done = sum(run.counts.get("articles_done", 0) for run in runs)
    failed = sum(run.counts.get("articles_failed", 0) for run in runs)
    codings = sum(run.counts.get("codings", 0) for run in runs)
    asked = sum(len(run.document_ids) for run in runs)
    statuses = sorted({run.status for run in runs})
    which = ", ".join(run.guid[:8] for run in runs)
    text = (
        f"{machine}: {done} of {asked} articles coded"
        + (f", {failed} failed" if failed else "")
        + f", {codings} codings — run{'s' * (len(runs) > 1)} {which} {'/'.join(statuses)}"
    )
    if any(run.unvalidated for run in runs):
        text += " (UNVALIDATED)"
    if "cancelled" in statuses:
        text += "; a cancelled run resumes where it stopped"
    return text
