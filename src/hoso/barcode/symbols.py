"""PDF417 symbols: making them (as module matrices to draw) and finding them in page images.

zxing-cpp (3.1) does the symbology work in both directions; this module adds the page-level policy:
a fast first read (one zxing-cpp call), the further reads the reader makes when a dossier is still
incomplete (straightening, thresholds, upscaling, sharpening), and a diagnosis in Vietnamese when a
page still gives nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hoso.barcode.errors import EncodeError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

# Error-correction level 5 = 64 codewords: up to 32 damaged codewords corrected per symbol.
DEFAULT_EC_LEVEL = 5
# 18 data columns: 375 modules wide (17 per column, 4 columns of start, stop and row indicators, 1),
# 158 mm with 0.42 mm modules: it fits an A4 page with room for the quiet zone.
DEFAULT_COLUMNS = 18

A4_SHORT_SIDE_INCHES = 210 / 25.4
BLUR_EDGE_MM = 0.5


@dataclass(frozen=True)
class SymbolMatrix:
    """A PDF417 symbol without its quiet zone, as rows of dark runs.

    ``rows`` holds one entry per PDF417 row: a list of ``(start, length)`` dark runs in modules.
    """

    width: int
    rows: tuple[tuple[tuple[int, int], ...], ...]
    text: str


def make_symbol(text: str, ec_level: int = DEFAULT_EC_LEVEL, columns: int = DEFAULT_COLUMNS) -> SymbolMatrix:
    """Encode ``text`` (ASCII) as a PDF417 symbol matrix."""
    import zxingcpp

    try:
        barcode = zxingcpp.create_barcode(
            text, zxingcpp.BarcodeFormat.PDF417, ec_level=str(ec_level), columns=str(columns)
        )
    except Exception as exc:  # zxing-cpp raises a plain ValueError/RuntimeError from zint
        raise EncodeError(str(exc)) from exc
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    height, width = image.shape[0], image.shape[1]
    raw = bytes(memoryview(image))
    rows: list[tuple[tuple[int, int], ...]] = []
    previous = None
    for y in range(height):
        line = raw[y * width : (y + 1) * width]
        if line == previous:
            continue  # zint draws each PDF417 row several pixels high; adjacent rows always differ
            # (their row indicators belong to different clusters)
        previous = line
        runs: list[tuple[int, int]] = []
        x = 0
        while x < width:
            if line[x] < 128:
                start = x
                while x < width and line[x] < 128:
                    x += 1
                runs.append((start, x - start))
            else:
                x += 1
        rows.append(tuple(runs))
    return SymbolMatrix(width=width, rows=tuple(rows), text=text)


def render_symbol(matrix: SymbolMatrix, module: int = 3, row_height: int = 3, quiet: int = 4) -> Image.Image:
    """A grayscale picture of the symbol (for tests and previews; the PDF draws vectors)."""
    from PIL import Image, ImageDraw

    width = (matrix.width + 2 * quiet) * module
    height = (len(matrix.rows) * row_height + 2 * quiet) * module
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for r, runs in enumerate(matrix.rows):
        y0 = (quiet + r * row_height) * module
        for start, length in runs:
            x0 = (quiet + start) * module
            draw.rectangle([x0, y0, x0 + length * module - 1, y0 + row_height * module - 1], fill=0)
    return image


@dataclass
class Diagnosis:
    """Why a page gave no symbol, and what the desk officer should do."""

    code: str
    message_vi: str
    message_en: str
    measures: dict[str, float] = field(default_factory=dict)

    def message(self, language: str = "vi") -> str:
        return self.message_en if language.startswith("en") else self.message_vi

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message_vi,
            "message_en": self.message_en,
            "measures": self.measures,
        }


@dataclass
class ImageScan:
    """What one page image gave."""

    texts: list[str]
    damaged: int  # symbols located but not decodable
    dpi: float
    thorough: bool = False


def to_gray(image: Image.Image) -> Image.Image:
    """8-bit grayscale; 16-bit and float scans are stretched to 0..255."""
    if image.mode == "L":
        return image
    if image.mode == "F" or image.mode.startswith("I"):
        wide = image.convert("I") if image.mode != "F" else image
        lo, hi = wide.getextrema()
        span = (hi - lo) or 1
        return wide.point(lambda v: (v - lo) * 255.0 / span).convert("L")
    return image.convert("L")


def image_dpi(image: Image.Image, fallback: float | None = None) -> float:
    """The scan resolution: the file's own DPI, else what an A4 page of this size would have.

    0.0 means unknown (no DPI in the file and not the shape of an A4 page, e.g. a cropped symbol).
    """
    info = image.info.get("dpi")
    if info:
        try:
            value = float(info[0])
        except (TypeError, ValueError, IndexError):
            value = 0.0
        if value >= 30:  # some files say 1 dpi and mean nothing
            return value
    if fallback:
        return fallback
    short, long = sorted(image.size)
    if short and 1.3 <= long / short <= 1.5:
        return short / A4_SHORT_SIDE_INCHES
    return 0.0


def _read(gray: Image.Image, binarizer=None):  # noqa: ANN001, ANN202
    import zxingcpp

    kwargs = {"formats": zxingcpp.BarcodeFormat.PDF417, "return_errors": True}
    if binarizer is not None:
        kwargs["binarizer"] = binarizer
    found = zxingcpp.read_barcodes(gray, **kwargs)
    texts = [b.text for b in found if b.valid]
    damaged = sum(1 for b in found if not b.valid)
    return texts, damaged


def scan_image(image: Image.Image, dpi: float | None = None) -> ImageScan:
    """Find the PDF417 symbols of one page image: one zxing-cpp call (the fast first read)."""
    texts, damaged = _read(to_gray(image))
    return ImageScan(texts=texts, damaged=damaged, dpi=image_dpi(image, dpi))


def thorough_reads(image: Image.Image, dpi: float | None = None) -> Iterator[tuple[list[str], int]]:
    """Further reads of a page, most useful first; each yields ``(texts, damaged)``.

    zxing-cpp reads PDF417 only up to about 2 degrees of skew, so the page is first straightened by
    the angle that a projection profile finds; then another binarizer, a sharpened copy (blur), fixed
    thresholds near the dark and the light end (toner spread, faded toner), and a 2x upscale of
    low-resolution scans are tried. The caller stops as soon as it has what it needs.
    """
    import zxingcpp
    from PIL import Image as PILImage
    from PIL import ImageFilter

    gray = to_gray(image)
    resolution = image_dpi(image, dpi)
    angle = estimate_skew(gray)
    straight = gray
    if abs(angle) >= 0.4:
        straight = gray.rotate(-angle, resample=PILImage.Resampling.BICUBIC, expand=True, fillcolor=255)
        yield _read(straight)
    yield _read(straight, zxingcpp.Binarizer.GlobalHistogram)
    yield _read(straight.filter(ImageFilter.UnsharpMask(radius=2, percent=200, threshold=0)))
    # Toner spread makes bars too wide and faded toner too narrow, by a fraction of a module: a fixed
    # threshold near the dark (or the light) end moves every edge back by that fraction.
    low, high = _levels(straight)
    for share in (0.2, 0.8):
        cut = low + share * (high - low)
        yield _read(straight.point(lambda v, cut=cut: 0 if v < cut else 255))
    if resolution < 250:
        yield _read(straight.resize((straight.width * 2, straight.height * 2), PILImage.Resampling.BICUBIC))


def _levels(gray: Image.Image) -> tuple[int, int]:
    """The dark and light levels of a page: its 1st and 99th percentiles."""
    hist = gray.histogram()
    total = sum(hist) or 1
    acc, low, high = 0, 0, 255
    for value, count in enumerate(hist):
        if acc < 0.01 * total <= acc + count:
            low = value
        if acc < 0.99 * total <= acc + count:
            high = value
        acc += count
    return low, high


def estimate_skew(gray: Image.Image, limit: float = 8.0) -> float:
    """The page's skew in degrees (counter-clockwise positive), by projection profiles.

    At the right angle the vertical bars (start and stop patterns, symbol edges) and the horizontal
    text lines and symbol rows line up, so column and row means vary most. Works on a reduced copy.
    """
    from PIL import Image as PILImage
    from PIL import ImageStat

    def reduced(side: int) -> Image.Image:
        factor = max(1, round(max(gray.size) / side))
        small = gray.reduce(factor) if factor > 1 else gray
        return small.point(lambda v: 0 if v < 160 else 255)

    def score(image: Image.Image, angle: float) -> float:
        turned = image.rotate(-angle, resample=PILImage.Resampling.BILINEAR, expand=False, fillcolor=255)
        cols = turned.resize((turned.width, 1), PILImage.Resampling.BOX)
        rows = turned.resize((1, turned.height), PILImage.Resampling.BOX)
        return ImageStat.Stat(cols).var[0] + ImageStat.Stat(rows).var[0]

    def search(image: Image.Image, centre: float, span: float, step: float) -> float:
        count = int(round(span / step))
        angles = [centre + k * step for k in range(-count, count + 1)]
        angles = [a for a in angles if abs(a) <= limit] or [centre]
        return max(angles, key=lambda a: (score(image, a), -abs(a)))

    coarse = search(reduced(450), 0.0, limit, 1.0)
    fine_image = reduced(900)
    mid = search(fine_image, coarse, 0.75, 0.25)
    return round(search(fine_image, mid, 0.2, 0.1), 2)


def diagnose(image: Image.Image, scan: ImageScan) -> Diagnosis:
    """The likely reason a page gave no readable symbol."""
    from PIL import ImageChops, ImageStat

    gray = to_gray(image)
    low, high = _levels(gray)
    contrast = float(high - low)
    steps = ImageChops.difference(gray, ImageChops.offset(gray, 1, 0)).histogram()
    # Sharp edges step by most of the contrast from one pixel to the next; blurred ones spread the
    # step over several pixels. Among the edge pixels (steps of at least a tenth of the contrast),
    # take the step that the strongest tenth reach.
    floor = max(1, int(contrast / 10))
    edges = sum(steps[floor:])
    strong = 0
    if edges:
        acc = 0
        for value in range(255, floor - 1, -1):
            acc += steps[value]
            if acc >= 0.1 * edges:
                strong = value
                break
    sharpness = strong / contrast if contrast else 0.0
    # The width of an edge on paper: about 1/sharpness pixels. Bars of 0.42 mm modules still read with
    # edges of 0.3 mm and no longer with edges of 0.8 mm, whatever the resolution.
    edge_mm = 25.4 / (scan.dpi * sharpness) if scan.dpi and sharpness else float("inf")
    blurred = edge_mm > BLUR_EDGE_MM if scan.dpi else sharpness < 0.3
    mean = ImageStat.Stat(gray).mean[0]
    measures = {
        "dpi": round(scan.dpi, 1),  # 0 = unknown
        "contrast": contrast,
        "sharpness": round(sharpness, 3),
        "edge_mm": round(edge_mm, 2) if edge_mm != float("inf") else -1.0,
        "mean": round(mean, 1),
    }
    dpi_text = f"{scan.dpi:.0f}"
    if 0 < scan.dpi < 190:
        return Diagnosis(
            "LOW_RESOLUTION",
            f"Không đọc được mã vạch: độ phân giải quá thấp (khoảng {dpi_text} dpi). "
            "Hãy quét lại trang này ở 300 dpi.",
            f"No barcode read: the resolution is too low (about {dpi_text} dpi). Scan this page again at 300 dpi.",
            measures,
        )
    if contrast < 40:
        return Diagnosis(
            "LOW_CONTRAST",
            "Không đọc được mã vạch: ảnh quá nhạt hoặc quá tối (độ tương phản thấp). "
            "Hãy quét lại ở chế độ đen trắng hoặc thang xám, tắt chế độ tiết kiệm mực, hoặc yêu cầu in lại.",
            "No barcode read: the image is too faint or too dark (low contrast). Scan again in black-and-white "
            "or grayscale mode, or ask for a new print.",
            measures,
        )
    if blurred:
        return Diagnosis(
            "BLUR",
            "Không đọc được mã vạch: ảnh bị nhòe. Hãy đặt trang phẳng trên mặt kính máy quét và quét lại "
            "(không dùng ảnh chụp điện thoại bị rung).",
            "No barcode read: the image is blurred. Lay the page flat on the scanner glass and scan again "
            "(no shaky phone photos).",
            measures,
        )
    if scan.damaged:
        return Diagnosis(
            "DAMAGED",
            f"Tìm thấy {scan.damaged} mã vạch nhưng không giải mã được (mã vạch bị bẩn, rách, gấp hoặc in "
            "mờ). Hãy quét lại; nếu vẫn lỗi, yêu cầu đơn vị in lại trang này.",
            f"Found {scan.damaged} barcode(s) that could not be decoded (dirty, torn, folded or faintly "
            "printed). Scan again; if it still fails, ask the unit to print this page again.",
            measures,
        )
    return Diagnosis(
        "NO_SYMBOL",
        "Không thấy mã vạch PDF417 nào trên trang này. Kiểm tra đã quét đúng trang có mã vạch, đúng mặt "
        "giấy, và mã vạch không bị che hoặc cắt mất.",
        "No PDF417 barcode on this page. Check that the page with the barcodes was scanned, on the right "
        "side, and that no barcode is covered or cut off.",
        measures,
    )
