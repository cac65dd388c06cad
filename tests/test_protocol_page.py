"""The protocol page and list: every paragraph anchored, quotes marked exactly, everything escaped."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest

from app.cite import cite_protocol
from app.protocol_page import (
    PROTOCOL_ROUTE,
    paragraph_counts,
    protocol_link,
    protocol_paragraphs,
    render_protocol,
    render_protocol_list,
)
from app.search import Searcher
from indexer.index.store import StoredIndex, read_protocols
from indexer.models import EXAMPLE_PROTOCOL, Paragraph, Protocol

GOTEBORG = "Goteborg_Kommunfullmaktige_2025-06-12.txt"
EVIL = "<img src=x onerror=alert(1)>"


def section(page: str, anchor: str) -> str:
    """The HTML of the paragraph section with this anchor (it must occur exactly once)."""
    opening = f'<section id="p-{anchor}">'
    assert page.count(opening) == 1, anchor
    start = page.index(opening)
    return page[start : page.index("</section>", start)]


def pre_text(fragment: str) -> str:
    """The text of the first <pre> of a fragment, tags dropped and entities decoded."""
    match = re.search(r"<pre>(.*?)</pre>", fragment, re.DOTALL)
    assert match
    return html.unescape(re.sub(r"</?mark[^>]*>", "", match.group(1)))


def marked(page: str) -> str:
    match = re.search(r'<mark id="quote">(.*?)</mark>', page, re.DOTALL)
    assert match
    return match.group(1)


def small_protocol(*paragraphs: Paragraph, **fields: Any) -> Protocol:
    """A dated protocol of these paragraphs; keyword arguments override its header fields."""
    base = Protocol("test.txt", "Lomma kommun", "Socialnämnden", "2026-05-05", paragraphs)
    return replace(base, **fields)


def test_protocol_paragraphs_reads_the_whole_protocol_from_the_index(searcher: Searcher) -> None:
    everything = read_protocols(searcher.index.path)
    for source in (GOTEBORG, "Riksdagen_Kammaren_prot-2022-23-3.txt", "Lomma_Socialnamnden_2026-05-05.txt"):
        assert protocol_paragraphs(searcher.index, source) == everything[source]


def test_an_unknown_source_is_none(searcher: Searcher) -> None:
    assert protocol_paragraphs(searcher.index, "finns_inte.txt") is None
    assert protocol_paragraphs(searcher.index, "") is None


def test_every_paragraph_of_the_goteborg_protocol_has_its_anchor_and_text(searcher: Searcher) -> None:
    protocol = protocol_paragraphs(searcher.index, GOTEBORG)
    assert protocol is not None
    page = render_protocol(protocol)
    assert [p.number for p in protocol.paragraphs] == [str(n) for n in range(330, 368)]
    assert 'id="p-345"' in page
    for paragraph in protocol.paragraphs:
        part = section(page, paragraph.number)
        assert f"<h2>§ {paragraph.number} {html.escape(paragraph.title)}</h2>" in part
        assert pre_text(part) == paragraph.text
        if paragraph.case_number:
            assert html.escape(paragraph.case_number) in part
    assert f"<h1>{html.escape(cite_protocol(protocol))}</h1>" in page
    assert html.escape(protocol.header) in page
    assert "<mark" not in page


def test_the_page_is_standalone_and_wraps_long_lines() -> None:
    page = render_protocol(EXAMPLE_PROTOCOL)
    assert page.startswith("<!doctype html>")
    assert '<html lang="sv">' in page
    assert '<meta charset="utf-8">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "white-space:pre-wrap" in page and "overflow-wrap:anywhere" in page
    assert "<script" not in page
    assert "Plats: Regionens Hus" in page
    assert page.rstrip().endswith("</html>")


def test_highlight_marks_exactly_the_quote_in_its_paragraph(searcher: Searcher) -> None:
    protocol = protocol_paragraphs(searcher.index, GOTEBORG)
    assert protocol is not None
    paragraph = next(p for p in protocol.paragraphs if p.number == "345")
    start = paragraph.text.index("\n") + 1
    end = start + 120
    page = render_protocol(protocol, highlight=("345", start, end))
    assert page.count("<mark") == 1
    part = section(page, "345")
    assert marked(part) == html.escape(paragraph.text[start:end])
    assert pre_text(part) == paragraph.text
    assert "<mark" not in section(page, "344")


def test_highlight_escapes_the_three_pieces_separately() -> None:
    first = Paragraph("1", "Första", "§ 1 Första\nA & B <c> står här.")
    second = Paragraph("2", "Andra", "§ 2 Andra\nA & B <c> står här också.")
    protocol = small_protocol(first, second)
    start = second.text.index("&")
    page = render_protocol(protocol, highlight=("2", start, start + 1))
    assert '<mark id="quote">&amp;</mark> B &lt;c&gt;' in section(page, "2")
    assert "<mark" not in section(page, "1")
    end = second.text.index(">") + 1
    page = render_protocol(protocol, highlight=("2", start, end))
    assert marked(page) == "&amp; B &lt;c&gt;"
    assert pre_text(section(page, "2")) == second.text


@pytest.mark.parametrize(
    "highlight",
    [("1", -1, 4), ("1", 4, 4), ("1", 6, 2), ("1", 0, 10_000), ("9", 0, 4), ("", 0, 4)],
)
def test_invalid_highlights_are_ignored(highlight: tuple[str, int, int]) -> None:
    protocol = small_protocol(Paragraph("1", "Val", "§ 1 Val\nNågon väljs."))
    page = render_protocol(protocol, highlight=highlight)
    assert "<mark" not in page
    assert page == render_protocol(protocol)


def test_protocol_text_cannot_inject_markup() -> None:
    text = f"§ 7 Rubrik {EVIL}\nText {EVIL} mer {EVIL}."
    paragraph = Paragraph("7", f"Rubrik {EVIL}", text, case_number=EVIL)
    protocol = small_protocol(paragraph, organisation=EVIL, body=EVIL, header=f"Närvarande {EVIL}", date=EVIL)
    start = text.index("Text")
    page = render_protocol(
        protocol, highlight=("7", start, start + len(f"Text {EVIL} mer"))
    )  # quote, text before and after
    assert "<img" not in page.lower()
    assert marked(page) == html.escape(f"Text {EVIL} mer")
    assert page.count(html.escape(EVIL)) >= 6
    listing = render_protocol_list([protocol], [1], protocol_link)
    assert "<img" not in listing.lower()
    assert html.escape(EVIL) in listing


def test_a_paragraph_without_number_is_anchored_by_position_and_repeats_stay_unique() -> None:
    protocol = small_protocol(
        Paragraph("", "", "Hela texten."),
        Paragraph("4", "Fyra", "4. Fyra"),
        Paragraph("4", "Fyra igen", "4. Fyra igen"),
    )
    page = render_protocol(protocol, highlight=("4", 0, 2))
    assert "Hela texten." in section(page, "0")
    assert "Fyra igen" not in section(page, "4")
    assert "Fyra igen" in section(page, "4-2")
    assert "<mark" in section(page, "4") and "<mark" not in section(page, "4-2")
    assert len(re.findall(r'id="p-[^"]*"', page)) == 3


def test_the_list_is_newest_first_with_undated_last_and_escaped_links() -> None:
    protocols = [
        small_protocol(source="b.txt", date="2024-01-01", organisation="Org B"),
        Protocol("none.txt", "Utan datum", "Kammaren", None, ()),
        small_protocol(source="a.txt", date="2026-02-01", organisation="Org A & Co"),
        small_protocol(source="c.txt", date="2025-05-05", organisation="Org C"),
    ]
    listing = render_protocol_list(protocols, [11, 22, 33, 44], lambda s: f'/x?f={s}&q="')
    assert not listing.startswith("<!doctype") and "<html" not in listing
    for heading in ("Organisation", "Organ", "Datum", "Paragrafer", "Fil"):
        assert f"<th>{heading}</th>" in listing
    rows = re.findall(r"<tr><td>.*?</tr>", listing)
    assert [re.findall(r"f=(\w+)\.txt", r)[0] for r in rows] == ["a", "c", "b", "none"]
    assert "<td>2026-02-01</td><td>33</td><td>a.txt</td>" in rows[0]
    assert "<td>odaterat</td><td>22</td>" in rows[3]
    assert rows[0].count('href="/x?f=a.txt&amp;q=&quot;"') == 2
    assert "Org A &amp; Co" in rows[0]


def test_the_real_list_counts_every_paragraph(searcher: Searcher) -> None:
    index = searcher.index
    counts = paragraph_counts(index)
    everything = read_protocols(index.path)
    assert counts == [len(everything[p.source].paragraphs) for p in index.protocols]
    assert sum(counts) == index.tables.n_paragraphs
    listing = render_protocol_list(index.protocols, counts, protocol_link)
    rows = re.findall(r"<tr><td>.*?</tr>", listing)
    assert len(rows) == len(index.protocols)
    assert protocol_link("Lomma_Socialnamnden_2026-05-05.txt") in rows[0]
    assert protocol_link("Riksdagen_Kammaren_prot-2022-23-3.txt") in rows[-1]
    dates = [re.findall(r"<td>(\d{4}-\d\d-\d\d|odaterat)</td>", r)[0] for r in rows]
    assert dates[:-1] == sorted(dates[:-1], reverse=True)


def test_counts_include_protocols_without_paragraphs() -> None:
    protocols = tuple(small_protocol(source=f"{n}.txt") for n in range(4))
    tables = SimpleNamespace(paragraph_protocol=np.array([0, 0, 2], dtype=np.int32))
    index = cast(StoredIndex, SimpleNamespace(protocols=protocols, tables=tables))
    assert paragraph_counts(index) == [2, 0, 1, 0]


def test_protocol_link_quotes_every_part() -> None:
    name = "Möte på Ön & co.txt"
    assert PROTOCOL_ROUTE == "/protokoll/"
    assert protocol_link(name) == "/protokoll/M%C3%B6te%20p%C3%A5%20%C3%96n%20%26%20co.txt"
    assert protocol_link("a/b.txt") == "/protokoll/a%2Fb.txt"
    assert protocol_link(GOTEBORG, "345", 10, 130) == f"/protokoll/{GOTEBORG}?p=345&s=10&e=130#p-345"
    assert protocol_link("x.txt", "345") == "/protokoll/x.txt?p=345#p-345"
    assert protocol_link("x.txt", start=0, end=5) == "/protokoll/x.txt?s=0&e=5"
    assert protocol_link("x.txt", "4 a&b") == "/protokoll/x.txt?p=4%20a%26b#p-4%20a%26b"


def test_a_paragraph_shows_its_pages_and_ocr() -> None:
    paged = Paragraph("72", "Intag", "§ 72 Intag\nText.", "BUN/2023:206", pages=(15, 16), ocr=True)
    plain = Paragraph("73", "Övrigt", "§ 73 Övrigt\nText.")
    page = render_protocol(small_protocol(paged, plain, source="bun.pdf"))
    assert '<p class="case">Ärende: BUN/2023:206 · s. 15–16 · maskinläst (OCR)</p>' in section(page, "72")
    assert 'class="case"' not in section(page, "73")
