import json
import subprocess
import sys

import pytest

from hoso.cli import main

pytestmark = pytest.mark.django_db


def test_workdays_commands(reference_data, capsys):
    assert main(["workdays", "add", "2015-12-31", "1"]) == 0
    assert capsys.readouterr().out.strip() == "2016-01-04"
    assert main(["workdays", "add", "2016-04-29", "1"]) == 0
    assert capsys.readouterr().out.strip() == "2016-05-04"
    assert main(["workdays", "is", "2016-02-09"]) == 1
    assert "ngày nghỉ" in capsys.readouterr().out
    assert main(["workdays", "is", "2016-02-15"]) == 0
    assert main(["workdays", "count", "2016-02-05", "2016-02-15"]) == 0
    assert capsys.readouterr().out.strip().endswith("1")
    assert main(["workdays", "list", "2016"]) == 0
    assert "Nghỉ bù" in capsys.readouterr().out


def test_procedures_command(reference_data, capsys):
    assert main(["procedures", "--tag", "child-under-6-card", "--code-only"]) == 0
    assert capsys.readouterr().out.split() == ["602"]
    assert main(["procedures", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["code"] for r in rows} >= {"600", "601", "602", "603", "604"}
    row = next(r for r in rows if r["code"] == "600")
    assert row["time_limit_working_days"] == 5 and row["required_forms"] == ["D02-TS"]
    assert main(["procedures"]) == 0
    assert "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi" in capsys.readouterr().out


def test_help_lists_every_command_without_a_database():
    out = subprocess.run(
        [sys.executable, "-m", "hoso", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("init", "demo", "serve", "procedures", "workdays", "manage"):
        assert command in out
