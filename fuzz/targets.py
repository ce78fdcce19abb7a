"""The fuzz targets: each takes bytes and must end normally or with a coded error."""

from __future__ import annotations

from hoso.errors import CodedError

_TRUST = None


def envelope(data: bytes) -> None:
    from hoso import xmlsafe
    from hoso.dossier import check_envelope, is_envelope, parse_envelope, read_form

    try:
        root = xmlsafe.parse(data)
        if not is_envelope(root):
            return
        hoso = parse_envelope(root)
        check_envelope(hoso)
        for item in hoso.info.files:
            if item.is_xml:
                read_form(item.content())
    except CodedError:
        pass


def verify(data: bytes) -> None:
    global _TRUST
    from hoso.signature import TrustStore
    from hoso.signature import verify as verify_xml

    if _TRUST is None:
        _TRUST = TrustStore([])
    report = verify_xml(data, trust=_TRUST)
    assert report.indication.value != "TOTAL_PASSED" or report.signed_root is not None


def barcode(data: bytes) -> None:
    from hoso.barcode import read_texts

    result = read_texts(data.decode("utf-8", errors="replace"))
    for dossier in result.verified:
        assert dossier.envelope  # a verified dossier always has its envelope


def policy(data: bytes) -> None:
    from hoso.policy import load_policy

    try:
        load_policy(data, known_tags={"thu-so-the", "child-under-6-card"}, source="fuzz")
    except CodedError:
        pass


TARGETS = {"envelope": envelope, "verify": verify, "barcode": barcode, "policy": policy}


def seeds() -> dict[str, list[bytes]]:
    """Valid inputs of each kind, made at run time, for the fuzzer to mutate."""
    from hoso.barcode import make_chunks
    from hoso.policy import builtin_text
    from hoso.testing.envelopes import children_list
    from hoso.testing.envelopes import envelope as make_envelope

    plain = make_envelope(unit_code="HB00001", tax_code="0101234567", employees=2)
    return {
        "envelope": [plain, children_list("00379", [("Bé", "01/01/2015", "1")])],
        "verify": [plain],
        "barcode": ["\n".join(make_chunks(plain)).encode()],
        "policy": [builtin_text("2671-bhxh-cntt.toml").encode(), builtin_text("baseline.toml").encode()],
    }
