"""IT's action on the ledger of notices to submitters (shown on the notices page): queue again the texts the
sender gave up, once the cause is mended."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.reports.access import office_for
from hoso.reports.models import SubmitterNotice
from hoso.reports.submitter_notices import requeue_failed_texts


@login_required
@require_POST
def texts_requeue(request):
    office = office_for(request.user, request.POST.get("office"))
    selected = SubmitterNotice.objects.all()
    if office:
        selected = selected.filter(office_id__startswith=office)
    count = requeue_failed_texts(selected)
    messages.success(request, _("%(count)d texts are waiting to be sent again.") % {"count": count})
    target = reverse("reports:notices")
    return redirect(f"{target}?{urlencode({'office': office})}#submitter-notices" if office else target)
