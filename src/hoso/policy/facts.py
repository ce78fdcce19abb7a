"""The facts a channel decision is made on, and the decision itself.

Pure: no Django. A :class:`Facts` is what the intake pipeline knows about one submission at the moment
of reception; a :class:`Decision` is the verdict of a policy set on it, with the rule that decided, the
policy id and version, messages in Vietnamese and English, the legal basis and the advice.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from hoso.errors import CodedError


class FactsError(CodedError):
    """Facts that cannot be evaluated (unknown channel or submitter kind, no reception time)."""


#: Vietnam has used UTC+7 without daylight saving since 1975; rules are dated in local time.
VN_TZ = timezone(timedelta(hours=7), "ICT")


class Channel(enum.StrEnum):
    ELECTRONIC = "electronic"  # hồ sơ điện tử: XML with a digital signature, through an I-VAN
    BARCODE = "barcode"  # hồ sơ bán điện tử có mã vạch: printed forms with 2-D barcodes, no signature
    PAPER = "paper"  # hồ sơ giấy


class SubmitterKind(enum.StrEnum):
    UNIT = "unit"  # đơn vị sử dụng lao động (employer unit)
    COMMUNE = "commune"  # UBND xã, phường, thị trấn (commune People's Committee)


class Outcome(enum.StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"


CHANNEL_LABELS_VI = {
    Channel.ELECTRONIC: "hồ sơ điện tử",
    Channel.BARCODE: "hồ sơ bán điện tử có mã vạch",
    Channel.PAPER: "hồ sơ giấy",
}
SUBMITTER_LABELS_VI = {
    SubmitterKind.UNIT: "đơn vị sử dụng lao động",
    SubmitterKind.COMMUNE: "UBND xã, phường, thị trấn",
}
OUTCOME_LABELS_VI = {Outcome.ACCEPT: "tiếp nhận", Outcome.REFUSE: "từ chối"}


def local_datetime(moment: datetime) -> datetime:
    """The naive local (UTC+7) wall-clock time of ``moment``; a naive value is taken as local already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(VN_TZ).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known of one submission when it is received.

    ``procedure_tags`` come from the procedure catalogue version in force on the reception date;
    ``has_certificate`` says whether the submitter had a registered digital certificate on that date.
    ``received_at`` should be timezone-aware (a naive value is read as Vietnam local time).
    ``submitter_code`` identifies the submitter (unit code or commune code); rules do not read it, the
    records and the what-if replay do.
    """

    channel: Channel
    procedure_code: str
    procedure_tags: frozenset[str]
    submitter_kind: SubmitterKind
    has_certificate: bool
    office_code: str
    received_at: datetime
    submitter_code: str = ""
    _local: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "channel", Channel(self.channel))
            object.__setattr__(self, "submitter_kind", SubmitterKind(self.submitter_kind))
        except ValueError:
            raise FactsError(
                "POLICY_BAD_FACTS",
                f"Dữ kiện không hợp lệ: kênh “{self.channel}”, đối tượng “{self.submitter_kind}”.",
                f"Invalid facts: channel “{self.channel}”, submitter kind “{self.submitter_kind}”.",
            ) from None
        if not isinstance(self.received_at, datetime):
            raise FactsError(
                "POLICY_BAD_FACTS",
                "Dữ kiện không hợp lệ: thiếu thời điểm nhận hồ sơ.",
                "Invalid facts: the time of reception is missing.",
            )
        object.__setattr__(self, "procedure_tags", frozenset(self.procedure_tags))
        object.__setattr__(self, "has_certificate", bool(self.has_certificate))
        object.__setattr__(self, "_local", local_datetime(self.received_at))

    @property
    def local_received_at(self) -> datetime:
        """Reception time as naive Vietnam local time: what dated rules compare against."""
        return self._local

    @property
    def received_on(self) -> date:
        return self._local.date()

    def to_json(self) -> dict[str, object]:
        moment = self.received_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VN_TZ)
        return {
            "channel": self.channel.value,
            "procedure_code": self.procedure_code,
            "procedure_tags": sorted(self.procedure_tags),
            "submitter_kind": self.submitter_kind.value,
            "submitter_code": self.submitter_code,
            "has_certificate": self.has_certificate,
            "office_code": self.office_code,
            "received_at": moment.isoformat(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Facts:
        received = data["received_at"]
        if isinstance(received, str):
            received = datetime.fromisoformat(received)
        if not isinstance(received, datetime):
            raise TypeError("received_at must be an ISO datetime")
        tags = data.get("procedure_tags") or ()
        if not isinstance(tags, Iterable) or isinstance(tags, str):
            raise TypeError("procedure_tags must be a list of strings")
        return cls(
            channel=Channel(str(data["channel"])),
            procedure_code=str(data["procedure_code"]),
            procedure_tags=frozenset(str(t) for t in tags),
            submitter_kind=SubmitterKind(str(data["submitter_kind"])),
            has_certificate=bool(data["has_certificate"]),
            office_code=str(data["office_code"]),
            received_at=received,
            submitter_code=str(data.get("submitter_code") or ""),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one set of facts, with everything needed to explain it."""

    outcome: Outcome
    rule_id: str
    policy_id: str
    policy_version: int
    policy_sha256: str
    message_vi: str
    message_en: str
    legal_basis_vi: str
    legal_basis_en: str
    advice_vi: str
    advice_en: str
    #: Every (policy id, version) of the set the decision was made under, highest precedence first.
    policy_set: tuple[tuple[str, int], ...] = ()

    @property
    def accepted(self) -> bool:
        return self.outcome is Outcome.ACCEPT

    @property
    def legal_basis(self) -> str:
        return self.legal_basis_vi

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome.value,
            "accepted": self.accepted,
            "rule": self.rule_id,
            "policy": self.policy_id,
            "policy_version": self.policy_version,
            "policy_sha256": self.policy_sha256,
            "message": self.message_vi,
            "message_en": self.message_en,
            "legal_basis": self.legal_basis_vi,
            "legal_basis_en": self.legal_basis_en,
            "advice": self.advice_vi,
            "advice_en": self.advice_en,
            "policy_set": [{"policy": pid, "version": ver} for pid, ver in self.policy_set],
        }


def utc_now() -> datetime:
    return datetime.now(UTC)
