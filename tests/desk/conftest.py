"""Desk tests reuse the workflow fixtures: test PKI, trusted gateway, officers of two offices."""

from tests.intake.conftest import pki, signers, trusted, unit  # noqa: F401 — fixtures
from tests.workflow.conftest import clock, fast_passwords, officers, under6  # noqa: F401 — fixtures
