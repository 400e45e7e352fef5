"""The benchmark script keeps working (small sizes; the figures themselves are not asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "benchmarks" / "run.py"
KEYS = {
    "open_uncoded_s",
    "open_10k_s",
    "open_ratio",
    "apply_code_ms",
    "remove_code_ms",
    "open_project_10k_docs_s",
    "peak_rss_mb",
    "agreement_60k_s",
    "character_level_1mb_s",
    "export_long_200k_s",
    "export_wide_200k_s",
    "qdpx_export_25k_s",
    "qdpx_import_25k_s",
    "codebook_import_10k_s",
    "qdc_import_10k_s",
    "import_exports_10k_s",
    "article_list_sort_10k_ms",
    "import_preview_sort_10k_ms",
    "legacy_text_5k_ms",
    "near_duplicate_check_50k_s",
    "near_duplicate_index_10k_s",
    "retrieval_200k_ms",
    "analysis_frequencies_200k_s",
    "analysis_cooccurrence_200k_s",
    "analysis_frequencies_wide_s",
    "analysis_window_update_ms",
    "search_10k_ms",
    "search_regex_10k_s",
    "autocode_5k_hits_s",
    "autocode_sentence_5k_hits_s",
    "search_index_import_overhead_pct",
    "search_window_first_page_ms",
    "agreement_drift_12_s",
    "search_unspaced_context_s",
    "machine_train_2k_s",
    "machine_code_1k_s",
    "machine_peak_rss_mb",
    "machine_llm_1k_s",
    "machine_suggestions_ms",
}


@pytest.mark.slow
def test_quick_benchmark_prints_every_key_as_json(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    listed = subprocess.run(
        [sys.executable, str(SCRIPT), "--keys"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout.split()
    # Exactly the keys --keys lists (and the README describes); the bundle's only where
    # packaging/build.py has built one (a quick run sizes it but does not start it), else a
    # note saying why they are missing.
    bundle = {"bundle_size_mb", "bundle_start_s"}
    assert set(figures) - bundle - {"bundle_note"} == set(listed) - bundle
    assert "bundle_size_mb" in figures or "no bundle built" in figures["bundle_note"]
    assert set(figures) >= KEYS
    assert all(isinstance(figures[key], (int, float)) and figures[key] > 0 for key in KEYS)
    assert figures["sizes"] == "quick"
