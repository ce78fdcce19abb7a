"""Coded errors of the policy storage."""

from hoso.errors import CodedError


class PolicyVersionImmutable(CodedError):
    """A stored policy version that has decided something cannot change: publish a new version."""


class PolicyStorageError(CodedError):
    """A stored policy that does not match what it claims (id, version, content) or cannot be used."""


class UnknownProcedure(CodedError):
    """No procedure of the catalogue has this code on the reception date."""


class DecisionImmutable(CodedError):
    """A recorded decision is evidence: it is never updated."""
