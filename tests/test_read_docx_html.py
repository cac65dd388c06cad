"""DOCX and HTML readers: corpus protocols survive the trip through Word and a web page, pages come from
Word's saved layout, site furniture is left out, and bad or hostile files fail as ProtocolParseError."""

from __future__ import annotations

import io
import random
import re
import time
import zipfile
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml

from indexer.errors import ProtocolParseError
from indexer.models import Protocol
from indexer.parse.protocol import parse_protocol
from indexer.read import docx as docx_reader
from indexer.read.document import PAGE_BREAK, Document
from indexer.read.docx import read_docx
from indexer.read.docx_numbering import Numbering
from indexer.read.html import read_html
from indexer.read.text import read_protocol_text
from tests.conftest import CORPUS
from tests.office_maker import SITE_TEXTS, make_docx, make_html, plain

ROUND_TRIP = ("Goteborg_Kommunstyrelsen_2025-03-12.txt", "000_a1d265b92dc01c91.txt", "002_7e54b8903ea3b20c.txt")
RUNNING_HEADER = "Löpande sidhuvud Kommunstyrelsen"
# Header labels whose name lists the test moves into a table (Göteborg lists them under the label).
_LIST_LABELS = frozenset({"ledamöter", "tjänstgörande ersättare", "övriga ersättare"})
_HEADING_START_RE = re.compile(r"^[#* ]*(?:[A-ZÅÄÖ]{1,6}\s+)?§\s?\d|^\d{1,2}\.\s")


