"""The one reception pipeline, for every channel (I-VAN upload, desk scan, desk typing).

    bytes → kept (content-addressed, fsync'd) → parse → verify signatures (electronic) → identify the
    submitter, certificate and office → channel policy → form checks → one transaction: number, due
    date, dossier, first event, decision record, signed receipt → receipt back.

A refusal is a result too: a stored submission with coded reasons and a signed refusal receipt, no
dossier number. A repeat (same I-VAN and bytes, or same idempotency key; at the desk the same decoded
dossier) gets back its first receipt, never a second dossier — unless the refusal was for a reason the
office or the unit can remove (hoso.intake.retry: the same bytes are then judged again). An electronic
dossier whose only problem is a certificate's unknown revocation status is held, not refused
(hoso.intake.pending: a signed pending acknowledgement, the final receipt once the status is known).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from hoso import fastsql
from hoso.dossier import Hoso, check_envelope, is_envelope, parse_envelope
from hoso.errors import CodedError
from hoso.intake import checks, front, pending, retry
from hoso.intake.front import (  # noqa: F401 — re-exported: the API and the metrics import them from here
    LEGAL_BASIS_E_TRANSACTIONS,
    IntakeError,
    Refusal,
    max_upload_bytes,
    timed,
)
from hoso.intake.models import Submission
from hoso.intake.receipts import Reason, attach_receipt, ensure_receipt
from hoso.policies.services import decide, facts_for, send_decision
from hoso.reference.catalogue import procedure_on
from hoso.reference.models import Commune, IvanProvider, Office, Unit
from hoso.reference.registrations import has_registered_certificate, registration_id_sql
from hoso.signature import SignerInfo
from hoso.workflow.models import Channel
from hoso.workflow.services import number_dossier, store_dossier

SUBMITTER_KIND_COMMUNE = "2"  # LoaiDoiTuong: 1 = employer unit, 2 = commune People's Committee


@dataclass
class Reception:
    outcome: str  # "accepted" | "refused" | "pending" | "repeat"
    submission: Submission

    @property
    def receipt_xml(self) -> bytes:
        return ensure_receipt(self.submission)

    @property
    def accepted(self) -> bool:
        return self.submission.outcome == Submission.Outcome.ACCEPTED


@dataclass
class _State:
    """What the pipeline has learnt so far about one submission."""

    raw: bytes
    channel: str
    received_at: datetime
    sha256: str
    ivan: IvanProvider | None
    officer: object = None
    hoso: Hoso | None = None
    tree: etree._Element | None = None  # parsed, not yet verified: signature verification consumes it
    signature: dict = field(default_factory=dict)
    report: object = None  # the verification report (electronic): its parts' signers are bound
    content_key: str | None = None  # what was signed (electronic): see content_key()
    signer: SignerInfo | None = None  # the certificate that signed (electronic)
    unit: Unit | None = None
    commune: Commune | None = None
    procedure: object = None
    facts: object = None
    decision: object = None
    warnings: list[dict] = field(default_factory=list)
    content: dict = field(default_factory=dict)
    # The signed content of each verified form, by its place in the envelope: what the form checks read
    # (not the form's bytes decoded and parsed a second time).
    signed_forms: dict[int, etree._Element] = field(default_factory=dict)
    # Why the submission is held rather than decided (a certificate's revocation status unknown), when the
    # signatures had no other problem; the other checks run all the same (hoso.intake.pending).
    held: list[Reason] = field(default_factory=list)
    recheck: bool = False  # judged again at its reception time, revocation data published since counting

    @property
    def office(self):
        if self.unit is not None:
            return self.unit.office
        return self.commune.office if self.commune is not None else None

    @property
    def signer_fingerprint(self) -> str:
        return self.signer.fingerprint_sha256.lower() if self.signer is not None else ""

    @property
    def signer_tax_code(self) -> str | None:
        return self.signer.tax_code if self.signer is not None else None

    @property
    def registration_id(self) -> int | None:
        """The id of the submitter's registration of the signing certificate (electronic channel)."""
        return getattr(self.unit or self.commune, "registration_id", None)

    @property
    def local_day(self) -> date:
        return timezone.localtime(self.received_at).date()


