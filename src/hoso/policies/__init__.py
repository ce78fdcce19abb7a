"""Storage of channel policies and of every channel decision (Django app ``hoso.policies``).

The rules themselves and their evaluation are the pure package :mod:`hoso.policy`; the API for the
intake pipeline is :mod:`hoso.policies.services`.
"""
