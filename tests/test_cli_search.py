"""`annotator search`, `search-rules`, `words` and `stop-words` as a user runs them on the demo
project: the hits agree with the articles' text, coding from the hits counts what it made,
rules run again on new articles, and every bad input is one line with nothing written."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from annotator.storage import Project
from tests.conftest import SHARED_CORPUS
from tests.test_cli import assert_one_line_error, run


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.annotator"
    assert run("new", path, "--demo").exit_code == 0
    return path


def texts(path: Path) -> dict[int, str]:
    with Project.open(path, read_only=True) as project:
        return project.documents.texts()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content(path: Path) -> tuple[object, ...]:
    """What a command may have written: codings, saved searches, stop-word changes."""
    with Project.open(path, read_only=True) as project:
        return tuple(
            project.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("codings", "saved_searches", "stop_word_changes")
        )


def test_json_rows_are_hits_in_the_stored_text(demo_path: Path) -> None:
    result = run("search", demo_path, 'broker* OR "border region"', "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    stored = texts(demo_path)
    assert (found["hits"], found["articles"]) == (3, 2)
    for row in found["rows"]:
        text = stored[row["document_id"]]
        assert text[row["start"] : row["end"]] == row["hit"]
        assert text[: row["start"]].endswith(row["left"])
        assert text[row["end"] :].startswith(row["right"])
    assert {row["hit"].lower() for row in found["rows"]} == {"brokers", "border region"}


def test_csv_has_one_row_per_hit_with_the_articles_variables(
    demo_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "hits.csv"
    result = run("search", demo_path, "seoul", "--where", "outlet~dispatch", "-o", target)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows
    assert list(rows[0])[:7] == ["document_id", "document", "start", "end", "left", "hit", "right"]
    assert {"title", "outlet", "date", "author"} <= set(rows[0])
    assert all("dispatch" in row["outlet"].lower() for row in rows)
    assert all(row["hit"].lower() == "seoul" for row in rows)


def test_the_text_table_counts_every_hit(demo_path: Path) -> None:
    result = run("search", demo_path, "north", "--limit", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    assert "[North]" in lines[0]
    assert lines[-1].endswith("(showing 2)")


def test_coding_the_sentences_of_the_hits(demo_path: Path) -> None:
    options = ("--code", "Actor type > Diplomat", "--unit", "sentence", "--coder", "Ben")
    before = digest(demo_path)
    dry = run("search", demo_path, "embassy", *options, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert planned["dry_run"] is True
    assert planned["codings"] > 0
    assert digest(demo_path) == before  # nothing written
    done = run("search", demo_path, "embassy", *options, "--save", "embassy")
    assert done.exit_code == 0, done.output
    count, articles = planned["codings"], planned["articles"]
    assert done.stdout.startswith(f"coded {count} passage{'s' * (count != 1)} in {articles} ")
    with Project.open(demo_path, read_only=True) as project:
        ben = project.coders.find("Ben").id
        made = [c for c in project.codings.for_coder(ben) if c.origin]
        assert len(made) == planned["codings"]
        stored = project.documents.texts()
        for coding, passage in zip(made, planned["passages"], strict=True):
            assert (coding.start, coding.end) == (passage["start"], passage["end"])
            assert coding.start is not None
            assert "embassy" in stored[coding.document_id][coding.start : coding.end].lower()
    again = run("search", demo_path, "embassy", *options)
    assert again.stdout.startswith("coded 0 passages")
    listed = run("search-rules", "list", demo_path, "--json")
    (rule,) = json.loads(listed.stdout)
    assert (rule["name"], rule["code"], rule["unit"]) == (
        "embassy",
        "Actor type > Diplomat",
        "sentence",
    )


def test_rules_run_again_on_articles_imported_later(demo_path: Path, tmp_path: Path) -> None:
    saved = run("search", demo_path, "broker*", "--save", "brokers")
    assert saved.exit_code == 0, saved.output
    tie = run("search-rules", "tie", demo_path, "brokers", "Motive > Subsistence")
    assert tie.exit_code == 0, tie.output
    first = run("search-rules", "run", demo_path, "brokers", "--coder", "Ana", "--on", "all")
    assert first.exit_code == 0, first.output
    article = tmp_path / "new.txt"
    article.write_text("Brokers arranged a new route.\n", encoding="utf-8")
    assert run("import", demo_path, article).exit_code == 0
    second = run("search-rules", "run", demo_path, "all", "--coder", "Ana", "--json")
    assert second.exit_code == 0, second.output
    (report,) = json.loads(second.stdout)
    assert (report["articles_searched"], report["codings"]) == (1, 1)
    renamed = run("search-rules", "rename", demo_path, "brokers", "broker fees")
    assert renamed.exit_code == 0
    deleted = run("search-rules", "delete", demo_path, "broker fees")
    assert deleted.exit_code == 0
    assert json.loads(run("search-rules", "list", demo_path, "--json").stdout) == []


def test_a_rules_new_articles_are_new_for_each_coder(demo_path: Path, tmp_path: Path) -> None:
    """Ana running a rule on new articles leaves them new for Ben (one mark for all coders
    made Ben's run code nothing, silently)."""
    coded = run(
        "search", demo_path, "money", "--code", "Motive > Subsistence", "--coder", "Ana",
        "--save", "money",
    )  # fmt: skip
    assert coded.exit_code == 0, coded.output

    def codings(coder: str, *extra: str) -> int:
        result = run("search-rules", "run", demo_path, "money", "--coder", coder, "--json", *extra)
        assert result.exit_code == 0, result.output
        (report,) = json.loads(result.stdout)
        return int(report["codings"])

    assert codings("Ben") > 1  # never ran it: every article is new to him
    article = tmp_path / "late.txt"
    article.write_text("late story\n\nThey sent money home.\n", encoding="utf-8")
    assert run("import", demo_path, article).exit_code == 0
    assert codings("Ben", "--dry-run") == 1
    assert codings("Ana") == 1
    assert codings("Ben") == 1
    assert codings("Ben") == 0
    (rule,) = json.loads(run("search-rules", "list", demo_path, "--json").stdout)
    with Project.open(demo_path, read_only=True) as project:
        newest = max(project.documents.texts())
    assert rule["marks"] == {"Ana": newest, "Ben": newest}


def test_word_frequencies_and_stop_words(demo_path: Path, tmp_path: Path) -> None:
    result = run("words", demo_path, "--top", "5", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [row["word"] for row in rows][:2] == ["south", "north"]
    changed = run("stop-words", demo_path, "en", "--add", "south,north")
    assert changed.exit_code == 0, changed.output
    rows = json.loads(run("words", demo_path, "--top", "5", "--json").stdout)["rows"]
    assert "south" not in [row["word"] for row in rows]
    within = run("words", demo_path, "--within", "Motive > Political", "-o", tmp_path / "w.csv")
    assert within.exit_code == 0, within.output
    assert (tmp_path / "w.csv").read_text(encoding="utf-8").startswith("word,count,articles")


def test_agreement_without_search_codings(demo_path: Path) -> None:
    coded = run("search", demo_path, "embassy", "--code", "Actor type > Diplomat", "--coder", "Ben")
    assert coded.exit_code == 0
    result = run(
        "agreement", demo_path, "--level", "document", "--no-interval", "--without-search-codings"
    )
    assert result.exit_code == 0, result.output
    assert "codings made by a search are left out" in result.stdout
    both = run("agreement", demo_path, "--without-search-codings", "--only-search-codings")
    assert_one_line_error(both, "exclude each other")


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (("(broker",), "position 1: '(' is never closed"),
        (("a(", "--regex"), "not a valid regular expression"),
        (("NOT broker",), "NOT needs a word before it"),
        (("broker", "--where", "nope=1"), "there is no variable 'nope'"),
        (("broker", "--where", "outlet"), "is not a condition"),
        (("broker", "--within", "Nothing > Here"), "the codebook has no code"),
        (("broker", "--coders", "Ana"), "give --within CODE too"),
        (("broker", "--code", "Motive > Political"), "--code needs --coder"),
        (("broker", "--code", "Nope", "--coder", "Ana"), "the codebook has no code 'Nope'"),
        (("broker", "--code", "Motive", "--coder", "Ana"), "is a dimension"),
        (("broker", "--code", "Motive > Political", "--coder", "Zed"), "no coder named 'Zed'"),
        (("broker", "--unit", "sentence"), "go with --code CODE"),
        (("broker", "--context", "99999"), "--context"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    demo_path: Path, arguments: tuple[str, ...], fragment: str
) -> None:
    before = content(demo_path)
    result = run("search", demo_path, *arguments)
    if "--context" in arguments:  # click's own range check: a usage error, exit 2
        assert result.exit_code == 2
        assert fragment in result.output
        return
    assert_one_line_error(result, fragment)
    assert content(demo_path) == before


@pytest.mark.parametrize(
    "arguments",
    [("stop-words", "xx", "--add", "foo"), ("words", "--language", "xx")],
)
def test_a_language_without_stop_words_is_refused_in_one_line(
    demo_path: Path, arguments: tuple[str, ...]
) -> None:
    before = content(demo_path)
    command, *rest = arguments
    result = run(command, demo_path, *rest)
    assert_one_line_error(result, "there is no stop-word list for 'xx': the languages with one")
    assert content(demo_path) == before


def test_a_rule_file_with_a_missing_code_is_refused_naming_the_file(
    demo_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "format": "annotator-codebook",
                "dimensions": [],
                "searches": [{"name": "x", "query": "fee", "code": "Motive > Gone"}],
            }
        ),
        encoding="utf-8",
    )
    before = content(demo_path)
    result = run("codebook", "import", demo_path, path)
    assert_one_line_error(result, "rules.json, line 1: saved search 'x' is tied to the code")
    assert content(demo_path) == before


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="the shared corpus is not here")
def test_the_real_articles_searched_as_a_user_would(tmp_path: Path) -> None:
    path = tmp_path / "real.annotator"
    assert run("new", path).exit_code == 0
    assert run("import", path, SHARED_CORPUS).exit_code == 0
    stored = texts(path)
    for query in ("remittance*", '"North Korea"', "defector* AND china", "seoul NOT shanghai"):
        result = run("search", path, query, "--json")
        assert result.exit_code == 0, result.output
        found = json.loads(result.stdout)
        assert found["hits"] > 0, query
        for row in found["rows"]:
            assert stored[row["document_id"]][row["start"] : row["end"]] == row["hit"]
            if "NOT" in query:
                assert "shanghai" not in stored[row["document_id"]].lower()
    assert run("coders", path, "add", "Ana").exit_code == 0
    coded = run(
        "search",
        path,
        "remittance*",
        "--code",
        "Motive > Subsistence",
        "--unit",
        "paragraph",
        "--coder",
        "Ana",
    )
    assert coded.exit_code == 0, coded.output
    assert coded.stdout.startswith("coded ")