def receive(raw: bytes, *, channel: str = Channel.ELECTRONIC, **options) -> Reception:
    """Receive ``raw`` on ``channel`` (the other keywords: :func:`_receive`'s), timed (:data:`timed`)."""
    started, outcome = time.perf_counter(), "error"
    try:
        reception = _receive(raw, channel=channel, **options)
        outcome = reception.outcome
        return reception
    except IntakeError:
        outcome = "invalid"
        raise
    finally:
        seconds = time.perf_counter() - started
        timed.send(None, stage="reception", channel=str(channel), outcome=outcome, seconds=seconds)


def _receive(
    raw: bytes,
    *,
    channel: str = Channel.ELECTRONIC,
    ivan_code: str | None = None,
    ivan: IvanProvider | None = None,
    idempotency_key: str | None = None,
    officer=None,
    content_type: str = "application/xml",
    received_at: datetime | None = None,
) -> Reception:
    received_at = received_at or timezone.now()
    sha256 = front.keep(raw)  # evidence first: durable before anything else happens
    if ivan is None and ivan_code:
        ivan = IvanProvider.objects.filter(code=ivan_code).first()
    if ivan_code and ivan is None:
        raise IntakeError(
            "INTAKE_IVAN_UNKNOWN", f"Mã I-VAN {ivan_code} không có trong danh mục.", "Unknown I-VAN code."
        )
    repeat_key = _repeat_key(channel, ivan, sha256, officer)
    earlier = _earlier(ivan, idempotency_key, repeat_key)
    if earlier is not None:
        return Reception("repeat", earlier)
    front.require_xml(raw)
    state = _State(
        raw=raw, channel=str(channel), received_at=received_at, sha256=sha256, ivan=ivan, officer=officer
    )
    try:
        reasons = judge(state)
    except _Repeat as repeat:  # the same signed content as an accepted dossier, under other bytes
        return Reception("repeat", repeat.submission)
    transient = retry.may_send_again(r.code for r in reasons)
    try:
        if not reasons and state.held:
            held = _new_submission(
                state, state.held, idempotency_key, repeat_key, content_type, Submission.Outcome.PENDING
            )
            return Reception("pending", pending.hold(held))
        return _store(
            state, reasons, transient, idempotency_key, None if transient else repeat_key, content_type
        )
    except IntegrityError:
        # A concurrent twin of this submission committed first: answer with its receipt.
        earlier = _earlier(ivan, idempotency_key, repeat_key, state.content_key)
        if earlier is None:
            raise
        return Reception("repeat", earlier)


def _repeat_key(channel: str, ivan, sha256: str, officer) -> str | None:
    if channel == Channel.ELECTRONIC and ivan is not None:
        return f"electronic:{ivan.code}:{sha256}"
    if channel == Channel.BARCODE:
        office = getattr(getattr(officer, "officer", None), "office_id", "") if officer is not None else ""
        return f"barcode:{office}:{sha256}"
    return None


def _earlier(
    ivan, idempotency_key: str | None, repeat_key: str | None, content_key: str | None = None
) -> Submission | None:
    """The first submission this one repeats: same idempotency key of the same I-VAN first, else the
    same bytes (or the same signed content). One indexed look-up (plain SQL: every reception asks, and
    nearly always finds none)."""
    wanted, params = [], []
    if idempotency_key and ivan is not None:
        wanted.append("(ivan_id = %s AND idempotency_key = %s)")
        params += [ivan.pk, idempotency_key]
    if repeat_key:
        wanted.append("repeat_key = %s")
        params.append(repeat_key)
    if content_key:
        wanted.append("content_key = %s")
        params.append(content_key)
    if not wanted:
        return None
    found = fastsql.fetch_all(
        f"SELECT id, idempotency_key, ivan_id FROM {fastsql.table(Submission)} "  # noqa: S608
        f"WHERE {' OR '.join(wanted)} LIMIT 2",
        params,
    )
    if not found:
        return None
    if idempotency_key:
        found.sort(key=lambda row: row[1] != idempotency_key or row[2] != ivan.pk)
    return Submission.objects.select_related("dossier").get(pk=found[0][0])


# --- the checks, in order -------------------------------------------------------------------------


def judge(state: _State) -> list[Reason]:
    """Run every check on ``state``: the reasons of its refusal, none when it passes (or is only held:
    ``state.held``). Raises :class:`_Repeat` for the same signed content as an accepted dossier."""
    try:
        _run_checks(state)
    except Refusal as refusal:
        return refusal.reasons
    return []


