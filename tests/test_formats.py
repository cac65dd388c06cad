"""Every format through the whole indexer: pages on paragraphs and hits, the citation naming them, OCR marked,
one copy of a protocol sent in several formats, sidecars (fake embedder)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.search import Searcher
from indexer.build import build_index, parse_file
from indexer.index.store import load_index
from indexer.models import Protocol
from indexer.parse.protocol import parse_document
from indexer.read.ocr import ocr_available
from indexer.read.pdf import read_pdf
from indexer.read.text import read_protocol_text
from tests.conftest import CORPUS
from tests.fakes import FakeEmbedder
from tests.office_maker import make_docx, make_html
from tests.pdf_maker import make_image_pdf
from tests.test_read_pdf import CASES, Built, build, norm

LOMMA = "Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt"


@pytest.fixture(scope="module", params=sorted(CASES))
def built(request: pytest.FixtureRequest) -> Built:
    return build(*CASES[request.param])


def _placed(b: Built) -> list[tuple[int, str]]:
    """Every body line of the PDF with the page it was placed on."""
    return [(k, line) for k, page in enumerate(b.pages, start=1) for line in page]


def test_each_paragraph_knows_the_pages_its_lines_were_placed_on(built: Built) -> None:
    got = parse_document(read_pdf(built.data, "x.pdf"), "x.pdf")
    placed = _placed(built)
    heads: list[int] = []
    at = 0
    for paragraph in got.paragraphs:
        first = norm(paragraph.text.split("\n")[0])
        at = next(i for i in range(at, len(placed)) if norm(placed[i][1]) == first)
        heads.append(at)
    spanning = 0
    for n, paragraph in enumerate(got.paragraphs):
        end = heads[n + 1] if n + 1 < len(heads) else len(placed)
        text = norm(paragraph.text)
        # The pages holding a line of the paragraph (furniture between its lines is not its text).
        expected = sorted({k for k, line in placed[heads[n] : end] if line.strip() and norm(line) in text})
        assert paragraph.pages == tuple(expected), paragraph.number
        spanning += len(paragraph.pages) > 1
    assert spanning >= 2 and got.page_count == len(built.pages) and got.format == "pdf"


def _library(tmp_path: Path, *names: str) -> Path:
    library = tmp_path / "bibliotek"
    library.mkdir()
    for name in names:
        shutil.copy(CORPUS / name, library / name)
    return library


def test_a_pdf_hit_names_its_pages_in_the_citation_and_the_json(tmp_path: Path) -> None:
    b = build(*CASES["lomma"])
    library = _library(tmp_path, "000_a1d265b92dc01c91.txt")
    (library / "Lomma_BUN_2023-10-10.pdf").write_bytes(b.data)
    report = build_index(library, tmp_path / "idx", FakeEmbedder())
    assert report.files == 2 and not report.errors
    hit = Searcher(load_index(tmp_path / "idx"), FakeEmbedder()).search("Lomma BUN § 72 förskoleklass", k=1)[0]
    assert hit.file == "Lomma_BUN_2023-10-10.pdf" and hit.paragraph == "72"
    # § 72 is on the PDF's pages 15-18 (45 lines a page; test above checks pages against the layout).
    assert hit.pages == (15, 16, 17, 18) and hit.citation.endswith("§ 72, s. 15–18 (BUN/2023:206)")
    assert not hit.ocr


def test_one_protocol_in_four_formats_is_indexed_once_from_the_pdf(tmp_path: Path) -> None:
    b = build(*CASES["lomma"])
    text = read_protocol_text(CORPUS / LOMMA)
    library = _library(tmp_path, LOMMA, "000_a1d265b92dc01c91.txt")
    (library / "BUN 2023-10-10.pdf").write_bytes(b.data)
    (library / "BUN 2023-10-10.docx").write_bytes(make_docx(text.split("\n")))
    (library / "BUN 2023-10-10.html").write_bytes(make_html(text.split("\n")))
    report = build_index(library, tmp_path / "idx", FakeEmbedder())
    assert report.files == 2
    repeats = sorted(w.file for w in report.warnings if "same protocol as BUN 2023-10-10.pdf" in w.message)
    assert repeats == ["BUN 2023-10-10.docx", "BUN 2023-10-10.html", LOMMA]
    assert {p.source for p in load_index(tmp_path / "idx").protocols} == {
        "BUN 2023-10-10.pdf",
        "000_a1d265b92dc01c91.txt",
    }


def test_different_meetings_are_never_taken_for_one(tmp_path: Path) -> None:
    library = _library(tmp_path, *(p.name for p in CORPUS.glob("*.txt")))
    report = build_index(library, tmp_path / "idx", FakeEmbedder())
    assert report.files == 18 and not [w for w in report.warnings if "same protocol" in w.message]


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_docx_and_html_protocols_index_like_the_text(tmp_path: Path, kind: str) -> None:
    text = read_protocol_text(CORPUS / LOMMA)
    data = make_docx(text.split("\n")) if kind == "docx" else make_html(text.split("\n"))
    path = tmp_path / f"protokoll.{kind}"
    path.write_bytes(data)
    got, expected = parse_file(path), parse_file(CORPUS / LOMMA)
    assert got.format == kind and _fields(got) == _fields(expected)


def _fields(protocol: Protocol) -> list[tuple[str, str, str | None, str]]:
    return [(p.number, p.title, p.case_number, norm(p.decision)) for p in protocol.paragraphs]


def test_a_sidecar_names_what_a_document_lacks(tmp_path: Path) -> None:
    text = read_protocol_text(CORPUS / LOMMA)
    lines = [line for line in text.split("\n") if "2023-10-10" not in line]  # the date is gone from the text
    path = tmp_path / "utan-datum.html"
    path.write_bytes(make_html(lines))
    assert parse_file(path).date != "2023-10-10"
    (tmp_path / "utan-datum.meta.json").write_text(json.dumps({"date": "2023-10-10", "body": "BUN"}))
    fixed = parse_file(path)
    assert (fixed.date, fixed.body) == ("2023-10-10", "BUN") and not any("date" in w for w in fixed.warnings)


@pytest.mark.skipif(not ocr_available(), reason="tesseract-ocr with Swedish is not installed")
def test_a_scanned_protocol_is_searchable_and_its_hits_marked_ocr(tmp_path: Path) -> None:
    pages = [
        [
            "Lomma kommun",
            "Socialnämnden",
            "Sammanträdesdatum 2026-05-05",
            "",
            "SN § 27    Lokalförsörjningsplan för äldreboenden",
            "",
            "Ärendebeskrivning",
            "Förvaltningen har tagit fram en plan för platser i särskilt boende.",
            "",
            "Beslut",
            "Socialnämnden beslutar att godkänna lokalförsörjningsplanen.",
        ]
    ]
    library = _library(tmp_path, "000_a1d265b92dc01c91.txt")
    (library / "skannat.pdf").write_bytes(make_image_pdf(pages))
    report = build_index(library, tmp_path / "idx", FakeEmbedder())
    assert report.files == 2 and not report.errors
    hit = Searcher(load_index(tmp_path / "idx"), FakeEmbedder()).search("lokalförsörjningsplan äldreboenden", k=1)[0]
    assert (hit.file, hit.paragraph, hit.pages, hit.ocr) == ("skannat.pdf", "27", (1,), True)
    assert hit.citation.endswith("§ 27, s. 1")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser  # it starts Chromium: with the browser tests, outside the fast subset (`model` too)
@pytest.mark.model
@pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium is not installed")
@pytest.mark.parametrize("name", ["Goteborg_Kommunstyrelsen_2025-03-12.txt", LOMMA])
def test_a_pdf_printed_by_chromium_parses_like_the_text(tmp_path: Path, name: str) -> None:
    """A PDF from another maker: Chromium prints the protocol with its own running header (date, title)
    and footer (address, "1/49"), which PDFium returns after the body of each page."""
    import html
    import subprocess

    text = read_protocol_text(CORPUS / name)
    rows = "".join(f"<div>{html.escape(line) if line.strip() else '&nbsp;'}</div>" for line in text.split("\n"))
    page = tmp_path / "protokoll.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><title>Protokoll</title><style>body{font:10pt 'DejaVu Sans';"
        f"white-space:pre-wrap}}</style></head><body>{rows}</body></html>",
        encoding="utf-8",
    )
    pdf = tmp_path / "protokoll.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    got, expected = parse_file(pdf), parse_file(CORPUS / name)
    assert got.page_count > 5 and (got.organisation, got.body, got.date) == (
        expected.organisation,
        expected.body,
        expected.date,
    )
    assert _fields(got) == _fields(expected)
    # Nothing of the print furniture in any paragraph: each reads as its text version does.
    assert [norm(p.text) for p in got.paragraphs] == [norm(p.text) for p in expected.paragraphs]
