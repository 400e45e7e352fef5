"""read_variables_csv: declared and inferred types, values, and errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import BadFileError, UserError
from annotator.domain.model import VariableType
from annotator.io.variables_csv import check_value, match_files, read_variables_csv
from tests.helpers import refused
from tests.helpers import write as write_file


def write(tmp_path: Path, text: str, name: str = "variables.csv") -> Path:
    return write_file(tmp_path, name, text)


def bad(path: Path, line: int | None) -> BadFileError:
    return refused(read_variables_csv, path, line)


def test_declared_types(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "file,outlet:category,date:date,author\n"
        "01_restaurant-workers.txt,Northeast Asia Dispatch,2016-05-21,Hye-won Kang\n"
        "02_security-officer.txt,Pacific Wire,2017-09-12,Daniel Mercer\n",
    )
    table = read_variables_csv(path)
    assert table.types == {
        "outlet": VariableType.CATEGORY,
        "date": VariableType.DATE,
        "author": VariableType.TEXT,
    }
    assert table.values == {
        "01_restaurant-workers.txt": {
            "outlet": "Northeast Asia Dispatch",
            "date": "2016-05-21",
            "author": "Hye-won Kang",
        },
        "02_security-officer.txt": {
            "outlet": "Pacific Wire",
            "date": "2017-09-12",
            "author": "Daniel Mercer",
        },
    }
    assert table.lines == {"01_restaurant-workers.txt": 2, "02_security-officer.txt": 3}


def test_type_names_are_case_and_space_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "file, words : NUMBER ,when:Date\na.txt,12,2019-01-01\n")
    table = read_variables_csv(path)
    assert table.types == {"words": VariableType.NUMBER, "when": VariableType.DATE}


def test_declared_text_keeps_numbers_as_text(tmp_path: Path) -> None:
    path = write(tmp_path, "file,issue:text\na.txt,0042\nb.txt,17\n")
    table = read_variables_csv(path)
    assert table.types == {"issue": VariableType.TEXT}
    assert table.values["a.txt"] == {"issue": "0042"}


def test_inferred_types(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "file,words,published,mixed,outlet,empty\n"
        "a.txt,812,2016-05-21,12,Pacific Wire,\n"
        "b.txt,1034.5,2017-09-12,2017-09-12,Daily Star,\n"
        "c.txt,-3,2018-01-02,many,12,\n"
        "d.txt,,,,,\n",
    )
    table = read_variables_csv(path)
    assert table.types == {
        "words": VariableType.NUMBER,
        "published": VariableType.DATE,
        "mixed": VariableType.TEXT,
        "outlet": VariableType.TEXT,
        "empty": VariableType.TEXT,
    }
    # Empty values are left out, not stored as empty strings.
    assert table.values["d.txt"] == {}
    assert table.values["c.txt"] == {
        "words": "-3",
        "published": "2018-01-02",
        "mixed": "many",
        "outlet": "12",
    }


def test_values_are_stripped_and_bom_ignored(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufefffile,outlet\r\n  a.txt  ,  Pacific Wire  \r\n".encode())
    table = read_variables_csv(path)
    assert table.values == {"a.txt": {"outlet": "Pacific Wire"}}
    assert table.types == {"outlet": VariableType.TEXT}


def test_quoted_values_with_commas_and_newlines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'file,headline,author\na.txt,"Defectors, again: ""we left""","Kang, Hye-won"\n'
        'b.txt,"Two\nlines",Mercer\nc.txt,Plain,Lee\n',
    )
    table = read_variables_csv(path)
    assert table.values["a.txt"] == {
        "headline": 'Defectors, again: "we left"',
        "author": "Kang, Hye-won",
    }
    assert table.values["b.txt"]["headline"] == "Two\nlines"
    assert table.lines == {"a.txt": 2, "b.txt": 3, "c.txt": 5}


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet\n\na.txt,Wire\n,\nb.txt,Star\n")
    table = read_variables_csv(path)
    assert table.lines == {"a.txt": 3, "b.txt": 5}


# -- errors --------------------------------------------------------------------------------


def test_missing_file_column(tmp_path: Path) -> None:
    path = write(tmp_path, "filename,outlet\na.txt,Wire\n")
    assert "'file'" in bad(path, 1).problem


