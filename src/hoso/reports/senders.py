"""Senders of text messages (SMS, Zalo) to submitters: one small interface, no vendor assumed.

A sender is anything with a ``name`` and ``send(recipient, text) -> SendResult``. hoso ships one, the
:class:`FileSender` (``HOSO_TEXT_SENDER=file``, the default): it writes each message as one JSON line to
``DATA_DIR/texts/<yyyy-mm-dd>.jsonl`` and logs it, so an office without a messaging contract still has every
text it would have sent, and IT reads them in the ledger (the notices page). An office with a contract
writes an adaptor class implementing :class:`TextSender` (its own settings read by itself) and names it
``HOSO_TEXT_SENDER=package.module:ClassName``; the job worker delivers through it with attempts and
back-off (:mod:`hoso.reports.submitter_notices`).
"""

from __future__ import annotations

import importlib
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    """What a sender says of one message: delivered to its service (with its reference), or not and why.
    ``permanent``: the service refused this message (an unknown number): trying again will not help."""

    ok: bool
    reference: str = ""
    error: str = ""
    permanent: bool = False


@runtime_checkable
class TextSender(Protocol):
    name: str

    def send(self, recipient: str, text: str) -> SendResult: ...


class FileSender:
    """Writes each message to a file of the data directory (one JSON line per message, a file per day)."""

    name = "file"

    def __init__(self, folder: Path | None = None):
        self.folder = folder or Path(settings.DATA_DIR) / "texts"

    def send(self, recipient: str, text: str) -> SendResult:
        now = timezone.localtime()
        reference = f"{now:%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
        line = json.dumps(
            {"reference": reference, "at": now.isoformat(), "to": recipient, "text": text}, ensure_ascii=False
        )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with (self.folder / f"{now:%Y-%m-%d}.jsonl").open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
        log.info("text to %s written (%s): %s", recipient, reference, text)
        return SendResult(ok=True, reference=reference)


class SenderError(ValueError):
    pass


def configured_sender() -> TextSender:
    """The sender ``HOSO_TEXT_SENDER`` names: ``file``, or ``package.module:ClassName`` built with no
    argument. Raises :class:`SenderError` when the class cannot be loaded or is no sender."""
    spec = getattr(settings, "HOSO_TEXT_SENDER", None) or "file"
    if spec == "file":
        return FileSender()
    module_name, _, class_name = spec.partition(":")
    try:
        sender = getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError, TypeError) as exc:
        raise SenderError(f"HOSO_TEXT_SENDER={spec}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(sender, TextSender):
        raise SenderError(f"HOSO_TEXT_SENDER={spec}: no name and send(recipient, text)")
    return sender
