"""Indexing throughput: a local build and a `--ray` build of the same corpus on the same machine, in one run.

Run by hand: `.venv/bin/python bench/ray_build.py [--corpus corpus] [--ray ADDRESS]`. Each build is a whole
`protokoll index` process into a fresh index folder, so every chunk is embedded (nothing reused). Prints
chunks/s for each (over the build as the summary line times it, and over the whole process: imports, Ray's
start, the model's load), the Ray build's share of the local rate (target ≥ 85 %), the per-node rate it implies
and the time for 10M chunks on N such nodes. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"Indexed \d+ files, [\d,]+ paragraphs, ([\d,]+) chunks \(([\d,]+) embedded.*? in ([\d.]+) s")
NODES = re.compile(r"Ray: (\d+) nodes?;.*?chunks embedded on (\d+) nodes?")
ARCHIVE = 10_000_000
"""A national archive, in chunks (docs/scale.md)."""


@dataclass(frozen=True)
class Run:
    name: str
    chunks: int
    embedded: int
    build_s: float
    wall_s: float
    nodes: int

    @property
    def rate(self) -> float:
        return self.embedded / self.build_s

    @property
    def wall_rate(self) -> float:
        return self.embedded / self.wall_s


def index(corpus: Path, index_dir: Path, name: str, extra: list[str]) -> Run:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "app", "index", str(corpus), "--index", str(index_dir), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    found = SUMMARY.search(result.stdout)
    if result.returncode != 0 or found is None:
        sys.exit(f"{name} build failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-3000:]}")
    nodes = NODES.search(result.stdout)
    chunks, embedded = (int(found.group(i).replace(",", "")) for i in (1, 2))
    return Run(name, chunks, embedded, float(found.group(3)), wall, int(nodes.group(1)) if nodes else 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--ray", metavar="ADDRESS", help="a Ray cluster to compare with (default: a local runtime)")
    parser.add_argument("--json", action="store_true", help="print the runs as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        local = index(Path(args.corpus), Path(tmp) / "local", "local", [])
        ray = index(Path(args.corpus), Path(tmp) / "ray", "ray", ["--ray", *([args.ray] if args.ray else [])])
    if args.json:
        print(json.dumps([asdict(r) | {"rate": r.rate, "wall_rate": r.wall_rate} for r in (local, ray)], indent=2))
        return 0
    print(f"{'build':<6} {'chunks':>7} {'build s':>8} {'chunks/s':>9} {'wall s':>7} {'chunks/s':>9} {'nodes':>5}")
    for r in (local, ray):
        print(
            f"{r.name:<6} {r.embedded:>7,} {r.build_s:>8.1f} {r.rate:>9.1f} {r.wall_s:>7.1f} {r.wall_rate:>9.1f} "
            f"{r.nodes:>5}"
        )
    share, wall_share = ray.rate / local.rate, ray.wall_rate / local.wall_rate
    per_node = ray.rate / ray.nodes
    print(f"\nRay / local: {share:.0%} of the build rate, {wall_share:.0%} of the whole-process rate (target ≥ 85 %)")
    print(f"Per node: {per_node:.1f} chunks/s; {ARCHIVE:,} chunks on N such nodes:")
    for n in (1, 10, 20, 50):
        print(f"  N = {n:>2}: {ARCHIVE / (per_node * n) / 3600:6.1f} h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
