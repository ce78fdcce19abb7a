"""Template helpers of the desk: the menu of the logged-in officer's roles, due-state badges."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoso.workflow.access import DEPARTMENT, DESK, DIRECTOR, HEAD, IT, actor_for
from hoso.workflow.states import Status

register = template.Library()

ROLE_LABELS = {
    DESK: _("Desk officer"),
    DEPARTMENT: _("Department officer"),
    HEAD: _("Office head"),
    IT: _("IT administrator"),
    DIRECTOR: _("Director"),
}


@register.simple_tag(takes_context=True)
def desk_menu(context) -> dict:
    """The menu entries (URL name, label, access key) and role labels of the user: the pages of each
    role, the reports for those who read them (issue 20, item 7), "Báo vướng mắc" for everyone."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"items": [], "roles": [], "office": ""}
    actor = getattr(request, "actor", None) or actor_for(user)
    items = []
    if actor.has(DESK, HEAD):
        items.append(("desk:reception", _("Reception"), "1"))
    items.append(("desk:queue", _("Dossiers"), "2"))
    if actor.has(DESK, HEAD):
        items.append(("desk:handover", _("Hand-over"), "3"))
    items.append(("desk:lookup", _("Lookup"), "4"))
    if actor.has(IT, DIRECTOR):
        items.append(("desk:it_policies", _("IT"), "5"))
    if actor.has(HEAD, DIRECTOR, IT):  # who reads reports (hoso.reports.access): dashboard, migration, I-VANs
        items.append(("reports:home", _("Reports"), "6"))
    items.append(("reports:problem_new", pgettext_lazy("menu", "Report a problem"), "7"))
    if actor.has(HEAD):  # the legal clocks that ran out (hoso.desk.breaches)
        items.append(("desk:breaches", _("Clock breaches"), "8"))
        items.append(("desk:apologies", _("Apologies"), "9"))
    officer = getattr(user, "officer", None)
    return {
        "items": items,
        "roles": [ROLE_LABELS[r] for r in ROLE_LABELS if r in actor.roles],
        "office": officer.office.name if officer else "",
    }


@register.filter
def status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def vn_date(value) -> str:
    """An ISO date or date-time string (as stored in JSON) shown as dd/mm/yyyy."""
    from datetime import date, datetime

    text = str(value or "")
    try:
        if len(text) > 10:
            return datetime.fromisoformat(text).strftime("%d/%m/%Y")
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return text
