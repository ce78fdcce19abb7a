"""The gateway's own signing identity and the trust it places in certificate authorities.

`hoso init` creates a key and a self-signed certificate in ``DATA_DIR/gateway`` when none is
configured; ``HOSO_GATEWAY_KEY`` / ``HOSO_GATEWAY_CERT`` (PEM files) point to a CA-issued pair instead.
Trust anchors are the CA certificates in ``HOSO_TRUST_ANCHORS`` (default ``DATA_DIR/trust/anchors``),
issuing CAs below them in ``HOSO_TRUST_INTERMEDIATES`` (default ``DATA_DIR/trust/intermediates``)
and CRLs the files in ``HOSO_CRL_DIR`` (default ``DATA_DIR/trust/crls``) plus the CRLs the revocation
job fetched into the database (:mod:`hoso.intake.revocation`, shared by every server).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from hoso import xmlsafe
from hoso.signature import TrustStore, VerifyPolicy
from hoso.signature.sign import Pkcs12Signer

log = logging.getLogger(__name__)

_lock = threading.Lock()
_signer: Pkcs12Signer | None = None
_trust: tuple[tuple, TrustStore] | None = None
_trust_checked = 0.0  # time.monotonic() of the last look at the anchor and CRL files
_stored_marker: tuple | None = None  # (count, newest id) of the fetched CRLs last seen

# How long a verified trust store is used before its files are looked at again: every reception asks
# for it, and listing and stat-ing the folders cost 0.1 ms each time (issue 5). A CRL or anchor copied
# in is used from at most this long after; ``forget()`` applies a change in this process at once.
TRUST_RECHECK_SECONDS = 1.0


def _gateway_dir() -> Path:
    return settings.DATA_DIR / "gateway"


def key_path() -> Path:
    return Path(getattr(settings, "HOSO_GATEWAY_KEY", None) or _gateway_dir() / "gateway.key.pem")


def cert_path() -> Path:
    return Path(getattr(settings, "HOSO_GATEWAY_CERT", None) or _gateway_dir() / "gateway.cert.pem")


def ensure_gateway_identity() -> bool:
    """Create the gateway's key (mode 0600) and a self-signed certificate when none exist; True if made."""
    if key_path().exists() and cert_path().exists():
        return False
    _gateway_dir().mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the size of the I-VAN files' keys
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hà Nội"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bảo hiểm xã hội thành phố Hà Nội"),
            x509.NameAttribute(NameOID.COMMON_NAME, "BHXH Hà Nội - Cổng hồ sơ điện tử hoso"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Valid from 2014 so that receipts of the demo history (2015–2016 receptions) verify at their
        # own reception time; a production office configures a CA-issued certificate instead.
        .not_valid_before(datetime(2014, 1, 1, tzinfo=UTC))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )  # digitalSignature + nonRepudiation
        .sign(key, hashes.SHA256())
    )
    fd = os.open(key_path(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    cert_path().write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    forget()
    return True


def gateway_certificate_pem() -> bytes:
    return cert_path().read_bytes()


def gateway_signer() -> Pkcs12Signer:
    global _signer
    with _lock:
        if _signer is None:
            key = serialization.load_pem_private_key(key_path().read_bytes(), password=None)
            cert = x509.load_pem_x509_certificate(cert_path().read_bytes())
            _signer = Pkcs12Signer(key, cert)
        return _signer


def anchors_dir() -> Path:
    return Path(getattr(settings, "HOSO_TRUST_ANCHORS", None) or settings.DATA_DIR / "trust" / "anchors")


def intermediates_dir() -> Path:
    """CA certificates below the anchors (issuing CAs): known to path building, and the CAs whose CRLs
    the revocation job fetches and verifies (``HOSO_TRUST_INTERMEDIATES``, default
    ``DATA_DIR/trust/intermediates``). Trusted only through a path to an anchor."""
    return Path(
        getattr(settings, "HOSO_TRUST_INTERMEDIATES", None) or settings.DATA_DIR / "trust" / "intermediates"
    )


def crl_dir() -> Path:
    return Path(getattr(settings, "HOSO_CRL_DIR", None) or settings.DATA_DIR / "trust" / "crls")


def _state() -> tuple:
    """What the trust store was built from: file names, sizes and times (a change rebuilds it)."""
    files = []
    for folder in (anchors_dir(), intermediates_dir(), crl_dir()):
        if folder.is_dir():
            files.extend(
                (str(p), p.stat().st_size, p.stat().st_mtime_ns)
                for p in sorted(folder.iterdir())
                if p.is_file()
            )
    return (tuple(files), _stored_state())


def _stored_state() -> tuple | None:
    """(count, newest id) of the CRLs the revocation job stored: one indexed query. A row replaced gets a
    new id, one deleted lowers the count. When the database cannot be asked (not migrated, not reachable,
    no database in this process) the last answer stands: no rebuild for that."""
    global _stored_marker
    try:
        from django.db.models import Count, Max

        from hoso.intake.models import FetchedCrl

        found = FetchedCrl.objects.aggregate(n=Count("id"), last=Max("id"))
    except Exception as exc:  # noqa: BLE001 - DatabaseError, or no database access here (tests, tools)
        log.debug("fetched CRLs not looked at: %s", exc)
        return _stored_marker
    _stored_marker = (found["n"], found["last"])
    return _stored_marker


def _stored_crls() -> list[x509.CertificateRevocationList]:
    if not _stored_marker or not _stored_marker[0]:
        return []
    from hoso.intake.revocation import stored_crls

    return stored_crls()


def trust_store() -> TrustStore:
    """The trust store of the configured anchors and CRLs, rebuilt when those files change (looked at
    again at most every ``TRUST_RECHECK_SECONDS``)."""
    global _trust, _trust_checked
    now = time.monotonic()
    current = _trust
    if current is not None and now - _trust_checked < TRUST_RECHECK_SECONDS:
        return current[1]
    state = _state()
    with _lock:
        if _trust is None or _trust[0] != state:
            anchors = [p for p in [anchors_dir()] if p.is_dir()]
            crls = [p for p in [crl_dir()] if p.is_dir()]
            inter = [p for p in [intermediates_dir()] if p.is_dir()]
            store = TrustStore.from_paths(anchors, crls=crls, intermediates=inter)
            for crl in _stored_crls():
                store.add_crl(crl)
            _trust = (state, store)
        _trust_checked = now
        return _trust[1]


def xml_limits() -> xmlsafe.XmlLimits:
    """The limits every file received is parsed under (``HOSO_XML_*`` settings; docs/security.md)."""
    return xmlsafe.XmlLimits(
        max_bytes=max(settings.HOSO_MAX_UPLOAD_BYTES, 1),
        max_depth=settings.HOSO_XML_MAX_DEPTH,
        max_elements=settings.HOSO_XML_MAX_ELEMENTS,
        max_attributes=settings.HOSO_XML_MAX_ATTRIBUTES,
        max_namespaces_in_scope=settings.HOSO_XML_MAX_NAMESPACES,
        max_text_bytes=settings.HOSO_XML_MAX_TEXT_BYTES,
    )


def verify_policy() -> VerifyPolicy:
    """How signatures received are verified: the XML limits and the CPU budget of one verification."""
    budget = settings.HOSO_VERIFY_CPU_SECONDS
    return VerifyPolicy(limits=xml_limits(), cpu_budget_seconds=budget if budget > 0 else None)


def forget() -> None:
    global _signer, _trust, _trust_checked, _stored_marker
    with _lock:
        _signer, _trust, _trust_checked, _stored_marker = None, None, 0.0, None
