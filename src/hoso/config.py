"""The one reader of hoso's environment variables: every ``HOSO_*`` variable, its type, allowed values
and default, read and validated in one place when the process starts.

Pure: no Django (``hoso.settings`` calls :func:`read` and assigns the values). An unknown ``HOSO_*``
variable, or a known one with a value outside what it allows, stops the process with a message naming
the variable and what it accepts — never a silent fallback to a default (issue 18: an operator wrote
``HOSO_API_RATE_BACKEND=db`` from the docs, the code knew only ``database``, and each server kept its
own limit without a word). All problems are reported at once.

Variables starting with ``HOSO_TEST_``, ``HOSO_BENCH_`` or ``HOSO_FUZZ_`` belong to the test suite, the
benchmarks and the fuzzers, and are left to them.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hoso.errors import CodedError

__all__ = ["ConfigError", "VARIABLES", "Variable", "read", "reference_table"]

RESERVED_PREFIXES = ("HOSO_TEST_", "HOSO_BENCH_", "HOSO_FUZZ_")


class ConfigError(CodedError):
    """One or more environment variables are unknown or hold a value they do not allow."""


class _Invalid(ValueError):
    pass


@dataclass(frozen=True)
class Variable:
    name: str
    parse: Callable[[str], Any]
    default: str | None  # the text a missing variable stands for; None: no value (the setting is None)
    allowed: str  # what the variable accepts, in words (English: operators read it beside the variable)
    meaning: str


# --- parsers ------------------------------------------------------------------------------------------


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = text.strip().replace("_", "")
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise _Invalid
        number = int(value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise _Invalid
        return number

    return parse


def number(minimum: float = 0.0) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise _Invalid from None
        if value != value or value < minimum or value == float("inf"):  # NaN, below, infinite
            raise _Invalid
        return value

    return parse


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _Invalid


def choice(*values: str, aliases: Mapping[str, str] | None = None) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        value = (aliases or {}).get(value, value)
        if value not in values:
            raise _Invalid
        return value

    return parse


def text(allow_empty: bool = True) -> Callable[[str], str | None]:
    def parse(value: str) -> str | None:
        value = value.strip()
        if not value:
            if not allow_empty:
                raise _Invalid
            return None
        return value

    return parse


def words(value: str) -> list[str]:
    """A comma-separated list; empty items dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


def networks(value: str) -> list[str]:
    """Comma-separated IP addresses or networks (CIDR), each checked; returned as written, normalised."""
    found = []
    for item in words(value):
        try:
            found.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise _Invalid from None
    return found


def web_address(value: str) -> str | None:
    """An http or https address with a host; empty: none."""
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s]*)?", value):
        raise _Invalid
    return value


def notice_means(value: str) -> list[str]:
    found = words(value)
    if any(item not in ("email", "text") for item in found):
        raise _Invalid
    return found


def text_sender(value: str) -> str:
    value = value.strip()
    if value != "file" and not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", value):
        raise _Invalid
    return value


def clock(value: str) -> str:
    value = value.strip()
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", value)
    if match is None:
        raise _Invalid
    return f"{int(match[1]):02d}:{match[2]}"


def prepare_threshold(value: str) -> int | None:
    value = value.strip().lower()
    if value in ("", "0", "off", "no", "false", "none"):
        return None
    if not re.fullmatch(r"[0-9]+", value):  # not str.isdigit: it takes "²", which int() refuses
        raise _Invalid
    return int(value)


def log_level(value: str) -> str:
    value = value.strip().upper()
    if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise _Invalid
    return value


# --- the variables -----------------------------------------------------------------------------------

MiB = 1024 * 1024

