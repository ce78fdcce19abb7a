"""The codes of reception — the checks of every channel, registrations, the XML parser's limits — declared
once for the code catalogue (:mod:`hoso.codes`). Pure: imported by the package on load, with no Django.

A refusal's own text names the unit, the file, the value; these texts say what each code means, on what
legal basis, and what the unit or its I-VAN does next (something they can do: never an office command).
"""

from __future__ import annotations

from hoso.codes import BASIS_CONNECTION, BASIS_SIGNATURES, QD_08_2015, QD_595_2017, QD_959_2015, Code, declare

BASIS_FORMS = f"{QD_595_2017}; {QD_959_2015} cho hồ sơ trước 01/7/2017"
BASIS_CHILDREN_UNDER_6 = (
    "Luật Bảo hiểm y tế số 25/2008/QH12, sửa đổi bởi Luật số 46/2014/QH13 (trẻ em dưới 6 tuổi; thẻ có giá trị "
    "đến ngày trẻ đủ 72 tháng tuổi); Thông tư liên tịch 05/2015/TTLT-BTP-BCA-BYT (cấp thẻ BHYT cho trẻ em dưới 6 tuổi)"
)
BASIS_XML = f"{QD_08_2015}; giới hạn tệp XML của cổng tiếp nhận (hướng dẫn kết nối, mục 8)"
BASIS_REGISTRATION = f"{QD_08_2015}, Điều 7 (đăng ký giao dịch điện tử, mẫu 04/ĐK-IVAN); {BASIS_SIGNATURES}"

_REMAKE = (
    "Lập lại hồ sơ bằng phần mềm kê khai cho đúng, ký lại rồi gửi tệp mới.",
    "Make the dossier again correctly in the filing software, sign it again and send the new file.",
)
_SPLIT = (
    "Kiểm tra phần mềm kê khai đã tạo tệp đúng mẫu; nếu hồ sơ thật sự lớn, tách thành nhiều hồ sơ nhỏ hơn, ký "
    "rồi gửi.",
    "Check that the filing software made the prescribed file; if the dossier really is this large, split it into "
    "smaller dossiers, sign and send them.",
)
BASIS_SUPPLEMENT = f"{QD_08_2015}; {QD_595_2017} (bổ sung hồ sơ theo yêu cầu của cơ quan BHXH)"
_SUPPLEMENT_OWN = (
    "Hồ sơ bổ sung mang đúng đơn vị, mã thủ tục và kỳ kê khai của hồ sơ được yêu cầu bổ sung: lập lại hồ sơ bổ sung "
    "cho đúng, ký rồi gửi. Kê khai cho thủ tục hoặc kỳ khác là một hồ sơ mới (POST /api/v1/dossiers).",
    "A supplement carries the unit, procedure code and declared period of the dossier it supplements: make it "
    "again correctly, sign it and send it. A declaration for another procedure or period is a new dossier "
    "(POST /api/v1/dossiers).",
)
_REGISTER_UNIT = (
    "Đơn vị làm thủ tục đăng ký tham gia BHXH (thủ tục 601) với cơ quan BHXH quản lý; khi đã có mã đơn vị, gửi lại "
    "đúng tệp này.",
    "The unit registers with its social-insurance office (procedure 601); once it has its unit code, send the same "
    "file again.",
)


def _xml(code: str, vi: str, en: str, advice: tuple[str, str] = _REMAKE) -> Code:
    return Code(code, vi, en, BASIS_XML, *advice)


