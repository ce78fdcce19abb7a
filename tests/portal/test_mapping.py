"""The status mapping is data: the shipped file covers every state, channel and submitter, and a file
that lacks one is refused by name rather than failing at the first dossier in that state."""

from __future__ import annotations

import tomllib

import pytest

from hoso.portal.mapping import MAPPING_FILE, MappingError, mapping, parse
from hoso.workflow.models import Channel
from hoso.workflow.states import Status


def test_the_shipped_mapping_covers_every_state_channel_and_submitter():
    found = mapping()
    assert set(found.statuses) >= set(Status.values) and set(found.channels) >= set(Channel.values)
    assert found.statuses[Status.RECEIVED].update_dossier is False
    assert all(
        found.statuses[s].update_dossier for s in (Status.RESULT_READY, Status.HANDED_OVER, Status.REFUSED)
    )


def test_a_mapping_without_a_state_is_refused_naming_it():
    data = tomllib.loads(MAPPING_FILE.read_text(encoding="utf-8"))
    del data["status"]["handed_over"]
    with pytest.raises(MappingError, match="status.handed_over"):
        parse(data)
