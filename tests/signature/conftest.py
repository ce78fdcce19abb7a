from __future__ import annotations

from pathlib import Path

import pytest

from tests.pki_fixtures import test_pki  # noqa: F401

REAL_VECTORS = Path(__file__).parents[2] / ".." / "shared" / "vectors" / "ivan-real"


@pytest.fixture(scope="session")
def real_vectors() -> Path:
    if not REAL_VECTORS.is_dir():
        pytest.skip(
            f"real I-VAN vectors not found at {REAL_VECTORS.resolve()} (shared/ is not beside the repo)"
        )
    return REAL_VECTORS


@pytest.fixture(scope="session")
def d02_form() -> bytes:
    from hoso.dossier import D02Row, build_d02

    rows = [
        D02Row(
            stt=str(i),
            ho_ten=f"Nguyễn Văn Đức {i}",
            ma_so_bhxh=f"01{i:08d}",
            ngay_sinh="01/02/1990",
            gioi_tinh="1",
            tien_luong="5000000",
            tu_thang="11/2026",
            pa="TM",
        )
        for i in range(1, 4)
    ]
    return build_d02({"MaDonVi": "TA0100A", "TenDonVi": "Công ty Hoà Bình"}, rows)
