"""The records sent to the portal, built from a dossier and one of its events with the fields DOMAIN.md §9
lists: ``DongBoHoSoMC`` (the dossier) and ``CapNhatTienDoHoSoMC`` (a step of its progress). Dates are
``yyyyMMddHHmmss`` in Hanoi time; a date-only fact (the due date) is the end of office hours that day.

A record says the dossier *as of its event* (its status is the event's), so a record sent again later
says the same. It is built when sent, not when queued: an office that records its agency code or a
procedure's national code after a refusal for their lack resends the same delivery, and it goes."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone, translation

from hoso.portal.mapping import mapping
from hoso.reference.roles import ROLES
from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.numbering import national_code, office_hours_end
from hoso.workflow.states import Status

PORTAL_TIME = "%Y%m%d%H%M%S"
Kind = DossierEvent.Kind


class Incomplete(ValueError):
    """The dossier cannot be named to the portal yet: it lacks its national code or its procedure's."""


def portal_time(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime(PORTAL_TIME) if moment is not None else ""


def portal_day(day: date | None) -> str:
    return datetime.combine(day, office_hours_end()).strftime(PORTAL_TIME) if day is not None else ""


def dossier_code(dossier: Dossier) -> str:
    """The dossier's national code; one received before its office had an agency code gets it now, from
    the same facts (its reception time and sequence), so it reads as if given at reception."""
    if not dossier.national_code:
        code = national_code(dossier.office, dossier.received_at, dossier.sequence)
        if code:
            Dossier.objects.filter(pk=dossier.pk, national_code="").update(national_code=code)
            dossier.national_code = code
    if not dossier.national_code:
        raise Incomplete(
            f"Hồ sơ {dossier.number} chưa có mã hồ sơ quốc gia: cơ quan {dossier.office.name_vi} chưa ghi mã "
            "định danh (QCVN 102) trong danh mục cơ quan."
        )
    if not dossier.procedure.national_code:
        raise Incomplete(
            f"Thủ tục {dossier.procedure.code} chưa ghi mã thủ tục hành chính quốc gia trong danh mục thủ tục."
        )
    return dossier.national_code


def _submitter(dossier: Dossier) -> dict:
    codes = mapping().applicants
    if dossier.unit is not None:
        unit = dossier.unit
        return {"ChuHoSo": unit.name, "LoaiDoiTuong": codes["unit"], "MaDoiTuong": unit.tax_code,
                "Email": unit.email, "SoDienThoai": unit.phone}  # fmt: skip
    commune = dossier.commune
    if commune is None:
        return {"ChuHoSo": "", "LoaiDoiTuong": "", "MaDoiTuong": "", "Email": "", "SoDienThoai": ""}
    return {"ChuHoSo": f"UBND {commune.name_vi}", "LoaiDoiTuong": codes["commune"], "MaDoiTuong": commune.gso_code,
            "Email": commune.email, "SoDienThoai": commune.phone}  # fmt: skip


def _history(dossier: Dossier, event: DossierEvent) -> list[DossierEvent]:
    return list(dossier.events.filter(sequence__lte=event.sequence).order_by("sequence"))


def _supplements(history: list[DossierEvent]) -> list[dict]:
    """DanhSachHoSoBoSung: each supplement asked up to the event, with its answer when it came."""
    states = mapping().supplement
    due = None
    found: list[dict] = []
    for item in history:
        if item.kind == Kind.SUPPLEMENT_REQUESTED:
            found.append({
                "HoSoBoSungId": str(item.sequence),
                "NguoiYeuCauBoSung": _actor_name(item),
                "NoiDungBoSung": item.note,
                "NgayBoSung": portal_time(item.at),
                "NgayTiepNhanBoSung": "",
                "TrangThaiBoSung": states["waiting"],
                "NgayHenTraTruoc": portal_day(due),
                "NgayHenTraMoi": "",
            })  # fmt: skip
        elif item.kind == Kind.SUPPLEMENT_RECEIVED and found and not found[-1]["NgayTiepNhanBoSung"]:
            found[-1]["NgayTiepNhanBoSung"] = portal_time(item.at)
            found[-1]["TrangThaiBoSung"] = states["received"]
            found[-1]["NgayHenTraMoi"] = portal_day(_due(item.data) or due)
        due = _due(item.data) or due
    return found


def _due(data) -> date | None:
    text = (data or {}).get("due_date")
    return date.fromisoformat(text) if text else None


def _due_as_of(history: list[DossierEvent]) -> date | None:
    due = None
    for item in history:
        due = _due(item.data) or due
    return due


def _actor_name(event: DossierEvent) -> str:
    actor = event.actor
    return (actor.get_full_name() or actor.get_username()) if actor is not None else event.actor_label


def _actor_title(event: DossierEvent) -> str:
    if event.actor is None:
        return ""
    names = sorted(event.actor.groups.values_list("name", flat=True))
    return ", ".join(ROLES[name][0] for name in names if name in ROLES)


def dossier_record(dossier: Dossier, event: DossierEvent) -> dict:
    """DongBoHoSoMC's record of ``dossier`` as of ``event``."""
    codes = mapping()
    status = event.to_status or Status.RECEIVED
    history = _history(dossier, event)
    finished = {Status.RESULT_READY, Status.HANDED_OVER, Status.REFUSED}
    end = next((h.at for h in history if h.to_status in finished), None)
    handed = next((h.at for h in history if h.to_status == Status.HANDED_OVER), None)
    procedure = dossier.procedure
    return {
        "MaHoSo": dossier_code(dossier),
        "MaTTHC": procedure.national_code,
        "TenTTHC": procedure.name_vi,
        "MaLinhVuc": codes.domains.get(procedure.domain, ""),
        "TenLinhVuc": _domain_label(procedure),
        **_submitter(dossier),
        "TrichYeuHoSo": f"{procedure.name_vi}" + (f" — kỳ {dossier.period}" if dossier.period else ""),
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_day(_due_as_of(history) or dossier.due_date),
        "TrangThaiHoSo": codes.statuses[status].portal,
        "NgayTra": portal_time(handed),
        "HinhThuc": codes.channels[dossier.channel],
        "NgayKetThucXuLy": portal_time(end),
        "DonViXuLy": dossier.office.name_vi,
        "TaiLieuNop": [],
        "DanhSachLePhi": [],  # social-insurance procedures carry no fee
        "DanhSachTepDinhKemKhac": [],
        "DanhSachGiayToKetQua": [],
        "DanhSachHoSoBoSung": _supplements(history),
    }


def _domain_label(procedure) -> str:
    """The procedure's domain in Vietnamese, whatever the job's language."""
    with translation.override("vi"):
        return str(procedure.get_domain_display())


def progress_record(dossier: Dossier, event: DossierEvent) -> dict:
    """CapNhatTienDoHoSoMC's record of ``event``."""
    status = mapping().statuses[event.to_status or Status.RECEIVED]
    history = _history(dossier, event)
    return {
        "MaHoSo": dossier_code(dossier),
        "NguoiXuLy": _actor_name(event),
        "ChucDanh": _actor_title(event),
        "ThoiDiemXuLy": portal_time(event.at),
        "PhongBanXuLy": dossier.department.name_vi,
        "NoiDungXuLy": event.note or status.progress,
        "TrangThai": status.portal,
        "NgayBatDau": portal_time(event.at),
        "NgayKetThucTheoQuyDinh": portal_day(_due_as_of(history) or dossier.due_date),
    }
