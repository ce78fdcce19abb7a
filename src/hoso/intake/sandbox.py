"""The integrator's sandbox (`hoso sandbox`): a test world against `make demo` in which every step of
docs/ivan-guide.md runs as written.

- The demo's test PKI (``DATA_DIR/pki``, password ``hoso-demo``): a root and an issuing CA the gateway
  trusts, ``unit-valid.p12`` for the test unit HB00001 (office 00105) and ``commune.p12`` for the test
  commune 00382 (office 00110), their certificates registered through I-VAN 00030
  (:mod:`hoso.intake.demo`). An integrator using a CA of its own has the office trust it instead
  (`hoso trust add`, documented in the guide).
- Officers at the test submitters' offices — a desk officer, an officer of every department a procedure
  names, the office head — so that a dossier can be taken, asked for a supplement and settled.
- Scripted events for the test submitters' dossiers: a supplement request, a result. The sandbox acts as
  those officers, through the same workflow actions the desk's pages call; it touches no dossier of any
  other submitter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model

from hoso.errors import CodedError
from hoso.intake.demo import DEMO_COMMUNE, DEMO_UNIT, prepare_demo_signing
from hoso.reference.demo import DEMO_PASSWORD
from hoso.reference.models import Commune, Department, Officer, Procedure
from hoso.reference.roles import ensure_roles
from hoso.workflow import actions
from hoso.workflow.access import DEPARTMENT, DESK, HEAD, actor_for
from hoso.workflow.models import Dossier
from hoso.workflow.results import Document
from hoso.workflow.states import Status

DESK_DEPARTMENT = "mot_cua"
FAMILY_NAME = "Thử nghiệm"  # the officers' family name: every paper they appear on says it is the sandbox


class SandboxError(CodedError):
    pass


@dataclass(frozen=True)
class SandboxOfficer:
    username: str
    role: str
    office: str
    department: str | None


@dataclass(frozen=True)
class SandboxWorld:
    pki_dir: Path
    unit: tuple[str, str, str, str]  # code, tax code, name, office
    unit_p12: Path
    commune: str
    commune_p12: Path
    officers: list[SandboxOfficer]
    password: str = DEMO_PASSWORD


def offices() -> list[str]:
    """The offices of the sandbox's submitters: the test unit's and the test commune's."""
    found = [DEMO_UNIT[3]]
    commune = Commune.objects.filter(gso_code=DEMO_COMMUNE).values_list("office_id", flat=True).first()
    if commune and commune not in found:
        found.append(commune)
    return found


def officers_needed() -> list[SandboxOfficer]:
    """A desk officer, an officer of each department a procedure names, and the head, at each office."""
    departments = sorted(
        set(Procedure.objects.exclude(department_id=DESK_DEPARTMENT).values_list("department_id", flat=True))
    )
    needed = []
    for office in offices():
        needed.append(SandboxOfficer(f"sandbox.motcua.{office}", DESK, office, DESK_DEPARTMENT))
        needed += [
            SandboxOfficer(f"sandbox.{department}.{office}", DEPARTMENT, office, department)
            for department in departments
        ]
        needed.append(SandboxOfficer(f"sandbox.truong.{office}", HEAD, office, None))
    return needed


def prepare() -> SandboxWorld:
    """Make the sandbox once (the test PKI, trusted; the test submitters registered; the officers); a
    second run changes nothing."""
    signing = prepare_demo_signing()
    groups = ensure_roles()
    users = get_user_model().objects
    needed = officers_needed()
    names = dict(Department.objects.values_list("code", "name_vi"))
    for officer in needed:
        user, created = users.get_or_create(username=officer.username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.last_name = FAMILY_NAME
            user.first_name = names.get(officer.department, "") if officer.department else "Trưởng cơ quan"
            user.save()
        user.groups.add(groups[officer.role])
        Officer.objects.update_or_create(
            user=user, defaults={"office_id": officer.office, "department_id": officer.department}
        )
    return SandboxWorld(
        signing.pki_dir, DEMO_UNIT, signing.unit_p12, DEMO_COMMUNE, signing.commune_p12, needed
    )


def sandbox_dossier(number: str) -> Dossier:
    """The dossier with this number, if it is one of the sandbox's submitters'."""
    dossier = Dossier.objects.select_related("procedure").filter(number=number.strip()).first()
    if dossier is None:
        raise SandboxError(
            "SANDBOX_DOSSIER_UNKNOWN",
            f"Không có hồ sơ số {number}.",
            f"There is no dossier number {number}.",
        )
    if dossier.unit_id != DEMO_UNIT[0] and dossier.commune_id != DEMO_COMMUNE:
        raise SandboxError(
            "SANDBOX_NOT_SANDBOX_DOSSIER",
            f"Hồ sơ {number} không phải của đơn vị thử nghiệm {DEMO_UNIT[0]} hay xã thử nghiệm {DEMO_COMMUNE}.",
            f"Dossier {number} is not one of the test unit {DEMO_UNIT[0]} or the test commune {DEMO_COMMUNE}.",
        )
    return dossier


def _officer_for(dossier: Dossier):
    username = f"sandbox.{dossier.department_id}.{dossier.office_id}"
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise SandboxError(
            "SANDBOX_NOT_PREPARED",
            f"Chưa có cán bộ thử nghiệm {username}: chạy `hoso sandbox init` trước.",
            f"The sandbox officer {username} does not exist: run `hoso sandbox init` first.",
        )
    return actor_for(user)


def _in_process(dossier: Dossier, actor) -> Dossier:
    """Bring the dossier in process as the sandbox's officer: taken when received, resumed when its
    supplement came."""
    if dossier.status == Status.RECEIVED:
        return actions.take(dossier, actor)
    if dossier.status == Status.SUPPLEMENT_RECEIVED:
        return actions.resume(dossier, actor)
    return dossier


def request_supplement(number: str, note: str) -> Dossier:
    """The officer of the dossier's department asks for a supplement (the feed's
    ``supplement_requested``, whose ``note`` is ``note``)."""
    dossier = sandbox_dossier(number)
    actor = _officer_for(dossier)
    return actions.request_supplement(_in_process(dossier, actor), actor, note)


def record_result(number: str, document: Path, note: str = "", card_numbers: dict[int, str] | None = None):
    """The officer of the dossier's department records its result with ``document`` (PDF or XML): the
    feed's ``result`` event, the signed result document at ``/api/v1/dossiers/{id}/result``."""
    dossier = sandbox_dossier(number)
    actor = _officer_for(dossier)
    dossier = _in_process(dossier, actor)
    return actions.record(
        dossier,
        actor,
        documents=[Document(document.name, document.read_bytes())],
        note=note,
        card_numbers=card_numbers,
    )
