"""Signing in the real I-VAN profile: enveloped XMLDSig at ``<Root>/Cky`` (a form) or ``Hoso/CKy_Dvi``.

``Reference URI=""`` with the enveloped-signature transform, inclusive C14N 1.0, RSA-SHA256 (or
ECDSA-SHA256) and SHA-256, ``KeyInfo`` with ``KeyValue`` and the X.509 certificate — the shape of real
files. The XML work (canonicalization, digest, ``SignedInfo``) is done here with lxml; only the raw
signature of the canonical ``SignedInfo`` comes from the key holder, so a PKCS#12 file and a PKCS#11
token (whose key never leaves it) share one code path. Output verifies with libxmlsec1 / ``xmlsec1``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs12
from lxml import etree

from hoso import dossier, xmlsafe
from hoso.errors import CodedError
from hoso.signature.xmldsig import C14N_EXCL, C14N_INCL, DS, DS11, ENVELOPED, c14n_subtree

_SIG_METHODS = {
    ("rsa", "sha256"): "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    ("rsa", "sha384"): "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    ("rsa", "sha512"): "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    ("rsa", "sha1"): "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    ("ec", "sha256"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    ("ec", "sha384"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    ("ec", "sha512"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
}
_DIGESTS = {
    "sha1": "http://www.w3.org/2000/09/xmldsig#sha1",
    "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha384": "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "sha512": "http://www.w3.org/2001/04/xmlenc#sha512",
}
_HASHES = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class SignError(CodedError):
    """Signing could not be done."""


class Signer(Protocol):
    """A key holder: its certificate (and chain) and a raw XMLDSig signature over bytes."""

    certificate: x509.Certificate
    chain: list[x509.Certificate]

    @property
    def key_type(self) -> str:  # "rsa" | "ec"
        ...

    def sign(self, data: bytes, hash_name: str) -> bytes:
        """RSA: PKCS#1 v1.5 signature; EC: r||s (XMLDSig form), each of the curve's size."""
        ...


def _key_type(cert: x509.Certificate) -> str:
    public = cert.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        return "rsa"
    if isinstance(public, ec.EllipticCurvePublicKey):
        return "ec"
    raise SignError(
        "SIGN_KEY_TYPE",
        "Chỉ hỗ trợ khoá RSA hoặc ECDSA.",
        "Only RSA or ECDSA keys are supported.",
    )