VARIABLES: tuple[Variable, ...] = (
    Variable("HOSO_DATA_DIR", text(allow_empty=False), "var", "a folder", "embedded database, keys, blobs"),
    Variable("HOSO_SECRET_KEY", text(), None, "any text (50 characters or more advised)", "Django secret key"),
    Variable("HOSO_DEBUG", boolean, "0", "0 or 1", "Django debug mode (never in production)"),
    Variable("HOSO_ALLOWED_HOSTS", words, "127.0.0.1,localhost", "host names, comma-separated", "hosts served"),
    Variable("HOSO_HTTPS", boolean, "0", "0 or 1", "secure cookies, HSTS and HTTPS redirect behind TLS"),
    Variable(
        "HOSO_TRUSTED_PROXIES", networks, "", "IP addresses or networks (CIDR), comma-separated",
        "reverse proxies whose X-Forwarded-Proto and X-Forwarded-For are believed",
    ),
    Variable("HOSO_PROXY_COUNT", integer(0, 10), "0", "a whole number from 0 to 10",
        "reverse proxies in front that append to X-Forwarded-For; the public lookup's limit counts the client "
        "the outermost one saw (0: the TCP peer)"),
    Variable("HOSO_WORKERS", integer(0, 256), None, "a whole number of worker processes", "gunicorn workers"),
    Variable("HOSO_LOG_LEVEL", log_level, "INFO", "DEBUG, INFO, WARNING, ERROR or CRITICAL", "log level"),
    Variable("HOSO_LOG_FORMAT", choice("text", "json"), "text", "text or json", "log line format"),
    Variable(
        "HOSO_PG_PREPARE_THRESHOLD", prepare_threshold, "2", "a positive number of runs, or off",
        "PostgreSQL: prepare a statement after this many runs",
    ),
    Variable(
        "HOSO_PG_STATEMENT_TIMEOUT", number(0), "30", "seconds (0: none)",
        "PostgreSQL: longest statement a web request may run",
    ),
    Variable(
        "HOSO_PG_POOL_MODE", choice("session", "transaction"), "session", "session or transaction",
        "PostgreSQL: how DATABASE_URL reaches it: directly or through a session-mode pooler (session), or "
        "through a transaction-mode pooler such as PgBouncer (transaction: no server-side cursors, no "
        "startup options, no prepared statements unless HOSO_PG_PREPARE_THRESHOLD is set)",
    ),
    Variable("HOSO_DB_CONNECT_TIMEOUT", integer(1, 300), "5", "seconds, 1 to 300", "database connection timeout"),
    Variable("HOSO_MAX_UPLOAD_BYTES", integer(1024), str(20 * MiB), "bytes, at least 1024", "largest dossier accepted"),
    Variable("HOSO_XML_MAX_ELEMENTS", integer(1), "500000", "a positive whole number", "elements in one XML file"),
    Variable("HOSO_XML_MAX_ATTRIBUTES", integer(1), "500000", "a positive whole number", "attributes in one XML file"),
    Variable("HOSO_XML_MAX_NAMESPACES", integer(1, 1000), "16", "1 to 1000", "namespace declarations in scope"),
    Variable("HOSO_XML_MAX_DEPTH", integer(8, 1000), "64", "8 to 1000", "nesting depth of XML"),
    Variable("HOSO_XML_MAX_TEXT_BYTES", integer(1024), str(32 * MiB), "bytes, at least 1024", "longest text run"),
    Variable("HOSO_VERIFY_CPU_SECONDS", number(0), "15", "seconds of CPU (0: no budget)",
        "CPU one verification (an envelope and its forms) may use, then a coded refusal; keep well under "
        "gunicorn's 60 s timeout (docs/security.md)"),
    Variable("HOSO_OFFICE_HOURS_END", clock, "17:00", "a time HH:MM", "later receptions count from the next working day"),
    Variable("HOSO_BLOB_STORE", text(), None, "a folder, or s3://bucket/prefix",
        "evidence store (default DATA_DIR/blobs)"),
    Variable("HOSO_S3_ENDPOINT_URL", text(), None, "an http(s) URL", "S3-compatible endpoint (MinIO, Swift, Ceph...)"),
    Variable("HOSO_API_RATE", number(0), "20", "requests per second (a number ≥ 0)", "per-I-VAN sustained rate"),
    Variable("HOSO_API_BURST", integer(1), "200", "a whole number ≥ 1", "per-I-VAN burst"),
    Variable(
        "HOSO_API_RATE_BACKEND", choice("file", "database", "off"), "file", "file, database or off",
        "where the rate limits count (the I-VAN buckets, the public lookup): file (one server), "
        "database (several servers), off",
    ),
    Variable("HOSO_RETENTION_YEARS", integer(10), "10", "a whole number of years ≥ 10",
        "`hoso retention` purges raw bytes older than this"),
    Variable("HOSO_GATEWAY_KEY", text(), None, "a PEM file", "receipt-signing key (default in the data directory)"),
    Variable("HOSO_GATEWAY_CERT", text(), None, "a PEM file", "receipt-signing certificate"),
    Variable("HOSO_GATEWAY_P12", text(), None, "a PKCS#12 file",
        "receipt-signing key and certificate in one PKCS#12 file (instead of HOSO_GATEWAY_KEY/CERT)"),
    Variable("HOSO_GATEWAY_P12_PASSWORD", text(), None, "the PKCS#12 password", "password of HOSO_GATEWAY_P12"),
    Variable("HOSO_GATEWAY_PKCS11", text(), None, "a PKCS#11 library (.so)",
        "receipt-signing key on a token or HSM reached through this library"),
    Variable("HOSO_GATEWAY_TOKEN", text(), None, "a token label", "label of the token of HOSO_GATEWAY_PKCS11"),
    Variable("HOSO_GATEWAY_TOKEN_PIN", text(), None, "the token's PIN", "user PIN of HOSO_GATEWAY_TOKEN"),
    Variable("HOSO_GATEWAY_KEY_LABEL", text(), None, "a key label", "the key on the token (default: its only key)"),
    Variable("HOSO_SERVER_NAME", text(), None, "a name", "this server's name among the cluster's (default: host name)"),
    Variable("HOSO_METRICS_ALLOW", networks, "127.0.0.1,::1", "IP addresses or networks (CIDR), comma-separated",
        "clients allowed to read /metrics (empty: nobody)"),
    Variable("HOSO_OCSP", boolean, "1", "0 or 1",
        "the revocation job also asks OCSP responders about registered units' certificates"),
    Variable("HOSO_TRUST_ANCHORS", text(), None, "a folder", "CA certificates trusted"),
    Variable(
        "HOSO_TRUST_INTERMEDIATES", text(), None, "a folder",
        "issuing CAs below the anchors (default DATA_DIR/trust/intermediates): paths and CRLs built through them",
    ),
    Variable("HOSO_CRL_DIR", text(), None, "a folder", "CRLs"),
    Variable("HOSO_LOOKUP_LIMIT", integer(0), "30", "a whole number ≥ 0 (0: no limit)",
        "public lookup (/tra-cuu/): look-ups per client per window, then HTTP 429; counted where "
        "HOSO_API_RATE_BACKEND says"),
    Variable("HOSO_LOOKUP_WINDOW", integer(1), "60", "seconds ≥ 1", "window of the look-up limit"),
    Variable("HOSO_CACHE_SECONDS", number(0), "60", "seconds ≥ 0",
        "how long a worker keeps the reference data it read (working calendar, procedure catalogue): an "
        "administrator's edit reaches the other workers within this (0: read every time)"),
    # Officers' accounts (hoso.accounts; docs/operations.md, Officers' accounts).
    Variable("HOSO_LOGIN_FAILURES", integer(1, 1000), "5", "1 to 1000",
        "wrong passwords for one account before its log-ins are locked"),
    Variable("HOSO_LOGIN_ADDRESS_FAILURES", integer(1, 1000), "20", "1 to 1000",
        "wrong passwords from one client address (any names) before log-ins from it are locked"),
    Variable("HOSO_LOGIN_LOCKOUT_MINUTES", integer(1), "15", "minutes ≥ 1",
        "how long a lock-out lasts (IT may unlock earlier in the admin)"),
    Variable("HOSO_IDLE_MINUTES", integer(1), "30", "minutes ≥ 1",
        "an officer's session ends after this long without a request"),
    Variable("HOSO_TWO_FACTOR", choice("staff", "all", "optional"), "staff", "staff, all or optional",
        "who must log in with a code from an authenticator app as well as the password: staff (IT "
        "administrators and everyone who uses the admin; other officers may turn it on), all (every "
        "officer), optional (nobody must: a laptop demo or the test suite, never an office)"),
    Variable("HOSO_PASSWORD_RESET_EMAIL", boolean, "0", "0 or 1",
        "officers reset a forgotten password through a link e-mailed by the outbox (needs the mail "
        "server, EMAIL_HOST); 0: the log-in page sends them to IT, who sets a temporary password"),
    Variable("HOSO_NOTICE_INTERVAL_DAYS", integer(0), "30", "days ≥ 0", "no unit notified twice within this"),
    Variable("HOSO_NOTICE_FROM", text(), None, "an e-mail address", "sender of notices"),
    # Notices to submitters (hoso.reports.submitter_notices; docs/operations.md, Notices to submitters).
    Variable("HOSO_SUBMITTER_NOTICES", notice_means, "", "email, text, or both, comma-separated (empty: none)",
        "tell the submitter of a dossier its receipt, a supplement request and the result ready: by e-mail "
        "(through the outbox) and/or by text (through HOSO_TEXT_SENDER); empty: no notice"),
    Variable("HOSO_TEXT_SENDER", text_sender, "file", "file, or package.module:ClassName",
        "what delivers texts (SMS/Zalo): file writes them to DATA_DIR/texts, or an adaptor class of a provider"),
    Variable("HOSO_PUBLIC_URL", web_address, None, "an http(s) address",
        "where the public reaches hoso (the lookup link in notices); unset: the link is the page's path"),
    Variable("HOSO_REPORTS_REFRESH_SECONDS", number(0), "60", "seconds ≥ 0", "report roll-ups rebuilt this often"),
    # Backups (`hoso backup`, the daily job hoso:backup; docs/operations.md, Backups and restores).
    Variable("HOSO_BACKUP_DIR", text(), None, "a folder", "backup set the daily job hoso:backup adds to "
        "(unset: the job does nothing, `hoso check` warns)"),
    Variable("HOSO_BACKUP_KEEP_DAYS", integer(0), "30", "a whole number of days ≥ 0 (0: keep all)",
        "backups older than this are removed (never the newest), then the blobs no backup needs"),
    Variable("HOSO_BACKUP_KEY_FILE", text(), None, "a file of 64 hexadecimal characters (a 32-byte key)",
        "encrypt every backup file (AES-256-GCM, chunked); unset: not encrypted"),
    # Secrets of the signing commands (`hoso sign`): read there, listed here so they are known.
    Variable("HOSO_P12_PASSWORD", text(), None, "the PKCS#12 password", "`hoso sign --p12`"),
    Variable("HOSO_TOKEN_PIN", text(), None, "the token's PIN", "`hoso sign --pkcs11`"),
    # The national public-service portal (hoso.portal; docs/operations.md, National portal).
    Variable("HOSO_PORTAL_URL", web_address, None, "an http(s) address",
        "where the portal's services (DongBoHoSoMC, CapNhatTienDoHoSoMC) are posted; unset: no sync, nothing queued"),
    Variable("HOSO_PORTAL_LOGIN_URL", web_address, None, "an http(s) address",
        "where the portal's log-in is posted (unset: HOSO_PORTAL_URL)"),
    Variable("HOSO_PORTAL_USERNAME", text(), None, "the account's name", "the gateway's account at the portal"),
    Variable("HOSO_PORTAL_PASSWORD", text(), None, "the account's password", "its password"),
    Variable("HOSO_PORTAL_TIMEOUT", number(0.1), "20", "seconds ≥ 0.1",
        "a call the portal has not answered within this is retried later"),
)  # fmt: skip

