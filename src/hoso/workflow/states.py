"""Dossier states and the one table of allowed transitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROCESS = "in_process", _("In process")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received")
    RESULT_READY = "result_ready", _("Result ready")
    HANDED_OVER = "handed_over", _("Result handed over")
    REFUSED = "refused", _("Refused during processing")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_PROCESS, Status.REFUSED}),
    Status.IN_PROCESS: frozenset({Status.SUPPLEMENT_REQUESTED, Status.RESULT_READY, Status.REFUSED}),
    Status.SUPPLEMENT_REQUESTED: frozenset({Status.SUPPLEMENT_RECEIVED, Status.REFUSED}),
    Status.SUPPLEMENT_RECEIVED: frozenset({Status.IN_PROCESS}),
    Status.RESULT_READY: frozenset({Status.HANDED_OVER}),
    Status.HANDED_OVER: frozenset(),
    Status.REFUSED: frozenset(),
}

FINAL_STATES = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
# While a supplement is awaited the deadline clock stops.
CLOCK_STOPPED_STATES = frozenset({Status.SUPPLEMENT_REQUESTED})


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
