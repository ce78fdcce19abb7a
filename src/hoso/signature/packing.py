"""``pack``: build a signed envelope from forms and attachments — forms signed first, envelope last."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cryptography.x509.oid import NameOID

from hoso import dossier, xmlsafe
from hoso.signature.certs import signer_tax_code
from hoso.signature.sign import Signer, sign_xml
from hoso.signature.xmldsig import DS

ATTACHMENT_FORM_CODE = "CT-DK"  # attached paper documents (DOMAIN.md §4)


def _is_signed(root) -> bool:
    return next(root.iter(f"{{{DS}}}Signature"), None) is not None


def pack(
    files: Iterable[tuple[str, bytes]],
    *,
    signer: Signer,
    unit_code: str,
    procedure_code: str,
    period: str,
    ivan_code: str,
    ivan_name: str = "",
    procedure_name: str = "",
    managing_office: str = "",
    phone: str = "",
    created: date | None = None,
) -> bytes:
    """Return the signed envelope bytes.

    ``files`` are (file name, content). An ``.xml`` file is a form: its code is its root element name;
    it is signed at ``Cky`` unless it already carries a signature. Other files are attachments
    (``CT-DK``). The unit's tax code and name come from the signer's certificate.
    """
    items: list[dossier.EnvelopeFile] = []
    for name, content in files:
        if name.lower().endswith(".xml"):
            root = xmlsafe.parse(content)
            if root.tag == dossier.ENVELOPE_ROOT:
                raise dossier.DossierError(
                    "PACK_NESTED_ENVELOPE",
                    f"Tệp {name} đã là một hồ sơ <Hoso>; không lồng hồ sơ vào hồ sơ.",
                    f"File {name} is already an envelope <Hoso>; envelopes are not nested.",
                )
            if not _is_signed(root):
                content = sign_xml(content, signer)
            items.append(dossier.EnvelopeFile(name, content, root.tag, f"Tờ khai {root.tag}"))
        else:
            items.append(dossier.EnvelopeFile(name, content, ATTACHMENT_FORM_CODE, "Hồ sơ giấy đính kèm"))
    cert = signer.certificate
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    holder = str(cn[0].value) if cn else cert.subject.rfc4514_string()
    envelope = dossier.build_envelope(
        ivan=dossier.IvanInfo(ma_ivan=ivan_code, ten_ivan=ivan_name),
        unit=dossier.UnitInfo(
            ten_doi_tuong=holder,
            ma_so_bhxh=unit_code,
            loai_doi_tuong="1",
            ma_so_thue=signer_tax_code(cert) or "",
            nguoi_ky=holder,
            dien_thoai=phone,
            co_quan_quan_ly=managing_office,
        ),
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        period=period,
        created=(created or date.today()).strftime("%d/%m/%Y"),
        files=items,
    )
    return sign_xml(envelope, signer)
