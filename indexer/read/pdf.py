"""Read a PDF protocol into paged text with PDFium: the text layer, or OCR for scanned pages."""

from __future__ import annotations

import io
import itertools
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.errors import ProtocolParseError
from indexer.read import ocr
from indexer.read.document import PAGE_BREAK, Document
from indexer.read.pages import clean_pages

MIN_TEXT_CHARS = 50
"""A page with fewer non-space characters in its text layer, but something drawn on it, is taken for a
scan. Measured on corpus/Lomma_*.txt split at "Sida N av M": the sparsest real page has 187 non-space
characters (SN page 14: two lines of content plus the signature box), while a scan with a stamped text
overlay ("Sida 3 av 22", "Protokollet har justerats digitalt") has 40."""

WIDE_GAP_HEIGHTS = 1.0
"""A gap between two words wider than this many line heights (loose character box, ascent to descent,
about 1.2 em) is a column or tab gap, written as COLUMN_GAP. A space is about 0.3 em and justified text
stretches it to about 0.6 em; the tab in "BARN- OCH UTBILDNINGSNÄMNDEN    SAMMANTRÄDESPROTOKOLL" is
several em."""

COLUMN_GAP = "    "
"""How a wide gap is written: the parser, tuned on pdftotext -layout output (corpus/SOURCES.md: space
runs collapsed to at most 4), reads two or more spaces as a column break."""

PARAGRAPH_STEP = 1.5
"""A line that starts more than this many times the page's usual line step (its lower quartile, so
paragraph gaps do not count) below the line before opens a paragraph: a blank line is written. One empty
line doubles the step (2.0); 6 pt "space after" at 11 pt single spacing makes 1.45; measured on the test
PDFs and on /usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf, where a measure in font heights
broke paragraphs at every line set in Courier (its boxes are 0.74 em tall against 1.15 for body text)."""

OCR_WORKERS = min(4, os.cpu_count() or 1)
"""Scanned pages OCR'd at once, one single-threaded tesseract each (ocr.OMP_THREAD_LIMIT). Rendering
is serialised by the PDFium lock; tesseract runs outside it. Measured on 2 cores (4 dense pages): 15.3 s
one at a time, 12.4 s two at once; capped at 4 so a build on a big machine keeps cores for the rest."""

_PDFIUM_LOCK = threading.Lock()
"""PDFium is not thread-safe: every call into it, closing included, happens under this lock."""

# PDFium removes the line break after a hyphen that ends a line and marks the hyphen: "\x02" in the
# character list, U+FFFE in FPDFText_GetText; a soft hyphen (U+00AD) in the text stream ends up the same.
_HYPHEN_MARKS = frozenset("\x02\ufffe\xad")
# pypdfium2 raises PdfiumError (a RuntimeError); its text helpers assert on inconsistent buffers.
_PDFIUM_ERRORS = (RuntimeError, AssertionError, ValueError)
_DRAWN_OBJECTS = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_SHADING)
_POINTS_PER_INCH = 72
_OPEN_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "the PDF is password-protected; save a copy without a password to index it",
    pdfium_c.FPDF_ERR_SECURITY: "the PDF uses an encryption PDFium does not support; save an unprotected copy",
    # PDFium refuses a document with an empty page tree without setting an error code.
    pdfium_c.FPDF_ERR_SUCCESS: "the PDF has no pages",
}
_DAMAGE_REASONS = {
    pdfium_c.FPDF_ERR_FORMAT: "damaged or not a PDF: PDFium reports a data format error",
    pdfium_c.FPDF_ERR_FILE: "PDFium could not read the data",
    pdfium_c.FPDF_ERR_PAGE: "damaged page tree",
}


@contextmanager
def _pdfium(name: str, what: str) -> Iterator[None]:
    """Hold the PDFium lock; turn PDFium's errors into ProtocolParseError naming the file and `what` failed."""
    with _PDFIUM_LOCK:
        try:
            yield
        except _PDFIUM_ERRORS as error:
            raise ProtocolParseError(f"{name}: {what} ({error})") from None


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    if not data:
        raise ProtocolParseError(f"{name}: the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise ProtocolParseError(f"{name}: not a readable PDF (no %PDF- header)")
    with _PDFIUM_LOCK:
        try:
            return pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            code = error.err_code
            if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY) and b"/Encrypt" not in data:
                # Not encrypted, so the code is stale: PDFium refuses an empty page tree without setting
                # an error, and FPDF_GetLastError still holds the previous failed load's.
                code = pdfium_c.FPDF_ERR_SUCCESS
            reason = _OPEN_ERRORS.get(code)
            if reason is not None:
                raise ProtocolParseError(f"{name}: {reason}") from None
            detail = _DAMAGE_REASONS.get(error.err_code, str(error))
            raise ProtocolParseError(f"{name}: not a readable PDF ({detail})") from None


