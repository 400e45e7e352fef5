"""Imports of the news databases of issue 19, run by ``run.py``: synthetic downloads of each
(ProQuest text and e-mailed HTML, Europresse HTML, Factiva tagged text and XML (PPS), APA RTF,
a BIGKinds-shaped sheet with its Korean headers) for the intake benchmark's mix; the 3.6 MB
ProQuest download through the command line (keys ``import_proquest_500_*``); a BIGKinds sheet
of 100,000 rows (``import_bigkinds_*``).

Each download is written in the layout its reader recognises (as the invented fixtures of
tests/io/news/fixtures/ are), around texts the caller gives: ``stories`` are ``(number,
text)`` pairs, paragraphs split by blank lines.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from email.message import EmailMessage
from html import escape
from pathlib import Path

from tests.io.news.bigkinds import HEADERS as BIGKINDS_HEADERS

Stories = Sequence[tuple[int, str]]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août")
_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _words(text: str) -> int:
    return len(text.split())


def proquest_text(stories: Stories) -> str:
    """A ProQuest plain-text download with "Document N of M" lines, one paragraph a line
    after "Full text:", then the labelled fields."""
    parts = []
    rule = "_" * 60
    for position, (number, text) in enumerate(stories, start=1):
        day, month = 1 + number % 28, _MONTHS[number % 12]
        title = f"Story {number}: talks at the harbour"
        body = "\n".join(_paragraphs(text))
        parts.append(
            f"{rule}\n\nDocument {position} of {len(stories)}\n\n{title}\n\n"
            f"https://www.proquest.com/newspapers/x/docview/{2_200_000_000 + number}/se-2\n\n"
            f"Abstract: None available.\n\nLinks: https://library.example/openurl?id={number}\n\n"
            f"Full text: {body}\n\nSubject: Harbours; Ferries\n\nTitle: {title}\n\n"
            f"Author: Reporter {number % 50}\n\n"
            "Publication title: The Coastal Ledger; Port Velmar\n\nPublication year: 2019\n\n"
            f"Publication date: {month} {day}, 2019\n\nSection: Harbour\n\n"
            "Publisher: Coastal Ledger Media\n\nPlace of publication: Port Velmar\n\n"
            "Language of publication: English\n\nDocument type: News\n\n"
            f"ProQuest document ID: {2_200_000_000 + number}\n\n"
            f"Document URL: https://www.proquest.com/newspapers/story/docview/"
            f"{2_200_000_000 + number}/se-2\n\nCopyright: Copyright Coastal Ledger Media 2019\n\n"
            "Last updated: 2019-05-01\n\nDatabase: Island Newsstream\n\n"
        )
    parts.append(
        f"{rule}\n\nContact us at: https://proquest.example/contact\n"
        "Database copyright © 2026 ProQuest LLC. All rights reserved.\n"
    )
    return "".join(parts)


_P = '<p style="margin-bottom:5pt; margin-top:0; margin-right:0; margin-left:0; padding:0;">'


def proquest_email(stories: Stories) -> bytes:
    """The results ProQuest e-mails (newer layout): a MIME message whose HTML part, quoted-
    printable, holds each record with a citation line and the full text nested as HTML."""
    records = []
    for number, text in stories:
        document = 3_300_000_000 + number
        paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in _paragraphs(text))
        records.append(
            f'<div style="margin-bottom:20pt;padding-bottom:5pt"><a name="DocID_MSTAR_{document}">'
            f'</a>{_P}</p><p style="font-size:11pt;font-weight:bold;">'
            f"Story {number}: talks at the harbour</p>{_P}"
            f'<span class="scholUnivAuthors"><span class="truncatedAuthor">Reporter {number % 50}.'
            '</span></span><span class="newspaperArticle"><strong>The Coastal Ledger</strong>'
            f"&nbsp;{1 + number % 28} Jun 2021.</span>&nbsp;</p>"
            f"{_P}<strong>Author:  </strong>Reporter {number % 50}</p>"
            f'{_P}<a href="https://www.proquest.com/docview/{document}/se-2">ProQuest document '
            f"link</a></p>{_P}<strong>Abstract:  </strong>None available.</p>"
            f'{_P}<strong>Full text: </strong><Text WordCount="{_words(text)}" '
            f'HTMLContent="true"><html><head><title></title></head><body>{paragraphs}'
            "</body></html></Text></p>"
            f"{_P}<strong>Subject: </strong>Harbours; Ferries</p>"
            f"{_P}<strong>Section: </strong>Harbour</p>"
            f"{_P}<strong>Publication title: </strong>The Coastal Ledger</p>"
            f"{_P}<strong>Publication date: </strong>Jun {1 + number % 28}, 2021</p>"
            f"{_P}<strong>ProQuest document ID: </strong>{document}</p>"
            f"{_P}<strong>Document URL: </strong>"
            f'<a href="https://www.proquest.com/docview/{document}">'
            f"https://www.proquest.com/docview/{document}</a></p>"
            f"{_P}<strong>Database: </strong>Island Newsstream</p></div>"
        )
    html = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
        'charset=utf-8"><title>Document Email</title></head><body><table class="body"><tr><td>'
        "<p>Your results:</p><table><tr><td>"
        + "".join(records)
        + '</td></tr></table><div class="copyright">Database copyright © 2021 ProQuest LLC. '
        "All rights reserved.</div></td></tr></table></body></html>"
    )
    message = EmailMessage()
    message["From"] = "noreply@proquest.com"
    message["To"] = "researcher@university.example"
    message["Subject"] = "Your ProQuest Research - harbour"
    message["Date"] = "Tue, 15 Jun 2021 01:02:03 -0400"
    message.set_content(html, subtype="html", cte="quoted-printable")
    return bytes(message)


def europresse_html(stories: Stories) -> str:
    """A Europresse HTML download in the current layout (one ``<article>`` per document)."""
    parts = []
    for number, text in stories:
        day = 1 + number % 28
        weekday, month = _JOURS[number % 7], _MOIS[number % 8]
        code = f"news·2019{1 + number % 8:02d}{day:02d}·CV·{number:06d}"
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(text))
        parts.append(
            '<article> <header> <img sourcecode="CV" src="logo.gif" /> <div> '
            '<span class="DocPublicationName">Le Courrier de Velmar, no. 1204   </span> </div> '
            f'<div> <span class="DocHeader">Port, {weekday} {day} {month} 2019, p. 4</span> '
            '</div> <div><p>PORT</p></div> <div class="titreArticle"> '
            f'<p class="titreArticleVisu">Histoire {number} : le port en débat</p> </div> '
            f"<div>Reporter {number % 50}</div> </header> <section> "
            f'<div class="DocText"> <div class="docOcurrContainer">{paragraphs}</div> </div> '
            "</section> <aside> <div> <b>Note(s) : </b> </div> </aside> <footer> "
            "<small>© 2019 Le Courrier de Velmar. Tous droits réservés.</small> "
            f'<p>Numéro de document : {code}</p> <div id="divPubliC">'
            f'<span id="PubliC_lblNodoc">{code}</span> <span>Date d\'émission : '
            "<b>2020-01-04</b></span></div> </footer> </article>"
        )
    return (
        '<!DOCTYPE html> <html> <head> <meta charset="utf-8"> <title></title> </head> <body> '
        + "".join(parts)
        + " </body> </html>"
    )


def factiva_tagged(stories: Stories) -> str:
    """A Factiva tagged plain-text download (HD, BY, WC, PD, SN, SC, LA, CY, LP, TD, AN)."""
    parts = [" \n\n\n"]
    for number, text in stories:
        paragraphs = _paragraphs(text)
        lead, rest = paragraphs[:1], paragraphs[1:]
        parts.append(
            f" HD\n Story {number}: talks at the harbour \n   BY\nReporter {number % 50}\n"
            f"   WC\n{_words(text)} words\n   PD\n{1 + number % 28} April 2019\n"
            "   SN\nThe Coastal Ledger\n   SC\nCLEDG\n   LA\nEnglish\n"
            "   CY\n(c) 2019 Coastal Ledger Media Ltd\n\n   LP\n"
            + "".join(f" {p} \n\n" for p in lead)
            + "   TD\n"
            + "".join(f" {p} \n\n" for p in rest)
            + "   NS\nglab : Labour/Personnel | gcat : Political/General News\n"
            f"   AN\nDocument cledg000{number:08d}ef4g0000a\n  \n\n\n\n"
        )
    return "".join(parts)


def factiva_xml(stories: Stories) -> str:
    """A Factiva XML (PPS) download: one ``<article>`` per document."""
    parts = []
    for number, text in stories:
        paragraphs = _paragraphs(text)
        lead = "".join(f"<paragraph>{escape(p)}</paragraph>" for p in paragraphs[:1])
        tail = "".join(f"<paragraph>{escape(p)}</paragraph>" for p in paragraphs[1:])
        parts.append(
            f"<ppsarticle><article><accessionNo>VELMR000{number:08d}ef5100001</accessionNo>"
            "<baseLanguage>EN</baseLanguage><copyright>(c) 2019 Velmar Courier</copyright>"
            f"<headline><paragraph>Story {number}: talks at the harbour</paragraph></headline>"
            f"<byline>By Reporter {number % 50}</byline><sectionName>Harbour</sectionName>"
            f"<leadParagraph>{lead}</leadParagraph><pages><page>4</page></pages>"
            f"<publicationDate><dateTime>2019-05-{1 + number % 28:02d}T06:04:00Z</dateTime>"
            "</publicationDate><sourceName>Velmar Courier</sourceName>"
            '<region code="vel"><name>Velmar</name></region><sourceCode>VELMR</sourceCode>'
            f"<tailParagraphs>{tail}</tailParagraphs><wordCount>{_words(text)}</wordCount>"
            "</article></ppsarticle>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<PPSResponse><ppsArticleResponse '
        f'xmlns="http://global.factiva.com/pps/2.0"><ppsarticleResultSet count="{len(stories)}">'
        + "".join(parts)
        + "</ppsarticleResultSet></ppsArticleResponse></PPSResponse>\n"
    )


def apa_rtf(stories: Stories) -> str:
    """An APA-OnlineManager RTF download: a source line, "Ressort:", a bold headline and the
    paragraphs of each article, articles separated by ``\\sect``."""
    parts = [
        "{\\rtf1\n{\\info\n{\\title RTF Datei}\n{\\author AOMweb}\n}\n"
        "\\paperw11900\\paperh16840\\f1\\fs16{\\fonttbl{\\f1 Dialog;}{\\f2 SansSerif;}}\n"
        "{\\colortbl;\\red255\\green255\\blue255;\\red0\\green0\\blue0;}\n"
        "{\\header\\pard\\f1\\fs20{{\\trowd\\cellx6982\\cellx10700\n"
        "\\f1\\b\\fs22\\pard\\intbl\\cf2 APA-OnlineManager\\plain\\cell\n"
        "\\f1\\b\\fs22\\pard\\intbl\\qr\\cf2 14.05.2019\\plain\\cell\n"
        "\\pard\\intbl\\row\n\\pard}\n}\n\\par}\n"
    ]
    for number, text in stories:
        paragraphs = "".join(f"\\cf2 {p} \\par\\par" for p in _paragraphs(text))
        parts.append(
            "{\\cbpat1\\widctlpar\\cf2\\f1\\i\\b0\\fs20 "
            f'"Velmarer Nachrichten" vom {1 + number % 28:02d}.05.2019 Seite: {1 + number % 40}'
            "\\par\\cf2 Ressort: Lokal\\par\\f1\\i0\\b0\\fs20\\par\\par"
            f"\\cf2\\f2\\b\\i0\\fs20 Geschichte {number}: Streit am Hafen\\f1\\i0\\b0\\fs20  "
            f"\\par\\par{paragraphs}\n\\par}}\\f1\\i0\\b0\\fs20\\sect\n"
        )
    parts.append("}")
    return "".join(parts)


_KOREAN_PROSE = (
    "벨마 항구의 동쪽 부두가 일주일 동안의 보수 공사를 마치고 수요일 아침 다시 문을 열었다 "
    "항만 관리청은 삼월 폭풍으로 무너진 방파제 두 곳을 고쳤으며 섬으로 가는 여객선이 금요일부터 "
    "이 부두를 다시 이용한다고 밝혔다 관리청은 공사비가 사월에 정한 예산 안에서 집행되었다고 "
    "설명했다 주민들은 겨울 시간표가 유월 말까지 유지된다는 소식을 반겼다 등대지기 박물관 "
    "기관실 선사는 토요일 첫 배부터 정상 운항한다고 강풍으로 운항하지 못했다"
)
_KOREAN_WORDS = _KOREAN_PROSE.split()


def korean_text(characters: int, rng: random.Random) -> str:
    """Invented Korean prose of about ``characters`` characters, its words drawn at random
    (so that no two texts are near-duplicates)."""
    words = rng.choices(_KOREAN_WORDS, k=max(4, characters // 4))
    sentences = [" ".join(words[i : i + 9]) + "." for i in range(0, len(words), 9)]
    return " ".join(sentences)[:characters]


def korean_stories(count: int, characters: int, seed: int = 19) -> list[tuple[int, str]]:
    """``count`` stories of invented Korean prose of ``characters`` characters each."""
    rng = random.Random(seed)
    return [(number, korean_text(characters, rng)) for number in range(count)]


#: One headline in ten is a daily column's ("today's weather"): names repeat as in BIGKinds.
_DAILY = "오늘의 날씨"


def bigkinds_rows(stories: Stories) -> Iterator[list[str]]:
    """The rows of a BIGKinds download (header first), one per story."""
    yield list(BIGKINDS_HEADERS)
    outlets = ("벨마일보", "항구신문", "섬소식", "동부두일보")
    for number, text in stories:
        day = f"2019{1 + number % 12:02d}{1 + number % 28:02d}"
        values = {
            "뉴스 식별자": f"0110010{number % 3}.{day}090000{number:06d}",
            "일자": day,
            "언론사": outlets[number % len(outlets)],
            "기고자": f"기자{number % 50}",
            "제목": _DAILY if number % 10 == 3 else f"벨마 소식 {number}",
            "통합 분류1": "사회>지역",
            "통합 분류2": "경제>교통" if number % 2 else "",
            "인물": "한지은",
            "위치": "벨마,동부두",
            "기관": "벨마항만관리청",
            "키워드": "벨마,부두,보수,공사,여객선",
            "특성추출(가중치순 상위 50개)": "부두,여객선,방파제",
            "본문": text,
            "URL": f"https://news.example.org/belma/{number}",
        }
        yield [values.get(header, "") for header in BIGKINDS_HEADERS]


def write_bigkinds_xlsx(path: Path, stories: Stories) -> None:
    """A BIGKinds-shaped Excel download of ``stories`` at ``path`` (xlsxwriter, in constant
    memory: cells written as Excel writes them inline, row by row)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    sheet = book.add_worksheet("sheet")
    for row, values in enumerate(bigkinds_rows(stories)):
        sheet.write_row(row, 0, values)
    book.close()


