"""The mapping of hoso's facts to the portal's codes, as data (``data/mapping.toml``), read once and
checked: every dossier status, channel and kind of submitter has its code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hoso.workflow.models import Channel
from hoso.workflow.states import Status

MAPPING_FILE = Path(__file__).with_name("data") / "mapping.toml"


@dataclass(frozen=True)
class StatusCode:
    portal: str  # TrangThaiHoSo / TrangThai
    progress: str  # NoiDungXuLy when the event has no note of its own
    update_dossier: bool  # the dossier record is sent again (DongBoHoSoMC, isUpdating)


@dataclass(frozen=True)
class Mapping:
    statuses: dict[str, StatusCode]
    channels: dict[str, str]
    applicants: dict[str, str]
    supplement: dict[str, str]
    domains: dict[str, str]


class MappingError(ValueError):
    """The mapping file lacks a code or holds a value of the wrong kind."""


def parse(data: dict) -> Mapping:
    try:
        statuses = {
            name: StatusCode(str(entry["portal"]), str(entry["progress"]), bool(entry["update_dossier"]))
            for name, entry in data["status"].items()
        }
        found = Mapping(
            statuses,
            {k: str(v) for k, v in data["channel"].items()},
            {k: str(v) for k, v in data["applicant"].items()},
            {k: str(v) for k, v in data["supplement"].items()},
            {k: str(v) for k, v in data.get("domain", {}).items()},
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise MappingError(f"{MAPPING_FILE.name}: missing or malformed entry {exc}") from exc
    lacking = (
        [f"status.{s}" for s in Status.values if s not in found.statuses]
        + [f"channel.{c}" for c in Channel.values if c not in found.channels]
        + [f"applicant.{a}" for a in ("unit", "commune") if a not in found.applicants]
        + [f"supplement.{s}" for s in ("waiting", "received") if s not in found.supplement]
    )
    if lacking:
        raise MappingError(f"{MAPPING_FILE.name} lacks: {', '.join(lacking)}")
    return found


@cache
def mapping() -> Mapping:
    with MAPPING_FILE.open("rb") as handle:
        return parse(tomllib.load(handle))
