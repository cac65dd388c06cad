"""HTML → text: the protocol on a saved web page, without the site's menus, banners and footer.

The page is parsed into a light tree (`html_tree`; bs4 took 17 s for a 20 MB page and 9 s to build
and free 100,000 nested divs, this takes about 7 s and 1 s), then walked without recursion. Lines
follow the DOM's innerText: a line break at every block element, a blank line around <p>, inline
text joined, whitespace collapsed except in <pre>; table rows are laid out like the DOCX reader's
(`tables.row_lines`), and an <ol>'s items keep their numbers.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import re
from collections.abc import Iterator

from indexer.errors import ProtocolParseError
from indexer.read.document import Document
from indexer.read.html_tree import BLOCKS, Node, TreeBuilder, main_element
from indexer.read.tables import row_lines
from indexer.read.text import decode

MAX_HTML_BYTES = 50 * 1024 * 1024
"""Refuse larger pages: a year of a fullmäktige's protocols on one page is a few MB; 50 MB takes ~20 s."""
CHARSET_SNIFF_BYTES = 4096
"""Where <meta charset> is looked for. HTML says the first 1024 bytes; CMS pages often put scripts and
styles before it, so a little more is read (a later declaration is rare and would be ignored)."""
MAX_TABLE_NESTING = 16
"""Deeper tables are read as plain blocks: each row layout copies the lines below it, so unbounded
nesting would be quadratic. Layout tables nest 3–5 deep."""

_WHITESPACE_RE = re.compile(r"[ \t\n\r\f\xa0]+")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# WHATWG: these labels mean windows-1252; UTF-16 declared in a page without a BOM means UTF-8.
_CP1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "x-cp1252"})
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))  # codecs drop the BOM


def _charset(data: bytes) -> str | None:
    """The codec a <meta charset> or http-equiv Content-Type declares, if Python knows it."""
    m = _META_CHARSET_RE.search(data[:CHARSET_SNIFF_BYTES])
    if not m:
        return None
    label = m.group(1).decode("ascii").lower()
    if label in _CP1252_LABELS:
        return "cp1252"
    if label.startswith("utf-16"):
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, name: str) -> str:
    """The page as text: by its BOM, else its declared charset, else UTF-8, else cp1252."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = _charset(data)
    if declared is None or declared == "utf-8" or b"\x00" in data[:CHARSET_SNIFF_BYTES]:
        return decode(data, name)  # names a binary file; falls back to cp1252 for a mislabelled page
    return data.decode(declared, errors="replace")


class _Lines:
    """Text laid out in lines as innerText does: blocks end lines, <p> wants a blank line around it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._pieces: list[str] = []
        self._raw = False  # the line holds <pre> text: kept as is, not stripped at the start
        self._pending = 0  # line breaks a block asked for before the next content

    def text(self, data: str) -> None:
        data = _WHITESPACE_RE.sub(" ", data)
        if not self._pieces or self._pieces[-1].endswith(" "):
            data = data.lstrip(" ")
        if data:
            self._start_content()
            self._pieces.append(data)

    def verbatim(self, data: str) -> None:
        for k, part in enumerate(data.split("\n")):
            if k:
                self._start_content()
                self._end_line(force=True)
            if part:
                self._start_content()
                self._pieces.append(part)
                self._raw = True

    def block(self, breaks: int) -> None:
        self._end_line()
        self._pending = max(self._pending, breaks)

    def line_break(self) -> None:
        self._start_content()
        self._end_line(force=True)

    def add_lines(self, lines: list[str]) -> None:
        self.block(1)
        for line in lines:
            self._start_content()
            self.lines.append(line)
        self.block(1)

    def finish(self) -> list[str]:
        """The lines: blank-line runs collapsed to one, none at either end."""
        self._end_line()
        out: list[str] = []
        for line in self.lines:
            if line or (out and out[-1]):
                out.append(line)
        while out and not out[-1]:
            out.pop()
        return out

    def _start_content(self) -> None:
        if self._pending >= 2 and self.lines and self.lines[-1]:
            self.lines.append("")
        self._pending = 0

    def _end_line(self, force: bool = False) -> None:
        line = "".join(self._pieces)
        line = line.rstrip() if self._raw else line.strip()
        if line or force:
            self.lines.append(line)
        self._pieces.clear()
        self._raw = False