def _norm(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def _unmarked(text: str) -> str | None:
    """Text without markdown marks (000 is markdown; Word and HTML have real headings), whitespace normalised."""
    return _norm(re.sub(r"(?m)^#+\s*", "", text).replace("**", ""))


def _summary(protocol: Protocol) -> tuple[object, ...]:
    paragraphs = [(p.number, _norm(p.title), p.case_number, _norm(p.decision)) for p in protocol.paragraphs]
    return (protocol.organisation, protocol.body, protocol.date, protocol.place, protocol.participants, paragraphs)


def _header_table(lines: list[str]) -> tuple[list[str], list[list[str]], int]:
    """The lines without the header's first run of "label<TAB>value" lines (000, 002) or labelled name
    lists (Göteborg), those as table rows, and where the table goes: how a Word or web header is laid out."""
    first_heading = next((i for i, line in enumerate(lines) if _HEADING_START_RE.match(line)), 0)
    kept: list[str] = []
    rows: list[list[str]] = []
    at: int | None = None
    i = 0
    while i < first_heading:
        line = lines[i]
        end = i + 1
        if "\t" in line:
            rows.append(line.split("\t", 1))
        elif line.strip().casefold() in _LIST_LABELS:
            while end < len(lines) and lines[end].strip():
                end += 1
            rows.append([line.strip(), "\n".join(lines[i + 1 : end])])
            end += 1  # the blank line after the list
        elif at is not None and line.strip():
            break  # one table: the first run of such lines (blank lines between lists belong to it)
        else:
            kept.append(line)
            i = end
            continue
        at = len(kept) if at is None else at
        i = end
    kept.extend(lines[i:first_heading])
    return kept + lines[first_heading:], rows, at or 0


def _read(kind: str, lines: list[str], rows: list[list[str]], at: int, name: str) -> Document:
    if kind == "docx":
        return read_docx(make_docx(lines, rows, running_header=RUNNING_HEADER, table_at=at), name + ".docx")
    return read_html(make_html(lines, rows, table_at=at), name + ".html")


@pytest.mark.parametrize("kind", ["docx", "html"])
@pytest.mark.parametrize("source", ROUND_TRIP)
def test_corpus_protocol_round_trips(source: str, kind: str) -> None:
    text = read_protocol_text(CORPUS / source)
    expected = parse_protocol(text, source)
    lines, rows, at = _header_table(text.split("\n"))
    assert rows, "the header table is part of what is tested"

    document = _read(kind, lines, rows, at, source)
    got = parse_protocol(document.text, source)

    assert document.format == kind and not document.paged and document.page_count == 0
    assert _summary(got) == _summary(expected)
    assert [_unmarked(p.text) for p in got.paragraphs] == [_unmarked(p.text) for p in expected.paragraphs]
    assert _unmarked(got.header) == _unmarked(expected.header)
    for furniture in (*SITE_TEXTS, RUNNING_HEADER, "Exempelby"):
        assert furniture not in document.text


def _page_lines(lines: list[str]) -> list[str]:
    return [plain(line) for line in lines if line.strip()]


def test_docx_rendered_page_breaks_give_pages() -> None:
    lines = read_protocol_text(CORPUS / ROUND_TRIP[0]).split("\n")[:130]
    every = 25  # a page starts mid-paragraph (after a soft line break) as well as at paragraph starts

    document = read_docx(make_docx(lines, page_break_every=every), "sidor.docx")

    assert document.paged and document.page_count == 6 and document.warnings == ()
    pages = document.text.split(PAGE_BREAK)
    for k, page in enumerate(pages):
        assert _page_lines(page.split("\n")) == _page_lines(lines[k * every : (k + 1) * every]), f"page {k + 1}"


def test_docx_without_rendered_breaks_is_not_paged() -> None:
    lines = read_protocol_text(CORPUS / ROUND_TRIP[0]).split("\n")[:130]
    unpaged = read_docx(make_docx(lines), "a.docx")
    explicit = read_docx(make_docx(lines, page_break_every=25, break_kind="explicit"), "b.docx")
    both = read_docx(make_docx(lines, page_break_every=25, break_kind="both"), "c.docx")

    assert not unpaged.paged and unpaged.page_count == 0 and PAGE_BREAK not in unpaged.text
    # Hard breaks alone say nothing of the soft breaks between them: no page numbers rather than wrong ones.
    assert not explicit.paged and PAGE_BREAK not in explicit.text
    assert _page_lines(explicit.text.split("\n")) == _page_lines(lines)
    # Word writes a rendered break after each hard one too: one page per break, not two.
    assert both.paged and both.page_count == 6 and both.warnings == ()


def test_docx_page_break_inside_a_run_and_a_layout_table() -> None:
    """Word marks where a page ended mid-line ("...gäller" | "från i dag"); many Word protocol templates
    put the § in the left column of a table and the title and text in the right one."""
    word = docx.Document()
    word.add_paragraph("Sammanträdesdatum 2025-03-12")
    layout = word.add_table(rows=1, cols=2)
    layout.cell(0, 0).text = "§ 97"
    right = layout.cell(0, 1)
    right.text = "Yrkesvux 2025"
    right.add_paragraph("Beslut")
    decision = right.add_paragraph()
    decision.add_run("Nämnden beslutar att beslutet gäller")
    decision.add_run(" från i dag.")._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))

    document = read_docx(_save(word), "mall.docx")

    assert document.paged and document.page_count == 2
    assert document.text.split("\n") == [
        "Sammanträdesdatum 2025-03-12",
        "§ 97    Yrkesvux 2025",
        "Beslut",
        "Nämnden beslutar att beslutet gäller",
        PAGE_BREAK + "från i dag.",
        "",
    ]
    (paragraph,) = parse_protocol(document.text, "mall.docx").paragraphs
    assert (paragraph.number, paragraph.title) == ("97", "Yrkesvux 2025")
    assert _norm(paragraph.decision) == "Nämnden beslutar att beslutet gäller från i dag."


def test_docx_stale_layout_is_a_warning() -> None:
    data = make_docx(["§ 1 Mötets öppnande", "Text"] * 10, page_break_every=5, declared_pages=9)
    document = read_docx(data, "gammal.docx")
    assert document.page_count == 4
    assert document.warnings == (
        "gammal.docx: Word's last layout marks 4 pages but the file declares 9; page numbers may be off",
    )