_BY_NAME = {variable.name: variable for variable in VARIABLES}

# What each variable accepts, as the Vietnamese message says it (a test checks every text has one).
ALLOWED_VI = {
    "0 or 1": "0 hoặc 1",
    "1 to 1000": "từ 1 đến 1000",
    "8 to 1000": "từ 8 đến 1000",
    "DEBUG, INFO, WARNING, ERROR or CRITICAL": "DEBUG, INFO, WARNING, ERROR hoặc CRITICAL",
    "IP addresses or networks (CIDR), comma-separated": "địa chỉ IP hoặc dải mạng (CIDR), cách nhau bằng dấu phẩy",
    "a PEM file": "một tệp PEM",
    "a PKCS#12 file": "một tệp PKCS#12",
    "a PKCS#11 library (.so)": "một thư viện PKCS#11 (.so)",
    "a token label": "nhãn của thiết bị ký",
    "a key label": "nhãn của khoá",
    "a name": "một tên",
    "a folder": "một thư mục",
    "a folder, or s3://bucket/prefix": "một thư mục, hoặc s3://bucket/tiền-tố",
    "a positive number of runs, or off": "số lần chạy (số nguyên dương), hoặc off",
    "a positive whole number": "số nguyên dương",
    "a time HH:MM": "giờ dạng HH:MM",
    "a whole number from 0 to 10": "số nguyên từ 0 đến 10",
    "a file of 64 hexadecimal characters (a 32-byte key)": "một tệp chứa 64 ký tự thập lục phân (khoá 32 byte)",
    "a whole number of days ≥ 0 (0: keep all)": "số ngày (số nguyên) ≥ 0 (0: giữ tất cả)",
    "a whole number of worker processes": "số nguyên (số tiến trình phục vụ)",
    "a whole number of years ≥ 10": "số năm (số nguyên) ≥ 10",
    "a whole number ≥ 0 (0: no limit)": "số nguyên ≥ 0 (0: không giới hạn)",
    "a whole number ≥ 1": "số nguyên ≥ 1",
    "an e-mail address": "một địa chỉ thư điện tử",
    "an http(s) URL": "một địa chỉ http(s)",
    "any text (50 characters or more advised)": "chuỗi bất kỳ (nên từ 50 ký tự trở lên)",
    "bytes, at least 1024": "số byte, ít nhất 1024",
    "days ≥ 0": "số ngày ≥ 0",
    "file, database or off": "file, database hoặc off",
    "host names, comma-separated": "tên máy chủ, cách nhau bằng dấu phẩy",
    "requests per second (a number ≥ 0)": "số yêu cầu mỗi giây (số ≥ 0)",
    "seconds (0: none)": "số giây (0: không giới hạn)",
    "session or transaction": "session hoặc transaction",
    "staff, all or optional": "staff, all hoặc optional",
    "seconds of CPU (0: no budget)": "số giây CPU (0: không giới hạn)",
    "minutes ≥ 1": "số phút ≥ 1",
    "seconds ≥ 0": "số giây ≥ 0",
    "seconds ≥ 1": "số giây ≥ 1",
    "seconds, 1 to 300": "số giây, từ 1 đến 300",
    "text or json": "text hoặc json",
    "the PKCS#12 password": "mật khẩu tệp PKCS#12",
    "the token's PIN": "mã PIN của thiết bị ký",
    "an http(s) address": "một địa chỉ http(s)",
    "the account's name": "tên tài khoản",
    "the account's password": "mật khẩu của tài khoản",
    "seconds ≥ 0.1": "số giây ≥ 0,1",
    "email, text, or both, comma-separated (empty: none)": "email, text hoặc cả hai, cách nhau bởi dấu phẩy (để trống: không gửi)",
    "file, or package.module:ClassName": "file, hoặc package.module:TenLop",
}


