"""The gateway's own signing identity and the trust it places in certificate authorities.

The signing key is, by configuration: a CA-issued pair of PEM files (``HOSO_GATEWAY_KEY`` /
``HOSO_GATEWAY_CERT``), one PKCS#12 file (``HOSO_GATEWAY_P12``), a key on a PKCS#11 token or HSM
(``HOSO_GATEWAY_PKCS11`` with ``HOSO_GATEWAY_TOKEN``), or else the built-in self-signed identity in
``DATA_DIR/gateway``, which the first `hoso init` of a cluster creates and the database carries to every
other server (:mod:`hoso.intake.cluster`: one cluster, one identity).
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
from hoso.signature.sign import Pkcs11Signer, Pkcs12Signer, Signer

log = logging.getLogger(__name__)

_lock = threading.Lock()
_signer: Signer | None = None
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


def configured_source() -> str:
    """Where this server's receipt-signing key is: ``pkcs11``, ``p12``, ``files`` (CA-issued PEM files)
    or ``built-in`` (the self-signed identity in the data directory, shared through the database)."""
    if getattr(settings, "HOSO_GATEWAY_PKCS11", None):
        return "pkcs11"
    if getattr(settings, "HOSO_GATEWAY_P12", None):
        return "p12"
    if getattr(settings, "HOSO_GATEWAY_KEY", None) or getattr(settings, "HOSO_GATEWAY_CERT", None):
        return "files"
    return "built-in"


def ensure_gateway_identity() -> bool:
    """Create the built-in identity when no key is configured and none exists: a key (mode 0600) and a
    self-signed certificate in the data directory; True if made."""
    if configured_source() != "built-in" or (key_path().exists() and cert_path().exists()):
        return False
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
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_builtin_identity(key_pem, cert.public_bytes(serialization.Encoding.PEM))
    return True


def write_builtin_identity(key_pem: bytes, cert_pem: bytes) -> None:
    """Put the built-in identity's key (mode 0600) and certificate in the data directory, each written
    whole then renamed, so that a process starting meanwhile reads the old pair or the new, never half."""
    _gateway_dir().mkdir(parents=True, exist_ok=True)
    for path, data, mode in ((key_path(), key_pem, 0o600), (cert_path(), cert_pem, 0o644)):
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    forget()


def has_identity() -> bool:
    """Whether a receipt-signing key is configured, or the built-in one exists."""
    return configured_source() != "built-in" or (key_path().exists() and cert_path().exists())


def load_signer(*, validate_key: bool = True) -> Signer:
    """This server's receipt signer, read from where the configuration says (raises if it cannot be:
    a missing or damaged file, a wrong password or PIN, an absent token). Not cached: see
    :func:`gateway_signer`. ``validate_key=False`` skips RSA's ~100 ms consistency check of a PEM key
    (a readiness probe signs and verifies instead)."""
    source = configured_source()
    if source == "pkcs11":
        return Pkcs11Signer(
            settings.HOSO_GATEWAY_PKCS11,
            settings.HOSO_GATEWAY_TOKEN or "",
            settings.HOSO_GATEWAY_TOKEN_PIN or "",
            key_label=settings.HOSO_GATEWAY_KEY_LABEL,
            certificate=(
                x509.load_pem_x509_certificate(cert_path().read_bytes())
                if getattr(settings, "HOSO_GATEWAY_CERT", None)
                else None
            ),
        )
    if source == "p12":
        return Pkcs12Signer.from_file(settings.HOSO_GATEWAY_P12, settings.HOSO_GATEWAY_P12_PASSWORD)
    key = serialization.load_pem_private_key(
        key_path().read_bytes(), password=None, unsafe_skip_rsa_key_validation=not validate_key
    )
    return Pkcs12Signer(key, x509.load_pem_x509_certificate(cert_path().read_bytes()))


def signer_signs(signer: Signer) -> bool:
    """Whether ``signer`` signs what its certificate's public key verifies (a mismatched or damaged key,
    or a token that refuses, does not)."""
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    message = b"hoso gateway key probe"
    public = signer.certificate.public_key()
    try:
        signature = signer.sign(message, "sha256")
        if isinstance(public, ec.EllipticCurvePublicKey):
            half = len(signature) // 2
            der = encode_dss_signature(
                int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
            )
            public.verify(der, message, ec.ECDSA(hashes.SHA256()))
        else:
            public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 - InvalidSignature, a token error, a key of another type: all "no"
        return False
    return True


def gateway_certificate() -> x509.Certificate:
    return gateway_signer().certificate


def gateway_certificate_pem() -> bytes:
    return gateway_certificate().public_bytes(serialization.Encoding.PEM)


def gateway_signer() -> Signer:
    """This server's receipt signer, loaded once per process (``forget()`` loads it again)."""
    global _signer
    with _lock:
        if _signer is None:
            _signer = load_signer()
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
    """(count, newest id) of the CRLs and OCSP answers the revocation job stored and of the CA
    certificates `hoso trust add` stored: one indexed query each. A row replaced gets a new id, one deleted lowers the count.
    When the database cannot be asked (not migrated, not reachable, no database in this process) the
    last answer stands: no rebuild for that."""
    global _stored_marker
    try:
        from django.db.models import Count, Max

        from hoso.intake.models import FetchedCrl, FetchedOcsp, TrustedCertificate

        crls = FetchedCrl.objects.aggregate(n=Count("id"), last=Max("id"))
        cas = TrustedCertificate.objects.aggregate(n=Count("id"), last=Max("id"))
        answers = FetchedOcsp.objects.aggregate(n=Count("id"), last=Max("id"))
    except Exception as exc:  # noqa: BLE001 - DatabaseError, or no database access here (tests, tools)
        log.debug("stored trust not looked at: %s", exc)
        return _stored_marker
    _stored_marker = (crls["n"], crls["last"], cas["n"], cas["last"], answers["n"], answers["last"])
    return _stored_marker


def _stored_crls() -> list[x509.CertificateRevocationList]:
    if not _stored_marker or not _stored_marker[0]:
        return []
    from hoso.intake.revocation import stored_crls

    return stored_crls()


def _stored_cas() -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """The anchors and the issuing CAs the cluster trusts through the database (`hoso trust add`)."""
    if not _stored_marker or not _stored_marker[2]:
        return [], []
    from hoso.intake.cluster import trusted_certificates

    return trusted_certificates("anchor"), trusted_certificates("intermediate")


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
            stored_anchors, stored_intermediates = _stored_cas()
            store = TrustStore.from_paths(
                anchors,
                crls=crls,
                intermediates=inter,
                anchor_certs=stored_anchors,
                intermediate_certs=stored_intermediates,
            )
            for crl in _stored_crls():
                store.add_crl(crl)
            if _stored_marker and _stored_marker[4]:
                from hoso.intake.ocsp_refresh import stored_answers

                for der in stored_answers():
                    store.add_ocsp(der)
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
