"""Issue 24: hostile input within bounds — cost linear in the input, no exception escapes as a server
error, a CPU budget per verification, memory bounded.

The attack that found it: many namespace declarations on the root and many small elements make
inclusive C14N cost about elements × declarations² (21.8 s for 39 kB before the limits). Every shape
here is built by :func:`heavy`, the issue's generator.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID, ObjectIdentifier
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoso import xmlsafe
from hoso.signature import Indication, TrustStore, VerifyPolicy, verify
from hoso.testing.envelopes import envelope
from tests.pki_fixtures import test_pki  # noqa: F401 — the session PKI

ROOT = Path(__file__).resolve().parents[2]
REAL_VECTORS = ROOT / ".." / "shared" / "vectors" / "ivan-real"
AT = datetime(2016, 1, 5, 2, tzinfo=UTC)


def heavy(raw: bytes, *, namespaces: int, elements: int, element: bytes = b"<x/>") -> bytes:
    """The issue's generator: ``xmlns:nI="urn:x:I"`` for I < namespaces on the root element, and
    ``elements`` small elements before the envelope's signature (``CKy_Dvi``) or a form's (``Cky``)."""
    declarations = b"".join(b' xmlns:n%d="urn:x:%d"' % (i, i) for i in range(namespaces))
    raw = re.sub(rb"<(Hoso|[A-Za-z0-9_-]+)([ >/])", lambda m: b"<" + m[1] + declarations + m[2], raw, count=1)
    marker = b"<CKy_Dvi>" if b"<CKy_Dvi>" in raw else b"<Cky>"
    return raw.replace(marker, element * elements + marker, 1)


@pytest.fixture(scope="module")
def valid_envelope(test_pki) -> bytes:  # noqa: F811
    """A valid signed envelope carrying a signed D02-TS of 2,000 employees (≈ 24,000 elements)."""
    return envelope(unit_code="TA0100A", tax_code="0100100100", signer=test_pki.signer(), employees=2000)


# --- 1. the limits, each with its own code, before any canonicalisation ---------------------------------


@pytest.mark.parametrize(
    ("raw", "limits", "code"),
    [
        (b"<Hoso>" + b"<x/>" * 1001 + b"</Hoso>", xmlsafe.XmlLimits(max_elements=1000), "XML_TOO_MANY_ELEMENTS"),
        (b"<Hoso>" + b"<x/>" * 3000 + b"</Hoso>", xmlsafe.XmlLimits(max_elements=1000), "XML_TOO_MANY_ELEMENTS"),
        (b"<Hoso" + b"".join(b' a%d=""' % i for i in range(101)) + b"/>", xmlsafe.XmlLimits(max_attributes=100),
         "XML_TOO_MANY_ATTRIBUTES"),
        (b"<Hoso>" + b'<x a="" b="" c=""/>' * 100 + b"</Hoso>", xmlsafe.XmlLimits(max_attributes=100),
         "XML_TOO_MANY_ATTRIBUTES"),
        (heavy(b"<Hoso><CKy_Dvi/></Hoso>", namespaces=17, elements=1), xmlsafe.XmlLimits(),
         "XML_TOO_MANY_NAMESPACES"),
        # Declarations in scope at once count, not declarations in the file: 100 siblings each declaring
        # one namespace are fine; 17 nested ones are not.
        (b"<Hoso>" + b"".join(b'<a xmlns:p="urn:%d"/>' % i for i in range(100)) + b"</Hoso>", None, None),
        (b"<Hoso>" + b"".join(b'<a xmlns:p%d="urn:x">' % i for i in range(17)) + b"</a>" * 17 + b"</Hoso>",
         xmlsafe.XmlLimits(), "XML_TOO_MANY_NAMESPACES"),
        (b"<Hoso>" + b"A" * 2000 + b"</Hoso>", xmlsafe.XmlLimits(max_text_bytes=1000), "XML_TEXT_TOO_LARGE"),
        (b'<Hoso a="' + b"A" * 2000 + b'"/>', xmlsafe.XmlLimits(max_text_bytes=1000), "XML_TEXT_TOO_LARGE"),
    ],
)  # fmt: skip
def test_each_limit_refuses_with_its_own_code(raw, limits, code):
    if code is None:
        xmlsafe.parse(raw)
        return
    with pytest.raises(xmlsafe.XmlError) as caught:
        xmlsafe.parse(raw, limits=limits)
    assert caught.value.code == code
    assert caught.value.message_vi and caught.value.message_en
    assert caught.value.details["advice"] and caught.value.details["advice_en"]


def test_millions_of_empty_elements_are_refused_before_any_tree_is_built():
    """19.8 MB of ``<x/>`` (the issue's memory shape) is refused on its bytes: milliseconds, no tree."""
    raw = b"<Hoso>" + b"<x/>" * (19_800_000 // 4) + b"</Hoso>"
    started = time.process_time()
    with pytest.raises(xmlsafe.XmlError) as caught:
        xmlsafe.parse(raw)
    assert caught.value.code == "XML_TOO_MANY_ELEMENTS"
    assert time.process_time() - started < 1.0  # a pass over the bytes; parsing it took 5.8 s


def test_every_real_file_and_everything_hoso_builds_passes_the_defaults(valid_envelope):
    real = sorted(REAL_VECTORS.glob("*.xml")) if REAL_VECTORS.is_dir() else []
    for path in real:
        xmlsafe.parse(path.read_bytes())
    large = envelope(unit_code="TA0100A", tax_code="0100100100", employees=20_000)
    for raw in (valid_envelope, large, *_embedded_forms(large)):
        xmlsafe.parse(raw)
    assert real or os.environ.get("CI") is None, "the real I-VAN vectors must be beside the repo in CI"


def _embedded_forms(raw: bytes) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(rb"<NoiDungFile>([^<]+)</NoiDungFile>", raw)]


# --- 2. linear cost: time per kB within a fixed multiple of a valid envelope's ----------------------------

RATIO_BOUND = 60  # measured: at most ≈ 15 on a quiet machine; the quadratic shape was ≈ 5,000


def _cpu_per_kb(raw: bytes, trust: TrustStore) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.process_time()
        verify(raw, trust=trust, at=AT)
        best = min(best, time.process_time() - started)
    return best / (len(raw) / 1024)


@pytest.fixture(scope="module")
def reference(valid_envelope):
    trust = TrustStore.from_paths([])
    report = verify(valid_envelope, trust=trust, at=AT)
    assert report.parts and report.parts[0].kind == "form"  # the form inside is verified too
    return trust, _cpu_per_kb(valid_envelope, trust)


@pytest.fixture(scope="module")
def small_envelope(test_pki) -> bytes:  # noqa: F811
    """A valid signed envelope of three employees (≈ 10 kB): the hostile part dominates what is added."""
    return envelope(unit_code="TA0100A", tax_code="0100100100", signer=test_pki.signer(), employees=3)


# Generated shapes keep elements × declarations² under this, so that a regression (the limits gone)
# makes the test fail in seconds rather than run for hours: about 3 s of C14N at the old cost.
QUADRATIC_CAP = 400_000_000


@st.composite
def hostile_shapes(draw):
    namespaces = draw(st.one_of(st.integers(0, 14), st.integers(15, 2000)))
    elements = draw(st.integers(1000, 120_000))
    elements = max(200, min(elements, QUADRATIC_CAP // max(namespaces, 1) ** 2))
    return namespaces, elements, draw(st.booleans())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=hostile_shapes())
def test_verification_cost_per_kb_stays_within_a_multiple_of_a_valid_envelope(
    reference, small_envelope, shape
):
    """Namespace- and element-heavy documents across sizes (any signature: it fails, so the diagnosis
    runs too): CPU time per kB within a fixed multiple of a valid envelope's, measured in this run."""
    trust, per_kb = reference
    namespaces, elements, nested = shape
    element = b"<x><y/></x>" if nested else b"<x/>"
    raw = heavy(
        small_envelope, namespaces=namespaces, elements=elements // (2 if nested else 1), element=element
    )
    ratio = _cpu_per_kb(raw, trust) / per_kb
    print(f"{namespaces:>5} declarations {elements:>6} elements {len(raw) // 1024:>5} kB: {ratio:5.1f} ×")
    assert ratio < RATIO_BOUND, (
        f"{namespaces} declarations, {elements} elements, {len(raw) // 1024} kB: {ratio:.0f} × the valid "
        f"envelope's cost per kB"
    )


def test_the_issues_shape_is_refused_at_once(valid_envelope, reference):
    trust, per_kb = reference
    raw = heavy(valid_envelope, namespaces=1000, elements=1000)  # 22 s on 39 kB before the limits
    started = time.process_time()
    report = verify(raw, trust=trust, at=AT)
    assert report.code == "XML_TOO_MANY_NAMESPACES" and report.indication is Indication.FAILED
    assert time.process_time() - started < 0.5


# --- 2b. no exception escapes: malformed certificates ----------------------------------------------------


def _certificate_der(*, duplicate_extension: bool = False, version: int | None = None) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Hostile")])
    now = datetime.now(UTC)
    der = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.UnrecognizedExtension(ObjectIdentifier("1.2.3.4.5"), b"\x05\x00"), critical=False)
        .add_extension(x509.UnrecognizedExtension(ObjectIdentifier("1.2.3.4.6"), b"\x05\x00"), critical=False)
        .sign(key, hashes.SHA256())
        .public_bytes(Encoding.DER)
    )
    if duplicate_extension:  # the second OID (1.2.3.4.6) becomes the first: an extension twice
        der = der.replace(b"\x06\x04\x2a\x03\x04\x06", b"\x06\x04\x2a\x03\x04\x05")
    if version is not None:  # v3 (INTEGER 2) becomes an unknown version
        der = der.replace(b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01" + bytes([version]), 1)
    return der


MALFORMED = {
    "duplicated extension": lambda: _certificate_der(duplicate_extension=True),
    "unknown version": lambda: _certificate_der(version=7),
}


def with_certificate(signed: bytes, der: bytes) -> bytes:
    """The signed file with its signer's certificate replaced by ``der`` (everything else unchanged)."""
    pattern = rb"(<(?:ds:)?X509Certificate>)[^<]*(</(?:ds:)?X509Certificate>)"
    replaced, count = re.subn(pattern, lambda m: m[1] + base64.b64encode(der) + m[2], signed)
    assert count >= 1
    return replaced


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_certificate_is_a_coded_failure(valid_envelope, name):
    raw = with_certificate(valid_envelope, MALFORMED[name]())
    report = verify(raw, trust=TrustStore.from_paths([]), at=AT)
    assert report.indication is Indication.FAILED and report.code == "CERTIFICATE_UNREADABLE", report.code


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_the_cli_exits_with_the_verdict_and_no_traceback(valid_envelope, tmp_path, name):
    path = tmp_path / "hostile.xml"
    path.write_bytes(with_certificate(valid_envelope, MALFORMED[name]()))
    result = subprocess.run(
        [sys.executable, "-m", "hoso", "verify", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr[-2000:]  # 1: FAILED
    assert "Traceback" not in result.stderr and "CERTIFICATE_UNREADABLE" in result.stdout


def test_an_unexpected_fault_of_the_verifier_is_indeterminate_and_logged(valid_envelope, monkeypatch, caplog):
    from hoso.signature import xmldsig

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(xmldsig, "crypto_verify", broken)
    report = verify(valid_envelope, trust=TrustStore.from_paths([]), at=AT)
    assert report.indication is Indication.INDETERMINATE and report.code == "VERIFIER_ERROR"
    assert "verification failed unexpectedly" in caplog.text


# --- 3. a CPU budget per verification -----------------------------------------------------------------------


def test_a_verification_past_its_cpu_budget_is_a_coded_failure(valid_envelope):
    raw = heavy(valid_envelope, namespaces=12, elements=200_000)  # within every limit, ≈ 1 s of C14N
    trust = TrustStore.from_paths([])
    tight = VerifyPolicy(cpu_budget_seconds=0.05)
    report = verify(raw, trust=trust, at=AT, policy=tight)
    assert report.indication is Indication.FAILED and report.code == "VERIFY_BUDGET_EXCEEDED"
    assert "0.05" in report.reason
    # The same budget leaves a valid envelope alone.
    assert verify(valid_envelope, trust=trust, at=AT, policy=VerifyPolicy(cpu_budget_seconds=2)).code != (
        "VERIFY_BUDGET_EXCEEDED"
    )


# --- 4. memory bounded ------------------------------------------------------------------------------------

MEMORY_MULTIPLE = 12  # docs/security.md: peak growth under 12 × the upload limit (bench/memory.py: 10.6)
SCALE = 5  # the shapes of bench/memory.py at a fifth of the default limits: 4 MiB, 100,000 elements


@pytest.mark.parametrize(
    "shape", ["empty elements beyond the limit", "elements at the limit", "attributes at the limit"]
)
def test_peak_memory_of_a_verification_is_a_bounded_multiple_of_the_upload_limit(tmp_path, shape):
    """The issue's memory shape at a smaller size (a 19.8 MB file took 655 MB): each verified in a fresh
    process, the growth of its peak resident memory (VmHWM) over its start measured."""
    defaults = xmlsafe.XmlLimits()
    size = 20 * 1024 * 1024 // SCALE
    elements, attributes = defaults.max_elements // SCALE, defaults.max_attributes // SCALE
    if shape == "empty elements beyond the limit":
        raw = b"<Hoso>" + b"<x/>" * ((size - 16) // 4) + b"</Hoso>"
    elif shape == "elements at the limit":
        raw = b"<Hoso>" + (b"<x>" + b"t" * ((size - 9 * elements) // elements) + b"</x>") * (elements - 1)
        raw += b"</Hoso>"
    else:
        value = b"v" * ((size // (attributes // 16) - 20) // 16 - 6)
        raw = (
            b"<Hoso>"
            + (b"<x" + b"".join(b' a%d="%s"' % (i, value) for i in range(16)) + b"/>") * (attributes // 16)
            + b"</Hoso>"
        )
    assert len(raw) <= size
    path = tmp_path / "shape.xml"
    path.write_bytes(raw)
    script = (
        "import sys\n"
        "from hoso import xmlsafe\n"
        "from hoso.signature import TrustStore, VerifyPolicy, verify\n"
        "def peak_kb():\n"
        "    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        f"limits = xmlsafe.XmlLimits(max_bytes={size}, max_elements={elements}, max_attributes={attributes})\n"
        "policy, trust = VerifyPolicy(limits=limits), TrustStore.from_paths([])\n"
        "verify(b'<Hoso/>', trust=trust, policy=policy)\n"
        "before = peak_kb()\n"
        "report = verify(open(sys.argv[1], 'rb').read(), trust=trust, policy=policy)\n"
        "print(report.code, before, peak_kb())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
    code, before_kb, after_kb = result.stdout.split()
    grown = (int(after_kb) - int(before_kb)) * 1024
    assert code == ("XML_TOO_MANY_ELEMENTS" if "beyond" in shape else "NO_SIGNATURE"), code
    assert grown < MEMORY_MULTIPLE * size, (
        f"{shape}: peak grew by {grown // 1024} kB, limit {size // 1024} kB"
    )
    if "beyond" in shape:  # refused on its bytes: little more than the bytes themselves
        assert grown < 2 * size, f"{shape}: peak grew by {grown // 1024} kB"
