"""The public lookup (`/tra-cuu/`): it needs the dossier number and a code of the receipt, answers a
wrong code as it answers a number that does not exist, and is rate-limited per client with counts that
every server process shares."""

from __future__ import annotations

import multiprocessing
import re
import time

import pytest
from django.test import RequestFactory

from hoso.desk import throttle

pytestmark = pytest.mark.django_db


def _message(response) -> str:
    """The answer of the page (its alert or status paragraph), without the echoed inputs."""
    return " ".join(re.findall(r'<p[^>]*role="(?:alert|status)"[^>]*>(.*?)</p>', response.content.decode()))


def test_the_state_needs_the_number_and_a_code_of_the_receipt(client, under6):
    number = under6.number
    public_id = under6.submission.public_id
    for code in (under6.commune_id, str(public_id), str(public_id).upper(), public_id.hex):
        page = client.get("/tra-cuu/", {"so": number, "ma": code})
        assert page.status_code == 200 and 'id="found"' in page.content.decode(), code
    only_number = client.get("/tra-cuu/", {"so": number})
    assert 'id="found"' not in only_number.content.decode()
    assert "mã đơn vị hoặc mã xã" in _message(only_number)
    assert 'name="ma"' in only_number.content.decode()


def test_a_number_without_its_leading_zeros_or_the_receipt_s_qr_address_opens_the_lookup(client, under6):
    sequence, year, office = under6.number.split("/")
    short = f"{int(sequence)}/{year}/{int(office)}"  # 00001/2016/00110 typed as 1/2016/110
    page = client.get("/tra-cuu/", {"so": short, "ma": under6.commune_id})
    assert 'id="found"' in page.content.decode() and under6.number in page.content.decode()
    qr = f"https://hoso.example/tra-cuu/?so={under6.number}&ma={under6.commune_id}"  # what the QR holds
    assert 'id="found"' in client.get("/tra-cuu/", {"so": qr}).content.decode()


def test_a_wrong_code_is_answered_as_a_number_that_does_not_exist(client, under6):
    wrong_code = client.get("/tra-cuu/", {"so": under6.number, "ma": "00380"})
    no_dossier = client.get("/tra-cuu/", {"so": "99999/2016/00110", "ma": under6.commune_id})
    assert 'id="found"' not in wrong_code.content.decode()
    assert _message(wrong_code) == _message(no_dossier) and "Không có hồ sơ nào" in _message(no_dossier)
    assert wrong_code.status_code == no_dossier.status_code == 200


def test_a_unit_code_is_read_in_any_case(client, unit, signers):
    from datetime import UTC, datetime

    from hoso.intake.pipeline import receive
    from hoso.testing.envelopes import envelope
    from tests.intake.conftest import UNIT_CODE, UNIT_TAX

    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    dossier = receive(
        raw, ivan_code="00030", received_at=datetime(2016, 1, 5, 2, tzinfo=UTC)
    ).submission.dossier
    page = client.get("/tra-cuu/", {"so": dossier.number, "ma": f" {UNIT_CODE.lower()} "})
    assert 'id="found"' in page.content.decode()


@pytest.mark.parametrize("backend", ["file", "database"])
def test_look_ups_past_the_limit_get_a_429_page_in_vietnamese(client, under6, settings, backend):
    settings.HOSO_LOOKUP_LIMIT = 3
    settings.HOSO_API_RATE_BACKEND = backend
    assert client.get("/tra-cuu/").status_code == 200  # the empty form is not a look-up
    for code in ("00001", "00002", under6.commune_id):
        assert client.get("/tra-cuu/", {"so": under6.number, "ma": code}).status_code == 200
    refused = client.get("/tra-cuu/", {"so": under6.number, "ma": under6.commune_id})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert 'id="found"' not in refused.content.decode()
    assert "quá nhiều lần" in _message(refused) and f"{refused['Retry-After']} giây" in _message(refused)
    refused_en = client.get(
        "/tra-cuu/", {"so": under6.number, "ma": under6.commune_id}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused_en.status_code == 429 and "Too many look-ups" in _message(refused_en)
    # Another client is counted on its own.
    other = client.get("/tra-cuu/", {"so": under6.number, "ma": under6.commune_id}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and 'id="found"' in other.content.decode()


def test_the_limit_can_be_turned_off(client, under6, settings):
    settings.HOSO_LOOKUP_LIMIT = 0
    for _ in range(5):
        assert client.get("/tra-cuu/", {"so": under6.number}).status_code == 200


def _key(settings, proxies: int, remote: str, forwarded: str | None = None) -> str:
    settings.HOSO_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return throttle.client_key(RequestFactory().get("/tra-cuu/", REMOTE_ADDR=remote, **extra))


def test_the_client_behind_trusted_proxies(settings):
    # No proxy declared: X-Forwarded-For is the client's own words and is not read.
    assert _key(settings, 0, "203.0.113.7", "198.51.100.1") == "ip:203.0.113.7"
    # One proxy: its entry (the rightmost) is the client; what the client wrote to the left is ignored.
    assert _key(settings, 1, "10.0.0.2", "1.2.3.4, 198.51.100.1") == "ip:198.51.100.1"
    assert _key(settings, 2, "10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.3") == "ip:198.51.100.1"
    # A header shorter than the proxies declared: the direct peer.
    assert _key(settings, 2, "10.0.0.2", "198.51.100.1") == "ip:10.0.0.2"
    # IPv6 by /64 (one host or household holds a whole /64); IPv4-mapped as IPv4.
    assert _key(settings, 0, "2001:db8:1:2::5") == _key(settings, 0, "2001:db8:1:2:ffff::1")
    assert _key(settings, 0, "2001:db8:1:2::5") != _key(settings, 0, "2001:db8:1:3::5")
    assert _key(settings, 0, "::ffff:203.0.113.7") == "ip:203.0.113.7"


def _hits(request, n: int, limit: int, queue) -> None:
    queue.put(sum(throttle.hit("test", request, limit=limit, window=600).allowed for _ in range(n)))


def test_the_counts_are_shared_by_worker_processes():
    """Four processes (as gunicorn workers) hit the same client's count at once: exactly the limit passes,
    not four times it, and no increment is lost."""
    request = RequestFactory().get("/tra-cuu/", REMOTE_ADDR="198.51.100.77")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_hits, args=(request, 15, 40, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sum(queue.get(timeout=5) for _ in workers) == 40
    assert not throttle.hit("test", request, limit=40, window=600).allowed


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_every_server_counts_together(settings):
    """Several servers (threads with connections of their own here) hit one client's count at once:
    exactly the limit passes, in one row; the daily job forgets it once its window has ended."""
    import threading

    from django.db import connection

    from hoso.api.models import WindowCount
    from hoso.api.ratelimit import forget_expired_windows

    settings.HOSO_API_RATE_BACKEND = "database"
    request = RequestFactory().get("/tra-cuu/", REMOTE_ADDR="198.51.100.78")
    allowed = []

    def hits() -> None:
        try:
            allowed.append(
                sum(throttle.hit("test", request, limit=40, window=600).allowed for _ in range(15))
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=hits) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(allowed) == 40
    refused = throttle.hit("test", request, limit=40, window=600)
    assert not refused.allowed and 0 < refused.retry_after <= 600
    assert list(WindowCount.objects.values_list("count", flat=True)) == [40]
    assert forget_expired_windows() == 0  # the window has not ended
    assert forget_expired_windows(now=time.time() + 700) == 1
