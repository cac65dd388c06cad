"""From upload to searchable: a 50-page PDF added to a copy of the real index, timed by stage.

Run by hand: `.venv/bin/python bench/ingest.py [--pages 50] [--scanned] [--index ~/.cache/protokollsok/index]`.
`--scanned` makes every page an image without text, so the add OCRs it (tesseract).
Builds a 50-page text PDF of a new meeting (Göteborg KF 2025-06-12 moved to 2027-06-10, so no vector
of the index can be reused: every chunk is embedded, as for a protocol nobody has indexed), copies the
index and its library into a temporary folder, and times `add_files` (read, parse, embed, write) with
the real model, then the first answer that cites the new protocol. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.search import Searcher  # noqa: E402
from indexer.index.store import load_index  # noqa: E402
from indexer.library import Incoming, add_files, library_of  # noqa: E402
from indexer.model.embed import SentenceTransformerEmbedder, cache_dir, query_embedder  # noqa: E402
from indexer.read.pdf import read_pdf  # noqa: E402
from indexer.read.text import read_protocol_text  # noqa: E402
from tests.pdf_maker import make_pdf  # noqa: E402

SOURCE = ROOT / "corpus" / "Goteborg_Kommunfullmaktige_2025-06-12.txt"
NAME = "Goteborg_Kommunfullmaktige_2027-06-10.pdf"
LINES_PER_PAGE = 45
HEADER = "Göteborgs Stad   Kommunfullmäktige   Protokoll 2027-06-10"
FOOTER = "Sida {page} av {pages}\nJusterandes signatur   Utdragsbestyrkande"
QUESTION = "Vad beslutade kommunfullmäktige den 10 juni 2027?"


def new_meeting_pdf(pages: int, scanned: bool = False) -> bytes:
    text = read_protocol_text(SOURCE).replace("2025-06-12", "2027-06-10").replace("12 juni 2025", "10 juni 2027")
    lines = text.split("\n")[: pages * LINES_PER_PAGE]
    chunked = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    return make_pdf(chunked, HEADER, FOOTER, image_pages=range(1, len(chunked) + 1) if scanned else ())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--scanned", action="store_true", help="image pages only: the add OCRs them")
    parser.add_argument("--index", default=str(cache_dir() / "index"))
    args = parser.parse_args()
    index = Path(args.index)
    library = library_of(index)
    if library is None:
        sys.exit(f"{index}: no index with a library folder; run protokoll index first")

    data = new_meeting_pdf(args.pages, args.scanned)
    started = time.perf_counter()
    document = read_pdf(data, NAME)
    read_s = time.perf_counter() - started
    print(
        f"PDF{' (scanned)' if args.scanned else ''}: {args.pages} pages, {len(data) / 1e6:.1f} MB; "
        f"{'OCR' if args.scanned else 'text extraction'} {read_s:.2f} s ({args.pages / read_s:.1f} pages/s), "
        f"{document.page_count} pages read"
    )

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        version = Path(os.path.realpath(index))
        shutil.copytree(version, work / version.name)
        os.symlink(version.name, work / "idx")
        shutil.copytree(library, work / "library")
        upload = work / "upload" / NAME
        upload.parent.mkdir()
        upload.write_bytes(data)

        embedder = SentenceTransformerEmbedder(load_index(work / "idx").model)
        t0 = time.perf_counter()
        embedder.embed_documents(["passage: uppvärmning"])  # the model's load is not the upload's cost
        load_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        report = add_files([Incoming(upload, NAME)], work / "library", work / "idx", embedder)
        add_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        searcher = Searcher(load_index(work / "idx"), query_embedder(embedder.name))
        hits = searcher.search(QUESTION, k=3)
        answer_s = time.perf_counter() - t1
        build = report.build
        assert build is not None
        print(f"model load (once per server): {load_s:.1f} s")
        print(
            f"add_files: {add_s:.1f} s — {report.added[0].paragraphs} new paragraphs, {build.embedded} chunks embedded "
            f"({build.embedded / add_s:.1f} chunks/s over the whole add)"
        )
        print(f"index reload + first question: {answer_s:.2f} s; top hit {hits[0].file} {hits[0].citation}")
        print(f"upload to searchable: {add_s + answer_s:.1f} s")


if __name__ == "__main__":
    main()
