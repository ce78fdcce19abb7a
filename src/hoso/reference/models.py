"""Reference data of the gateway; managed in the Django admin, loaded by `hoso init`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hoso import identifiers
from hoso.identifiers import IdentifierError
from hoso.workdays import DayKind
from hoso.workdays.hours import OfficeHours as OfficeHoursValue
from hoso.workdays.hours import OfficeHoursError


@deconstructible
class IdentifierValidator:
    """Validates a field with one of the pure checks of :mod:`hoso.identifiers`, named by its name."""

    def __init__(self, check_name: str) -> None:
        self.check_name = check_name

    def __call__(self, value: str) -> None:
        try:
            getattr(identifiers, self.check_name)(value)
        except IdentifierError as exc:
            raise ValidationError(exc.message(get_language() or "vi"), code=exc.code) from exc

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdentifierValidator) and other.check_name == self.check_name

    def __hash__(self) -> int:
        return hash(self.check_name)


class BilingualName(models.Model):
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi


class Office(BilingualName):
    class Kind(models.TextChoices):
        CITY = "city", _("City office")
        URBAN_DISTRICT = "quan", _("Urban district office")
        RURAL_DISTRICT = "huyen", _("Rural district office")
        TOWN = "thi_xa", _("Town office")

    code = models.CharField(
        _("office code"), max_length=5, primary_key=True, validators=[RegexValidator(r"^\d{3}(\d{2})?$")]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    gso_district_code = models.CharField(_("GSO district code"), max_length=3, blank=True)
    # The agency identifier code of QCVN 102 (``000.00.01.H22``): the start of the national dossier code
    # (hoso.reference.national). Loaded with the office at every reception, so it costs no statement.
    agency_code = models.CharField(
        _("agency identifier code"),
        max_length=13,
        blank=True,
        validators=[IdentifierValidator("validate_agency_code")],
        help_text=_("QCVN 102 code of the office, e.g. 000.00.01.H22; empty: no national dossier code"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"


class Department(BilingualName):
    code = models.SlugField(_("code"), max_length=20, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name_vi


class Commune(BilingualName):
    class Kind(models.TextChoices):
        COMMUNE = "xa", _("Commune")
        WARD = "phuong", _("Ward")
        TOWNSHIP = "thi_tran", _("Township")

    gso_code = models.CharField(
        _("GSO commune code"), max_length=5, primary_key=True, validators=[RegexValidator(r"^\d{5}$")]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    office = models.ForeignKey(
        Office, verbose_name=_("district office"), on_delete=models.PROTECT, related_name="communes"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["gso_code"]
        verbose_name = _("commune People's Committee")
        verbose_name_plural = _("commune People's Committees")

    def __str__(self) -> str:
        return f"{self.gso_code} UBND {self.name_vi}"


class Unit(models.Model):
    code = models.CharField(
        _("unit code"), max_length=7, primary_key=True, validators=[IdentifierValidator("validate_unit_code")]
    )
    tax_code = models.CharField(
        _("tax code"), max_length=14, validators=[IdentifierValidator("validate_tax_code")], db_index=True
    )
    name = models.CharField(_("name"), max_length=300)
    address = models.CharField(_("address"), max_length=400, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    office = models.ForeignKey(
        Office, verbose_name=_("managing office"), on_delete=models.PROTECT, related_name="units"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("employer unit")
        verbose_name_plural = _("employer units")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IvanProvider(models.Model):
    code = models.CharField(
        _("I-VAN code"), max_length=5, primary_key=True, validators=[RegexValidator(r"^\d{5}$")]
    )
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("I-VAN provider")
        verbose_name_plural = _("I-VAN providers")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FormVersion(BilingualName):
    """A form as issued by one decision, e.g. D02-TS@959 (QĐ 959/QĐ-BHXH)."""

    code = models.CharField(_("form code"), max_length=20)
    decision = models.CharField(_("decision number"), max_length=10, blank=True)
    decision_title = models.CharField(_("issuing decision"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "decision"], name="form_version_unique")]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.code}@{self.decision}" if self.decision else self.code


class Procedure(BilingualName):
    """One version of an administrative procedure (thủ tục hành chính) of the catalogue."""

    class Domain(models.TextChoices):
        COLLECTION = "thu", _("Collection")
        BOOKS_CARDS = "so_the", _("Books and cards")

    code = models.CharField(_("procedure code"), max_length=20)
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    domain = models.CharField(_("domain"), max_length=10, choices=Domain.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT
    )
    time_limit_days = models.PositiveIntegerField(_("time limit (working days)"))
    required_forms = models.JSONField(_("required forms"), default=list, blank=True)
    optional_forms = models.JSONField(_("optional forms"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    # The procedure's code in the national database of administrative procedures (MaTTHC of the
    # national public-service portal, hoso.portal); empty until the office records it.
    national_code = models.CharField(
        _("national procedure code"),
        max_length=30,
        blank=True,
        help_text=_("MaTTHC in the national database of administrative procedures, e.g. 1.001234"),
    )

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="procedure_version_unique"),
        ]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.name_vi}"

    def clean(self) -> None:
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end of validity is before its start.")})
        for field in ("required_forms", "optional_forms", "tags"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ValidationError({field: _("Give a list of codes.")})
        known = set(FormVersion.objects.values_list("code", flat=True))
        unknown = sorted((set(self.required_forms) | set(self.optional_forms)) - known)
        if unknown:
            raise ValidationError({"required_forms": _("Unknown form codes: %s") % ", ".join(unknown)})
        overlapping = Procedure.objects.filter(code=self.code).exclude(pk=self.pk)
        for other in overlapping:
            if (other.valid_to is None or other.valid_to >= self.valid_from) and (
                self.valid_to is None or self.valid_to >= other.valid_from
            ):
                raise ValidationError(
                    _("Version %(v)s of this procedure is valid on the same dates.") % {"v": other.version}
                )


class CalendarEntry(BilingualName):
    """A day that is not what the Monday–Friday week says: a day off on a weekday, or a worked weekend day."""

    class Kind(models.TextChoices):
        HOLIDAY = DayKind.HOLIDAY.value, _("Public holiday")
        COMPENSATORY = DayKind.COMPENSATORY.value, _("Compensatory day off")
        DAY_OFF = DayKind.DAY_OFF.value, _("Day off moved by a swap")
        WORKING = DayKind.WORKING.value, _("Working day moved by a swap")

    class Source(models.TextChoices):
        SEED = "seed", _("Seeded from the legal rules")
        MANUAL = "manual", _("Entered by an administrator")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name_vi}"

    @property
    def is_day_off(self) -> bool:
        return self.kind != self.Kind.WORKING


class OfficeHours(models.Model):
    """The opening hours of every working day from ``valid_from`` on, until a later schedule: what a
    clock in working hours counts (Decree 45/2020's 8 working hours; hoso.workdays.hours)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    morning_start = models.TimeField(_("morning opens"))
    morning_end = models.TimeField(_("morning closes"))
    afternoon_start = models.TimeField(_("afternoon opens"), null=True, blank=True)
    afternoon_end = models.TimeField(_("afternoon closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return f"{self.valid_from:%d/%m/%Y}: " + ", ".join(
            f"{start:%H:%M}–{end:%H:%M}" for start, end in self.periods
        )

    @property
    def periods(self) -> tuple:
        periods = [(self.morning_start, self.morning_end)]
        if self.afternoon_start is not None and self.afternoon_end is not None:
            periods.append((self.afternoon_start, self.afternoon_end))
        return tuple(periods)

    def as_value(self) -> OfficeHoursValue:
        return OfficeHoursValue(self.valid_from, self.periods)

    def clean(self) -> None:
        if (self.afternoon_start is None) != (self.afternoon_end is None):
            raise ValidationError(
                _("Give both the opening and the closing time of the afternoon, or neither.")
            )
        if None in (self.morning_start, self.morning_end, self.valid_from):
            return
        try:
            self.as_value()
        except OfficeHoursError:
            raise ValidationError(
                _(
                    "Each period must close after it opens, and the afternoon must open after the morning closes."
                )
            ) from None


class CalendarYear(models.Model):
    """A year whose calendar has been seeded; a seeded year is never seeded again (edits stay)."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    seeded_at = models.DateTimeField(_("seeded at"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("seeded calendar year")
        verbose_name_plural = _("seeded calendar years")

    def __str__(self) -> str:
        return str(self.year)


class Officer(models.Model):
    """A member of staff: which office (and department) the user works for."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="officer")
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="officers"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.office_id})"


