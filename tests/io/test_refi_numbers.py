"""Number variables in a .qdpx: xs:decimal has no exponent, so a number stored as ``1.2e-07``
is written out digit by digit (``0.00000012``), never rounded through a double; what cannot be
written as a decimal goes out as text, whole, and the export says so."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from annotator.domain.codebook import Codebook
from annotator.domain.model import Document, Variable, VariableType
from annotator.io.refi.reader import parse_xml, read_project
from annotator.io.refi.writer import MAX_DECIMAL, ProjectContent, build_project
from annotator.services import create_project
from annotator.services.merge import merge_file
from annotator.services.refi import export_qdpx

GUID = "0f1e2d3c-4b5a-4968-8776-655443322110"
DOCUMENT = Document(
    1, "5d6e7f80-9a0b-4c1d-8e2f-3a4b5c6d7e8f", "a1", "a1.txt", "", 4, "2025-03-01T12:00:00Z"
)
NS = {"q": "urn:QDA-XML:project:1.0"}


def _content(variables: dict[str, tuple[VariableType, str]]) -> ProjectContent:
    return ProjectContent(
        name="numbers",
        guid=GUID,
        codebook=Codebook([]),
        coders=[],
        documents=[DOCUMENT],
        text_of=lambda _: "Text",
        codings=[],
        memos=[],
        variables=[
            Variable(n, name, kind) for n, (name, (kind, _)) in enumerate(variables.items())
        ],
        values={1: {name: value for name, (_, value) in variables.items()}},
        statuses={},
        assigned=(),
    )


def _written(value: str) -> tuple[str, str, str]:
    """What the .qdpx holds for a number variable of this value: its REFI type, the value
    element and its text, as read back by the importer."""
    exported = build_project(_content({"p": (VariableType.NUMBER, value)}))
    root, _ = parse_xml(exported.qde, "project.qde")
    element = list(root.find(".//q:VariableValue", NS))[1]  # after its VariableRef
    read = read_project(root, [])
    [(_, kind)] = read.variables.values()
    [source] = read.sources
    assert list(source.values.values()) == [element.text]
    return kind, etree.QName(element).localname, element.text


def test_exponents_are_written_out_exactly() -> None:
    # The tester's values: 1.2e-07 was written as 0, 3.14159265e-2 as 0.031416.
    assert _written("1.2e-07") == ("Float", "FloatValue", "0.00000012")
    assert _written("3.14159265e-2") == ("Float", "FloatValue", "0.0314159265")
    assert _written("-1.5E+3") == ("Float", "FloatValue", "-1500")
    assert _written("1e308")[2] == "1" + "0" * 308
    assert _written("0.5") == ("Float", "FloatValue", "0.5")  # no exponent: as stored


@st.composite
def _numbers(draw: st.DrawFn) -> str:
    """Any exact number as someone may store it: any sign, 1 to 60 digits, a point anywhere
    or none, an exponent from -400 to 400 or none, in either case."""
    sign = draw(st.sampled_from(["", "-", "+"]))
    digits = draw(st.text("0123456789", min_size=1, max_size=60))
    point = draw(st.integers(0, len(digits)))
    mantissa = digits if point == len(digits) else f"{digits[:point]}.{digits[point:]}"
    if mantissa.startswith("."):
        mantissa = mantissa if len(mantissa) > 1 else "0"
    exponent = draw(st.none() | st.integers(-400, 400))
    letter = draw(st.sampled_from("eE"))
    return sign + mantissa + ("" if exponent is None else f"{letter}{exponent}")


@settings(max_examples=300, deadline=None)
@given(_numbers())
def test_any_exact_number_comes_back_with_the_same_value(value: str) -> None:
    kind, element, text = _written(value)
    assert (kind, element) == ("Float", "FloatValue")
    assert "e" not in text.lower()
    assert Decimal(text) == Decimal(value)


def test_what_a_decimal_cannot_hold_goes_out_as_text_and_is_reported() -> None:
    huge = "1e999999999"  # a billion digits written out: not attempted
    for value in (huge, "n/a"):  # "n/a": a value set by an import that did not check it
        exported = build_project(_content({"p": (VariableType.NUMBER, value)}))
        root, _ = parse_xml(exported.qde, "project.qde")
        assert root.find(".//q:Variable", NS).get("typeOfVariable") == "Text"
        assert root.find(".//q:TextValue", NS).text == value
        [loss] = exported.losses
        assert "variable 'p'" in loss
        assert value in loss
    assert _written("1e" + str(MAX_DECIMAL - 10))[0] == "Float"


HOSTILE = [
    "1.2e-07",
    "3.14159265e-2",
    "-7.25E+12",
    "5e-324",
    "1.7976931348623157e308",
    "123456789012345678901234567890.123456789e-5",
    "0.5",
    "-0e5",
    "42",
]


def test_a_qdpx_round_trip_keeps_every_number(tmp_path: Path) -> None:
    archive = tmp_path / "p.qdpx"
    with create_project(tmp_path / "p.annotator", with_default_codebook=False) as project:
        number = project.documents.define_variable("p_value", VariableType.NUMBER)
        for n, value in enumerate(HOSTILE):
            document = project.documents.add(f"a{n}", f"a{n}.txt", f"Article {n} on arrivals.")
            project.documents.set_values(document.id, {number.id: value})
        export_qdpx(project, archive)
    with zipfile.ZipFile(archive) as packed:
        written = re.findall(rb"<FloatValue>([^<]*)</FloatValue>", packed.read("project.qde"))
    assert len(written) == len(HOSTILE)
    assert not [v for v in written if b"e" in v.lower()]
    with create_project(tmp_path / "back.annotator", with_default_codebook=False) as back:
        merge_file(back, archive)
        found = {d.name: back.documents.values(d.id)["p_value"] for d in back.documents.all()}
    assert {name: Decimal(v) for name, v in found.items()} == {
        f"a{n}": Decimal(v) for n, v in enumerate(HOSTILE)
    }
