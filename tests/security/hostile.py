"""The hostile files: each must get a coded refusal, quickly and in bounded memory.

Plain data, importing nothing from hoso or pytest, so that both the suite (test_hostile_inputs.py) and the
fuzz seeds (fuzz/seeds.py) use the same files.
"""

from __future__ import annotations

_ENVELOPE_HEAD = b"<Hoso><NoiDung><ThongTinIVAN><MaIVAN>00030</MaIVAN></ThongTinIVAN></NoiDung>"


def hostile_corpus() -> dict[str, bytes]:
    sig = b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>'
    return {
        "xxe": b'<?xml version="1.0"?><!DOCTYPE Hoso [<!ENTITY x SYSTEM "file:///etc/passwd">]><Hoso>&x;</Hoso>',
        "xxe_parameter": b'<?xml version="1.0"?><!DOCTYPE Hoso [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x">%p;]><Hoso/>',
        "billion_laughs": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9))
        + b"]><Hoso>&j;</Hoso>",
        "deep_nesting": b"<Hoso>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</Hoso>",
        "huge_attribute": b'<Hoso a="' + b"x" * 8_000_000 + b'"/>',
        "invalid_utf8": b'<?xml version="1.0" encoding="utf-8"?><Hoso>\xff\xfe\xc3</Hoso>',
        "zero_bytes": b"<Hoso>\x00\x00\x00</Hoso>",
        "ten_thousand_signatures": _ENVELOPE_HEAD + b"<CKy_Dvi>" + sig * 10_000 + b"</CKy_Dvi></Hoso>",
        "utf16_hiding": '<?xml version="1.0" encoding="utf-16"?><Hoso/>'.encode("utf-16"),
        "latin1_declared": b'<?xml version="1.0" encoding="ISO-8859-1"?><Hoso>\xe9</Hoso>',
        "xslt_transform": _ENVELOPE_HEAD
        + b'<CKy_Dvi><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI="">'
        b'<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/></ds:Transforms>'
        b"</ds:Reference></ds:SignedInfo></ds:Signature></CKy_Dvi></Hoso>",
    }
