"""Open a PDF with pypdfium2 and turn each page into text lines with their geometry.

This is the only module that talks to PDFium. The work per page is one text extraction
plus a handful of per-line PDFium calls (boxes and font of two or three sampled glyphs),
never a Python loop over every glyph: the whole check must cost at most about as much
as a bare text extraction.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from .errors import Unreadable
from .textnorm import clean_extracted

PDF_HEADER = b"%PDF-"
EOF_MARKER = b"%%EOF"

# A line as PDFium reports it: text up to a line break, or up to a soft hyphen (U+FFFE),
# which PDFium writes in place of a hyphen that ends a line, without a line break.
SEGMENT_RE = re.compile(r"[^\r\n\ufffe]+\ufffe?")
LEADING_NUMBER_RE = re.compile(r"(\d{1,4}) +(?=\S)")
# A number at the end of a line after a space: a line number right of the text (ACL's lineno
# [switch] numbers the right column there) is only told from a page reference by its gap.
TRAILING_NUMBER_RE = re.compile(r"(?<=\S)( +)(\d{1,4})$")
BOLD_NAME_RE = re.compile(r"bold|black|heavy|semibold|demi|medi|cmbx|\bbx", re.IGNORECASE)


@dataclass(slots=True)
class Line:
    page: int  # 1-based page number
    order: int  # position in the page's reading order
    text: str  # the text, without a margin line number once those are recognised
    x0: float  # left edge of the text (after a leading number), PDF points
    x1: float  # right edge
    base: float  # baseline of the first glyph (PDF y grows upwards)
    top: float  # top of the first or last glyph, whichever is higher
    size: float  # effective font size in points (of the middle glyph, text matrix applied)
    bold: bool  # the sampled glyphs are bold (probed only on lines with heading keywords)
    bold_start: bool  # the first glyph is bold (run-in headings; same restriction)
    hyphen: bool  # ends with a hyphen that PDFium marked as a line-end hyphen
    words: int = 0  # number of words (headings are short)
    number: int | None = None  # leading integer separated by a gap: a line-number candidate
    number_x0: float = 0.0
    number_x1: float = 0.0
    lineno: bool = False  # the leading number is a margin line number (set by layout)
    furniture: bool = False  # running header/footer or page number (set by layout)
    number_text: str = ""  # the leading number as printed ("007")
    trail: int | None = None  # trailing integer separated by a space: a line-number candidate
    trail_x0: float = 0.0  # left edge of that number
    text_x1: float = 0.0  # right edge of the text before it
    font: str = ""  # font name of the middle glyph (sampled on long lines only)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def restore_number(self) -> None:
        """The leading number is part of the text after all (not a margin line number)."""
        if self.number is not None and not self.lineno:
            self.text = f"{self.number_text or self.number} {self.text}"
            self.words += 1
            self.x0 = self.number_x0
            self.number = None


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    chars: int = 0
    has_graphics: bool | None = None  # computed lazily for the pages that need it
    objects: int = 0  # page objects pdfium could read (0: empty, or its content is damaged)
    images: int = 0


@dataclass(slots=True)
class Extracted:
    pages: list[Page]
    metadata: dict[str, str]
    xmp: str


def preflight(data: bytes, max_bytes: int) -> None:
    """Byte-level readability checks that need no parser."""
    if not data or not data.strip():
        raise Unreadable("empty", "The file is empty.")
    if len(data) > max_bytes:
        raise Unreadable(
            "too_large",
            f"The file is {len(data) / 1048576:.1f} MB; the limit is {max_bytes / 1048576:.0f} MB.",
        )
    if PDF_HEADER not in data[:1024]:
        kind = "an HTML page" if data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")) else "not a PDF"
        raise Unreadable("not_pdf", f"The file is {kind} (it does not start with %PDF-).")


def open_document(data: bytes) -> pdfium.PdfDocument:
    """Load the document with PDFium, mapping failures to readability codes."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise Unreadable("encrypted", "The PDF is encrypted and needs a password to open; upload an unprotected PDF.") from None
        if EOF_MARKER not in data[-4096:]:
            raise Unreadable("truncated", "The PDF is cut off (no end-of-file marker); the upload or the export was incomplete.") from None
        raise Unreadable("truncated", "The PDF is damaged and cannot be parsed; export it again.") from None
    if EOF_MARKER not in data[-4096:]:
        document.close()
        raise Unreadable("truncated", "The PDF is cut off (no end-of-file marker); the upload or the export was incomplete.")
    return document


