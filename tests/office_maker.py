"""Build DOCX files and saved municipal web pages from protocol text lines, for reader tests."""

from __future__ import annotations

import html
import io
import itertools
import re
import zipfile
from typing import Any, Literal

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement

SITE_TEXTS = (
    "Exempelby kommun logotyp",
    "Kommun och politik",
    "Sök på webbplatsen",
    "Du är här",
    "Vi använder kakor",
    "Godkänn alla kakor",
    "Relaterade sidor",
    "Sammanträden och handlingar",
    "Storgatan 1, 123 45 Exempelby",
    "Kontakta oss",
)
"""Distinctive text of the page around the protocol (menus, cookie banner, sidebar, footer); none of it
occurs in the corpus, so a reader that lets any through is caught."""

_HEADING_RE = re.compile(r"^(?:[A-ZÅÄÖ]{1,6}\s+)?§\s?\d{1,4}(?:\s+[A-ZÅÄÖ].*)?$")
_MARKDOWN_HEADING_RE = re.compile(r"^#+\s*")
_COLUMNS_RE = re.compile(r"\S(?:\t|\s{2,})\S")
_COLUMN_GAP_RE = re.compile(r"\t+|\s{2,}")
_EMPHASIS_WORDS = frozenset({"Beslut", "Yrkanden", "Handlingar", "Propositionsordning", "Omröstning"})

BreakKind = Literal["rendered", "explicit", "both"]


def plain(line: str) -> str:
    """A line without markdown heading marks and bold markers (as a Word or web editor shows it)."""
    return _MARKDOWN_HEADING_RE.sub("", line).replace("**", "").strip()


def is_heading(line: str) -> bool:
    """Markdown headings and paragraf headings ("§ 97 Title", "BUN § 72") become real headings."""
    return bool(_MARKDOWN_HEADING_RE.match(line) or _HEADING_RE.match(line.strip()))


def _groups(lines: list[str], cut: int) -> list[tuple[str, list[int]]]:
    """("h", [i]) for a heading line, ("p", [i, j, ...]) for a run of text lines, ("", [i]) for a blank;
    a group starts at line `cut` (where a table goes)."""
    groups: list[tuple[str, list[int]]] = []
    for i, line in enumerate(lines):
        if not line.strip():
            groups.append(("", [i]))
        elif is_heading(line):
            groups.append(("h", [i]))
        elif groups and groups[-1][0] == "p" and i != cut:
            groups[-1][1].append(i)
        else:
            groups.append(("p", [i]))
    return groups


def _mark_rendered_break(run: Any) -> None:
    """Word's w:lastRenderedPageBreak at the start of a run (python-docx cannot write one)."""
    element = run._r
    position = 1 if element.rPr is not None else 0
    element.insert(position, OxmlElement("w:lastRenderedPageBreak"))


def make_docx(
    lines: list[str],
    header_table: list[list[str]] | None = None,
    page_break_every: int | None = None,
    running_header: str | None = None,
    *,
    table_at: int = 0,
    break_kind: BreakKind = "rendered",
    declared_pages: int | None = None,
) -> bytes:
    """A Word document of `lines`: headings in a heading style, runs of text lines as one paragraph
    with soft line breaks (some words bold or in separate runs), blank lines as empty paragraphs.

    `header_table` rows (a cell's "\\n" makes several paragraphs) go before line `table_at`.
    `page_break_every` = n starts a page at lines n, 2n, ...: a rendered break (as Word saves its
    layout), an explicit page break, or both. `running_header` goes into the section header.
    docProps/app.xml declares `declared_pages` pages, by default as many as Word would have counted.
    """
    document = docx.Document()
    if running_header is not None:
        document.sections[0].header.paragraphs[0].text = running_header
    starts = set(range(page_break_every, len(lines), page_break_every)) if page_break_every else set()
    last_run = None
    for kind, indices in _groups(lines, table_at):
        if header_table and indices[0] == table_at:
            _add_table(document, header_table)
        paragraph = document.add_paragraph(style="Heading 2" if kind == "h" else None)
        for k, i in enumerate(indices):
            if i in starts and break_kind != "rendered" and last_run is not None:
                last_run.add_break(WD_BREAK.PAGE)  # ends the previous line, in place of a soft break
            elif k and last_run is not None:
                last_run.add_break()
            runs = _add_line(paragraph, plain(lines[i]) if kind == "h" else lines[i], i)
            if i in starts and break_kind != "explicit":
                _mark_rendered_break(runs[0])
            last_run = runs[-1]
    if header_table and table_at >= len(lines):
        _add_table(document, header_table)
    out = io.BytesIO()
    document.save(out)
    if declared_pages is None:
        declared_pages = len(starts) + 1 if break_kind != "explicit" else 1
    return _declare_pages(out.getvalue(), declared_pages)


