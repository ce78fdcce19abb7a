"""The typed paper dossier, checked as a form before it is a submission.

What the officer types is checked here the way a person reads the paper — dates as people write them
(12/5/1993 is 12/05/1993; 31/02/1991 is named beside the list, on its line), the submitter looked up by
its code (name and tax code shown, a code that names nobody said beside the code), the period as
month/year — and only a complete, well-formed dossier is built and sent to the pipeline. The pipeline
alone refuses; a typing mistake is corrected at the desk and never printed as a refusal."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoso.desk.common import bilingual
from hoso.desk.submitters import find_submitter, unknown_message
from hoso.dossier import EnvelopeFile, IvanInfo, UnitInfo, build_envelope
from hoso.dossier.typed import (
    CHILD_COLUMNS,
    D02_COLUMNS,
    TypedValueError,
    check_typed_lines,
    parse_typed_period,
    typed_children_list,
    typed_d02,
)
from hoso.reference.catalogue import procedures_on

SEPARATOR = ";"


class PaperForm(forms.Form):
    """A paper dossier typed by the desk: the submitter, who brought it, the procedure and its list."""

    KIND_CHOICES = [("1", _("Employer unit")), ("2", _("Commune People's Committee"))]
    kind = forms.ChoiceField(label=_("Submitter"), choices=KIND_CHOICES)
    code = forms.CharField(label=_("Unit code or commune code"), max_length=7)
    name = forms.CharField(label=_("Name"), max_length=200)
    tax_code = forms.CharField(label=_("Tax code"), max_length=14, required=False)
    representative = forms.CharField(
        label=_("Brought by (full name)"),
        max_length=100,
        required=False,
        help_text=_("The person who hands the dossier over, as on the receipt."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    procedure = forms.ChoiceField(label=_("Procedure"))
    period = forms.CharField(label=_("Declared period (mm/yyyy)"), max_length=7)
    copies = forms.IntegerField(
        label=_("Paper copies of the list"), min_value=1, max_value=20, initial=1, required=False
    )
    rows = forms.CharField(
        label=_(
            "People (one per line: full name; date of birth dd/mm/yyyy; sex 1/0; social-insurance number)"
        ),
        help_text=_(
            "Under-6 list: full name; date of birth; sex 1/0; birth-certificate number; father's or "
            "mother's name; head of household; household code — leave out what the paper does not give."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["procedure"].choices = [(p.code, f"{p.code} — {p.name}") for p in procedures_on(today)]
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "data-submitter-lookup": "1"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["period"].widget.attrs.update({"placeholder": "mm/yyyy", "autocomplete": "off"})
        self.fields["rows"].widget.attrs.update({"spellcheck": "false"})
        self.submitter = None
        self.first_line_error: tuple[int, int] | None = None  # (line, part), 1-based line

    def clean_period(self) -> str:
        try:
            return parse_typed_period(self.cleaned_data["period"])
        except TypedValueError as error:
            raise forms.ValidationError(bilingual(error.vi, error.en)) from None

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not all(c.isdigit() or c in " .+-" for c in phone):
            raise forms.ValidationError(_("A phone number has only digits (spaces, dots and + allowed)."))
        return phone

    def clean_rows(self) -> list[list[str]]:
        lines = [
            [part.strip() for part in line.split(SEPARATOR)]
            for line in self.cleaned_data["rows"].splitlines()
            if line.strip()
        ]
        if not lines:
            raise forms.ValidationError(_("Type at least one person."))
        return lines

    def clean(self):
        data = super().clean()
        kind, code = data.get("kind"), (data.get("code") or "").strip().upper()
        if kind and code:
            self.submitter = find_submitter(kind, code)
            if self.submitter is None:
                self.add_error("code", unknown_message(kind, code))
            elif (typed_tax := (data.get("tax_code") or "").strip()) and self.submitter.tax_code not in (
                "",
                typed_tax,
            ):
                message = _("The catalogue gives %(name)s the tax code %(tax)s, not %(typed)s.")
                params = {"name": self.submitter.name, "tax": self.submitter.tax_code, "typed": typed_tax}
                self.add_error("tax_code", forms.ValidationError(message, params=params))
        lines = data.get("rows")
        if lines and data.get("procedure"):
            columns = CHILD_COLUMNS if self.form_code().startswith("D03") else D02_COLUMNS
            checked, problems = check_typed_lines(columns, lines, today=self.today)
            if problems:
                self.first_line_error = (problems[0].line, problems[0].part)
                self.add_error("rows", [bilingual(p.vi, p.en) for p in problems])
            else:
                data["rows"] = checked
        return data

    # --- where the cursor goes -------------------------------------------------------------------

    def first_error_field(self) -> str | None:
        """The first field (in the order of the form) with an error."""
        return next((field.name for field in self if field.errors), None)

    def mark_first_error(self) -> None:
        """The first field with an error gets the focus (and, in the list, the cursor on the wrong
        value of the first wrong line)."""
        name = self.first_error_field()
        if name is None:
            return
        attrs = self.fields[name].widget.attrs
        attrs.update({"autofocus": True, "data-focus-first": "1"})
        if name == "rows" and self.first_line_error is not None:
            start, end = _span(self.data.get(self.add_prefix("rows"), ""), *self.first_line_error)
            attrs.update({"data-error-start": start, "data-error-end": end})

    # --- what is built ---------------------------------------------------------------------------

    def chosen_procedure(self):
        return procedures_on(timezone.localdate()).filter(code=self.cleaned_data["procedure"]).first()

    def form_code(self) -> str:
        procedure = self.chosen_procedure()
        return (procedure.required_forms or ["D02-TS"])[0] if procedure else "D02-TS"

    def envelope(self) -> bytes:
        """The typed dossier as an (unsigned) envelope, so that it goes through the same checks. It holds
        what the officer typed and nothing else (hoso.dossier.typed): the dates in the form's format."""
        data = self.cleaned_data
        code = data["code"].strip().upper()
        procedure, form_code = self.chosen_procedure(), self.form_code()
        if form_code.startswith("D03"):
            content = typed_children_list(commune_code=code, commune_name=data["name"], rows=data["rows"])
        else:
            content = typed_d02(unit_code=code, unit_name=data["name"], rows=data["rows"])
        return build_envelope(
            ivan=IvanInfo(ma_ivan="", ten_ivan=""),
            unit=UnitInfo(
                ten_doi_tuong=data["name"],
                ma_so_bhxh=code,
                loai_doi_tuong=data["kind"],
                ma_so_thue=data["tax_code"].strip(),
                nguoi_ky=data["representative"].strip(),
                dien_thoai=data["phone"],
                co_quan_quan_ly="",
            ),
            procedure_code=data["procedure"],
            procedure_name=procedure.name_vi if procedure else "",
            period=data["period"],
            created=timezone.localdate().strftime("%d/%m/%Y"),
            files=[
                EnvelopeFile(
                    name=f"{form_code}.xml",
                    content=content,
                    form_code=form_code,
                    description=copies_description(data["copies"]) if data["copies"] else "",
                )
            ],
        )


