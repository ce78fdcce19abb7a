"""The signature profile, and the cryptographic check of one enveloped XMLDSig with libxmlsec1.

The profile (DOMAIN.md §4, issue 3 item 2) is checked *before* any cryptography, so that nothing an
attacker put in ``SignedInfo`` or ``KeyInfo`` (an XSLT, an XPath, a ``RetrievalMethod``, a remote URI,
an HMAC) ever reaches libxmlsec1. libxmlsec1 itself is then restricted to the same algorithm lists.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
DS11 = "http://www.w3.org/2009/xmldsig11#"
_SIG = f"{{{DS}}}Signature"


def _q(name: str) -> str:
    return f"{{{DS}}}{name}"


C14N_INCL = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_INCL_COMMENTS = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
C14N_EXCL = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N_EXCL_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

C14N_METHODS = {
    C14N_INCL: (xmlsec.constants.TransformInclC14N, False, False),
    C14N_INCL_COMMENTS: (xmlsec.constants.TransformInclC14NWithComments, False, True),
    C14N_EXCL: (xmlsec.constants.TransformExclC14N, True, False),
    C14N_EXCL_COMMENTS: (xmlsec.constants.TransformExclC14NWithComments, True, True),
}

# URI -> (xmlsec transform, hash name, weak)
SIGNATURE_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": (xmlsec.constants.TransformRsaSha1, "sha1", True),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": (
        xmlsec.constants.TransformRsaSha256,
        "sha256",
        False,
    ),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": (
        xmlsec.constants.TransformRsaSha384,
        "sha384",
        False,
    ),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": (
        xmlsec.constants.TransformRsaSha512,
        "sha512",
        False,
    ),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1": (xmlsec.constants.TransformEcdsaSha1, "sha1", True),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": (
        xmlsec.constants.TransformEcdsaSha256,
        "sha256",
        False,
    ),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": (
        xmlsec.constants.TransformEcdsaSha384,
        "sha384",
        False,
    ),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": (
        xmlsec.constants.TransformEcdsaSha512,
        "sha512",
        False,
    ),
}
DIGEST_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": (xmlsec.constants.TransformSha1, "sha1", True),
    "http://www.w3.org/2001/04/xmlenc#sha256": (xmlsec.constants.TransformSha256, "sha256", False),
    "http://www.w3.org/2001/04/xmldsig-more#sha384": (xmlsec.constants.TransformSha384, "sha384", False),
    "http://www.w3.org/2001/04/xmlenc#sha512": (xmlsec.constants.TransformSha512, "sha512", False),
}


class ProfileViolation(Exception):
    """A signature outside the accepted profile; ``code`` is a key of report.REASONS."""

    def __init__(self, code: str, **fmt: object) -> None:
        super().__init__(code)
        self.code = code
        self.fmt = fmt


@dataclass
class SignatureFacts:
    """What the profile check learnt about one signature (diagnostic data, no verdict)."""

    element: etree._Element
    c14n: str
    signature_method: str
    digest_methods: list[str]
    weak: list[str]
    certificate: x509.Certificate
    extra_certificates: list[x509.Certificate]
    object_refs: list[str] = field(default_factory=list)
    quirk_objects: list[etree._Element] = field(default_factory=list)
    claimed_signing_time: str | None = None
    # The whole-document reference's digest ("<DigestMethod> <DigestValue>"): what the signature says the
    # signed content hashes to; it identifies that content once crypto_verify has passed.
    document_digest: str = ""


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _path(el: etree._Element) -> str:
    parts = []
    while el is not None:
        parts.append(_local(el.tag) or "?")
        el = el.getparent()
    return "/" + "/".join(reversed(parts))


def find_signatures(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(_SIG))


def locate(root: etree._Element, parent_name: str) -> etree._Element | None:
    """The one signature of the document, in ``<root>/<parent_name>``; raises ProfileViolation.

    Returns None when the document has no signature at all.
    """
    sigs = find_signatures(root)
    if len(sigs) > 1:
        raise ProfileViolation("MULTIPLE_SIGNATURES", count=len(sigs))
    # A second element named like the root (a second Hoso or form) is a wrapping attempt.
    if sum(1 for _ in root.iter(root.tag)) > 1:
        raise ProfileViolation(
            "SIGNATURE_STRUCTURE",
            detail=f"phần tử <{root.tag}> xuất hiện lồng bên trong chính nó",
            detail_en=f"element <{root.tag}> occurs nested inside itself",
        )
    parents = [c for c in root if c.tag == parent_name]
    if len(parents) > 1:
        raise ProfileViolation(
            "SIGNATURE_STRUCTURE",
            detail=f"có {len(parents)} phần tử <{parent_name}>",
            detail_en=f"there are {len(parents)} <{parent_name}> elements",
        )
    if not sigs:
        return None
    sig = sigs[0]
    parent = sig.getparent()
    if parent is None or parent.tag != parent_name or parent.getparent() is not root:
        raise ProfileViolation("SIGNATURE_MISPLACED", path=_path(sig), parent=parent_name)
    return sig


def _digest_text(method: str, value: str | None) -> str:
    """``"<method> <hex digest>"`` of a DigestValue (base64 text normalised), or "" when not base64."""
    try:
        return f"{method} {base64.b64decode(''.join((value or '').split()), validate=True).hex()}"
    except ValueError:  # binascii.Error: crypto_verify refuses the signature
        return ""


def _one(parent: etree._Element, name: str, *, required: bool = True) -> etree._Element | None:
    found = parent.findall(_q(name))
    if len(found) > 1 or (required and not found):
        raise ProfileViolation(
            "SIGNATURE_STRUCTURE",
            detail=f"cần đúng một <{name}> trong <{_local(parent.tag)}>, có {len(found)}",
            detail_en=f"exactly one <{name}> expected in <{_local(parent.tag)}>, found {len(found)}",
        )
    return found[0] if found else None


def _structure(detail: str, detail_en: str) -> ProfileViolation:
    return ProfileViolation("SIGNATURE_STRUCTURE", detail=detail, detail_en=detail_en)


def check_profile(sig: etree._Element, *, at: datetime, weak_until: datetime | None) -> SignatureFacts:
    """Check one ``ds:Signature`` against the profile. Raises ProfileViolation."""
    quirks: list[etree._Element] = []
    claimed: str | None = None
    objects: dict[str, etree._Element] = {}
    seen: list[str] = []
    for child in sig:
        if not isinstance(child.tag, str):
            continue  # comments and PIs inside the signature: not signed, dropped with it
        local = _local(child.tag)
        if child.tag == "Object":
            # The .NET quirk: a no-namespace Object holding a SigningTime. Not covered by any reference
            # (references may only point to ds:Object children, below), removed before libxmlsec1.
            quirks.append(child)
            claimed = claimed or _signing_time(child)
            continue
        if child.tag == _q("Object"):
            if child.get("Id"):
                objects[child.get("Id")] = child
            claimed = claimed or _signing_time(child)
            continue
        if child.tag not in (_q("SignedInfo"), _q("SignatureValue"), _q("KeyInfo")):
            raise _structure(f"phần tử lạ <{local}> trong Signature", f"unexpected <{local}> in Signature")
        seen.append(local)
    if seen[:2] != ["SignedInfo", "SignatureValue"] or len(seen) != len(set(seen)):
        raise _structure(
            "Signature phải gồm SignedInfo, SignatureValue, KeyInfo theo thứ tự",
            "Signature must hold SignedInfo, SignatureValue, KeyInfo in that order",
        )

    signed_info = _one(sig, "SignedInfo")
    # References live in SignedInfo only: a Manifest (whose references libxmlsec1 would dereference,
    # possibly remotely) or a stray Reference anywhere else in the signature is refused.
    if next(sig.iter(_q("Manifest")), None) is not None or any(
        ref.getparent() is not signed_info for ref in sig.iter(_q("Reference"))
    ):
        raise ProfileViolation("RETRIEVAL_FORBIDDEN", detail="Manifest", detail_en="Manifest")
    c14n_el = _one(signed_info, "CanonicalizationMethod")
    c14n = c14n_el.get("Algorithm", "")
    if c14n not in C14N_METHODS:
        raise ProfileViolation("C14N_FORBIDDEN", algorithm=c14n)
    if not _c14n_parameters_ok(c14n_el):
        raise _structure(
            "CanonicalizationMethod có tham số không được phép",
            "CanonicalizationMethod has parameters not allowed",
        )
    sm_el = _one(signed_info, "SignatureMethod")
    sm = sm_el.get("Algorithm", "")
    if "hmac" in sm.lower() or sm_el.find(_q("HMACOutputLength")) is not None:
        raise ProfileViolation("HMAC_FORBIDDEN")
    if sm not in SIGNATURE_METHODS:
        raise ProfileViolation("ALGORITHM_FORBIDDEN", algorithm=sm)
    weak: list[str] = []
    if SIGNATURE_METHODS[sm][2]:
        weak.append(sm)

    references = signed_info.findall(_q("Reference"))
    if [_local(c.tag) for c in signed_info if isinstance(c.tag, str)][:2] != [
        "CanonicalizationMethod",
        "SignatureMethod",
    ] or not references:
        raise _structure("SignedInfo không đúng cấu trúc", "SignedInfo is malformed")
    digests: list[str] = []
    object_refs: list[str] = []
    whole = 0
    document_digest = ""
    for ref in references:
        uri = ref.get("URI")
        if uri is None:
            raise ProfileViolation("REFERENCE_NOT_WHOLE_DOCUMENT", uri="(không có URI)")
        transforms = ref.find(_q("Transforms"))
        algorithms = [t.get("Algorithm", "") for t in transforms] if transforms is not None else []
        for t in transforms if transforms is not None else ():
            if not _c14n_parameters_ok(t):
                raise ProfileViolation("TRANSFORM_FORBIDDEN", algorithm=t.get("Algorithm", "") + " (tham số)")
        for algorithm in algorithms:
            if algorithm != ENVELOPED and algorithm not in C14N_METHODS:
                raise ProfileViolation("TRANSFORM_FORBIDDEN", algorithm=algorithm)
        if uri == "":
            whole += 1
            if ENVELOPED not in algorithms or algorithms.count(ENVELOPED) > 1 or len(algorithms) > 2:
                raise ProfileViolation("TRANSFORM_FORBIDDEN", algorithm=", ".join(algorithms) or "(không có)")
        elif uri.startswith("#") and uri[1:] in objects and ENVELOPED not in algorithms:
            # Signed properties inside this very signature — and only if no other node of the document
            # carries the same identifier (xml:id or a look-alike could be resolved instead).
            if sig.getroottree().getroot().xpath("count(//@*[. = $v])", v=uri[1:]) != 1:
                raise ProfileViolation("REFERENCE_NOT_WHOLE_DOCUMENT", uri=uri)
            object_refs.append(uri[1:])
        elif ":" in uri.split("#", 1)[0] or not uri.startswith("#"):
            raise ProfileViolation("RETRIEVAL_FORBIDDEN", detail=f"URI {uri!r}")
        else:
            raise ProfileViolation("REFERENCE_NOT_WHOLE_DOCUMENT", uri=uri)
        dm_el = _one(ref, "DigestMethod")
        dm = dm_el.get("Algorithm", "")
        if dm not in DIGEST_METHODS:
            raise ProfileViolation("ALGORITHM_FORBIDDEN", algorithm=dm)
        if DIGEST_METHODS[dm][2]:
            weak.append(dm)
        digests.append(dm)
        value = _one(ref, "DigestValue")
        if uri == "":
            document_digest = _digest_text(dm, value.text)
    if whole != 1:
        raise ProfileViolation("REFERENCE_NOT_WHOLE_DOCUMENT", uri=f'{whole} tham chiếu URI=""')
    if weak and (weak_until is None or at > weak_until):
        until = weak_until.date().isoformat() if weak_until else "—"
        raise ProfileViolation("WEAK_ALGORITHM", algorithm=", ".join(sorted(set(weak))), until=until)

    key_info = _one(sig, "KeyInfo", required=False)
    if key_info is None:
        raise ProfileViolation("NO_CERTIFICATE")
    certs: list[x509.Certificate] = []
    key_values: list[etree._Element] = []
    for child in key_info:
        if not isinstance(child.tag, str):
            continue
        local = _local(child.tag)
        if local == "RetrievalMethod" or child.get("URI") is not None:
            raise ProfileViolation(
                "RETRIEVAL_FORBIDDEN", detail="RetrievalMethod", detail_en="RetrievalMethod"
            )
        if child.tag == _q("X509Data"):
            for item in child:
                if item.tag == _q("X509Certificate"):
                    certs.append(_load_cert(item.text or ""))
        elif child.tag == _q("KeyValue"):
            key_values.append(child)
        elif child.tag != _q("KeyName"):
            raise _structure(f"phần tử lạ <{local}> trong KeyInfo", f"unexpected <{local}> in KeyInfo")
    if not certs:
        raise ProfileViolation("NO_CERTIFICATE")
    signer = _pick_signer(certs)
    for kv in key_values:
        if not _key_value_matches(kv, signer):
            raise ProfileViolation("KEYVALUE_MISMATCH")
    return SignatureFacts(
        element=sig,
        c14n=c14n,
        signature_method=sm,
        digest_methods=digests,
        weak=sorted(set(weak)),
        certificate=signer,
        extra_certificates=[c for c in certs if c is not signer],
        object_refs=object_refs,
        quirk_objects=quirks,
        claimed_signing_time=claimed,
        document_digest=document_digest,
    )


EXC_C14N_NS = "http://www.w3.org/2001/10/xml-exc-c14n#"


def _c14n_parameters_ok(method: etree._Element) -> bool:
    """No parameters, except exclusive C14N's one ``InclusiveNamespaces PrefixList``."""
    children = [c for c in method if isinstance(c.tag, str)]
    if not children:
        return True
    return (
        method.get("Algorithm") in (C14N_EXCL, C14N_EXCL_COMMENTS)
        and len(children) == 1
        and children[0].tag == f"{{{EXC_C14N_NS}}}InclusiveNamespaces"
        and len(children[0]) == 0
    )