# -- the benchmarks ----------------------------------------------------------------------------

Writer = Callable[[Path, Stories], None]


def _text_writer(make: Callable[[Stories], str]) -> Writer:
    return lambda path, stories: path.write_text(make(stories), encoding="utf-8")


#: The downloads of issue 19 in the intake benchmark's mix (run.py adds the first importers'
#: Factiva HTML and LexisNexis Academic text): a file name pattern and a writer each.
NEW_FORMATS: tuple[tuple[str, Writer], ...] = (
    ("proquest-{:05d}.txt", _text_writer(proquest_text)),
    ("proquest-{:05d}.eml", lambda path, stories: path.write_bytes(proquest_email(stories))),
    ("europresse-{:05d}.html", _text_writer(europresse_html)),
    ("factiva-tagged-{:05d}.txt", _text_writer(factiva_tagged)),
    ("factiva-{:05d}.xml", _text_writer(factiva_xml)),
    ("apa-{:05d}.rtf", _text_writer(apa_rtf)),
    ("bigkinds-{:05d}.xlsx", write_bigkinds_xlsx),
)

_ENGLISH_PROSE = (
    "the harbour board met on tuesday to discuss the ferry timetable after a winter of storms "
    "councillors asked the operator to restore the night crossing while fishermen complained "
    "that the new quay was too short for their boats and the port authority promised a study"
)
_ENGLISH = _ENGLISH_PROSE.split(" ")