class Pkcs12Signer:
    """A key and certificate from a PKCS#12 (.p12 / .pfx) file."""

    def __init__(self, key, certificate: x509.Certificate, chain: list[x509.Certificate] | None = None):
        self.key = key
        self.certificate = certificate
        self.chain = chain or []
        self.key_type = _key_type(certificate)

    @classmethod
    def from_file(cls, path: str | Path, password: str | bytes | None) -> Pkcs12Signer:
        data = Path(path).read_bytes()
        pw = password.encode() if isinstance(password, str) else password
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, pw)
        except ValueError:
            raise SignError(
                "SIGN_P12_UNREADABLE",
                "Không mở được tệp PKCS#12 (sai mật khẩu hoặc tệp hỏng).",
                "Cannot open the PKCS#12 file (wrong password or damaged file).",
            ) from None
        if key is None or cert is None:
            raise SignError(
                "SIGN_P12_INCOMPLETE",
                "Tệp PKCS#12 không có khoá bí mật hoặc chứng thư số.",
                "The PKCS#12 file has no private key or no certificate.",
            )
        return cls(key, cert, list(extra or []))

    def sign(self, data: bytes, hash_name: str) -> bytes:
        algorithm = _HASHES[hash_name]()
        if self.key_type == "rsa":
            return self.key.sign(data, padding.PKCS1v15(), algorithm)
        der = self.key.sign(data, ec.ECDSA(algorithm))
        r, s = decode_dss_signature(der)
        size = (self.key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")


class Pkcs11Signer:
    """A key on a PKCS#11 token (smart card, USB token, HSM; SoftHSM2 in tests). The key stays there.

    The certificate is read from the token (same label or ID as the key) unless ``certificate`` is given.
    """

    def __init__(
        self,
        lib_path: str,
        token_label: str,
        pin: str,
        *,
        key_label: str | None = None,
        certificate: x509.Certificate | None = None,
        chain: list[x509.Certificate] | None = None,
    ) -> None:
        import pkcs11
        from pkcs11 import Attribute, ObjectClass

        try:
            lib = pkcs11.lib(lib_path)
            token = lib.get_token(token_label=token_label)
            try:
                self._session = token.open(user_pin=pin)
            except pkcs11.exceptions.UserAlreadyLoggedIn:  # another session of this process logged in:
                self._session = token.open()  # the login is the process's, every session shares it
        except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
            raise SignError(
                "SIGN_TOKEN",
                f"Không mở được token PKCS#11 {token_label!r}: {type(exc).__name__} {exc}",
                f"Cannot open PKCS#11 token {token_label!r}: {type(exc).__name__} {exc}",
            ) from None
        query = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
        if key_label:
            query[Attribute.LABEL] = key_label
        keys = list(self._session.get_objects(query))
        if len(keys) != 1:
            raise SignError(
                "SIGN_TOKEN_KEY",
                f"Token có {len(keys)} khoá bí mật phù hợp; cần đúng một (chỉ định --key-label).",
                f"The token has {len(keys)} matching private keys; exactly one is needed (use --key-label).",
            )
        self._key = keys[0]
        if certificate is None:
            cert_query = {Attribute.CLASS: ObjectClass.CERTIFICATE}
            try:
                cert_query[Attribute.ID] = self._key[Attribute.ID]
            except (KeyError, pkcs11.PKCS11Error):
                if key_label:
                    cert_query[Attribute.LABEL] = key_label
            certs = list(self._session.get_objects(cert_query))
            if not certs:
                raise SignError(
                    "SIGN_TOKEN_CERT",
                    "Không tìm thấy chứng thư số trên token; chỉ định --cert.",
                    "No certificate found on the token; give --cert.",
                )
            certificate = x509.load_der_x509_certificate(bytes(certs[0][Attribute.VALUE]))
        self.certificate = certificate
        self.chain = chain or []
        self.key_type = _key_type(certificate)

    def sign(self, data: bytes, hash_name: str) -> bytes:
        from pkcs11 import Mechanism

        if self.key_type == "rsa":
            mechanism = {
                "sha1": Mechanism.SHA1_RSA_PKCS,
                "sha256": Mechanism.SHA256_RSA_PKCS,
                "sha384": Mechanism.SHA384_RSA_PKCS,
                "sha512": Mechanism.SHA512_RSA_PKCS,
            }[hash_name]
            return bytes(self._key.sign(data, mechanism=mechanism))
        digest = hashlib.new(hash_name, data).digest()
        return bytes(self._key.sign(digest, mechanism=Mechanism.ECDSA))  # already r||s

    def close(self) -> None:
        self._session.close()


def _ds(tag: str) -> str:
    return f"{{{DS}}}{tag}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def sign_xml(
    xml_bytes: bytes,
    signer: Signer,
    *,
    hash_name: str = "sha256",
    exclusive: bool = False,
    include_key_value: bool = True,
    include_chain: bool = True,
) -> bytes:
    """Sign a form (at ``Cky``) or an envelope ``Hoso`` (at ``CKy_Dvi``); return the signed bytes.

    The signature parent is created as the last child of the root if absent. A file already signed
    is refused (``SIGN_ALREADY_SIGNED``).
    """
    return sign_tree(
        xmlsafe.parse(xml_bytes),
        signer,
        hash_name=hash_name,
        exclusive=exclusive,
        include_key_value=include_key_value,
        include_chain=include_chain,
    )


