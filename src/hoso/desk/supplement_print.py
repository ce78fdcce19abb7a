"""The supplement request printed for the submitter (Mẫu 02 of Circular 01/2018/TT-VPCP): what the
department asked for, from the dossier's latest supplement request."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from hoso.desk.common import officer_required, visible_dossier_or_404
from hoso.desk.prints import supplement_request_pdf
from hoso.workflow.models import DossierEvent


@officer_required()
def supplement_request(request, pk):
    dossier = visible_dossier_or_404(request.actor, pk)
    asked = (
        dossier.events.filter(kind=DossierEvent.Kind.SUPPLEMENT_REQUESTED)
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    if asked is None:
        raise Http404
    response = HttpResponse(supplement_request_pdf(dossier, asked), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-yeu-cau-bo-sung-{dossier.pk}.pdf"'
    return response
