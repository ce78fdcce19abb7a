"""The Vietnamese catalogue of the policies app: complete, compiled, and used."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.utils import translation

import hoso.policies

APP_DIR = Path(hoso.policies.__file__).parent
PO = APP_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def source_messages() -> set[str]:
    found: set[str] = set()
    for path in APP_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found.update(m.group(1) for m in re.finditer(r'\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', text, re.S))
    return found


def test_every_message_is_translated_and_compiled():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries() and not po.fuzzy_entries()
    assert source_messages() <= {e.msgid for e in po}, "add the new messages to the policies catalogue"
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert mo == {e.msgid: e.msgstr for e in po.translated_entries()}, "recompile django.mo"


def test_labels_are_vietnamese():
    from hoso.policies.models import Decision

    with translation.override("vi"):
        assert str(Decision._meta.verbose_name) == "quyết định tiếp nhận theo kênh"
        assert str(Decision._meta.get_field("rule").verbose_name) == "quy tắc quyết định"
    with translation.override("en"):
        assert str(Decision._meta.verbose_name) == "channel decision"
