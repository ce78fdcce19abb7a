"""Who submits a typed paper dossier, looked up by the code on the paper: an employer unit by its unit
code, a commune People's Committee by its GSO code. The typed form shows (and fills in) the name and
the tax code, and names the managing office when it is not the desk's (the office guard's rule,
:mod:`hoso.desk.guard`), so that a mistyped code is corrected at the desk instead of becoming a
refusal advising the submitter to register."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hoso.desk.common import officer_required
from hoso.desk.guard import SUBMITTER_KIND_COMMUNE
from hoso.policies.parameters import receives_for_any_office
from hoso.reference.models import Commune, Unit
from hoso.workflow.access import DESK, HEAD

COMMUNE_KIND_VI = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn"}


@dataclass(frozen=True)
class Submitter:
    kind: str
    code: str
    name: str  # as the paper names it: the unit's name, "UBND phường Phúc Xá"
    tax_code: str
    office_code: str
    office_name: str


def find_submitter(kind: str, code: str) -> Submitter | None:
    """The unit (``kind`` 1) or commune (``kind`` 2) with ``code``, or None."""
    code = (code or "").strip().upper()
    if not code:
        return None
    if kind == SUBMITTER_KIND_COMMUNE:
        commune = Commune.objects.select_related("office").filter(gso_code=code).first()
        if commune is None:
            return None
        name = f"UBND {COMMUNE_KIND_VI.get(commune.kind, '')} {commune.name_vi}".replace("  ", " ")
        return Submitter(kind, commune.gso_code, name, "", commune.office_id, commune.office.name)
    unit = Unit.objects.select_related("office").filter(code=code).first()
    if unit is None:
        return None
    return Submitter(kind, unit.code, unit.name, unit.tax_code, unit.office_id, unit.office.name)


def unknown_message(kind: str, code: str) -> str:
    """What the officer reads beside a code that names nobody."""
    if kind == SUBMITTER_KIND_COMMUNE:
        return _("No commune has the code %(code)s: check the 5-digit commune code on the paper.") % {
            "code": code
        }
    return _(
        "No employer unit has the code %(code)s: check the 7-character unit code on the paper. A unit "
        "that has no code yet registers first (procedure 600)."
    ) % {"code": code}


@officer_required(DESK, HEAD)
@require_GET
def lookup(request):
    """``?loai=1|2&ma=CODE`` → the submitter as JSON (name, tax code, managing office and whether it
    is the desk's), or 404 with what to check."""
    kind = request.GET.get("loai", "1")
    code = request.GET.get("ma", "").strip()[:20]
    found = find_submitter(kind, code)
    if found is None:
        return JsonResponse(
            {"found": False, "code": "DESK_SUBMITTER_UNKNOWN", "message": unknown_message(kind, code)},
            status=404,
        )
    office_id = request.actor.office_id
    other = office_id is not None and found.office_code != office_id
    answer = {
        "found": True,
        "code": found.code,
        "name": found.name,
        "tax_code": found.tax_code,
        "office": {"code": found.office_code, "name": found.office_name},
        "other_office": other,
    }
    if other and receives_for_any_office(office_id):  # Decree 164/2025: received here, routed there
        answer["message"] = _("Managed by %(office)s: received here and routed there.") % {
            "office": found.office_name
        }
    elif other:
        answer["message"] = _("Managed by %(office)s: the desk will ask before receiving.") % {
            "office": found.office_name
        }
    else:
        answer["message"] = _("Managed by %(office)s.") % {"office": found.office_name}
    tax = f" · {_('tax code')} {found.tax_code}" if found.tax_code else ""
    answer["summary"] = f"{found.name}{tax} — {answer['message']}"  # what the form shows beside the code
    return JsonResponse(answer)
