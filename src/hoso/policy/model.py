"""Policies and rules as immutable values, with matching and the overlap test (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from hoso.policy.facts import Channel, Facts, Outcome, SubmitterKind

if TYPE_CHECKING:
    from hoso.policy.parameters import Parameter

#: Half-open interval of naive local datetimes; ``None`` is unbounded on that side.
Bound = datetime | None


def start_bound(value: date | datetime | None) -> Bound:
    """``valid_from`` (inclusive): a date means 00:00 local time of that day."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def end_bound(value: date | datetime | None) -> Bound:
    """``valid_until`` (inclusive) as an exclusive end: a date covers its whole day."""
    if value is None:
        return None
    try:
        if isinstance(value, datetime):
            return value + timedelta(microseconds=1)
        return datetime(value.year, value.month, value.day) + timedelta(days=1)
    except OverflowError:  # the last representable day: no end
        return None


def _intervals_meet(a_start: Bound, a_end: Bound, b_start: Bound, b_end: Bound) -> bool:
    if a_end is not None and b_start is not None and a_end <= b_start:
        return False
    return not (b_end is not None and a_start is not None and b_end <= a_start)


def _sets_meet(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    return a is None or b is None or bool(a & b)


@dataclass(frozen=True, slots=True)
class Rule:
    """One dated rule. A condition left out (``None``) matches every value."""

    id: str
    effect: Outcome
    precedence: int
    message_vi: str
    message_en: str
    advice_vi: str
    advice_en: str
    legal_basis_vi: str
    legal_basis_en: str
    line: int = 0
    channels: frozenset[Channel] | None = None
    submitters: frozenset[SubmitterKind] | None = None
    certificate: bool | None = None
    offices: frozenset[str] | None = None
    procedures: frozenset[str] | None = None
    tags_all: frozenset[str] = frozenset()
    tags_any: frozenset[str] = frozenset()
    tags_none: frozenset[str] = frozenset()
    valid_from: date | datetime | None = None
    valid_until: date | datetime | None = None

    @property
    def start(self) -> Bound:
        return start_bound(self.valid_from)

    @property
    def end(self) -> Bound:
        return end_bound(self.valid_until)

    def in_force(self, moment: datetime) -> bool:
        start, end = self.start, self.end
        return (start is None or moment >= start) and (end is None or moment < end)

    def in_force_on(self, day: date) -> bool:
        """True when the rule is in force at some time of ``day``."""
        return _intervals_meet(self.start, self.end, start_bound(day), end_bound(day))

    def matches(self, facts: Facts) -> bool:
        if self.channels is not None and facts.channel not in self.channels:
            return False
        if self.submitters is not None and facts.submitter_kind not in self.submitters:
            return False
        if self.certificate is not None and facts.has_certificate is not self.certificate:
            return False
        if self.offices is not None and facts.office_code not in self.offices:
            return False
        if self.procedures is not None and facts.procedure_code not in self.procedures:
            return False
        tags = facts.procedure_tags
        if self.tags_all and not self.tags_all <= tags:
            return False
        if self.tags_any and not self.tags_any & tags:
            return False
        if self.tags_none and self.tags_none & tags:
            return False
        return self.in_force(facts.local_received_at)

    @property
    def unconditional(self) -> bool:
        """Whether the rule matches every fact set (no condition and no period)."""
        return (
            self.channels is None
            and self.submitters is None
            and self.certificate is None
            and self.offices is None
            and self.procedures is None
            and not (self.tags_all or self.tags_any or self.tags_none)
            and self.valid_from is None
            and self.valid_until is None
        )

    def could_overlap(self, other: Rule) -> bool:
        """Whether some facts could be matched by both rules (conservative: true unless provably not)."""
        if not (_sets_meet(self.channels, other.channels) and _sets_meet(self.submitters, other.submitters)):
            return False
        if self.certificate is not None and other.certificate is not None:
            if self.certificate is not other.certificate:
                return False
        if not (_sets_meet(self.offices, other.offices) and _sets_meet(self.procedures, other.procedures)):
            return False
        required = self.tags_all | other.tags_all
        forbidden = self.tags_none | other.tags_none
        if required & forbidden:
            return False
        for any_of in (self.tags_any, other.tags_any):
            if any_of and any_of <= forbidden:
                return False
        return _intervals_meet(self.start, self.end, other.start, other.end)

    def conditions_text(self) -> str:
        """The conditions as one short English line (for tables and reports)."""
        parts: list[str] = []
        if self.channels is not None:
            parts.append("channel=" + "|".join(sorted(self.channels)))
        if self.submitters is not None:
            parts.append("submitter=" + "|".join(sorted(self.submitters)))
        if self.certificate is not None:
            parts.append("certificate=" + ("yes" if self.certificate else "no"))
        if self.offices is not None:
            parts.append(
                f"offices={len(self.offices)}"
                if len(self.offices) > 3
                else "offices=" + "|".join(sorted(self.offices))
            )
        if self.procedures is not None:
            parts.append("procedure=" + "|".join(sorted(self.procedures)))
        if self.tags_all:
            parts.append("tags all " + "+".join(sorted(self.tags_all)))
        if self.tags_any:
            parts.append("tags any " + "|".join(sorted(self.tags_any)))
        if self.tags_none:
            parts.append("tags none " + "|".join(sorted(self.tags_none)))
        return ", ".join(parts) or "(always)"


@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded policy file: its identity, scope and rules (highest precedence first)."""

    id: str
    version: int
    precedence: int
    title_vi: str
    title_en: str
    legal_basis_vi: str
    legal_basis_en: str
    sha256: str
    text: str
    rules: tuple[Rule, ...]
    issued: date | None = None
    offices: frozenset[str] | None = None
    valid_from: date | datetime | None = None
    valid_until: date | datetime | None = None
    source: str = ""
    parameters: tuple[Parameter, ...] = ()

    def applies_to(self, facts: Facts) -> bool:
        """Whether the facts are in the policy's scope (offices and period)."""
        return self.covers(facts.office_code, facts.local_received_at)

    def covers(self, office_code: str, moment: datetime) -> bool:
        """Whether a reception by ``office_code`` at ``moment`` (naive local time) is in the scope."""
        if self.offices is not None and office_code not in self.offices:
            return False
        start, end = start_bound(self.valid_from), end_bound(self.valid_until)
        return (start is None or moment >= start) and (end is None or moment < end)

    def parameter(self, name: str, moment: datetime) -> Parameter | None:
        """This policy's entry for ``name`` in force at ``moment`` (naive local time), if any."""
        for entry in self.parameters:
            if entry.name == name and entry.in_force(moment):
                return entry
        return None

    def matching_rules(self, facts: Facts) -> list[Rule]:
        """Every rule that matches, highest precedence first; empty outside the scope."""
        if not self.applies_to(facts):
            return []
        return [rule for rule in self.rules if rule.matches(facts)]

    def in_force_on(self, day: date) -> bool:
        return _intervals_meet(
            start_bound(self.valid_from), end_bound(self.valid_until), start_bound(day), end_bound(day)
        )

    @property
    def is_total(self) -> bool:
        """Whether the policy decides every fact set: unscoped, with a rule that has no condition."""
        if self.offices is not None or self.valid_from is not None or self.valid_until is not None:
            return False
        return any(rule.unconditional for rule in self.rules)
