"""The I-VAN API (`/api/v1`, django-ninja): dossiers, receipts, the event feed, registrations."""

from hoso.api import codebook  # noqa: F401 — declares the package's codes (hoso.codes)
