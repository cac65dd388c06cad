"""PDF reading: corpus protocols round-tripped through PDFs, page cleaning, OCR of scans, and bad files."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pypdfium2 as pdfium
import pytest

from indexer.errors import ProtocolParseError
from indexer.models import Protocol
from indexer.parse.protocol import parse_protocol
from indexer.read import ocr
from indexer.read.document import PAGE_BREAK
from indexer.read.ocr import OCR_HINT, ocr_available, restore_section_signs
from indexer.read.pages import clean_pages
from indexer.read.pdf import read_pdf
from indexer.read.text import read_protocol_text
from tests.conftest import CORPUS
from tests.pdf_maker import make_image_pdf, make_pdf

LINES_PER_PAGE = 45


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass(frozen=True)
class Built:
    """A corpus protocol set as a PDF: its file name and text, the running header, the lines on each PDF
    page, the word hyphenated over two lines, and the PDF."""

    name: str
    text: str
    header: str
    pages: list[list[str]]
    word: str
    data: bytes


def _hyphen_line(text: str, protocol: Protocol) -> tuple[int, str]:
    """(index of a unique line inside a decision, a long lowercase word on it, not its first word)."""
    lines = text.split("\n")
    for paragraph in protocol.paragraphs:
        for line in (paragraph.decision or "").split("\n"):
            words = line.split()
            long_words = [w for w in words[1:] if len(w) >= 12 and w.isalpha() and w.islower()]
            if long_words and lines.count(line) == 1:
                return lines.index(line), long_words[0]
    raise AssertionError("no decision line with a long word")


def build(name: str, header: str, footer: str, break_at_page_end: bool) -> Built:
    """The protocol in pages of LINES_PER_PAGE lines, one long word split "förskole-" / "klass" over two lines.

    With `break_at_page_end`, the first half of the word ends a page, so the join crosses a page break
    and the running footer and header stand between the halves.
    """
    text = read_protocol_text(CORPUS / name)
    at, word = _hyphen_line(text, parse_protocol(text, name))
    lines = text.split("\n")
    before, after = lines[at].split(word, 1)
    half = len(word) // 2
    lines[at : at + 1] = [f"{before}{word[:half]}-", f"{word[half:]}{after}"]
    if break_at_page_end:
        first = [lines[i : min(i + LINES_PER_PAGE, at + 1)] for i in range(0, at + 1, LINES_PER_PAGE)]
        rest = [lines[i : i + LINES_PER_PAGE] for i in range(at + 1, len(lines), LINES_PER_PAGE)]
        pages = first + rest
        assert pages[len(first) - 1][-1].endswith("-")
    else:
        pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    return Built(name, text, header, pages, word, make_pdf(pages, header=header, footer=footer))


CASES = {
    "lomma": (
        "Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt",
        "Lomma kommun   Barn- och utbildningsnämnden   2023-10-10",
        "Sida {page} av {pages}\nJusterandes signatur   Utdragsbestyrkande",
        True,
    ),
    "goteborg": (
        "Goteborg_Kommunstyrelsen_2025-03-12.txt",
        "Göteborgs Stad   Kommunstyrelsen   Protokoll 2025-03-12",
        "{page} ({pages})\nJusterandes signatur",
        False,
    ),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def built(request: pytest.FixtureRequest) -> Built:
    return build(*CASES[request.param])


def test_pdf_parses_like_the_text(built: Built) -> None:
    b = built
    expected = parse_protocol(b.text, b.name)
    got = parse_protocol(read_pdf(b.data, "x.pdf").text, "x.pdf")
    assert (got.organisation, got.body, got.date) == (expected.organisation, expected.body, expected.date)
    assert len(expected.paragraphs) > 10
    assert [(p.number, p.title, p.case_number) for p in got.paragraphs] == [
        (p.number, p.title, p.case_number) for p in expected.paragraphs
    ]
    assert [norm(p.decision) for p in got.paragraphs] == [norm(p.decision) for p in expected.paragraphs]
    assert [norm(p.text) for p in got.paragraphs] == [norm(p.text) for p in expected.paragraphs]
    assert any(_spans_break(b.pages, k, norm(p.text)) for p in got.paragraphs for k in range(len(b.pages) - 1))


def _spans_break(pages: list[list[str]], k: int, paragraph: str) -> bool:
    """True when the paragraph holds both the last line of page k and the first of page k + 1 (long ones)."""
    last = next(norm(line) for line in reversed(pages[k]) if line.strip())
    first = next(norm(line) for line in pages[k + 1] if line.strip())
    return min(len(last), len(first)) >= 30 and last in paragraph and first in paragraph


def test_running_header_and_footer_are_gone(built: Built) -> None:
    b = built
    document = read_pdf(b.data, "x.pdf")
    header_words = norm(b.header)
    pages = document.text.split(PAGE_BREAK)
    # The header stays on page 1 only, where it names body and date; the footers go everywhere.
    assert norm(pages[0]).startswith(header_words)
    assert all(header_words not in norm(page) for page in pages[1:])
    assert "Justerandes signatur" not in document.text
    count = len(b.pages)
    assert count != 22  # the Lomma text's own pdftotext footers say "av 22"
    assert not re.search(rf"Sida \d+ av {count}\b|^\d+ \({count}\)$", document.text, re.MULTILINE)
    for paragraph in parse_protocol(document.text, "x.pdf").paragraphs:
        assert header_words not in norm(paragraph.text)


def test_hyphenated_word_comes_out_joined(built: Built) -> None:
    b = built
    text = read_pdf(b.data, "x.pdf").text
    half = len(b.word) // 2
    assert text.count(b.word) == b.text.count(b.word)
    assert f"{b.word[:half]}-" not in text


def test_pages_hold_their_lines(built: Built) -> None:
    b = built
    document = read_pdf(b.data, "x.pdf")
    assert document.format == "pdf" and document.paged and document.ocr_pages == () and document.warnings == ()
    assert document.page_count == len(b.pages)
    pages = [norm(page) for page in document.text.split(PAGE_BREAK)]
    for k, lines in enumerate(b.pages):
        for line in lines:
            hyphenated = line.rstrip().endswith("-") or b.word[len(b.word) // 2 :] in line
            if line.strip() and not hyphenated:
                assert norm(line) in pages[k], f"page {k + 1}: {line!r}"


def test_wide_gaps_are_column_gaps() -> None:
    data = make_pdf([["BARN- OCH UTBILDNINGSNÄMNDEN    SAMMANTRÄDESPROTOKOLL", "ord och ord med mellanslag"]])
    lines = read_pdf(data, "g.pdf").text.split("\n")
    assert lines == ["BARN- OCH UTBILDNINGSNÄMNDEN    SAMMANTRÄDESPROTOKOLL", "ord och ord med mellanslag"]


def test_blank_lines_between_paragraphs_are_kept() -> None:
    data = make_pdf([["Första stycket, rad ett", "rad två", "", "Andra stycket"]])
    assert read_pdf(data, "b.pdf").text == "Första stycket, rad ett\nrad två\n\nAndra stycket"


def test_threads_read_alike() -> None:
    data = make_pdf([BODIES[k % 4] for k in range(6)], header="Lomma kommun", footer="Sida {page} av {pages}")
    alone = read_pdf(data, "t.pdf")
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda _: read_pdf(data, "t.pdf"), range(8)))
    assert all(document == alone for document in together)


# --- pages.clean_pages ---------------------------------------------------------------------------------


def _paged(header: list[str], body: list[list[str]], footer: list[str]) -> list[str]:
    count = len(body)
    return [
        "\n".join(
            [h.format(page=k, pages=count) for h in header] + lines + [f.format(page=k, pages=count) for f in footer]
        )
        for k, lines in enumerate(body, start=1)
    ]


BODIES = [
    [
        "BUN § 61    Budget 2024",
        "Ärendebeskrivning",
        "Förvaltningen redovisar budgeten för 2024.",
        "Beslut",
        "Nämnden beslutar att godkänna budgeten.",
    ],
    [
        "Ordföranden ställer förslagen mot varandra",
        "och finner att nämnden bifaller",
        "arbetsutskottets förslag.",
        "Reservation",
        "Ledamöterna för (S) reserverar sig.",
    ],
    [
        "BUN § 62    Skolskjuts",
        "Ärendebeskrivning",
        "Frågan om skolskjuts till Flädie skola.",
        "Beslut",
        "Ärendet bordläggs.",
    ],
    [
        "BUN § 63    Information",
        "Ärendebeskrivning",
        "Förvaltningschefen informerar om läget.",
        "Beslut",
        "Nämnden tar del av informationen.",
    ],
]
"""Four pages of body text, each longer than the top and bottom zones together."""


def test_header_kept_on_page_one_footer_removed_everywhere() -> None:
    pages = _paged(
        ["Lomma kommun    Barn- och utbildningsnämnden", "Sammanträdesdatum 2023-10-10"],
        BODIES,
        ["Justerandes signatur    Utdragsbestyrkande", "Sida {page} av {pages}"],
    )
    cleaned = clean_pages(pages)
    assert cleaned[0].split("\n") == [
        "Lomma kommun    Barn- och utbildningsnämnden",
        "Sammanträdesdatum 2023-10-10",
        *BODIES[0],
    ]
    assert [page.split("\n") for page in cleaned[1:]] == BODIES[1:]


def test_page_numbers_vary_only_in_digits() -> None:
    cleaned = clean_pages(_paged(["{page} ({pages})"], BODIES, []))
    assert cleaned[0].split("\n") == ["1 (4)", *BODIES[0]]  # page 1 keeps its header line
    assert [page.split("\n") for page in cleaned[1:]] == BODIES[1:]


def test_bare_page_numbers_go_but_numbers_in_vote_tables_stay() -> None:
    # Göteborg KF sets vote tables one cell per line: "Ja", a party, a seat number end many pages.
    pages = [[*lines, "Ja", "S", str(40 + 7 * k), str(k + 1)] for k, lines in enumerate(BODIES * 2)]
    cleaned = [page.split("\n") for page in clean_pages(["\n".join(p) for p in pages])]
    assert cleaned == [p[:-1] for p in pages]


def test_headings_recurring_at_page_tops_are_not_furniture() -> None:
    # Each page opens with a bare "SN § 2#" (Lomma starts every paragraph on a new page): alike once
    # digits are masked, at the page edge on every page, yet a paragraph heading, never a running header.
    bodies = [[f"SN § {27 + k}", *lines[1:]] for k, lines in enumerate(BODIES)]
    assert [page.split("\n") for page in clean_pages(["\n".join(b) for b in bodies])] == bodies


def test_lines_recurring_on_fewer_than_half_the_pages_stay() -> None:
    # Ends 2 of 8 pages: a body line repeated by chance, not a footer (that needs 4).
    bodies = [list(lines) for lines in BODIES * 2]
    for k in (0, 5):
        bodies[k].append("Beslutet expedieras till:")
    assert [page.split("\n") for page in clean_pages(["\n".join(b) for b in bodies])] == bodies


def test_recurring_line_outside_the_zones_stays() -> None:
    body = ["Rad 1", "Rad 2", "Rad 3", "Rad 4", "Rad 5", "Ordföranden frågar om nämnden bifaller", "Rad 7"]
    body += ["Rad 8", "Rad 9", "Rad 10"]
    pages = ["\n".join(body)] * 3
    assert "Ordföranden frågar om nämnden bifaller" in clean_pages(pages)[1].split("\n")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Beslutet gäller förskole-", "klass och fritids."], ["Beslutet gäller förskoleklass", "och fritids."]),
        (["förskole-", "klass"], ["förskoleklass"]),
        (["för barn-", "och utbildningsnämnden"], ["för barn-", "och utbildningsnämnden"]),
        (["gång-", "eller cykelbana"], ["gång-", "eller cykelbana"]),
        (["skol-", "samt förskoleverksamhet"], ["skol-", "samt förskoleverksamhet"]),
        (["grund-", "resp. gymnasieskola"], ["grund-", "resp. gymnasieskola"]),
        (["kultur-", "till fritidsnämnden"], ["kultur-", "till fritidsnämnden"]),
        (["Göteborgs-", "Posten skriver"], ["Göteborgs-", "Posten skriver"]),
        (["under läsår-", "2024 och 2025"], ["under läsår-", "2024 och 2025"]),
        (["under år 2024-", "2025 gäller"], ["under år 2024-", "2025 gäller"]),
        (["under 2020-", "talet"], ["under 2020-", "talet"]),
        (["Beslut -", "fortsatt behandling"], ["Beslut -", "fortsatt behandling"]),
        (["förskole-", "", "klass"], ["förskole-", "", "klass"]),
        (["via SVT-", "sändningen"], ["via SVT-sändningen"]),
        (["skicka e-", "post till"], ["skicka e-post", "till"]),
    ],
)
def test_hyphen_joining(lines: list[str], expected: list[str]) -> None:
    assert clean_pages(["\n".join(lines)]) == ["\n".join(expected)]


def test_hyphen_joins_across_a_page_break_after_header_removal() -> None:
    header = ["Lomma kommun    Socialnämnden"]
    footer = ["Sida {page} av {pages}"]
    bodies = [BODIES[0] + ["nämnden beslutar om förskole-"], ["klass och fritids", *BODIES[1]], BODIES[2]]
    cleaned = clean_pages(_paged(header, bodies, footer))
    assert cleaned[0].split("\n")[-1] == "nämnden beslutar om förskoleklass"
    assert cleaned[1].split("\n") == ["och fritids", *BODIES[1]]


def test_hyphen_across_a_page_break_keeps_compound_ellipsis() -> None:
    bodies = [[*BODIES[0], "för barn-"], ["och utbildningsnämnden", *BODIES[1]]]
    assert [p.split("\n") for p in clean_pages(_paged(["Huvud"], bodies, []))] == [
        ["Huvud", *BODIES[0], "för barn-"],
        ["och utbildningsnämnden", *BODIES[1]],
    ]


# --- OCR -----------------------------------------------------------------------------------------------

SCANNED = [
    [
        "Lomma kommun",
        "Socialnämnden",
        "Sammanträdesdatum 2026-05-05",
        "",
        "SN § 27    Lokalförsörjningsplan",
        "",
        "Förvaltningen har tagit fram en plan för lokalförsörjning där behovet",
        "av särskilt boende för äldre bedöms fram till år 2035.",
        "",
        "Beslut",
        "Socialnämnden beslutar att godkänna lokalförsörjningsplanen.",
        "",
        "SN § 28    Motion om äldreboende",
        "",
        "En motion har väckts om att bygga ett nytt äldreboende i Lomma.",
        "",
        "Beslut",
        "Socialnämnden föreslår att motionen ska anses besvarad.",
    ]
]

needs_tesseract = pytest.mark.skipif(not ocr_available(), reason="tesseract with Swedish (tesseract-ocr-swe) missing")


@needs_tesseract
def test_scanned_protocol_is_read_with_ocr() -> None:
    document = read_pdf(make_image_pdf(SCANNED), "skannad.pdf")
    assert document.ocr_pages == (1,)
    protocol = parse_protocol(document.text, "skannad.pdf")
    assert (protocol.organisation, protocol.body, protocol.date) == ("Lomma kommun", "Socialnämnden", "2026-05-05")
    assert [(p.number, p.title) for p in protocol.paragraphs] == [
        ("27", "Lokalförsörjningsplan"),
        ("28", "Motion om äldreboende"),
    ]
    assert [p.decision for p in protocol.paragraphs] == [
        "Socialnämnden beslutar att godkänna lokalförsörjningsplanen.",
        "Socialnämnden föreslår att motionen ska anses besvarad.",
    ]


@needs_tesseract
def test_mixed_pdf_ocrs_only_the_scanned_page() -> None:
    pages = [["Första sidan har ett textlager med tillräckligt många tecken för att läsas direkt."]] * 3
    pages[1] = ["Andra sidan är inskannad och läses med OCR av tesseract."]
    document = read_pdf(make_pdf(pages, image_pages={2}), "blandad.pdf")
    assert document.ocr_pages == (2,)
    assert norm(document.text.split(PAGE_BREAK)[1]) == norm(pages[1][0])


def test_scan_without_ocr_names_file_and_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(ProtocolParseError, match=r"^skannad\.pdf: the PDF has no text layer") as caught:
        read_pdf(make_image_pdf(SCANNED), "skannad.pdf")
    assert OCR_HINT in str(caught.value)
    assert "tesseract-ocr-swe" in OCR_HINT


def test_mixed_pdf_without_ocr_warns_about_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    pages = [BODIES[0], ["Den inskannade sidan."], BODIES[2]]
    document = read_pdf(make_pdf(pages, image_pages={2}), "blandad.pdf")
    assert document.page_count == 3
    texts = document.text.split(PAGE_BREAK)
    assert texts == ["\n".join(BODIES[0]), "", "\n".join(BODIES[2])]
    assert len(document.warnings) == 1
    assert document.warnings[0].startswith("blandad.pdf: page 2 has no text layer")
    assert OCR_HINT in document.warnings[0]


def test_ocr_unavailable_without_tesseract_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    ocr.ocr_available.cache_clear()
    try:
        assert ocr.ocr_available() is False
    finally:
        ocr.ocr_available.cache_clear()


def test_blank_page_is_neither_scan_nor_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    pages = [["En sida med text som är lång nog att räknas som ett riktigt textlager."], [], ["Sista sidan."]]
    document = read_pdf(make_pdf(pages), "tom.pdf")
    assert document.warnings == () and document.text.split(PAGE_BREAK)[1] == ""


@pytest.mark.parametrize(
    ("misread", "restored"),
    [
        ("SN 8 27    Lokalförsörjningsplan", "SN § 27    Lokalförsörjningsplan"),
        ("SN 827 Lokalförsörjningsplan", "SN § 27 Lokalförsörjningsplan"),
        ("SN $ 28 Motion om äldreboende", "SN § 28 Motion om äldreboende"),
        ("BUN 83 61", "BUN § 61"),
        ("SN 838 27    SN/2026:136", "SN § 27    SN/2026:136"),
        ("£ 29    SN/2026:102", "§ 29    SN/2026:102"),
        (
            "verksamhetschef enligt 4 kap. 2 8 hälso- och sjukvårdslagen",
            "verksamhetschef enligt 4 kap. 2 § hälso- och sjukvårdslagen",
        ),
        ("& 197 Ärendenummer SLK-2025-00144", "§ 197 Ärendenummer SLK-2025-00144"),
        ("Ordförande 88 59–71", "Ordförande §§ 59–71"),
        ("enligt $ 12 i reglementet", "enligt § 12 i reglementet"),
        ("klockan 20:15-20:20 & 22:15-22:20", "klockan 20:15-20:20 & 22:15-22:20"),
        ("8 500", "8 500"),
        ("KS 3000 kronor", "KS 3000 kronor"),
    ],
)
def test_section_signs_restored(misread: str, restored: str) -> None:
    assert restore_section_signs(misread) == restored


# --- bad files -----------------------------------------------------------------------------------------


def _truncated() -> bytes:
    data = make_pdf([["Rad ett", "Rad två"]] * 3)
    return data[: len(data) * 2 // 3]


def _no_pages() -> bytes:
    document = pdfium.PdfDocument.new()
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bytes(range(256)) * 8, r"not a readable PDF \(no %PDF- header\)"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, r"not a readable PDF \(damaged"),
        (_truncated(), r"not a readable PDF"),
        (make_pdf([["Hemligt"]], password="hemligt"), r"the PDF is password-protected"),
        (b"", r"the file is empty"),
    ],
    ids=["random", "pdf-header-then-garbage", "truncated", "encrypted", "empty"],
)
def test_bad_files_raise_parse_error_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(ProtocolParseError, match=r"^trasig\.pdf: " + message):
        read_pdf(data, "trasig.pdf")


def test_no_pages_after_an_encrypted_file() -> None:
    # PDFium refuses an empty page tree without setting an error code, so the encrypted file's
    # "password" error would still be reported if the reader believed it.
    with pytest.raises(ProtocolParseError, match="password"):
        read_pdf(make_pdf([["Hemligt"]], password="hemligt"), "hemlig.pdf")
    with pytest.raises(ProtocolParseError, match=r"^tom\.pdf: the PDF has no pages$"):
        read_pdf(_no_pages(), "tom.pdf")


def test_damaged_bytes_only_ever_raise_parse_error() -> None:
    data = bytearray(make_pdf([["Rad ett med åäö", "Rad två"]] * 3))
    for step in range(1, 40):
        damaged = bytearray(data)
        for i in range(step * 37 % 500, len(damaged), 97 + step):
            damaged[i] = (damaged[i] + step) % 256
        try:
            read_pdf(bytes(damaged), "skadad.pdf")
        except ProtocolParseError as error:
            assert str(error).startswith("skadad.pdf: ")
