"""The codes of signature verdicts, as a receipt names them (``SIG_`` + the verdict of
:data:`hoso.signature.report.REASONS`), declared once for the code catalogue (:mod:`hoso.codes`).

The receipt's own text says which file and which detail; these say what the code means and what the unit
or its I-VAN does next.
"""

from __future__ import annotations

from hoso.codes import BASIS_SIGNATURES, Code, Family, declare

_SIGN_AGAIN = (
    "Ký lại tệp bằng phần mềm kê khai với chứng thư số còn hiệu lực đã đăng ký với cơ quan BHXH, theo đúng mẫu "
    "chữ ký (XMLDSig bao toàn bộ tài liệu), rồi gửi tệp mới.",
    "Sign the file again in the filing software with a valid certificate registered with the office, in the "
    "prescribed signature profile (enveloped XMLDSig over the whole document), and send the new file.",
)
_FIX_SOFTWARE = (
    "Báo nhà cung cấp phần mềm kê khai hoặc tổ chức I-VAN sửa cách tạo chữ ký theo hướng dẫn kết nối, ký lại "
    "rồi gửi tệp mới.",
    "Have the filing software or the I-VAN fix how it signs, as the connection guide prescribes, then sign "
    "again and send the new file.",
)
_NEW_CERTIFICATE = (
    "Dùng chứng thư số còn hiệu lực (gia hạn hoặc xin cấp mới tại tổ chức chứng thực), đăng ký chứng thư mới "
    "với cơ quan BHXH (mẫu 04/ĐK-IVAN, loại 2), ký lại rồi gửi.",
    "Use a valid certificate (renewed or newly issued by the CA), register it with the office (form "
    "04/ĐK-IVAN, kind 2), sign again and send.",
)


def _sig(code: str, vi: str, en: str, advice: tuple[str, str] = _SIGN_AGAIN) -> Code:
    return Code(code, vi, en, BASIS_SIGNATURES, *advice)