def _run_checks(state: _State) -> None:
    _parse(state)
    if state.channel == Channel.ELECTRONIC:
        _verify_signatures(state)
    _identify(state)
    _decide_policy(state)
    _check_forms(state)


_reason = front.reason


def _parse(state: _State) -> None:
    root = front.parse(state.raw)
    if not is_envelope(root):
        raise Refusal(
            _reason(
                "INTAKE_NOT_ENVELOPE",
                f"Tệp không phải hồ sơ điện tử: phần tử gốc là <{etree.QName(root).localname}>, cần <Hoso>.",
                f"The file is not a dossier envelope: its root is <{etree.QName(root).localname}>, not <Hoso>.",
                basis=LEGAL_BASIS_E_TRANSACTIONS,
            )
        )
    _read_envelope(state, root)
    state.tree = root


def _read_envelope(state: _State, root: etree._Element) -> None:
    try:
        hoso = parse_envelope(root)
    except CodedError as error:
        raise Refusal(
            _reason(error.code, error.message_vi, error.message_en, basis=LEGAL_BASIS_E_TRANSACTIONS)
        ) from error
    problems = check_envelope(hoso)
    if problems:
        raise Refusal(
            *(_reason(p.code, p.message, p.message_en, basis=LEGAL_BASIS_E_TRANSACTIONS) for p in problems)
        )
    state.hoso = hoso


def _verify_signatures(state: _State) -> None:
    # The tree parsed from the raw bytes is verified as it is (not parsed again); verification changes
    # it, so nothing reads it afterwards.
    tree, state.tree = state.tree, None
    try:
        report = front.verify(tree, at=state.received_at, channel=state.channel, retroactive=state.recheck)
    except Refusal as refusal:
        _keep_report(state, refusal.report)
        if not (refusal.pending and state.ivan is not None):
            raise
        # Only a revocation status unknown: the other checks run on the verified content, and a dossier
        # that passes them is held until the status is known (hoso.intake.pending).
        report, state.held = refusal.report, refusal.reasons
    else:
        _keep_report(state, report)
    # From here on, only what the signature covers is read: the envelope as verification read it from
    # the signed content (its declared lengths and counts already checked there).
    if report.envelope is not None:
        state.hoso = report.envelope
        state.signed_forms = {
            index: part.signed_root
            for index, part in enumerate(report.parts)
            if part.kind == "form" and part.signed_root is not None
        }
    else:
        _read_envelope(state, report.signed_root)
    state.signer = report.signer
    state.content_key = content_key(report)


def _keep_report(state: _State, report) -> None:
    state.report = report
    state.signature = report.as_dict()
    state.warnings.extend(state.signature.get("warnings", []))


def _identify(state: _State) -> None:
    info = state.hoso.unit
    ivan_code = state.hoso.ivan.ma_ivan
    if state.ivan is not None and ivan_code != state.ivan.code:
        raise Refusal(
            _reason(
                "INTAKE_IVAN_MISMATCH",
                f"Hồ sơ ghi mã I-VAN {ivan_code or '(trống)'} nhưng được gửi bởi I-VAN {state.ivan.code}.",
                f"The dossier names I-VAN {ivan_code or '(empty)'} but was sent by I-VAN {state.ivan.code}.",
                basis=LEGAL_BASIS_E_TRANSACTIONS,
            )
        )
    if info.loai_doi_tuong == SUBMITTER_KIND_COMMUNE:
        state.commune = _submitter_with_registration(Commune, "gso_code", info.ma_so_bhxh, state)
        if state.commune is None:
            raise Refusal(
                _reason(
                    "INTAKE_COMMUNE_UNKNOWN",
                    f"Mã xã {info.ma_so_bhxh or '(trống)'} không có trong danh mục UBND xã, phường, thị trấn.",
                    f"Commune code {info.ma_so_bhxh or '(empty)'} is not in the catalogue.",
                )
            )
    else:
        state.unit = _submitter_with_registration(Unit, "code", info.ma_so_bhxh.strip().upper(), state)
        if state.unit is None or not state.unit.active:
            raise Refusal(
                _reason(
                    "INTAKE_UNIT_UNKNOWN",
                    f"Mã đơn vị {info.ma_so_bhxh or '(trống)'} chưa được cơ quan BHXH cấp hoặc đã ngừng hoạt động.",
                    f"Unit code {info.ma_so_bhxh or '(empty)'} is unknown or no longer active.",
                    advice="Đơn vị đăng ký tham gia BHXH (thủ tục 601) trước khi nộp hồ sơ khác.",
                    advice_en="Register the unit (procedure 601) before filing other dossiers.",
                )
            )
        if info.ma_so_thue and info.ma_so_thue.strip() != state.unit.tax_code:
            raise Refusal(
                _reason(
                    "INTAKE_TAX_CODE_MISMATCH",
                    f"Mã số thuế trong hồ sơ ({info.ma_so_thue}) khác mã số thuế của đơn vị {state.unit.code}.",
                    f"The tax code in the dossier ({info.ma_so_thue}) is not that of unit {state.unit.code}.",
                )
            )
    if not state.office.code.startswith("001"):
        raise Refusal(
            _reason(
                "INTAKE_OFFICE_OUTSIDE",
                "Đối tượng nộp không do BHXH thành phố Hà Nội quản lý.",
                "The submitter is not managed by Hanoi Social Insurance.",
            )
        )
    if state.channel == Channel.ELECTRONIC:
        _check_certificate_binding(state)


