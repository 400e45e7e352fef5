"""A project nothing has open is one file: every command, reading or writing, succeeding or
failing with a one-line error, leaves the project file alone in its folder — no ``-wal``, no
``-shm``, no lock (issue 17, point 4). Interrupted commands: see test_cli_interrupts.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
import pytest

from annotator import paths
from annotator.cli.main import cli
from annotator.storage import Project
from annotator.storage.lock import locks_folder
from tests.test_cli import run

A_CODE = "Motive > Political"
FIRST = "01_restaurant-workers"

#: One invocation of every command: (arguments, commands run before it, whether it fails).
#: ``{p}`` is the project, ``{out}`` a folder for what commands write, ``{other}`` a second
#: project, ``{articles}`` a folder of articles. Failing ones open the project, then refuse.
CASES: dict[str, tuple[list[str], list[list[str]], bool]] = {
    "agreement": (["agreement", "{p}", "-o", "{out}/agreement.html"], [], False),
    "machine add": (
        [
            "machine",
            "add",
            "{p}",
            "--name",
            "Llama",
            "--url",
            "http://127.0.0.1:9/v1",
            "--model",
            "m",
        ],
        [],
        False,
    ),
    "machine list": (["machine", "list", "{p}"], [], False),
    "machine runs": (["machine", "runs", "{p}", "--json"], [], False),
    "machine train": (["machine", "train", "{p}", "--name", "Auto", "--from", "Ana"], [], False),
    "machine code": (
        ["machine", "code", "{p}", "--name", "Auto", "--unvalidated"],
        [["machine", "train", "{p}", "--name", "Auto", "--from", "Ana"]],
        False,
    ),
    "machine validate": (
        ["machine", "validate", "{p}", "--name", "Nobody", "--against", "Ana,Ben"],
        [],
        True,
    ),
    "machine report": (["machine", "report", "{p}", "--name", "Nobody"], [], True),
    "machine next": (["machine", "next", "{p}", "--name", "Nobody", "--coder", "Ana"], [], True),
    "analyze cooccurrence": (["analyze", "cooccurrence", "{p}", "--within", "article"], [], False),
    "analyze frequencies": (["analyze", "frequencies", "{p}", "--by", "outlet"], [], False),
    "backup": (["backup", "{p}"], [], False),
    "backup --to": (["backup", "{p}", "--to", "{out}/copy.annotator"], [], False),
    "backups": (["backups", "{p}"], [], False),
    "check": (["check", "{p}", "--json"], [], False),
    "codebook export": (["codebook", "export", "{p}", "{out}/codebook.csv"], [], False),
    "codebook import": (
        ["codebook", "import", "{p}", "{out}/codebook.json"],
        [["codebook", "export", "{p}", "{out}/codebook.json"]],
        False,
    ),
    "codebook tag": (["codebook", "tag", "{p}", "pilot"], [], False),
    "codebook versions": (["codebook", "versions", "{p}"], [], False),
    "coders": (["coders", "{p}", "--json"], [], False),
    "coders add": (["coders", "{p}", "add", "Cleo"], [], False),
    "coders merge": (
        ["coders", "{p}", "merge", "Cleo", "Ana"],
        [["coders", "{p}", "add", "Cleo"]],
        False,
    ),
    "coders rename": (["coders", "{p}", "rename", "Ben", "Benedikt"], [], False),
    "codings import": (
        ["codings", "import", "{p}", "{out}/segments.csv"],
        [["export", "{p}", "--format", "segments", "-o", "{out}/segments.csv"]],
        False,
    ),
    "documents": (["documents", "{p}", "--json"], [], False),
    "export": (["export", "{p}", "--format", "matrix", "-o", "{out}/matrix.csv"], [], False),
    "import": (["import", "{p}", "{articles}"], [], False),
    "imports": (["imports", "{p}", "--json"], [], False),
    "merge": (["merge", "{p}", "{other}"], [], False),
    "new": (["new", "{out}/new.annotator", "--demo"], [], False),
    "repair": (["repair", "{p}"], [], False),
    "restore": (["restore", "{p}", "latest"], [["backup", "{p}"]], False),
    "sample": (["sample", "{p}", "--size", "2", "--coders", "Ana,Ben", "--seed", "7"], [], False),
    "search": (["search", "{p}", "worker*", "--json"], [], False),
    "search-rules delete": (["search-rules", "delete", "{p}", "workers"], [], False),
    "search-rules list": (["search-rules", "list", "{p}"], [], False),
    "search-rules rename": (["search-rules", "rename", "{p}", "workers", "labour"], [], False),
    "search-rules run": (
        ["search-rules", "run", "{p}", "workers", "--coder", "Ana"],
        [["search-rules", "tie", "{p}", "workers", A_CODE]],
        False,
    ),
    "search-rules tie": (["search-rules", "tie", "{p}", "workers", A_CODE], [], False),
    "sets": (["sets", "{p}"], [], False),
    "sets add": (["sets", "{p}", "add", "pilot", "--documents", FIRST], [], False),
    "sets create": (["sets", "{p}", "create", "trial", "--documents", FIRST], [], False),
    "sets delete": (["sets", "{p}", "delete", "pilot"], [], False),
    "sets list": (["sets", "{p}", "list"], [], False),
    "sets remove": (["sets", "{p}", "remove", "pilot", "--documents", FIRST], [], False),
    "sets show": (["sets", "{p}", "show", "pilot"], [], False),
    "status": (["status", "{p}", "--coder", "Ana", "--in-progress", FIRST], [], False),
    "stop-words": (["stop-words", "{p}", "en", "--add", "worker"], [], False),
    "trainee-report": (
        ["trainee-report", "{p}", "--coder", "Ben", "--reference", "Ana"],
        [],
        False,
    ),
    "words": (["words", "{p}", "--top", "5"], [], False),
    # Refused once the project is open: the error is one line, the project one file still.
    "status (unknown article)": (
        ["status", "{p}", "--coder", "Ana", "--done", "no-such-article"],
        [],
        True,
    ),
    "coders rename (unknown coder)": (["coders", "{p}", "rename", "Nobody", "Somebody"], [], True),
    "export (onto the project)": (["export", "{p}", "--format", "segments", "-o", "{p}"], [], True),
    "search (unknown code)": (["search", "{p}", "worker", "--within", "No > Such"], [], True),
    "sets show (unknown set)": (["sets", "{p}", "show", "no-such-set"], [], True),
}

#: The command run on the project before every case: a saved search and a set to work on.
SETUP = [
    ["search", "{p}", "worker*", "--save", "workers"],
    ["sets", "{p}", "create", "pilot", "--documents", FIRST],
]


def _leaf_commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names.extend(_leaf_commands(command, f"{prefix}{name} "))
            if command.invoke_without_command:  # `coders P` lists them
                names.append(f"{prefix}{name}")
        else:
            names.append(f"{prefix}{name}")
    return names


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, made once (each test works on a copy)."""
    path = tmp_path_factory.mktemp("demo") / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