class _Probe:
    """Reusable ctypes out-parameters for the per-glyph PDFium calls.

    `tp` here and below is PDFium's raw text-page handle (`PdfTextPage.raw`); pypdfium2 has
    no type information, so it is `Any`."""

    def __init__(self) -> None:
        self.l, self.b, self.r, self.t = (ctypes.c_double() for _ in range(4))
        self.ox, self.oy = ctypes.c_double(), ctypes.c_double()
        self.matrix = raw.FS_MATRIX()
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    def size(self, tp: Any, index: int) -> float:
        size: float = raw.FPDFText_GetFontSize(tp, index)  # a C double
        if raw.FPDFText_GetMatrix(tp, index, self.matrix):
            m = self.matrix
            size *= (m.c * m.c + m.d * m.d) ** 0.5
        return size

    def font(self, tp: Any, index: int) -> str:
        raw.FPDFText_GetFontInfo(tp, index, self.name, 128, self.flags)
        return self.name.value.decode("latin-1")

    def bold(self, tp: Any, index: int) -> bool:
        if raw.FPDFText_GetFontWeight(tp, index) >= 600:
            return True
        raw.FPDFText_GetFontInfo(tp, index, self.name, 128, self.flags)
        return bool(self.flags.value & (1 << 18)) or bool(BOLD_NAME_RE.search(self.name.value.decode("latin-1")))


def _char_index_map(tp: Any, text: str, count: int) -> Callable[[int], int] | None:
    """Map a position in the extracted string to PDFium's char index (identity when they agree)."""
    if len(text) == count:
        return None
    if ASTRAL_RE.search(text):
        offsets: list[int] = []
        extra = 0
        for c in text:
            offsets.append(extra)
            extra += ord(c) > 0xFFFF
        return lambda i: raw.FPDFText_GetCharIndexFromTextIndex(tp, i + offsets[min(i, len(offsets) - 1)])
    return lambda i: raw.FPDFText_GetCharIndexFromTextIndex(tp, i)