def english_text(characters: int, rng: random.Random) -> str:
    """Invented English prose of about ``characters`` characters, in paragraphs."""
    paragraphs, size = [], 0
    while size < characters:
        paragraph = " ".join(rng.choices(_ENGLISH, k=rng.randint(40, 120))).capitalize() + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


PROQUEST_CLI_KEYS = {"import_proquest_500_s", "import_proquest_500_mb"}
BIGKINDS_KEYS = {
    "import_bigkinds_100k_s",
    "import_bigkinds_100k_peak_rss_mb",
    "import_bigkinds_rows",
}


def bench_proquest_cli(folder: Path, records: int = 500) -> dict[str, float]:
    """A ProQuest text download of 500 records (3.6 MB, as the real one issue 19 names)
    imported by ``annotator import`` into a new project, in a fresh process each time: the
    command's wall time, its start-up included (median of 3, after a first run that compiles
    the modules as an installation would have)."""
    from annotator.storage import Project

    rng = random.Random(500)
    stories = [(number, english_text(6_300, rng)) for number in range(records)]
    path = folder / "proquest-500.txt"
    path.write_text(proquest_text(stories), encoding="utf-8")
    root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "ANNOTATOR_HOME": str(folder / "home"),
        "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def annotator(*arguments: str | Path) -> None:
        subprocess.run(
            [sys.executable, "-m", "annotator", *map(str, arguments)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )

    times = []
    for attempt in range(4):
        target = folder / f"proquest-cli-{attempt}.annotator"
        annotator("new", target)
        started = time.perf_counter()
        annotator("import", target, path)
        if attempt:  # the first compiles the modules
            times.append(time.perf_counter() - started)
        with Project.open(target, read_only=True) as project:
            assert project.documents.count() == records, project.documents.count()
    return {
        "import_proquest_500_s": statistics.median(times),
        "import_proquest_500_mb": round(path.stat().st_size / 2**20, 2),
    }


def bench_bigkinds(
    folder: Path, rows: int, import_child: Callable[[str, Path], dict[str, float]]
) -> dict[str, float]:
    """A BIGKinds-shaped sheet of ``rows`` rows (Korean headers, texts of 600 characters, one
    headline in ten the same) into a new project by ``import_child`` (a fresh process); one
    run."""
    path = folder / "bigkinds-large.xlsx"
    write_bigkinds_xlsx(path, korean_stories(rows, 600))
    run = import_child(str(path), folder / "bigkinds-large.annotator")
    assert run["imported"] == rows, (run, rows)
    return {
        "import_bigkinds_100k_s": run["seconds"],
        "import_bigkinds_100k_peak_rss_mb": run["peak_rss_mb"],
        "import_bigkinds_rows": rows,
    }
