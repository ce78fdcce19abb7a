"""The shared hardened parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from hoso import xmlsafe
from hoso.errors import CodedError


def code_of(data: bytes, **kw) -> str:
    with pytest.raises(xmlsafe.XmlError) as info:
        xmlsafe.parse(data, **kw)
    assert isinstance(info.value, CodedError)
    assert info.value.message_vi and info.value.message_en
    return info.value.code


def test_plain_document():
    root = xmlsafe.parse("<a><b>Hà Nội</b></a>".encode())
    assert root.findtext("b") == "Hà Nội"


def test_utf8_bom_and_declaration_accepted():
    root = xmlsafe.parse(b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?><a/>')
    assert root.tag == "a"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "XML_EMPTY"),
        (b"   \n", "XML_EMPTY"),
        (b"<a>", "XML_MALFORMED"),
        (b"<a/><b/>", "XML_MALFORMED"),
        (b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', "XML_DTD_FORBIDDEN"),
        (b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>', "XML_DTD_FORBIDDEN"),
        (b"<a>&undeclared;</a>", "XML_MALFORMED"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>', "XML_ENCODING"),
        (b'<?xml version="1.0"' + b" " * 400 + b'encoding="ISO-8859-1"?><a/>', "XML_ENCODING"),
        (b"<?xml version='1.0' encoding='UTF-7'?><a/>", "XML_ENCODING"),
        (b'<?xml version="1.0" encoding=ISO-8859-1?><a/>', "XML_ENCODING"),
        (b"\xff\xfe<\x00a\x00/\x00>\x00", "XML_ENCODING"),
        (b'<?xml version="1.0" encoding="utf-8"?><a>\xc3</a>', "XML_MALFORMED"),
    ],
)
def test_refusals(data, code):
    assert code_of(data) == code


def test_xinclude_is_not_processed():
    root = xmlsafe.parse(
        b'<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></a>'
    )
    assert b"root:" not in etree.tostring(root)


def test_size_limit_is_configurable():
    data = b"<a>" + b"x" * 100 + b"</a>"
    assert code_of(data, limits=xmlsafe.XmlLimits(max_bytes=50)) == "XML_TOO_LARGE"
    assert xmlsafe.parse(data, limits=xmlsafe.XmlLimits(max_bytes=200)).tag == "a"


def test_depth_limit_is_configurable():
    data = b"<a>" * 10 + b"</a>" * 10
    assert code_of(data, limits=xmlsafe.XmlLimits(max_depth=5)) == "XML_TOO_DEEP"
    assert xmlsafe.parse(data, limits=xmlsafe.XmlLimits(max_depth=10)).tag == "a"


def test_large_text_nodes_above_libxml2_default():
    data = b"<a><b>" + b"QUJD" * 3_000_000 + b"</b></a>"  # 12 MB text node (big base64 attachment)
    assert len(xmlsafe.parse(data).findtext("b")) == 12_000_000


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_tree_or_a_coded_error(data):
    try:
        xmlsafe.parse(data)
    except xmlsafe.XmlError as exc:
        assert exc.code.startswith("XML_")


names = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True)
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")), max_size=30)


@st.composite
def trees(draw, depth=0):
    el = etree.Element(draw(names))
    el.text = draw(texts)
    if depth < 4:
        for _ in range(draw(st.integers(0, 3))):
            el.append(draw(trees(depth + 1)))
    return el


@settings(max_examples=150, deadline=None)
@given(trees())
def test_serialize_parse_round_trip(tree):
    again = xmlsafe.parse(xmlsafe.serialize(tree))
    assert etree.tostring(again, method="c14n") == etree.tostring(tree, method="c14n")