# The only headings whose weight matters are these (a bold "Limitations" subsection, a
# run-in "Acknowledgments."): other lines are not probed for bold, to save PDFium calls.
WEIGHT_WORTHY_RE = re.compile(r"append|supplem|checklist|acknowledg|limitation", re.IGNORECASE)
ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def _lines_of_page(tp: Any, text: str, count: int, number: int, probe: _Probe) -> list[Line]:
    # The hot loop of the checker: PDFium functions and out-parameters are bound locally.
    to_char = _char_index_map(tp, text, count)
    get_box, get_origin = raw.FPDFText_GetCharBox, raw.FPDFText_GetCharOrigin
    l, b, r, t, ox, oy = probe.l, probe.b, probe.r, probe.t, probe.ox, probe.oy
    size_of, bold_of, font_of = probe.size, probe.bold, probe.font
    lines: list[Line] = []
    fonts = 0  # the body font's name is sampled on a few long lines of each page
    for match in SEGMENT_RE.finditer(text):
        segment = match.group()
        hyphen = segment[-1] == "\ufffe"
        body = segment[:-1] if hyphen else segment
        stripped = body.strip()
        if not stripped:
            continue
        start = match.start() + (len(body) - len(body.lstrip()))
        end = start + len(stripped) - 1
        lead = LEADING_NUMBER_RE.match(stripped) if stripped[0].isdigit() else None
        text_start = start + lead.end() if lead else start
        middle = (text_start + end) // 2
        if text[middle] == " ":
            middle += 1
        if to_char is None:
            first, last, mid = text_start, end, middle
        else:
            first, last, mid = to_char(text_start), to_char(end), to_char(middle)
            if first < 0 or last < 0 or mid < 0:
                continue
        get_box(tp, first, l, r, b, t)
        x0, top = l.value, t.value
        get_box(tp, last, l, r, b, t)
        x1, top = r.value, max(top, t.value)
        get_origin(tp, first, ox, oy)
        base = oy.value
        size = size_of(tp, mid)
        if size <= 1.0:  # a generated character: PDFium reports no font for it
            size = max(size, size_of(tp, first))
        content = stripped[lead.end():] if lead else stripped
        words = content.count(" ") + 1
        if words <= 14 and WEIGHT_WORTHY_RE.search(content):
            bold_start = bold_of(tp, first)
            bold = bold_start and bold_of(tp, mid)
        elif content[:3] in ("Ack", "ACK"):  # a run-in "Acknowledgments." paragraph
            bold_start, bold = bold_of(tp, first), False
        else:
            bold_start = bold = False
        line = Line(
            number,
            len(lines),
            content if content.isprintable() else clean_extracted(content),
            x0,
            x1,
            base,
            max(top, base + 0.6 * size),
            round(size, 2),
            bold,
            bold_start,
            hyphen,
            words,
        )
        if lead:
            digits = len(lead.group(1))
            index = start + digits - 1
            get_box(tp, index if to_char is None else to_char(index), l, r, b, t)
            line.number = int(lead.group(1))
            line.number_text = lead.group(1)
            line.number_x1 = r.value
            line.number_x0 = r.value - 0.5 * size * digits
        if content[-1].isdigit() and words > 1:
            trail = TRAILING_NUMBER_RE.search(content)
            if trail:
                at = text_start + trail.start(2)
                before = text_start + trail.start(1) - 1
                if to_char is not None:
                    at, before = to_char(at), to_char(before)
                if at >= 0 and before >= 0:
                    get_box(tp, at, l, r, b, t)
                    line.trail_x0 = l.value
                    get_box(tp, before, l, r, b, t)
                    line.text_x1 = r.value
                    line.trail = int(trail.group(2))
        if fonts < 6 and words >= 8:
            line.font = font_of(tp, mid) or "?"  # "?": a font without a name (Type 3)
            fonts += 1
        lines.append(line)
    return lines


def _page_has_graphics(page: pdfium.PdfPage, below: float, above: float) -> bool:
    """Whether an image, drawing or form object of some size lies between two heights."""
    count = raw.FPDFPage_CountObjects(page.raw)
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    for i in range(min(count, 5000)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_SHADING):
            continue
        if not raw.FPDFPageObj_GetBounds(obj, l, b, r, t):
            continue
        if t.value - b.value >= 15 and r.value - l.value >= 30 and b.value >= below - 2 and t.value <= above + 2:
            return True
    return False


def _count_objects(page: pdfium.PdfPage, cap: int = 100_000) -> tuple[int, int]:
    """How many page objects pdfium read on a page, and how many of them are images."""
    count = raw.FPDFPage_CountObjects(page.raw)
    images = 0
    for i in range(min(max(count, 0), cap)):
        if raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page.raw, i)) == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
    return max(count, 0), images


_USER_UNIT_RE = re.compile(rb"/UserUnit\s+(\d{1,12}(?:\.\d{0,12})?|\.\d{1,12})")


def declared_user_unit(data: bytes) -> float:
    """The largest /UserUnit a page dictionary declares (PDF 1.6: one unit is that many
    1/72 in). pdfium reports page boxes without it, so a letter-sized box with /UserUnit
    75000 would pass as letter paper; the sizes are scaled by it instead. A page dictionary
    kept in a compressed object stream is not seen: that only hides a scale from us when
    the producer also compresses the page tree, which the exporters that set it do not."""
    units = [float(m) for m in _USER_UNIT_RE.findall(data)]
    units = [u for u in units if u > 0]
    return max(units) if units else 1.0


