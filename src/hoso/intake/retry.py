"""What a refusal means for the bytes refused: the one table of retry semantics (issue 19, item 3).

Every refusal code falls in one class:

- ``final``: the same bytes always get the same answer. A repeat of them is answered from the record —
  422 and the first signed refusal, byte for byte. Correct the file, sign it again, send the new file.
- ``again``: the file is not at fault; once the office or the unit acts (registers the certificate, adds
  the CA to the trust store …) the same bytes, unchanged, are judged afresh. Such a refusal is never kept
  as the answer to those bytes.
- ``pending``: not a refusal at all — the revocation status of a certificate is unknown for the moment.
  The submission is held (202, a signed pending acknowledgement), checked again automatically and then
  accepted or refused (:mod:`hoso.intake.pending`).

A rule names a code exactly, or a family by a prefix ending in ``*``; the exact name wins, then the longest
prefix; a code no rule names is ``final``. docs/ivan-guide.md carries the same table (a test holds the two
to each other).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FINAL, AGAIN, PENDING = "final", "again", "pending"


@dataclass(frozen=True)
class Rule:
    code: str  # a code, or a prefix ending in "*"
    kind: str  # FINAL | AGAIN | PENDING
    when: str  # what it means for the sender (English; the reasons themselves carry the Vietnamese advice)


RULES: tuple[Rule, ...] = (
    Rule("SIG_TRY_LATER", PENDING, "revocation status unknown (no current CRL or OCSP answer): held, checked "
         "again automatically, then accepted or refused; do not send again"),
    Rule("SIG_PART_TRY_LATER", PENDING, "the same, for a form inside the envelope"),
    Rule("INTAKE_CERTIFICATE_NOT_REGISTERED", AGAIN, "send the same file again once the unit has registered the "
         "certificate (form 04/ĐK-IVAN, §6)"),
    Rule("INTAKE_IVAN_NOT_REGISTERED", AGAIN, "send the same file again through the I-VAN the unit registered "
         "with, or once the unit's change to this I-VAN (form 05/ĐK-IVAN, §6) is recorded"),
    Rule("SIG_NO_CERTIFICATE_CHAIN_FOUND", AGAIN, "send the same file again once the office has added the "
         "certificate's CA to the CAs it trusts (ask the office)"),
    Rule("SIG_PART_NO_CERTIFICATE_CHAIN_FOUND", AGAIN, "the same, for a form inside the envelope"),
    Rule("SIG_VERIFIER_ERROR", AGAIN, "a fault of the gateway while checking a signature: send the same file "
         "again later"),
    Rule("SIG_PART_VERIFIER_ERROR", AGAIN, "the same, for a form inside the envelope"),
    Rule("INTAKE_UNIT_UNKNOWN", AGAIN, "send the same file again once the office has registered the unit "
         "(procedure 601)"),
    Rule("INTAKE_COMMUNE_UNKNOWN", AGAIN, "send the same file again once the office has added the commune"),
    Rule("INTAKE_REVOCATION_UNRESOLVED", AGAIN, "held too long without a revocation answer: send the same file "
         "again once the CA publishes its revocation data"),
    Rule("SIG_*", FINAL, "any other signature verdict (changed content, revoked, expired certificate …): "
         "sign a corrected file and send it"),
    Rule("XML_*", FINAL, "the file's XML is malformed or beyond the limits of §8"),
    Rule("DOSSIER_*", FINAL, "the envelope's structure"),
    Rule("FORM_*", FINAL, "a form's content"),
    Rule("INTAKE_*", FINAL, "any other reception check (tax code, I-VAN, unit, procedure, binding, filed "
         "already …)"),
    Rule("POLICY_*", FINAL, "the channel policy in force at the reception time"),
)  # fmt: skip

_EXACT = {rule.code: rule for rule in RULES if not rule.code.endswith("*")}
_PREFIXES = sorted((rule for rule in RULES if rule.code.endswith("*")), key=lambda r: -len(r.code))


def kind_of(code: str) -> str:
    """The class of ``code``: :data:`FINAL`, :data:`AGAIN` or :data:`PENDING`."""
    if code in _EXACT:
        return _EXACT[code].kind
    for rule in _PREFIXES:
        if code.startswith(rule.code[:-1]):
            return rule.kind
    return FINAL


def may_send_again(codes: Iterable[str]) -> bool:
    """Whether a refusal for these codes leaves the same bytes open to a fresh judgement: only when none of
    them is final (one final reason is enough for the same bytes to be refused again)."""
    kinds = [kind_of(code) for code in codes]
    return bool(kinds) and FINAL not in kinds
