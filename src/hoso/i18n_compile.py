"""Compile every translation catalogue of the package (.po -> .mo) without GNU gettext.

`make messages` runs it after editing a .po file; the compiled .mo files are committed so that a
fresh install needs no compiler. A test checks that they are up to date.
"""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def compile_all() -> list[Path]:
    written = []
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(path)
