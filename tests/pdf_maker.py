"""Build small PDFs inside tests: text pages with running header/footer (fpdf2), or image-only scans (PIL)."""

from __future__ import annotations

import re
from collections.abc import Collection

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
"""DejaVu Sans covers åäö, § and en dashes; the core PDF fonts are Latin-1 only."""

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_MM = 15.0
FONT_SIZE_PT = 10.0
LINE_HEIGHT_MM = 5.0
HEADER_Y_MM = 10.0
BODY_Y_MM = 25.0
FOOTER_Y_MM = 275.0
COLUMN_GAP_MM = 12.0
"""Where a text line has a tab or a run of two or more spaces ("BUN § 61    Title"), the parts are set as columns
this far apart, as a word processor's tab would, so the reader sees a wide gap, not spaces."""
INDENT_MM = 2.0
"""Per leading space of a corpus line (pdftotext keeps indentation as spaces)."""

SCAN_DPI = 300
SCAN_FONT_PT = 11.0
SCAN_LINE_SPACING = 1.6
SCAN_MARGIN_IN = 0.8

_GAP_RE = re.compile(r"\s{2,}|\t")


def _columns(line: str) -> tuple[int, list[str]]:
    """(leading spaces, the line's parts between runs of two or more spaces)."""
    indent = len(line) - len(line.lstrip(" "))
    return indent, [part for part in _GAP_RE.split(line.strip()) if part]


def _text_line(pdf: FPDF, line: str, y: float) -> None:
    """Set one line at height `y`; shrink the font if it would not fit, so it stays one PDF line."""
    indent, parts = _columns(line)
    if not parts:
        return
    x = MARGIN_MM + INDENT_MM * min(indent, 10)
    available = PAGE_WIDTH_MM - MARGIN_MM - x
    size = FONT_SIZE_PT
    pdf.set_font_size(size)
    natural = sum(pdf.get_string_width(part) for part in parts) + COLUMN_GAP_MM * (len(parts) - 1)
    if natural > available:
        size = FONT_SIZE_PT * available / natural * 0.98
        pdf.set_font_size(size)
    for part in parts:
        pdf.text(x, y, part)
        x += pdf.get_string_width(part) + COLUMN_GAP_MM * size / FONT_SIZE_PT
    pdf.set_font_size(FONT_SIZE_PT)


def _fill(template: str | None, page: int, pages: int) -> list[str]:
    if template is None:
        return []
    return template.format(page=page, pages=pages).split("\n")


def make_pdf(
    pages: list[list[str]],
    header: str | None = None,
    footer: str | None = None,
    *,
    image_pages: Collection[int] = (),
    password: str | None = None,
) -> bytes:
    """A PDF with one page per item of `pages`, one text line per string (text layer, DejaVu Sans).

    `header` and `footer` are set on every page; "\\n" separates their lines and `{page}`/`{pages}`
    are replaced by the page number and count. Pages numbered (1-based) in `image_pages` are scans:
    their lines, header and footer are one image, with no text layer. With `password`, the PDF needs it
    to be opened.
    """
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", FONT_PATH)
    pdf.set_font("DejaVu", size=FONT_SIZE_PT)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if number in image_pages:
            scan = [*_fill(header, number, len(pages)), "", *lines, "", *_fill(footer, number, len(pages))]
            pdf.image(page_image(scan), x=0, y=0, w=PAGE_WIDTH_MM, h=PAGE_HEIGHT_MM)
            continue
        for i, line in enumerate(_fill(header, number, len(pages))):
            _text_line(pdf, line, HEADER_Y_MM + i * LINE_HEIGHT_MM)
        for i, line in enumerate(lines):
            _text_line(pdf, line, BODY_Y_MM + i * LINE_HEIGHT_MM)
        for i, line in enumerate(_fill(footer, number, len(pages))):
            _text_line(pdf, line, FOOTER_Y_MM + i * LINE_HEIGHT_MM)
    if password is not None:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    return bytes(pdf.output())


def page_image(lines: list[str], dpi: int = SCAN_DPI) -> Image.Image:
    """An A4 page image (grey) with the lines drawn in DejaVu Sans, as a scanner would deliver it. A page
    with more lines than fit, or a line wider than the page, is set in a smaller font, as in make_pdf."""
    width = round(PAGE_WIDTH_MM / 25.4 * dpi)
    height = round(PAGE_HEIGHT_MM / 25.4 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    margin = round(SCAN_MARGIN_IN * dpi)
    step = SCAN_FONT_PT / 72 * dpi * SCAN_LINE_SPACING
    page_scale = min(1.0, (height - 2 * margin) / (step * max(1, len(lines))))
    size = SCAN_FONT_PT / 72 * dpi * page_scale
    font = ImageFont.truetype(FONT_PATH, round(size))
    gap = COLUMN_GAP_MM / 25.4 * dpi * page_scale
    for i, line in enumerate(lines):
        _, parts = _columns(line)
        if not parts:
            continue
        natural = sum(draw.textlength(part, font=font) for part in parts) + gap * (len(parts) - 1)
        scale = min(1.0, (width - 2 * margin) / natural)
        line_font = font if scale == 1.0 else ImageFont.truetype(FONT_PATH, round(size * scale))
        x = float(margin)
        for part in parts:
            draw.text((x, margin + round(i * step * page_scale)), part, font=line_font, fill=0)
            x += draw.textlength(part, font=line_font) + gap * scale
    return image


def make_image_pdf(pages: list[list[str]], dpi: int = SCAN_DPI) -> bytes:
    """A PDF of page images only, no text layer: what a scanned protocol looks like."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    for lines in pages:
        pdf.add_page()
        pdf.image(page_image(lines, dpi), x=0, y=0, w=PAGE_WIDTH_MM, h=PAGE_HEIGHT_MM)
    return bytes(pdf.output())