XML_CODES = (
    _xml("XML_EMPTY", "Tệp XML rỗng.", "The XML file is empty."),
    _xml("XML_ENCODING", "Tệp XML không dùng mã hoá UTF-8.", "The XML file is not UTF-8."),
    _xml("XML_MALFORMED", "Tệp không phải XML đúng cú pháp.", "The file is not well-formed XML."),
    _xml(
        "XML_INVALID", "Tệp hoặc tờ khai không đọc được như XML.", "The file or form cannot be read as XML."
    ),
    _xml(
        "XML_DTD_FORBIDDEN",
        "Tệp XML chứa khai báo DOCTYPE/ENTITY, không được phép.",
        "The XML file contains a DOCTYPE/ENTITY declaration, which is forbidden.",
    ),  # fmt: skip
    _xml(
        "XML_TOO_LARGE",
        "Tệp XML vượt quá dung lượng cho phép.",
        "The XML file is larger than allowed.",
        _SPLIT,
    ),
    _xml("XML_TOO_DEEP", "Tệp XML lồng quá nhiều cấp.", "The XML file is nested too deeply.", _SPLIT),
    _xml(
        "XML_TOO_MANY_ELEMENTS",
        "Tệp XML có quá nhiều phần tử.",
        "The XML file has too many elements.",
        _SPLIT,
    ),
    _xml(
        "XML_TOO_MANY_ATTRIBUTES",
        "Tệp XML có quá nhiều thuộc tính.",
        "The XML file has too many attributes.",
        _SPLIT,
    ),  # fmt: skip
    _xml(
        "XML_TOO_MANY_NAMESPACES",
        "Tệp XML khai báo quá nhiều không gian tên cho một phần tử.",
        "The XML file declares too many namespaces in scope at one element.",
        _SPLIT,
    ),  # fmt: skip
    _xml(
        "XML_TEXT_TOO_LARGE",
        "Tệp XML có một đoạn nội dung quá dài.",
        "The XML file has too long a run of text.",
        _SPLIT,
    ),  # fmt: skip
)


def _intake(code: str, vi: str, en: str, advice: tuple[str, str] = _REMAKE, basis: str = QD_08_2015) -> Code:
    return Code(code, vi, en, basis, *advice)