@dataclass(slots=True)
class _Line:
    """One text line of a page as PDFium orders it: its text and its first and last characters' indices."""

    parts: list[str] = field(default_factory=list)
    first: int = -1
    last: int = -1


def _lines(textpage: pdfium.PdfTextPage, raw: str, boxed: bool) -> list[_Line]:
    """The lines of `raw` (the page's text), hyphen marks restored as a trailing "-", wide gaps written
    as COLUMN_GAP (only when `boxed`: character boxes can be looked up by index)."""
    lines = [_Line()]
    pending_space = False
    for i, ch in enumerate(raw):
        if ch == "\n" or ch in _HYPHEN_MARKS:
            if ch in _HYPHEN_MARKS:
                lines[-1].parts.append("-")
            lines.append(_Line())
            pending_space = False
        elif ch.isspace():
            pending_space = lines[-1].last >= 0
        elif ch >= " ":
            line = lines[-1]
            if pending_space:
                line.parts.append(COLUMN_GAP if boxed and _wide_gap(textpage, line.last, i) else " ")
                pending_space = False
            line.parts.append(ch)
            line.first = i if line.first < 0 else line.first
            line.last = i
    return lines


def _spaced(textpage: pdfium.PdfTextPage) -> str:
    """The page's text: `\\n` line ends, "-" where PDFium marked a line-end hyphen, COLUMN_GAP for wide
    gaps, and a blank line where two lines stand apart like paragraphs (as pdftotext writes it)."""
    # Boxes are looked up by character index, which needs FPDFText_GetText to have neither dropped nor
    # inserted characters (true of ordinary PDFs); otherwise gaps are read as single spaces.
    raw = textpage.get_text_range()
    boxed = len(raw) == textpage.count_chars()
    lines = _lines(textpage, raw, boxed)
    steps = [_step(textpage, a, b) if boxed else 0.0 for a, b in itertools.pairwise(lines)]
    rising = sorted(step for step in steps if step > 0)
    typical = rising[len(rising) // 4] if rising else 0.0
    out = ["".join(lines[0].parts)]
    for step, line in zip(steps, lines[1:]):
        if typical and step > PARAGRAPH_STEP * typical:
            out.append("")
        out.append("".join(line.parts))
    return "\n".join(line.rstrip() for line in out)


def _step(textpage: pdfium.PdfTextPage, above: _Line, below: _Line) -> float:
    """How far down the page `below` starts from where `above` ends (bottoms of their loose boxes); 0 when
    either line is empty."""
    if above.last < 0 or below.first < 0:
        return 0.0
    _, above_bottom, _, _ = textpage.get_charbox(above.last, loose=True)
    _, below_bottom, _, _ = textpage.get_charbox(below.first, loose=True)
    return float(above_bottom - below_bottom)


def _wide_gap(textpage: pdfium.PdfTextPage, left: int, right: int) -> bool:
    """True when the characters at `left` and `right` (same line) stand more than WIDE_GAP_HEIGHTS apart."""
    _, _, left_end, _ = textpage.get_charbox(left, loose=True)
    start, bottom, _, top = textpage.get_charbox(right, loose=True)
    return bool(start - left_end > WIDE_GAP_HEIGHTS * abs(top - bottom))


def _page_text(pdf: pdfium.PdfDocument, index: int) -> tuple[str, bool]:
    """(text layer of page `index`, whether anything besides text is drawn on it)."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text = _spaced(textpage)
        finally:
            textpage.close()
        drawn = next(page.get_objects(filter=list(_DRAWN_OBJECTS), max_depth=4), None) is not None
    finally:
        page.close()
    return text, drawn


def _page_png(pdf: pdfium.PdfDocument, index: int) -> bytes:
    """Page `index` rendered in grey at ocr.RENDER_DPI, as PNG."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=ocr.RENDER_DPI / _POINTS_PER_INCH, grayscale=True)
        try:
            buffer = io.BytesIO()
            # Level 1: compression ratio barely matters on a pipe; encoding time does.
            bitmap.to_pil().save(buffer, format="PNG", compress_level=1)
        finally:
            bitmap.close()
    finally:
        page.close()
    return buffer.getvalue()


def _pages_have(numbers: list[int]) -> str:
    """ "page 2 has" / "pages 2, 5 have": the subject and verb of a warning."""
    listed = ", ".join(str(n) for n in numbers)
    return f"page {listed} has" if len(numbers) == 1 else f"pages {listed} have"


def _non_space(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _text_layer(pdf: pdfium.PdfDocument, name: str) -> tuple[list[str], list[int], list[str]]:
    """(text of each page, 0-based pages that look scanned, warnings for pages that could not be read)."""
    with _pdfium(name, "cannot count the pages"):
        count = len(pdf)
    if count <= 0:
        raise ProtocolParseError(f"{name}: the PDF has no pages")
    texts: list[str] = []
    scans: list[int] = []
    broken: dict[int, str] = {}
    for index in range(count):
        with _PDFIUM_LOCK:
            try:
                text, drawn = _page_text(pdf, index)
            except _PDFIUM_ERRORS as error:
                text, drawn = "", False
                broken[index + 1] = str(error).rstrip(".")
        texts.append(text)
        if drawn and _non_space(text) < MIN_TEXT_CHARS:
            scans.append(index)
    if len(broken) == count:
        raise ProtocolParseError(f"{name}: not a readable PDF (no page can be read: {broken[1]})")
    warnings = [f"{name}: page {n} cannot be read ({why}) and was left out" for n, why in broken.items()]
    return texts, scans, warnings


def _read_scans(pdf: pdfium.PdfDocument, name: str, texts: list[str], scans: list[int]) -> tuple[list[int], list[str]]:
    """OCR the scanned pages into `texts` (in place): (1-based pages read by OCR, warnings)."""
    if not scans:
        return [], []
    if not ocr.ocr_available():
        if not any(_non_space(text) for i, text in enumerate(texts) if i not in scans):
            raise ProtocolParseError(f"{name}: the PDF has no text layer (a scan); {ocr.OCR_HINT}")
        pages = _pages_have([i + 1 for i in scans])
        return [], [f"{name}: {pages} no text layer (scanned) and could not be read; {ocr.OCR_HINT}"]

    def ocr_page(index: int) -> str:
        with _pdfium(name, f"page {index + 1} cannot be rendered for OCR"):
            png = _page_png(pdf, index)
        return ocr.ocr_image(png, f"{name} page {index + 1}")

    pool = ThreadPoolExecutor(max_workers=min(OCR_WORKERS, len(scans)))
    try:
        reads = list(pool.map(ocr_page, scans))
    finally:
        # After a failed page, pages not yet started are not OCR'd in vain.
        pool.shutdown(wait=True, cancel_futures=True)
    read_pages: list[int] = []
    for index, read in zip(scans, reads):
        # A sparse text page with a logo is a candidate too; keep whichever text is fuller.
        if _non_space(read) > _non_space(texts[index]):
            texts[index] = read
            read_pages.append(index + 1)
    return read_pages, []


def read_pdf(data: bytes, name: str) -> Document:
    """Read a PDF's pages as text: the text layer, OCR for scanned pages when tesseract is installed.

    Running headers/footers are removed and hyphenated words joined (pages.clean_pages). Raises
    ProtocolParseError, naming `name`, for a damaged, encrypted, empty or unreadable (scan without OCR)
    PDF. In an otherwise readable PDF, pages that cannot be read or scans left without OCR are named
    in `Document.warnings`.
    """
    pdf = _open(data, name)
    try:
        texts, scans, warnings = _text_layer(pdf, name)
        ocr_pages, ocr_warnings = _read_scans(pdf, name, texts, scans)
    finally:
        with _PDFIUM_LOCK:
            pdf.close()
    cleaned = clean_pages([t.replace("\r\n", "\n").replace("\r", "\n").replace(PAGE_BREAK, "\n") for t in texts])
    if not any(page.strip() for page in cleaned):
        raise ProtocolParseError(f"{name}: no text on any of the PDF's {len(texts)} pages")
    return Document(
        PAGE_BREAK.join(cleaned),
        "pdf",
        paged=True,
        ocr_pages=tuple(ocr_pages),
        warnings=(*warnings, *ocr_warnings),
    )