def _submitter_with_registration(model, key: str, value: str, state: _State):
    """The unit or commune (with its office) and, in the electronic channel, the id of its registration
    of the certificate that signed (``registration_id``, None when not registered): one query."""
    registration_sql, params = "NULL", []
    if state.channel == Channel.ELECTRONIC and state.signer is not None:
        registration_sql, params = registration_id_sql(
            fingerprint_sha256=state.signer_fingerprint,
            moment=state.received_at,
            owner="unit_id" if model is Unit else "commune_id",
            outer=f"s.{key}",
            ivan=state.ivan.code if state.ivan is not None else None,
        )
    # The accepted dossier with the same signed content, if any: asked in the same query.
    earlier_sql = "NULL"
    if state.content_key:
        earlier_sql = f"(SELECT e.id FROM {fastsql.table(Submission)} e WHERE e.content_key = %s)"  # noqa: S608
        params.append(state.content_key)
    row = fastsql.fetch_one(
        f"SELECT {fastsql.columns(model, 's')}, {fastsql.columns(Office, 'o')}, {registration_sql}, "  # noqa: S608
        f"{earlier_sql} "
        f"FROM {fastsql.table(model)} s JOIN {fastsql.table(Office)} o ON o.code = s.office_id "
        f"WHERE s.{key} = %s",
        [*params, value],
    )
    if row is None:
        return None
    n = fastsql.width(model)
    submitter = fastsql.from_row(model, row[:n])
    submitter.office = fastsql.from_row(Office, row[n : n + fastsql.width(Office)])
    submitter.registration_id = row[-2]
    if row[-1] is not None:
        _repeat_of(state, row[-1])
    return submitter


class _Repeat(Exception):  # noqa: N818 — not an error: the answer is the first dossier's receipt
    def __init__(self, submission: Submission) -> None:
        super().__init__(str(submission.public_id))
        self.submission = submission


def content_key(report) -> str | None:
    """The key of what an envelope's signature covers that makes a declaration: the submitter, the
    procedure, the period and each file's signed content (a form's verified content digest; an
    attachment's SHA-256 — its bytes are inside the envelope's signed content), in no particular order.
    Equal keys: the same declaration, whatever the envelope's bytes (white space outside the signature,
    another envelope signature over the same forms). SHA-256, hex."""
    hoso = report.envelope
    if hoso is None:
        return None
    files = []
    for item, part in zip(hoso.info.files, report.parts, strict=False):
        if part.kind == "form" and part.content_digest:
            files.append(part.content_digest)
        else:
            files.append("sha256 " + hashlib.sha256(item.content()).hexdigest())
    info = hoso.unit
    fields = [
        "hoso-content-1",
        info.loai_doi_tuong.strip(),
        info.ma_so_bhxh.strip().upper(),
        hoso.info.ma_thu_tuc.strip(),
        hoso.info.ky_ke_khai.strip(),
        *sorted(files),
    ]
    return hashlib.sha256("\n".join(fields).encode()).hexdigest()


def _repeat_of(state: _State, earlier_id: int) -> None:
    """The same signed content as an accepted dossier: from the I-VAN that carried it, a repeat (its first
    receipt); from another I-VAN, a refusal — the unit filed this declaration already."""
    earlier = Submission.objects.select_related("dossier", "ivan").get(pk=earlier_id)
    if state.ivan is not None and earlier.ivan_id == state.ivan.pk:
        raise _Repeat(earlier)
    raise Refusal(already_filed(earlier))


