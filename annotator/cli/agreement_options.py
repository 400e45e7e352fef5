"""What ``annotator agreement`` compares — levels, coders, codes, when an article counts, the
segment overlap, the interval, which codings, the codebook version — as one set of options,
shared by the report (:mod:`annotator.cli.reports`) and the drift path that answers in its
place with ``--by-period`` (:mod:`annotator.cli.reliability_drift`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from annotator.cli.codebook_versions import VERSION_HELP
from annotator.cli.support import NAMES_HELP, names
from annotator.domain.codebook import split_path_list
from annotator.domain.errors import UserError
from annotator.services.agreement import Request

LEVEL_CHOICES = {
    "document": ("document",),
    "character": ("character",),
    "unitizing": ("unitizing",),
    "segment": ("segment",),
    "span": ("character", "unitizing", "segment"),
    "all": ("document", "character", "unitizing", "segment"),
}


def codings_choice(kind: str, without: bool, only: bool) -> str:
    """``--without-KIND-codings`` / ``--only-KIND-codings`` as the request's with, without or
    only (both given: one line)."""
    if without and only:
        raise UserError(f"--without-{kind}-codings and --only-{kind}-codings exclude each other")
    return "without" if without else "only" if only else "with"


@dataclass(frozen=True)
class RequestOptions:
    """The options of :func:`request_options` as given on the command line."""

    level: str
    coders: str | None
    codes: str | None
    counted_by: str
    overlap: int
    no_interval: bool
    without_search_codings: bool
    only_search_codings: bool
    without_assisted_codings: bool
    only_assisted_codings: bool
    codebook_version: str | None

    def request(self) -> Request:
        """The agreement request the options make (conflicting ones: a :class:`UserError`)."""
        return Request(
            coders=names(self.coders),
            codes=split_path_list(self.codes or ""),
            levels=LEVEL_CHOICES[self.level],
            counted_by=self.counted_by,
            threshold=self.overlap / 100,
            interval=not self.no_interval,
            search_codings=codings_choice(
                "search", self.without_search_codings, self.only_search_codings
            ),
            assisted_codings=codings_choice(
                "assisted", self.without_assisted_codings, self.only_assisted_codings
            ),
            codebook_version=self.codebook_version or "",
        )


_OPTIONS = (
    click.option(
        "--level",
        type=click.Choice(list(LEVEL_CHOICES)),
        default="all",
        show_default=True,
        help="document: per article (code applied or not); character: each character coded or "
        "not; unitizing: Krippendorff's α_U; segment: passages matched by overlap (--overlap); "
        "span: character, unitizing and segment; all: every level.",
    ),
    click.option(
        "--coders",
        help="Coders to compare, by name: A,B (default: all who have done "
        f"articles, except the consensus coder; {NAMES_HELP}).",
    ),
    click.option(
        "--codes",
        help="Codes or dimensions to compare: 'Motive,Actor type > Diplomat' (default: all; in "
        "a name, write > as \\> and a comma as \\,).",
    ),
    click.option(
        "--counted-by",
        type=click.Choice(["done", "assigned"]),
        default="done",
        show_default=True,
        help="An article counts for a coder once marked done, or once assigned to them and done "
        "(an assigned article not done is left out for that coder, and the report says how "
        "many).",
    ),
    click.option(
        "--overlap",
        type=click.IntRange(1, 100),
        default=90,
        show_default=True,
        help="Segment matching: the overlap (in % of both segments together) that counts as "
        "agreement.",
    ),
    click.option("--no-interval", is_flag=True, help="Skip the bootstrap interval for α."),
    click.option(
        "--without-search-codings",
        is_flag=True,
        help="Leave out the codings a search made ('annotator search … --code'): only codings "
        "made by hand count.",
    ),
    click.option(
        "--only-search-codings",
        is_flag=True,
        help="Compare only the codings a search made (to show them apart).",
    ),
    click.option(
        "--without-assisted-codings",
        is_flag=True,
        help="Leave out the codings accepted from a machine coder's suggestions (in the "
        "window): only codings the coders made themselves count.",
    ),
    click.option(
        "--only-assisted-codings",
        is_flag=True,
        help="Compare only the codings accepted from a machine coder's suggestions.",
    ),
    click.option("--codebook-version", help=VERSION_HELP),
)


def request_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --level, --coders, --codes, --counted-by, --overlap, --no-interval, the
    --without/--only codings flags and --codebook-version to ``command``, which takes them
    as one :class:`RequestOptions` (``request_options=``)."""

    @functools.wraps(command)
    def with_options(
        level: str,
        coders: str | None,
        codes: str | None,
        counted_by: str,
        overlap: int,
        no_interval: bool,
        without_search_codings: bool,
        only_search_codings: bool,
        without_assisted_codings: bool,
        only_assisted_codings: bool,
        codebook_version: str | None,
        **options: Any,
    ) -> None:
        chosen = RequestOptions(
            level,
            coders,
            codes,
            counted_by,
            overlap,
            no_interval,
            without_search_codings,
            only_search_codings,
            without_assisted_codings,
            only_assisted_codings,
            codebook_version,
        )
        command(request_options=chosen, **options)

    for decorator in reversed(_OPTIONS):
        with_options = decorator(with_options)
    return with_options
