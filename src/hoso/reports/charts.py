"""Charts drawn on the server as inline SVG: no script, no external resource. Every chart has a title
and description for screen readers; the numbers are always in a table beside it."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLORS = {
    "electronic": "#1565c0",
    "barcode": "#f9a825",
    "paper": "#8d6e63",
    "late": "#c62828",
    "due_soon": "#ef6c00",
    "on_time": "#2e7d32",
    "paused": "#78909c",
    "rate": "#1565c0",
}


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 — every text in body is escaped


def stacked_columns(items: list[dict], keys: list[str], *, title: str, label_key: str = "day",
                    labels: dict[str, str] | None = None) -> SafeString:  # fmt: skip
    """One column per item (a day), stacked by ``keys``; x labels on the 1st of a month and Mondays
    when few days are shown."""
    width, height, left, bottom, top = 960, 240, 40, 28, 24
    n = max(len(items), 1)
    peak = max([sum(i.get(k, 0) for k in keys) for i in items] + [1])
    step = (width - left - 10) / n
    scale = (height - bottom - top) / peak
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#999"/>'
    ]
    for tick in _ticks(peak):
        y = height - bottom - tick * scale
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#eee"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick}</text>')
    for index, item in enumerate(items):
        x = left + index * step
        y = height - bottom
        for key in keys:
            value = item.get(key, 0)
            if value:
                h = value * scale
                y -= h
                body.append(
                    f'<rect x="{x + 0.5:.1f}" y="{y:.1f}" width="{max(step - 1, 0.8):.1f}" height="{h:.1f}" '
                    f'fill="{COLORS.get(key, "#555")}"><title>{escape(_label(item, label_key))}: '
                    f"{escape((labels or {}).get(key, key))} {value}</title></rect>"
                )
        day = item.get(label_key)
        if hasattr(day, "day") and day.day == 1:
            body.append(
                f'<text x="{x:.1f}" y="{height - bottom + 14}" font-size="10">{day:%m/%Y}</text>'
                f'<line x1="{x:.1f}" y1="{height - bottom}" x2="{x:.1f}" y2="{height - bottom + 4}" stroke="#999"/>'
            )
    body.extend(_legend(keys, labels, left, 14))
    return _svg(width, height, title, body)


def _label(item: dict, key: str) -> str:
    value = item.get(key)
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)


def _ticks(peak: float) -> list[int]:
    if peak <= 0:
        return []
    raw = peak / 4
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = max(1, int(round(raw / magnitude)) * magnitude)
    return list(range(step, int(peak) + 1, step))


def _legend(keys: list[str], labels: dict[str, str] | None, x: int, y: int) -> list[str]:
    out = []
    for key in keys:
        text = (labels or {}).get(key, key)
        out.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLORS.get(key, "#555")}"/>'
            f'<text x="{x + 14}" y="{y}" font-size="11">{escape(text)}</text>'
        )
        x += 24 + 7 * len(text)
    return out


def rate_bars(items: list[tuple[str, float, str]], *, title: str) -> SafeString:
    """Horizontal bars of rates in [0, 1]: (label, rate, note)."""
    row, left, width = 20, 230, 760
    height = row * len(items) + 10
    body = []
    for index, (label, rate, note) in enumerate(items):
        y = 5 + index * row
        w = max(0.0, min(rate, 1.0)) * (width - left - 70)
        body.append(
            f'<text x="{left - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(label[:38])}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{COLORS["rate"]}">'
            f"<title>{escape(label)}: {rate:.1%} {escape(note)}</title></rect>"
            f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="11">{rate:.0%}</text>'
        )
    return _svg(width, max(height, 30), title, body)


def stacked_bars(items: list[dict], keys: list[str], *, title: str, label_key: str,
                 labels: dict[str, str] | None = None) -> SafeString:  # fmt: skip
    """Horizontal bars stacked by ``keys`` (for example the backlog of each office by due state)."""
    row, left, width, top = 20, 230, 760, 22
    peak = max([sum(i.get(k, 0) for k in keys) for i in items] + [1])
    scale = (width - left - 60) / peak
    body = _legend(keys, labels, left, 14)
    for index, item in enumerate(items):
        y = top + index * row
        x = float(left)
        body.append(
            f'<text x="{left - 6}" y="{y + 13}" font-size="11" text-anchor="end">'
            f"{escape(str(item.get(label_key, ''))[:38])}</text>"
        )
        for key in keys:
            value = item.get(key, 0)
            if value:
                w = value * scale
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
                    f'fill="{COLORS.get(key, "#555")}"><title>{escape(str(item.get(label_key, "")))}: '
                    f"{escape((labels or {}).get(key, key))} {value}</title></rect>"
                )
                x += w
        body.append(
            f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{sum(item.get(k, 0) for k in keys)}</text>'
        )
    return _svg(width, top + row * len(items) + 6, title, body)
