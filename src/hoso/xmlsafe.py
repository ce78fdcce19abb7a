"""One hardened XML parser for every package that reads XML from outside.

Pure: no Django. The parser never touches the network, never loads or keeps a DTD, never expands an
entity, refuses any document that declares a DOCTYPE or an ENTITY, refuses encodings other than UTF-8
(a declared ``UTF-16``, ``UTF-7``, ``ISO-8859-1``... could make a verifier and a reader see different
text), and enforces configurable limits on size and on the shape of the tree. Every refusal is an
:class:`XmlError`, a :class:`hoso.errors.CodedError` with a stable code.

Why the shape limits (issue 24): canonicalisation (C14N 1.0, inclusive) renders, for every element, the
namespaces in scope, and libxml2 compares each with those already rendered above it — a cost of about
*elements × namespaces-in-scope²*. A 39 kB file with 1,000 declarations on its root and 1,000 empty
elements took 22 s to verify. Bounding the declarations in scope makes the cost linear in the elements,
and bounding the elements (and attributes) bounds both that cost and the memory of the tree. The
element and attribute bounds are first checked on the bytes (every element needs a ``<``, every
attribute a ``=``), so a file of millions of empty elements is refused before libxml2 allocates a node
for any of them; the exact counts are checked on the parsed tree, before anything canonicalises it.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from lxml import etree

from hoso.errors import CodedError

__all__ = ["XmlError", "XmlLimits", "DEFAULT_LIMITS", "parse", "serialize"]

# libxml2 refuses a single text node above 10,000,000 bytes unless "huge tree" is on. Dossiers carry
# base64 attachments, so above that size we switch huge_tree on; our own limits still hold.
_LIBXML_TEXT_LIMIT = 10_000_000


@dataclass(frozen=True)
class XmlLimits:
    """Limits applied before and after parsing. All configurable (``HOSO_XML_*`` settings).

    The defaults pass every real I-VAN file and everything hoso builds with a wide margin (the real
    envelope: 57 elements, 8 attributes, 5 declarations in scope, depth 7; a D02-TS of 40,000 employees:
    about 480,000 elements) and bound the worst case: see ``docs/security.md``.
    """

    max_bytes: int = 50 * 1024 * 1024
    max_depth: int = 64
    max_elements: int = 500_000
    max_attributes: int = 500_000
    max_namespaces_in_scope: int = 16
    max_text_bytes: int = 32 * 1024 * 1024  # the longest run of characters between two tags


DEFAULT_LIMITS = XmlLimits()


class XmlError(CodedError):
    """The input is not XML this gateway accepts."""


_XML_DECL = re.compile(rb"^<\?xml\s[^>]*?encoding\s*=\s*([\"'])([A-Za-z0-9._\-]+)\1", re.S)
_UTF8_NAMES = {b"utf-8", b"utf8"}


def _check_encoding(data: bytes) -> bytes:
    """Return the document without a UTF-8 BOM; refuse anything that is not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")) or (
        len(data) >= 2 and (data[0] == 0 or data[1] == 0)
    ):
        raise XmlError(
            "XML_ENCODING",
            "Tệp XML không dùng mã hoá UTF-8 (phát hiện UTF-16/UTF-32).",
            "The XML file is not UTF-8 (UTF-16/UTF-32 detected).",
        )
    if data.lstrip()[:5] == b"<?xml":
        end = data.find(b"?>", 0, 4096)
        if end < 0:
            raise XmlError(
                "XML_MALFORMED",
                "Khai báo XML không kết thúc trong 4096 byte đầu.",
                "The XML declaration does not end within the first 4096 bytes.",
            )
        declaration = data[: end + 2].lstrip()
        match = _XML_DECL.match(declaration)
        if match is None and b"encoding" in declaration:
            raise XmlError(
                "XML_ENCODING",
                "Không đọc được mã hoá khai báo trong tệp XML; chỉ chấp nhận UTF-8.",
                "The declared encoding of the XML file cannot be read; only UTF-8 is accepted.",
            )
        if match and match.group(2).lower() not in _UTF8_NAMES:
            name = match.group(2).decode("ascii", "replace")
            raise XmlError(
                "XML_ENCODING",
                f"Tệp XML khai báo mã hoá {name}; chỉ chấp nhận UTF-8.",
                f"The XML file declares the encoding {name}; only UTF-8 is accepted.",
                encoding=name,
            )
    return data