INTAKE_CODES = (
    _intake(
        "INTAKE_TOO_LARGE",
        "Hồ sơ vượt quá dung lượng tối đa của một lần gửi.",
        "The dossier exceeds the largest size one request may carry.",
        _SPLIT,
        BASIS_XML,
    ),  # fmt: skip
    _intake(
        "INTAKE_NOT_XML",
        "Nội dung gửi không phải tệp XML.",
        "The content is not an XML file.",
        (
            "Gửi chính tệp XML đã ký (BHXHDienTu.xml, tờ khai đăng ký) với Content-Type: application/xml.",
            "Send the signed XML file itself (BHXHDienTu.xml, the registration) with Content-Type: "
            "application/xml.",
        ),
        BASIS_CONNECTION,
    ),  # fmt: skip
    _intake(
        "INTAKE_NOT_ENVELOPE",
        "Tệp không phải hồ sơ điện tử: phần tử gốc phải là <Hoso>.",
        "The file is not a dossier envelope: its root must be <Hoso>.",
        (
            "Gửi tệp hồ sơ BHXHDienTu.xml (phần tử gốc <Hoso>) đã ký; tờ khai đăng ký gửi tới /api/v1/registrations.",
            "Send the signed dossier file BHXHDienTu.xml (root <Hoso>); registrations go to /api/v1/registrations.",
        ),
    ),  # fmt: skip
    _intake(
        "INTAKE_IVAN_UNKNOWN",
        "Mã I-VAN không có trong danh mục tổ chức I-VAN của cơ quan BHXH.",
        "The I-VAN code is not in the office's catalogue of I-VAN providers.",
        (
            "Tổ chức I-VAN làm thủ tục kết nối với cơ quan BHXH để được cấp khoá API, rồi gửi lại.",
            "The I-VAN completes its connection with the office to be given an API key, then sends again.",
        ),
        BASIS_CONNECTION,
    ),  # fmt: skip
    _intake(
        "INTAKE_IVAN_MISMATCH",
        "Mã I-VAN ghi trong hồ sơ khác tổ chức I-VAN đã gửi.",
        "The I-VAN code in the dossier is not that of the I-VAN that sent it.",
        (
            "Ghi đúng mã của tổ chức I-VAN gửi hồ sơ (ThongTinIVAN/MaIVAN), ký lại rồi gửi.",
            "Write the sending I-VAN's own code (ThongTinIVAN/MaIVAN), sign again and send.",
        ),
        BASIS_CONNECTION,
    ),  # fmt: skip
    _intake(
        "INTAKE_IVAN_NOT_REGISTERED",
        "Chứng thư số đã ký hồ sơ được đăng ký giao dịch điện tử cho đơn vị qua một tổ chức I-VAN khác.",
        "The certificate that signed the dossier is registered for the unit through another I-VAN.",
        (
            "Gửi hồ sơ qua tổ chức I-VAN mà đơn vị đã đăng ký; hoặc đơn vị nộp tờ khai thay đổi thông tin đăng ký "
            "(mẫu 05/ĐK-IVAN, LoaiDangKy 2) qua I-VAN này, rồi gửi lại đúng tệp này.",
            "Send the dossier through the I-VAN the unit registered with; or the unit files the change of "
            "registration (form 05/ĐK-IVAN, LoaiDangKy 2) through this I-VAN, then send this same file again.",
        ),
        BASIS_REGISTRATION,
    ),  # fmt: skip
    _intake(
        "INTAKE_UNIT_UNKNOWN",
        "Mã đơn vị chưa được cơ quan BHXH cấp hoặc đã ngừng hoạt động.",
        "The unit code is unknown or no longer active.",
        _REGISTER_UNIT,
    ),  # fmt: skip
    _intake(
        "INTAKE_COMMUNE_UNKNOWN",
        "Mã xã không có trong danh mục UBND xã, phường, thị trấn của cơ quan BHXH.",
        "The commune code is not in the office's catalogue of communes.",
        (
            "Kiểm tra mã xã (mã đơn vị hành chính 5 chữ số) ghi trong hồ sơ; nếu mã đúng, báo vướng mắc "
            "(POST /api/v1/problems) và gửi lại đúng tệp này khi cơ quan BHXH đã bổ sung.",
            "Check the commune code (the 5-digit administrative code) in the dossier; if it is right, report a "
            "problem (POST /api/v1/problems) and send the same file again once the office has added it.",
        ),
    ),  # fmt: skip
    _intake(
        "INTAKE_TAX_CODE_MISMATCH",
        "Mã số thuế ghi trong hồ sơ khác mã số thuế cơ quan BHXH ghi cho đơn vị.",
        "The tax code in the dossier is not the one the office holds for the unit.",
        (
            "Ghi đúng mã số thuế của đơn vị, ký lại rồi gửi; nếu mã số thuế của đơn vị đã thay đổi, làm thủ tục điều "
            "chỉnh thông tin đơn vị (tờ khai TK3-TS) trước.",
            "Write the unit's own tax code, sign again and send; if the unit's tax code changed, file the change of "
            "unit details (form TK3-TS) first.",
        ),
    ),  # fmt: skip
    _intake(
        "INTAKE_OFFICE_OUTSIDE",
        "Đối tượng nộp không do cơ quan BHXH này quản lý.",
        "The submitter is not managed by this social-insurance office.",
        (
            "Nộp hồ sơ cho cơ quan BHXH đang quản lý đơn vị (CoQuanQuanLy).",
            "File with the social-insurance office that manages the unit (CoQuanQuanLy).",
        ),
    ),  # fmt: skip
    _intake(
        "INTAKE_PROCEDURE_UNKNOWN",
        "Mã thủ tục không có trong danh mục thủ tục đang có hiệu lực vào ngày nộp.",
        "The procedure code is not in the catalogue in force on the filing day.",
        (
            "Ghi đúng mã thủ tục hành chính (MaThuTuc) theo danh mục thủ tục BHXH đang có hiệu lực (ví dụ 600: báo "
            "tăng, giảm, điều chỉnh lao động), lập lại hồ sơ, ký rồi gửi; nếu mã đúng mà vẫn bị từ chối, báo vướng "
            "mắc (POST /api/v1/problems).",
            "Write the right procedure code (MaThuTuc) of the social-insurance procedures in force (e.g. 600: "
            "report of employees joining, leaving or changing), make the dossier again, sign and send it; if the "
            "code is right and still refused, report a problem (POST /api/v1/problems).",
        ),
    ),  # fmt: skip
    _intake(
        "INTAKE_SIGNER_TAX_CODE",
        "Chứng thư số đã ký không mang mã số thuế của đơn vị nộp.",
        "The signing certificate does not carry the submitting unit's tax code.",
        (
            "Đơn vị ký bằng chứng thư số của chính đơn vị (mang mã số thuế của đơn vị) đã đăng ký với cơ quan BHXH, "
            "rồi gửi tệp mới.",
            "The unit signs with its own certificate (carrying its tax code) registered with the office, and sends "
            "the new file.",
        ),
        BASIS_SIGNATURES,
    ),  # fmt: skip
    _intake(
        "INTAKE_CERTIFICATE_NOT_REGISTERED",
        "Chứng thư số đã ký chưa được đăng ký giao dịch điện tử với cơ quan BHXH.",
        "The signing certificate is not registered for electronic transactions with the office.",
        (
            "Nộp Tờ khai đăng ký sử dụng phương thức giao dịch điện tử (mẫu 04/ĐK-IVAN) qua tổ chức I-VAN, ký bằng "
            "chứng thư số này, rồi gửi lại đúng tệp hồ sơ.",
            "File the registration for electronic transactions (form 04/ĐK-IVAN) through the I-VAN, signed with "
            "this certificate, then send the same dossier file again.",
        ),
        BASIS_REGISTRATION,
    ),  # fmt: skip
    _intake(
        "INTAKE_FORM_SIGNER_NOT_UNIT",
        "Một tờ khai được ký bằng chứng thư số không phải của đơn vị nộp hồ sơ.",
        "A form is signed with a certificate that is not the submitting unit's.",
        (
            "Ký lại tờ khai bằng chứng thư số của đơn vị nộp (đã đăng ký với cơ quan BHXH), đóng gói và ký lại hồ sơ "
            "rồi gửi.",
            "Sign the form again with the submitting unit's registered certificate, pack and sign the dossier "
            "again and send it.",
        ),
        BASIS_SIGNATURES,
    ),  # fmt: skip
    _intake(
        "INTAKE_FORM_UNIT_MISMATCH",
        "Một tờ khai ghi đơn vị khác đơn vị nộp hồ sơ.",
        "A form names a unit other than the submitting unit.",
        (
            "Mỗi hồ sơ chỉ mang tờ khai của chính đơn vị nộp: sửa mã đơn vị, mã số thuế trên tờ khai, ký lại rồi gửi.",
            "A dossier carries only the submitting unit's own forms: correct the unit code and tax code on the "
            "form, sign again and send.",
        ),
    ),  # fmt: skip
    _intake(
        "INTAKE_ALREADY_FILED",
        "Nội dung đã ký của hồ sơ trùng với một hồ sơ đã được tiếp nhận qua tổ chức I-VAN khác.",
        "The dossier's signed content is that of a dossier already received through another I-VAN.",
        (
            "Không nộp lại hồ sơ này: theo dõi hồ sơ đã tiếp nhận qua tổ chức I-VAN đã nộp. Nếu cần kê khai khác, "
            "lập tờ khai mới, ký rồi gửi.",
            "Do not file this dossier again: follow the received dossier through the I-VAN that filed it. To "
            "declare something else, make new forms, sign them and send them.",
        ),
    ),  # fmt: skip
    _intake(
        "INTAKE_REVOCATION_UNRESOLVED",
        "Hồ sơ đã được giữ quá lâu mà tổ chức chứng thực chưa công bố thông tin thu hồi "
        "(CRL/OCSP) của chứng thư số.",
        "The dossier was held too long without the CA publishing the certificate's revocation data (CRL/OCSP).",
        (
            "Gửi lại đúng tệp này khi tổ chức chứng thực đã công bố thông tin thu hồi; nếu kéo dài, báo vướng mắc "
            "(POST /api/v1/problems).",
            "Send the same file again once the CA publishes its revocation data; if it lasts, report a problem "
            "(POST /api/v1/problems).",
        ),
        BASIS_SIGNATURES,
    ),  # fmt: skip
    _intake(
        "BLOB_WRITE_FAILED",
        "Cổng tiếp nhận tạm thời không lưu được tệp nhận được; chưa có gì được tiếp nhận.",
        "The gateway cannot store the received file for the moment; nothing was received.",
        (
            "Gửi lại đúng tệp sau ít phút (an toàn, không tạo hồ sơ trùng).",
            "Send the same file again in a few minutes (safe: no duplicate dossier is made).",
        ),
        BASIS_CONNECTION,
    ),  # fmt: skip
    _intake(
        "INTAKE_SUPPLEMENT_UNIT_MISMATCH",
        "Hồ sơ bổ sung ghi đơn vị khác đơn vị của hồ sơ được bổ sung.",
        "The supplement names a unit other than that of the dossier it supplements.",
        _SUPPLEMENT_OWN,
        BASIS_SUPPLEMENT,
    ),
    _intake(
        "INTAKE_SUPPLEMENT_PROCEDURE_MISMATCH",
        "Hồ sơ bổ sung ghi thủ tục khác thủ tục của hồ sơ được bổ sung.",
        "The supplement names a procedure other than that of the dossier it supplements.",
        _SUPPLEMENT_OWN,
        BASIS_SUPPLEMENT,
    ),
    _intake(
        "INTAKE_SUPPLEMENT_PERIOD_MISMATCH",
        "Hồ sơ bổ sung ghi kỳ kê khai khác kỳ của hồ sơ được bổ sung.",
        "The supplement names a declared period other than that of the dossier it supplements.",
        _SUPPLEMENT_OWN,
        BASIS_SUPPLEMENT,
    ),
)