def _declare_pages(package: bytes, pages: int) -> bytes:
    """The package with <Pages> in docProps/app.xml set (python-docx's template always says 1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/app.xml":
                data = re.sub(rb"<Pages>\d+</Pages>", b"<Pages>%d</Pages>" % pages, data)
            target.writestr(entry.filename, data)
    return out.getvalue()


def _add_line(paragraph: Any, text: str, index: int) -> list[Any]:
    """The line as runs: emphasis words bold, every third line split into two runs mid-line."""
    add = paragraph.add_run
    if text.strip() in _EMPHASIS_WORDS:
        run = add(text)
        run.bold = True
        return [run]
    cut = text.find(" ", len(text) // 2)
    if index % 3 == 0 and cut > 0:
        return [add(text[:cut]), add(text[cut:])]
    return [add(text)]


def _add_table(document: Any, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            first, *rest = value.split("\n")
            cell = table.cell(r, c)
            cell.paragraphs[0].text = first
            for more in rest:
                cell.add_paragraph(more)


def make_html(
    lines: list[str],
    header_table: list[list[str]] | None = None,
    *,
    table_at: int = 0,
    encoding: str = "utf-8",
    title: str = "Protokoll",
) -> bytes:
    """A saved page of a municipal site with the protocol in <main>: a header with logo and menu,
    breadcrumbs, a cookie banner, a sidebar and a footer around it (their text is `SITE_TEXTS`).

    Headings are <h2> (the § number in a <span>), runs of text lines one <p> with <br>, emphasis words
    in <strong>; `header_table` rows (participants, "Plats och tid") a <table> before line `table_at`.
    The bytes are in `encoding`, declared in <meta charset>.
    """
    body: list[str] = []
    for kind, indices in _groups(lines, table_at):
        if header_table and indices[0] == table_at:
            body.append(_html_table(header_table))
        if kind == "h":
            body.append(_html_heading(plain(lines[indices[0]])))
        elif kind == "p":
            body.extend(_html_text(lines, indices))
    if header_table and table_at >= len(lines):
        body.append(_html_table(header_table))
    page = _PAGE.format(title=html.escape(title), encoding=encoding, main="\n".join(body))
    return page.encode(encoding)


def _html_heading(text: str) -> str:
    m = re.match(r"((?:[A-ZÅÄÖ]{1,6}\s+)?§)\s?(\d+)(.*)$", text)
    if not m:
        return f"<h2>{html.escape(text)}</h2>"
    mark, number, rest = (html.escape(g) for g in m.groups())
    return f'<h2 class="paragraf">\n  <span class="nr">{mark}&nbsp;{number}</span>{rest}\n</h2>'


def _html_text(lines: list[str], indices: list[int]) -> list[str]:
    """A run of text lines: <p> with <br>; lines laid out in columns (pdftotext's gaps, which HTML would
    collapse) become the rows of a table, as a page showing that layout would have them."""
    out: list[str] = []
    for columns, run in itertools.groupby(indices, key=lambda i: bool(_COLUMNS_RE.search(lines[i]))):
        if columns:
            out.append(_html_table([_COLUMN_GAP_RE.split(lines[i].strip()) for i in run]))
        else:
            out.append("<p>" + "<br>\n".join(_html_line(lines[i], i) for i in run) + "</p>")
    return out


def _html_line(line: str, index: int) -> str:
    text = html.escape(line.strip())
    if line.strip() in _EMPHASIS_WORDS:
        return f"<strong>{text}</strong>"
    if index % 4 == 0 and " " in text:
        first, rest = text.split(" ", 1)
        return f'<span class="lead">{first}</span> {rest}'
    return text


def _html_table(rows: list[list[str]]) -> str:
    cells = [
        "<tr>"
        + "".join(
            f"<{'th' if c == 0 else 'td'}>{'<br>'.join(html.escape(v) for v in value.split(chr(10)))}"
            f"</{'th' if c == 0 else 'td'}>"
            for c, value in enumerate(row)
        )
        + "</tr>"
        for row in rows
    ]
    return '<table class="deltagare">\n<tbody>\n' + "\n".join(cells) + "\n</tbody>\n</table>"


_PAGE = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="{encoding}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Exempelby kommun</title>
<style>.cookie-consent {{ position: fixed; bottom: 0; }} main p {{ max-width: 40em; }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag() {{ dataLayer.push(arguments); }}</script>
</head>
<body class="page-protokoll">
<div id="cookie-banner" class="cookie-consent" role="region">
  <p>Vi använder kakor (cookies) för att webbplatsen ska fungera bra för dig.</p>
  <a href="/om-webbplatsen/kakor">Läs mer om kakor</a> <span class="knapp">Godkänn alla kakor</span>
</div>
<a class="skip-link" href="#main" hidden>Till innehållet</a>
<header class="site-header">
  <a href="/" class="logo"><img src="/logo.svg" alt="Exempelby kommun logotyp"><span>Exempelby kommun logotyp</span></a>
  <nav aria-label="Huvudmeny">
    <ul><li><a href="/">Start</a></li><li><a href="/kommun-och-politik">Kommun och politik</a></li>
    <li><a href="/sok">Sök</a></li></ul>
  </nav>
  <form role="search" action="/sok"><label>Sök på webbplatsen <input name="q"></label><button>Sök</button></form>
</header>
<nav class="breadcrumbs" aria-label="Du är här">
  <ol><li><a href="/">Start</a></li><li><a href="/kommun-och-politik">Kommun och politik</a></li><li>Protokoll</li></ol>
</nav>
<div class="layout">
<main id="main">
{main}
</main>
<aside class="sidebar">
  <h2>Relaterade sidor</h2>
  <ul><li><a href="/sammantraden">Sammanträden och handlingar</a></li></ul>
</aside>
</div>
<footer class="site-footer">
  <p>Exempelby kommun, Storgatan 1, 123 45 Exempelby</p>
  <p>Telefon 0123-456 78 &middot; <a href="/kontakt">Kontakta oss</a></p>
</footer>
<script src="/assets/app.js"></script>
</body>
</html>
"""