COPIES_PREFIX = "Số bản giấy: "


def copies_description(copies: int) -> str:
    """How a typed form records the paper copies handed over (read back for the receipt)."""
    return f"{COPIES_PREFIX}{copies}"


def copies_of(description: str) -> int | None:
    """The paper copies a typed form records, or None when it records none."""
    if description.startswith(COPIES_PREFIX) and description[len(COPIES_PREFIX) :].isdigit():
        return int(description[len(COPIES_PREFIX) :])
    return None


def _span(text: str, line: int, part: int) -> tuple[int, int]:
    """Character offsets, in the typed text, of ``part`` of the ``line``-th non-empty line."""
    offset, seen = 0, 0
    text = text.replace("\r\n", "\n")  # a browser sends CR LF, and counts a new line as one character
    for raw in text.splitlines(keepends=True):
        if raw.strip():
            seen += 1
            if seen == line:
                parts = raw.rstrip("\r\n").split(SEPARATOR)
                if part >= len(parts):  # a part left out: the end of the line
                    end = offset + len(raw.rstrip("\r\n"))
                    return end, end
                start = offset + sum(len(p) + 1 for p in parts[:part])
                value = parts[part]
                lead = len(value) - len(value.lstrip())
                return start + lead, start + len(value.rstrip())
        offset += len(raw)
    return offset, offset
