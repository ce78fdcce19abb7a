"""The demo history: August 2015 to March 2016, as the offices lived the move from barcodes to signatures.

A few hundred employer units across the 31 offices and a few dozen commune People's Committees file
their dossiers month after month. Until a unit registers a certificate with an I-VAN it files barcoded
(semi-electronic) dossiers at its office's one-stop desk; from its registration on it files signed
electronic dossiers through its I-VAN (from 01/10/2015). From 01/01/2016 the desk refuses the barcoded
dossiers of units (dispatch 2671); communes keep the barcoded under-6 health-card list until they use a
digital signature. Filing peaks at the end of each month; some dossiers are finished late.

Everything goes through the real pipeline: envelopes are built and signed with a test PKI dated 2015
(its root is added to the gateway's trust anchors), barcoded dossiers are encoded into symbol texts and
read back by the desk service, certificates are registered on the day a unit switches. Workflow moves
(in process, result ready, refused) are made with :func:`hoso.workflow.services.transition` on a
simulated clock, so that the audit chain carries their historical times.

Deterministic: the same history on every machine (a seeded random generator).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone as django_timezone
from lxml import etree

from hoso import xmlsafe
from hoso.barcode import make_chunks
from hoso.dossier import EnvelopeFile
from hoso.intake import gateway
from hoso.intake.desk import receive_scanner_text
from hoso.intake.models import Submission
from hoso.intake.pipeline import receive
from hoso.reference.calendar import working_calendar
from hoso.reference.demo import _demo_tax_code
from hoso.reference.models import Commune, Office, Officer, Unit
from hoso.reference.registrations import register_certificate
from hoso.reports import problems
from hoso.reports.models import Problem
from hoso.reports.notices import notify_units_on_barcodes
from hoso.reports.rollups import refresh
from hoso.signature.certs import UID_OID
from hoso.signature.sign import Pkcs12Signer
from hoso.testing.envelopes import children_list, envelope, signed_form
from hoso.workflow.services import transition
from hoso.workflow.states import Status

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
START = date(2015, 8, 1)
END = date(2016, 3, 31)
ELECTRONIC_FROM = date(2015, 10, 1)
BARCODE_UNTIL = date(2016, 1, 1)
#: Dossiers received from this day on are left open: the backlog at the end of the history.
OPEN_FROM = date(2016, 3, 21)
PKI_NOW = datetime(2015, 7, 15, tzinfo=UTC)
UNIT_PREFIX = "L"  # history units are LA0001H … (7 characters)
SEED = 2671
IVANS = ["00030", "00040", "00020", "00050", "00060", "00110"]  # market shares in this order
IVAN_WEIGHTS = [34, 22, 16, 14, 8, 6]
ACTOR = "Lịch sử mẫu (hoso demo)"
BATCH = 250
HISTORY_TAX_OFFSET = 300_000

# Demo communes beyond the reference demo subset: (GSO code, name, kind, office). Demo data only.
HISTORY_COMMUNES: list[tuple[str, str, str, str]] = [
    ("00157", "Nghĩa Đô", "phuong", "00105"),
    ("00160", "Nghĩa Tân", "phuong", "00105"),
    ("00163", "Mai Dịch", "phuong", "00105"),
    ("00166", "Dịch Vọng", "phuong", "00105"),
    ("00169", "Quan Hoa", "phuong", "00105"),
    ("00172", "Yên Hoà", "phuong", "00105"),
    ("00175", "Trung Hoà", "phuong", "00105"),
    ("00037", "Hàng Trống", "phuong", "00102"),
    ("00040", "Hàng Bông", "phuong", "00102"),
    ("00043", "Hàng Gai", "phuong", "00102"),
    ("00046", "Hàng Bạc", "phuong", "00102"),
    ("00052", "Phúc Tân", "phuong", "00102"),
    ("00091", "Phú Thượng", "phuong", "00103"),
    ("00094", "Nhật Tân", "phuong", "00103"),
    ("00097", "Tứ Liên", "phuong", "00103"),
    ("00100", "Quảng An", "phuong", "00103"),
    ("00103", "Xuân La", "phuong", "00103"),
    ("00106", "Yên Phụ", "phuong", "00103"),
    ("00229", "Cát Linh", "phuong", "00106"),
    ("00232", "Văn Miếu", "phuong", "00106"),
    ("00235", "Quốc Tử Giám", "phuong", "00106"),
    ("00238", "Láng Thượng", "phuong", "00106"),
    ("00256", "Nguyễn Du", "phuong", "00107"),
    ("00259", "Bạch Đằng", "phuong", "00107"),
    ("00262", "Phạm Đình Hổ", "phuong", "00107"),
    ("00367", "Nhân Chính", "phuong", "00109"),
    ("00370", "Thượng Đình", "phuong", "00109"),
    ("00373", "Khương Trung", "phuong", "00109"),
    ("00376", "Khương Mai", "phuong", "00109"),
]

_KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân", "Hợp tác xã"]
_NAMES = ["Thành Công", "Hưng Thịnh", "Phú Gia", "Tân Tiến", "Quang Minh", "Nam Việt", "Hà Thành",
          "Đông Đô", "Kinh Bắc", "Hồng Phát", "Thiên Long", "Vạn Xuân", "Sao Mai", "Hải Âu", "Tràng An",
          "Bắc Hà", "Gia Lâm", "Lạc Hồng", "Hoa Sen", "Thăng Long Xanh"]  # fmt: skip
_TRADES = ["Xây dựng", "Thương mại", "Dịch vụ", "May mặc", "Cơ khí", "Vận tải", "Thực phẩm",
           "Công nghệ", "In ấn", "Du lịch", "Điện tử", "Nội thất"]  # fmt: skip
_CHILD_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Ngô", "Đặng"]
_CHILD_GIVEN = [("Minh Anh", "0"), ("Gia Bảo", "1"), ("Khánh Linh", "0"), ("Đức Minh", "1"),
                ("Bảo Ngọc", "0"), ("Hoàng Nam", "1"), ("Thảo Vy", "0"), ("Quang Huy", "1")]  # fmt: skip


@dataclass
class HistoryUnit:
    unit: Unit
    switch: date | None  # the day its certificate is registered (None: still on barcodes)
    ivan: str
    monthly: float  # expected dossiers a month
    both_until: date | None = None  # keeps filing some barcoded dossiers after switching, until this day
    early_try: bool = False  # signs one dossier before its registration is recorded (refused)


@dataclass
class HistoryCommune:
    commune: Commune
    switch: date | None
    ivan: str
    stray_barcode: bool = False  # files one barcoded list after registering (refused from 2016)


@dataclass
class HistoryReport:
    units: int = 0
    communes: int = 0
    submissions: int = 0
    accepted: int = 0
    refused: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    transitions: int = 0
    notices: int = 0
    problems: int = 0
    seconds: float = 0.0
    skipped: bool = False

    def summary_vi(self) -> str:
        if self.skipped:
            return "Lịch sử mẫu 08/2015–03/2016: đã có sẵn."
        return (
            f"Lịch sử mẫu 08/2015–03/2016: {self.units} đơn vị, {self.communes} UBND xã/phường, "
            f"{self.submissions} lần nộp ({self.accepted} tiếp nhận, {self.refused} từ chối; "
            f"mã vạch {self.by_channel.get('barcode', 0)}, điện tử {self.by_channel.get('electronic', 0)}), "
            f"{self.transitions} bước xử lý, {self.notices} thông báo, {self.problems} vướng mắc (thư điện tử trong {settings.DATA_DIR / 'outbox'}) "
            f"— {self.seconds:.1f} giây."
        )


# --- the 2015 test PKI ----------------------------------------------------------------------------


def _name(cn: str, tax_code: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hoso demo history PKI"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ]
    if tax_code:
        attrs.append(x509.NameAttribute(UID_OID, f"MST:{tax_code}"))
    return x509.Name(attrs)


class HistoryPki:
    """A root and an issuing CA "of 2015" (names of their own, so that they never mix with the demo PKI's),
    issuing one certificate per submitter on its registration day. Submitters share one key pair: a
    demo shortcut that keeps the history fast; each still has its own certificate and fingerprint."""

    CDP = "http://crl.hoso.test/history-issuing-ca.crl"

    def __init__(self) -> None:
        year = timedelta(days=365)
        self.root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.root_name = _name("HOSO DEMO HISTORY ROOT CA 2015")
        self.root = self._issue(
            self.root_name, self.root_key.public_key(), self.root_name, self.root_key,
            PKI_NOW - 5 * year, PKI_NOW + 20 * year, ca=True,
        )  # fmt: skip
        self.issuing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.issuing = self._issue(
            _name("HOSO DEMO HISTORY ISSUING CA 2015"), self.issuing_key.public_key(), self.root_name,
            self.root_key, PKI_NOW - 4 * year, PKI_NOW + 15 * year, ca=True,
        )  # fmt: skip
        self.signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @staticmethod
    def _issue(subject, public_key, issuer_name, issuer_key, not_before, not_after, *, ca, serial=None):
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(public_key)
            .serial_number(serial or x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
            )
            .add_extension(
                x509.KeyUsage(
                    digital_signature=not ca,
                    content_commitment=not ca,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=ca,
                    crl_sign=ca,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )  # fmt: skip
        )
        if not ca:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
                ),
                critical=False,
            ).add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(HistoryPki.CDP)], None, None, None
                        )
                    ]
                ),
                critical=False,
            )
        return builder.sign(issuer_key, hashes.SHA256())

    def certificate(self, cn: str, tax_code: str | None, valid_from: datetime) -> x509.Certificate:
        return self._issue(
            _name(cn, tax_code), self.signer_key.public_key(), self.issuing.subject, self.issuing_key,
            valid_from, valid_from + timedelta(days=3 * 365), ca=False,
        )  # fmt: skip

    def signer(self, certificate: x509.Certificate) -> Pkcs12Signer:
        return Pkcs12Signer(self.signer_key, certificate, [self.issuing])

    def _crl(self, issuer: x509.Certificate, key) -> x509.CertificateRevocationList:
        return (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer.subject)
            .last_update(PKI_NOW - timedelta(days=1))
            .next_update(datetime(2017, 1, 1, tzinfo=UTC))
            .sign(key, hashes.SHA256())
        )

    def install(self, folder: Path) -> None:
        """Write the CA certificates and CRLs to ``folder`` and make the gateway trust the root."""
        folder.mkdir(parents=True, exist_ok=True)
        pem = serialization.Encoding.PEM
        (folder / "root-ca.pem").write_bytes(self.root.public_bytes(pem))
        (folder / "issuing-ca.pem").write_bytes(self.issuing.public_bytes(pem))
        der = serialization.Encoding.DER
        (folder / "issuing-ca.crl").write_bytes(self._crl(self.issuing, self.issuing_key).public_bytes(der))
        (folder / "root-ca.crl").write_bytes(self._crl(self.root, self.root_key).public_bytes(der))
        anchors, crls = gateway.anchors_dir(), gateway.crl_dir()
        anchors.mkdir(parents=True, exist_ok=True)
        crls.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "root-ca.pem", anchors / "hoso-history-root-ca.pem")
        shutil.copy(folder / "issuing-ca.crl", crls / "hoso-history-issuing-ca.crl")
        shutil.copy(folder / "root-ca.crl", crls / "hoso-history-root-ca.crl")
        gateway.forget()


def _register(certificate: x509.Certificate, *, since: datetime, ivan: str, unit=None, commune=None):
    return register_certificate(
        certificate, since=since, ivan=ivan, unit=unit, commune=commune, source="demo-history"
    )


# --- the cast -------------------------------------------------------------------------------------


def _tax_code(n: int) -> str:
    return _demo_tax_code(HISTORY_TAX_OFFSET + n)  # clear of the reference demo's sequence


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HANOI)


def _switch_day(rng: random.Random) -> date | None:
    """When a unit registers its certificate: a few early adopters in October, most in November and
    December after the dispatch of 26/11/2015, others only once the desk refuses them in January."""
    roll = rng.random()
    if roll < 0.12:
        return ELECTRONIC_FROM + timedelta(days=rng.randrange(0, 31))
    if roll < 0.52:
        return date(2015, 11, 1) + timedelta(days=rng.randrange(0, 61))
    if roll < 0.78:
        return date(2016, 1, 4) + timedelta(days=rng.randrange(0, 28))
    if roll < 0.88:
        return date(2016, 2, 1) + timedelta(days=rng.randrange(0, 50))
    return None


def _history_units(rng: random.Random) -> list[HistoryUnit]:
    offices = list(Office.objects.order_by("code"))
    cast: list[HistoryUnit] = []
    n = 0
    for office in offices:
        count = 4 if len(office.code) == 3 else rng.randint(4, 8)
        for _ in range(count):
            n += 1
            place = office.name_vi.split(" ", 2)[-1]
            name = f"{rng.choice(_KINDS)} {rng.choice(_TRADES)} {rng.choice(_NAMES)}"
            unit, _ = Unit.objects.update_or_create(
                code=f"{UNIT_PREFIX}{chr(65 + n % 26)}{n:04d}H",
                defaults={
                    "tax_code": _tax_code(n),
                    "name": name,
                    "address": f"Số {rng.randint(1, 300)} phố {rng.choice(_NAMES)}, {place}, Hà Nội",
                    "email": f"ketoan.{n:04d}@history.hoso.invalid",
                    "phone": f"024{3_000_000 + n * 37:07d}",
                    "office": office,
                },
            )
            switch = _switch_day(rng)
            both = (
                switch + timedelta(days=rng.randint(5, 25))
                if switch and switch < BARCODE_UNTIL and rng.random() < 0.3
                else None
            )
            cast.append(
                HistoryUnit(
                    unit=unit,
                    switch=switch,
                    ivan=rng.choices(IVANS, IVAN_WEIGHTS)[0],
                    monthly=rng.choice([0.3, 0.4, 0.5, 0.6, 0.7, 0.9]),
                    both_until=both,
                    early_try=switch is not None and rng.random() < 0.06,
                )
            )
    return cast


def _history_communes(rng: random.Random) -> list[HistoryCommune]:
    for code, name, kind, office in HISTORY_COMMUNES:
        Commune.objects.update_or_create(
            gso_code=code,
            defaults={"name_vi": name, "name_en": name, "kind": kind, "office_id": office,
                      "email": f"ubnd{code}@history.hoso.invalid", "phone": f"024{int(code) + 3_800_000:07d}"},
        )  # fmt: skip
    cast = []
    for commune in Commune.objects.order_by("gso_code"):
        if commune.registrations.exists():
            continue  # the demo's signing commune (today's PKI) is left to the live demo
        roll = rng.random()
        switch = None
        if roll < 0.25:
            switch = date(2015, 10, 15) + timedelta(days=rng.randrange(0, 75))
        elif roll < 0.4:
            switch = date(2016, 1, 10) + timedelta(days=rng.randrange(0, 60))
        cast.append(
            HistoryCommune(
                commune,
                switch,
                rng.choices(IVANS, IVAN_WEIGHTS)[0],
                stray_barcode=switch is not None and rng.random() < 0.3,
            )
        )
    return cast


def _desk_officers() -> dict[str, object]:
    """One desk officer per office (no password: they exist to sign the history's desk receptions)."""
    user_model = get_user_model()
    group, _ = Group.objects.get_or_create(name="desk_officer")
    officers = {}
    for office in Office.objects.all():
        user, created = user_model.objects.get_or_create(username=f"motcua.{office.code}")
        if created:
            user.set_unusable_password()
            user.first_name = f"Một cửa {office.code}"
            user.save()
            user.groups.add(group)
        Officer.objects.update_or_create(user=user, defaults={"office": office, "department_id": "mot_cua"})
        officers[office.code] = user
    return officers


# --- the calendar of filings ----------------------------------------------------------------------


def _months() -> Iterator[date]:
    day = START
    while day <= END:
        yield day
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _working_days(first: date) -> list[date]:
    calendar = working_calendar()
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    days, day = [], first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _filing_day(rng: random.Random, days: list[date]) -> date:
    """Half of a month's filings fall in its last five working days (DOMAIN §7)."""
    if rng.random() < 0.5:
        return rng.choice(days[-5:])
    return rng.choice(days)


@dataclass(order=True)
class _Filing:
    at: datetime
    order: int
    kind: str = field(
        compare=False
    )  # "unit-barcode" | "unit-electronic" | "commune-barcode" | "commune-electronic"
    who: object = field(compare=False)
    claimed_delay: timedelta | None = field(default=None, compare=False)


def _plan(rng: random.Random, units: list[HistoryUnit], communes: list[HistoryCommune]) -> list[_Filing]:
    filings: list[_Filing] = []

    def add(at, delay=None, *, kind, who):
        filings.append(_Filing(at, len(filings), kind, who, delay))

    for month in _months():
        days = _working_days(month)
        for hu in units:
            count = int(hu.monthly) + (1 if rng.random() < hu.monthly % 1 else 0)
            for _ in range(count):
                day = _filing_day(rng, days)
                electronic = hu.switch is not None and day >= hu.switch and day >= ELECTRONIC_FROM
                if electronic and hu.both_until and day <= hu.both_until and rng.random() < 0.5:
                    electronic = False
                if not electronic and day >= BARCODE_UNTIL and hu.switch is not None and day >= hu.switch:
                    electronic = True
                if electronic:
                    add(*_electronic_time(rng, day), kind="unit-electronic", who=hu)
                else:
                    add(_local(day, rng.randint(8, 16), rng.randrange(0, 60, 5)), kind="unit-barcode", who=hu)
            if hu.early_try and hu.switch and month == date(hu.switch.year, hu.switch.month, 1):
                before = hu.switch - timedelta(days=2)
                if before >= ELECTRONIC_FROM:
                    add(*_electronic_time(rng, before), kind="unit-electronic", who=hu)
        for hc in communes:
            if rng.random() < 0.5:
                continue  # a commune files its list of newborns most months, not every month
            day = rng.choice(days[len(days) // 2 :])
            electronic = hc.switch is not None and day >= hc.switch
            if electronic:
                add(*_electronic_time(rng, day), kind="commune-electronic", who=hc)
            else:
                add(_local(day, rng.randint(8, 16), rng.randrange(0, 60, 5)), kind="commune-barcode", who=hc)
            if hc.stray_barcode and electronic and month >= date(2016, 1, 1):
                hc.stray_barcode = False
                add(_local(day, rng.randint(8, 15), 30), kind="commune-barcode", who=hc)
    return sorted(filings)


def _electronic_time(rng: random.Random, day: date) -> tuple[datetime, timedelta]:
    """Reception time of a dossier signed on ``day`` and the delay since the unit signed it: most I-VANs
    forward within minutes, some later than the 2 hours of Decree 166/2016."""
    signed = _local(day, rng.randint(7, 21), rng.randrange(0, 60))
    roll = rng.random()
    if roll < 0.9:
        delay = timedelta(seconds=rng.randint(20, 1800))
    elif roll < 0.96:
        delay = timedelta(minutes=rng.randint(30, 119))
    else:
        delay = timedelta(minutes=rng.randint(125, 60 * 30))
    return signed + delay, delay


# --- running it -----------------------------------------------------------------------------------


@contextmanager
def simulated_clock(at: datetime):
    """``django.utils.timezone.now`` answers ``at`` meanwhile (the workflow stamps its events with it)."""
    with mock.patch.object(django_timezone, "now", lambda: at):
        yield


def _with_claimed_signing_time(signed: bytes, claimed: datetime) -> bytes:
    """Add the signing time that .NET-based I-VAN software writes (an unsigned no-namespace Object in
    the envelope's signature), as the real I-VAN files do."""
    root = xmlsafe.parse(signed)
    signatures = list(root.iter("{http://www.w3.org/2000/09/xmldsig#}Signature"))
    sig = signatures[-1]
    obj = etree.SubElement(sig, "Object", Id="proid")
    prop = etree.SubElement(obj, "SignatureProperty", Target=f"#{sig.get('Id', '')}")
    etree.SubElement(prop, "{http://example.org/#signatureProperties}SigningTime").text = claimed.astimezone(
        UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    return xmlsafe.serialize(root)


def already_generated() -> bool:
    return Submission.objects.filter(
        unit__code__startswith=UNIT_PREFIX, received_at__lt=datetime(2016, 4, 1, tzinfo=UTC)
    ).exists()


def generate_history(*, scale: float = 1.0, seed: int = SEED, verbose: bool = False) -> HistoryReport:
    """Generate the demo history once (a second call finds it and does nothing).

    ``scale`` thins the cast (tests use a small one); 1.0 is the demo's few hundred units."""
    import time as _time

    started = _time.monotonic()
    report = HistoryReport()
    if already_generated():
        report.skipped = True
        return report
    rng = random.Random(seed)
    pki = HistoryPki()
    pki.install(settings.DATA_DIR / "pki-history")
    with transaction.atomic():
        units = _history_units(rng)
        communes = _history_communes(rng)
        officers = _desk_officers()
    if scale < 1.0:
        units = units[:: max(1, round(1 / scale))]
        communes = communes[:: max(1, round(1 / scale))]
    report.units, report.communes = len(units), len(communes)
    signers: dict[str, Pkcs12Signer] = {}
    # Certificates are issued ahead of registration; registrations are recorded on the switch day.
    for hu in units:
        if hu.switch is None:
            continue
        since = _local(hu.switch, 8)
        cert = pki.certificate(hu.unit.name.upper(), hu.unit.tax_code, since - timedelta(days=20))
        _register(cert, since=since, ivan=hu.ivan, unit=hu.unit)
        signers[hu.unit.code] = pki.signer(cert)
    for hc in communes:
        if hc.switch is None:
            continue
        since = _local(hc.switch, 8)
        cert = pki.certificate(f"UBND {hc.commune.name_vi}".upper(), None, since - timedelta(days=20))
        _register(cert, since=since, ivan=hc.ivan, commune=hc.commune)
        signers[hc.commune.gso_code] = pki.signer(cert)
    filings = _plan(rng, units, communes)
    # One transaction per batch of filings and one sync of the disk at the end, instead of a commit and
    # fsyncs per dossier: the history is written in seconds, and is as durable once this returns.
    with mock.patch.object(os, "fsync", lambda _fd: None):
        for first in range(0, len(filings), BATCH):
            with transaction.atomic():
                for filing in filings[first : first + BATCH]:
                    _file(rng, filing, signers, officers, report)
            if verbose:
                print(f"  … {report.submissions} ({_time.monotonic() - started:.0f} s)", flush=True)
        report.notices = _notices()
        report.problems = _problems(officers)
    os.sync()

    refresh()
    report.seconds = _time.monotonic() - started
    return report


def _file(rng: random.Random, filing: _Filing, signers, officers, report: HistoryReport) -> None:
    if filing.kind == "unit-barcode":
        hu = filing.who
        raw = envelope(
            unit_code=hu.unit.code, tax_code=hu.unit.tax_code, unit_name=hu.unit.name,
            period=_period(filing.at), created=filing.at.date(), employees=rng.randint(1, 6),
        )  # fmt: skip
        submissions = _desk(raw, officers[hu.unit.office_id], filing.at)
    elif filing.kind == "unit-electronic":
        hu = filing.who
        raw = envelope(
            unit_code=hu.unit.code, tax_code=hu.unit.tax_code, unit_name=hu.unit.name,
            period=_period(filing.at), created=filing.at.date(), ivan=hu.ivan,
            signer=signers[hu.unit.code], employees=rng.randint(1, 6),
        )  # fmt: skip
        raw = _with_claimed_signing_time(raw, filing.at - filing.claimed_delay)
        submissions = [receive(raw, ivan_code=hu.ivan, received_at=filing.at).submission]
    else:
        hc = filing.who
        kids = [
            (f"{rng.choice(_CHILD_FAMILY)} {name}", _born(rng, filing.at), sex)
            for name, sex in rng.sample(_CHILD_GIVEN, rng.randint(2, 6))
        ]
        d03 = children_list(hc.commune.gso_code, kids)
        electronic = filing.kind == "commune-electronic"
        if electronic:
            d03 = signed_form(d03, signers[hc.commune.gso_code])
        raw = envelope(
            unit_code=hc.commune.gso_code, tax_code="", unit_name=f"UBND {hc.commune.name_vi}", kind="2",
            procedure="602", period=_period(filing.at), created=filing.at.date(),
            ivan=hc.ivan, signer=signers.get(hc.commune.gso_code) if electronic else None,
            forms=[EnvelopeFile(name="D03-TS.xml", content=d03, form_code="D03-TS",
                                description="Danh sách trẻ em dưới 6 tuổi")],
        )  # fmt: skip
        if electronic:
            raw = _with_claimed_signing_time(raw, filing.at - filing.claimed_delay)
            submissions = [receive(raw, ivan_code=hc.ivan, received_at=filing.at).submission]
        else:
            submissions = _desk(raw, officers[hc.commune.office_id], filing.at)
    for submission in submissions:
        report.submissions += 1
        report.by_channel[submission.channel] = report.by_channel.get(submission.channel, 0) + 1
        if submission.outcome == Submission.Outcome.ACCEPTED:
            report.accepted += 1
            report.transitions += _process(rng, submission.dossier, officers)
        else:
            report.refused += 1


def _notices() -> int:
    """The offices tell the units still on barcodes: by e-mail to all on 01/12/2015 (after the dispatch of
    26/11/2015), and by e-mail and printed letter in Ba Đình and Sóc Sơn on 15/01/2016."""
    outbox = settings.DATA_DIR / "outbox"
    first = notify_units_on_barcodes(
        office="001", until=date(2015, 11, 30), methods=["email"], outbox=outbox,
        actor_label=ACTOR, at=_local(date(2015, 12, 1), 9),
    )  # fmt: skip
    count = len(first.notified)
    for office in ("00101", "00110"):
        run = notify_units_on_barcodes(
            office=office, until=date(2016, 1, 14), methods=["email", "letter"], outbox=outbox,
            letters_dir=settings.DATA_DIR / "notices", actor_label=ACTOR, at=_local(date(2016, 1, 15), 9),
        )  # fmt: skip
        count += len(run.notified)
    return count


def _problems(officers) -> int:
    """A few problem reports to IT, as the offices and I-VANs met them, some answered."""
    it = get_user_model().objects.filter(username="cntt").first()
    refused = (
        Submission.objects.filter(reasons__0__code="INTAKE_CERTIFICATE_NOT_REGISTERED")
        .order_by("received_at")
        .first()
    )
    stories = [
        (
            officers["00110"],
            None,
            "barcode",
            "Mã vạch trang 3 không đọc được",
            "Đơn vị nộp bản in mờ, máy quét không đọc được ký hiệu thứ 3. Đề nghị hướng dẫn xử lý.",
            _local(date(2015, 11, 12), 10),
            "Đề nghị đơn vị in lại ở chế độ đậm, hoặc quét bản in ở 300 dpi.",
        ),
        (
            officers["00105"],
            None,
            "policy",
            "Đơn vị hỏi về hồ sơ mã vạch sau 01/01/2016",
            "Đơn vị chưa kịp đăng ký chữ ký số, đề nghị cho nộp mã vạch đến hết tháng 1/2016.",
            _local(date(2016, 1, 6), 9),
            "Theo Công văn 2671, từ 01/01/2016 không tiếp nhận hồ sơ mã vạch; hướng dẫn đơn vị đăng ký qua I-VAN.",
        ),
        (
            None,
            refused,
            "registration",
            "Chứng thư số chưa được ghi nhận đăng ký",
            "Đơn vị đã gửi tờ khai 04/ĐK-IVAN nhưng hồ sơ vẫn bị từ chối vì chứng thư chưa đăng ký.",
            refused.received_at + timedelta(hours=3) if refused else None,
            None,
        ),
        (
            officers["00101"],
            None,
            "forms",
            "Danh sách trẻ em dưới 6 tuổi thiếu mã tỉnh nơi KCB",
            "UBND phường hỏi cách khai mã tỉnh bệnh viện trên mẫu D03-TS.",
            _local(date(2016, 2, 22), 14),
            None,
        ),
    ]
    count = 0
    for reporter, submission, category, title, text, at, answer in stories:
        if at is None:
            continue
        problem = problems.report_problem(
            category=category, title=title, description=text, at=at,
            source=Problem.Source.IVAN if submission else Problem.Source.DESK, reporter=reporter,
            ivan=submission.ivan if submission else None,
            submission_id=str(submission.public_id) if submission else None,
        )  # fmt: skip
        count += 1
        if answer and it is not None:
            problems.assign(problem, it, actor=it, at=at + timedelta(hours=1))
            problems.reply(
                problem, text=answer, actor=it, status=Problem.Status.ANSWERED, at=at + timedelta(hours=2)
            )
    return count


def _period(at: datetime) -> str:
    return f"{at.month:02d}/{at.year}"


def _born(rng: random.Random, at: datetime) -> str:
    born = at.date() - timedelta(days=rng.randint(10, 5 * 365))
    return born.strftime("%d/%m/%Y")


def _desk(raw: bytes, officer, at: datetime) -> list[Submission]:
    text = "\n".join(make_chunks(raw))
    return [r.submission for r in receive_scanner_text(text, officer=officer, received_at=at).receptions]


def _process(rng: random.Random, dossier, officers) -> int:
    """Move an accepted dossier on, on the simulated clock: most are finished on time, some late, a few
    refused during processing; the last days of the history stay open (the backlog)."""
    received = django_timezone.localtime(dossier.received_at).date()
    if received >= OPEN_FROM:
        if rng.random() < 0.5:
            return 0
        with simulated_clock(dossier.received_at + timedelta(hours=2)):
            transition(dossier, Status.IN_PROCESS, actor_label=ACTOR)
        return 1
    calendar = working_calendar()
    start = calendar.add_working_days(received, 1)
    with simulated_clock(_local(start, 9)):
        dossier = transition(dossier, Status.IN_PROCESS, actor_label=ACTOR)
    roll = rng.random()
    if roll < 0.03:
        with simulated_clock(_local(start, 15)):
            transition(
                dossier, Status.REFUSED, actor_label=ACTOR, note="Hồ sơ không đủ điều kiện giải quyết."
            )
        return 2
    if roll < 0.15:
        finished = calendar.add_working_days(dossier.due_date, rng.randint(1, 6))
    else:
        finished = max(start, calendar.add_working_days(dossier.due_date, -rng.randint(0, 2)))
    with simulated_clock(_local(finished, rng.randint(9, 16))):
        transition(dossier, Status.RESULT_READY, actor_label=ACTOR)
    return 2
