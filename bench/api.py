"""Warm round trips through the web API: `/search` and `/ask` via gradio_client over the dev questions,
beside plain HTTP POSTs of the same endpoints and the same calls in process (target: API p50 ≤ 150 ms).
gradio_client speaks Gradio's SSE protocol, whose reader polls every 50 ms: that, not the server, is
most of its round trip.

Run by hand: `.venv/bin/python bench/api.py [--index DIR] [--rounds 3]`. Serves the index on a free loopback
port in this process (the app as `protokoll serve` builds it), prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from app.api import Api
from app.cli import open_searcher
from app.config import Settings
from app.evaluate import load_questions
from app.ui import serve

ROOT = Path(__file__).resolve().parent.parent
NO_FILTERS = (None, None, None, False, None)
"""body, date_from, date_to, decisions_only, organisation: a plain POST passes every parameter."""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(call: Callable[[str], object], questions: list[str], rounds: int) -> list[float]:
    """Milliseconds per call, after one warm-up call."""
    call(questions[0])
    times = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            call(question)
            times.append((time.perf_counter() - started) * 1000)
    return times


def post(url: str, *data: object) -> object:
    """One plain HTTP call of a named endpoint (`POST /gradio_api/run/NAME {"data": [...]}`), no client."""
    request = urllib.request.Request(
        url, data=json.dumps({"data": list(data)}).encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["data"][0]


def main() -> None:
    from gradio_client import Client

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", help="index folder (default: the configured one)")
    parser.add_argument("--rounds", type=int, default=3, help="times each dev question is asked")
    args = parser.parse_args()
    settings = Settings.from_env().with_overrides(args.index)
    searcher = open_searcher(settings)
    questions = [q.question for q in load_questions(ROOT / "tests" / "eval" / "dev.jsonl")]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    app = serve(searcher, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        base = f"http://127.0.0.1:{port}"
        client = Client(base + "/", verbose=False)
        local = Api(lambda: searcher)
        rows = {
            "/search via gradio_client": timed(
                lambda q: client.predict(q, 10, api_name="/search"), questions, args.rounds
            ),
            "/ask via gradio_client": timed(lambda q: client.predict(q, 5, api_name="/ask"), questions, args.rounds),
            "/search via HTTP POST": timed(
                lambda q: post(f"{base}/gradio_api/run/search", q, 10, *NO_FILTERS), questions, args.rounds
            ),
            "/ask via HTTP POST": timed(
                lambda q: post(f"{base}/gradio_api/run/ask", q, 5, *NO_FILTERS), questions, args.rounds
            ),
            "search in process": timed(lambda q: local.search(q, 10), questions, args.rounds),
            "ask in process": timed(lambda q: local.ask(q, 5), questions, args.rounds),
        }
    finally:
        app.close()
    print(f"{len(questions)} dev questions × {args.rounds} rounds, warm, index {settings.index_dir}")
    print(f"{'call':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, times in rows.items():
        print(f"{name:28} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
