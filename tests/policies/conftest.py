from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """Compiled policy sets are cached by version and hash; start each test without them."""
    from hoso.policies.services import forget_compiled_policies

    forget_compiled_policies()
    yield
    forget_compiled_policies()