CODES = (
    _sig("SIG_NO_SIGNATURE", "Tệp chưa được ký số.", "The file is not signed."),
    _sig(
        "SIG_XML_INVALID",
        "Tệp hoặc tờ khai không đọc được như XML.",
        "The file or form cannot be read as XML.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_UNKNOWN_ROOT",
        "Phần tử gốc của tệp không phải hồ sơ hay tờ khai được hỗ trợ.",
        "The file's root element is not a supported envelope or form.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_MULTIPLE_SIGNATURES",
        "Tệp có nhiều hơn một chữ ký; chỉ chấp nhận đúng một chữ ký.",
        "The file has more than one signature; exactly one is accepted.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIGNATURE_MISPLACED",
        "Chữ ký nằm sai vị trí: phải nằm trong <CKy_Dvi> (hồ sơ) hoặc <Cky> (tờ khai).",
        "The signature is in the wrong place: it belongs in <CKy_Dvi> (envelope) or <Cky> (form).",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIGNATURE_STRUCTURE",
        "Cấu trúc chữ ký không hợp lệ.",
        "The signature's structure is invalid.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_REFERENCE_NOT_WHOLE_DOCUMENT",
        'Chữ ký phải ký toàn bộ tài liệu (Reference URI="").',
        'The signature must cover the whole document (Reference URI="").',
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_TRANSFORM_FORBIDDEN",
        "Chữ ký dùng phép biến đổi không được phép.",
        "The signature uses a transform that is not allowed.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_C14N_FORBIDDEN",
        "Chữ ký dùng thuật toán chuẩn hoá không được phép.",
        "The signature uses a canonicalization method that is not allowed.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_RETRIEVAL_FORBIDDEN",
        "Chữ ký yêu cầu tải dữ liệu từ nơi khác; không được phép.",
        "The signature asks to fetch data from elsewhere; refused.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_ALGORITHM_FORBIDDEN",
        "Chữ ký dùng thuật toán không được chấp nhận.",
        "The signature uses an algorithm that is not accepted.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_HMAC_FORBIDDEN",
        "Chữ ký HMAC (khoá bí mật dùng chung) không phải chữ ký số.",
        "An HMAC (shared secret) signature is not a digital signature.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_WEAK_ALGORITHM",
        "Thuật toán yếu (như SHA-1) chỉ được chấp nhận cho chữ ký trước ngày chính sách quy định.",
        "A weak algorithm (such as SHA-1) is only accepted for signatures made before the date the policy sets.",
        (
            "Ký lại bằng thuật toán RSA-SHA256 rồi gửi tệp mới.",
            "Sign again with RSA-SHA256 and send the new file.",
        ),
    ),  # fmt: skip
    _sig(
        "SIG_NO_CERTIFICATE",
        "Chữ ký không kèm chứng thư số X.509.",
        "The signature carries no X.509 certificate.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_CERTIFICATE_UNREADABLE",
        "Không đọc được chứng thư số trong chữ ký.",
        "The certificate in the signature cannot be read.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_VERIFY_BUDGET_EXCEEDED",
        "Việc kiểm tra chữ ký số vượt quá thời gian xử lý cho phép: tệp có cấu trúc quá phức tạp.",
        "Checking the signatures took longer than allowed: the file's structure is too complex.",
        (
            "Kiểm tra phần mềm kê khai đã tạo tệp đúng mẫu; nếu hồ sơ thật sự lớn, tách thành nhiều hồ sơ nhỏ hơn rồi gửi.",
            "Check that the filing software made the prescribed file; if the dossier really is this large, split it "
            "into smaller dossiers and send them.",
        ),
    ),  # fmt: skip
    _sig(
        "SIG_VERIFIER_ERROR",
        "Cổng tiếp nhận gặp lỗi khi kiểm tra chữ ký số; lỗi đã được ghi lại để bộ phận CNTT xử lý.",
        "The gateway failed while checking the signature; the fault is logged for the IT department.",
        (
            "Không cần ký lại: gửi lại đúng tệp này sau ít phút; nếu vẫn lỗi, báo vướng mắc (POST /api/v1/problems).",
            "No need to sign again: send the same file again in a few minutes; if it persists, report a problem "
            "(POST /api/v1/problems).",
        ),
    ),  # fmt: skip
    _sig(
        "SIG_KEYVALUE_MISMATCH",
        "Khoá công khai trong KeyValue khác khoá của chứng thư số.",
        "The public key in KeyValue differs from the certificate's key.",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    _sig(
        "SIG_HASH_FAILURE",
        "Giá trị băm của nội dung không khớp: nội dung đã bị thay đổi sau khi ký.",
        "The reference digest does not match: the content was changed after signing.",
    ),  # fmt: skip
    _sig(
        "SIG_CRYPTO_FAILURE",
        "Giá trị chữ ký không hợp lệ với khoá của chứng thư số.",
        "The signature value does not verify with the certificate's key.",
    ),  # fmt: skip
    _sig(
        "SIG_NO_CERTIFICATE_CHAIN_FOUND",
        "Không xây dựng được chuỗi chứng thư tới một tổ chức chứng thực được cơ quan BHXH tin cậy.",
        "No certificate chain to a certification authority the office trusts could be built.",
        (
            "Dùng chứng thư số của tổ chức chứng thực được cấp phép; nếu tổ chức chứng thực chưa được cơ quan BHXH tin cậy, "
            "báo vướng mắc (POST /api/v1/problems) và gửi lại đúng tệp này khi cơ quan BHXH đã bổ sung.",
            "Use a certificate of a licensed CA; if the office does not trust that CA yet, report a problem "
            "(POST /api/v1/problems) and send the same file again once the office has added it.",
        ),
    ),  # fmt: skip
    _sig(
        "SIG_CHAIN_INVALID",
        "Chuỗi chứng thư số không hợp lệ.",
        "The certificate chain is invalid.",
        _NEW_CERTIFICATE,
    ),
    _sig(
        "SIG_EXPIRED",
        "Chứng thư số đã hết hạn tại thời điểm kiểm tra.",
        "The certificate had expired at the validation time.",
        _NEW_CERTIFICATE,
    ),  # fmt: skip
    _sig(
        "SIG_NOT_YET_VALID",
        "Chứng thư số chưa có hiệu lực tại thời điểm kiểm tra.",
        "The certificate was not yet valid at the validation time.",
        (
            "Kiểm tra đồng hồ của máy ký và ngày hiệu lực của chứng thư số; ký lại khi chứng thư đã có hiệu lực rồi gửi.",
            "Check the signing computer's clock and the certificate's validity; sign again once it is valid and send.",
        ),
    ),  # fmt: skip
    _sig(
        "SIG_REVOKED",
        "Chứng thư số đã bị tổ chức chứng thực thu hồi.",
        "The certificate has been revoked by its CA.",
        _NEW_CERTIFICATE,
    ),  # fmt: skip
    _sig(
        "SIG_TRY_LATER",
        "Chưa xác định được tình trạng thu hồi của chứng thư số (thiếu CRL/OCSP hợp lệ).",
        "The revocation status of the certificate cannot be determined yet (no valid CRL/OCSP).",
        (
            "Không cần ký lại hay gửi lại: hồ sơ được giữ với thời điểm tiếp nhận ban đầu, cổng tiếp nhận tự kiểm tra "
            "lại rồi trả thông báo tiếp nhận hoặc từ chối qua luồng sự kiện.",
            "No need to sign or send again: the dossier is held with its original reception time, checked again "
            "automatically, and its receipt or refusal comes through the event feed.",
        ),
    ),  # fmt: skip
    _sig(
        "SIG_KEY_USAGE",
        "Chứng thư số không được phép dùng để ký (thiếu digitalSignature/nonRepudiation).",
        "The certificate may not be used for signing (no digitalSignature/nonRepudiation key usage).",
        _NEW_CERTIFICATE,
    ),  # fmt: skip
    _sig(
        "SIG_ATTACHMENT_INVALID",
        "Tệp đính kèm không hợp lệ (không giải mã được hoặc sai độ dài).",
        "An attachment is not valid (cannot be decoded, or a wrong length).",
        _FIX_SOFTWARE,
    ),  # fmt: skip
    Code(
        "PACK_NESTED_ENVELOPE",
        "Một tệp đưa vào hồ sơ đã là một hồ sơ <Hoso>; không lồng hồ sơ vào hồ sơ.",
        "A file put into the dossier is already an envelope <Hoso>; envelopes are not nested.",
        BASIS_SIGNATURES,
        "Đưa vào hồ sơ các tờ khai và tệp đính kèm, không đưa tệp hồ sơ BHXHDienTu.xml đã đóng gói.",
        "Put the forms and attachments into the dossier, not an already packed BHXHDienTu.xml.",
    ),
    Family(
        "SIG_",
        "Khi kiểm tra chữ ký số",
        "While checking the signatures",
        BASIS_SIGNATURES,
        *_SIGN_AGAIN,
        bases=("",),
    ),  # fmt: skip
    Family(
        "SIG_PART_",
        "Một tờ khai trong hồ sơ",
        "A form inside the dossier",
        BASIS_SIGNATURES,
        *_SIGN_AGAIN,
        bases=("SIG_", ""),
    ),  # fmt: skip
)

declare("signature", *CODES)
