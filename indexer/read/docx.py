"""DOCX → text: the body's paragraphs and tables in document order, pages from Word's last layout.

Only the body is read: section headers and footers (running heads, "Sida 3 av 12"), footnotes and
comments are other parts of the package. Word's automatic list numbers ("1.", "a)") are not in the
text runs, so they are rendered from the numbering definitions (`docx_numbering`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from indexer.errors import ProtocolParseError
from indexer.read.document import PAGE_BREAK, Document
from indexer.read.docx_numbering import Numbering, local_name
from indexer.read.tables import row_lines

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
"""Refuse a package whose entries declare more than this in total: a 300-page protocol with photos is
tens of MB; python-docx holds every part in memory, so this bounds what a zip bomb can make it allocate."""
MAX_COMPRESSION_RATIO = 100
"""Refuse an entry that expands more than this: Word's XML deflates 5–30×, images barely; a bomb, 1000×+."""
RATIO_CHECK_MIN_BYTES = 1024 * 1024
"""Small entries (a short, repetitive settings.xml) can exceed the ratio harmlessly; only larger ones count."""
MAX_ZIP_ENTRIES = 10_000
"""A long protocol with images has a few hundred parts; more is a malformed or hostile package."""

_MAIN_PART_RE = re.compile(r"word/document\d*\.xml")  # Word Online sometimes saves word/document2.xml
_APP_PAGES_RE = re.compile(rb"<(?:\w+:)?Pages>\s*(\d+)\s*<")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc files and password-protected .docx files
_MAX_APP_XML_BYTES = 1024 * 1024

# Elements whose content is not the document's current visible text: deleted and moved-away runs,
# field instructions, the pre-2010 duplicate of text boxes (mc:Fallback), property blocks.
_SKIPPED = frozenset(
    {"del", "moveFrom", "delText", "instrText", "delInstrText", "Fallback", "pPr", "rPr", "sdtPr", "sdtEndPr"}
)
_CONTAINERS = frozenset({"sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"})


class _Sink:
    """Lines being written; a page break marks the start of the line that opens the next page."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._pieces: list[str] = []
        self._breaks = 0
        self._mid_paragraph = False  # the line continues a paragraph that a page break split

    def text(self, piece: str) -> None:
        self._pieces.append(piece)

    def end_line(self) -> None:
        line = "".join(self._pieces).rstrip()
        if self._mid_paragraph:
            line = line.lstrip(" ")  # "the end" | " of the page": the space was the line wrap
        self.lines.append(PAGE_BREAK * self._breaks + line)
        self._pieces.clear()
        self._breaks = 0
        self._mid_paragraph = False

    def page_break(self) -> None:
        split = bool("".join(self._pieces).strip())
        if split:
            self.end_line()
        self._breaks += 1
        self._mid_paragraph = split

    def extend(self, lines: list[str]) -> None:
        if self._pieces or self._breaks:
            self.end_line()
        self.lines.extend(lines)


class _Reader:
    """Walks the body, counting Word's rendered page breaks."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.rendered_breaks = 0

    def blocks(self, container: Any) -> list[str]:
        """Lines of a body or table cell. Recursion follows table nesting only, which libxml2 bounds
        (it refuses XML nested deeper than 256 elements, ~80 tables), so it cannot exhaust the stack."""
        sink = _Sink()
        for child in container.iterchildren():
            kind = local_name(child)
            if kind == "p":
                self._paragraph(child, sink)
            elif kind == "tbl":
                sink.extend(self._table(child))
            elif kind in _CONTAINERS:
                sink.extend(self.blocks(child))
        return sink.lines

    def _table(self, table: Any) -> list[str]:
        lines: list[str] = []
        for row in _children(table, "tr"):
            lines.extend(row_lines([self.blocks(cell) for cell in _children(row, "tc")]))
        return lines

    def _paragraph(self, paragraph: Any, sink: _Sink) -> None:
        label = self.numbering.label(paragraph)  # written before the first text, after any page break
        stack: list[Iterator[Any]] = [paragraph.iterchildren()]
        while stack:
            element = next(stack[-1], None)
            if element is None:
                stack.pop()
                continue
            if element is _END_OF_LINE:
                sink.end_line()
                continue
            kind = local_name(element)
            if kind in _SKIPPED or (kind == "r" and _hidden(element)):
                continue
            if kind in _TEXTS and label:
                sink.text(label + " ")
                label = ""
            if kind == "t":
                sink.text(element.text or "")
            elif kind == "tab":
                sink.text("\t")
            elif kind == "noBreakHyphen":
                sink.text("-")
            elif kind in ("br", "cr"):  # a page break (w:type="page") too: see read_docx
                sink.end_line()
            elif kind == "lastRenderedPageBreak":
                self.rendered_breaks += 1
                sink.page_break()
            elif kind == "p":  # a paragraph in a text box: its own line
                sink.end_line()
                stack.extend((iter((_END_OF_LINE,)), element.iterchildren()))
            elif len(element):
                stack.append(element.iterchildren())
        if label:
            sink.text(label)
        sink.end_line()


_END_OF_LINE = object()
"""Pushed after a text-box paragraph's children, so the line ends when they are done."""
_TEXTS = frozenset({"t", "tab", "noBreakHyphen"})
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_VAL = f"{{{_W_NS}}}val"


