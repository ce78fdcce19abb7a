"""Inputs made here: envelopes of a given size, printed and rendered pages."""

from __future__ import annotations

import random

import pytest


def make_envelope(people: int = 20, seed: int = 1) -> bytes:
    """An unsigned envelope with a D02-TS-like table of people; compressible like real ones."""
    rnd = random.Random(seed)
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hạnh", "Khoa", "Lan", "Minh", "Ngọc", "Phương", "Thảo"]
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    rows = "".join(
        f"<LaoDong><HoTen>{rnd.choice(family)} Văn {rnd.choice(given)}</HoTen>"
        f"<MasoBHXH>01{rnd.randrange(10**8):08d}</MasoBHXH>"
        f"<NgaySinh>{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{rnd.randint(1960, 2004)}</NgaySinh>"
        f"<GioiTinh>{rnd.randint(0, 1)}</GioiTinh><TienLuong>{rnd.randint(40, 400) * 100000}</TienLuong>"
        f"<PA>TM</PA></LaoDong>"
        for _ in range(people)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><Hoso><NoiDung><ThongTinDonVi><TenDoiTuong>Công ty TNHH '
        f"Hòa Bình {seed}</TenDoiTuong><MaSoBHXH>YN0001A</MaSoBHXH></ThongTinDonVi>{rows}</NoiDung></Hoso>"
    ).encode()


def random_envelope(size: int, seed: int = 1) -> bytes:
    """Incompressible content: many symbols from few bytes."""
    rnd = random.Random(seed)
    return ("<Hoso>" + "".join(f"{rnd.getrandbits(32):08x}" for _ in range(size // 8)) + "</Hoso>").encode()


@pytest.fixture
def envelope() -> bytes:
    return make_envelope()
