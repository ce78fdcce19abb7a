"""The office guard of the desk: a submitter managed by another office is named, with that office,
before anything is received. The officer confirms — the dossier is then recorded as received here
(:class:`~hoso.desk.models.Forwarding`) and routed to the managing office, which numbers and handles it
as the pipeline always does — or stops, and nothing is received.

Whether the officer is asked at all is a parameter of the reception policy in force
(``reception_any_office``): from Decree 164/2025 any office receives whatever the submitter's district,
so nothing is asked and the dossier is routed (and recorded as received here) all the same."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.dossier import parse_envelope
from hoso.errors import CodedError
from hoso.policies.parameters import receives_for_any_office
from hoso.reference.models import Commune, Office, Unit

SUBMITTER_KIND_COMMUNE = "2"


@dataclass(frozen=True)
class OtherOffice:
    """A submitter of another office, in words an officer reads."""

    submitter: str
    office: Office
    here: Office | None


def other_office(office_id: str | None, kind: str, code: str) -> OtherOffice | None:
    """The submitter's office when it is not ``office_id`` (the desk's); None when it is, when the desk
    has no office, or when the submitter is unknown (the pipeline refuses that, with its own reason)."""
    if office_id is None:
        return None
    code = (code or "").strip()
    if kind == SUBMITTER_KIND_COMMUNE:
        commune = Commune.objects.select_related("office").filter(gso_code=code).first()
        submitter, office = (f"UBND {commune.name}", commune.office) if commune else (None, None)
    else:
        unit = Unit.objects.select_related("office").filter(code=code.upper()).first()
        submitter, office = (f"{unit.code} {unit.name}", unit.office) if unit else (None, None)
    if office is None or office.code == office_id or receives_for_any_office(office_id):
        return None
    return OtherOffice(submitter=submitter, office=office, here=Office.objects.filter(code=office_id).first())


def other_office_of_envelope(office_id: str | None, envelope: bytes) -> OtherOffice | None:
    try:
        unit = parse_envelope(envelope).unit
    except CodedError:
        return None  # not an envelope: the pipeline says why
    return other_office(office_id, unit.loai_doi_tuong.strip(), unit.ma_so_bhxh)


def record(receptions, *, officer, office_id: str | None) -> None:
    """Each reception routed to an office other than the desk's, recorded as received here."""
    from hoso.desk.models import Forwarding

    for reception in receptions:
        submission = reception.submission
        if office_id and submission.office_id and submission.office_id != office_id:
            Forwarding.objects.get_or_create(
                submission=submission,
                defaults={
                    "dossier": submission.dossier,
                    "received_office_id": office_id,
                    "managing_office_id": submission.office_id,
                    "officer": officer,
                },
            )


def received_here(office_id: str | None, dossier) -> bool:
    """Whether the desk of ``office_id`` received ``dossier`` for the office that manages it."""
    from hoso.desk.models import Forwarding

    return (
        office_id is not None
        and Forwarding.objects.filter(dossier=dossier, received_office_id=office_id).exists()
    )
