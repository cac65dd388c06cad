"""A whole protocol as a standalone HTML page, and the list of protocols: pure functions, escaped."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import replace
from urllib.parse import quote, urlencode

import numpy as np

from app.cite import cite_protocol, page_label, paragraph_label
from indexer.index.store import StoredIndex
from indexer.models import Protocol

PROTOCOL_ROUTE = "/protokoll/"
"""Where a protocol's page is served: a hit links to `/protokoll/<file>#p-<§>`, so every citation
can be checked against the whole protocol it came from."""

QUOTE_ID = "quote"
"""The id of the highlighted quote: a link may also point at `#quote`."""

PAGE_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:50rem;margin:0 auto;padding:0 1rem;line-height:1.45}"
    "h1,h2,p{overflow-wrap:anywhere}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;font-family:inherit}"
    "section{border-top:1px solid #ccc;margin-top:1.5rem}"
    "mark{background:#ffe066}"
)
"""Protocol text is preformatted with long lines (URLs, tables of names): wrapping it anywhere keeps a
390 px phone screen free of horizontal scroll while line breaks stay as the protocol wrote them."""

UNDATED = "odaterat"
"""What the list shows for a protocol without a date (the Riksdag record), as the hit view does."""


def protocol_paragraphs(index: StoredIndex, source: str) -> Protocol | None:
    """The protocol with this file name, its paragraphs read from the index; None if unknown."""
    found = next((j for j, p in enumerate(index.protocols) if p.source == source), None)
    if found is None:
        return None
    owner = index.tables.paragraph_protocol  # ascending: a protocol's paragraph ids are contiguous
    first = int(np.searchsorted(owner, found, side="left"))
    last = int(np.searchsorted(owner, found, side="right"))
    paragraphs = tuple(index.paragraphs.get(pid) for pid in range(first, last))
    return replace(index.protocols[found], paragraphs=paragraphs)


def paragraph_counts(index: StoredIndex) -> list[int]:
    """How many paragraphs each protocol of the index has, by protocol id."""
    counts = np.bincount(index.tables.paragraph_protocol, minlength=len(index.protocols))
    return [int(c) for c in counts]


def protocol_link(source: str, number: str | None = None, start: int | None = None, end: int | None = None) -> str:
    """`/protokoll/<file>?p=<§>&s=<start>&e=<end>#p-<§>`, leaving out the parts that are None."""
    query = {k: v for k, v in (("p", number), ("s", start), ("e", end)) if v is not None}
    link = PROTOCOL_ROUTE + quote(source, safe="")
    if query:
        link += "?" + urlencode(query, quote_via=quote)
    if number is not None:
        link += "#p-" + quote(number, safe="")
    return link


def paragraph_anchors(protocol: Protocol) -> list[str]:
    """Each paragraph's anchor key: its number, or its position (0-based) when it has none. A number the
    protocol repeats keeps its anchor on the first paragraph; later ones get `NUMBER-POSITION`, so ids stay
    unique."""
    anchors: list[str] = []
    for position, paragraph in enumerate(protocol.paragraphs):
        key = paragraph.number or str(position)
        anchors.append(f"{key}-{position}" if key in anchors else key)
    return anchors


def highlighted(text: str, span: tuple[int, int] | None, mark_id: str | None = QUOTE_ID) -> str:
    """The text escaped, with `text[start:end]` in `<mark id="quote">` (no id when `mark_id` is None: a
    page of several hits) when the span is valid; each piece is escaped on its own so no entity is split."""
    esc = html.escape
    if span is None or not 0 <= span[0] < span[1] <= len(text):
        return esc(text)
    start, end = span
    opening = f'<mark id="{mark_id}">' if mark_id else "<mark>"
    return f"{esc(text[:start])}{opening}{esc(text[start:end])}</mark>{esc(text[end:])}"


def render_protocol(protocol: Protocol, highlight: tuple[str, int, int] | None = None) -> str:
    """The protocol as a standalone HTML page: citation, place, header, and every paragraph in a
    `<section id="p-NUMBER">`. `highlight` = (anchor, start, end) marks a quote; invalid ones are ignored."""
    esc = html.escape
    citation = esc(cite_protocol(protocol))
    sections = []
    marked = False
    for anchor, paragraph in zip(paragraph_anchors(protocol), protocol.paragraphs):
        span = None
        if highlight is not None and not marked and highlight[0] == anchor:
            span = (highlight[1], highlight[2])
            marked = True
        heading = " ".join(x for x in (paragraph_label(protocol, paragraph), paragraph.title) if x)
        facts = [f"Ärende: {paragraph.case_number}"] if paragraph.case_number else []
        facts += [page_label(paragraph.pages)] if paragraph.pages else []
        facts += ["maskinläst (OCR)"] if paragraph.ocr else []
        case = f'<p class="case">{esc(" · ".join(facts))}</p>' if facts else ""
        sections.append(
            f'<section id="p-{esc(anchor)}"><h2>{esc(heading)}</h2>{case}'
            f"<pre>{highlighted(paragraph.text, span)}</pre></section>"
        )
    place = f'<p class="place">Plats: {esc(protocol.place)}</p>' if protocol.place else ""
    header = f'<pre class="header">{esc(protocol.header)}</pre>' if protocol.header else ""
    return (
        '<!doctype html>\n<html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{citation}</title><style>{PAGE_CSS}</style></head>"
        f"<body><h1>{citation}</h1>{place}{header}{''.join(sections)}</body></html>\n"
    )


def render_protocol_list(protocols: Sequence[Protocol], counts: Sequence[int], link: Callable[[str], str]) -> str:
    """Every protocol as a table row, newest first (undated last), organisation and body linking to
    `link(source)`; `counts[i]` is the paragraph count of `protocols[i]`. An HTML fragment, escaped."""
    esc = html.escape
    rows = list(zip(protocols, counts))
    rows.sort(key=lambda row: (row[0].organisation, row[0].body, row[0].source))
    rows.sort(key=lambda row: (row[0].date is not None, row[0].date or ""), reverse=True)  # stable; undated last
    cells = []
    for protocol, count in rows:
        href = esc(link(protocol.source), quote=True)
        cells.append(
            f'<tr><td><a href="{href}">{esc(protocol.organisation)}</a></td>'
            f'<td><a href="{href}">{esc(protocol.body)}</a></td>'
            f"<td>{esc(protocol.date or UNDATED)}</td><td>{int(count)}</td><td>{esc(protocol.source)}</td></tr>"
        )
    return (
        '<table class="protocols"><thead><tr><th>Organisation</th><th>Organ</th><th>Datum</th>'
        f"<th>Paragrafer</th><th>Fil</th></tr></thead><tbody>{''.join(cells)}</tbody></table>"
    )