def test_unknown_type_in_header(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet:categorical\na.txt,Wire\n")
    error = bad(path, 1)
    assert "categorical" in error.problem
    for kind in VariableType:
        assert kind.value in error.problem


def test_same_variable_twice_in_header(tmp_path: Path) -> None:
    path = write(tmp_path, "file,date:date,date:text\na.txt,2019-01-01,x\n")
    assert "date" in bad(path, 1).problem


def test_duplicate_file_row_names_the_earlier_line(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet\na.txt,Wire\nb.txt,Star\n\na.txt,Herald\n")
    error = bad(path, 5)
    assert "a.txt" in error.problem
    assert "line 2" in error.problem


def test_empty_file_cell(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet\na.txt,Wire\n ,Star\n")
    assert "file" in bad(path, 3).problem


@pytest.mark.parametrize("value", ["16/04/2019", "2019-02-30", "yesterday", "2019-4-16"])
def test_invalid_date_under_a_date_column(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"file,date:date\na.txt,2019-04-16\nb.txt,2019-04-17\nc.txt,{value}\n")
    error = bad(path, 4)
    assert value in error.problem
    assert "date" in error.problem


def test_invalid_number_under_a_number_column(tmp_path: Path) -> None:
    path = write(tmp_path, "file,words:number\na.txt,812\nb.txt,eight hundred\n")
    assert "eight hundred" in bad(path, 3).problem


def test_invalid_date_after_a_multiline_cell(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'file,headline,date:date\na.txt,"One\nTwo\nThree",2019-04-16\nb.txt,Four,2019-13-01\n',
    )
    bad(path, 5)


def test_row_with_more_fields_than_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet\na.txt,Wire\nb.txt,Star,extra\n")
    error = bad(path, 3)
    assert "3" in error.problem
    assert "2" in error.problem


def test_row_with_fewer_fields_is_padded(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet,author\na.txt,Wire\n")
    assert read_variables_csv(path).values == {"a.txt": {"outlet": "Wire"}}


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("file,outlet\na.txt,Wire\nb.txt,Café Zürich\n".encode("cp1252"))
    assert "UTF-8" in bad(path, 3).problem


def test_binary_file(tmp_path: Path) -> None:
    # A valid header, then binary data (NUL bytes): refused as a whole, not read as values.
    path = tmp_path / "data.csv"
    path.write_bytes(b"file,outlet\na.txt,IHDR\x00\x00\x00\x08\x06\x00\x00\x00\x1f\n")
    assert "binary" in bad(path, None).problem


def test_empty_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    bad(path, 1)


def test_quote_inside_a_quoted_field(tmp_path: Path) -> None:
    path = write(tmp_path, 'file,outlet\na.txt,Wire\nb.txt,"Pacific" Wire\nc.txt,Star\n')
    assert "CSV" in bad(path, 3).problem


def test_unclosed_quote_names_the_line_it_opens_on(tmp_path: Path) -> None:
    # The quote opened on line 3 swallows the rest of the file; the line to fix is 3,
    # not the last line of the file.
    path = write(
        tmp_path, 'file,outlet\na.txt,Wire\nb.txt,"Pacific Wire\nc.txt,Star\nd.txt,Herald\n'
    )
    assert "CSV" in bad(path, 3).problem


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1_000", "0x1A", "１２"])
def test_only_plain_decimal_numbers_count_as_numbers(value: str) -> None:
    with pytest.raises(UserError, match="not a number"):
        check_value(value, VariableType.NUMBER)
    assert check_value(" -12.5e3 ", VariableType.NUMBER) == "-12.5e3"


@pytest.mark.parametrize("value", ["20190416", "2019-W16-2", "2019-4-16", "2019-02-30"])
def test_dates_must_be_year_month_day(value: str) -> None:
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        check_value(value, VariableType.DATE)


def test_a_name_like_nan_is_text_not_a_number(tmp_path: Path) -> None:
    path = tmp_path / "vars.csv"
    path.write_text("file,author\na.txt,Nan\n", encoding="utf-8")
    assert read_variables_csv(path).types["author"] is VariableType.TEXT


# -- matching rows to files by relative path -------------------------------------------------

SOURCES = ["nyt/day1.txt", "wapo/day1.txt", "nyt/day2.txt", "extra/wire/day3.txt"]


def test_paths_are_written_with_forward_slashes(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet\n./nyt\\day1.txt,NYT\n  wapo/day1.txt ,WaPo\n")
    assert read_variables_csv(path).values == {
        "nyt/day1.txt": {"outlet": "NYT"},
        "wapo/day1.txt": {"outlet": "WaPo"},
    }


def test_rows_match_by_relative_path_or_unique_trailing_part(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "file,outlet\nnyt/day1.txt,NYT\nwapo/day1.txt,WaPo\nday2.txt,NYT\nwire/day3.txt,Wire\n"
        "gone.txt,Nobody\n",
    )
    rows, warnings = match_files(read_variables_csv(path), SOURCES)
    assert rows == {0: "nyt/day1.txt", 1: "wapo/day1.txt", 2: "day2.txt", 3: "wire/day3.txt"}
    assert warnings == ["variables.csv, line 6: no article file 'gone.txt' in this import"]


def test_a_bare_name_of_two_files_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet\nday2.txt,NYT\nday1.txt,NYT\n")
    with pytest.raises(BadFileError) as caught:
        match_files(read_variables_csv(path), SOURCES)
    assert str(caught.value) == (
        "variables.csv, line 3: 'day1.txt' matches 2 files of this import (nyt/day1.txt, "
        "wapo/day1.txt); name each file by its path as the import knows it (nyt/day1.txt)"
    )


def test_part_of_a_name_is_no_match(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet\nay1.txt,NYT\nt/day1.txt,NYT\n")
    rows, warnings = match_files(read_variables_csv(path), SOURCES)
    assert rows == {}
    assert len(warnings) == 2


def test_two_rows_for_one_file_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "file,outlet\nnyt/day2.txt,NYT\nday2.txt,Other\n")
    with pytest.raises(BadFileError) as caught:
        match_files(read_variables_csv(path), SOURCES)
    assert caught.value.line == 3
    assert "'day2.txt' and 'nyt/day2.txt' (line 2) both name nyt/day2.txt" in str(caught.value)


def test_identifiers_that_look_like_numbers_are_typed_as_text(tmp_path: Path) -> None:
    from annotator.domain.model import VariableType
    from annotator.io.variables_csv import read_variables_csv

    csv_file = tmp_path / "meta.csv"
    csv_file.write_text(
        "file,tweet_id,zip,words,share\n"
        "a.txt,1234567890123456789,02134,812,0.25\n"
        "b.txt,1234567890123456790,10001,95,1e-3\n",
        encoding="utf-8",
    )
    table = read_variables_csv(csv_file)
    types = table.types
    assert types["tweet_id"] is VariableType.TEXT
    assert types["zip"] is VariableType.TEXT
    assert types["words"] is VariableType.NUMBER
    assert types["share"] is VariableType.NUMBER
