"""A local national portal: a real HTTP server in a thread that implements the published fields
(DOMAIN.md §9) — a log-in answering a session, ``DongBoHoSoMC`` and ``CapNhatTienDoHoSoMC`` checking
every listed field and the ``yyyyMMddHHmmss`` dates, ``error_code == 0`` for success — and can be told
to refuse, to refuse the log-in, or to hold its answer past the client's time-out."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DOSSIER_FIELDS = (
    "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "ChuHoSo", "LoaiDoiTuong", "MaDoiTuong", "Email",
    "SoDienThoai", "TrichYeuHoSo", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "NgayTra", "HinhThuc",
    "NgayKetThucXuLy", "DonViXuLy", "TaiLieuNop", "DanhSachLePhi", "DanhSachTepDinhKemKhac",
    "DanhSachGiayToKetQua", "DanhSachHoSoBoSung",
)  # fmt: skip
SUPPLEMENT_FIELDS = ("HoSoBoSungId", "NguoiYeuCauBoSung", "NoiDungBoSung", "NgayBoSung", "NgayTiepNhanBoSung",
                     "TrangThaiBoSung", "NgayHenTraTruoc", "NgayHenTraMoi")  # fmt: skip
PROGRESS_FIELDS = ("MaHoSo", "NguoiXuLy", "ChucDanh", "ThoiDiemXuLy", "PhongBanXuLy", "NoiDungXuLy", "TrangThai",
                   "NgayBatDau", "NgayKetThucTheoQuyDinh")  # fmt: skip
DATES = {"NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy", "ThoiDiemXuLy", "NgayBatDau",
         "NgayKetThucTheoQuyDinh", "NgayBoSung", "NgayTiepNhanBoSung", "NgayHenTraTruoc", "NgayHenTraMoi"}  # fmt: skip
REQUIRED = {"MaHoSo", "MaTTHC", "NgayTiepNhan", "TrangThaiHoSo", "ThoiDiemXuLy", "TrangThai"}
PORTAL_DATE = re.compile(r"^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d$")


class LocalPortal:
    def __init__(self, username: str = "hoso", password: str = "mat-khau") -> None:  # noqa: S107 - the local portal's test account
        self.username, self.password = username, password
        self.sessions: set[str] = set()
        self.received: list[dict] = []  # every accepted call: {"service", "isUpdating", "madonvi", "record"}
        self.logins = 0
        self.refusals: list[tuple[int, str]] = []  # answers to give next: (error_code, message)
        self.hold = threading.Event()  # set: answer nothing until released (a time-out)
        self.released = threading.Event()
        self.lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if portal.hold.is_set():
                    portal.released.wait(10)
                answer = portal.answer(self.path, body)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:  # the client gave up (a time-out)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/dong-bo"

    @property
    def login_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/dang-nhap"

    def __enter__(self) -> LocalPortal:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def refuse(self, times: int = 1, code: int = 11, message: str = "Mã thủ tục không tồn tại") -> None:
        with self.lock:
            self.refusals.extend([(code, message)] * times)

    def answer(self, path: str, body: dict) -> dict:
        with self.lock:
            if path.endswith("/dang-nhap"):
                if (body.get("username"), body.get("password")) != (self.username, self.password):
                    return {"error_code": 401, "message": "Sai tên đăng nhập hoặc mật khẩu"}
                self.logins += 1
                session = f"phien-{self.logins}"
                self.sessions.add(session)
                return {"error_code": 0, "session": session}
            if body.get("session") not in self.sessions:
                return {"error_code": 403, "message": "Phiên làm việc không hợp lệ"}
            if self.refusals:
                code, message = self.refusals.pop(0)
                return {"error_code": code, "message": message}
            service, records = body.get("service"), body.get("data")
            if service not in ("DongBoHoSoMC", "CapNhatTienDoHoSoMC") or not isinstance(records, list):
                return {"error_code": 2, "message": "Dịch vụ không hỗ trợ"}
            fields = DOSSIER_FIELDS if service == "DongBoHoSoMC" else PROGRESS_FIELDS
            for record in records:
                if problem := _problem(record, fields):
                    return {"error_code": 3, "message": problem}
            for record in records:
                self.received.append({"service": service, "isUpdating": body.get("isUpdating"),
                                      "madonvi": body.get("madonvi"), "record": record})  # fmt: skip
            return {"error_code": 0, "message": "Thành công"}


def _problem(record: dict, fields: tuple[str, ...]) -> str:
    missing = [name for name in fields if name not in record]
    if missing:
        return f"Thiếu trường {', '.join(missing)}"
    for name in fields:
        if name in REQUIRED and not record[name]:
            return f"Trường {name} trống"
        if name in DATES and record[name] and not PORTAL_DATE.match(record[name]):
            return f"Trường {name} sai định dạng yyyyMMddHHmmss"
    for item in record.get("DanhSachHoSoBoSung", []):
        if problem := _problem(item, SUPPLEMENT_FIELDS):
            return problem
    return ""