def already_filed(earlier: Submission, *, same_ivan: bool = False) -> Reason:
    """The refusal of a declaration whose signed content is that of the accepted ``earlier`` (through another
    I-VAN; ``same_ivan``: through this one, in other bytes, while this submission was held)."""
    number = earlier.dossier.number if earlier.dossier_id else str(earlier.public_id)
    day = timezone.localtime(earlier.received_at)
    how, how_en = (
        ("qua cùng tổ chức I-VAN", "through the same I-VAN")
        if same_ivan
        else (
            "qua tổ chức I-VAN khác",
            "through another I-VAN",
        )
    )
    return _reason(
        "INTAKE_ALREADY_FILED",
        f"Nội dung đã ký của hồ sơ (các tờ khai, đơn vị, thủ tục, kỳ kê khai) trùng với hồ sơ số {number} "
        f"đã được tiếp nhận ngày {day:%d/%m/%Y} {how}.",
        f"The dossier's signed content (its forms, unit, procedure and period) is that of dossier {number}, "
        f"received on {day.date().isoformat()} {how_en}.",
        basis=LEGAL_BASIS_E_TRANSACTIONS + " (không nộp trùng một hồ sơ)",
        advice=f"Không nộp lại hồ sơ này: theo dõi hồ sơ số {number} qua tổ chức I-VAN đã nộp. Nếu cần kê khai "
        "khác, lập tờ khai mới, ký rồi gửi.",
        advice_en=f"Do not file this dossier again: follow dossier {number} through the I-VAN that filed it. "
        "To declare something else, make new forms, sign them and send them.",
    )


def _check_certificate_binding(state: _State) -> None:
    """Every signer bound to the submitter (hoso.intake.front.bind); each part's binding is kept in the
    signature report (``parts_bound``), which the dossier page shows."""
    try:
        state.signature["parts_bound"] = front.bind(
            state.report,
            at=state.received_at,
            unit=state.unit,
            commune=state.commune,
            registration_id=state.registration_id,
            ivan=state.ivan.code if state.ivan is not None else None,
        )
    except Refusal as refusal:
        if refusal.bindings:
            state.signature["parts_bound"] = refusal.bindings
        raise


def _decide_policy(state: _State) -> None:
    info = state.hoso.info
    state.procedure = procedure_on(info.ma_thu_tuc.strip(), state.local_day)
    if state.procedure is None:
        raise Refusal(
            _reason(
                "INTAKE_PROCEDURE_UNKNOWN",
                f"Mã thủ tục {info.ma_thu_tuc or '(trống)'} không có trong danh mục thủ tục ngày {state.local_day:%d/%m/%Y}.",
                f"Procedure code {info.ma_thu_tuc or '(empty)'} is not in the catalogue on {state.local_day.isoformat()}.",
            )
        )
    kind = "commune" if state.commune is not None else "unit"
    # A dossier signed with a registered certificate answers the question without asking again, on the
    # terms of has_registered_certificate (valid at the moment: not_before <= moment < not_after; the
    # signature check also accepts a certificate at its notAfter instant, which that fact does not).
    signed_registered = (
        state.registration_id is not None
        and state.signer.not_before <= state.received_at < state.signer.not_after
    )
    has_certificate = signed_registered or has_registered_certificate(
        moment=state.received_at, unit=state.unit, commune=state.commune
    )
    state.facts = facts_for(
        channel=state.channel,
        procedure_code=state.procedure.code,
        submitter_kind=kind,
        has_certificate=has_certificate,
        office_code=state.office.code,
        received_at=state.received_at,
        submitter_code=state.unit.code if state.unit is not None else state.commune.gso_code,
    )
    state.decision = decide(state.facts)
    if not state.decision.accepted:
        d = state.decision
        raise Refusal(
            _reason(
                f"POLICY_{d.rule_id}".upper().replace("-", "_"),
                d.message_vi,
                d.message_en,
                basis=d.legal_basis_vi,
                advice=d.advice_vi,
                advice_en=d.advice_en,
            )
        )


