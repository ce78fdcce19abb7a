"""The office head's apologies and new appointments (Mẫu 04, issue 23, item 2): the drafts made for the
office's dossiers that will be late, approved here with a date and a reason, and the printable form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hoso.dates import DateInputError, parse_day
from hoso.desk.common import message_of, officer_required
from hoso.workflow.access import HEAD
from hoso.workflow.apologies import ApologyError, approve, draft_apologies
from hoso.workflow.codebook import APOLOGY_BASIS as LEGAL_BASIS
from hoso.workflow.models import Apology


@officer_required(HEAD)
@require_http_methods(["GET", "POST"])
def apologies(request):
    office_id = request.actor.office_id or ""
    if request.method == "POST":
        apology = get_object_or_404(
            Apology, pk=request.POST.get("apology", "0"), dossier__office_id=office_id
        )
        try:
            new_date = parse_day(
                request.POST.get("new_due_date", ""), label="Ngày hẹn mới", label_en="New date"
            )
            approve(
                apology,
                new_due_date=new_date,
                reason=request.POST.get("reason", ""),
                user=request.user,
                actor_label=request.actor.label,
            )
        except (ApologyError, DateInputError) as error:
            messages.error(request, message_of(error))
            return redirect("desk:apologies")
        return redirect("desk:apology_print", pk=apology.pk)
    draft_apologies(office_id, timezone.localdate())
    drafts = (
        Apology.objects.filter(dossier__office_id=office_id, status=Apology.Status.DRAFT)
        .select_related("dossier__procedure", "dossier__unit", "dossier__commune")
        .order_by("old_due_date", "pk")
    )
    approved = (
        Apology.objects.filter(dossier__office_id=office_id, status=Apology.Status.APPROVED)
        .select_related("dossier")
        .order_by("-approved_at")[:50]
    )
    return render(request, "desk/apologies.html", {"drafts": drafts, "approved": approved})


@officer_required(HEAD)
@require_GET
def apology_print(request, pk: int):
    apology = get_object_or_404(
        Apology.objects.select_related(
            "dossier__procedure", "dossier__unit", "dossier__commune", "dossier__office"
        ),
        pk=pk,
        dossier__office_id=request.actor.office_id or "",
        status=Apology.Status.APPROVED,
    )
    return render(request, "desk/apology_print.html", {"apology": apology, "legal_basis": LEGAL_BASIS})
