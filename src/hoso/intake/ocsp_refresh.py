"""OCSP for the certificates of registered units and communes, asked by the ``hoso:revocation`` job.

A CA may revoke a certificate hours before its next CRL says so; its OCSP responder says it at once.
For every registered certificate (``reference.CertificateRegistration``, still valid) whose issuing CA
is in the gateway's trust store and which names an OCSP responder (its Authority Information Access),
the job asks the responder (HTTP POST, RFC 6960), keeps the answer only if it is about that certificate,
signed by its CA or by a responder the CA delegated (a certificate it issued with the OCSP-signing
purpose, sent in the answer) and current, and stores it in the database
(:class:`~hoso.intake.models.FetchedOcsp`), which every server's trust store reads. An answer is asked
again once half its validity is gone, at least every ``MAX_AGE``, and at once when the CA publishes a CRL
newer than the answer (cached until then, not asked on every reception). Where both are held, the trust
store prefers the OCSP answer: this rule keeps it never older than the newest CRL. `HOSO_OCSP=0` turns this off.

Each responder's outcome per run is kept with the CRL addresses (:class:`~hoso.intake.models.CrlSource`,
its URL the responder's), so a responder that keeps failing raises the same readiness warning.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, ExtensionOID
from django.db import transaction
from django.utils import timezone

from hoso.intake.revocation import (
    CLOCK_SKEW,
    MAX_AGE,
    FetchError,
    _registered_certificates,
    fetch,
    fingerprint,
)
from hoso.signature.certs import TrustStore, common_name

log = logging.getLogger(__name__)

MAX_OCSP_BYTES = 1024 * 1024


@dataclass
class OcspReport:
    stored: list[str] = field(default_factory=list)  # subjects whose newer answer was stored
    skipped: int = 0  # answers held and not due
    failed: list[tuple[str, str]] = field(default_factory=list)  # (subject, error)

    def __str__(self) -> str:
        text = f"OCSP: {len(self.stored)} stored, {self.skipped} not due, {len(self.failed)} failed"
        return text + "".join(f"; {subject}: {error}" for subject, error in self.failed)


def responder_urls(cert: x509.Certificate) -> list[str]:
    try:
        access = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
    except (x509.ExtensionNotFound, ValueError):
        return []
    return [
        d.access_location.value
        for d in access
        if d.access_method == AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
        and d.access_location.value.lower().startswith(("http://", "https://"))
    ]


def _issuer(cert: x509.Certificate, cas: list[x509.Certificate]) -> x509.Certificate | None:
    for ca in cas:
        if ca.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(ca)
        except Exception:  # noqa: BLE001, S112 - InvalidSignature, another key type: not this CA
            continue
        return ca
    return None


def _signed_by(response: ocsp.OCSPResponse, public_key) -> bool:
    algorithm = response.signature_hash_algorithm
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(response.signature, response.tbs_response_bytes, padding.PKCS1v15(), algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(response.signature, response.tbs_response_bytes, ec.ECDSA(algorithm))
        else:
            return False
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True


def _names_responder(response: ocsp.OCSPResponse, candidate: x509.Certificate) -> bool:
    """Whether the answer's ResponderID names ``candidate``: by name, or by the SHA-1 of its public key
    (RFC 6960; the same hash as the usual subject key identifier)."""
    if response.responder_name is not None:
        return response.responder_name == candidate.subject
    return (
        response.responder_key_hash
        == x509.SubjectKeyIdentifier.from_public_key(candidate.public_key()).digest
    )


def _delegated(candidate: x509.Certificate, ca: x509.Certificate, now: datetime) -> bool:
    """A responder certificate issued by ``ca`` for OCSP signing, valid now."""
    try:
        candidate.verify_directly_issued_by(ca)
        usage = candidate.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
    except Exception:  # noqa: BLE001 - not issued by it, or no purpose stated: not a delegated responder
        return False
    return (
        ExtendedKeyUsageOID.OCSP_SIGNING in usage
        and candidate.not_valid_before_utc <= now <= candidate.not_valid_after_utc
    )


def check(data: bytes, cert: x509.Certificate, ca: x509.Certificate, now: datetime) -> ocsp.OCSPResponse:
    """The answer in ``data`` if it is a successful, signed, current answer about ``cert``."""
    try:
        response = ocsp.load_der_ocsp_response(data)
    except Exception as exc:  # noqa: BLE001 - malformed DER raises ValueError or worse
        raise FetchError("OCSP_UNREADABLE", f"{type(exc).__name__}: {exc}") from None
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise FetchError("OCSP_REFUSED", f"responder status {response.response_status.name}")
    if response.serial_number != cert.serial_number:
        raise FetchError("OCSP_OTHER_CERTIFICATE", "the answer is about another certificate")
    expected = ocsp.OCSPRequestBuilder().add_certificate(cert, ca, hashes.SHA1()).build()  # noqa: S303
    if (response.issuer_key_hash, response.issuer_name_hash) != (
        expected.issuer_key_hash,
        expected.issuer_name_hash,
    ):
        raise FetchError("OCSP_OTHER_CERTIFICATE", "the answer is about another CA's certificate")
    signer = None
    if _names_responder(response, ca):
        signer = ca
    else:
        signer = next(
            (c for c in response.certificates if _names_responder(response, c) and _delegated(c, ca, now)),
            None,
        )
    if signer is None or not _signed_by(response, signer.public_key()):
        raise FetchError(
            "OCSP_SIGNATURE", f"not signed by {common_name(ca.subject)} or a responder it delegated"
        )
    this_update, next_update = response.this_update_utc, response.next_update_utc
    if this_update > now + CLOCK_SKEW:
        raise FetchError("OCSP_NOT_YET_VALID", f"thisUpdate {this_update.isoformat()} is in the future")
    if next_update is not None and next_update <= now:
        raise FetchError("OCSP_EXPIRED", f"nextUpdate {next_update.isoformat()} has passed")
    return response


def due(held, now: datetime, newest_crl: datetime | None = None) -> bool:
    """Whether to ask again: no answer held, a CRL of the CA newer than the answer (a revocation it
    lists must not be hidden by an older "good"), or half its validity gone (at most ``MAX_AGE`` after
    it was fetched): a 2-hour answer is renewed after an hour, a week-long one daily."""
    if held is None or (newest_crl is not None and newest_crl > held.this_update):
        return True
    keep = MAX_AGE
    if held.next_update is not None:
        keep = min(keep, (held.next_update - held.this_update) / 2)
    return now - held.fetched_at >= keep


def ask(cert: x509.Certificate, ca: x509.Certificate, url: str, now: datetime) -> ocsp.OCSPResponse:
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, ca, hashes.SHA1()).build()  # noqa: S303
    data = fetch(
        url,
        body=request.public_bytes(Encoding.DER),
        content_type="application/ocsp-request",
        kind="OCSP",
        limit=MAX_OCSP_BYTES,
    )
    return check(data, cert, ca, now)


def refresh(store: TrustStore, now: datetime | None = None) -> OcspReport:
    """Ask the responders about every registered certificate whose answer is due; store the answers."""
    from django.db.models import Max

    from hoso.intake.models import CrlSource, FetchedCrl, FetchedOcsp

    now = now or timezone.now()
    report = OcspReport()
    cas = [*store.anchors, *store.intermediates]
    newest_crls = dict(
        FetchedCrl.objects.values("ca_sha256").annotate(at=Max("this_update")).values_list("ca_sha256", "at")
    )
    outcomes: dict[tuple[str, str], tuple[str, str | None]] = {}  # (CA, responder) -> (CA name, error)
    for cert in _registered_certificates(now):
        urls = responder_urls(cert)
        ca = _issuer(cert, cas) if urls else None
        if ca is None:
            continue
        key = fingerprint(cert)
        held = FetchedOcsp.objects.filter(cert_sha256=key).first()
        if not due(held, now, newest_crls.get(fingerprint(ca))):
            report.skipped += 1
            continue
        subject = common_name(cert.subject)[:400]
        ca_key, ca_name = fingerprint(ca), common_name(ca.subject)[:400]
        try:
            response = ask(cert, ca, urls[0], now)
        except FetchError as error:
            report.failed.append((subject, str(error)))
            outcomes[(ca_key, urls[0])] = (ca_name, str(error))
            log.warning("revocation: OCSP %s for %s: %s", urls[0], subject, error)
            continue
        outcomes.setdefault((ca_key, urls[0]), (ca_name, None))
        der = response.public_bytes(Encoding.DER)
        status = {
            ocsp.OCSPCertStatus.GOOD: "good",
            ocsp.OCSPCertStatus.REVOKED: "revoked",
        }.get(response.certificate_status, "unknown")
        with transaction.atomic():
            FetchedOcsp.objects.filter(cert_sha256=key).delete()
            FetchedOcsp.objects.create(
                cert_sha256=key,
                subject=subject,
                ca_name=ca_name,
                url=urls[0],
                der=der,
                status=status,
                revoked_at=response.revocation_time_utc if status == "revoked" else None,
                this_update=response.this_update_utc,
                next_update=response.next_update_utc,
                fetched_at=now,
            )
        report.stored.append(subject)
        log.info("revocation: OCSP %s: %s (%s)", subject, status, hashlib.sha256(der).hexdigest()[:12])
    for (ca_key, url), (ca_name, error) in outcomes.items():
        source, _ = CrlSource.objects.get_or_create(ca_sha256=ca_key, url=url, defaults={"ca_name": ca_name})
        source.last_attempt_at = now
        if error is None:
            source.last_success_at, source.failures_in_a_row, source.failing_since, source.last_error = (
                now,
                0,
                None,
                "",
            )
        else:
            source.failures_in_a_row += 1
            source.failing_since = source.failing_since or now
            source.last_error = error[:2000]
        source.save()
    return report


def stored_answers() -> list[bytes]:
    from hoso.intake.models import FetchedOcsp

    return [bytes(der) for der in FetchedOcsp.objects.values_list("der", flat=True)]
