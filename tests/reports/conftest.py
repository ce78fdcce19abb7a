"""Shared set-up for the reports tests: an isolated trust store and evidence store, a small demo history,
and quick factories for rows whose exact numbers a test asserts."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

_counter = itertools.count(1)


@pytest.fixture
def isolated_gateway(settings, tmp_path):
    from hoso.intake import gateway

    settings.HOSO_TRUST_ANCHORS = tmp_path / "anchors"
    settings.HOSO_CRL_DIR = tmp_path / "crls"
    settings.HOSO_BLOB_STORE = tmp_path / "blobs"
    gateway.forget()
    gateway.ensure_gateway_identity()
    yield tmp_path
    gateway.forget()


@pytest.fixture
def history(demo_data, isolated_gateway):
    """A thin demo history (a tenth of the cast) through the real pipeline."""
    from hoso.reports.demo import generate_history

    return generate_history(scale=0.1)


def make_unit(office="00105", code=None, **extra):
    from hoso.reference.demo import _demo_tax_code
    from hoso.reference.models import Unit

    n = next(_counter)
    fields = {
        "tax_code": _demo_tax_code(5000 + n),
        "name": f"Công ty Kiểm thử {n}",
        "office_id": office,
        "email": f"unit{n}@test.invalid",
        "phone": "0240000000",
        **extra,
    }
    return Unit.objects.create(code=code or f"QZ{n:04d}Z", **fields)


def make_submission(unit=None, *, channel="barcode", at=None, outcome="accepted", reasons=(), commune=None,
                    procedure_code="600", ivan=None, claimed=None, dossier_status=None, due=None, finished=None):  # fmt: skip
    """A submission row (and its dossier when accepted) without the pipeline: for exact counts."""
    import hashlib

    from hoso.intake.models import Submission
    from hoso.reference.models import Procedure
    from hoso.workflow.models import Dossier

    at = at or datetime(2015, 11, 10, 3, tzinfo=UTC)
    procedure = Procedure.objects.filter(code=procedure_code).order_by("-valid_from").first()
    office = unit.office if unit is not None else commune.office
    n = next(_counter)
    dossier = None
    if outcome == "accepted":
        dossier = Dossier.objects.create(
            number=f"T{n:08d}/{at.year}/{office.code}", office=office, year=at.year, sequence=n, channel=channel,
            procedure=procedure, department=procedure.department, unit=unit, commune=commune, ivan_id=ivan,
            received_at=at, due_date=due or date(at.year, at.month, min(at.day + 7, 28)),
            status=dossier_status or "received", status_changed_at=finished or at,
        )  # fmt: skip
    return Submission.objects.create(
        channel=channel, received_at=at, sha256=hashlib.sha256(str(n).encode()).hexdigest(), size=1,
        ivan_id=ivan, outcome=outcome, reasons=[{"code": c, "message": c} for c in reasons], unit=unit,
        commune=commune, office=office, procedure=procedure, procedure_code=procedure_code,
        signature={"claimed_signing_time": claimed} if claimed else {}, dossier=dossier,
        receipt_xml=b"<r/>", receipt_sha256="0" * 64,
    )  # fmt: skip
