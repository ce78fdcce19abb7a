"""Dossier numbers as a desk scanner or a person types them, for hand-over and the public lookup.

A keyboard-wedge scanner reading the receipt types what its symbol holds, then Enter: the Code 128
symbol holds the number (00003/2026/00110), the QR code the lookup's address with the number and the
submitter's code in it. People type numbers without their leading zeros (3/2026/110). Each becomes the
number as it is written (5-digit sequence, year, the office's code) before the page looks it up; the
office part is matched against the offices that exist (110 is 00110 in Hanoi, where no 3-digit office
110 exists), so nothing about dossiers is revealed by the way a number is read.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from hoso.desk.common import officer_required
from hoso.reference.models import Office
from hoso.workflow.access import DESK, HEAD

_TYPED = re.compile(r"^(\d{1,5})\s*/\s*(\d{4})\s*/\s*(\d{1,5})$")
MAX_TYPED = 400


def number_forms(text: str) -> list[str]:
    """The written numbers ``text`` may stand for, the most literal first; [] when it is no number."""
    match = _TYPED.match((text or "").strip())
    if not match or int(match.group(1)) == 0:
        return []
    sequence, year, office = int(match.group(1)), match.group(2), match.group(3)
    offices = [office] if len(office) in (3, 5) else []
    offices += [o for o in (office.zfill(5), office.zfill(3)) if len(office) <= len(o) and o not in offices]
    return [f"{sequence:05d}/{year}/{o}" for o in offices]


def scanned(text: str) -> tuple[str, str]:
    """The number and the submitter's code in what was typed or scanned: a number alone, or the
    lookup's address from the receipt's QR code (then with its code)."""
    text = (text or "").strip()[:MAX_TYPED]
    if "?" in text and "so=" in text:
        query = parse_qs(urlsplit(text).query)
        return (query.get("so") or [""])[0].strip(), (query.get("ma") or [""])[0].strip()
    return text, ""


def written_number(text: str) -> str:
    """The number as written (``number_forms``, the first whose office exists), or ``text`` itself
    when it is no number (the page then says how a number looks)."""
    forms = number_forms(text)
    if not forms:
        return text
    known = set(
        Office.objects.filter(code__in=[f.rsplit("/", 1)[1] for f in forms]).values_list("code", flat=True)
    )
    return next((f for f in forms if f.rsplit("/", 1)[1] in known), forms[0])


def _to(view: str, **query: str):
    kept = {k: v for k, v in query.items() if v}
    return redirect(reverse(view) + ("?" + urlencode(kept, safe="/") if kept else ""))


@officer_required(DESK, HEAD)
@require_GET
def handover_find(request):
    """Hand-over's number field: the receipt scanned (or the number typed) → the dossier's row."""
    number, _code = scanned(request.GET.get("so", ""))
    return _to("desk:handover", so=written_number(number))


@require_GET
def lookup_find(request):
    """The public lookup's form: the receipt scanned (or the number typed) → the lookup, with the
    submitter's code the QR code carries (or the one typed)."""
    number, code = scanned(request.GET.get("so", ""))
    return _to("desk:lookup", so=written_number(number), ma=request.GET.get("ma", "").strip()[:60] or code)