_local = threading.local()


def _parser(huge: bool) -> etree.XMLParser:
    key = "huge" if huge else "normal"
    parser = getattr(_local, key, None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            huge_tree=huge,
            remove_blank_text=False,
            remove_comments=False,
            remove_pis=False,
            strip_cdata=True,
            collect_ids=False,
        )
        setattr(_local, key, parser)
    return parser


@functools.lru_cache(maxsize=16)
def _depth_probe(depth: int) -> etree.XPath:
    return etree.XPath("boolean(" + "/".join(["*"] * depth) + ")")


def parse(data: bytes, *, limits: XmlLimits = DEFAULT_LIMITS) -> etree._Element:
    """Parse untrusted XML bytes and return the root element.

    Raises :class:`XmlError` with one of the codes ``XML_EMPTY``, ``XML_TOO_LARGE``, ``XML_ENCODING``,
    ``XML_DTD_FORBIDDEN``, ``XML_MALFORMED``, ``XML_TOO_DEEP``, ``XML_TOO_MANY_ELEMENTS``,
    ``XML_TOO_MANY_ATTRIBUTES``, ``XML_TOO_MANY_NAMESPACES``, ``XML_TEXT_TOO_LARGE``.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse() takes bytes")
    data = bytes(data)
    if len(data) > limits.max_bytes:
        raise XmlError(
            "XML_TOO_LARGE",
            f"Tệp XML quá lớn ({len(data)} byte, tối đa {limits.max_bytes} byte).",
            f"The XML file is too large ({len(data)} bytes, at most {limits.max_bytes}).",
            size=len(data),
            limit=limits.max_bytes,
        )
    if not data.strip():
        raise XmlError("XML_EMPTY", "Tệp XML rỗng.", "The XML file is empty.")
    data = _check_encoding(data)
    _check_markup(data, limits)
    # Refuse DTDs and entity declarations before libxml2 sees them (no internal subset processing).
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data or b"<!doctype" in data:
        raise XmlError(
            "XML_DTD_FORBIDDEN",
            "Tệp XML chứa DOCTYPE/ENTITY; không được phép (chống tấn công thực thể ngoài).",
            "The XML file contains a DOCTYPE/ENTITY declaration, which is forbidden (XXE defence).",
        )
    try:
        root = etree.fromstring(data, parser=_parser(len(data) > _LIBXML_TEXT_LIMIT))
    except etree.XMLSyntaxError as exc:
        raise XmlError(
            "XML_MALFORMED",
            f"Tệp XML không đúng cú pháp: {exc}",
            f"The XML file is not well-formed: {exc}",
        ) from None
    if root is None:  # pragma: no cover - lxml raises first
        raise XmlError("XML_EMPTY", "Tệp XML rỗng.", "The XML file is empty.")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise XmlError(
            "XML_DTD_FORBIDDEN",
            "Tệp XML chứa DOCTYPE; không được phép.",
            "The XML file contains a DOCTYPE, which is forbidden.",
        )
    # Depth: "*/*/.../*" (max_depth steps) selects the elements at that depth below the root; libxml2
    # evaluates it level by level in C, visiting each element at most once.
    if _depth_probe(limits.max_depth)(root):
        raise XmlError(
            "XML_TOO_DEEP",
            f"Tệp XML lồng quá sâu (tối đa {limits.max_depth} cấp).",
            f"The XML file is nested too deeply (at most {limits.max_depth} levels).",
            limit=limits.max_depth,
        )
    _check_shape(root, limits)
    return root


_ADVICE = (
    "Kiểm tra phần mềm kê khai đã tạo tệp đúng mẫu; nếu hồ sơ thật sự lớn, tách thành nhiều hồ sơ rồi gửi lại.",
    "Check that the filing software produced the file in the prescribed form; if the dossier really is "
    "this large, split it into several dossiers and send them again.",
)


def _vi_number(value: int) -> str:
    """12.345 (Vietnamese groups thousands with a dot)."""
    return f"{value:,}".replace(",", ".")


def _too_many(code: str, what_vi: str, what_en: str, found: int | None, limit: int) -> XmlError:
    counted_vi = f"{_vi_number(found)} " if found is not None else "quá nhiều "
    counted_en = f"{found:,} " if found is not None else "too many "
    return XmlError(
        code,
        f"Tệp XML có {counted_vi}{what_vi}, vượt giới hạn {_vi_number(limit)} cho một tệp.",
        f"The XML file has {counted_en}{what_en}, above the limit of {limit:,} for one file.",
        limit=limit,
        **({"found": found} if found is not None else {}),
        advice=_ADVICE[0],
        advice_en=_ADVICE[1],
    )


def _check_markup(data: bytes, limits: XmlLimits) -> None:
    """Bounds checked on the bytes, before libxml2 allocates anything.

    Every element needs a ``<`` and every attribute a ``=``, so these counts bound what the tree can
    hold; twice the limit leaves room for end tags (and for ``=`` in text) in any file that is within
    the exact limits checked after parsing.
    """
    # A count cannot exceed the file's length: a file shorter than the bound needs no pass over its bytes
    # (a 380 kB envelope: 240 µs saved on every reception).
    if len(data) > 2 * limits.max_elements + 16 and data.count(b"<") > 2 * limits.max_elements + 16:
        raise _too_many("XML_TOO_MANY_ELEMENTS", "thẻ phần tử", "element tags", None, limits.max_elements)
    if len(data) > 2 * limits.max_attributes + 16 and data.count(b"=") > 2 * limits.max_attributes + 16:
        raise _too_many("XML_TOO_MANY_ATTRIBUTES", "thuộc tính", "attributes", None, limits.max_attributes)
    if len(data) > limits.max_text_bytes:
        longest = max(map(len, data.split(b"<")))
        if longest > limits.max_text_bytes:
            raise XmlError(
                "XML_TEXT_TOO_LARGE",
                f"Tệp XML có một đoạn nội dung dài {_vi_number(longest)} byte, vượt giới hạn {_vi_number(limits.max_text_bytes)} byte.",
                f"The XML file has a run of text of {longest} bytes, above the limit of "
                f"{limits.max_text_bytes} bytes.",
                limit=limits.max_text_bytes,
                advice=_ADVICE[0],
                advice_en=_ADVICE[1],
            )


_COUNT_ELEMENTS = etree.XPath("count(//*)")
_COUNT_ATTRIBUTES = etree.XPath("count(//@*)")


def _check_shape(root: etree._Element, limits: XmlLimits) -> None:
    """The exact counts, on the tree, before any canonicalisation (each a pass in C, linear)."""
    elements = int(_COUNT_ELEMENTS(root))
    if elements > limits.max_elements:
        raise _too_many("XML_TOO_MANY_ELEMENTS", "phần tử", "elements", elements, limits.max_elements)
    attributes = int(_COUNT_ATTRIBUTES(root))
    if attributes > limits.max_attributes:
        raise _too_many(
            "XML_TOO_MANY_ATTRIBUTES", "thuộc tính", "attributes", attributes, limits.max_attributes
        )
    in_scope = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start-ns", "end-ns")):
        if event == "start-ns":
            in_scope += 1
            if in_scope > deepest:
                deepest = in_scope
                if deepest > limits.max_namespaces_in_scope:
                    raise XmlError(
                        "XML_TOO_MANY_NAMESPACES",
                        f"Tệp XML khai báo hơn {limits.max_namespaces_in_scope} không gian tên (namespace) "
                        "có hiệu lực cùng lúc cho một phần tử.",
                        f"The XML file declares more than {limits.max_namespaces_in_scope} namespaces in "
                        "scope at one element.",
                        limit=limits.max_namespaces_in_scope,
                        advice=_ADVICE[0],
                        advice_en=_ADVICE[1],
                    )
        else:
            in_scope -= 1


def serialize(element: etree._Element) -> bytes:
    """Serialize an element as UTF-8 XML with a declaration."""
    return etree.tostring(element, encoding="utf-8", xml_declaration=True)
