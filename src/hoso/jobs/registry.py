"""The periodic jobs: what runs, how often, and what it is for (in the words IT reads on its pages).

Each job is a plain function taking no argument; its schedule is created or updated by `hoso init`
(:func:`hoso.jobs.schedules.ensure`). A job that fails is kept with its traceback (django-q2's failed
tasks, in the admin) and runs again at its next period; work that must not wait a period (a letter to
send) keeps its own attempts and back-off in its own table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    func: str
    minutes: int  # period
    label_vi: str
    label_en: str


HEARTBEAT = Job(
    "hoso:heartbeat",
    "hoso.jobs.tasks.heartbeat",
    1,
    "Nhịp hoạt động của bộ chạy công việc (kiểm tra sẵn sàng)",
    "Job worker heartbeat (readiness)",
)
JOBS: tuple[Job, ...] = (
    HEARTBEAT,
    Job(
        "hoso:report-rollups", "hoso.jobs.tasks.refresh_reports", 5,
        "Cập nhật số liệu tổng hợp cho các báo cáo", "Refresh the report roll-ups",
    ),
    Job(
        "hoso:outbox", "hoso.jobs.tasks.send_outbox", 1,
        "Gửi thư điện tử thông báo đang chờ trong hộp thư đi (thử lại khi lỗi)",
        "Send the notice e-mails waiting in the outbox (retried on failure)",
    ),
    Job(
        "hoso:submitter-notices", "hoso.reports.submitter_notices.run", 1,
        "Gửi thông báo cho người nộp hồ sơ: tiếp nhận, yêu cầu bổ sung, có kết quả (tắt khi chưa cấu hình)",
        "Notify submitters: dossier received, supplement requested, result ready (off until configured)",
    ),
    Job(
        "hoso:retention", "hoso.jobs.tasks.retention", 24 * 60,
        "Xoá dữ liệu gốc quá thời hạn lưu trữ", "Purge raw bytes past their retention period",
    ),
    Job(
        "hoso:backup", "hoso.jobs.tasks.backup", 24 * 60,
        "Sao lưu vào HOSO_BACKUP_DIR (chỉ chứng cứ mới) và xoá bản sao lưu quá HOSO_BACKUP_KEEP_DAYS ngày",
        "Back up into HOSO_BACKUP_DIR (new evidence only), prune backups older than HOSO_BACKUP_KEEP_DAYS",
    ),
    Job(
        "hoso:revocation", "hoso.jobs.tasks.revocation", 15,
        "Tải danh sách thu hồi (CRL) mới của các CA", "Fetch the CAs' new revocation lists (CRLs)",
    ),
    Job(
        "hoso:pending", "hoso.jobs.tasks.pending", 5,
        "Kiểm tra lại các hồ sơ đang chờ xác định tình trạng thu hồi chứng thư số",
        "Check again the dossiers held pending a certificate's revocation status",
    ),
    Job(
        "hoso:portal", "hoso.portal.sync.run", 1,
        "Đồng bộ hồ sơ với Cổng dịch vụ công quốc gia (thử lại khi lỗi; tắt khi chưa cấu hình)",
        "Sync dossiers with the national public-service portal (retried on failure; off until configured)",
    ),
)  # fmt: skip
