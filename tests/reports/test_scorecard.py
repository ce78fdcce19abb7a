"""The scorecard of Decision 766 (issue 23, item 6): the definition is data and checked; each indicator is
counted from the dossiers of the demo history (compared here with counts made row by row in Python);
the ratings of the public lookup make the satisfaction group; the page and its CSV / XLSX in Vietnamese."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections import Counter
from datetime import date
from importlib import resources

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hoso.reports import scorecard
from hoso.reports.models import Rating
from hoso.reports.ratings import RatingRefused, rate
from hoso.workflow.models import Dossier, Result

SHIPPED = json.loads(resources.files("hoso.reports").joinpath("scorecard.json").read_text(encoding="utf-8"))
JAN_2016 = date(2016, 1, 1)


def test_the_shipped_definition_has_the_decisions_five_groups():
    spec = scorecard.definition()
    assert [(g.key, g.points) for g in spec.groups] == [
        ("transparency", 18), ("progress", 20), ("digitisation", 22), ("online", 22), ("satisfaction", 18),
    ]  # fmt: skip
    assert sum(g.points for g in spec.groups) == 100 and all(18 <= g.points <= 22 for g in spec.groups)
    assert spec.grade(90) == "Xuất sắc" and spec.grade(89.9) == "Tốt" and spec.grade(0) == "Yếu"
    assert spec.grade(None) == ""


@pytest.mark.parametrize(
    "change, complaint",
    [
        (lambda d: d["groups"][0].update(points=23), "not 18–22"),
        (lambda d: d["groups"][0]["indicators"][0].update(points=5), "do not sum"),
        (lambda d: d["groups"][1]["indicators"][0].update(query="made_up"), "no source query"),
        (lambda d: d["groups"][1]["indicators"][0].update(floor=1.0), "floor < target"),
        (lambda d: d["groups"].pop(), "five groups"),
        (lambda d: d["grades"].pop(), "lowest grade"),
    ],
)
def test_a_definition_that_breaks_the_decision_is_refused(change, complaint):
    data = copy.deepcopy(SHIPPED)
    change(data)
    with pytest.raises(scorecard.DefinitionError, match=complaint):
        scorecard.parse_definition(data)


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 0.9), st.floats(0.01, 1))
def test_points_grow_with_the_rate_between_none_and_all(a, b, floor, span):
    target = min(1.0, floor + span)
    if target <= floor:
        return
    indicator = scorecard.Indicator("x", "x", "x", "rating", 20.0, floor, target)
    low, high = sorted((a, b))
    assert 0.0 <= indicator.earned(low) <= indicator.earned(high) <= 20.0
    assert indicator.earned(target) == 20.0 and indicator.earned(floor) == 0.0


def _local_month(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m}"


@pytest.mark.django_db
def test_the_scorecard_of_the_demo_history_counts_what_the_dossiers_recorded(history):
    first, last = date(2015, 9, 1), date(2016, 3, 1)
    scores = scorecard.compute(scorecard.Span(first, last))
    assert scores, "the demo history has dossiers"
    by_key = {(s.office, s.month): s for s in scores}

    # Counted again row by row: online (electronic) and machine-readable shares of the dossiers received.
    received, online, digitised, coded = Counter(), Counter(), Counter(), Counter()
    for d in Dossier.objects.all():
        key = (d.office_id, _local_month(d.received_at))
        received[key] += 1
        online[key] += d.channel == "electronic"
        digitised[key] += d.channel in ("electronic", "barcode")
        coded[key] += bool(d.national_code)
    # Finished on time: results recorded by the due date (Hanoi days), and refusals during processing.
    finished, on_time = Counter(), Counter()
    for r in Result.objects.select_related("dossier"):
        key = (r.dossier.office_id, _local_month(r.recorded_at))
        finished[key] += 1
        on_time[key] += timezone.localtime(r.recorded_at).date() <= r.dossier.due_date
    for d in Dossier.objects.filter(status="refused"):
        key = (d.office_id, _local_month(d.status_changed_at))
        finished[key] += 1
        on_time[key] += timezone.localtime(d.status_changed_at).date() <= d.due_date
    assert on_time and finished and sum(online.values()) and sum(received.values()) > sum(online.values())

    seen_finished = 0
    for key, n in received.items():
        if not ("2015-09" <= key[1] <= "2016-03"):
            continue
        counts = {i.indicator.query: (i.counted, i.out_of) for i in by_key[key].indicators}
        assert counts["received_online"] == (online[key], n)
        assert counts["received_digitised"] == (digitised[key], n)
        assert counts["national_code"] == (coded[key], n)
        assert counts["receipt_notified"] == (0, n)  # the history was made before notices to submitters
        assert counts["finished_on_time"] == (on_time[key], finished[key])
        seen_finished += finished[key]
    assert seen_finished

    for s in scores:
        assert s.total is None or 0 <= s.total <= 100
        assert s.grade == scorecard.definition().grade(s.total)
        rating_score = next(i for i in s.indicators if i.indicator.query == "rating")
        assert rating_score.points is None  # no rating yet: left out, the total over the rest
    # The all-offices row sums the offices' counts.
    month = "2016-01"
    offices = [s for s in scores if s.month == month and s.office]
    together = by_key[("", month)]
    for index, indicator in enumerate(together.indicators):
        assert indicator.counted == sum(s.indicators[index].counted for s in offices)
        assert indicator.out_of == sum(s.indicators[index].out_of for s in offices)

    # One office's scorecard (and its sub-offices') is its row of the all-offices one.
    office = offices[0].office
    alone = scorecard.compute(scorecard.Span(date(2016, 1, 1), date(2016, 1, 1), office))
    assert [(s.office, s.month) for s in alone] == [(office, month)]
    assert [(i.counted, i.out_of) for i in alone[0].indicators] == [
        (i.counted, i.out_of) for i in offices[0].indicators
    ]

    # Ratings left through the lookup make the satisfaction group: (mean − 1) / 4 of its 18 points.
    done = list(Dossier.objects.filter(status__in=["result_ready", "handed_over"]).order_by("pk")[:3])
    assert len(done) == 3
    for dossier, stars in zip(done, ("5", "4", "2"), strict=True):
        assert isinstance(rate(dossier, stars, "Cán bộ hướng dẫn tận tình"), Rating)
    assert isinstance(rate(done[0], "1", ""), RatingRefused), "once per dossier"
    today = timezone.localdate().replace(day=1)
    now_scores = scorecard.compute(scorecard.Span(today, today))
    satisfaction = {s.office: s for s in now_scores}[""]
    group = next(g for g in scorecard.definition().groups if g.key == "satisfaction")
    rated = next(i for i in satisfaction.indicators if i.indicator.query == "rating")
    assert (rated.counted, rated.out_of) == (4 + 3 + 1, 12)
    assert satisfaction.group_points(group) == round(18 * 8 / 12, 2)
    assert satisfaction.possible == 18 and satisfaction.total == 66.7  # only ratings this month: 12 of 18


@pytest.mark.django_db
def test_the_page_and_its_downloads_are_in_vietnamese(history, client):
    from tests.reports.test_outbox import _login

    _login(client, username="giamdoc.kiemthu", role="director", office="001")
    page = client.get("/reports/chi-so-phuc-vu/", {"thang": "01/2016"})
    assert page.status_code == 200
    text = page.content.decode()
    for words in ("Chỉ số phục vụ", "Công khai, minh bạch", "Tiến độ, kết quả giải quyết", "Số hoá hồ sơ, kết quả",
                  "Cung cấp dịch vụ trực tuyến", "Mức độ hài lòng", "Tất cả cơ quan", "01/2016"):  # fmt: skip
        assert words in text, words
    assert "2016-01" not in text
    response = client.get(
        "/reports/chi-so-phuc-vu/", {"thang": "01/2016", "format": "csv", "table": "indicators"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Cơ quan", "Tháng", "Nhóm chỉ số", "Chỉ số"]
    assert {r[1] for r in rows[1:]} == {"01/2016"}
    assert "chi-so-phuc-vu-2016-01" in response["Content-Disposition"]
    book = client.get("/reports/chi-so-phuc-vu/", {"thang": "01/2016", "format": "xlsx"})
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(book.content)).sheetnames
    assert sheets == ["Điểm theo cơ quan", "Các chỉ số"]
    office = Dossier.objects.values_list("office_id", flat=True).first()
    one = client.get("/reports/chi-so-phuc-vu/", {"thang": "01/2016", "office": office}).content.decode()
    assert f"Các chỉ số của cơ quan {office}" in one and "Tất cả cơ quan</strong>" not in one
    assert (
        client.get(
            "/reports/chi-so-phuc-vu/", {"thang": "01/2016", "office": office, "format": "csv"}
        ).status_code
        == 200
    )
    bad = client.get("/reports/chi-so-phuc-vu/", {"thang": "13/2016"})
    assert bad.status_code == 200 and "mm/yyyy" in bad.content.decode()


@pytest.mark.django_db
def test_a_rating_that_cannot_be_kept_is_refused_in_words(history, client):
    done = Dossier.objects.filter(status__in=["result_ready", "handed_over"]).first()
    waiting = Dossier.objects.exclude(status__in=["result_ready", "handed_over", "refused"]).first()
    for stars in ("6", "0", "năm", ""):
        assert "từ 1 sao (rất không hài lòng) đến 5 sao" in rate(done, stars, "").message
    assert "Góp ý dài quá 1000 ký tự" in rate(done, "4", "x" * 1001).message
    assert "Hồ sơ chưa có kết quả" in rate(waiting, "5", "").message
    assert not Rating.objects.exists()

    # Through the lookup: the rating is a look-up too — a wrong code finds nothing and keeps nothing.
    code = done.unit_id or done.commune_id
    wrong = client.post("/tra-cuu/", {"so": done.number, "ma": "SAI", "diem": "5"}).content.decode()
    assert "Không có hồ sơ nào mang số và mã này." in wrong and not Rating.objects.exists()
    refused = client.post("/tra-cuu/", {"so": done.number, "ma": code, "diem": "9"}).content.decode()
    assert 'id="rating-refused"' in refused and 'id="found"' in refused and not Rating.objects.exists()
    kept = client.post(
        "/tra-cuu/", {"so": done.number, "ma": code, "diem": "4", "gop_y": "Nhanh"}
    ).content.decode()
    assert "Cảm ơn bạn: đánh giá đã được ghi nhận." in kept and Rating.objects.get().score == 4
    again = client.post("/tra-cuu/", {"so": done.number, "ma": code, "diem": "1"}).content.decode()
    assert "Hồ sơ này đã được đánh giá ngày" in again and Rating.objects.get().score == 4
    assert (
        client.get(
            "/tra-cuu/", {"so": waiting.number, "ma": waiting.unit_id or waiting.commune_id}
        ).status_code
        == 200
    )
