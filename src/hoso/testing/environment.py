"""A pytest plugin loaded with ``-p`` (see pyproject), before pytest-django reads the settings.

It gives the test run its own throw-away data directory, so that tests never touch the developer's
``./var`` (database, keys, blobs).
"""

import os
import tempfile

os.environ.setdefault("HOSO_DATA_DIR", tempfile.mkdtemp(prefix="hoso-test-"))
# The suite's officers log in with their password alone (browser tests as IT, the admin's tests); the
# tests of the two-step log-in (tests/accounts, tests/e2e/test_accounts_*) set HOSO_TWO_FACTOR themselves.
os.environ.setdefault("HOSO_TWO_FACTOR", "optional")