@pytest.fixture
def places(tmp_path: Path, demo_file: Path) -> dict[str, str]:
    folder = tmp_path / "project"
    folder.mkdir()
    project = folder / "p.annotator"
    shutil.copy(demo_file, project)
    out = tmp_path / "out"
    out.mkdir()
    other = tmp_path / "other" / "other.annotator"
    other.parent.mkdir()
    shutil.copy(demo_file, other)
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "new-article.txt").write_text(
        "Workers return\n\nThe factory workers came home in May.\n", encoding="utf-8"
    )
    return {"p": str(project), "out": str(out), "other": str(other), "articles": str(articles)}


def _filled(args: list[str], places: dict[str, str]) -> list[str]:
    return [arg.format(**places) for arg in args]


def _left_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _side_files(folder: Path) -> list[str]:
    """Files SQLite or annotator keep beside a project while it is open, and hidden
    temporary files, anywhere under ``folder``."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name.endswith(("-wal", "-shm", "-journal", ".lock")) or p.name.startswith(".")
    )


def test_every_command_has_a_case() -> None:
    assert sorted(set(_leaf_commands(cli)) - {"gui"}) == sorted(
        {name.split(" (")[0] for name in CASES} - {"backup --to"}
    )


@pytest.mark.parametrize("name", list(CASES))
def test_after_a_command_the_project_is_one_file(
    name: str, places: dict[str, str], tmp_path: Path
) -> None:
    args, before, fails = CASES[name]
    for setup in [*SETUP, *before]:
        done = run(*_filled(setup, places))
        assert done.exit_code == 0, done.output
    project = Path(places["p"])
    result = run(*_filled(args, places))
    if fails:
        assert result.exit_code == 1, result.output
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    else:
        assert result.exit_code == 0, result.output
    assert _left_beside(project) == ["p.annotator"]
    assert _side_files(tmp_path) == []
    assert not locks_folder().exists() or list(locks_folder().iterdir()) == []
    assert _side_files(paths.data_dir()) == []  # the snapshots too are one file each
    with Project.open(project) as reopened:  # not held by anything: opens for writing
        assert reopened.integrity_problems() == []


READERS = ["agreement", "analyze frequencies", "check", "documents", "export", "search", "words"]


@pytest.mark.parametrize("name", READERS)
def test_a_reader_beside_a_writer_leaves_the_writers_log_alone(
    name: str, places: dict[str, str]
) -> None:
    project = Path(places["p"])
    with Project.open(project) as writer:
        writer.coders.add("Cy")
        wal = project.with_name("p.annotator-wal")
        assert wal.exists()
        result = run(*_filled(CASES[name][0], places))
        assert result.exit_code == 0, result.output
        assert wal.exists()  # still the writer's: only the last connection removes it
        writer.coders.add("Dee")
    assert _left_beside(project) == ["p.annotator"]
    with Project.open(project, read_only=True) as reader:
        assert {"Cy", "Dee"} <= {c.name for c in reader.coders.all()}
