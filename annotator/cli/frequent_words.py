"""``annotator words`` and ``annotator stop-words``: the most frequent words of the articles
(or of a code's passages) and the stop-word lists they leave out."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.search import CODERS_HELP, WHERE_HELP, WITHIN_HELP, scope_of
from annotator.cli.support import (
    json_option,
    names,
    open_project,
    print_json,
    project_argument,
    shown,
)
from annotator.domain.errors import UserError
from annotator.io.csvfiles import atomic_output, write_csv
from annotator.io.output import check_output
from annotator.services import word_frequencies


@click.command(name="words")
@project_argument
@click.option("--where", multiple=True, help=WHERE_HELP)
@click.option("--within", multiple=True, help=WITHIN_HELP)
@click.option("--coders", help=CODERS_HELP)
@click.option("--top", type=click.IntRange(min=1), default=50, show_default=True)
@click.option(
    "--language",
    help="Take this language's stop words (ISO 639-1: en, de, ko) for every article "
    "(default: each article's language variable, else English).",
)
@click.option("--keep-stop-words", is_flag=True, help="Count stop words too.")
@json_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the table to this CSV file."
)
def words(
    project: str,
    where: tuple[str, ...],
    within: tuple[str, ...],
    coders: str | None,
    top: int,
    language: str | None,
    keep_stop_words: bool,
    as_json: bool,
    output: str | None,
) -> None:
    """The most frequent words of PROJECT's articles (of those --where says, or inside the
    passages of a code: --within), stop words of each article's language left out
    ('annotator stop-words' edits the lists).

    Example: annotator words study.annotator --within 'Motive > Political' --top 20
    """
    target = Path(output) if output else None
    if target is not None:
        check_output(target, [Path(project)])
    with open_project(project, write=False) as opened:
        scope = scope_of(opened, where, within, coders)
        result = word_frequencies.word_frequencies(
            opened, scope, top=top, language=language, keep_stop_words=keep_stop_words
        )
    rows = [[w.word, w.count, w.articles] for w in result.words]
    if target is not None:
        with atomic_output(target, protect=[Path(project)]) as handle:
            write_csv(handle, ["word", "count", "articles"], rows)
        click.echo(f"wrote {len(rows)} words to {target}")
        return
    if as_json:
        print_json(
            {
                "words_counted": result.total,
                "articles": result.articles,
                "languages": result.languages,
                "rows": [
                    {"word": w.word, "count": w.count, "articles": w.articles} for w in result.words
                ],
            }
        )
        return
    wide = max((len(w.word) for w in result.words), default=4)
    for w in result.words:
        click.echo(f"{shown(w.word):<{wide}}  {w.count:>7}  {w.articles:>6} articles")
    click.echo(f"{result.total} words counted in {result.articles} articles")


@click.command(name="stop-words")
@project_argument
@click.argument("language")
@click.option("--add", help="Add these words to the list: a,b,c.")
@click.option("--remove", help="Take these words off the list: a,b,c.")
@click.option("--reset", is_flag=True, help="Forget every change to this language's list.")
@json_option
def stop_words(
    project: str,
    language: str,
    add: str | None,
    remove: str | None,
    reset: bool,
    as_json: bool,
) -> None:
    """Show or change LANGUAGE's stop-word list (ISO 639-1: en, de, ko) in PROJECT: the
    words added to it and taken off it ('annotator words' leaves the list's words out).

    Example: annotator stop-words study.annotator en --add korea,korean --remove world
    """
    changing = bool(add or remove or reset)
    if reset and (add or remove):
        raise UserError("--reset forgets every change: give it alone")
    with open_project(project, write=changing) as opened:
        if reset:
            word_frequencies.reset_stop_words(opened, language)
        elif changing:
            word_frequencies.change_stop_words(
                opened, language, add=names(add), remove=names(remove)
            )
        added, removed = word_frequencies.stop_word_changes(opened, language)
        size = len(word_frequencies.stop_words(opened, language))
    if as_json:
        print_json({"language": language, "words": size, "added": added, "removed": removed})
        return
    click.echo(f"{shown(language)}: {size} stop words")
    click.echo(f"  added: {', '.join(map(shown, added)) or 'none'}")
    click.echo(f"  taken off: {', '.join(map(shown, removed)) or 'none'}")
