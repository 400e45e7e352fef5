"""A web page's ``date`` is its publication date as the page states it, or nothing: never a
date found in the text, a footer, an address, a link or a modification time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from annotator.io.articles import read_article
from annotator.io.html import publication_date

BODY = """
<p>The night ferry to Orrin Island did not sail on Tuesday after its crew left the ship at
dawn, leaving two hundred passengers on the eastern quay for most of the day.</p>
<p>The harbour office said eleven sailors handed their keys to the quay master and would not
return until the wages owed for the winter season were paid in full.</p>
<p>Families with small children were taken to the waiting room of the old customs house,
where volunteers from a bakery nearby handed out bread and tea.</p>
"""


def page(head: str = "", body: str = "", before: str = "") -> bytes:
    return (
        f"{before}<html><head><title>Ferry crew walks off</title>{head}</head><body><article>"
        f"<h1>Ferry crew walks off</h1>{BODY}{body}</article></body></html>"
    ).encode()


NOT_PUBLICATION_DATES = {
    "date-in-text": page(body="<p>The ferry first sailed on 12 March 1998, the captain said.</p>"),
    "copyright": page(body="</article><footer>© 2019 Coastal Ledger Media</footer><article>"),
    "image-path": page(body="<img src='/uploads/2008/09/ferry.jpg' alt='The ferry'>"),
    "link": page(
        body="<p>See <a href='https://ex.com/2012/01/05/older.html'>an older story</a>.</p>"
    ),
    "modified-time": page("<meta property='article:modified_time' content='2024-02-02T10:00:00Z'>"),
    "json-ld-modified": page(
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"dateModified": "2024-02-02"}</script>'
    ),
    "json-ld-image": page(
        '<script type="application/ld+json">{"@type": "ImageObject", '
        '"datePublished": "2008-09-01"}</script>'
    ),
    "date-in-title": page(body="<h2>Remembering the strike of 1997-03-01</h2>"),
    "saved-from": page(before="<!-- saved from url=(0052)https://ex.com/2011/05/03/ferry.html -->"),
    "future": page("<meta property='article:published_time' content='2999-01-01'>"),
    "unreadable": page("<meta name='date' content='sometime in spring'>"),
}


@pytest.mark.parametrize("data", NOT_PUBLICATION_DATES.values(), ids=NOT_PUBLICATION_DATES.keys())
def test_dates_that_are_not_the_publication_date_fill_nothing(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "ferry.html"
    path.write_bytes(data)
    article = read_article(path)
    assert "ferry to Orrin Island" in article.text  # the page was read
    assert "date" not in article.metadata.values


PUBLICATION_DATES = {
    "open-graph": page("<meta property='article:published_time' content='2019-04-16T08:00:00Z'>"),
    "meta-date": page("<meta name='date' content='2019-04-16'>"),
    "dublin-core": page("<meta name='DC.date.issued' content='20190416'>"),
    "sailthru": page("<meta name='sailthru.date' content='Tue, 16 Apr 2019 08:00:00 GMT'>"),
    "json-ld-graph": page(
        '<script type="application/ld+json">{"@graph": [{"@type": "ImageObject", '
        '"datePublished": "2008-09-01"}, {"@type": ["NewsArticle"], '
        '"datePublished": "2019-04-16T23:30:00-05:00", "dateModified": "2024-02-02"}]}</script>'
    ),
    "microdata": page(body="<time itemprop='datePublished' datetime='2019-04-16'>16 April</time>"),
    "time-pubdate": page(body="<time pubdate datetime='2019-04-16T08:00'>Tuesday</time>"),
    "modified-beside-published": page(
        "<meta property='article:modified_time' content='2024-02-02'>"
        "<meta property='article:published_time' content='2019-04-16'>"
    ),
    "unreadable-then-readable": page(
        "<meta property='article:published_time' content='2019-13-45'>"
        "<meta name='dc.date' content='2019/04/16'>"
    ),
}


@pytest.mark.parametrize("data", PUBLICATION_DATES.values(), ids=PUBLICATION_DATES.keys())
def test_a_stated_publication_date_fills_date(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "ferry.html"
    path.write_bytes(data)
    assert read_article(path).metadata.values["date"] == "2019-04-16"


def test_tomorrow_is_still_a_date_and_the_day_after_is_not() -> None:
    today = dt.date(2025, 6, 30)
    tomorrow = page("<meta name='date' content='2025-07-01'>")
    after = page("<meta name='date' content='2025-07-02'>")
    assert publication_date(tomorrow, today) == "2025-07-01"
    assert publication_date(after, today) is None