class CertificateRegistration(models.Model):
    """A submitter's registration for electronic transactions (form 04/ĐK-IVAN): which certificate a
    unit (or a commune People's Committee) signs with, carried by which I-VAN, from when."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    ivan = models.ForeignKey(
        IvanProvider,
        verbose_name=_("I-VAN"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    serial = models.CharField(_("certificate serial"), max_length=80)
    issuer = models.CharField(_("certificate issuer"), max_length=400)
    subject = models.CharField(_("certificate subject"), max_length=400, blank=True)
    tax_code = models.CharField(_("tax code in the certificate"), max_length=14, blank=True)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, db_index=True)
    not_before = models.DateTimeField(_("certificate valid from"))
    not_after = models.DateTimeField(_("certificate valid to"))
    registered_from = models.DateTimeField(_("registered from"))
    registered_until = models.DateTimeField(_("registered until"), null=True, blank=True)
    certificate_der = models.BinaryField(_("certificate (DER)"), blank=True, default=b"")
    source = models.CharField(_("source"), max_length=20, default="admin")
    #: SHA-256 of the signed registration (04/ĐK-IVAN) that made this row, kept in the evidence store
    evidence_sha256 = models.CharField(_("SHA-256 of the registration received"), max_length=64, blank=True)
    #: … and of the one that ended it (a stop, or a change to another certificate)
    ended_by_sha256 = models.CharField(
        _("SHA-256 of the registration that ended it"), max_length=64, blank=True
    )

    class Meta:
        ordering = ["-registered_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(commune__isnull=False),
                name="registration_has_submitter",
            ),
        ]
        verbose_name = _("certificate registration")
        verbose_name_plural = _("certificate registrations")

    def __str__(self) -> str:
        return f"{self.unit_id or self.commune_id} ← {self.serial}"


class ImportUpload(models.Model):
    """A file of go-live data given to the import (issue 21, item 6): kept between the dry run and IT's
    confirmation — in the database, so that any server of a cluster can confirm it — and afterwards as
    the record of who imported what, when, with what result."""

    kind = models.CharField(_("kind of data"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        "auth.User", verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class NationalCodeLayout(models.Model):
    """The layout of the national dossier code from a date on (hoso.identifiers.national): the dossiers
    received from ``valid_from`` get codes of this template, until a later layout takes effect."""

    valid_from = models.DateField(_("valid from"), unique=True)
    template = models.CharField(
        _("layout"),
        max_length=80,
        validators=[IdentifierValidator("validate_national_code_template")],
        help_text=_(
            "Fields: {agency} {office} {yyyy} {yy} {mm} {dd} {seq} {seq:N}, e.g. {agency}-{yy}{mm}{dd}-{seq:4}"
        ),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("national dossier code layout")
        verbose_name_plural = _("national dossier code layouts")

    def __str__(self) -> str:
        return f"{self.valid_from:%d/%m/%Y}: {self.template}"
