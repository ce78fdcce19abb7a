"""Server-side steps of the durability tests, run in the gateway's own environment (its data directory,
its database) as ``python -m tests.durability.steps <step>`` with a JSON argument on stdin; each prints
one JSON line. The tests themselves only speak HTTP to a real `hoso serve`, like the desk and I-VANs."""

from __future__ import annotations

import hashlib
import json
import sys

PASSWORD = "Kiem-thu-sap-do-2026"  # noqa: S105 — throw-away officers of a throw-away database


def _officer(username: str, role: str, office: str, department: str | None):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from hoso.reference.models import Officer

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    Officer.objects.update_or_create(user=user, defaults={"office_id": office, "department_id": department})
    return user


def desk_setup(arg: dict) -> dict:
    """The demo communes and units, and ``officers`` desk officers of the given offices."""
    from hoso.reference.demo import load_demo_data

    load_demo_data()
    names = []
    for i, office in enumerate(arg["offices"]):
        names.append(f"kiemthu.motcua.{i}")
        _officer(names[-1], "desk_officer", office, "mot_cua")
    return {"officers": names, "password": PASSWORD}


def desk_check(arg: dict) -> dict:
    """What officers were answered, against the database: ``answers`` maps a submission id to the
    envelope's SHA-256, the expected outcome and the dossier number the officer saw (or "")."""
    from django.db.models import Count

    from hoso.intake.models import Submission

    wrong = []
    for public_id, expected in arg["answers"].items():
        s = Submission.objects.select_related("dossier").filter(public_id=public_id).first()
        if s is None:
            wrong.append(f"{public_id}: no submission")
            continue
        number = s.dossier.number if s.dossier else ""
        got = (s.sha256, s.outcome, s.channel, bool(s.receipt_sha256))
        if got != (expected["sha256"], expected["outcome"], "barcode", True) or (
            expected["number"] and expected["number"] != number
        ):
            wrong.append(f"{public_id}: {got} {number!r} != {expected}")
        if s.outcome == "accepted" and (s.dossier is None or s.dossier.submission != s):
            wrong.append(f"{public_id}: accepted without its own dossier")
    twins = list(
        Submission.objects.values("sha256").annotate(n=Count("id")).filter(n__gt=1).values_list("sha256", "n")
    )
    return {
        "wrong": wrong,
        "twins": twins,  # the same envelope received twice
        "by_outcome": dict(Submission.objects.values_list("outcome").annotate(n=Count("id"))),
        "by_sha256": {s: o for s, o in Submission.objects.values_list("sha256", "outcome")},
    }


def request_supplements(arg: dict) -> dict:
    """An officer of the collection department takes every received dossier and asks for a supplement,
    through the workflow's services."""
    from hoso.workflow.models import Dossier
    from hoso.workflow.services import request_supplement, transition

    officer = _officer("kiemthu.thu", "department_officer", arg["office"], "thu")
    label = f"Cán bộ {officer.get_username()}"
    ids = []
    for dossier in Dossier.objects.filter(status="received").select_related("submission").order_by("id"):
        transition(dossier, "in_process", actor=officer, actor_label=label)
        request_supplement(
            dossier, actor=officer, actor_label=label, note="Bổ sung tờ khai TK1-TS của người lao động mới."
        )
        ids.append(str(dossier.submission.public_id))
    return {"submissions": ids}


def supplement_check(arg: dict) -> dict:
    """Every dossier's supplement events against its status, and the acknowledged supplements
    (``acknowledged`` maps a submission id to the supplement's SHA-256) against what is stored."""
    from hoso.intake.blobstore import blob_store
    from hoso.workflow.models import Dossier, DossierEvent
    from hoso.workflow.states import Status

    store = blob_store()
    wrong, received, waiting = [], {}, []
    dossiers = Dossier.objects.select_related("submission").prefetch_related("events")
    for dossier in dossiers:
        sid = str(dossier.submission.public_id)
        events = sorted(dossier.events.all(), key=lambda e: e.sequence)
        kinds = [e.kind for e in events]
        supplements = [e for e in events if e.kind == DossierEvent.Kind.SUPPLEMENT_RECEIVED]
        if events[-1].to_status != dossier.status:
            wrong.append(f"{dossier.number}: status {dossier.status}, last event to {events[-1].to_status}")
        if (dossier.clock_stopped_at is None) != (dossier.status != Status.SUPPLEMENT_REQUESTED):
            wrong.append(
                f"{dossier.number}: status {dossier.status}, clock stopped {dossier.clock_stopped_at}"
            )
        if len(supplements) > 1:
            wrong.append(f"{dossier.number}: {len(supplements)} supplements for one request")
        expected = ["received", "status", "supplement_requested"] + ["supplement_received"] * len(supplements)
        if kinds != expected:
            wrong.append(f"{dossier.number}: events {kinds}")
        for event in supplements:
            digest = event.data.get("sha256", "")
            try:
                kept = store.get(digest)
            except Exception:  # noqa: BLE001 — a missing or unreadable blob is what we look for
                kept = None
            if (
                kept is None
                or hashlib.sha256(kept).hexdigest() != digest
                or len(kept) != event.data.get("size")
            ):
                wrong.append(f"{dossier.number}: the supplement's bytes {digest} are missing or altered")
            received[sid] = digest
        if dossier.status == Status.SUPPLEMENT_REQUESTED:
            waiting.append(sid)
    for sid, digest in arg.get("acknowledged", {}).items():
        if received.get(sid) != digest:
            wrong.append(f"{sid}: acknowledged supplement {digest} stored as {received.get(sid)}")
    return {"wrong": wrong, "received": received, "waiting": waiting}


STEPS = {
    "desk-setup": desk_setup,
    "desk-check": desk_check,
    "request-supplements": request_supplements,
    "supplement-check": supplement_check,
}


def main(argv: list[str]) -> int:
    from hoso import django_setup

    django_setup()
    arg = json.loads(sys.stdin.read() or "{}")
    print(json.dumps(STEPS[argv[0]](arg), ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
