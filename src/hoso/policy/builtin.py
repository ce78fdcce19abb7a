"""The policy files shipped with the package (``hoso/policy/data/*.toml``)."""

from __future__ import annotations

from collections.abc import Collection
from importlib import resources

from hoso.policy.engine import PolicySet
from hoso.policy.loader import load_policy
from hoso.policy.model import Policy

#: The committed policy files, by file name.
BUILTIN_FILES: tuple[str, ...] = ("164-2025-nd-cp.toml", "2671-bhxh-cntt.toml", "baseline.toml")


def builtin_text(name: str) -> str:
    return resources.files("hoso.policy").joinpath("data", name).read_text(encoding="utf-8")


def builtin_policies(*, known_tags: Collection[str] | None) -> list[Policy]:
    return [load_policy(builtin_text(name), known_tags=known_tags, source=name) for name in BUILTIN_FILES]


def builtin_policy_set(*, known_tags: Collection[str] | None) -> PolicySet:
    """Decree 164/2025 (and 45/2020) over dispatch 2671 over the baseline."""
    return PolicySet(builtin_policies(known_tags=known_tags))
