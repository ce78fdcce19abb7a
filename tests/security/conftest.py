from tests.intake.conftest import pki, signers, trusted, unit  # noqa: F401 — the reception fixtures