def _prefix_list(method: etree._Element | None) -> list[str] | None:
    if method is None:
        return None
    el = method.find(f"{{{EXC_C14N_NS}}}InclusiveNamespaces")
    if el is None:
        return None
    return [p if p != "#default" else "" for p in (el.get("PrefixList") or "").split()]


def _signing_time(obj: etree._Element) -> str | None:
    for el in obj.iter():
        if _local(el.tag) == "SigningTime" and el.text:
            return el.text.strip()
    return None


def _load_cert(text: str) -> x509.Certificate:
    return _load_cert_cached("".join(text.split()))


@functools.lru_cache(maxsize=4096)
def _load_cert_cached(b64: str) -> x509.Certificate:
    """Certificates repeat across a unit's dossiers: parse each once (keyed by its exact base64)."""
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(b64, validate=True))
        # Parsing is lazy: touch every field used later, so a damaged certificate fails here, coded.
        cert.subject.rfc4514_string()
        cert.issuer.rfc4514_string()
        cert.public_key()
        cert.extensions  # noqa: B018
        cert.not_valid_before_utc  # noqa: B018
        cert.not_valid_after_utc  # noqa: B018
        return cert
    except Exception as exc:  # noqa: BLE001 - any failure to read hostile DER is the same verdict
        # cryptography raises ValueError for most damage, but InvalidVersion (an unknown version number)
        # and DuplicateExtension (an extension twice) are plain Exceptions: whatever the parser says, the
        # certificate cannot be read, and the verdict is coded (issue 24), never a server error.
        raise ProfileViolation("CERTIFICATE_UNREADABLE", detail=short_reason(exc)) from None


