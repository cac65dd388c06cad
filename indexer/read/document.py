"""What every reader returns: a protocol's text with its physical pages, and how the text was obtained."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_BREAK = "\f"
"""Separates physical pages in `Document.text` (as in pdftotext output); the parser counts them."""


@dataclass(frozen=True, slots=True)
class Document:
    """One protocol file as text. Lines end with `\\n`; when `paged`, `PAGE_BREAK` separates the physical
    pages (page k is the text after the (k-1)-th break, 1-based) and a paragraph's pages are known.
    `format` is the reader's name ("pdf", "docx", "html", "txt"). `ocr_pages` are the 1-based pages
    whose text came from OCR rather than the file's text layer. `warnings` say what could not be read
    (e.g. image pages left unread without OCR); the file is still indexed."""

    text: str
    format: str
    paged: bool = False
    ocr_pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def page_count(self) -> int:
        return self.text.count(PAGE_BREAK) + 1 if self.paged else 0


def trim_blank(lines: list[str]) -> list[str]:
    """The lines without blank lines at either end."""
    start, stop = 0, len(lines)
    while start < stop and not lines[start].strip():
        start += 1
    while stop > start and not lines[stop - 1].strip():
        stop -= 1
    return lines[start:stop]