def _save(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_tables_lists_and_invisible_text() -> None:
    word = docx.Document()
    word.sections[0].footer.paragraphs[0].text = "Sida 1 av 1"
    table = word.add_table(rows=3, cols=2)
    for (r, c), value in {
        (0, 0): "Plats och tid",
        (0, 1): "Kommunhuset, kl 18.00",
        (1, 0): "Beslutande",
        (1, 1): "Anna Ek (S)\nBo Al (M)",
        (2, 0): "Ordförande\nAnna Ek",
        (2, 1): "Justerare\nBo Al",
    }.items():
        first, *rest = value.split("\n")
        table.cell(r, c).text = first
        for line in rest:
            table.cell(r, c).add_paragraph(line)
    word.add_paragraph("Omröstning")
    votes = word.add_table(rows=1, cols=2)
    votes.cell(0, 0).text = "Resultat"
    inner = votes.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Ja", "9"
    decision = word.add_paragraph("Nämnden beslutar")
    hidden = decision.add_run(" dold kommentar")
    hidden.font.hidden = True
    deleted = OxmlElement("w:del")
    deleted_run = OxmlElement("w:r")
    deleted_text = OxmlElement("w:delText")
    deleted_text.text = " struken text"
    deleted_run.append(deleted_text)
    deleted.append(deleted_run)
    decision._p.append(deleted)
    for item in ("att godkänna", "att lägga till handlingarna"):
        word.add_paragraph(item, style="List Number")
    word.add_paragraph("punkt", style="List Bullet")

    text = read_docx(_save(word), "tabell.docx").text

    assert text.split("\n") == [
        "Plats och tid    Kommunhuset, kl 18.00",
        "Beslutande    Anna Ek (S)",
        "Bo Al (M)",
        "Ordförande",
        "Anna Ek",
        "Justerare",
        "Bo Al",
        "Omröstning",
        "Resultat    Ja    9",
        "Nämnden beslutar",
        "1. att godkänna",
        "2. att lägga till handlingarna",
        "• punkt",
        "",
    ]


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_NUMBERING = f"""<w:numbering {_W}>
  <w:abstractNum w:abstractNumId="0">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="2"><w:numStyleLink w:val="Lista"/></w:abstractNum>
  <w:abstractNum w:abstractNumId="3"><w:styleLink w:val="Lista"/>
    <w:lvl w:ilvl="0"><w:start w:val="4"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="3"/></w:num>
  <w:num w:numId="5"><w:abstractNumId w:val="0"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
</w:numbering>"""
_STYLES = f"""<w:styles {_W}>
  <w:style w:type="numbering" w:styleId="Lista"><w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="Att"><w:basedOn w:val="Bas"/></w:style>
  <w:style w:type="paragraph" w:styleId="Bas"><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
</w:styles>"""


def test_docx_list_numbers_as_word_shows_them() -> None:
    numbering = Numbering(parse_xml(_NUMBERING), parse_xml(_STYLES))

    def label(num_id: str | None, ilvl: int = 0, style: str | None = None) -> str:
        props = f'<w:pStyle w:val="{style}"/>' if style else ""
        if num_id is not None:
            props += f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        return numbering.label(parse_xml(f"<w:p {_W}><w:pPr>{props}</w:pPr></w:p>"))

    got = [label("1"), label("1", 1), label("1", 1), label("1", 2), label("1"), label("1", 1), label("2")]
    got += [label("3"), label("3"), label("5"), label(None, style="Att"), label("0"), label(None)]
    assert got == ["1.", "1.1", "1.2", "a)", "2.", "2.1", "•", "IV.", "V.", "7.", "•", "", ""]


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _lying_sizes(package: bytes, member: str, declared: int) -> bytes:
    """The zip with `member`'s uncompressed size rewritten to `declared` in both of its headers."""
    name = member.encode()
    data = bytearray(package)
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + offset : at + offset + 4] = declared.to_bytes(4, "little")
            at = data.find(signature, at + 1)
    return bytes(data)


