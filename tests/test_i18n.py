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
