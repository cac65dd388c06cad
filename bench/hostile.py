"""Hostile protocol files at full size: time and peak memory of parsing each, one process per case.

Run by hand: `.venv/bin/python bench/hostile.py`. Prints a table; asserts nothing (tests/test_hostile_files.py
checks the same shapes at a size a test can afford).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "100 MB of one paragraph": "'Protokoll 2025-01-01\\n§ 1 Rubrik\\n\\n' + 'Text om skolan. ' * 6_500_000",
    "1,000,000 lines, no paragraph": "'\\n'.join(f'rad {i} utan paragraf' for i in range(1_000_000))",
    "one 1 MB line": "'Kommunstyrelsen ' + 'ord ' * 250_000",
    "a heading repeated 100,000 times": "'\\n'.join(f'§ {i % 50} Rubrik {i}\\n\\nText.' for i in range(100_000))",
    "9,999 paragraphs with decisions": (
        "'\\n'.join(f'§ {i} Rubrik\\n\\nBeslut\\n\\nAntecknas.' for i in range(1, 10_000))"
    ),
}

ONE = """
import json, resource, sys, time
from indexer.parse.protocol import parse_protocol
text = eval(sys.argv[1])
started = time.perf_counter()
protocol = parse_protocol(text, "big.txt")
print(json.dumps({"mb": len(text.encode()) / 1e6, "s": time.perf_counter() - started,
                  "paragraphs": len(protocol.paragraphs),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    print(f"{'case':36} {'MB':>7} {'parse s':>8} {'§':>6} {'peak MB':>8}")
    for name, expression in CASES.items():
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", ONE, expression], cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{name:36} failed after {time.perf_counter() - started:.1f} s: {out.stderr.strip()[-200:]}")
            continue
        r = json.loads(out.stdout)
        print(f"{name:36} {r['mb']:7.1f} {r['s']:8.2f} {r['paragraphs']:6d} {r['peak_mb']:8.0f}")


if __name__ == "__main__":
    main()