def _children(element: Any, kind: str) -> Iterator[Any]:
    """Direct children of one kind, looking through content controls and custom XML wrappers."""
    for child in element.iterchildren():
        name = local_name(child)
        if name == kind:
            yield child
        elif name in _CONTAINERS:
            yield from _children(child, kind)


def _hidden(run: Any) -> bool:
    """A run formatted as hidden text (w:vanish), which Word neither shows nor prints."""
    for prop in run.iterchildren():
        if local_name(prop) == "rPr":
            for flag in prop.iterchildren():
                if local_name(flag) == "vanish":
                    return flag.get(_W_VAL, "true") not in ("0", "false", "off")
    return False


def _check_package(data: bytes, name: str) -> int | None:
    """Refuse what is not a Word package, or could expand into a zip bomb, before python-docx opens it.

    Returns the page count Word declared in docProps/app.xml at its last save, if any. The declared
    sizes bound what zipfile will produce: it stops reading an entry at its declared size.
    """
    if data.startswith(_OLE_MAGIC):
        raise ProtocolParseError(
            f"{name}: not a Word document (an OLE file: an old .doc or a password-protected .docx)"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ProtocolParseError(f"{name}: refused: {len(entries)} zip entries (limit {MAX_ZIP_ENTRIES})")
            _check_sizes(entries, name)
            if not any(_MAIN_PART_RE.fullmatch(e.filename) for e in entries):
                raise ProtocolParseError(f"{name}: not a Word document (no word/document.xml in the zip)")
            app = next((e for e in entries if e.filename == "docProps/app.xml"), None)
            if app is None or app.file_size > _MAX_APP_XML_BYTES:
                return None
            pages = _APP_PAGES_RE.search(package.read(app))
    except ProtocolParseError:
        raise
    except zipfile.BadZipFile:
        raise ProtocolParseError(f"{name}: not a Word document (not a zip file)") from None
    except Exception as error:  # zipfile raises many kinds on damaged archives
        raise ProtocolParseError(f"{name}: not a Word document (damaged zip: {_one_line(error)})") from None
    return int(pages.group(1)) if pages else None


def _check_sizes(entries: list[zipfile.ZipInfo], name: str) -> None:
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ProtocolParseError(
            f"{name}: refused: the zip declares {total / 2**20:.0f} MB uncompressed "
            f"(limit {MAX_UNCOMPRESSED_BYTES / 2**20:.0f} MB), possibly a zip bomb"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise ProtocolParseError(
                f"{name}: refused: {entry.filename} expands {ratio:.0f}× "
                f"(limit {MAX_COMPRESSION_RATIO}×), possibly a zip bomb"
            )


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _open(data: bytes, name: str) -> tuple[Any, Numbering]:
    """The document's body element and its numbering, via python-docx."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        part = docx.Document(io.BytesIO(data)).part
        return part.element.body, Numbering(_related_xml(part, RT.NUMBERING), _related_xml(part, RT.STYLES))
    except Exception as error:  # python-docx and lxml raise many kinds on malformed packages
        raise ProtocolParseError(f"{name}: not a Word document ({_one_line(error)})") from None


def _related_xml(part: Any, relationship: str) -> Any:
    try:
        return getattr(part.part_related_by(relationship), "element", None)
    except KeyError:
        return None


def read_docx(data: bytes, name: str) -> Document:
    """Read a .docx file's body text.

    Paged when Word saved its layout (w:lastRenderedPageBreak): `PAGE_BREAK` then starts each page's
    first line. Explicit page breaks alone do not make the text paged: soft page breaks between them
    are unknown, so the page numbers would be wrong. Raises ProtocolParseError naming the file for
    anything that is not a readable Word document, or that has no text.
    """
    declared_pages = _check_package(data, name)
    body, numbering = _open(data, name)
    reader = _Reader(numbering)
    lines = _collapse_blank_runs(reader.blocks(body))
    if not any(line.strip(PAGE_BREAK).strip() for line in lines):
        raise ProtocolParseError(f"{name}: the Word document has no text (scanned pages are images)")
    text = "\n".join(lines) + "\n"
    paged = reader.rendered_breaks > 0
    warnings: tuple[str, ...] = ()
    document = Document(text=text, format="docx", paged=paged)
    if paged and declared_pages is not None and declared_pages != document.page_count:
        warnings = (
            f"{name}: Word's last layout marks {document.page_count} pages but the file declares "
            f"{declared_pages}; page numbers may be off",
        )
    return Document(text=text, format="docx", paged=paged, warnings=warnings)


def _collapse_blank_runs(lines: list[str]) -> list[str]:
    """At most one blank line in a row (empty paragraphs used as spacing), none at the ends; page
    breaks on dropped lines move to the next kept line."""
    out: list[str] = []
    carried = 0
    for line in lines:
        breaks = line.count(PAGE_BREAK)
        content = line.replace(PAGE_BREAK, "")
        if not content.strip() and (not out or not out[-1].strip(PAGE_BREAK).strip()):
            carried += breaks
            continue
        out.append(PAGE_BREAK * (carried + breaks) + (content if content.strip() else ""))
        carried = 0
    while out and not out[-1].strip(PAGE_BREAK).strip():
        carried += out.pop().count(PAGE_BREAK)
    if carried:
        out.append(PAGE_BREAK * carried)
    return out
