"""Server-side steps of the cluster harness, run in one machine's environment (its env file):
``python -m tests.cluster.site STEP JSON``; prints one JSON line.

- ``setup``: the demo's officers and units, the test PKI's units with their certificates registered, an
  API key for each I-VAN; the revocation job's first run (the CRLs in the database) and its schedule
  moved a day on, so that the job runs only when a test makes it due.
- ``due``: makes a job due now (its schedule's next run); the job workers take it at their next look.
- ``runs``: the runs the job worker recorded for a job (django-q2's tasks), successes and failures.
- ``evidence``: the SHA-256 of each stored blob named (read back from the evidence store).
- ``dossiers``: office, number and evidence SHA-256 of every dossier.
- ``sessions``: the statement timeout of several pooled server sessions at once.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

# The test PKI's units the cluster registers: entity -> (unit code, office).
UNITS = {"unit-valid": ("HB00001", "00105"), "unit-revoked": ("PT00001", "00101")}


def setup(argument: dict) -> dict:
    from cryptography import x509
    from django.utils import timezone
    from django_q.models import Schedule

    from hoso.api.models import IvanKey
    from hoso.intake import revocation
    from hoso.reference.demo import DEMO_PASSWORD, load_demo_data
    from hoso.reference.models import IvanProvider, Unit
    from hoso.reference.registrations import register_certificate

    load_demo_data()
    pki = argument["pki"]
    manifest = json.loads(open(f"{pki}/pki.json", encoding="utf-8").read())
    units = {}
    for entity, (code, office) in UNITS.items():
        info = manifest["entities"][entity]
        cert = x509.load_pem_x509_certificate(open(f"{pki}/{info['certificate']}", "rb").read())
        unit, _ = Unit.objects.update_or_create(
            code=code,
            defaults={"tax_code": info["tax_code"], "name": f"Đơn vị {entity}", "office_id": office},
        )
        # Recorded by the office (no I-VAN named): every I-VAN of the cluster test may carry its dossiers.
        register_certificate(
            cert, since=cert.not_valid_before_utc, unit=unit, ivan=None, source="cluster test"
        )
        units[entity] = {
            "code": code,
            "tax_code": info["tax_code"],
            "office": office,
            "p12": f"{pki}/{info['p12']}",
        }
    keys = {}
    for ivan in IvanProvider.objects.order_by("code")[: argument.get("ivans", 10)]:
        keys[ivan.code] = IvanKey.issue(ivan, label="cluster test")[1]
    report = revocation.refresh()
    Schedule.objects.filter(name="hoso:revocation").update(next_run=timezone.now() + timedelta(days=1))
    return {
        "units": units,
        "keys": keys,
        "password": manifest["password"],
        "officer": {"username": "motcua.badinh", "password": DEMO_PASSWORD},
        "crls_installed": len(report.installed),
        "crls_failed": report.failed,
    }


def due(argument: dict) -> dict:
    from django.utils import timezone
    from django_q.models import Schedule

    at = timezone.now()
    Schedule.objects.filter(name=argument["job"]).update(next_run=at)
    return {"at": at.isoformat()}


def runs(argument: dict) -> dict:
    from datetime import datetime

    from django_q.models import Task

    since = datetime.fromisoformat(argument["since"])
    tasks = Task.objects.filter(name__startswith=argument["job"], started__gte=since).order_by("started")
    if not tasks.exists():  # django-q2 names a scheduled task by its schedule's name, or its func
        tasks = Task.objects.filter(func=argument["func"], started__gte=since).order_by("started")
    return {
        "runs": [
            {"success": t.success, "started": t.started.isoformat(), "result": str(t.result)[:300]}
            for t in tasks
        ]
    }


def evidence(argument: dict) -> dict:
    import hashlib

    from hoso.intake.blobstore import blob_store

    store, found = blob_store(), {}
    for digest in argument["sha256"]:
        try:
            found[digest] = hashlib.sha256(store.get(digest)).hexdigest()
        except Exception as exc:  # noqa: BLE001 — a missing or unreadable blob is what is looked for
            found[digest] = f"error: {exc}"
    return {"found": found}


def dossiers(_argument: dict) -> dict:
    from hoso.intake.models import Submission

    rows = Submission.objects.filter(dossier__isnull=False).values_list(
        "dossier__office_id", "dossier__year", "dossier__sequence", "sha256"
    )
    return {"dossiers": [list(row) for row in rows]}


def sessions(argument: dict) -> dict:
    """``statement_timeout`` as each of ``count`` server sessions of the pool has it: that many
    transactions held open at once through PgBouncer each get a session of their own."""
    import os

    import psycopg

    connections = [psycopg.connect(os.environ["DATABASE_URL"]) for _ in range(argument["count"])]
    try:
        found = []
        for connection in connections:  # each in a transaction, kept open: its own server session
            found.append(connection.execute("SHOW statement_timeout").fetchone()[0])
        pids = {connection.execute("SELECT pg_backend_pid()").fetchone()[0] for connection in connections}
        return {"statement_timeout": found, "sessions": len(pids)}
    finally:
        for connection in connections:
            connection.close()


def ocsp(_argument: dict) -> dict:
    """The OCSP answers the revocation job stored, by the unit code of the certificate they are about."""
    from hoso.intake.models import FetchedOcsp
    from hoso.reference.models import CertificateRegistration

    units = dict(CertificateRegistration.objects.values_list("fingerprint_sha256", "unit__code"))
    return {"answers": {units.get(a.cert_sha256, a.cert_sha256): a.status for a in FetchedOcsp.objects.all()}}


def main(argv: list[str]) -> int:
    from hoso import django_setup

    django_setup()
    steps = {
        "setup": setup,
        "due": due,
        "runs": runs,
        "evidence": evidence,
        "dossiers": dossiers,
        "sessions": sessions,
        "ocsp": ocsp,
    }
    step = steps[argv[0]]
    print(json.dumps(step(json.loads(argv[1]) if len(argv) > 1 else {}), ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