def sign_tree(
    root: etree._Element,
    signer: Signer,
    *,
    hash_name: str = "sha256",
    exclusive: bool = False,
    include_key_value: bool = True,
    include_chain: bool = True,
) -> bytes:
    """Like :func:`sign_xml`, on a tree built in memory (a receipt), which it changes: the bytes are
    those ``sign_xml`` would give for the tree's serialisation, without parsing it again."""
    parent_name = dossier.ENVELOPE_SIGNATURE_PARENT if root.tag == dossier.ENVELOPE_ROOT else "Cky"
    if next(root.iter(_ds("Signature")), None) is not None:
        raise SignError("SIGN_ALREADY_SIGNED", "Tệp đã có chữ ký số.", "The file is already signed.")
    parents = [c for c in root if c.tag == parent_name]
    if len(parents) > 1:
        raise SignError(
            "SIGN_STRUCTURE",
            f"Tệp có {len(parents)} phần tử <{parent_name}>.",
            f"The file has {len(parents)} <{parent_name}> elements.",
        )
    parent = parents[0] if parents else etree.SubElement(root, parent_name)
    key_type = signer.key_type
    if (key_type, hash_name) not in _SIG_METHODS:
        raise SignError("SIGN_ALGORITHM", "Thuật toán không được hỗ trợ.", "Unsupported algorithm.")
    c14n = C14N_EXCL if exclusive else C14N_INCL

    # Digest of the document as the enveloped transform will see it (signature absent).
    canonical = etree.tostring(root.getroottree(), method="c14n", exclusive=exclusive, with_comments=False)
    digest = hashlib.new(hash_name, canonical).digest()

    sig = etree.SubElement(parent, _ds("Signature"), nsmap={None: DS})
    sig.set("Id", f"sig-{uuid.uuid4()}")
    signed_info = etree.SubElement(sig, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod")).set("Algorithm", c14n)
    etree.SubElement(signed_info, _ds("SignatureMethod")).set(
        "Algorithm", _SIG_METHODS[(key_type, hash_name)]
    )
    ref = etree.SubElement(signed_info, _ds("Reference"))
    ref.set("URI", "")
    transforms = etree.SubElement(ref, _ds("Transforms"))
    etree.SubElement(transforms, _ds("Transform")).set("Algorithm", ENVELOPED)
    if exclusive:
        etree.SubElement(transforms, _ds("Transform")).set("Algorithm", C14N_EXCL)
    etree.SubElement(ref, _ds("DigestMethod")).set("Algorithm", _DIGESTS[hash_name])
    etree.SubElement(ref, _ds("DigestValue")).text = _b64(digest)
    value = etree.SubElement(sig, _ds("SignatureValue"))

    key_info = etree.SubElement(sig, _ds("KeyInfo"))
    texts = _key_info_texts(signer.certificate, tuple(signer.chain) if include_chain else ())
    if include_key_value:
        kv = etree.SubElement(key_info, _ds("KeyValue"))
        if key_type == "rsa":
            rsa_el = etree.SubElement(kv, _ds("RSAKeyValue"))
            etree.SubElement(rsa_el, _ds("Modulus")).text = texts.modulus
            etree.SubElement(rsa_el, _ds("Exponent")).text = texts.exponent
        else:
            ec_el = etree.SubElement(kv, f"{{{DS11}}}ECKeyValue", nsmap={"dsig11": DS11})
            etree.SubElement(ec_el, f"{{{DS11}}}NamedCurve").set("URI", texts.curve)
            etree.SubElement(ec_el, f"{{{DS11}}}PublicKey").text = texts.point
    x509_data = etree.SubElement(key_info, _ds("X509Data"))
    etree.SubElement(x509_data, _ds("X509SubjectName")).text = texts.subject
    for certificate in texts.certificates:
        etree.SubElement(x509_data, _ds("X509Certificate")).text = certificate

    # SignedInfo canonicalized in place (inclusive C14N takes the in-scope namespaces of its ancestors).
    signed_info_c14n = c14n_subtree(signed_info, exclusive=exclusive)
    value.text = _b64(signer.sign(signed_info_c14n, hash_name))
    return xmlsafe.serialize(root)


@dataclass(frozen=True)
class _KeyInfoTexts:
    """What a signer's KeyInfo says, base64-encoded once: a gateway signs every receipt with one key."""

    subject: str
    certificates: tuple[str, ...]  # the signer's certificate, then its intermediates
    modulus: str = ""
    exponent: str = ""
    curve: str = ""
    point: str = ""


@functools.lru_cache(maxsize=64)
def _key_info_texts(certificate: x509.Certificate, chain: tuple[x509.Certificate, ...]) -> _KeyInfoTexts:
    # Never a self-signed root in the chain: that is a trust anchor.
    certificates = [certificate, *(c for c in chain if c.subject != c.issuer)]
    public = certificate.public_key()
    texts = {
        "subject": certificate.subject.rfc4514_string(),
        "certificates": tuple(_b64(c.public_bytes(Encoding.DER)) for c in certificates),
    }
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        texts["modulus"] = _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big"))
        texts["exponent"] = _b64(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big"))
    elif isinstance(public, ec.EllipticCurvePublicKey):
        texts["curve"] = _curve_urn(public)
        texts["point"] = _b64(public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
    return _KeyInfoTexts(**texts)


def _curve_urn(public: ec.EllipticCurvePublicKey) -> str:
    oids = {"secp256r1": "1.2.840.10045.3.1.7", "secp384r1": "1.3.132.0.34", "secp521r1": "1.3.132.0.35"}
    return "urn:oid:" + oids.get(public.curve.name, "1.2.840.10045.3.1.7")