FORM_CODES = (
    _intake(
        "FORM_CHILD_OVER_6",
        "Một trẻ trong danh sách cấp thẻ BHYT cho trẻ em dưới 6 tuổi đã đủ 6 tuổi (72 tháng) vào ngày nộp: trẻ "
        "đó không được cấp thẻ theo danh sách này, các trẻ khác vẫn được tiếp nhận.",
        "A child of an under-6 health-card list is 6 (72 months) or older on the filing day: that child gets "
        "no card from this list; the other children are received.",
        (
            "Trẻ đã đủ 6 tuổi tham gia BHYT theo nhóm học sinh (qua nhà trường) hoặc theo hộ gia đình (tờ khai "
            "TK1-TS nộp tại UBND xã hoặc đại lý thu); bỏ trẻ khỏi các danh sách trẻ em dưới 6 tuổi sau này.",
            "A child of 6 or older joins health insurance as a pupil (through the school) or with the household "
            "(form TK1-TS filed at the commune People's Committee or a collection agent); leave the child out "
            "of later under-6 lists.",
        ),
        BASIS_CHILDREN_UNDER_6,
    ),  # fmt: skip
    _intake(
        "FORM_PERIOD_FORMAT",
        "Kỳ kê khai (KyKeKhai) không đúng dạng MM/yyyy.",
        "The declared period (KyKeKhai) is not MM/yyyy.",
        basis=BASIS_FORMS,
    ),  # fmt: skip
    _intake(
        "FORM_PERIOD_RANGE",
        "Kỳ kê khai quá xa ngày nộp (cho phép từ 36 tháng trước đến tháng sau).",
        "The declared period is too far from the filing date (36 months back to next month).",
        basis=BASIS_FORMS,
    ),  # fmt: skip
    _intake(
        "FORM_REQUIRED_MISSING",
        "Thiếu một tờ khai bắt buộc của thủ tục.",
        "A form the procedure requires is missing.",
        (
            "Bổ sung tờ khai bắt buộc vào hồ sơ (theo danh mục thành phần hồ sơ của thủ tục), ký lại rồi gửi.",
            "Add the required form to the dossier (as the procedure's list of forms says), sign again and send.",
        ),
        BASIS_FORMS,
    ),  # fmt: skip
    _intake(
        "FORM_NOT_IN_PROCEDURE",
        "Hồ sơ mang một tờ khai không thuộc thành phần hồ sơ của thủ tục.",
        "The dossier carries a form that is not part of the procedure.",
        (
            "Bỏ tờ khai không thuộc thủ tục, hoặc nộp nó trong hồ sơ của thủ tục đúng; ký lại rồi gửi.",
            "Leave out the form that is not the procedure's, or file it in a dossier of the right procedure; sign "
            "again and send.",
        ),
        BASIS_FORMS,
    ),  # fmt: skip
)


