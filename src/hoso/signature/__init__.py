"""XMLDSig verification and signing for dossiers. Pure: no Django.

Public API::

    verify(xml_bytes, *, trust: TrustStore, at: datetime | None = None, policy=DEFAULT_POLICY)
        -> ValidationReport
    TrustStore(anchors, *, intermediates=(), crls=(), policy=RevocationPolicy(), crl_cache_dir=None)
    TrustStore.from_paths(anchor_files_or_dirs, *, crls=(), intermediates=(), policy=None)
    sign_xml(xml_bytes, signer) -> bytes             (a form at Cky, an envelope at CKy_Dvi)
    Pkcs12Signer.from_file(path, password) / Pkcs11Signer(lib, token_label, pin, key_label=None)
"""

from hoso.signature import codebook  # noqa: F401 — declares the package's codes (hoso.codes)
from hoso.signature.certs import CertVerdict, RevocationPolicy, TrustConfigError, TrustStore, signer_tax_code
from hoso.signature.report import (
    Indication,
    ReportWarning,
    SignerInfo,
    SubIndication,
    ValidationReport,
)
from hoso.signature.verify import DEFAULT_POLICY, VerifyPolicy, exit_code, verify, verify_tree

__all__ = [
    "DEFAULT_POLICY",
    "CertVerdict",
    "Indication",
    "ReportWarning",
    "RevocationPolicy",
    "SignerInfo",
    "SubIndication",
    "TrustConfigError",
    "TrustStore",
    "ValidationReport",
    "VerifyPolicy",
    "exit_code",
    "signer_tax_code",
    "verify",
    "verify_tree",
]
