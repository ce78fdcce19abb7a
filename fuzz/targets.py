"""The fuzz targets: each takes bytes and must end normally or with a coded error.

Every hoso module a target reaches is imported here, at the top, so that importing this module inside
``atheris.instrument_imports`` (fuzz/run.py) instruments all of them: a module first imported later, inside
a target, would run without coverage feedback. Seeds are made elsewhere (fuzz/seeds.py): this module is
what the fuzzing process loads, and it imports nothing but the code under test.
"""

from __future__ import annotations

import base64
import os
import sys
from datetime import UTC, datetime

from hoso import xmlsafe
from hoso.barcode import read_texts
from hoso.dossier import check_envelope, is_envelope, parse_envelope, read_form
from hoso.errors import CodedError
from hoso.policy import load_policy
from hoso.signature import TrustStore
from hoso.signature import verify as verify_xml
from hoso.signature.report import REASONS
from hoso.signature.verify import signer_info
from hoso.signature.xmldsig import ProfileViolation, _load_cert

# A fixed validation time (reproducible crashes): inside the validity of the real I-VAN vectors'
# certificate (2024-09-16 .. 2025-08-30) and of the certificates fuzz/seeds.py makes.
AT = datetime(2024, 10, 1, 3, tzinfo=UTC)
TRUST_ENV = "HOSO_FUZZ_TRUST"  # a folder of anchors (DER) written by fuzz/run.py, or unset: no anchor

_anchors: list | None = None
_caches: list | None = None


def _fresh() -> TrustStore:
    """Forget what the code under test memoises (lru caches, the trust store's verdicts), so that one
    input always runs the same code: libFuzzer's coverage feedback assumes it does, and a cached
    certificate would otherwise be a blind spot for every input after the first that carries it."""
    global _anchors, _caches
    if _caches is None:
        _caches = [
            value
            for name, module in list(sys.modules.items())
            if name.split(".", 1)[0] == "hoso"
            for value in vars(module).values()
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == name
        ]
    for cached in _caches:
        cached.cache_clear()
    if _anchors is None:
        folder = os.environ.get(TRUST_ENV)
        _anchors = TrustStore.from_paths([folder]).anchors if folder else []
    return TrustStore(_anchors)


def envelope(data: bytes) -> None:
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
    report = verify_xml(data, trust=_fresh(), at=AT)
    assert report.indication.value != "TOTAL_PASSED" or report.signed_root is not None
    # The verifier turns its own unexpected exceptions into VERIFIER_ERROR (and logs the traceback, which
    # shows in the fuzzer's output): for the fuzzer that is a crash all the same.
    for part in [report, *report.parts]:
        assert part.code != "VERIFIER_ERROR", "the verifier failed unexpectedly (traceback above)"


def barcode(data: bytes) -> None:
    result = read_texts(data.decode("utf-8", errors="replace"))
    for dossier in result.verified:
        assert dossier.envelope  # a verified dossier always has its envelope


def policy(data: bytes) -> None:
    try:
        load_policy(data, known_tags={"thu-so-the", "child-under-6-card"}, source="fuzz")
    except CodedError:
        pass


def certificate(data: bytes) -> None:
    """Arbitrary bytes as the DER of an ``X509Certificate`` element, through the verifier's own loader.

    The loader may refuse only with a coded ``ProfileViolation``; a certificate it accepts must then be
    readable for the signer's details the report shows (``signer_info``), without any exception.
    """
    _fresh()
    text = base64.encodebytes(data).decode("ascii")  # wrapped at 76 columns, as in real files
    try:
        cert = _load_cert(text)
    except ProfileViolation as exc:
        assert exc.code in REASONS, exc.code
        return
    signer_info(cert)


TARGETS = {
    "envelope": envelope,
    "verify": verify,
    "barcode": barcode,
    "policy": policy,
    "certificate": certificate,
}

# libFuzzer's -max_len per target: large enough for the largest real seed (the real I-VAN envelope is
# 121 kB); larger seeds (the 8 MB hostile attribute) are cut to it, as libFuzzer does.
MAX_LEN = {"envelope": 131072, "verify": 131072, "barcode": 65536, "policy": 16384, "certificate": 8192}
