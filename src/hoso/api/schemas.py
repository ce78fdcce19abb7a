"""Response schemas of the I-VAN API (JSON; dates and times ISO 8601 with offset)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    message_en: str
    details: dict | None = None


#: Statuses any request may be answered, whatever the operation, all in the one error shape: the HTTP
#: server's refusals of a request it cannot read (400 malformed, 414 request line too long, 417 an
#: ``Expect`` other than ``100-continue``, 431 header fields too large, 501 a transfer coding it does
#: not know; written by hoso.serving), the key's (401, and 403 for an inactive I-VAN), the rate limit
#: (429) and a fault of the gateway (500).
ANY_REQUEST = (400, 401, 403, 414, 417, 429, 431, 500, 501)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error answers of an operation: those of ``ANY_REQUEST`` and ``statuses``, in the error shape."""
    return dict.fromkeys(sorted({*ANY_REQUEST, *statuses}), ErrorOut)


class ReasonOut(Schema):
    code: str
    message: str
    message_en: str = ""
    legal_basis: str = ""
    advice: str = ""
    advice_en: str = ""


class EventOut(Schema):
    position: str  # the feed cursor just after this event: "<sequence>" or "<sequence>.<n>"
    sequence: int
    dossier_id: UUID | None
    dossier_number: str
    kind: str
    from_status: str
    to_status: str
    at: datetime
    note: str
    data: dict


class DossierInfo(Schema):
    number: str
    national_code: str  # the national public-service portal's dossier code; "" until the office has one
    status: str
    status_label: str
    status_label_en: str
    status_changed_at: datetime
    due_date: date
    received_at: datetime
    office: str
    procedure: str
    department: str
    unit: str | None
    commune: str | None
    period: str


class SubmissionOut(Schema):
    id: UUID
    received_at: datetime
    channel: str
    outcome: str
    sha256: str
    size: int
    reasons: list[ReasonOut]
    receipt_url: str
    dossier: DossierInfo | None
    events: list[EventOut]


class SubmissionList(Schema):
    items: list[SubmissionOut]


class FeedOut(Schema):
    events: list[EventOut]
    next: str
    has_more: bool


class CertificateOut(Schema):
    serial: str
    issuer: str
    subject: str
    tax_code: str
    fingerprint_sha256: str
    not_before: datetime
    not_after: datetime


class RegistrationOut(Schema):
    id: int
    outcome: str
    kind: str
    unit: str | None
    commune: str | None
    ivan: str
    certificate: CertificateOut
    registered_from: datetime
    registered_until: datetime | None


class PingOut(Schema):
    ivan: str
    name: str
    time: datetime
