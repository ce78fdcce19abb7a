"""Certificate path validation at a point in time, with an explicit revocation policy.

Built on pyhanko-certvalidator. The revocation policy is data (:class:`RevocationPolicy`), never the
legacy ``revocation_mode`` strings: with ``revocation_mode='hard-fail'`` a certificate that declares no
CRL address passes even when a supplied CRL lists it as revoked, because "hard-fail" only checks
revocation *if declared*. Our default requires CRL or OCSP evidence for every certificate of the path
(the trust anchor excepted) and answers INDETERMINATE / TRY_LATER when there is none.

Results are cached per (end-entity certificate, offered intermediates, revocation state): a passing
result is reused for any validation time inside the window where it provably holds (every path
certificate valid, every relevant CRL between thisUpdate and nextUpdate, before any revocation date).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import threading
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID, NameOID
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from hoso.errors import CodedError

UID_OID = x509.ObjectIdentifier("0.9.2342.19200300.100.1.1")

_RULES = {
    "crl_or_ocsp": RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
    "crl": RevocationCheckingRule.CRL_REQUIRED,
    "ocsp": RevocationCheckingRule.OCSP_REQUIRED,
    "if_declared": RevocationCheckingRule.CHECK_IF_DECLARED,
    "none": RevocationCheckingRule.NO_CHECK,
}


class TrustConfigError(CodedError):
    """A trust anchor or CRL file cannot be read."""


@dataclass(frozen=True)
class RevocationPolicy:
    """The revocation policy, stated explicitly.

    ``ee_rule`` / ``ca_rule``: ``crl_or_ocsp`` (default: evidence required), ``crl``, ``ocsp``,
    ``if_declared`` (the legacy "hard-fail": unsafe, see module doc) or ``none``.
    ``network``: fetch CRLs from the certificates' CRL addresses (cached until nextUpdate).
    ``ocsp``: also ask OCSP responders (only with ``network``). Both off by default. A result that may
    rest on a live OCSP answer is cached for ``ocsp_cache_seconds`` of wall-clock time only.
    ``retroactive``: revocation data issued after the validation time counts for it (a CRL published
    later lists every revocation with its date), for judging again at an earlier moment a signature whose
    revocation status was unknown then; off by default (the data must be current at that moment).
    """

    ee_rule: str = "crl_or_ocsp"
    ca_rule: str = "crl_or_ocsp"
    network: bool = False
    ocsp: bool = False
    fetch_timeout: float = 10.0
    ocsp_cache_seconds: float = 300.0
    retroactive: bool = False

    def certvalidator_policy(self) -> CertRevTrustPolicy:
        return CertRevTrustPolicy(
            RevocationCheckingPolicy(_RULES[self.ee_rule], _RULES[self.ca_rule]),
            retroactive_revinfo=self.retroactive,
        )


@dataclass(frozen=True)
class CertVerdict:
    """Outcome of path validation: ``code`` is a key of report.REASONS (``OK`` when it passed)."""

    code: str
    fmt: dict = field(default_factory=dict)
    pinned: bool = False


def _load_certs(data: bytes, source: str) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except Exception as exc:  # noqa: BLE001 - InvalidVersion, DuplicateExtension... are not ValueErrors
        raise TrustConfigError(
            "TRUST_ANCHOR_UNREADABLE",
            f"Không đọc được chứng thư số {source}: {exc}",
            f"Cannot read certificate {source}: {exc}",
        ) from None


def _load_crl(data: bytes, source: str) -> x509.CertificateRevocationList:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except Exception as exc:  # noqa: BLE001 - InvalidVersion, DuplicateExtension... are not ValueErrors
        raise TrustConfigError(
            "CRL_UNREADABLE",
            f"Không đọc được danh sách thu hồi {source}: {exc}",
            f"Cannot read CRL {source}: {exc}",
        ) from None


def _files(paths: Iterable[str | Path], suffixes: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes))
        elif path.is_file():
            found.append(path)
        else:
            raise TrustConfigError(
                "TRUST_PATH_MISSING",
                f"Không tìm thấy tệp hoặc thư mục {path}.",
                f"File or directory {path} not found.",
            )
    return found


_SHA256 = hashes.SHA256()


@functools.lru_cache(maxsize=4096)
def _fp(cert: x509.Certificate) -> bytes:
    return cert.fingerprint(_SHA256)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def vietnam_time(moment: datetime) -> str:
    """A moment as a person in Vietnam reads it: dd/mm/yyyy HH:MM:SS, Hanoi time (UTC+7, no DST)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(timezone(timedelta(hours=7)))
    return f"{local:%d/%m/%Y %H:%M:%S} giờ Hà Nội"


