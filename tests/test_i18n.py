import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from hoso.i18n_compile import catalogues


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda p: p.parent.parent.name)
def test_compiled_catalogue_is_up_to_date_and_complete(po_path):
    po = polib.pofile(str(po_path))
    assert not po.untranslated_entries(), "untranslated: run the translation, then `make messages`"
    assert not po.fuzzy_entries()
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(po_path.with_suffix(".mo")))
    }
    expected = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po.translated_entries()}
    assert mo == {k: v for k, v in expected.items()}, "the .mo is stale: run `make messages`"


def test_vietnamese_catalogue_has_diacritics():
    (vi,) = [p for p in catalogues() if "/vi/" in str(p)]
    text = vi.read_text(encoding="utf-8")
    assert "Bảo hiểm xã hội thành phố Hà Nội" in text


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is needed (Debian gettext)")
def test_every_string_a_person_reads_is_extracted_and_translated(tmp_path):
    """Django's makemessages over a copy of the package (templates and Python): every string marked for
    translation must be in the Vietnamese catalogue, translated — a string someone marked but nobody
    extracted (as eight export headings once were) fails here, not in front of an officer."""
    package = Path(__file__).resolve().parents[1] / "src" / "hoso"
    copy = tmp_path / "hoso"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hoso.settings", "HOSO_DATA_DIR": str(tmp_path / "var")}
    made = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "vi", "--no-obsolete", "--no-location"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    extracted = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in extracted.untranslated_entries() + extracted.fuzzy_entries()]
    assert missing == [], f"marked for translation but not translated in django.po: {missing}"
