"""``verify``: the verdict on one signed XML file (a form, or an envelope and everything it carries)."""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from hoso import dossier, xmlsafe
from hoso.signature import xmldsig
from hoso.signature.certs import CertVerdict, TrustStore, signer_tax_code
from hoso.signature.report import (
    Indication,
    ReportWarning,
    SignerInfo,
    ValidationReport,
    make_report,
    set_verdict,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifyPolicy:
    """What the verifier accepts beyond the fixed profile. All configurable.

    ``weak_algorithms_until``: RSA-SHA1 / SHA-1 digests are accepted (with a WEAK_ALGORITHM warning) only
    when the validation time is at or before this instant — a signature that exists at ``at`` was made
    at or before ``at``. [assumed default: 2019-01-01, to be set by the office]
    """

    weak_algorithms_until: datetime | None = datetime(2019, 1, 1, tzinfo=UTC)
    limits: xmlsafe.XmlLimits = field(default_factory=xmlsafe.XmlLimits)
    verify_parts: bool = True
    max_parts: int = 200  # files in one envelope; each XML part costs a full verification
    # CPU seconds one verification (an envelope and all its parts) may use; None: no budget. Checked
    # between steps, each of which the XML limits keep linear and short (docs/security.md): well under
    # the HTTP server's 60 s worker timeout even on a file built to be slow.
    cpu_budget_seconds: float | None = 15.0


class BudgetExceeded(Exception):
    """The verification used up its CPU budget (caught in :func:`verify_tree`, a coded verdict)."""


class _Budget:
    """CPU time of this thread, against a limit, checked between the steps of one verification."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.started = time.thread_time()

    def check(self) -> None:
        if self.seconds is not None and time.thread_time() - self.started > self.seconds:
            raise BudgetExceeded


DEFAULT_POLICY = VerifyPolicy()


@functools.lru_cache(maxsize=4096)
def signer_info(cert: x509.Certificate) -> SignerInfo:
    return SignerInfo(
        subject=cert.subject.rfc4514_string(),
        tax_code=signer_tax_code(cert),
        serial=format(cert.serial_number, "X"),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex().upper(),
        certificate_der=cert.public_bytes(Encoding.DER),
    )


def verify(
    xml_bytes: bytes,
    *,
    trust: TrustStore,
    at: datetime | None = None,
    policy: VerifyPolicy = DEFAULT_POLICY,
) -> ValidationReport:
    """Judge one signed XML file: a form signed at ``<Root>/Cky`` or an envelope signed at ``Hoso/CKy_Dvi``.

    For an envelope, every embedded XML form is verified too (one sub-report each in ``parts``) and every
    attachment's declared length is checked. ``at`` is the validation time (default: now, UTC). Later
    steps must read ``report.signed_root`` (or ``signed_xml``), never the original bytes.
    """
    at = datetime.now(UTC) if at is None else _aware(at)
    try:
        root = xmlsafe.parse(xml_bytes, limits=policy.limits)
    except xmlsafe.XmlError as exc:
        report = make_report("XML_INVALID", detail=exc.message_vi, detail_en=exc.message_en)
        report.validation_time = at
        report.code = exc.code
        return report
    return verify_tree(root, trust=trust, at=at, policy=policy)


def _aware(at: datetime) -> datetime:
    """A validation time without a zone is taken as UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def verify_tree(
    root: etree._Element,
    *,
    trust: TrustStore,
    at: datetime,
    policy: VerifyPolicy = DEFAULT_POLICY,
    allow_envelope: bool = True,
) -> ValidationReport:
    """Like :func:`verify` on an already safely-parsed tree (which it modifies: keep no other reference).

    Never raises for what the file holds: a verification past its CPU budget is FAILED
    ``VERIFY_BUDGET_EXCEEDED``; an unexpected error is logged and INDETERMINATE ``VERIFIER_ERROR``.
    """
    at = _aware(at)
    budget = _Budget(policy.cpu_budget_seconds)
    try:
        return _verify_tree(
            root, trust=trust, at=at, policy=policy, allow_envelope=allow_envelope, budget=budget
        )
    except BudgetExceeded:
        report = make_report("VERIFY_BUDGET_EXCEEDED", seconds=_seconds(policy.cpu_budget_seconds))
    except Exception:  # a fault of the verifier, not a verdict on the file: say so, and log it
        log.exception("verification failed unexpectedly")
        report = make_report("VERIFIER_ERROR")
    return _labelled(report, root, at)


def _labelled(report: ValidationReport, root: etree._Element, at: datetime) -> ValidationReport:
    """The report named after the file it judges: its kind, root element (a form's code) and time."""
    tag = root.tag if isinstance(root.tag, str) else ""
    report.kind = "envelope" if tag == dossier.ENVELOPE_ROOT else "form"
    report.name = tag
    report.validation_time = at
    if report.kind == "form":
        report.form_code = tag
    return report


def _seconds(value: float | None) -> str:
    return f"{value:g}" if value is not None else "—"


def _verify_tree(
    root: etree._Element,
    *,
    trust: TrustStore,
    at: datetime,
    policy: VerifyPolicy,
    allow_envelope: bool,
    budget: _Budget,
) -> ValidationReport:
    tag = root.tag if isinstance(root.tag, str) else ""
    is_envelope = tag == dossier.ENVELOPE_ROOT
    parent = dossier.ENVELOPE_SIGNATURE_PARENT if is_envelope else dossier.FORM_SIGNATURE_PARENT

    def finish(report: ValidationReport) -> ValidationReport:
        return _labelled(report, root, at)

    if not tag or "}" in tag or (is_envelope and not allow_envelope):
        return finish(make_report("UNKNOWN_ROOT", root=tag or "?"))
    try:
        sig = xmldsig.locate(root, parent)
        if sig is None:
            return finish(make_report("NO_SIGNATURE", parent=parent))
        facts = xmldsig.check_profile(sig, at=at, weak_until=policy.weak_algorithms_until)
    except xmldsig.ProfileViolation as exc:
        return finish(make_report(exc.code, **exc.fmt))

    budget.check()
    failure = xmldsig.crypto_verify(root, facts, before_diagnosis=budget.check)
    budget.check()
    report = finish(make_report(failure or "OK"))
    report.signer = signer_info(facts.certificate)
    report.signature_method = facts.signature_method
    report.digest_method = facts.digest_methods[0]
    report.canonicalization = facts.c14n
    report.claimed_signing_time = facts.claimed_signing_time
    if facts.quirk_objects:
        report.warnings.append(ReportWarning.make("UNSIGNED_OBJECT_IGNORED"))
    if facts.claimed_signing_time:
        report.warnings.append(ReportWarning.make("CLAIMED_SIGNING_TIME", time=facts.claimed_signing_time))
    if facts.weak:
        until = policy.weak_algorithms_until.date().isoformat() if policy.weak_algorithms_until else "—"
        report.warnings.append(
            ReportWarning.make("WEAK_ALGORITHM", algorithm=", ".join(facts.weak), until=until)
        )
    if failure:
        return report
    report.content_digest = facts.document_digest or None

    try:
        verdict = trust.validate(facts.certificate, at, facts.extra_certificates)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        # A certificate the path builder (asn1crypto) cannot read, though cryptography could.
        detail = xmldsig.short_reason(exc)
        verdict = CertVerdict("CERTIFICATE_UNREADABLE", {"detail": detail, "detail_en": detail})
    if verdict.pinned:
        report.warnings.append(ReportWarning.make("TRUST_ANCHOR_PINNED"))
    if verdict.code != "OK":
        set_verdict(report, verdict.code, **verdict.fmt)
    has_comments = next(root.iter(etree.Comment), None) is not None
    report.signed_root = xmldsig.extract_signed(root, sig)
    if has_comments:
        report.warnings.append(ReportWarning.make("COMMENTS_IGNORED"))

    if is_envelope and policy.verify_parts:
        _verify_parts(report, trust=trust, at=at, policy=policy, budget=budget)
    return report


def _verify_parts(
    report: ValidationReport, *, trust: TrustStore, at: datetime, policy: VerifyPolicy, budget: _Budget
) -> None:
    try:
        hoso = dossier.parse_envelope(report.signed_root)
    except dossier.DossierError as exc:
        set_verdict(report, "ATTACHMENT_INVALID", detail=exc.message_vi, detail_en=exc.message_en)
        report.code = exc.code
        return
    report.envelope = hoso
    if len(hoso.info.files) > policy.max_parts:
        count = len(hoso.info.files)
        set_verdict(
            report,
            "ATTACHMENT_INVALID",
            detail=f"Hồ sơ có {count} tệp, vượt giới hạn {policy.max_parts}.",
            detail_en=f"The envelope carries {count} files, above the limit of {policy.max_parts}.",
        )
        report.code = "DOSSIER_TOO_MANY_FILES"
        return
    problems = dossier.check_envelope(hoso)
    by_index: dict[int | None, list[dossier.Problem]] = {}
    for problem in problems:
        by_index.setdefault(problem.index, []).append(problem)
    for problem in by_index.get(None, []):
        set_verdict(report, "ATTACHMENT_INVALID", detail=problem.message, detail_en=problem.message_en)
        report.code = problem.code
    for index, item in enumerate(hoso.info.files):
        found = by_index.get(index)
        if found:
            part = make_report("ATTACHMENT_INVALID", detail=found[0].message, detail_en=found[0].message_en)
            part.code = found[0].code
            part.kind = "attachment"
        elif item.is_xml:
            budget.check()
            content = item.content()
            try:
                form_root = xmlsafe.parse(content, limits=policy.limits)
            except xmlsafe.XmlError as exc:
                part = make_report("XML_INVALID", detail=exc.message_vi, detail_en=exc.message_en)
                part.code = exc.code
            else:
                budget.check()
                part = _verify_tree(
                    form_root, trust=trust, at=at, policy=policy, allow_envelope=False, budget=budget
                )
            part.kind = "form"
        else:
            part = make_report("OK")
            part.reason = "Tệp đính kèm đúng độ dài khai báo (tệp không phải XML, không có chữ ký riêng)."
            part.reason_en = "The attachment has its declared length (not XML, no signature of its own)."
            part.kind = "attachment"
        part.name = item.ten_file
        part.form_code = item.ma_to_khai or part.form_code
        part.validation_time = at
        report.parts.append(part)

    worst = max(report.parts, key=lambda p: p.indication.rank, default=None)
    if worst is not None and worst.indication.rank > report.indication.rank:
        report.indication = worst.indication
        report.sub_indication = worst.sub_indication
        report.code = f"PART_{worst.code}"
        report.reason = f"Tệp {worst.name}: {worst.reason}"
        report.reason_en = f"Embedded file {worst.name}: {worst.reason_en}"


def exit_code(report: ValidationReport) -> int:
    """0 TOTAL_PASSED, 1 FAILED, 2 INDETERMINATE (the ``hoso verify`` convention)."""
    return {Indication.TOTAL_PASSED: 0, Indication.FAILED: 1, Indication.INDETERMINATE: 2}[report.indication]
