"""Channel-acceptance policy: dated, versioned rules as data; evaluation with reasons; what-if replay.

Pure: no Django. Storage of policy versions and of every decision is the ``hoso.policies`` app.
"""

from hoso.policy import codebook  # noqa: F401 — declares the package's codes (hoso.codes)
from hoso.policy.builtin import BUILTIN_FILES, builtin_policies, builtin_policy_set, builtin_text
from hoso.policy.engine import Match, PolicySet, evaluate
from hoso.policy.errors import LoadIssue, NoDecisionError, PolicyCompositionError, PolicyLoadError
from hoso.policy.facts import VN_TZ, Channel, Decision, Facts, FactsError, Outcome, SubmitterKind
from hoso.policy.loader import load_policy
from hoso.policy.model import Policy, Rule

__all__ = [
    "BUILTIN_FILES",
    "VN_TZ",
    "Channel",
    "Decision",
    "Facts",
    "FactsError",
    "LoadIssue",
    "Match",
    "NoDecisionError",
    "Outcome",
    "Policy",
    "PolicyCompositionError",
    "PolicyLoadError",
    "PolicySet",
    "Rule",
    "SubmitterKind",
    "builtin_policies",
    "builtin_policy_set",
    "builtin_text",
    "evaluate",
    "load_policy",
]
