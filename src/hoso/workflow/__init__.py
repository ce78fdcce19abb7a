"""Dossier workflow: states and transitions, numbering, due dates, supplements, results, audit chain."""

from hoso.workflow import codebook  # noqa: F401 — declares the package's codes (hoso.codes)