_ROW, _CELL = 1, 2  # what leaving an element closes, besides its block


def _render(start: Node) -> list[str]:
    """The lines of an element's text, walked with an explicit stack (no recursion on deep pages)."""
    sinks = [_Lines()]
    rows: list[tuple[int, list[list[str]]]] = []  # (table level, cells) of the open rows
    lists: list[list[int]] = []  # the counter of each open <ol>; [] for an <ul>
    tables = pre = 0
    stack: list[tuple[Node, Iterator[Node | str], int]] = [(start, iter(start.children), 0)]
    while stack:
        node, children, action = stack[-1]
        child = next(children, None)
        if child is None:  # leaving node
            stack.pop()
            if action == _ROW:
                sinks[-1].add_lines(row_lines(rows.pop()[1]))
            elif action == _CELL:
                rows[-1][1].append(sinks.pop().finish())
            tables -= node.tag == "table"
            pre -= node.tag == "pre"
            if node.tag in ("ol", "ul"):
                lists.pop()
            if node.tag in BLOCKS:
                sinks[-1].block(2 if node.tag == "p" else 1)
            continue
        if isinstance(child, str):
            sinks[-1].verbatim(child) if pre else sinks[-1].text(child)
            continue
        if child.dropped:
            continue
        tag = child.tag
        if tag == "br":
            sinks[-1].line_break()
            continue
        if tag in BLOCKS:
            sinks[-1].block(2 if tag == "p" else 1)
        tables += tag == "table"
        pre += tag == "pre"
        if tag in ("ol", "ul"):
            lists.append([child.start - 1] if tag == "ol" else [])
        elif tag == "li" and lists and lists[-1]:
            lists[-1][0] += 1
            sinks[-1].text(f"{lists[-1][0]}. ")
        action = 0
        if tables <= MAX_TABLE_NESTING:
            if tag == "tr":
                rows.append((tables, []))
                action = _ROW
            elif tag in ("td", "th") and rows and rows[-1][0] == tables:
                sinks.append(_Lines())
                action = _CELL
        stack.append((child, iter(child.children), action))
    return sinks[0].finish()


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Building a tree of a million nodes triggers full collections again and again (a 20 MB page parsed
    in 12 s instead of 7 on Python 3.11); the tree has no cycles, so reference counting frees it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_html(data: bytes, name: str) -> Document:
    """Read a saved web page's protocol text (not paged: a web page has no physical pages).

    Raises ProtocolParseError naming the file for an empty, oversized or binary file, and for a page
    with no text once menus, banners, sidebars and footers are left out.
    """
    if len(data) > MAX_HTML_BYTES:
        raise ProtocolParseError(
            f"{name}: refused: the page is {len(data) / 2**20:.0f} MB (limit {MAX_HTML_BYTES / 2**20:.0f} MB)"
        )
    if not data.strip():
        raise ProtocolParseError(f"{name}: the page is empty")
    text = decode_html(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\x00", "")
    with _cyclic_gc_paused():
        builder = TreeBuilder()
        try:
            builder.feed(text)
            builder.close()
        except Exception as error:  # HTMLParser is lenient, but a few malformed constructs still raise
            raise ProtocolParseError(f"{name}: cannot parse the page ({type(error).__name__}: {error})") from None
        start = main_element(builder.root)
        lines = _render(start) if start is not None else []
    if not lines:
        raise ProtocolParseError(f"{name}: no text on the page once menus, banners and footers are left out")
    return Document(text="\n".join(lines) + "\n", format="html")
