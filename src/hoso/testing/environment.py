"""A pytest plugin loaded with ``-p`` (see pyproject), before pytest-django reads the settings.

It gives the test run its own throw-away data directory, so that tests never touch the developer's
``./var`` (database, keys, blobs).
"""

import os
import tempfile

os.environ.setdefault("HOSO_DATA_DIR", tempfile.mkdtemp(prefix="hoso-test-"))