def test_bad_docx_files_are_named_parse_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    good = make_docx(["§ 1 Mötets öppnande", "Ordföranden öppnar mötet."])
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "word/media/x.bin": bytes(8 << 20)})
    cases = {
        "slump.docx": (random.Random(7).randbytes(5000), "not a Word document \\(not a zip file\\)"),
        "tom.docx": (b"", "not a Word document"),
        "gammal.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "OLE file"),
        "arkiv.docx": (_zip({"a.txt": b"hej"}), "no word/document.xml"),
        "trasig.docx": (_zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}), "not a Word"),
        "halv.docx": (good[: len(good) // 2], "not a Word document"),
        "bomb.docx": (bomb, "word/media/x.bin expands \\d+× \\(limit 100×\\), possibly a zip bomb"),
        "ljuger.docx": (_lying_sizes(good, "word/document.xml", 40), "not a Word document"),
        "bild.docx": (make_docx([""]), "has no text"),
    }
    for name, (data, message) in cases.items():
        with pytest.raises(ProtocolParseError, match=f"^{re.escape(name)}: .*{message}"):
            read_docx(data, name)

    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED_BYTES", 10_000)
    with pytest.raises(ProtocolParseError, match=r"^stor.docx: refused: the zip declares .* possibly a zip bomb"):
        read_docx(good, "stor.docx")
    monkeypatch.setattr(docx_reader, "MAX_ZIP_ENTRIES", 5)
    with pytest.raises(ProtocolParseError, match=r"^delar.docx: refused: \d+ zip entries \(limit 5\)"):
        read_docx(good, "delar.docx")


def test_random_bytes_never_raise_anything_else() -> None:
    rng = random.Random(2024)
    good_docx = make_docx(["§ 1 Mötets öppnande", "Text"])
    good_html = make_html(["§ 1 Mötets öppnande", "Text"])
    for _ in range(40):
        for reader, good in ((read_docx, good_docx), (read_html, good_html)):
            data = bytearray(good)
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                document = reader(bytes(data), "brus")
            except ProtocolParseError as error:
                assert str(error).startswith("brus: ")
            else:
                assert document.text.strip()


def test_html_main_text_layout() -> None:
    page = """<html><head><title>Kommunen</title></head><body>
    <header><nav><a href="/">Start</a></nav></header>
    <div class="cookie-notice">Vi använder kakor</div>
    <main>
      <article><header><p>Barn- och utbildningsnämnden</p></header>
      <h2>
        <span>§&nbsp;97</span>   Yrkesvux
      </h2>
      <p>Nämnden   <strong>beslutar</strong>&nbsp;att<em>godkänna</em>
         förslaget &amp; lägga&#8230;</p><p></p><p>Rad ett<br>rad två<br><br><br>rad tre</p>
      <table><tr><th>Ja</th><td>9</td><td></td><td>S, M</td></tr><tr><td>Nej</td><td>2</td></tr></table>
      <ol start="3"><li>tredje</li><li>fjärde<ul><li>punkt</li></ul></li></ol>
      <pre>
  kod   med   luft
    indrag</pre>
      <p hidden>gömd</p><div aria-hidden="true">skärmläsare ser inte</div>
      <div style="display: none">dold</div><div role="navigation">Meny</div><p>Slut</p></article>
    </main>
    <aside>Relaterade sidor</aside><footer>Kontakta oss</footer></body></html>"""

    document = read_html(page.encode(), "sida.html")

    assert document.format == "html" and not document.paged
    assert document.text.split("\n") == [
        "Barn- och utbildningsnämnden",
        "",
        "§ 97 Yrkesvux",
        "",
        "Nämnden beslutar attgodkänna förslaget & lägga…",
        "",
        "Rad ett",
        "rad två",
        "",
        "rad tre",
        "",
        "Ja    9    S, M",
        "Nej    2",
        "3. tredje",
        "4. fjärde",
        "punkt",
        "  kod   med   luft",
        "    indrag",
        "",
        "Slut",
        "",
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("<body><div role='main'><p>Rollen</p></div><div><p>Annat</p></div></body>", "Rollen"),
        ("<body><article><p>Kort</p></article><article><p>Den längre artikeln</p></article></body>", "Den längre"),
        ("<body><p>Bara brödtext</p><footer>Sidfot</footer></body>", "Bara brödtext"),
        ("<p>Utan body-tagg</p><script>var x = 1;</script>", "Utan body-tagg"),
        ("<body><main hidden><p>Gammal</p></main><main><p>Synlig</p></main></body>", "Synlig"),
        ("<body class='has-cookie-banner'><p>Sidan</p></body>", "Sidan"),
    ],
)
def test_html_picks_the_main_text(page: str, expected: str) -> None:
    assert read_html(page.encode(), "s.html").text.split("\n")[0].startswith(expected)


