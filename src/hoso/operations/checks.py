"""`hoso check`: what in this configuration is unsafe for production, and whether this server can serve
(the readiness checks of ``/readyz``, from :mod:`hoso.operations.health`: one implementation for both)."""

from __future__ import annotations

import stat
from dataclasses import dataclass

from django.conf import settings

from hoso.intake import cluster, gateway
from hoso.operations import health


@dataclass(frozen=True)
class Finding:
    code: str
    message_vi: str
    message_en: str
    severity: str = "error"  # "error" | "warning"


def production_findings() -> list[Finding]:
    findings: list[Finding] = []
    if settings.DEBUG:
        findings.append(
            Finding(
                "CHECK_DEBUG", "Đang bật chế độ gỡ lỗi (HOSO_DEBUG=1).", "Debug mode is on (HOSO_DEBUG=1)."
            )
        )
    if not getattr(settings, "SESSION_COOKIE_SECURE", False):
        findings.append(
            Finding(
                "CHECK_HTTPS",
                "Cookie phiên không ở chế độ bảo mật: chạy sau TLS và đặt HOSO_HTTPS=1.",
                "Session cookies are not secure: serve behind TLS and set HOSO_HTTPS=1.",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        findings.append(
            Finding(
                "CHECK_SQLITE",
                "Đang dùng SQLite nhúng; cơ quan nhiều máy chủ cần PostgreSQL (DATABASE_URL).",
                "The embedded SQLite is in use; several servers need PostgreSQL (DATABASE_URL).",
                "warning",
            )
        )
    key = gateway.key_path()
    if key.exists() and key.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        findings.append(
            Finding(
                "CHECK_KEY_PERMISSIONS",
                f"Khoá ký biên nhận {key} đọc được bởi người khác (cần quyền 0600).",
                f"The receipt-signing key {key} is readable by others (needs mode 0600).",
            )
        )
    if gateway.configured_source() == "built-in":
        findings.append(
            Finding(
                "CHECK_SELF_SIGNED",
                "Biên nhận được ký bằng chứng thư tự cấp của bản cài đặt: I-VAN không kiểm tra được nó với CA "
                "nào. Dùng chứng thư do CA được cấp phép cấp (HOSO_GATEWAY_KEY/HOSO_GATEWAY_CERT, "
                "HOSO_GATEWAY_P12 hoặc HOSO_GATEWAY_PKCS11), rồi `hoso cluster adopt`.",
                "Receipts are signed with the installation's self-signed certificate: I-VANs cannot check it "
                "against any CA. Use one issued by a licensed CA (HOSO_GATEWAY_KEY/HOSO_GATEWAY_CERT, "
                "HOSO_GATEWAY_P12 or HOSO_GATEWAY_PKCS11), then `hoso cluster adopt`.",
            )
        )
    anchors = gateway.anchors_dir()
    if any(p.name.startswith("hoso-demo-") for p in (anchors.iterdir() if anchors.is_dir() else [])):
        findings.append(
            Finding(
                "CHECK_DEMO_TRUST",
                "Gốc tin cậy có CA thử nghiệm của bản demo: xoá khỏi thư mục trust/anchors.",
                "The trust anchors include the demo test CA: remove it from trust/anchors.",
            )
        )
    if not getattr(settings, "HOSO_PROXY_COUNT", 0):
        findings.append(
            Finding(
                "CHECK_NO_PROXY",
                "Không khai báo máy chủ trung gian (HOSO_PROXY_COUNT=0): `hoso serve` dùng tiến trình đồng bộ, "
                "một máy khách gửi chậm giữ một tiến trình tới 60 giây. Đặt cổng sau nginx (hoặc tương đương) "
                "có đệm yêu cầu và đặt HOSO_PROXY_COUNT.",
                "No reverse proxy declared (HOSO_PROXY_COUNT=0): `hoso serve` runs synchronous workers, and a "
                "client that sends slowly holds one for up to 60 s. Serve behind nginx (or similar) buffering "
                "requests, and set HOSO_PROXY_COUNT.",
                "warning",
            )
        )
    if settings.HOSO_TWO_FACTOR == "optional":
        findings.append(
            Finding(
                "CHECK_TWO_FACTOR_OPTIONAL",
                "Đăng nhập hai bước không bắt buộc với ai (HOSO_TWO_FACTOR=optional): người có mật khẩu của "
                "cán bộ CNTT sửa được chính sách kênh, chứng thư tin cậy và khoá I-VAN. Đặt HOSO_TWO_FACTOR=staff.",
                "Two-step log-in is required of nobody (HOSO_TWO_FACTOR=optional): whoever has an IT officer's "
                "password can change the channel policy, the trusted CAs and the I-VAN keys. Set "
                "HOSO_TWO_FACTOR=staff.",
            )
        )
    findings.extend(cluster_findings())
    findings.extend(backup_findings())
    findings.extend(reference_findings())
    if "*" in settings.ALLOWED_HOSTS:
        findings.append(
            Finding(
                "CHECK_HOSTS",
                "HOSO_ALLOWED_HOSTS cho phép mọi tên miền.",
                "HOSO_ALLOWED_HOSTS allows any host.",
            )
        )
    return findings + readiness_findings()


def backup_findings() -> list[Finding]:
    """No backup destination (the daily job hoso:backup does nothing), or a backup key others can read."""
    from pathlib import Path

    findings: list[Finding] = []
    if not getattr(settings, "HOSO_BACKUP_DIR", None):
        findings.append(
            Finding(
                "CHECK_NO_BACKUP",
                "Chưa đặt thư mục sao lưu (HOSO_BACKUP_DIR): công việc sao lưu hằng ngày hoso:backup không "
                "làm gì. Đặt một thư mục trên ổ khác (hoặc máy khác) và một khoá HOSO_BACKUP_KEY_FILE.",
                "No backup destination (HOSO_BACKUP_DIR): the daily job hoso:backup does nothing. Set a "
                "folder on another disk (or machine), and a key in HOSO_BACKUP_KEY_FILE.",
                "warning",
            )
        )
    key = getattr(settings, "HOSO_BACKUP_KEY_FILE", None)
    if key and Path(key).exists() and Path(key).stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        findings.append(
            Finding(
                "CHECK_BACKUP_KEY_PERMISSIONS",
                f"Tệp khoá sao lưu {key} đọc được bởi người khác (cần quyền 0600).",
                f"The backup key file {key} is readable by others (needs mode 0600).",
            )
        )
    return findings


def cluster_findings() -> list[Finding]:
    """What would break, or diverge, once a second server shares this database (issue 18, item 1), and
    how this server differs from the identity the cluster recorded (:mod:`hoso.intake.cluster`)."""
    import os

    findings = [Finding(d.code, d.message_vi, d.message_en) for d in cluster.divergences()]
    shared_database = not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    if getattr(settings, "SESSION_COOKIE_SECURE", False) and not settings.HOSO_TRUSTED_PROXIES:
        findings.append(
            Finding(
                "CHECK_HTTPS_NO_TRUSTED_PROXY",
                "HOSO_HTTPS=1 nhưng không khai báo máy chủ trung gian tin cậy (HOSO_TRUSTED_PROXIES): yêu cầu "
                "qua TLS ở máy chủ trung gian bị coi là HTTP và chuyển hướng mãi. Khai báo địa chỉ của nginx.",
                "HOSO_HTTPS=1 but no trusted proxy (HOSO_TRUSTED_PROXIES): requests that reached the proxy over "
                "TLS are taken as plain HTTP and redirected for ever. Declare the proxy's address.",
            )
        )
    if shared_database and not os.environ.get("HOSO_SECRET_KEY"):
        findings.append(
            Finding(
                "CHECK_SECRET_PER_SERVER",
                "Khoá bí mật được tạo riêng trong thư mục dữ liệu của máy này: với nhiều máy chủ, phiên đăng "
                "nhập tạo ở máy này bị máy kia từ chối và bộ chạy công việc không đọc được việc máy khác xếp. "
                "Đặt cùng một HOSO_SECRET_KEY cho mọi máy chủ.",
                "The secret key was generated in this server's data directory: with several servers, a log-in "
                "made on one is refused by another and the job worker cannot read work another queued. Set "
                "the same HOSO_SECRET_KEY on every server.",
            )
        )
    if shared_database and settings.HOSO_API_RATE_BACKEND == "file":
        findings.append(
            Finding(
                "CHECK_RATE_LIMIT_PER_SERVER",
                "Giới hạn tốc độ gửi của I-VAN và giới hạn tra cứu công khai được đếm riêng trên từng máy "
                "(HOSO_API_RATE_BACKEND=file): với nhiều máy chủ, mỗi máy cho phép đủ mức. Đặt "
                "HOSO_API_RATE_BACKEND=database.",
                "The I-VAN rate limit and the public lookup's limit are counted per machine "
                "(HOSO_API_RATE_BACKEND=file): with several servers each allows the full rate. Set "
                "HOSO_API_RATE_BACKEND=database.",
            )
        )
    return findings


def unconstrained_links() -> list:
    """The foreign keys the database does not enforce (``db_constraint=False``: links from the tables every
    reception writes to reference data, hoso.workflow.models.Dossier says why)."""
    from django.apps import apps
    from django.db import models

    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and not field.db_constraint
    ]


def reference_findings() -> list[Finding]:
    """Rows whose link to reference data leads nowhere (a reference row deleted outside hoso, which
    Django's PROTECT would have refused): one finding per link, with how many rows."""
    findings = []
    for field in unconstrained_links():
        model, target = field.model, field.related_model
        referenced = target._default_manager.values(field.target_field.attname)
        lost = (
            model._default_manager.filter(**{f"{field.attname}__isnull": False})
            .exclude(**{f"{field.attname}__in": referenced})
            .count()
        )
        if lost:
            where = f"{model._meta.db_table}.{field.column}"
            findings.append(
                Finding(
                    "CHECK_REFERENCE_MISSING",
                    f"{lost} dòng của {where} trỏ tới {target._meta.db_table} không còn tồn tại: dữ liệu danh "
                    "mục đã bị xoá ngoài hoso. Khôi phục dòng danh mục đó từ bản sao lưu.",
                    f"{lost} rows of {where} point to {target._meta.db_table} rows that no longer exist: "
                    "reference data was deleted outside hoso. Restore those reference rows from a backup.",
                )
            )
    return findings


def readiness_findings() -> list[Finding]:
    """The readiness checks that do not pass (``/readyz``): a failure is an error, a warning a warning;
    ``CHECK_READY_<CHECK>`` (``CHECK_READY_CRL_FRESHNESS``...)."""
    return [
        Finding(
            f"CHECK_READY_{name.upper()}",
            result.detail,
            result.detail_en,
            "error" if result.status == health.FAIL else "warning",
        )
        for name, result in health.run_checks().items()
        if result.status != health.OK
    ]
