"""What every desk page shares: the logged-in officer with roles, access decorators, bilingual errors."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from hoso.workflow.access import Actor, actor_for, can_see
from hoso.workflow.models import Dossier

LOGIN_URL = "desk:login"


def officer_required(*roles: str):
    """A logged-in officer (with one of ``roles`` when given); sets ``request.actor``."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), LOGIN_URL)
            actor = actor_for(request.user)
            if roles and not actor.has(*roles):
                raise PermissionDenied
            if getattr(actor, "office_id", None) is None and not request.user.is_superuser:
                raise PermissionDenied
            request.actor = actor
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def visible_dossier_or_404(actor: Actor, pk: int) -> Dossier:
    """The dossier, or 404 when it does not exist *or* belongs to an office the actor may not read
    (the same answer, so numbers of other offices cannot be probed)."""
    dossier = get_object_or_404(
        Dossier.objects.select_related(
            "office", "procedure", "department", "unit", "commune", "ivan", "assignee"
        ),
        pk=pk,
    )
    if not can_see(actor, dossier):
        from django.http import Http404

        from hoso.desk.guard import received_here

        if not received_here(actor.office_id, dossier):  # the desk that received it may open it
            raise Http404
    return dossier


def message_of(error) -> str:
    """A coded error in the user's language."""
    return error.message(get_language() or "vi")


def bilingual(vi: str, en: str) -> str:
    return en if (get_language() or "vi").startswith("en") else vi