def _check_forms(state: _State) -> None:
    problems, content, warnings = checks.check_forms(
        state.hoso, state.procedure, state.received_at, signed_forms=state.signed_forms
    )
    state.content = content
    state.warnings.extend(warnings)  # children of an under-6 list who are 6 or older, not received
    if problems:
        raise Refusal(*problems)


# --- the one transaction --------------------------------------------------------------------------


def _store(state, reasons, transient, idempotency_key, repeat_key, content_type) -> Reception:
    """Store the outcome, with its signed receipt, in one short transaction.

    The decision is written first; the office's counter is locked from the moment the number is taken
    (number_dossier) and the audit-chain head from the moment it is read (store_dossier), both to the
    commit. The receipt
    is signed between the two, before the dossier, its first event and the submission with the receipt
    are written. The receipt is signed before the commit, so a receipt is never sent for anything that
    is not durable, and no submission is ever stored without its receipt; if signing fails, nothing but
    the evidence is kept and the sender gets an error, never a receipt.

    On PostgreSQL the statements are pipelined (fastsql.pipelined): the decision travels with the
    counter's update, the dossier with the head's read, the event, the new head and the submission
    together; with BEGIN and COMMIT, five round trips where one each would take nine.
    """
    accepted = not reasons
    outcome = Submission.Outcome.ACCEPTED if accepted else Submission.Outcome.REFUSED
    submission = _new_submission(
        state, reasons, idempotency_key, repeat_key, content_type, outcome, transient
    )
    public_id = submission.public_id
    with transaction.atomic(), fastsql.pipelined():
        decision = (
            send_decision(state.facts, state.decision, reference=str(public_id))
            if state.decision is not None
            else None
        )
        if accepted:
            submission.dossier = number_dossier(  # takes the number: the office's counter is locked from here
                office=state.office,
                procedure=state.procedure,
                channel=state.channel,
                received_at=state.received_at,
                unit=state.unit,
                commune=state.commune,
                ivan=state.ivan,
                period=state.hoso.info.ky_ke_khai[:7],
            )
        if decision is not None:
            decision.result()  # answered with the counter's update: raises if the decision was not recorded
        attach_receipt(submission)
        if accepted:
            store_dossier(  # the audit-chain head is locked from here
                submission.dossier,
                actor=state.officer,
                actor_label=_actor_label(state),
                data={"submission": str(public_id), "sha256": state.sha256},
            )
        stored = fastsql.send_insert(submission)
    stored.result()
    return Reception("accepted" if accepted else "refused", submission)


def _new_submission(
    state, reasons, idempotency_key, repeat_key, content_type, outcome, transient=False
) -> Submission:
    """The submission record of ``state`` with this ``outcome``, not yet written and without its receipt."""
    return Submission(
        public_id=uuid.uuid4(),
        channel=state.channel,
        received_at=state.received_at,
        sha256=state.sha256,
        size=len(state.raw),
        content_type=content_type[:100],
        ivan=state.ivan,
        officer=state.officer,
        idempotency_key=(idempotency_key or None) if not transient else None,
        repeat_key=repeat_key,
        content_key=state.content_key if outcome == Submission.Outcome.ACCEPTED else None,
        outcome=outcome,
        transient=transient,
        reasons=[r.as_dict() for r in reasons],
        warnings=state.warnings,
        unit=state.unit,
        commune=state.commune,
        office=state.office if state.hoso else None,
        procedure=state.procedure,
        procedure_code=(state.hoso.info.ma_thu_tuc if state.hoso else "")[:20],
        period=(state.hoso.info.ky_ke_khai if state.hoso else "")[:7],
        signature=state.signature,
        policy=state.decision.to_dict() if state.decision is not None else {},
        facts={**state.content, "submitter": list(_submitter(state))},
    )


def _actor_label(state: _State) -> str:
    if state.ivan is not None:
        return f"I-VAN {state.ivan.code} {state.ivan.name}"
    if state.officer is not None:
        return f"Cán bộ {state.officer.get_username()}"
    return "hoso"


def _submitter(state: _State) -> tuple[str, str, str]:
    if state.unit is not None:
        return state.unit.code, state.unit.name, state.unit.tax_code
    if state.commune is not None:
        return state.commune.gso_code, f"UBND {state.commune.name_vi}", ""
    if state.hoso is not None:
        info = state.hoso.unit
        return info.ma_so_bhxh[:20], info.ten_doi_tuong[:200], info.ma_so_thue[:14]
    return "", "", ""
