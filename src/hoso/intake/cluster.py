"""One cluster, one identity: what every server of one gateway must share, kept in the database.

- **The secret key** (sessions, signed links, the job queue's signatures): the database keeps its
  fingerprint, never the key. A server whose key differs refuses to start, and `hoso check` fails.
- **The receipt-signing identity**: the database keeps the certificate in use and every certificate the
  gateway ever signed with. A CA-issued key (PEM files, PKCS#12, a PKCS#11 token) is configured alike
  on every server and must be the registered one. The built-in self-signed identity (nothing
  configured) is carried by the database to every server: its key sealed (AES-256-GCM) with a key
  derived from the secret key, written into each server's data directory by `hoso init` and `hoso serve`.
- **Trust anchors and issuing CAs**: `hoso trust add` stores them in the database; every server's trust
  store includes them (:func:`hoso.intake.gateway.trust_store`). A certificate found only in one
  server's trust folder is a divergence `hoso check` reports. CRLs fetched by the revocation job are in
  the database already (:mod:`hoso.intake.revocation`).

The first `hoso init` registers the cluster (under the init lock); `hoso cluster adopt` makes this
server's secret key and signing identity the cluster's (key rotation, docs/operations.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from hoso.errors import CodedError, StartRefused
from hoso.intake import gateway
from hoso.signature.certs import common_name

_SEAL_INFO = b"hoso built-in gateway key, sealed v1"
_SEAL_MAGIC = b"HSK1"
_FINGERPRINT_MESSAGE = b"hoso cluster secret fingerprint v1"


class ClusterError(StartRefused):
    """This server cannot be, or is not, the same gateway as the others."""


@dataclass(frozen=True)
class Divergence:
    code: str
    message_vi: str
    message_en: str


def secret_fingerprint(secret: str | None = None) -> str:
    """An HMAC of a fixed text under the secret key: equal keys give equal fingerprints; the fingerprint
    tells nothing of the key."""
    key = (settings.SECRET_KEY if secret is None else secret).encode()
    return hmac.new(key, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()


def sha256_of(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def _sealing_key() -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_INFO)
    return hkdf.derive(settings.SECRET_KEY.encode())


def seal(data: bytes) -> bytes:
    nonce = os.urandom(12)
    return _SEAL_MAGIC + nonce + AESGCM(_sealing_key()).encrypt(nonce, data, _SEAL_MAGIC)


def unseal(blob: bytes) -> bytes:
    blob = bytes(blob)
    if not blob.startswith(_SEAL_MAGIC):
        raise _secret_differs()
    try:
        return AESGCM(_sealing_key()).decrypt(blob[4:16], blob[16:], _SEAL_MAGIC)
    except InvalidTag:
        raise _secret_differs() from None


def _secret_differs() -> ClusterError:
    return ClusterError(
        "CLUSTER_SECRET_DIFFERS",
        "Khoá bí mật của máy chủ này khác khoá của các máy chủ khác cùng cơ sở dữ liệu: phiên đăng nhập, "
        "liên kết ký và công việc xếp hàng của máy này sẽ không khớp với máy khác. Đặt cùng một "
        "HOSO_SECRET_KEY cho mọi máy chủ (hoặc chép tệp secret_key trong thư mục dữ liệu của máy chủ đầu "
        "tiên), rồi chạy lại.",
        "This server's secret key differs from that of the other servers on this database: its log-in "
        "sessions, signed links and queued work would not match theirs. Set the same HOSO_SECRET_KEY on "
        "every server (or copy the secret_key file of the first server's data directory), then start again.",
    )


def _builtin_files_sha256() -> str | None:
    try:
        return sha256_of(x509.load_pem_x509_certificate(gateway.cert_path().read_bytes()))
    except (OSError, ValueError):
        return None


def _record_certificate(signer, *, builtin: bool) -> str:
    from hoso.intake.models import GatewayCertificate

    certificate = signer.certificate
    sha = sha256_of(certificate)
    sealed = None
    if builtin:
        sealed = seal(gateway.key_path().read_bytes())
    GatewayCertificate.objects.update_or_create(
        sha256=sha,
        defaults={
            "certificate_pem": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            "subject": common_name(certificate.subject)[:400],
            "not_after": certificate.not_valid_after_utc,
            "sealed_key": sealed,
        },
        create_defaults={
            "certificate_pem": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            "subject": common_name(certificate.subject)[:400],
            "not_after": certificate.not_valid_after_utc,
            "sealed_key": sealed,
            "registered_at": datetime.now(UTC),
        },
    )
    return sha


def _signer():
    """This server's receipt signer (loaded once per process), or a refusal saying why it cannot be
    loaded: a missing or unreadable file, a wrong password or PIN, a token absent."""
    try:
        return gateway.gateway_signer()
    except CodedError as error:
        raise ClusterError(
            "CLUSTER_GATEWAY_UNREADABLE",
            f"Không dùng được khoá ký biên nhận của máy chủ này: {error.message_vi}",
            f"This server's receipt-signing key cannot be used: {error.message_en}",
        ) from error
    except (OSError, ValueError, TypeError) as error:
        raise ClusterError(
            "CLUSTER_GATEWAY_UNREADABLE",
            f"Không đọc được khoá hoặc chứng thư ký biên nhận của máy chủ này ({type(error).__name__}: {error}).",
            f"This server's receipt-signing key or certificate cannot be read ({type(error).__name__}: {error}).",
        ) from error


def join(*, register: bool) -> str:
    """Make this server the same gateway as the cluster recorded in the database, or record it.

    Returns ``"registered"`` (the first `hoso init`: this server's secret, identity and trust folders
    became the cluster's), ``"joined"`` (the built-in identity was written into this data directory) or
    ``"same"``. Raises :class:`ClusterError` when this server differs and cannot be made the same: a
    different secret key, a configured key that is not the cluster's, no key where the cluster's is
    CA-issued, or (``register=False``) a cluster never initialised."""
    from hoso.intake.models import ClusterIdentity, GatewayCertificate

    with transaction.atomic():
        identity = ClusterIdentity.objects.select_for_update().filter(pk=1).first()
        if identity is None:
            if not register:
                raise ClusterError(
                    "CLUSTER_NOT_INITIALISED",
                    "Cơ sở dữ liệu chưa ghi danh tính chung của cổng: chạy `hoso init` một lần trước.",
                    "The database holds no gateway identity yet: run `hoso init` once first.",
                )
            source = gateway.configured_source()
            gateway.ensure_gateway_identity()
            sha = _record_certificate(_signer(), builtin=source == "built-in")
            ClusterIdentity.objects.create(
                pk=1,
                secret_fingerprint=secret_fingerprint(),
                gateway_sha256=sha,
                updated_at=datetime.now(UTC),
            )
            import_trust_folders()
            return "registered"
        if identity.secret_fingerprint != secret_fingerprint():
            raise _secret_differs()
        current = GatewayCertificate.objects.get(sha256=identity.gateway_sha256)
        if gateway.configured_source() == "built-in":
            if current.sealed_key is None:
                raise ClusterError(
                    "CLUSTER_GATEWAY_NOT_CONFIGURED",
                    f"Cổng ký biên nhận bằng chứng thư do CA cấp ({current.subject}); máy chủ này chưa cấu "
                    "hình khoá ký: đặt HOSO_GATEWAY_KEY/HOSO_GATEWAY_CERT, HOSO_GATEWAY_P12 hoặc "
                    "HOSO_GATEWAY_PKCS11 như các máy chủ khác.",
                    f"The gateway signs receipts with a CA-issued certificate ({current.subject}); this "
                    "server has no signing key configured: set HOSO_GATEWAY_KEY/HOSO_GATEWAY_CERT, "
                    "HOSO_GATEWAY_P12 or HOSO_GATEWAY_PKCS11 as on the other servers.",
                )
            if _builtin_files_sha256() == current.sha256:
                return "same"
            key_pem = unseal(current.sealed_key)
            _set_aside_builtin_files()
            gateway.write_builtin_identity(key_pem, current.certificate_pem.encode("ascii"))
            return "joined"
        sha = sha256_of(_signer().certificate)
        if sha != identity.gateway_sha256:
            raise _gateway_differs(sha, current)
        return "same"


def _gateway_differs(sha: str, current) -> ClusterError:
    return ClusterError(
        "CLUSTER_GATEWAY_DIFFERS",
        f"Máy chủ này ký biên nhận bằng chứng thư khác (SHA-256 {sha[:16]}…) với chứng thư chung của cổng "
        f"({current.subject}, SHA-256 {current.sha256[:16]}…): I-VAN sẽ nhận biên nhận của hai cổng khác "
        "nhau. Cấu hình cùng khoá ký như các máy chủ khác; nếu đây là khoá mới khi thay khoá, chạy "
        "`hoso cluster adopt` trên máy này.",
        f"This server signs receipts with another certificate (SHA-256 {sha[:16]}…) than the gateway's "
        f"({current.subject}, SHA-256 {current.sha256[:16]}…): I-VANs would get receipts of two gateways. "
        "Configure the same signing key as the other servers; if this is the new key of a rotation, run "
        "`hoso cluster adopt` on this server.",
    )


def _set_aside_builtin_files() -> None:
    """Keep a server's own earlier built-in key (receipts it signed name its certificate) beside the one
    the cluster gives it, never overwrite it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (gateway.key_path(), gateway.cert_path()):
        if path.exists():
            path.rename(path.with_name(f"{path.name}.replaced-{stamp}"))


def adopt() -> str:
    """Make this server's secret key and signing identity the cluster's (a key rotation: configure the
    new key here, adopt, then restart every other server with it). Returns the new certificate's
    SHA-256. The earlier certificates stay recorded."""
    from hoso.intake.models import ClusterIdentity

    gateway.forget()  # the key as configured now
    signer = _signer()
    if not gateway.signer_signs(signer):
        raise ClusterError(
            "CLUSTER_GATEWAY_UNUSABLE",
            "Khoá ký của máy chủ này không ký được điều chứng thư của nó kiểm tra: không nhận làm khoá chung.",
            "This server's signing key does not sign what its certificate verifies: not adopted.",
        )
    with transaction.atomic():
        sha = _record_certificate(signer, builtin=gateway.configured_source() == "built-in")
        ClusterIdentity.objects.update_or_create(
            pk=1,
            defaults={
                "secret_fingerprint": secret_fingerprint(),
                "gateway_sha256": sha,
                "updated_at": datetime.now(UTC),
            },
        )
    return sha


def divergences() -> list[Divergence]:
    """How this server differs from the cluster recorded in the database (empty: it does not, or the
    database cannot say)."""
    from hoso.intake.models import ClusterIdentity

    try:
        identity = ClusterIdentity.objects.filter(pk=1).first()
    except Exception:  # noqa: BLE001 - not migrated or not reachable: readiness says so on its own
        return []
    if identity is None:
        return [
            Divergence(
                "CHECK_CLUSTER_NOT_INITIALISED",
                "Cơ sở dữ liệu chưa ghi danh tính chung của cổng: chạy `hoso init`.",
                "The database holds no gateway identity: run `hoso init`.",
            )
        ]
    found: list[Divergence] = []
    if identity.secret_fingerprint != secret_fingerprint():
        error = _secret_differs()
        found.append(Divergence("CHECK_CLUSTER_SECRET_DIFFERS", error.message_vi, error.message_en))
    try:
        sha = sha256_of(gateway.gateway_certificate())
    except Exception:  # noqa: BLE001 - the readiness check gateway_key reports an unloadable key
        sha = None
    if sha is not None and (differs := gateway_divergence(sha, identity)):
        found.append(differs)
    if local := local_only_trust():
        names = "; ".join(local)
        found.append(
            Divergence(
                "CHECK_CLUSTER_TRUST_LOCAL",
                f"Chỉ máy chủ này tin cậy các CA sau (trong thư mục tin cậy, không có trong cơ sở dữ liệu): "
                f"{names}. Thêm cho cả cổng bằng `hoso trust add` hoặc xoá tệp khỏi thư mục.",
                f"Only this server trusts these CAs (in its trust folders, not in the database): {names}. "
                "Add them for the whole gateway with `hoso trust add`, or remove the files.",
            )
        )
    return found


def gateway_divergence(sha: str, identity=None) -> Divergence | None:
    """The divergence of a server signing with the certificate ``sha`` (None: it is the cluster's, or
    the database cannot say)."""
    from hoso.intake.models import ClusterIdentity, GatewayCertificate

    try:
        identity = identity or ClusterIdentity.objects.filter(pk=1).first()
        if identity is None or identity.gateway_sha256 == sha:
            return None
        error = _gateway_differs(sha, GatewayCertificate.objects.get(sha256=identity.gateway_sha256))
    except Exception:  # noqa: BLE001 - not migrated or not reachable: the database check says so
        return None
    return Divergence("CHECK_CLUSTER_GATEWAY_DIFFERS", error.message_vi, error.message_en)


# --- trust shared through the database ------------------------------------------------------------------


def _folder_certificates() -> list[tuple[str, x509.Certificate]]:
    """(role, certificate) of every certificate in this server's anchor and intermediate folders."""
    from hoso.signature.certs import TrustStore

    found = []
    for role, folder in (("anchor", gateway.anchors_dir()), ("intermediate", gateway.intermediates_dir())):
        if folder.is_dir():
            store = TrustStore.from_paths([folder])
            found.extend((role, certificate) for certificate in store.anchors)
    return found


def trusted_certificates(role: str) -> list[x509.Certificate]:
    from hoso.intake.models import TrustedCertificate

    rows = TrustedCertificate.objects.filter(role=role).order_by("id").values_list("der", flat=True)
    return [x509.load_der_x509_certificate(bytes(der)) for der in rows]


def add_trusted(certificate: x509.Certificate, role: str) -> bool:
    """Trust ``certificate`` on every server (``role``: anchor or intermediate); False if it already was."""
    from hoso.intake.models import TrustedCertificate

    _, created = TrustedCertificate.objects.get_or_create(
        sha256=sha256_of(certificate),
        defaults={
            "role": role,
            "der": certificate.public_bytes(serialization.Encoding.DER),
            "subject": common_name(certificate.subject)[:400],
            "not_after": certificate.not_valid_after_utc,
            "added_at": datetime.now(UTC),
        },
    )
    gateway.forget()
    return created


def remove_trusted(sha256_prefix: str) -> list[str]:
    """Stop trusting the certificates whose SHA-256 starts with the prefix (at least 8 hex digits);
    the subjects removed."""
    from hoso.intake.models import TrustedCertificate

    prefix = sha256_prefix.strip().lower().replace(":", "")
    if len(prefix) < 8:
        return []
    rows = TrustedCertificate.objects.filter(sha256__startswith=prefix)
    subjects = list(rows.values_list("subject", flat=True))
    rows.delete()
    gateway.forget()
    return subjects


def import_trust_folders() -> int:
    """Store the certificates of this server's trust folders in the database (the first `hoso init`
    of a cluster: what that server trusted becomes what every server trusts). How many were new."""
    return sum(add_trusted(certificate, role) for role, certificate in _folder_certificates())


def local_only_trust() -> list[str]:
    """Certificates this server's trust folders hold that the database does not (on PostgreSQL: the
    embedded SQLite has one server, whose folders are the gateway's)."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return []
    from hoso.intake.models import TrustedCertificate

    shared = set(TrustedCertificate.objects.values_list("sha256", flat=True))
    return sorted(
        {common_name(certificate.subject) for _role, certificate in _folder_certificates()
         if sha256_of(certificate) not in shared}
    )  # fmt: skip