def _reg(code: str, vi: str, en: str, advice: tuple[str, str]) -> Code:
    return Code(code, vi, en, BASIS_REGISTRATION, *advice)


_REMAKE_REGISTRATION = (
    "Lập lại tờ khai 04/ĐK-IVAN cho đúng, ký bằng chứng thư số của đơn vị rồi gửi.",
    "Make the 04/ĐK-IVAN registration again correctly, sign it with the unit's certificate and send it.",
)
REGISTRATION_CODES = (
    _reg(
        "REG_NOT_REGISTRATION",
        "Tệp không phải tờ khai đăng ký giao dịch điện tử (04/ĐK-IVAN).",
        "The file is not a registration for electronic transactions (04/ĐK-IVAN).",
        _REMAKE_REGISTRATION,
    ),  # fmt: skip
    _reg(
        "REG_SIGNATURE_INVALID",
        "Chữ ký số của tờ khai đăng ký không hợp lệ.",
        "The registration's signature is not valid.",
        (
            "Ký lại tờ khai đăng ký bằng chứng thư số còn hiệu lực rồi gửi.",
            "Sign the registration again with a valid certificate and send it.",
        ),
    ),  # fmt: skip
    _reg(
        "REG_KIND",
        "Loại đăng ký phải là 1 (đăng ký mới), 2 (thay đổi chứng thư số) hoặc 3 (ngừng).",
        "The kind of registration must be 1 (new), 2 (change of certificate) or 3 (stop).",
        _REMAKE_REGISTRATION,
    ),  # fmt: skip
    _reg(
        "REG_IVAN_MISMATCH",
        "Mã I-VAN ghi trong tờ khai đăng ký khác tổ chức I-VAN đã gửi.",
        "The I-VAN code in the registration is not that of the I-VAN that sent it.",
        (
            "Ghi đúng mã tổ chức I-VAN gửi tờ khai, ký lại rồi gửi.",
            "Write the sending I-VAN's own code, sign again and send.",
        ),
    ),  # fmt: skip
    _reg(
        "REG_IVAN_CHANGE_REQUIRED",
        "Đơn vị đang đăng ký giao dịch điện tử qua một tổ chức I-VAN khác; đăng ký mới (LoaiDangKy 1) không "
        "chuyển đơn vị sang I-VAN này.",
        "The unit is registered for electronic transactions through another I-VAN; a new registration "
        "(LoaiDangKy 1) does not move the unit to this I-VAN.",
        (
            "Để chuyển sang tổ chức I-VAN này, đơn vị lập tờ khai thay đổi thông tin đăng ký (mẫu 05/ĐK-IVAN, "
            "LoaiDangKy 2) ghi mã I-VAN mới, ký bằng chứng thư số của đơn vị rồi gửi qua I-VAN mới; đăng ký qua "
            "I-VAN cũ chấm dứt từ NgayBatDau.",
            "To move to this I-VAN, the unit files the change of registration (form 05/ĐK-IVAN, LoaiDangKy 2) "
            "naming the new I-VAN, signed with the unit's certificate, through the new I-VAN; the registration "
            "through the old I-VAN ends from NgayBatDau.",
        ),
    ),  # fmt: skip
    _reg(
        "REG_NOT_REGISTERED",
        "Chứng thư số không có đăng ký giao dịch điện tử đang hiệu lực để ngừng.",
        "The certificate has no registration in force to stop.",
        (
            "Không cần ngừng: chứng thư số này không còn đăng ký. Kiểm tra chứng thư số đã chọn.",
            "Nothing to stop: this certificate is not registered. Check the certificate chosen.",
        ),
    ),  # fmt: skip
    _reg(
        "REG_UNIT_UNKNOWN",
        "Mã đơn vị trong tờ khai đăng ký chưa được cơ quan BHXH cấp hoặc đã ngừng hoạt động.",
        "The unit code in the registration is unknown or no longer active.",
        _REGISTER_UNIT,
    ),  # fmt: skip
    _reg(
        "REG_COMMUNE_UNKNOWN",
        "Mã xã trong tờ khai đăng ký không có trong danh mục UBND xã, phường, thị trấn.",
        "The commune code in the registration is not in the catalogue.",
        (
            "Kiểm tra mã xã (5 chữ số) ghi trong tờ khai; nếu mã đúng, báo vướng mắc (POST /api/v1/problems).",
            "Check the commune code (5 digits) in the registration; if it is right, report a problem "
            "(POST /api/v1/problems).",
        ),
    ),  # fmt: skip
    _reg(
        "REG_TAX_CODE_MISMATCH",
        "Mã số thuế trong tờ khai đăng ký khác mã số thuế cơ quan BHXH ghi cho đơn vị.",
        "The tax code in the registration is not the one the office holds for the unit.",
        _REMAKE_REGISTRATION,
    ),  # fmt: skip
    _reg(
        "REG_SIGNER_TAX_CODE",
        "Chứng thư số ký tờ khai đăng ký không mang mã số thuế của đơn vị.",
        "The certificate that signed the registration does not carry the unit's tax code.",
        (
            "Ký tờ khai đăng ký bằng chứng thư số của chính đơn vị (mang mã số thuế của đơn vị) rồi gửi.",
            "Sign the registration with the unit's own certificate (carrying its tax code) and send it.",
        ),
    ),  # fmt: skip
    _reg(
        "REG_OFFICE_OUTSIDE",
        "Đối tượng đăng ký không do cơ quan BHXH này quản lý.",
        "The registrant is not managed by this social-insurance office.",
        (
            "Gửi tờ khai đăng ký tới cơ quan BHXH đang quản lý đơn vị.",
            "Send the registration to the office that manages the unit.",
        ),
    ),  # fmt: skip
    _reg(
        "REG_START_DATE",
        "Ngày bắt đầu (NgayBatDau) không đúng dạng yyyy-mm-dd.",
        "The start date (NgayBatDau) is not yyyy-mm-dd.",
        _REMAKE_REGISTRATION,
    ),  # fmt: skip
)

