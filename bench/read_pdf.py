"""PDF reading speed: text-layer pages per second, and OCR pages per second for scans.

Run by hand: `.venv/bin/python bench/read_pdf.py [--pages 50] [--runs 5] [--ocr-pages 3] [--fidelity]`. Builds a
text PDF from a corpus protocol (as tests/test_read_pdf.py does: 45 lines a page, running header and
footer) and an image-only PDF of the first pages, reads them with `read_pdf`, prints a table. OCR is
timed as shipped (single-threaded tesseracts, pdf.OCR_WORKERS pages at once), one page at a time, and
one page at a time with tesseract's OpenMP threads on (its default). `--fidelity` also scans a whole
corpus protocol page by page and compares its parse with the text's. Asserts nothing.

Figures on the project's machine (2 cores shared with other work, load 1.3–3.7; pypdfium2 5.15.2 /
PDFium 159; tesseract 5.3.0 with Debian's swe model; A4 rendered at 300 dpi), 2026-12-01:
    read_pdf, text layer, 50 pages of Göteborg KS 2025-03-12     230–480 pages/s (≈400 when idle)
      of which clean_pages                                      1,900–3,600 pages/s
    read_pdf, OCR as shipped (2 pages at once), dense pages     0.45–0.5 pages/s (≈2.1 s a page)
    read_pdf, OCR one page at a time                            0.3 pages/s (3.1–3.5 s a page)
      with tesseract's OpenMP threads on (its default)          0.08–0.3 pages/s (3–13 s a page,
                                                                worst when the machine is busy)
    --fidelity, Lomma SN 2026-05-05 scanned (24 pages, 37–48 s): organisation, body and date equal;
      13/13 paragraphs with equal number, title and case number; 12/13 decisions equal (§ 29: the
      model has no "–", it reads "-"); paragraph text similarity min 0.974, median 0.995.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.parse.protocol import parse_protocol  # noqa: E402
from indexer.read import ocr, pdf  # noqa: E402
from indexer.read.pages import clean_pages  # noqa: E402
from indexer.read.pdf import read_pdf  # noqa: E402
from indexer.read.text import read_protocol_text  # noqa: E402
from tests.pdf_maker import make_image_pdf, make_pdf  # noqa: E402

PROTOCOL = ROOT / "corpus" / "Goteborg_Kommunstyrelsen_2025-03-12.txt"
SCANNED = ROOT / "corpus" / "Lomma_Socialnamnden_2026-05-05.txt"
LINES_PER_PAGE = 45
HEADER = "Göteborgs Stad   Kommunstyrelsen   Protokoll 2025-03-12"
FOOTER = "Sida {page} av {pages}\nJusterandes signatur   Utdragsbestyrkande"


def protocol_pages(count: int) -> list[list[str]]:
    """`count` pages of protocol text, the corpus protocol repeated as needed."""
    lines = read_protocol_text(PROTOCOL).split("\n")
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    return [pages[k % len(pages)] for k in range(count)]


def seconds(runs: int, call: Callable[[], object]) -> list[float]:
    """Wall times of `runs` calls of `call`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def row(label: str, pages: int, times: list[float]) -> str:
    median = statistics.median(times)
    return f"{label:<44} {pages:>5} {median:>9.3f} {pages / median:>10.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ocr-pages", type=int, default=3)
    parser.add_argument("--fidelity", action="store_true", help="also OCR a whole scanned protocol (~1 min)")
    args = parser.parse_args(argv)

    pages = protocol_pages(args.pages)
    data = make_pdf(pages, header=HEADER, footer=FOOTER)
    document = read_pdf(data, "bench.pdf")
    assert document.page_count == args.pages
    raw_pages = document.text.split("\f")
    print(f"{'what':<44} {'pages':>5} {'median s':>9} {'pages/s':>10}")
    print(row("read_pdf, text layer", args.pages, seconds(args.runs, lambda: read_pdf(data, "bench.pdf"))))
    print(row("  of which clean_pages", args.pages, seconds(args.runs, lambda: clean_pages(raw_pages))))

    if not ocr.ocr_available():
        print(f"OCR: tesseract with Swedish not found; {ocr.OCR_HINT}")
        return 0
    scan = make_image_pdf(pages[: args.ocr_pages])
    ocr_runs = max(1, args.runs // 5)

    def read_scan() -> object:
        return read_pdf(scan, "scan.pdf")

    print(
        row(f"read_pdf, OCR as shipped ({pdf.OCR_WORKERS} pages at once)", args.ocr_pages, seconds(ocr_runs, read_scan))
    )
    workers = pdf.OCR_WORKERS
    pdf.OCR_WORKERS = 1
    try:
        print(row("read_pdf, OCR one page at a time", args.ocr_pages, seconds(ocr_runs, read_scan)))
        os.environ["OMP_THREAD_LIMIT"] = str(os.cpu_count() or 1)
        print(row("  and tesseract's OpenMP threads on", args.ocr_pages, seconds(ocr_runs, read_scan)))
    finally:
        pdf.OCR_WORKERS = workers
        os.environ.pop("OMP_THREAD_LIMIT", None)
    if args.fidelity:
        fidelity()
    return 0


def fidelity() -> None:
    """Scan a whole corpus protocol (one image per original page) and compare its parse with the text's."""
    text = read_protocol_text(SCANNED)
    lines = text.split("\n")
    starts = [0] + [i - 1 for i, line in enumerate(lines) if re.fullmatch(r"Sida \d+ av \d+", line.strip()) and i > 2]
    pages = [lines[a:b] for a, b in zip(starts, [*starts[1:], len(lines)])]
    started = time.perf_counter()
    document = read_pdf(make_image_pdf(pages), "scan.pdf")
    elapsed = time.perf_counter() - started
    expected, got = parse_protocol(text, SCANNED.name), parse_protocol(document.text, SCANNED.name)

    def norm(value: str | None) -> str:
        return " ".join((value or "").split())

    pairs = list(zip(expected.paragraphs, got.paragraphs))
    same_heads = sum((p.number, p.title, p.case_number) == (q.number, q.title, q.case_number) for p, q in pairs)
    same_decisions = sum(norm(p.decision) == norm(q.decision) for p, q in pairs)
    ratios = [difflib.SequenceMatcher(None, norm(p.text), norm(q.text), autojunk=False).ratio() for p, q in pairs]
    print(f"\nOCR fidelity, {SCANNED.name} scanned ({len(pages)} pages, {elapsed:.0f} s):")
    print(f"  header {(got.organisation, got.body, got.date) == (expected.organisation, expected.body, expected.date)}")
    print(f"  paragraphs {len(got.paragraphs)}/{len(expected.paragraphs)}, number+title+case equal {same_heads}")
    similarity = f"min {min(ratios):.3f} median {statistics.median(ratios):.3f}"
    print(f"  decisions equal {same_decisions}, text similarity {similarity}")


if __name__ == "__main__":
    raise SystemExit(main())