def short_reason(exc: BaseException) -> str:
    """An exception as one short line for a reason text (the parser's words, without a traceback)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


@functools.lru_cache(maxsize=4096)
def _xmlsec_key(cert: x509.Certificate) -> xmlsec.Key:
    """The verification key: the certificate's public key alone. python-xmlsec duplicates the key into
    each context; a key loaded from the whole certificate carries the certificate, which is copied (and
    decoded again) on every duplication, 50 times the cost. The certificate is judged by the trust store,
    never by xmlsec."""
    return xmlsec.Key.from_memory(
        cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
        xmlsec.constants.KeyDataFormatDer,
        None,
    )


def _pick_signer(certs: list[x509.Certificate]) -> x509.Certificate:
    """The end-entity among the certificates: the one that issued none of the others."""
    if len(certs) == 1:
        return certs[0]
    issuers = {c.issuer for c in certs}
    leaves = [c for c in certs if c.subject not in issuers]
    return leaves[0] if leaves else certs[0]


def _b64int(el: etree._Element | None) -> int | None:
    if el is None or not el.text:
        return None
    try:
        return int.from_bytes(base64.b64decode("".join(el.text.split()), validate=True), "big")
    except (ValueError, binascii.Error):
        return None


def _key_value_matches(key_value: etree._Element, cert: x509.Certificate) -> bool:
    public = cert.public_key()
    rsa_el = key_value.find(_q("RSAKeyValue"))
    if rsa_el is not None:
        if not isinstance(public, rsa.RSAPublicKey):
            return False
        numbers = public.public_numbers()
        return _b64int(rsa_el.find(_q("Modulus"))) == numbers.n and _b64int(rsa_el.find(_q("Exponent"))) == (
            numbers.e
        )
    ec_el = key_value.find(f"{{{DS11}}}ECKeyValue")
    if ec_el is not None:
        if not isinstance(public, ec.EllipticCurvePublicKey):
            return False
        point = ec_el.find(f"{{{DS11}}}PublicKey")
        try:
            raw = base64.b64decode("".join((point.text or "").split()), validate=True)
        except (ValueError, binascii.Error, AttributeError):
            return False
        return raw == public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return False  # DSAKeyValue or anything else: not our key


def crypto_verify(
    root: etree._Element, facts: SignatureFacts, *, before_diagnosis: Callable[[], None] | None = None
) -> str | None:
    """Verify with libxmlsec1. Returns None when valid, else ``HASH_FAILURE`` or ``SIG_CRYPTO_FAILURE``.

    ``before_diagnosis`` runs between a failed verification and the digest recomputation that tells the
    two apart (the verifier's CPU budget is checked there: the diagnosis canonicalises the document
    again).

    The no-namespace Object quirk is removed first: it lies inside the enveloped signature (so outside
    the signed data) and no reference may point to it, so removing it changes nothing that is signed.
    """
    sig = facts.element
    for quirk in facts.quirk_objects:
        sig.remove(quirk)
    ctx = xmlsec.SignatureContext()
    for uri in (facts.c14n, facts.signature_method):
        table = C14N_METHODS if uri in C14N_METHODS else SIGNATURE_METHODS
        ctx.enable_signature_transform(table[uri][0])
    ctx.enable_reference_transform(xmlsec.constants.TransformEnveloped)
    for transform, _, _ in C14N_METHODS.values():
        ctx.enable_reference_transform(transform)
    for dm in set(facts.digest_methods):
        ctx.enable_reference_transform(DIGEST_METHODS[dm][0])
    if facts.object_refs:
        for child in sig.iterchildren(_q("Object")):
            if child.get("Id") in facts.object_refs:
                try:
                    ctx.register_id(child, "Id")
                except xmlsec.Error:
                    return "SIG_CRYPTO_FAILURE"
    try:
        ctx.key = _xmlsec_key(facts.certificate)
    except xmlsec.Error:  # a public key libxmlsec1 cannot use (an unsupported type or size)
        return "SIG_CRYPTO_FAILURE"
    try:
        ctx.verify(sig)
        return None
    except xmlsec.Error:
        if before_diagnosis is not None:
            before_diagnosis()
        return _diagnose(root, facts)


def _diagnose(root: etree._Element, facts: SignatureFacts) -> str:
    """After a failure: recompute the reference digests to tell HASH_FAILURE from SIG_CRYPTO_FAILURE."""
    sig = facts.element
    try:
        for ref in sig.find(_q("SignedInfo")).iterfind(_q("Reference")):
            uri = ref.get("URI")
            algorithms = [t.get("Algorithm") for t in ref.iterfind(f"{_q('Transforms')}/{_q('Transform')}")]
            exclusive = any(a in (C14N_EXCL, C14N_EXCL_COMMENTS) for a in algorithms)
            method = next(
                (
                    t
                    for t in ref.iterfind(f"{_q('Transforms')}/{_q('Transform')}")
                    if t.get("Algorithm") != ENVELOPED
                ),
                None,
            )
            prefixes = _prefix_list(method) if exclusive else None
            hash_name = DIGEST_METHODS[ref.find(_q("DigestMethod")).get("Algorithm")][1]
            if uri == "":
                data = canonical_without(root, sig, exclusive=exclusive, prefixes=prefixes)
            else:
                target = next(o for o in sig.iterchildren(_q("Object")) if o.get("Id") == uri[1:])
                data = c14n_subtree(target, exclusive=exclusive, prefixes=prefixes)
            expected = base64.b64decode("".join((ref.findtext(_q("DigestValue")) or "").split()))
            if hashlib.new(hash_name, data).digest() != expected:
                return "HASH_FAILURE"
    except Exception:  # noqa: BLE001 - diagnosis only; the verdict is a failure either way
        return "SIG_CRYPTO_FAILURE"
    return "SIG_CRYPTO_FAILURE"


def c14n_subtree(
    element: etree._Element, *, exclusive: bool = False, prefixes: list[str] | None = None
) -> bytes:
    """Canonical form of the document subset rooted at ``element`` (e.g. ``SignedInfo``).

    lxml's ``tostring(element, method="c14n")`` on a sub-element emits spurious ``xmlns=""`` (libxml2
    2.14 as bundled), so the subtree is copied into a fresh document whose root declares every
    namespace in scope at ``element`` — exactly what inclusive C14N of that subset renders.
    """
    copy = etree.Element(element.tag, attrib=dict(element.attrib), nsmap=element.nsmap)
    copy.text = element.text
    for child in element:
        copy.append(deepcopy(child))
    return etree.tostring(
        copy, method="c14n", exclusive=exclusive, with_comments=False, inclusive_ns_prefixes=prefixes
    )


def canonical_without(
    root: etree._Element, sig: etree._Element, *, exclusive: bool = False, prefixes: list[str] | None = None
) -> bytes:
    """The canonical form of the document with ``sig`` removed (what an enveloped reference digests)."""
    parent = sig.getparent()
    index = parent.index(sig)
    tail = sig.tail
    sig.tail = None
    parent.remove(sig)
    try:
        return etree.tostring(
            root.getroottree(),
            method="c14n",
            exclusive=exclusive,
            with_comments=False,
            inclusive_ns_prefixes=prefixes,
        )
    finally:
        parent.insert(index, sig)
        sig.tail = tail


def extract_signed(root: etree._Element, sig: etree._Element) -> etree._Element:
    """Turn the verified tree into its signed content: signature and comments taken out (in place)."""
    _remove_keep_tail(sig)
    for comment in list(root.iter(etree.Comment)):
        _remove_keep_tail(comment)
    return root


def _remove_keep_tail(node: etree._Element) -> None:
    parent = node.getparent()
    tail = node.tail
    previous = node.getprevious()
    parent.remove(node)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
