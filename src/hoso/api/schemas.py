"""Response schemas of the I-VAN API (JSON; dates and times ISO 8601 with offset)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Schema

# The error shape lives below api (hoso.api_errors); the API's modules take it from here.
from hoso.api_errors import ANY_REQUEST, ErrorOut, error_responses  # noqa: F401


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
