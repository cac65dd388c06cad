"""Load on the running app (#15): concurrent clients on loopback through the API, then a soak.

Run by hand: `.venv/bin/python bench/load.py [--index DIR] [--clients 32] [--each 20] [--soak 2000]`.
Starts `protokoll serve` in its own process, asks every question once alone (the reference answers), then
lets `--clients` threads ask `--each` questions each at once through `POST /gradio_api/run/ask` and
`/search`, and checks every answer is identical to the reference. Reports p50/p95/max latency, errors
and the server's peak RSS; then asks `--soak` questions in a row and reports the RSS growth. Asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from api import NO_FILTERS, percentile, post  # bench/api.py, next to this script

from app.config import Settings
from app.evaluate import load_questions

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 180


def call(base: str, endpoint: str, question: str) -> object:
    """One API call (`POST /gradio_api/run/ENDPOINT`), the first output of its answer."""
    k = 10 if endpoint == "search" else 5
    return post(f"{base}/gradio_api/run/{endpoint}", question, k, *NO_FILTERS)


def rss_kb(pid: int, field: str) -> int:
    """`VmRSS` (now) or `VmHWM` (peak) of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def start_server(index: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--index", str(index), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    while time.perf_counter() - started < START_TIMEOUT_S:
        try:
            call(base, "search", "budget")
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", help="index folder (default: the configured one)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--each", type=int, default=20, help="questions per client")
    parser.add_argument("--soak", type=int, default=2000, help="questions in a row after the load")
    args = parser.parse_args()
    index = Settings.from_env().with_overrides(args.index).index_dir
    questions = [
        q.question for name in ("dev", "answers") for q in load_questions(ROOT / "tests" / "eval" / f"{name}.jsonl")
    ]
    server, base = start_server(index)
    try:
        asked = [(("ask", "search")[i % 2], questions[i % len(questions)]) for i in range(args.clients * args.each)]
        reference = {(e, q): call(base, e, q) for e, q in set(asked)}
        latencies: list[float] = []
        mismatches: list[str] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(c: int) -> None:
            for endpoint, question in asked[c * args.each : (c + 1) * args.each]:
                started = time.perf_counter()
                try:
                    answer = call(base, endpoint, question)
                except Exception as error:  # every failure is a finding of this benchmark
                    with lock:
                        errors.append(f"{endpoint} {question[:40]}: {error}")
                    continue
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    if answer != reference[(endpoint, question)]:
                        mismatches.append(f"{endpoint} {question[:60]}")

        threads = [threading.Thread(target=client, args=(c,)) for c in range(args.clients)]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        peak_mb = rss_kb(server.pid, "VmHWM") / 1024
        print(f"{args.clients} clients × {args.each} questions ({len(asked)} calls, ask and search) in {wall:.1f} s")
        print(
            f"latency p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
            f"max {max(latencies):.0f} ms; errors {len(errors)}; answers differing from the single-client "
            f"answer {len(mismatches)}; server peak RSS {peak_mb:.0f} MB"
        )
        for line in (errors + mismatches)[:5]:
            print("  ", line)

        if args.soak:
            for i in range(100):  # warm: caches and allocator settle
                call(base, "ask", questions[i % len(questions)])
            before = rss_kb(server.pid, "VmRSS")
            started = time.perf_counter()
            for i in range(args.soak):
                call(base, ("ask", "search")[i % 2], questions[i % len(questions)])
            after = rss_kb(server.pid, "VmRSS")
            print(
                f"soak: {args.soak} questions in a row in {time.perf_counter() - started:.0f} s; RSS "
                f"{before / 1024:.0f} → {after / 1024:.0f} MB ({(after - before) / before * 100:+.1f} %)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
