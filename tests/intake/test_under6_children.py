"""Issue 20, item 9: a child of an under-6 health-card list who is 6 (72 months) or older on the filing day
is not received — the list is. The child is a warning of the accepted submission (row, name, birth date),
marked excluded in the decoded content (the evidence is untouched), gets no card, and is named on the
desk's submission page and the printed receipt; a list where every child is 6 or older is refused."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pypdfium2
import pytest
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from hoso.barcode import make_chunks
from hoso.dossier import parse_envelope
from hoso.intake.blobstore import blob_store
from hoso.intake.checks import is_6_or_older
from hoso.intake.desk import receive_scanner_text
from hoso.intake.models import Submission
from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.results import Document, card_valid_to, children_of
from tests.intake.conftest import pki, signers, trusted, unit  # noqa: F401 — fixtures
from tests.workflow.conftest import (  # noqa: F401 — fixtures
    JAN_2016,
    children_envelope,
    fast_passwords,
    officers,
    receive_children,
)

pytestmark = pytest.mark.django_db

# Filed on Tuesday 05/01/2016 (JAN_2016): a child born 05/01/2010 is 72 months old that day; 06/01/2010, 71.
UNDER = ("Nguyễn Văn Bé", "12/03/2015", "1")
TURNS_6_TODAY = ("Lê Văn Lớn", "05/01/2010", "1")
ONE_DAY_SHORT = ("Phạm Thị Vừa", "06/01/2010", "0")
OLDER = ("Trần Văn Anh", "20/08/2008", "1")


def test_a_child_of_6_is_a_warning_and_the_list_is_accepted(demo_data, trusted, officers, monkeypatch):  # noqa: F811
    dossier = receive_children(officers["desk"], children=[UNDER, TURNS_6_TODAY, ONE_DAY_SHORT])
    submission = dossier.submission

    (warning,) = submission.warnings
    assert (warning["code"], warning["form"], warning["row"]) == ("FORM_CHILD_OVER_6", "D03-TS", 2)
    assert warning["message"] == (
        "D03-TS, dòng 2: trẻ Lê Văn Lớn, sinh ngày 05/01/2010, đã đủ 6 tuổi (72 tháng) vào ngày nộp "
        "05/01/2016 — không cấp thẻ theo danh sách này."
    )
    assert "Luật Bảo hiểm y tế" in warning["legal_basis"] and "hộ gia đình" in warning["advice"]

    (form,) = submission.facts["forms"]
    assert [row["ho_ten"] for row in form["rows"]] == [UNDER[0], TURNS_6_TODAY[0], ONE_DAY_SHORT[0]]
    assert [(mark["row"], mark["code"]) for mark in form["excluded"]] == [(2, "FORM_CHILD_OVER_6")]
    kept = blob_store().get(submission.sha256)  # the evidence is the list as filed, the child in it
    assert hashlib.sha256(kept).hexdigest() == submission.sha256
    (attachment,) = parse_envelope(kept).info.files
    assert "<HoTen>Lê Văn Lớn</HoTen>" in attachment.content().decode()

    assert [child["ho_ten"] for child in children_of(dossier)] == [UNDER[0], ONE_DAY_SHORT[0]]
    # the result the same day (a day later, the child born 06/01/2010 is 6 and gets no card from this list)
    monkeypatch.setattr(timezone, "now", lambda: JAN_2016 + timedelta(hours=2))
    sothe = actor_for(officers["sothe"])
    actions.take(dossier, sothe)
    result = actions.record(
        dossier,
        sothe,
        documents=[Document("kq.pdf", b"%PDF-1.4\n")],
        card_numbers={0: "0115000001", 1: "0110000003"},
    )
    assert [(card["name"], card["code"]) for card in result.cards] == [
        (UNDER[0], "TE1010115000001"),
        (ONE_DAY_SHORT[0], "TE1010110000003"),
    ]


def test_a_list_where_every_child_is_6_or_older_is_refused_as_before(demo_data, trusted, officers):  # noqa: F811
    text = "\n".join(make_chunks(children_envelope(children=[TURNS_6_TODAY, OLDER])))
    (reception,) = receive_scanner_text(text, officer=officers["desk"], received_at=JAN_2016).receptions
    assert reception.outcome == "refused" and reception.submission.dossier is None
    reasons = reception.submission.reasons
    assert [r["code"] for r in reasons] == ["FORM_ROW_INVALID", "FORM_ROW_INVALID"]
    assert "dòng 1" in reasons[0]["message"] and "dòng 2" in reasons[1]["message"]
    assert all("chưa đủ 6 tuổi (72 tháng) vào ngày nộp 05/01/2016" in r["message"] for r in reasons)
    assert reception.submission.warnings == []


def test_the_desk_names_the_child_not_received(client, demo_data, trusted, officers, monkeypatch):  # noqa: F811
    monkeypatch.setattr(timezone, "now", lambda: datetime(2016, 1, 5, 2, tzinfo=UTC))
    client.force_login(officers["desk"])
    response = client.post(
        "/tiep-nhan/",
        {"mode": "paper", "paper-kind": "2", "paper-code": "00379", "paper-name": "UBND xã Bắc Sơn",
         "paper-procedure": "602", "paper-period": "01/2016",
         "paper-rows": "Đỗ Minh Khôi; 05/06/2015; 1\nVũ Văn Lớn; 1/1/2010; 1\nVũ Thị Hoa; 07/08/2014; 0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    submission = Submission.objects.get()
    assert submission.outcome == Submission.Outcome.ACCEPTED

    page = client.get(response["Location"]).content.decode()
    warnings = page[page.index('id="warnings"') : page.index("</ul>", page.index('id="warnings"'))]
    assert "dòng 2: trẻ Vũ Văn Lớn, sinh ngày 01/01/2010, đã đủ 6 tuổi (72 tháng)" in warnings
    assert "Căn cứ" in warnings and "hộ gia đình" in warnings
    assert "FORM_CHILD_OVER_6" not in page  # words, no codes

    pdf = pypdfium2.PdfDocument(client.get(f"/tiep-nhan/{submission.public_id}/in/").content)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", " ")
    assert "Không tiếp nhận" in text and "Vũ Văn Lớn" in text and "01/01/2010" in text
    assert "FORM_CHILD_OVER_6" not in text


@given(
    born=st.dates(date(2005, 1, 1), date(2016, 12, 31)), filed=st.dates(date(2010, 1, 1), date(2022, 12, 31))
)
def test_reception_and_the_card_agree_on_who_is_6(born, filed):
    """A child the reception takes as under 6 on the filing day has a card valid that day, and one it
    excludes has none: the same 72 months (a child born on 29/02 is 72 months old on 28/02)."""
    assume(born <= filed)
    assert is_6_or_older(born, filed) == (card_valid_to(born) < filed)
