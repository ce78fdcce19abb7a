"""Symbols from another encoder (Debian's zint) and the `hoso barcode` commands."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from hoso.barcode import make_chunks, print_envelope, read_files

from .conftest import make_envelope, random_envelope

ZINT = shutil.which("zint")


def main(argv: list[str]) -> int:
    """`hoso ARGV` with only this package's commands registered (as hoso.cli does with all)."""
    import argparse

    from hoso.barcode.commands import register

    parser = argparse.ArgumentParser(prog="hoso")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.mark.skipif(
    ZINT is None, reason="Debian's zint is not installed (apt-get install zint): interop not tested"
)
@pytest.mark.parametrize("options", [[], ["--secure=5", "--cols=18"], ["--secure=2", "--cols=10"]])
def test_symbols_made_by_zint_are_read(tmp_path, options):
    envelope = random_envelope(2500, seed=11)
    paths = []
    for k, text in enumerate(make_chunks(envelope), start=1):
        path = tmp_path / f"zint-{k}.png"
        subprocess.run([ZINT, "-b", "PDF417", "--scale=2", *options, "-o", str(path), "-d", text], check=True)
        paths.append(path)
    result = read_files(reversed(paths))
    assert result.complete, result.as_dict()
    assert result.verified[0].envelope == envelope


@pytest.fixture
def envelope_file(tmp_path):
    path = tmp_path / "BHXHDienTu.xml"
    path.write_bytes(make_envelope(people=40))
    return path


def test_print_then_read_round_trip(tmp_path, envelope_file, capsys):
    pdf = tmp_path / "out.pdf"
    assert main(["barcode", "print", str(envelope_file), "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    out = tmp_path / "back.xml"
    assert main(["barcode", "read", str(pdf), "-o", str(out)]) == 0
    assert out.read_bytes() == envelope_file.read_bytes()
    err = capsys.readouterr().err
    assert "đủ" in err and "SHA-256" in err


def test_read_to_stdout_and_json(tmp_path, envelope_file, capsysbinary):
    lines = tmp_path / "scan.txt"
    lines.write_text("\n".join(make_chunks(envelope_file.read_bytes(), 300)) + "\n")
    assert main(["barcode", "read", str(lines)]) == 0
    assert capsysbinary.readouterr().out == envelope_file.read_bytes()
    assert main(["barcode", "read", str(lines), "--json"]) == 0
    report = json.loads(capsysbinary.readouterr().out)
    assert report["complete"] is True
    assert report["dossiers"][0]["envelope"].encode() == envelope_file.read_bytes()


def test_read_incomplete_names_what_is_missing(tmp_path, capsys):
    chunks = make_chunks(random_envelope(3000), 400)
    lines = tmp_path / "scan.txt"
    lines.write_text("\n".join(chunks[:1] + chunks[3:]))
    out = tmp_path / "x.xml"
    assert main(["barcode", "read", str(lines), "-o", str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "thiếu 2/" in err and "số 2-3" in err
    assert main(["barcode", "read", str(lines), "--lang", "en"]) == 1
    assert "missing 2 of" in capsys.readouterr().err


def test_read_nothing(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("hello\n")
    assert main(["barcode", "read", str(empty)]) == 1
    assert "Không đọc được mã vạch hồ sơ nào" in capsys.readouterr().err
    assert main(["barcode", "read", str(tmp_path / "absent.png")]) == 1


def test_print_refuses_what_is_not_xml(tmp_path, capsys):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"\xff\xfe junk")
    assert main(["barcode", "print", str(bad), "-o", str(tmp_path / "o.pdf")]) == 1
    assert "UTF-8" in capsys.readouterr().err


def test_print_envelope_api_pages_grow_with_size():
    import pypdfium2

    small = pypdfium2.PdfDocument(print_envelope(random_envelope(500)))
    large = pypdfium2.PdfDocument(print_envelope(random_envelope(12000)))
    assert len(small) == 1 and len(large) > 2


def test_read_several_dossiers_and_stdin(tmp_path, capsys, monkeypatch):
    import io

    first, second = random_envelope(900, seed=1), random_envelope(900, seed=2)
    lines = make_chunks(first, 200) + make_chunks(second, 200)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("\n".join(lines[::-1]).encode())))
    out = tmp_path / "hoso.xml"
    assert main(["barcode", "read", "-", "-o", str(out)]) == 0
    written = sorted(p.read_bytes() for p in tmp_path.glob("hoso-*.xml"))
    assert written == sorted([first, second])
