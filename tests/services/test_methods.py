"""The methods paragraph states the report's own figures, the stored sample design and the
codebook version — and leaves out what the project does not record."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.io.agreement_files import report_html
from annotator.services.agreement import Request, measure
from annotator.services.codebook_versions import tag_version
from annotator.services.methods import methods_of
from annotator.services.sample_design import DesignSpec, draw_design
from annotator.storage import Project
from tests.test_cli import demo_path, run

__all__ = ["demo_path"]  # the fixture, used by name


def test_the_paragraph_states_the_reports_figures_and_nothing_unrecorded(demo: Project) -> None:
    request = Request(levels=("document", "character"))
    report = measure(demo, request)
    methods = methods_of(demo, request, report)
    text = methods.text
    assert f"on {report.documents} articles" in text
    assert "2 coders (Ana and Ben)" in text
    assert "sample" not in text
    assert methods.design is None
    for m in report.measures:
        if m.scope == "overall" and m.krippendorff_alpha is not None:
            assert f"α = {m.krippendorff_alpha:.3f}".replace("0.", ".", 1) in text
            assert m.alpha_ci95 is not None
            low = f"{m.alpha_ci95[0]:.3f}".replace("0.", ".", 1)
            assert f"[{low}, " in text
            assert f"N = {m.units:,} " in text
    assert [d["level"] for d in methods.as_dict()["measures"]] == ["document", "character"]


def test_a_design_is_stated_only_when_the_articles_compared_are_the_samples(
    demo: Project,
) -> None:
    draw_design(demo, DesignSpec(["Ana", "Ben"], seed=5, size=4))
    tag_version(demo, "v1 pilot")
    on_sample = Request(levels=("document",), interval=False, counted_by="assigned")
    methods = methods_of(demo, on_sample, measure(demo, on_sample))
    assert methods.articles == 4
    assert "The reliability sample of 4 of " in methods.text
    assert "(seed 5; SHA-256 rank)" in methods.text
    assert "codebook version 'v1 pilot'" in methods.text
    assert "bootstrap" not in methods.text  # no interval was computed: none is claimed
    assert methods.design is not None
    assert methods.design["seed"] == 5
    # Every done article is compared: the figures do not rest on the sample, so it is not named.
    every = Request(levels=("document",), interval=False)
    methods = methods_of(demo, every, measure(demo, every))
    assert methods.articles == 8
    assert "sample" not in methods.text
    assert methods.design is None


def test_the_versions_count_only_the_codings_compared(demo: Project) -> None:
    draw_design(demo, DesignSpec(["Ana", "Ben"], seed=5, size=3))
    request = Request(levels=("document",), interval=False, counted_by="assigned")
    report = measure(demo, request)
    sample = {
        d
        for d, _ in demo.db.execute(
            "SELECT document_id, coder_id FROM document_status WHERE assigned = 1"
        )
    }
    methods = methods_of(demo, request, report)
    in_sample = sum(1 for d, *_ in demo.codings.rows() if d in sample)
    assert in_sample < demo.codings.count()  # the sample holds fewer codings than the project
    counted = methods.versions
    assert (
        counted["before_versions"]
        + counted["untagged"]
        + sum(t["codings"] for t in counted["by_tag"])
        == in_sample
    )


def test_the_cli_writes_the_paragraph_to_json_and_html(demo_path: Path, tmp_path: Path) -> None:
    result = run("agreement", demo_path, "--level", "document", "--no-interval", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["methods"]["articles"] == data["documents"]
    page = tmp_path / "report.html"
    result = run("agreement", demo_path, "--level", "document", "--no-interval", "-o", page)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<h2>Methods paragraph</h2>" in html
    assert "Inter-coder reliability was assessed on" in html


def test_the_paragraph_is_escaped_in_html(demo: Project) -> None:
    report = measure(demo, Request(levels=("document",), interval=False))
    page = report_html(report, methods="<script>x</script> & more")
    assert "<script>x" not in page
    assert "&lt;script&gt;x&lt;/script&gt; &amp; more" in page


def test_a_comparison_with_the_consensus_is_not_called_independent_coding(
    demo: Project,
) -> None:
    """The consensus is made from the coders' own codings: the paragraph may not say it coded
    the articles independently, nor that it counts an article once marked done."""
    from annotator.domain.model import Choice
    from annotator.services.consensus import review
    from annotator.services.consensus_decide import decide

    ana, ben = demo.coders.lookup("Ana"), demo.coders.lookup("Ben")
    assert ana is not None
    assert ben is not None
    for difference in review(demo, "Ana", "Ben").differences[:3]:
        decide(demo, ana, ben, difference, Choice.FIRST)
    request = Request(coders=["Ana", "consensus"], levels=("document",), interval=False)
    text = methods_of(demo, request, measure(demo, request)).text
    assert "independently by 2 coders (Ana and consensus)" not in text
    assert "not an independent coding" in text
    assert "for the consensus once it held a consensus coding or a review decision" in text
    both = Request(coders=["Ana", "Ben", "consensus"], levels=("document",), interval=False)
    text = methods_of(demo, both, measure(demo, both)).text
    assert "coded independently by 2 coders (Ana and Ben)" in text
    assert "not an independent coding" in text
