"""Where each role starts: the page an officer lands on after logging in, and the "back to your work"
link of the error pages. Decided by the role groups themselves, not by ``Actor.has`` (a superuser has
every role there, and IT's ``admin`` would land on the desk's reception)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from hoso.workflow.access import DEPARTMENT, DESK, DIRECTOR, HEAD, IT


def landing_url(user) -> str:
    """The start page of ``user``'s role: reception for the desk, the queue for the back office and
    the director, the IT pages for IT (``admin`` included), the home page for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return reverse("desk:login")
    roles = set(user.groups.values_list("name", flat=True))
    if DESK in roles:
        return reverse("desk:reception")
    if roles & {DEPARTMENT, HEAD, DIRECTOR}:
        return reverse("desk:queue")
    if IT in roles or user.is_superuser:
        return reverse("desk:it_policies")
    return reverse("desk:home")


@require_GET
def landing(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "desk:login")
    return redirect(landing_url(request.user))