def signer_tax_code(cert: x509.Certificate) -> str | None:
    """The tax code from ``UID=MST:0101300842`` (Vietnamese CAs' convention), if present."""
    for attr in cert.subject.get_attributes_for_oid(UID_OID):
        value = str(attr.value).strip()
        if value.upper().startswith("MST:"):
            return value[4:].strip()
    return None


def key_usage_allows_signing(cert: x509.Certificate) -> bool:
    try:
        ku = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    except x509.ExtensionNotFound:
        return True
    return bool(ku.digital_signature or ku.content_commitment)


def common_name(name: x509.Name) -> str:
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else name.rfc4514_string()


def _run(coro):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:  # called from async code
        return pool.submit(asyncio.run, coro).result()


def _names_issuer(answer, name: x509.Name) -> bool:
    """Whether an OCSP answer is about a certificate issued under ``name`` (its issuer name hash)."""
    digest = hashes.Hash(answer.hash_algorithm)
    digest.update(name.public_bytes())
    return digest.finalize() == answer.issuer_name_hash


class TrustStore:
    """Trust anchors, known intermediates, CRLs and the revocation policy; validates with a cache.

    ``anchors`` may hold CA certificates or pinned end-entity certificates (trusted as themselves).
    """

    def __init__(
        self,
        anchors: Iterable[x509.Certificate] = (),
        *,
        intermediates: Iterable[x509.Certificate] = (),
        crls: Iterable[x509.CertificateRevocationList] = (),
        policy: RevocationPolicy | None = None,
        crl_cache_dir: str | Path | None = None,
    ) -> None:
        self.anchors = list(anchors)
        self.intermediates = list(intermediates)
        self.policy = policy or RevocationPolicy()
        self.crl_cache_dir = Path(crl_cache_dir) if crl_cache_dir else None
        self._anchor_fps = {_fp(c) for c in self.anchors}
        self._lock = threading.Lock()
        # key -> [(valid from, valid until, wall-clock expiry or None, verdict)]
        self._cache: dict[tuple, list[tuple[datetime, datetime, float | None, CertVerdict]]] = {}
        self._crls: list[x509.CertificateRevocationList] = []
        self._fetched: dict[str, x509.CertificateRevocationList] = {}
        self._state = b""
        self._ocsps: list[bytes] = []
        self._ocsp_windows: dict[int, tuple[datetime, datetime | None]] = {}  # serial -> this/nextUpdate
        self._retroactive: TrustStore | None = None  # see retroactive()
        for crl in crls:
            self.add_crl(crl)

    @classmethod
    def from_paths(
        cls,
        anchors: Iterable[str | Path] = (),
        *,
        crls: Iterable[str | Path] = (),
        intermediates: Iterable[str | Path] = (),
        policy: RevocationPolicy | None = None,
        crl_cache_dir: str | Path | None = None,
        anchor_certs: Iterable[x509.Certificate] = (),
        intermediate_certs: Iterable[x509.Certificate] = (),
    ) -> TrustStore:
        """Anchors and CRLs from files or directories of PEM/DER files (and certificates given as such)."""
        cert_suffixes = (".pem", ".crt", ".cer", ".der")
        anchor_certs = [
            *(c for p in _files(anchors, cert_suffixes) for c in _load_certs(p.read_bytes(), str(p))),
            *anchor_certs,
        ]
        inter_certs = [
            *(c for p in _files(intermediates, cert_suffixes) for c in _load_certs(p.read_bytes(), str(p))),
            *intermediate_certs,
        ]
        crl_objs = [_load_crl(p.read_bytes(), str(p)) for p in _files(crls, (".crl", ".pem", ".der"))]
        return cls(
            anchor_certs, intermediates=inter_certs, crls=crl_objs, policy=policy, crl_cache_dir=crl_cache_dir
        )

    def retroactive(self) -> TrustStore:
        """This store (the same anchors, CA certificates, CRLs and OCSP answers) under a policy that counts
        revocation data issued after the validation time (:class:`RevocationPolicy`, ``retroactive``);
        made once per store."""
        with self._lock:
            derived = self._retroactive
            if derived is None:
                derived = TrustStore(
                    self.anchors,
                    intermediates=self.intermediates,
                    crls=self._crls,
                    policy=replace(self.policy, retroactive=True),
                    crl_cache_dir=self.crl_cache_dir,
                )
                derived._ocsps, derived._ocsp_windows = list(self._ocsps), dict(self._ocsp_windows)
                derived._state = self._state
                self._retroactive = derived
            return derived

    # -- revocation state ------------------------------------------------------------------------

    def add_crl(self, crl: x509.CertificateRevocationList) -> None:
        with self._lock:
            der = crl.public_bytes(Encoding.DER)
            if any(c.public_bytes(Encoding.DER) == der for c in self._crls):
                return
            self._crls.append(crl)
            self._state = hashlib.sha256(self._state + der).digest()
            self._retroactive = None

    def add_ocsp(self, der: bytes) -> None:
        """An OCSP answer (DER) obtained beforehand: used as revocation evidence for the certificate it is
        about, like a CRL (the gateway's revocation job asks and verifies them). Add the CRLs first: a
        "good" answer about a certificate a CRL held here lists as revoked is not used (the validator
        prefers OCSP; a revocation must never be hidden)."""
        from cryptography.x509 import ocsp

        with self._lock:
            if der in self._ocsps:
                return
            answer = ocsp.load_der_ocsp_response(der)
            if answer.certificate_status == ocsp.OCSPCertStatus.GOOD and any(
                crl.get_revoked_certificate_by_serial_number(answer.serial_number) is not None
                and _names_issuer(answer, crl.issuer)
                for crl in self._crls
            ):
                return
            self._ocsps.append(der)
            self._ocsp_windows[answer.serial_number] = (answer.this_update_utc, answer.next_update_utc)
            self._state = hashlib.sha256(self._state + der).digest()
            self._retroactive = None

    @property
    def revocation_state(self) -> bytes:
        """Changes whenever the CRL or OCSP set changes; part of every cache key."""
        return self._state

    def _fetch_crls(self, certs: Iterable[x509.Certificate], at: datetime) -> None:
        """Fetch CRLs from the certificates' CRL addresses (network on), cached until nextUpdate."""
        for cert in certs:
            try:
                dps = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
            except x509.ExtensionNotFound:
                continue
            for dp in dps:
                for name in dp.full_name or ():
                    url = getattr(name, "value", "")
                    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                        continue
                    cached = self._fetched.get(url) or self._read_cached(url)
                    now = datetime.now(UTC)
                    if cached is not None and (_utc(cached.next_update_utc) or now) > now:
                        self.add_crl(cached)
                        continue
                    try:
                        with urllib.request.urlopen(url, timeout=self.policy.fetch_timeout) as resp:  # noqa: S310
                            data = resp.read(20 * 1024 * 1024)
                        crl = _load_crl(data, url)
                    except (OSError, TrustConfigError):
                        continue  # no evidence: the policy decides (TRY_LATER)
                    self._fetched[url] = crl
                    self._write_cached(url, crl)
                    self.add_crl(crl)

    def _cache_path(self, url: str) -> Path | None:
        if self.crl_cache_dir is None:
            return None
        return self.crl_cache_dir / (hashlib.sha256(url.encode()).hexdigest() + ".crl")

    def _read_cached(self, url: str) -> x509.CertificateRevocationList | None:
        path = self._cache_path(url)
        if path is None or not path.is_file():
            return None
        try:
            return x509.load_der_x509_crl(path.read_bytes())
        except Exception:  # noqa: BLE001 - a damaged cached CRL is fetched again
            return None

    def _write_cached(self, url: str, crl: x509.CertificateRevocationList) -> None:
        path = self._cache_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(crl.public_bytes(Encoding.DER))

    # -- validation --------------------------------------------------------------------------------

    def validate(
        self, cert: x509.Certificate, at: datetime, extra_certs: Iterable[x509.Certificate] = ()
    ) -> CertVerdict:
        """Validate ``cert`` (the signer's) at ``at``: path, validity, revocation, key usage."""
        at = _utc(at)
        extra = list(extra_certs)
        if self.policy.network:
            self._fetch_crls([cert, *extra, *self.intermediates], at)
        key = (_fp(cert), tuple(sorted(_fp(c) for c in extra)), self.revocation_state)
        with self._lock:
            wall = time.monotonic()
            for start, end, expires, verdict in self._cache.get(key, ()):
                if start <= at <= end and (expires is None or wall < expires):
                    return verdict
        verdict, window = self._validate_uncached(cert, at, extra)
        if window is not None:
            with self._lock:
                live = self.policy.network and self.policy.ocsp
                expires = time.monotonic() + self.policy.ocsp_cache_seconds if live else None
                entries = self._cache.setdefault(key, [])
                entries[:] = [e for e in entries if e[2] is None or e[2] > time.monotonic()]
                entries.append((*window, expires, verdict))
        return verdict

    def _validate_uncached(
        self, cert: x509.Certificate, at: datetime, extra: list[x509.Certificate]
    ) -> tuple[CertVerdict, tuple[datetime, datetime] | None]:
        fmt = {"at": vietnam_time(at), "at_en": at.isoformat()}
        pinned = _fp(cert) in self._anchor_fps
        if not key_usage_allows_signing(cert):
            return CertVerdict("KEY_USAGE", fmt), None
        if not self.anchors:
            return CertVerdict("NO_CERTIFICATE_CHAIN_FOUND", fmt), None
        if pinned:
            # A pinned end-entity is its own trust anchor: certvalidator checks nothing on anchors, so the
            # validity period is checked here; revocation is not (a warning says so).
            if at < cert.not_valid_before_utc:
                return CertVerdict("NOT_YET_VALID", fmt, pinned=True), None
            if at > cert.not_valid_after_utc:
                return CertVerdict("EXPIRED", fmt, pinned=True), None
            return CertVerdict("OK", fmt, pinned=True), (cert.not_valid_before_utc, cert.not_valid_after_utc)
        fetching = self.policy.network and self.policy.ocsp

        async def validate():
            backend = None
            if fetching:
                from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

                backend = AIOHttpFetcherBackend(per_request_timeout=self.policy.fetch_timeout)
            context = ValidationContext(
                trust_roots=[asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in self.anchors],
                other_certs=[
                    asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in self.intermediates
                ],
                crls=[c.public_bytes(Encoding.DER) for c in self._crls],
                ocsps=list(self._ocsps),
                moment=at,
                allow_fetching=fetching,
                fetcher_backend=backend,
                revinfo_policy=self.policy.certvalidator_policy(),
            )
            validator = CertificateValidator(
                asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)),
                intermediate_certs=[asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra],
                validation_context=context,
            )
            try:
                return await validator.async_validate_usage(set())
            finally:
                if backend is not None:
                    await backend.close()

        try:
            path = _run(validate())
        except cv_errors.RevokedError as exc:
            when = when_en = ""
            date = getattr(exc, "revocation_dt", None)
            if date is not None:
                when, when_en = f" từ {vietnam_time(date)}", f" since {date.isoformat()}"
            return CertVerdict("REVOKED", {**fmt, "when": when, "when_en": when_en}), None
        except cv_errors.ExpiredError:
            return CertVerdict("EXPIRED", fmt), None
        except cv_errors.NotYetValidError:
            return CertVerdict("NOT_YET_VALID", fmt), None
        except cv_errors.InsufficientRevinfoError:
            return CertVerdict("TRY_LATER", fmt), None
        except cv_errors.PathBuildingError:
            return CertVerdict("NO_CERTIFICATE_CHAIN_FOUND", fmt), None
        except (cv_errors.PathValidationError, cv_errors.InvalidCertificateError) as exc:
            return CertVerdict("CHAIN_INVALID", {**fmt, "detail": str(exc), "detail_en": str(exc)}), None
        return CertVerdict("OK", fmt), self._window(path, cert)

    def _window(self, path, cert: x509.Certificate) -> tuple[datetime, datetime]:
        """The times at which this passing result provably holds (for the cache)."""
        certs = [x509.load_der_x509_certificate(c.dump()) for c in path.iter_certs(include_root=False)]
        start = max(c.not_valid_before_utc for c in certs)
        end = min(c.not_valid_after_utc for c in certs)
        issuers = {c.issuer.public_bytes() for c in certs}
        for c in certs:  # an OCSP answer used for a certificate of the path bounds the result too
            if (window := self._ocsp_windows.get(c.serial_number)) is not None:
                start = max(start, window[0])
                end = min(end, window[1]) if window[1] is not None else end
        for crl in self._crls:
            if crl.issuer.public_bytes() not in issuers:
                continue
            start = max(start, crl.last_update_utc)
            if crl.next_update_utc is not None:
                end = min(end, crl.next_update_utc)
            for c in certs:
                if c.issuer == crl.issuer:
                    revoked = crl.get_revoked_certificate_by_serial_number(c.serial_number)
                    if revoked is not None:
                        end = min(end, revoked.revocation_date_utc)
        return start, end
