"""Steering the transition from barcodes to signatures: the demo history, migration analytics, notices to
units still on barcodes, dashboards, problem reports to IT and I-VAN monitoring (issue 8)."""
