"""`hoso policy check | show | replay | validate | publish | versions | sync`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from hoso.cli import main
from hoso.policies import services
from hoso.policies.models import PolicyVersion
from hoso.policy import builtin_text

from .helpers import at, draft_text

pytestmark = pytest.mark.django_db

CHECK = ["policy", "check", "--channel", "barcode", "--procedure", "602", "--submitter", "commune"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_the_issue_example_accepts(reference_data, capsys):
    code, out, _ = run(capsys, *CHECK, "--no-certificate", "--date", "2016-01-05", "--office", "00105")
    assert code == 0
    assert out.startswith("TIẾP NHẬN hồ sơ bán điện tử có mã vạch (accept)")
    assert "child-card-commune-without-certificate" in out and "2671-bhxh-cntt v1" in out
    assert "Căn cứ: Công văn 2671/BHXH-CNTT ngày 26/11/2015" in out


def test_check_with_certificate_refuses_with_json(reference_data, capsys):
    code, out, _ = run(capsys, *CHECK, "--certificate", "--date", "2016-01-05", "--office", "00105", "--json")
    assert code == 1
    data = json.loads(out)
    assert (
        data["decision"]["outcome"] == "refuse"
        and data["decision"]["rule"] == "child-card-commune-with-certificate"
    )
    assert data["decision"]["advice"] and data["decision"]["legal_basis"].startswith(
        "Công văn 2671/BHXH-CNTT"
    )
    assert data["facts"]["received_at"] == "2016-01-05T09:00:00+07:00"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--channel", "barcode", "--procedure", "600", "--submitter", "unit", "--date", "2015-12-31"], 0),
        (["--channel", "barcode", "--procedure", "600", "--submitter", "unit", "--date", "2016-01-01"], 1),
        (["--channel", "electronic", "--procedure", "600", "--submitter", "unit", "--date", "2015-09-30"], 1),
        (["--channel", "electronic", "--procedure", "600", "--submitter", "unit", "--date", "2015-10-01"], 0),
        (["--channel", "paper", "--procedure", "603", "--submitter", "unit", "--date", "2016-06-01"], 0),
    ],
)
def test_check_exit_codes(reference_data, capsys, argv, expected):
    code, _, _ = run(capsys, "policy", "check", *argv, "--certificate", "--office", "001")
    assert code == expected


def test_check_unknown_procedure_or_office(reference_data, capsys):
    code, _, err = run(
        capsys,
        *CHECK[:5],
        "999",
        "--submitter",
        "unit",
        "--certificate",
        "--date",
        "2016-01-05",
        "--office",
        "00105",
    )
    assert code == 2 and "POLICY_UNKNOWN_PROCEDURE" in err
    code, _, err = run(capsys, *CHECK, "--certificate", "--date", "2016-01-05", "--office", "99999")
    assert code == 2 and "POLICY_UNKNOWN_OFFICE" in err


def test_check_with_a_draft(reference_data, capsys, tmp_path):
    draft = tmp_path / "draft.toml"
    draft.write_text(draft_text(), encoding="utf-8")
    argv = [
        "policy",
        "check",
        "--channel",
        "barcode",
        "--procedure",
        "600",
        "--submitter",
        "unit",
        "--no-certificate",
    ]
    code, out, _ = run(capsys, *argv, "--date", "2016-02-01", "--office", "00105", "--policy", str(draft))
    assert code == 0 and "2671-bhxh-cntt v2" in out


def test_show_prints_the_rules_in_force(reference_data, capsys):
    code, out, _ = run(capsys, "policy", "show", "--date", "2016-01-01")
    assert code == 0
    assert "Các quy tắc áp dụng ngày 01/01/2016" in out
    assert "barcode-suspended-from-2016-01-01" in out and "barcode-accepted-until-2015-12-31" not in out
    code, out, _ = run(capsys, "policy", "show", "--date", "2015-12-31", "--json")
    rules = [r["rule"] for r in json.loads(out)["rules"]]
    assert "barcode-accepted-until-2015-12-31" in rules and rules[-1] == "channel-not-opened"


def test_replay_csv(reference_data, capsys, tmp_path):
    for code_, day in (
        ("TA0100A", date(2016, 1, 4)),
        ("TB0200B", date(2016, 2, 4)),
        ("TA0100A", date(2016, 5, 4)),
    ):
        facts = services.facts_for(
            channel="barcode",
            procedure_code="600",
            submitter_kind="unit",
            submitter_code=code_,
            has_certificate=False,
            office_code="00105",
            received_at=at(day),
        )
        services.decide_and_record(facts)
    draft = tmp_path / "draft.toml"
    draft.write_text(draft_text(), encoding="utf-8")
    replay = ["policy", "replay", "--policy", str(draft), "--from", "2016-01-01", "--to", "2016-06-30"]
    code, out, _ = run(capsys, *replay, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0] == {
        "section": "total",
        "key": "3",
        "submitter_kind": "",
        "changed": "2",
        "newly_refused": "0",
        "newly_accepted": "2",
    }
    assert {(r["section"], r["key"]) for r in rows[1:]} == {
        ("office", "00105"),
        ("procedure", "600"),
        ("submitter", "TA0100A"),
        ("submitter", "TB0200B"),
    }
    code, out, _ = run(capsys, *replay)
    assert code == 0 and "Thay đổi kết quả (outcome changes): 2" in out
    target = tmp_path / "details.csv"
    code, _, _ = run(capsys, *replay, "--format", "csv", "--details", "--output", str(target))
    assert code == 0 and len(target.read_text(encoding="utf-8").splitlines()) == 3


def test_replay_rejects_an_invalid_draft_with_lines(reference_data, capsys, tmp_path):
    draft = tmp_path / "draft.toml"
    draft.write_text(
        draft_text().replace("valid_until = 2016-03-31", "valid_until = 2013-03-31"), encoding="utf-8"
    )
    code, _, err = run(
        capsys, "policy", "replay", "--policy", str(draft), "--from", "2016-01-01", "--to", "2016-01-31"
    )
    assert code == 2 and "POLICY_INVALID" in err and "draft:" in err


def test_validate(reference_data, capsys, tmp_path):
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(builtin_text("2671-bhxh-cntt.toml"), encoding="utf-8")
    bad.write_text(
        builtin_text("baseline.toml").replace('channels = ["paper"]', 'channel = ["paper"]'), encoding="utf-8"
    )
    code, out, err = run(capsys, "policy", "validate", str(good), str(bad))
    assert code == 2 and "2671-bhxh-cntt v1" in out
    line = builtin_text("baseline.toml").splitlines().index('channels = ["paper"]') + 1
    assert f"{bad}:{line}: POLICY_UNKNOWN_FIELD" in err


def test_publish_versions_and_sync(reference_data, capsys, tmp_path):
    draft = tmp_path / "draft.toml"
    draft.write_text(draft_text(), encoding="utf-8")
    code, out, _ = run(capsys, "policy", "sync")
    assert code == 0 and PolicyVersion.objects.count() == 3
    code, out, _ = run(capsys, "policy", "publish", str(draft), "--draft")
    assert code == 0 and "2671-bhxh-cntt v2" in out
    assert PolicyVersion.objects.get(policy="2671-bhxh-cntt", version=2).status == "draft"
    code, out, _ = run(capsys, "policy", "versions")
    assert code == 0 and out.count("2671-bhxh-cntt") == 2
    code, out, _ = run(capsys, "policy", "sync")
    assert code == 0 and "nothing to store" in out