declare("xmlsafe", *XML_CODES)
# `hoso sandbox` (hoso.intake.sandbox): the integrator's test world, run against `make demo`.
BASIS_SANDBOX = f"{BASIS_CONNECTION}; môi trường thử nghiệm của cổng tiếp nhận (hướng dẫn kết nối, mục 10)"
SANDBOX_CODES = (
    Code(
        "SANDBOX_DOSSIER_UNKNOWN",
        "Không có hồ sơ với số đã nêu.",
        "There is no dossier with that number.",
        BASIS_SANDBOX,
        "Dùng số hồ sơ trong thông báo tiếp nhận (SoHoSo, tiêu đề X-Dossier-Number), ví dụ 00001/2026/00105.",
        "Use the dossier number of the receipt (SoHoSo, header X-Dossier-Number), e.g. 00001/2026/00105.",
    ),
    Code(
        "SANDBOX_NOT_SANDBOX_DOSSIER",
        "Hồ sơ không phải của đơn vị hay xã thử nghiệm; môi trường thử nghiệm chỉ thao tác trên hồ sơ của họ.",
        "The dossier is not one of the test unit or commune; the sandbox acts only on theirs.",
        BASIS_SANDBOX,
        "Nộp hồ sơ của đơn vị thử nghiệm HB00001 (ký bằng unit-valid.p12) rồi dùng số hồ sơ đó.",
        "File a dossier of the test unit HB00001 (signed with unit-valid.p12) and use its number.",
    ),
    Code(
        "SANDBOX_NOT_PREPARED",
        "Môi trường thử nghiệm chưa được tạo: chưa có cán bộ thử nghiệm.",
        "The sandbox is not prepared: its officers do not exist.",
        BASIS_SANDBOX,
        "Tạo môi trường thử nghiệm một lần (bước init, mục 10 của hướng dẫn kết nối, sau `make demo`), rồi chạy "
        "lại lệnh.",
        "Prepare the sandbox once (its init step, guide §10, after `make demo`), then run the command again.",
    ),
)

declare("intake", *INTAKE_CODES, *FORM_CODES, *REGISTRATION_CODES, *SANDBOX_CODES)