_METADATA_STREAM_RE = re.compile(rb"/Type\s*/Metadata\b[^>]*?/Subtype\s*/XML|/Subtype\s*/XML\b[^>]*?/Type\s*/Metadata")
_STREAM_START_RE = re.compile(rb"stream\r?\n")


def read_xmp(data: bytes, limit: int = 200_000, max_streams: int = 16) -> str:
    """Every XMP packet in the file: stored plainly (as XMP recommends) or in a
    Flate-compressed /Metadata stream, which some exporters write and which would
    otherwise hide an author's name from the anonymity check."""
    packets: list[str] = []
    start = data.find(b"<x:xmpmeta")
    if start >= 0:
        end = data.find(b"</x:xmpmeta>", start, start + limit)
        if end >= 0:
            packets.append(data[start:end].decode("utf-8", errors="replace"))
    budget = limit
    for match in _METADATA_STREAM_RE.finditer(data):
        if len(packets) > max_streams or budget <= 0:
            break
        dict_end = data.find(b">>", match.end(), match.end() + 2000)
        head = data[max(0, match.start() - 2000):dict_end]
        if dict_end < 0 or b"/FlateDecode" not in head[head.rfind(b"<<"):]:
            continue
        opened = _STREAM_START_RE.match(data, dict_end + 2) or _STREAM_START_RE.search(data, dict_end + 2, dict_end + 40)
        if opened is None:
            continue
        body_end = data.find(b"endstream", opened.end(), opened.end() + 20 * limit)
        body = data[opened.end(): body_end if body_end >= 0 else opened.end() + 20 * limit]
        try:
            text = zlib.decompressobj().decompress(body, budget)
        except zlib.error:
            continue  # damaged stream: the rest of the check still runs
        budget -= len(text)
        if b"xmpmeta" in text or b"rdf:RDF" in text:
            packets.append(text.decode("utf-8", errors="replace"))
    return "\n".join(packets)


class PdfSource:
    """An opened PDF: pages are extracted on demand and kept open for later probes."""

    def __init__(self, data: bytes, *, max_pages: int, deadline: float | None = None):
        self.data = data
        self.document = open_document(data)
        self.deadline = deadline
        count = len(self.document)
        if count > max_pages:
            self.close()
            raise Unreadable("too_large", f"The PDF has {count} pages; the limit is {max_pages}.", pages=count)
        self.page_count = count

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise Unreadable("timeout", "Reading the PDF took too long; it may be unusually complex or damaged.")

    def extract(self) -> Extracted:
        probe = _Probe()
        pages: list[Page] = []
        user_unit = declared_user_unit(self.data)
        for index in range(self.page_count):
            self.check_time()
            page = self.document[index]
            try:
                width, height = page.get_size()
                width, height = width * user_unit, height * user_unit
                objects, images = _count_objects(page)
                textpage = page.get_textpage()
                try:
                    count = textpage.count_chars()
                    text = textpage.get_text_range() if count > 0 else ""
                    lines = _lines_of_page(textpage.raw, text, count, index + 1, probe) if text else []
                finally:
                    textpage.close()
            finally:
                page.close()
            pages.append(Page(number=index + 1, width=width, height=height, lines=lines, chars=len(text),
                              objects=objects, images=images))
        self.check_time()
        metadata: dict[str, str] = {}
        try:
            metadata = {k: (v or "").strip() for k, v in self.document.get_metadata_dict().items()}
        except Exception:  # broken Info dictionary: treat as absent
            metadata = {}
        return Extracted(pages=pages, metadata=metadata, xmp=read_xmp(self.data))

    def graphics_between(self, page_number: int, below: float, above: float) -> bool:
        page = self.document[page_number - 1]
        try:
            return _page_has_graphics(page, below, above)
        finally:
            page.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a damaged document may fail too; nothing is left to do
            self.document.close()
