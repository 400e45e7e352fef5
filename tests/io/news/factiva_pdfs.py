"""Factiva "Article Format" PDFs written for the tests with matplotlib's PDF backend (a test
dependency): invented articles in Factiva's layout — header lines, a bold headline, body
paragraphs wrapped over several lines, "Document <accession number>" — flowing over A4 pages
with Factiva's footer."""

from __future__ import annotations

import io
import textwrap

ARTICLES = [
    {
        "header": ["Harbour"],
        "headline": "Quay in Port Velmar reopens",
        "after": [
            "By Ada Lind",
            "118 words",
            "1 May 2019",
            "Velmar Courier",
            "VELMR",
            "English",
            "(c) 2019 Velmar Media. All rights reserved.",
        ],
        "body": [
            "The eastern quay of Port Velmar reopened on Wednesday morning after a week of "
            "repairs to the stone wall that the March storms had broken in two places.",
            "Ferries to the islands will use it again from Friday, the harbour board said, and "
            "the timetable of the winter months will hold until the end of June.",
            "The board said the cost of the work had stayed within the budget it set in April.",
        ],
        "document": "Document VELMR00020190501ef5100001",
    },
    {
        "header": [],
        "headline": "Lighthouse keepers return to Cape Orn",
        "after": [
            "74 words",
            "2 May 2019",
            "Velmar Courier",
            "VELMR",
            "English",
            "(c) 2019 Velmar Media. All rights reserved.",
        ],
        "body": [
            "Two keepers moved back into the lighthouse at Cape Orn on Thursday, twelve years "
            "after the light was automated and the last keeper left the island for good.",
            "They will look after the museum that opens in the old engine room this summer.",
        ],
        "document": "Document VELMR00020190502ef5200002",
    },
]
# Lines of body text at this width, as Factiva's PDF sets them.
WIDTH = 80
LINES_PER_PAGE = 25  # the page breaks inside the second article's first paragraph


def factiva_pdf(
    articles: list[dict[str, object]] = ARTICLES, *, cut: bool = False, footer: bool = True
) -> bytes:
    """The PDF; with ``cut``, the last article stops before its "Document …" line; without
    ``footer``, Factiva's footer is left off the pages."""
    import matplotlib

    matplotlib.use("pdf")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    rows: list[tuple[str, bool, float]] = []  # text, bold, space above in lines
    for number, article in enumerate(articles, start=1):
        rows.append(("", False, 0.0)) if number > 1 else None
        for line in article["header"]:  # type: ignore[attr-defined]
            rows.append((line, False, 1.0))
        rows.append((str(article["headline"]), True, 1.0))
        for line in article["after"]:  # type: ignore[attr-defined]
            rows.append((line, False, 1.0))
        for paragraph in article["body"]:  # type: ignore[attr-defined]
            for at, line in enumerate(textwrap.wrap(paragraph, WIDTH)):
                rows.append((line, False, 1.0 if at else 2.0))
        if not (cut and number == len(articles)):
            rows.append((str(article["document"]), False, 2.0))
    pages: list[list[tuple[str, bool, float]]] = [[]]
    for row in rows:
        if len(pages[-1]) >= LINES_PER_PAGE:
            pages.append([])
        pages[-1].append(row)
    out = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(out) as pdf:
        for number, page in enumerate(pages, start=1):
            figure = Figure(figsize=(8.27, 11.69))
            y = 0.95
            for text, bold, space in page:
                y -= 0.015 * space
                if text:
                    weight = "bold" if bold else "normal"
                    figure.text(0.08, y, text, fontsize=9, fontweight=weight)
            line = f"Page {number} of {len(pages)} © 2019 Factiva, Inc. All rights reserved."
            if footer:
                figure.text(0.08, 0.03, line, fontsize=7)
            pdf.savefig(figure)
    return out.getvalue()
