"""Texts written for the legacy-detection tests in the languages of Europe's code pages, and
English as Windows-1252 writes it. Made up for these tests (a ferry strike in a harbour town)."""

from __future__ import annotations

# (name, text, the code page it is written in)
EUROPEAN = [
    (
        "finnish-cp1252",
        "Lautta ei lähtenyt satamasta tiistaina, koska väki jätti aluksen aamulla. Matkustajat "
        "odottivat laiturilla koko päivän, ja läheinen leipomo jakoi heille leipää.",
        "cp1252",
    ),
    (
        "finnish-latin1",
        "Matkustajat odottivat laiturilla koko päivän, ja läheinen leipomo jakoi heille leipää.",
        "latin_1",
    ),
    (
        "french-cp1252",
        "La grève des marins a bloqué le port pendant toute la journée. Être payé à temps, "
        "c'est déjà une fête pour l'équipage, a dit le délégué à la presse. Le maire espère "
        "une solution rapide et même une aide de l'État.",
        "cp1252",
    ),
    (
        "french-short-cp1252",
        "Être payé à temps, c'est déjà une fête pour la mère et le frère.",
        "cp1252",
    ),
    (
        "hungarian-cp1250",
        "A komp kedden nem indult el a kikötőből, mert a legénység reggel elhagyta a hajót. "
        "Az utasok egész nap a rakparton vártak, és egy pékség kenyeret osztott nekik. A hűvös "
        "szélben is türelmesek maradtak. A szakszervezet szerint a fizetések hónapok óta késnek.",
        "cp1250",
    ),
    (
        "romanian-cp1250",
        "Bărbatul a spus că pasagerii au rămas pe chei toată ziua, după ce echipajul a plecat.",
        "cp1250",
    ),
    (
        "czech-iso8859-2",
        "Trajekt v úterý nevyplul z přístavu, protože posádka ráno opustila loď. Cestující "
        "čekali celý den na nábřeží a pekárna jim rozdávala chléb. Odbory říkají, že mzdy se "
        "zpožďují už několik měsíců. Starosta je připraven mezi stranami zprostředkovat.",
        "iso8859_2",
    ),
    (
        "latvian-cp1257",
        "Vīrs teica, ka pasažieri gaidīja krastmalā visu dienu. Kuģis palika ostā.",
        "cp1257",
    ),
    ("polish-city-cp1250", "Łódź", "cp1250"),
    ("korean-hanja-gloss-euckr", "해양수산부(海洋水産部)는 발표했다.", "euc_kr"),
    ("korean-two-glosses-euckr", "통일부(統一部)와 국방부(國防部)는 발표했다.", "euc_kr"),
]

# English in Windows-1252 whose only characters beyond ASCII are punctuation and symbols.
ENGLISH = [
    (
        "no-break-spaces",
        "Ferry crew walks off \u00a0|\u00a0 Harbour desk \u00a0|\u00a0 12 March\n\n"
        "The night ferry did not sail on Tuesday after its crew left the ship at dawn, and more "
        "than 200 passengers waited on the quay for most of the day. The harbour office said "
        "eleven sailors handed their keys to the quay master and would not return until the "
        "wages owed for the winter were paid. \u00a0\nFamilies were taken to the waiting room of "
        "the old customs house, where volunteers from a bakery handed out bread and tea. The "
        "union said the dispute had gone on for months.\u00a0\n",
    ),
    (
        "pound",
        "The ferry company paid £4,500 in compensation and ¥300 for each ticket, the report said.",
    ),
    (
        "dash",
        "The captain — a veteran of the route — refused to sail, he told reporters on Monday.",
    ),
    (
        "bullets",
        "• Ferries stopped at dawn\n• Passengers waited on the quay\n• Talks go on on Thursday",
    ),
    ("apostrophes", "The union’s statement came a day after the company’s offer."),
]

HEBREW_PAGE = (
    "המעבורת לא יצאה מהנמל ביום שלישי, כי הצוות עזב את הספינה בבוקר. הנוסעים חיכו על הרציף כל "
    "היום, ומאפייה מקומית חילקה להם לחם ותה. לדברי האיגוד, המשכורות מתעכבות כבר כמה חודשים, "
    "והעובדים לא יחזרו לעבודה עד שישולם להם הכול. ראש העירייה אמר במסיבת עיתונאים שהוא מוכן "
    "לתווך בין הצדדים. החברה הודיעה שהיא מצטערת על אי הנוחות ושהמגעים עם נציגי הצוות נמשכים. "
    "תושבי האי אומרים שהמעבורת היא בשבילם כמו כביש, ושבלעדיה אי אפשר להגיע לבית הספר או לעבודה."
)
