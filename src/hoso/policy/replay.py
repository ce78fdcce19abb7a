"""What-if replay: re-decide stored decisions under a draft policy set and report what would change.

Pure: the caller (``hoso.policies``) reads the stored decisions and hands them in as
:class:`PastDecision` values; this module decides them again and tallies the changes by office,
procedure and submitter, with the list of affected submitters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from hoso.policy.engine import PolicySet
from hoso.policy.facts import Decision, Facts, Outcome


@dataclass(frozen=True, slots=True)
class PastDecision:
    """A decision as it was stored: the facts, and what was decided under which policy version."""

    key: str
    facts: Facts
    outcome: Outcome
    rule_id: str
    policy_id: str
    policy_version: int


@dataclass(frozen=True, slots=True)
class Change:
    past: PastDecision
    new: Decision

    @property
    def newly_refused(self) -> bool:
        return self.past.outcome is Outcome.ACCEPT and self.new.outcome is Outcome.REFUSE


@dataclass(slots=True)
class Tally:
    changed: int = 0
    newly_refused: int = 0
    newly_accepted: int = 0

    def add(self, change: Change) -> None:
        self.changed += 1
        if change.newly_refused:
            self.newly_refused += 1
        else:
            self.newly_accepted += 1


@dataclass(slots=True)
class ReplayReport:
    """Which decisions of a period would change under the draft set, and whom it would affect."""

    policy_set: tuple[tuple[str, int], ...]
    date_from: date | None = None
    date_to: date | None = None
    total: int = 0
    #: Decisions whose outcome would change (accept → refuse or refuse → accept).
    changes: list[Change] = field(default_factory=list)
    #: Decisions with the same outcome but another deciding rule (the message or advice would differ).
    rule_changes: int = 0
    overall: Tally = field(default_factory=Tally)
    by_office: dict[str, Tally] = field(default_factory=dict)
    by_procedure: dict[str, Tally] = field(default_factory=dict)
    #: Keyed by (submitter kind, submitter code): the affected submitters.
    by_submitter: dict[tuple[str, str], Tally] = field(default_factory=dict)

    def record(self, change: Change) -> None:
        facts = change.past.facts
        self.changes.append(change)
        self.overall.add(change)
        self.by_office.setdefault(facts.office_code, Tally()).add(change)
        self.by_procedure.setdefault(facts.procedure_code, Tally()).add(change)
        self.by_submitter.setdefault((facts.submitter_kind.value, facts.submitter_code), Tally()).add(change)

    @property
    def affected_submitters(self) -> list[tuple[str, str]]:
        """(kind, code) of every submitter with at least one changed decision, most affected first."""
        return [key for key, _ in _ordered(self.by_submitter)]

    # --- output -----------------------------------------------------------------------------------

    CSV_HEADER = ("section", "key", "submitter_kind", "changed", "newly_refused", "newly_accepted")

    def to_csv(self) -> str:
        """One CSV: a ``total`` row, then rows by office, by procedure and by submitter."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.CSV_HEADER)
        writer.writerow(("total", self.total, "", *_counts(self.overall)))
        for office, tally in _ordered(self.by_office):
            writer.writerow(("office", office, "", *_counts(tally)))
        for procedure, tally in _ordered(self.by_procedure):
            writer.writerow(("procedure", procedure, "", *_counts(tally)))
        for (kind, code), tally in _ordered(self.by_submitter):
            writer.writerow(("submitter", code, kind, *_counts(tally)))
        return out.getvalue()

    DETAIL_HEADER = (
        "decision",
        "received_at",
        "office",
        "procedure",
        "submitter",
        "submitter_kind",
        "channel",
        "certificate",
        "old_outcome",
        "old_rule",
        "old_policy",
        "new_outcome",
        "new_rule",
        "new_policy",
    )

    def to_details_csv(self) -> str:
        """One CSV row per changed decision."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.DETAIL_HEADER)
        for change in self.changes:
            past, facts, new = change.past, change.past.facts, change.new
            writer.writerow(
                (
                    past.key,
                    facts.local_received_at.isoformat(sep=" "),
                    facts.office_code,
                    facts.procedure_code,
                    facts.submitter_code,
                    facts.submitter_kind.value,
                    facts.channel.value,
                    "yes" if facts.has_certificate else "no",
                    past.outcome.value,
                    past.rule_id,
                    f"{past.policy_id}@{past.policy_version}",
                    new.outcome.value,
                    new.rule_id,
                    f"{new.policy_id}@{new.policy_version}",
                )
            )
        return out.getvalue()

    def to_text(self, *, limit: int = 50) -> str:
        policies = ", ".join(f"{pid} v{ver}" for pid, ver in self.policy_set)
        period = f"{self.date_from or '…'} → {self.date_to or '…'}"
        lines = [
            f"Mô phỏng chính sách (what-if replay): {policies}",
            f"Kỳ (period): {period}",
            f"Quyết định đã xét (decisions replayed): {self.total}",
            f"Thay đổi kết quả (outcome changes): {self.overall.changed} — "
            f"thêm từ chối (newly refused) {self.overall.newly_refused}, "
            f"thêm tiếp nhận (newly accepted) {self.overall.newly_accepted}",
            f"Cùng kết quả, khác quy tắc (same outcome, other rule): {self.rule_changes}",
        ]
        for title, rows in (
            ("Theo cơ quan (by office)", [(k, t) for k, t in _ordered(self.by_office)]),
            ("Theo thủ tục (by procedure)", [(k, t) for k, t in _ordered(self.by_procedure)]),
            (
                "Đối tượng bị ảnh hưởng (affected submitters)",
                [(f"{code or '—'} ({kind})", t) for (kind, code), t in _ordered(self.by_submitter)],
            ),
        ):
            if not rows:
                continue
            lines.append("")
            lines.append(f"{title}: {len(rows)}")
            lines.append(f"  {'':<24} {'changed':>8} {'refused+':>9} {'accepted+':>10}")
            for key, tally in rows[:limit]:
                lines.append(
                    f"  {key:<24} {tally.changed:>8} {tally.newly_refused:>9} {tally.newly_accepted:>10}"
                )
            if len(rows) > limit:
                lines.append(f"  … {len(rows) - limit} dòng nữa (more rows): dùng --format csv")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, object]:
        def rows(table: dict, label: str) -> list[dict[str, object]]:
            return [{label: key, **_as_dict(tally)} for key, tally in _ordered(table)]

        return {
            "policy_set": [{"policy": pid, "version": ver} for pid, ver in self.policy_set],
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "total": self.total,
            "rule_changes": self.rule_changes,
            **_as_dict(self.overall),
            "by_office": rows(self.by_office, "office"),
            "by_procedure": rows(self.by_procedure, "procedure"),
            "affected_submitters": [
                {"submitter": code, "kind": kind, **_as_dict(tally)}
                for (kind, code), tally in _ordered(self.by_submitter)
            ],
        }


def _ordered(table: dict) -> list[tuple]:
    return sorted(table.items(), key=lambda item: (-item[1].changed, str(item[0])))


def _counts(tally: Tally) -> tuple[int, int, int]:
    return tally.changed, tally.newly_refused, tally.newly_accepted


def _as_dict(tally: Tally) -> dict[str, int]:
    return {
        "changed": tally.changed,
        "newly_refused": tally.newly_refused,
        "newly_accepted": tally.newly_accepted,
    }


def replay(
    past: Iterable[PastDecision],
    policy_set: PolicySet,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ReplayReport:
    """Re-decide every past decision under ``policy_set`` and report the changes."""
    report = ReplayReport(policy_set=policy_set.identity, date_from=date_from, date_to=date_to)
    for item in past:
        report.total += 1
        new = policy_set.evaluate(item.facts)
        if new.outcome is not item.outcome:
            report.record(Change(item, new))
        elif new.rule_id != item.rule_id or new.policy_id != item.policy_id:
            report.rule_changes += 1
    return report
