"""Benchmark on the bundled corpus: encode vs index throughput, query latency, peak memory.

Run by hand: `.venv/bin/python bench/bench.py [--corpus corpus]`. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from app.evaluate import load_questions
from app.search import Searcher
from indexer.build import build_index, parse_corpus
from indexer.chunk import chunk_protocol
from indexer.embed import SentenceTransformerEmbedder
from indexer.store import load_index

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder(args.model) if args.model else SentenceTransformerEmbedder()

    started = time.perf_counter()
    _ = embedder.dimension  # load (and on first use convert) the model
    load_seconds = time.perf_counter() - started

    protocols, _, _ = parse_corpus(Path(args.corpus))
    texts = [c.embed_text for p in protocols for c in chunk_protocol(p)]
    embedder.embed_documents(texts[:8])  # warm-up
    started = time.perf_counter()
    embedder.embed_documents(texts)
    raw_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        report = build_index(Path(args.corpus), Path(tmp) / "index", embedder)
        searcher = Searcher(load_index(Path(tmp) / "index", embedder.name), embedder)
        questions = load_questions(ROOT / "tests" / "eval" / "dev.jsonl")
        searcher.search(questions[0].question)  # warm
        latencies = []
        for q in questions:
            t0 = time.perf_counter()
            searcher.search(q.question, k=10)
            latencies.append((time.perf_counter() - t0) * 1000)

    raw_rate = len(texts) / raw_seconds
    index_rate = report.chunks / report.seconds
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("model load (s)", f"{load_seconds:.1f}"),
        ("chunks", f"{len(texts)}"),
        ("raw encode (chunks/s)", f"{raw_rate:.1f}"),
        ("full index (chunks/s)", f"{index_rate:.1f}  ({report.seconds:.1f} s)"),
        ("index / raw", f"{index_rate / raw_rate:.2f}"),
        ("query p50 (ms)", f"{statistics.median(latencies):.0f}"),
        ("query p95 (ms)", f"{p95:.0f}"),
        ("peak RSS (MiB)", f"{peak_mib:.0f}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
