"""Reception: the one pipeline for every channel, the evidence store, receipts, registrations."""

from hoso.intake import codebook  # noqa: F401 — declares the package's codes (hoso.codes)
