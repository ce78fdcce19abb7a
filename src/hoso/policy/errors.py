"""Coded errors of the policy package (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hoso.errors import CodedError


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """One problem found while loading a policy file, at a line (1-based) of that file."""

    line: int
    code: str
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.code}: {self.message_en}"

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "code": self.code,
            "message": self.message_vi,
            "message_en": self.message_en,
        }


class PolicyLoadError(CodedError):
    """A policy file that cannot be used: every problem found, each with its line number."""

    def __init__(self, issues: Sequence[LoadIssue], source: str = "") -> None:
        issues = sorted(issues, key=lambda i: (i.line, i.code))
        self.issues: tuple[LoadIssue, ...] = tuple(issues)
        self.source = source
        where = f"{source}:" if source else "dòng "
        where_en = f"{source}:" if source else "line "
        first = issues[0]
        more_vi = f" (và {len(issues) - 1} lỗi khác)" if len(issues) > 1 else ""
        more_en = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(
            "POLICY_INVALID",
            f"Tệp chính sách không hợp lệ — {where}{first.line}: {first.message_vi}{more_vi}",
            f"Invalid policy file — {where_en}{first.line}: {first.message_en}{more_en}",
            issues=[i.as_dict() for i in issues],
        )

    def report(self, language: str = "vi") -> str:
        """One line per problem, ``source:line: CODE: message``."""
        prefix = f"{self.source}:" if self.source else ""
        return "\n".join(
            f"{prefix}{i.line}: {i.code}: {i.message_en if language.startswith('en') else i.message_vi}"
            for i in self.issues
        )


class PolicyCompositionError(CodedError):
    """Policies that cannot be composed into one set (equal precedence, duplicate ids, no default)."""


class NoDecisionError(CodedError):
    """No rule of the set decides the facts: the set is not total (a baseline is missing)."""