def read(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every variable's value (parsed; the default where unset). Raises :class:`ConfigError` listing every
    unknown variable and every value not allowed."""
    values: dict[str, Any] = {}
    problems_vi: list[str] = []
    problems_en: list[str] = []
    for variable in VARIABLES:
        raw = environ.get(variable.name)
        try:
            if raw is None:
                values[variable.name] = (
                    variable.parse(variable.default) if variable.default is not None else None
                )
            else:
                values[variable.name] = variable.parse(raw)
        except _Invalid:
            allowed_vi = ALLOWED_VI.get(variable.allowed, variable.allowed)
            problems_vi.append(f"{variable.name}={raw!r} không hợp lệ; giá trị được phép: {allowed_vi}")
            problems_en.append(f"{variable.name}={raw!r} is not valid; allowed: {variable.allowed}")
    for name in sorted(environ):
        if name.startswith("HOSO_") and name not in _BY_NAME and not name.startswith(RESERVED_PREFIXES):
            close = difflib.get_close_matches(name, list(_BY_NAME), n=1, cutoff=0.75)
            hint_vi = f" (có phải {close[0]}?)" if close else ""
            hint_en = f" (did you mean {close[0]}?)" if close else ""
            problems_vi.append(f"{name}: biến không có trong cấu hình của hoso{hint_vi}")
            problems_en.append(f"{name}: not a variable of hoso{hint_en}")
    if problems_vi:
        raise ConfigError(
            "CONFIG_INVALID",
            "Cấu hình không hợp lệ, hoso không khởi động:\n  - " + "\n  - ".join(problems_vi),
            "Invalid configuration, hoso does not start:\n  - " + "\n  - ".join(problems_en),
            problems=problems_en,
        )
    return values


def reference_table() -> str:
    """The variables as a Markdown table (docs/operations.md keeps a copy; a test compares them)."""
    lines = ["| variable | default | allowed | meaning |", "| --- | --- | --- | --- |"]
    for variable in VARIABLES:
        default = (
            "—" if variable.default is None else (f"`{variable.default}`" if variable.default else "(empty)")
        )
        lines.append(f"| `{variable.name}` | {default} | {variable.allowed} | {variable.meaning} |")
    return "\n".join(lines)
