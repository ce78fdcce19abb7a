"""Revocation refresh (issue 18 item 5): the ``hoso:revocation`` job fetches the CAs' CRLs (and asks
OCSP about registered certificates: :mod:`hoso.intake.ocsp_refresh`).

For every CA certificate of the gateway's trust store (anchors and intermediates), the addresses are the
HTTP(S) CRL distribution points of the certificates that CA issued and hoso knows — the trust store's
own CA certificates and the certificates of registered units and communes
(``reference.CertificateRegistration.certificate_der``, those still valid). Each CRL downloaded must be
signed by that CA, be current (thisUpdate not in the future, nextUpdate ahead) and be newer than the one
held for that address; it is then stored in the database (:class:`~hoso.intake.models.FetchedCrl`), which
every server's trust store reads (within ``TRUST_RECHECK_SECONDS``), so one fetch serves the cluster.

When an address is fetched (the rule): when no CRL is held for it; when the held CRL's nextUpdate is
within ``REFRESH_MARGIN`` (or past); or when the last successful download from it is ``MAX_AGE`` old
(a CA publishes revocations before its CRL's nextUpdate). Otherwise the address is left alone, so a run
every 15 minutes downloads each CRL about once a day. A failed attempt is retried at the next run.

Each attempt's outcome is kept per address (:class:`~hoso.intake.models.CrlSource`): readiness warns
(``revocation_fetch``) when one has failed ``FAILURE_WARN_COUNT`` times in a row or for longer than
``FAILURE_WARN_AFTER``.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.signature.certs import TrustStore, common_name

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(hours=24)  # fetch again when the held CRL's nextUpdate is this close
MAX_AGE = timedelta(hours=24)  # ... or when the last successful download is this old
FETCH_TIMEOUT_SECONDS = 10.0
MAX_CRL_BYTES = 20 * 1024 * 1024
CLOCK_SKEW = timedelta(minutes=5)  # a thisUpdate this far in the future is still accepted
FAILURE_WARN_COUNT = 3  # readiness warns after this many failures in a row ...
FAILURE_WARN_AFTER = timedelta(hours=1)  # ... or a source failing for this long


class FetchError(Exception):
    """A CRL could not be fetched or was refused; ``code`` names why (kept in CrlSource.last_error)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


@dataclass
class RefreshReport:
    installed: list[str] = field(default_factory=list)  # URLs whose newer CRL was stored
    unchanged: list[str] = field(default_factory=list)  # fetched, same CRL as held
    skipped: list[str] = field(default_factory=list)  # not due (the rule above)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (URL, error)
    ocsp: object = None  # the OCSP part's report (hoso.intake.ocsp_refresh.OcspReport), when asked

    @property
    def any_failed(self) -> bool:
        return bool(self.failed or (self.ocsp is not None and self.ocsp.failed))

    def __str__(self) -> str:
        text = (
            f"{len(self.installed)} installed, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} not due, {len(self.failed)} failed"
        )
        text += "".join(f"; {url}: {error}" for url, error in self.failed)
        return text if self.ocsp is None else f"{text}. {self.ocsp}"


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca)
    except x509.ExtensionNotFound:
        return False


def _crl_urls(cert: x509.Certificate) -> list[str]:
    try:
        points = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    except (x509.ExtensionNotFound, ValueError):
        return []
    urls = []
    for point in points:
        for name in point.full_name or ():
            url = getattr(name, "value", "")
            if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
                urls.append(url)
    return urls


def _registered_certificates(now: datetime) -> list[x509.Certificate]:
    from hoso.reference.models import CertificateRegistration

    certs = []
    rows = (
        CertificateRegistration.objects.filter(not_after__gt=now)
        .exclude(certificate_der=b"")
        .values_list("certificate_der", flat=True)
    )
    for der in set(bytes(d) for d in rows):
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except ValueError:
            continue
    return certs


def sources(store: TrustStore, now: datetime | None = None) -> dict[str, tuple[x509.Certificate, list[str]]]:
    """CA fingerprint -> (CA certificate, its CRL addresses), for every CA certificate of ``store``."""
    now = now or timezone.now()
    cas: dict[str, x509.Certificate] = {}
    for cert in [*store.anchors, *store.intermediates]:
        if _is_ca(cert):
            cas.setdefault(fingerprint(cert), cert)
    known = list(cas.values()) + _registered_certificates(now)
    found: dict[str, tuple[x509.Certificate, list[str]]] = {}
    for key, ca in cas.items():
        urls: list[str] = []
        for cert in known:
            if cert is ca or cert.issuer != ca.subject:
                continue
            try:
                cert.verify_directly_issued_by(ca)
            except Exception:  # noqa: BLE001, S112 - InvalidSignature, another key type: not issued by it
                continue
            urls.extend(u for u in _crl_urls(cert) if u not in urls)
        if urls:
            found[key] = (ca, urls)
    return found


