"""What an import did, in Vietnamese sentences for the command line."""

from __future__ import annotations

from hoso.reference.importing.engine import ImportReport
from hoso.reference.importing.officers import FIRST_LOG_IN


def number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 50.000, as Vietnamese write it


def summary_lines(report: ImportReport) -> list[str]:
    label = report.kind.label_vi
    lines = []
    if report.ignored_columns:
        lines.append(
            "Các cột không dùng đến (bỏ qua): " + ", ".join(f"«{c}»" for c in report.ignored_columns)
        )
    counts = (f"thêm mới {number(report.created)}, cập nhật {number(report.updated)}, "
              f"không đổi {number(report.unchanged)}")  # fmt: skip
    if report.problems:
        where = f" ở {number(report.bad_rows)} dòng" if report.bad_rows else ""
        lines.append(
            f"{'Chạy thử' if report.dry_run else 'Không nhập'}: {number(len(report.problems))} lỗi{where} "
            f"trên {number(report.rows)} dòng; không ghi gì (nhập cả tệp hoặc không gì cả). "
            "Sửa các chỗ trên rồi chạy lại."
        )
    elif report.dry_run:
        lines.append(
            f"Chạy thử {label}: {number(report.rows)} dòng hợp lệ — sẽ {counts}. Chưa ghi gì; "
            "chạy lại không có --dry-run để nhập."
        )
    elif not report.created and not report.updated:
        lines.append(
            f"Không có gì thay đổi: {number(report.unchanged)} dòng đã có sẵn đúng như trong tệp ({label})."
        )
    else:
        lines.append(f"Đã nhập {label}: {counts}.")
    if report.kind.name == "officers" and report.written and report.created:
        created = [c.key for c in report.changes if c.action == "create"]
        lines.append(f"Tài khoản mới (chưa có mật khẩu): {', '.join(created)}.")
        lines.append(FIRST_LOG_IN)
    return lines
