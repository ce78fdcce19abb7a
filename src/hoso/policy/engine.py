"""Composition of policies and evaluation of facts (pure).

Precedence, in one sentence: the policy of highest ``precedence`` whose scope covers the facts and that
has a matching rule decides, and within it the matching rule of highest ``precedence`` decides. Two
policies of a set never share a precedence, and two rules of one policy that could both match the same
facts never share one either (a load error), so exactly one rule decides. The lowest policy of a set
must be *total* (no scope, and an unconditional rule) so that something always decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from hoso.policy.errors import NoDecisionError, PolicyCompositionError
from hoso.policy.facts import VN_TZ, Decision, Facts
from hoso.policy.model import Policy, Rule
from hoso.policy.parameters import SPECS, ParameterValue, ReceptionParameters


@dataclass(frozen=True, slots=True)
class Match:
    policy: Policy
    rule: Rule


@dataclass(frozen=True, slots=True)
class RuleInForce:
    """One line of ``hoso policy show``."""

    policy: Policy
    rule: Rule


class PolicySet:
    """Several policies composed by precedence (highest first)."""

    def __init__(self, policies: Iterable[Policy], *, require_total: bool = True) -> None:
        ordered = sorted(policies, key=lambda p: -p.precedence)
        if not ordered:
            raise PolicyCompositionError(
                "POLICY_SET_EMPTY", "Chưa có chính sách nào được áp dụng.", "No policy is in force."
            )
        ids: set[str] = set()
        for previous, policy in zip([None, *ordered], ordered, strict=False):
            if policy.id in ids:
                raise PolicyCompositionError(
                    "POLICY_SET_DUPLICATE",
                    f"Chính sách “{policy.id}” xuất hiện hai lần trong cùng một tập.",
                    f"Policy “{policy.id}” appears twice in one set.",
                )
            ids.add(policy.id)
            if previous is not None and previous.precedence == policy.precedence:
                raise PolicyCompositionError(
                    "POLICY_SET_EQUAL_PRECEDENCE",
                    f"Hai chính sách “{previous.id}” và “{policy.id}” có cùng độ ưu tiên "
                    f"{policy.precedence}.",
                    f"Policies “{previous.id}” and “{policy.id}” have the same precedence "
                    f"{policy.precedence}.",
                )
        if require_total and not ordered[-1].is_total:
            raise PolicyCompositionError(
                "POLICY_SET_NOT_TOTAL",
                f"Chính sách thấp nhất “{ordered[-1].id}” phải là chính sách nền: không giới hạn phạm vi "
                "và có một quy tắc không điều kiện.",
                f"The lowest policy “{ordered[-1].id}” must be a baseline: unscoped, with an "
                "unconditional rule.",
            )
        self.policies: tuple[Policy, ...] = tuple(ordered)
        self.identity: tuple[tuple[str, int], ...] = tuple((p.id, p.version) for p in ordered)

    def replacing(self, draft: Policy) -> PolicySet:
        """This set with ``draft`` in place of the policy of the same id (or added if the id is new)."""
        return PolicySet([p for p in self.policies if p.id != draft.id] + [draft])

    def matches(self, facts: Facts) -> list[Match]:
        """Every matching rule of every policy, in deciding order (the first one decides)."""
        return [Match(policy, rule) for policy in self.policies for rule in policy.matching_rules(facts)]

    def deciding(self, facts: Facts) -> Match:
        for policy in self.policies:
            if not policy.applies_to(facts):
                continue
            for rule in policy.rules:
                if rule.matches(facts):
                    return Match(policy, rule)
        raise NoDecisionError(
            "POLICY_NO_DECISION",
            "Không có quy tắc nào quyết định hồ sơ này: thiếu chính sách nền.",
            "No rule decides these facts: a baseline policy is missing.",
        )

    def evaluate(self, facts: Facts) -> Decision:
        match = self.deciding(facts)
        rule, policy = match.rule, match.policy
        return Decision(
            outcome=rule.effect,
            rule_id=rule.id,
            policy_id=policy.id,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
            message_vi=rule.message_vi,
            message_en=rule.message_en,
            legal_basis_vi=rule.legal_basis_vi,
            legal_basis_en=rule.legal_basis_en,
            advice_vi=rule.advice_vi,
            advice_en=rule.advice_en,
            policy_set=self.identity,
        )

    def parameters(self, office_code: str, received_at: datetime) -> ReceptionParameters:
        """The parameters in force for a reception by ``office_code`` at ``received_at`` (aware, or
        naive Vietnam time): each from the highest policy whose scope covers it and that sets it then."""
        moment = received_at.astimezone(VN_TZ).replace(tzinfo=None) if received_at.tzinfo else received_at
        values: dict[str, ParameterValue] = {}
        for name in SPECS:
            for policy in self.policies:
                if not policy.covers(office_code, moment):
                    continue
                entry = policy.parameter(name, moment)
                if entry is not None:
                    values[name] = ParameterValue(
                        name,
                        entry.value,
                        policy.id,
                        policy.version,
                        entry.legal_basis_vi,
                        entry.legal_basis_en,
                    )
                    break
        return ReceptionParameters(values)

    def rules_in_force(self, day: date) -> list[RuleInForce]:
        """The rules in force on ``day`` (at any time of it), in deciding order."""
        return [
            RuleInForce(policy, rule)
            for policy in self.policies
            if policy.in_force_on(day)
            for rule in policy.rules
            if rule.in_force_on(day)
        ]


def evaluate(facts: Facts, policies: PolicySet | Iterable[Policy]) -> Decision:
    """Decide ``facts`` under a policy set (or policies to compose)."""
    policy_set = policies if isinstance(policies, PolicySet) else PolicySet(policies)
    return policy_set.evaluate(facts)
