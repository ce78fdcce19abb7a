"""Helpers for the project's test suite (kept in the package so that pytest can load them early)."""
