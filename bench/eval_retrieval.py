"""Retrieval quality on the question sets: Recall@1/3/5 of dense, keyword and the full search.

Run by hand: `.venv/bin/python bench/eval_retrieval.py [--index DIR]`. The index is built (or
updated) from corpus/ first. Prints a table; asserts nothing (tests assert the floor).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.evaluate import evaluate, load_questions, recall_at
from app.search import Searcher, best_per_paragraph, clean_query, dense_scores
from indexer.build import build_index
from indexer.embed import SentenceTransformerEmbedder, cache_dir
from indexer.store import load_index

ROOT = Path(__file__).resolve().parent.parent
SETS = {name: ROOT / f"tests/eval/{name}.jsonl" for name in ("dev", "corpus", "hard")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default=str(cache_dir() / "bench-index"))
    parser.add_argument("--verbose", action="store_true", help="print the misses")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    build_index(ROOT / "corpus", Path(args.index), embedder)
    searcher = Searcher(load_index(Path(args.index), embedder.name), embedder)
    keys = [(c.file, c.paragraph) for c in searcher.index.chunks]

    def dense(q: str) -> list[tuple[str, str]]:
        vector = embedder.embed_query(clean_query(q))
        return list(best_per_paragraph(dense_scores(searcher.index, vector), keys).keys)

    def keyword(q: str) -> list[tuple[str, str]]:
        return list(best_per_paragraph(searcher.keyword.scores(clean_query(q)), searcher.keyword_keys).keys)

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
            if args.verbose and name == "search":
                for q, r in zip(questions, ranks):
                    if r is None or r > 3:
                        print(f"    miss {q.id} (rank {r}): {q.question}")


if __name__ == "__main__":
    main()
