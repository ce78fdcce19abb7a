"""An electronic supplement (the papers that answer a supplement request), received from an I-VAN.

The file goes through the front half every signed document goes through (hoso.intake.front): kept,
parsed, verified on that tree, and every signer bound to the dossier's submitter — the file's signer by
its tax code and a certificate the submitter registered, each form it carries by the same rules as a
dossier's forms. Only then is it recorded on the dossier (hoso.workflow.services.receive_supplement).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from hoso.intake import front
from hoso.workflow import services

logger = logging.getLogger(__name__)
SUPPLEMENT = front.Document("hồ sơ bổ sung", "supplement")


@dataclass
class SupplementReception:
    outcome: str  # "received" | "repeat" (these bytes were already received as a supplement of the dossier)
    dossier: object
    sha256: str


def receive_supplement(
    dossier,
    raw: bytes,
    *,
    ivan,
    content_type: str = "application/xml",
    received_at: datetime | None = None,
) -> SupplementReception:
    """Receive ``raw`` as a supplement of ``dossier`` carried by ``ivan``.

    Raises :class:`front.IntakeError` (not a document), :class:`front.Refusal` (signature or binding:
    the dossier is unchanged, the bytes are kept as evidence) or
    :class:`hoso.workflow.services.TransitionError` (no supplement awaited)."""
    received_at = received_at or timezone.now()
    sha256 = front.keep(raw)
    try:
        front.require_xml(raw)
        report = front.verify(front.parse(raw), at=received_at)
        front.bind(
            report,
            at=received_at,
            unit=dossier.unit if dossier.unit_id else None,
            commune=dossier.commune if dossier.commune_id else None,
            document=SUPPLEMENT,
        )
    except (front.IntakeError, front.Refusal) as error:
        code = error.code if isinstance(error, front.IntakeError) else error.reasons[0].code
        logger.warning(
            "I-VAN %s: supplement to dossier %s refused (%s), %d bytes kept as sha256 %s",
            ivan.code,
            dossier.number,
            code,
            len(raw),
            sha256,
        )
        raise
    if services.supplement_already_received(dossier, sha256):
        # An I-VAN sending again what got no answer (a cut connection): the first reception stands.
        return SupplementReception("repeat", dossier, sha256)
    try:
        services.receive_supplement(
            dossier,
            raw=raw,
            sha256=sha256,
            actor_label=f"I-VAN {ivan.code} {ivan.name}",
            content_type=content_type,
        )
    except services.TransitionError:
        if services.supplement_already_received(dossier, sha256):  # a concurrent twin was recorded first
            return SupplementReception("repeat", dossier, sha256)
        raise
    return SupplementReception("received", dossier, sha256)
