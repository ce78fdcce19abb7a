"""Dated parameters of a policy: the legal clocks and the reception rule that are data, not code (pure).

A policy file may carry ``[[parameters]]`` beside its rules. Each names one of the parameters below
and gives its value, optionally for a period. The value in force for a dossier is read at its
reception, from the policies of the set in deciding order: the policy of highest precedence whose
scope covers the receiving office and the moment, and that has an entry of that name in force, gives
it. A parameter no policy in force gives is *undefined*: the clock it sets does not run (there was no
such legal limit then), and the reception rule keeps its historic meaning (see each spec).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from hoso.policy.model import end_bound, start_bound


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """What a parameter is: its value type and range, and what it means when undefined."""

    name: str
    kind: type  # int or bool
    low: int = 0
    high: int = 0
    meaning_en: str = ""


#: Every parameter a policy file may set.
SPECS: dict[str, ParameterSpec] = {
    spec.name: spec
    for spec in (
        ParameterSpec(
            "receipt_notice_minutes",
            int,
            1,
            7 * 24 * 60,
            "elapsed minutes after reception within which the receipt and appointment slip is e-mailed; "
            "undefined: no such limit",
        ),
        ParameterSpec(
            "supplement_request_working_hours",
            int,
            1,
            400,
            "working hours after an online reception within which a receipt or a supplement request is "
            "sent; undefined: no such limit",
        ),
        ParameterSpec(
            "reception_any_office",
            bool,
            meaning_en="true: any office receives whatever the submitter's district and routes the dossier "
            "to the managing office without asking; false or undefined: the desk names the managing "
            "office and the officer confirms before receiving for it",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Parameter:
    """One ``[[parameters]]`` entry of a policy file."""

    name: str
    value: int | bool
    legal_basis_vi: str
    legal_basis_en: str
    line: int = 0
    valid_from: date | datetime | None = None
    valid_until: date | datetime | None = None

    def in_force(self, moment: datetime) -> bool:
        """Whether the entry is in force at ``moment`` (naive Vietnam local time)."""
        start, end = start_bound(self.valid_from), end_bound(self.valid_until)
        return (start is None or moment >= start) and (end is None or moment < end)

    def meets(self, other: Parameter) -> bool:
        """Whether two entries of one name could both be in force at some moment."""
        a_start, a_end = start_bound(self.valid_from), end_bound(self.valid_until)
        b_start, b_end = start_bound(other.valid_from), end_bound(other.valid_until)
        if a_end is not None and b_start is not None and a_end <= b_start:
            return False
        return not (b_end is not None and a_start is not None and b_end <= a_start)


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """A parameter's value for one reception, with the policy that gave it (for records and pages)."""

    name: str
    value: int | bool
    policy_id: str
    policy_version: int
    legal_basis_vi: str
    legal_basis_en: str


@dataclass(frozen=True, slots=True)
class ReceptionParameters:
    """The parameters in force for one reception (``None``: undefined, see :data:`SPECS`)."""

    values: dict[str, ParameterValue]

    def get(self, name: str) -> ParameterValue | None:
        if name not in SPECS:
            raise KeyError(name)
        return self.values.get(name)

    def value(self, name: str) -> int | bool | None:
        found = self.get(name)
        return None if found is None else found.value

    @property
    def receipt_notice_minutes(self) -> int | None:
        return self.value("receipt_notice_minutes")  # type: ignore[return-value]

    @property
    def supplement_request_working_hours(self) -> int | None:
        return self.value("supplement_request_working_hours")  # type: ignore[return-value]

    @property
    def reception_any_office(self) -> bool:
        return self.value("reception_any_office") is True
