"""BIGKinds-shaped Excel downloads written for the tests with xlsxwriter: the headers of the
Korea Press Foundation's news archive download, in their order, and rows of invented Korean
articles (about an invented harbour town, Belma) — with full texts, or with the 200-character
leads BIGKinds gives where the full text is not licensed."""

from __future__ import annotations

import io

HEADERS = [
    "뉴스 식별자",
    "일자",
    "언론사",
    "기고자",
    "제목",
    "통합 분류1",
    "통합 분류2",
    "통합 분류3",
    "사건/사고 분류1",
    "사건/사고 분류2",
    "사건/사고 분류3",
    "인물",
    "위치",
    "기관",
    "키워드",
    "특성추출(가중치순 상위 50개)",
    "본문",
    "URL",
    "분석제외 여부",
]
_PARAGRAPH = (
    "벨마 항구의 동쪽 부두가 일주일 동안의 보수 공사를 마치고 수요일 아침 다시 문을 열었다. "
    "항만 관리청은 삼월 폭풍으로 무너진 방파제 두 곳을 고쳤으며 섬으로 가는 여객선이 금요일부터 "
    "이 부두를 다시 이용한다고 밝혔다. 관리청은 공사비가 사월에 정한 예산 안에서 집행되었다고 "
    "설명했다. 주민들은 겨울 시간표가 유월 말까지 유지된다는 소식을 반겼다. "
)
ROWS = [
    {
        "뉴스 식별자": "01100101.20190501090000001",
        "일자": "20190501",
        "언론사": "벨마일보",
        "기고자": "한지은 기자",
        "제목": "벨마 동부두 다시 문 열어",
        "통합 분류1": "사회>지역",
        "통합 분류2": "경제>교통",
        "인물": "한지은",
        "위치": "벨마,동부두",
        "기관": "벨마항만관리청",
        "키워드": "벨마,부두,보수,공사,여객선",
        "특성추출(가중치순 상위 50개)": "부두,여객선,방파제",
        "본문": _PARAGRAPH * 2,
        "URL": "https://news.example.org/belma/1",
    },
    {
        "뉴스 식별자": "02100201.20190502100000002",
        "일자": "20190502",
        "언론사": "항구신문",
        "기고자": "",
        "제목": "오른곶 등대에 다시 등대지기",
        "통합 분류1": "문화>생활",
        "위치": "오른곶",
        "키워드": "등대,등대지기,박물관",
        "본문": "오른곶 등대에 목요일 두 명의 등대지기가 다시 들어왔다. 등대가 자동화된 지 "
        "십이 년 만이다. 이들은 올여름 옛 기관실에 문을 여는 박물관도 돌본다. " * 3,
        "URL": "https://news.example.org/belma/2",
        "분석제외 여부": "예외",
    },
    {
        "뉴스 식별자": "01100101.20190503080000003",
        "일자": "20190503",
        "언론사": "벨마일보",
        "기고자": "오민수 기자",
        "제목": "야간 여객선 운항 취소",
        "통합 분류1": "사회>사건_사고",
        "사건/사고 분류1": "교통사고>해상",
        "본문": "금요일 밤 벨마와 섬을 잇는 야간 여객선이 강풍으로 운항하지 못했다. "
        "선사는 토요일 첫 배부터 정상 운항한다고 밝혔다. " * 4,
        "URL": "https://news.example.org/belma/3",
    },
]


def bigkinds_xlsx(*, leads: bool = False) -> bytes:
    """The download; with ``leads``, each text cut to its first 200 characters."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("sheet")
    sheet.write_row(0, 0, HEADERS)
    for number, row in enumerate(ROWS, start=1):
        values = dict(row)
        if leads:
            values["본문"] = values["본문"][:200]
        sheet.write_row(number, 0, [values.get(header, "") for header in HEADERS])
    book.close()
    return out.getvalue()