class _SameSchemeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to http or https (urllib would also follow one to ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise FetchError("CRL_REDIRECT", f"redirect to another scheme refused: {newurl[:100]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str,
    *,
    body: bytes | None = None,
    content_type: str = "",
    kind: str = "CRL",
    timeout: float = FETCH_TIMEOUT_SECONDS,
    limit: int = MAX_CRL_BYTES,
) -> bytes:
    """GET ``url`` (or POST ``body``): at most ``limit`` bytes, http/https only, redirects only to
    http/https; any failure a :class:`FetchError` coded ``<kind>_…``."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"{kind}_SCHEME", "only http and https addresses are fetched")
    opener = urllib.request.build_opener(_SameSchemeRedirects)
    headers = {"User-Agent": "hoso-revocation/1", **({"Content-Type": content_type} if content_type else {})}
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(limit + 1)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{kind}_HTTP", f"HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections, bad URLs
        raise FetchError(f"{kind}_UNREACHABLE", f"{type(exc).__name__}: {exc}") from None
    if len(data) > limit:
        raise FetchError(f"{kind}_TOO_LARGE", f"more than {limit} bytes")
    return data


def _crl_number(crl: x509.CertificateRevocationList) -> int | None:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        return None


def check(data: bytes, ca: x509.Certificate, held, now: datetime) -> x509.CertificateRevocationList:
    """The CRL in ``data`` if it is signed by ``ca``, current at ``now`` and not older than ``held``."""
    try:
        crl = x509.load_pem_x509_crl(data) if b"-----BEGIN" in data[:100] else x509.load_der_x509_crl(data)
    except Exception as exc:  # noqa: BLE001 - InvalidVersion, DuplicateExtension... are not ValueErrors
        raise FetchError("CRL_UNREADABLE", f"{type(exc).__name__}: {exc}") from None
    if crl.issuer != ca.subject or not crl.is_signature_valid(ca.public_key()):
        raise FetchError("CRL_SIGNATURE", f"not signed by {common_name(ca.subject)}")
    this_update, next_update = crl.last_update_utc, crl.next_update_utc
    if this_update > now + CLOCK_SKEW:
        raise FetchError("CRL_NOT_YET_VALID", f"thisUpdate {this_update.isoformat()} is in the future")
    if next_update is None:
        raise FetchError("CRL_NO_NEXT_UPDATE", "no nextUpdate")
    if next_update <= now:
        raise FetchError("CRL_EXPIRED", f"nextUpdate {next_update.isoformat()} has passed")
    if held is not None:
        number, held_number = _crl_number(crl), int(held.crl_number) if held.crl_number else None
        lower = number is not None and held_number is not None and number < held_number
        if lower or this_update < held.this_update:
            raise FetchError("CRL_OLDER", f"thisUpdate {this_update.isoformat()} older than the CRL held")
    return crl


def due(held, source, now: datetime) -> bool:
    """Whether the address is fetched at ``now`` (the rule of the module doc)."""
    if held is None:
        return True
    if held.next_update - now <= REFRESH_MARGIN:
        return True
    last = source.last_success_at if source is not None and source.last_success_at else held.fetched_at
    return now - last >= MAX_AGE


def refresh(now: datetime | None = None, store: TrustStore | None = None) -> RefreshReport:
    """Fetch every due CRL address of the trust store's CAs; store the newer CRLs (see module doc)."""
    from hoso.intake import gateway
    from hoso.intake.models import CrlSource, FetchedCrl

    now = now or timezone.now()
    store = store or gateway.trust_store()
    report = RefreshReport()
    for ca_key, (ca, urls) in sources(store, now).items():
        name = common_name(ca.subject)[:400]
        for url in urls:
            held = FetchedCrl.objects.filter(ca_sha256=ca_key, url=url).first()
            source, _ = CrlSource.objects.get_or_create(ca_sha256=ca_key, url=url, defaults={"ca_name": name})
            if not due(held, source, now):
                report.skipped.append(url)
                continue
            source.last_attempt_at = now
            try:
                data = fetch(url)
                crl = check(data, ca, held, now)
            except FetchError as error:
                source.failures_in_a_row += 1
                source.failing_since = source.failing_since or now
                source.last_error = str(error)[:2000]
                source.save()
                report.failed.append((url, str(error)))
                log.warning("revocation: %s (%s): %s", url, name, error)
                continue
            der = crl.public_bytes(Encoding.DER)
            digest = hashlib.sha256(der).hexdigest()
            with transaction.atomic():
                if held is not None and held.sha256 == digest:
                    report.unchanged.append(url)
                else:
                    FetchedCrl.objects.filter(ca_sha256=ca_key, url=url).delete()
                    number = _crl_number(crl)
                    FetchedCrl.objects.create(
                        ca_sha256=ca_key,
                        ca_name=name,
                        url=url,
                        der=der,
                        sha256=digest,
                        crl_number="" if number is None else str(number),
                        this_update=crl.last_update_utc,
                        next_update=crl.next_update_utc,
                        fetched_at=now,
                    )
                    report.installed.append(url)
                    log.info("revocation: %s (%s): new CRL, nextUpdate %s", url, name, crl.next_update_utc)
                source.ca_name = name
                source.last_success_at = now
                source.failures_in_a_row = 0
                source.failing_since = None
                source.last_error = ""
                source.save()
    if getattr(settings, "HOSO_OCSP", True):
        from hoso.intake import ocsp_refresh

        report.ocsp = ocsp_refresh.refresh(store, now)
    if report.installed or (report.ocsp is not None and report.ocsp.stored):
        gateway.forget()  # this process at once; the others within TRUST_RECHECK_SECONDS
    return report


def failing_sources(now: datetime | None = None, rows=None) -> list:
    """The CRL addresses (of ``rows``, default all) that have failed FAILURE_WARN_COUNT times in a row
    or for FAILURE_WARN_AFTER."""
    from hoso.intake.models import CrlSource

    now = now or timezone.now()
    if rows is None:
        rows = CrlSource.objects.filter(failures_in_a_row__gt=0).order_by("ca_name", "url")
    return [
        s
        for s in rows
        if s.failures_in_a_row > 0
        and (
            s.failures_in_a_row >= FAILURE_WARN_COUNT
            or (s.failing_since is not None and now - s.failing_since >= FAILURE_WARN_AFTER)
        )
    ]


def stored_crls() -> list[x509.CertificateRevocationList]:
    from hoso.intake.models import FetchedCrl

    return [x509.load_der_x509_crl(bytes(der)) for der in FetchedCrl.objects.values_list("der", flat=True)]
