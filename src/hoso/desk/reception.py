"""The reception page of the one-stop desk: a focused scanner field (a keyboard-wedge scanner types one
symbol per line), an upload of scans or PDFs, and typed entry of a paper dossier. Everything goes
through the one pipeline; the verdict is shown beside the decoded dossier, with the print buttons."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from hoso.desk import guard, repeats, scanning
from hoso.desk.common import message_of, officer_required
from hoso.desk.paper import PaperForm
from hoso.desk.prints import receipt_pdf, refusal_pdf
from hoso.errors import CodedError
from hoso.intake.desk import receive_scans
from hoso.intake.models import Submission
from hoso.intake.pipeline import receive
from hoso.workflow.access import DESK, HEAD, can_see
from hoso.workflow.models import Channel

MAX_SCAN_FILES = 40
REPEAT_FLAG = "lap-lai"  # the submission page says the dossier was received before, and when

# Column labels of decoded form rows (the keys are those of hoso.dossier's row dataclasses).
FIELD_LABELS = {
    "stt": _("No."),
    "ho_ten": _("Full name"),
    "ma_so_bhxh": _("Social-insurance number"),
    "ngay_sinh": _("Date of birth"),
    "gioi_tinh": _("Sex"),
    "tien_luong": _("Salary"),
    "tu_thang": _("From month"),
    "den_thang": _("To month"),
    "pa": _("Change type"),
    "ty_le_dong": _("Contribution rate"),
    "cmnd": _("ID card"),
    "ghi_chu": _("Note"),
    "ma_tinh_benh_vien": _("Hospital province"),
    "ma_benh_vien": _("Hospital"),
}


def form_tables(facts: dict) -> list[dict]:
    """The decoded forms as tables: columns in a stable order, the labels translated."""
    tables = []
    for form in (facts or {}).get("forms", []):
        rows = form.get("rows") or []
        keys: list[str] = []
        for row in rows:
            keys.extend(k for k in row if k not in keys)
        ordered = [k for k in FIELD_LABELS if k in keys] + [k for k in keys if k not in FIELD_LABELS]
        tables.append(
            {
                "code": form.get("code", ""),
                "file": form.get("file", ""),
                "type": form.get("type", ""),
                "columns": [(k, FIELD_LABELS.get(k, k)) for k in ordered],
                "rows": [[_display(k, row.get(k, "")) for k in ordered] for row in rows],
                "declaration": sorted((form.get("declaration") or {}).items()),
            }
        )
    return tables


def _display(key: str, value: str) -> str:
    if key == "gioi_tinh":
        return {"1": str(_("male")), "0": str(_("female"))}.get(value, value)
    return value


@officer_required(DESK, HEAD)
@require_http_methods(["GET", "POST"])
def reception(request):
    today = timezone.localdate()
    paper = PaperForm(today=today, prefix="paper")
    context = {"paper": paper, "mode": "scanner", "receptions": [], "problems": [], "error": ""}
    if request.method == "POST":
        mode = request.POST.get("mode", "scanner")
        context["mode"] = mode
        try:
            if mode == "upload":
                files = request.FILES.getlist("scans")[:MAX_SCAN_FILES]
                if not files:
                    context["error"] = _("Choose at least one scan or PDF.")
                    return _render(request, context)
                desk = receive_scans([(f.name, f.read()) for f in files], officer=request.user)
                context["problems"], receptions = desk.problems(), desk.receptions
            elif mode == "paper":
                paper = PaperForm(request.POST, today=today, prefix="paper")
                context["paper"] = paper
                if not paper.is_valid():  # a typing mistake is corrected here, never refused
                    paper.mark_first_error()
                    return _render(request, context)
                data, office_id = paper.cleaned_data, request.actor.office_id
                other = guard.other_office(office_id, data["kind"], data["code"])
                if other is not None and request.POST.get("confirm_office") != other.office.code:
                    context["other_office"] = other  # named before anything is received
                    return _render(request, context)
                context["confirmed_office"] = request.POST.get("confirm_office", "")
                twin = repeats.same_day(
                    data["kind"], paper.submitter.code, data["procedure"], data["period"], today
                )
                if twin is not None and request.POST.get("confirm_twin") != str(twin.public_id):
                    context["twin"] = twin  # the officer answers before anything is received
                    context["twin_warning"] = repeats.same_day_warning(twin)
                    return _render(request, context)
                receptions = [
                    receive(
                        paper.envelope(),
                        channel=Channel.PAPER,
                        officer=request.user,
                        content_type="text/plain",
                    )
                ]
                guard.record(receptions, officer=request.user, office_id=office_id)
            elif mode in ("confirm_office", "confirm_twin"):  # the officer's answer about what waits
                desk, waiting = scanning.add_scanner_text(
                    "",
                    officer=request.user,
                    office_id=request.actor.office_id,
                    confirmed={request.POST.get("office") or request.POST.get("twin") or ""},
                )
                if desk is None:
                    return redirect("desk:reception")
                context["problems"] = scanning.problems(desk)
                receptions = desk.receptions
            elif mode == "discard":
                if scanning.discard(request.user):
                    messages.info(request, _("The barcodes scanned so far were discarded."))
                return redirect("desk:reception")
            else:
                text = request.POST.get("scanner", "")
                if not text.strip():
                    context["error"] = _("Scan the barcodes of the dossier first.")
                    return _render(request, context)
                desk, waiting = scanning.add_scanner_text(
                    text, officer=request.user, office_id=request.actor.office_id
                )
                if desk is None:  # complete, but another office's: the officer confirms or stops first
                    return redirect("desk:reception")
                context["problems"] = scanning.problems(desk)
                receptions = desk.receptions
                if waiting or (not receptions and not context["problems"]):
                    return redirect("desk:reception")  # a reload shows the scans in progress, sends nothing
        except CodedError as error:
            context["error"] = message_of(error)
            return _render(request, context, status=422)
        if len(receptions) == 1 and not context["problems"] and not scanning.pending_for(request.user):
            url = reverse("desk:submission", kwargs={"public_id": receptions[0].submission.public_id})
            return redirect(url + ("?" + REPEAT_FLAG + "=1" if receptions[0].outcome == "repeat" else ""))
        context["receptions"] = [
            {
                "s": r.submission,
                "repeat": repeats.received_words(r.submission) if r.outcome == "repeat" else "",
            }
            for r in receptions
        ]
    return _render(request, context)


def _render(request, context, status=200):
    """The reception page, with the dossiers whose barcodes are being scanned (kept between requests)."""
    context["pending"] = scanning.pending_for(request.user)
    context["awaiting"] = scanning.awaiting_for(request.user, request.actor.office_id)
    context["twins"] = scanning.twins_for(request.user, request.actor.office_id)
    return render(request, "desk/reception.html", context, status=status)


def _submission_for(request, public_id) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("dossier", "office", "procedure", "unit", "commune", "officer"),
        public_id=public_id,
    )
    actor = request.actor
    mine = submission.officer_id == request.user.pk
    visible = submission.dossier is not None and can_see(actor, submission.dossier)
    office_ok = submission.office_id is not None and (
        actor.sees_all_offices or submission.office_id == actor.office_id
    )
    if not (mine or visible or office_ok):
        raise Http404
    return submission


def decoded_facts(submission: Submission) -> tuple[dict, bool]:
    """What the dossier says, and whether the pipeline checked it. A dossier refused before its forms
    were checked (by the channel policy, say) is decoded here from the kept bytes for the officer to
    compare with the paper — barcoded and paper dossiers only, and marked as not checked."""
    if (submission.facts or {}).get("forms") or submission.channel == Channel.ELECTRONIC:
        return submission.facts or {}, True
    from hoso.dossier import parse_envelope, read_form
    from hoso.intake.blobstore import blob_store
    from hoso.intake.checks import _row_dict  # the same row shape as the pipeline's decoded content

    try:
        hoso = parse_envelope(blob_store().get(submission.sha256))
        forms = []
        for attachment in hoso.info.files:
            entry = {"code": attachment.ma_to_khai, "file": attachment.ten_file, "type": attachment.loai_file}
            if attachment.is_xml:
                form = read_form(attachment.content())
                entry["rows"] = [_row_dict(row) for row in form.rows]
            forms.append(entry)
        return {"forms": forms}, False
    except (CodedError, ValueError):
        return {}, False


@officer_required()
def submission(request, public_id):
    submission = _submission_for(request, public_id)
    facts, checked = decoded_facts(submission)
    return render(
        request,
        "desk/submission.html",
        {
            "s": submission,
            "tables": form_tables(facts),
            "checked": checked,
            "policy": submission.policy or {},
            "repeat": repeats.received_words(submission) if request.GET.get(REPEAT_FLAG) else "",
        },
    )


def lookup_url(request, dossier) -> str:
    """The public lookup of ``dossier`` filled in: its number and its submitter's code (the second
    factor the lookup asks for, printed on the receipt too)."""
    query = urlencode({"so": dossier.number, "ma": dossier.unit_id or dossier.commune_id or ""}, safe="/")
    return request.build_absolute_uri(reverse("desk:lookup") + "?" + query)


@officer_required()
def print_paper(request, public_id):
    """The receipt (accepted) or the refusal (refused), as a one-page PDF shown in the browser."""
    submission = _submission_for(request, public_id)
    if submission.dossier_id:
        pdf, name = receipt_pdf(submission, lookup_url(request, submission.dossier)), "giay-tiep-nhan"
    else:
        pdf, name = refusal_pdf(submission), "phieu-tu-choi"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{submission.public_id}.pdf"'
    return response