def test_html_encodings() -> None:
    text = "Sammanträde i Lomma: åäö ÅÄÖ é §"
    body = f"<p>{text}</p>"
    declared = f'<html><head><meta charset="windows-1252"></head><body>{body}</body></html>'
    http_equiv = f'<head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>{body}'
    for data in (
        declared.encode("cp1252"),
        http_equiv.encode("cp1252"),
        body.encode("cp1252"),  # no declaration, not UTF-8
        body.encode("utf-8"),
        "\ufeff".encode() + body.encode("utf-8"),
        body.encode("utf-16"),  # with BOM
        f'<meta charset="utf-8">{body}'.encode("cp1252"),  # mislabelled: falls back to cp1252
        make_html([text], encoding="windows-1252"),
    ):
        assert read_html(data, "lomma.html").text == text + "\n"


def test_bad_html_is_a_named_parse_error() -> None:
    menu_only = make_html([]).replace(b"<main", b"<main hidden")
    cases = {
        "tom.html": (b"  \n ", "the page is empty"),
        "meny.html": (menu_only, "no text on the page once menus"),
        "skript.html": (b"<html><script>document.write('x')</script><style>p{}</style></html>", "no text"),
        "binar.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    }
    for name, (data, message) in cases.items():
        with pytest.raises(ProtocolParseError, match=f"^{re.escape(name)}: .*{message}"):
            read_html(data, name)


def test_hostile_html_is_bounded() -> None:
    deep = "<div>" * 100_000 + "§ 1 Djupt" + "</div>" * 100_000  # Python's recursion limit is 1,000
    unclosed = "<p><span><li><td>" * 10_000 + "Slut"
    tables = "<table><tr><td>cell " * 2_000 + "innerst" + "</td></tr></table>" * 2_000
    for page, wanted in ((deep, "§ 1 Djupt"), (unclosed, "Slut"), (tables, "innerst")):
        started = time.perf_counter()
        text = read_html(page.encode(), "djup.html").text
        assert time.perf_counter() - started < 5
        assert wanted in text


def _with_body(package: bytes, body: str) -> bytes:
    """The DOCX with word/document.xml replaced by a document of `body` (WordprocessingML)."""
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document {namespace}><w:body>{body}</w:body></w:document>'
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        parts = {e.filename: source.read(e.filename) for e in source.infolist()}
    parts["word/document.xml"] = document.encode()
    return _zip(parts)


def test_nested_docx_tables_are_bounded_by_the_xml_parser() -> None:
    def nested(depth: int) -> str:
        cell = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>nivå</w:t></w:r></w:p>"
        return cell * depth + "<w:p><w:r><w:t>innerst</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * depth

    good = make_docx(["x"])
    text = read_docx(_with_body(good, nested(40)), "kapslad.docx").text
    assert text.split("\n")[:2] == ["nivå", "nivå"] and text.count("nivå") == 40 and "innerst" in text
    # libxml2 refuses XML nested deeper than 256 elements, so the reader's recursion stays shallow.
    with pytest.raises(ProtocolParseError, match="^djup.docx: not a Word document .*Excessive depth"):
        read_docx(_with_body(good, nested(5_000)), "djup.docx")
