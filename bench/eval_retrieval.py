"""Retrieval and answers on the question sets, as an ablation in one run: keyword, dense, hybrid,
+ identifiers and meeting words, + each keyword word-form option, and `ask` (headers, confidence),
with `ask` latency.

Run by hand: `.venv/bin/python bench/eval_retrieval.py [--index DIR] [--verbose]`. The real-model index is
built (or updated) from corpus/ first. Measures as `protokoll eval` (app/evaluate.py): capped Recall@k and
MRR@10, answerable questions only; `ask` adds the share of unanswerable questions marked not confident
and of answerable ones marked so. Asserts nothing (tests assert floors).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from wordforms import (  # bench/wordforms.py, next to this script
    MIN_PART,
    MYTHES,
    PART_WEIGHT,
    SYNONYM_WEIGHT,
    CachedQueries,
    compound_more,
    document_analyzer,
    no_more,
    question_analyzer,
)

from app.answer import Answerer
from app.evaluate import DEPTH, Outcome, Question, Row, load_questions, report
from app.search import W_KEYWORD, W_PARAGRAPH, W_WINDOW, Searcher
from indexer.build import build_index
from indexer.index.keyword import KeywordIndex, build_keyword_index, words
from indexer.index.store import StoredIndex, load_index, read_chunks
from indexer.index.wordforms import Thesaurus, stem_word
from indexer.model.embed import SentenceTransformerEmbedder, cache_dir, query_embedder

ROOT = Path(__file__).resolve().parent.parent
SETS = (
    "dev",
    "corpus",
    "hard",
    "answers",
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
    "heldout14",
    "heldout15",
    "votes",
)
Key = tuple[str, str]
Ranker = Callable[[str], tuple[Sequence[Key], bool]]


def rows_of(ranker: Ranker, questions: Sequence[Question]) -> list[Row]:
    outcomes = []
    for q in questions:
        ranked, confident = ranker(q.question)
        outcomes.append(Outcome(q, tuple(ranked[:DEPTH]), confident))
    return report(outcomes)


def cells(row: Row) -> str:
    return "".join(f"{row.recall[k]:>7.3f}" for k in (1, 3, 5, 10)) + f"{row.mrr:>8.3f}"


def keyword_variant(index: StoredIndex, texts: list[str], analyzer: object, folder: Path) -> StoredIndex:
    build_keyword_index(texts, folder, analyzer)  # type: ignore[arg-type]
    return replace(index, keyword=KeywordIndex(folder))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default=str(cache_dir() / "bench-index"))
    parser.add_argument("--verbose", action="store_true", help="print the questions `ask` gets wrong")
    args = parser.parse_args()
    model = SentenceTransformerEmbedder()
    build_index(ROOT / "corpus", Path(args.index), model)
    index = load_index(Path(args.index), model.name)
    embedder = CachedQueries(query_embedder(model.name))  # every ranker asks the same questions
    searcher = Searcher(index, embedder)
    answerer = Answerer(searcher)
    sets = {name: load_questions(ROOT / f"tests/eval/{name}.jsonl") for name in SETS}

    chunks = read_chunks(Path(args.index))
    texts = [chunks[i].embed_text for i in index.tables.keyword_chunk.tolist()]
    vocabulary = frozenset(stem_word(w) for w in Counter(w for t in texts for w in words(t))) - {""}
    more = compound_more(vocabulary, MIN_PART)
    work = Path(tempfile.mkdtemp(prefix="eval-retrieval-"))
    split = Searcher(
        keyword_variant(index, texts, document_analyzer(more, PART_WEIGHT), work / "split"),
        embedder,
        question_analyzer(more, PART_WEIGHT),
    )
    rankers: dict[str, Ranker] = {
        "keyword": lambda q: (searcher.rank_views(q, (0.0, 0.0, W_KEYWORD)), True),
        "dense": lambda q: (searcher.rank_views(q, (W_PARAGRAPH, W_WINDOW, 0.0)), True),
        "hybrid": lambda q: ([key for key, _ in searcher.rank(q, use_facts=False)], True),
        "+ identifiers, meeting": lambda q: ([key for key, _ in searcher.rank(q)], True),
        "+ compound parts": lambda q: ([key for key, _ in split.rank(q)], True),
    }
    if MYTHES.exists():
        synonyms = Thesaurus.load(MYTHES).by_stem(stem_word)
        with_synonyms = Searcher(index, embedder, question_analyzer(no_more, 0.0, synonyms, SYNONYM_WEIGHT))
        rankers["+ synonyms (mythes-sv)"] = lambda q: ([key for key, _ in with_synonyms.rank(q)], True)
    latencies: list[float] = []

    def ask(q: str) -> tuple[list[Key], bool]:
        started = time.perf_counter()
        answer = answerer.answer(q, k=DEPTH)
        latencies.append(time.perf_counter() - started)
        return [(h.file, h.paragraph) for h in answer.citations], answer.confident

    rankers["ask (production)"] = ask

    print(f"{'set':<10}{'ranker':<26}{'n':>4}{'R@1':>7}{'R@3':>7}{'R@5':>7}{'R@10':>7}{'MRR@10':>8}  not confident")
    final: dict[str, list[Row]] = {}
    for set_name, questions in sets.items():
        for name, ranker in rankers.items():
            rows = rows_of(ranker, questions)
            overall = next(r for r in rows if r.kind == "all answerable")
            flags = ""
            if name.startswith("ask"):
                final[set_name] = rows
                unanswerable = next((r for r in rows if r.kind == "unanswerable"), None)
                flags = f"  answerable {overall.not_confident:.3f}" + (
                    f", unanswerable {unanswerable.not_confident:.3f} (n={unanswerable.n})" if unanswerable else ""
                )
            print(f"{set_name:<10}{name:<26}{overall.n:>4}{cells(overall)}{flags}", flush=True)
    print("\nask per kind (answers.jsonl)")
    for row in final["answers"]:
        flag = f"{row.not_confident:>8.3f}"
        print(f"  {row.kind:<16}{row.n:>4}" + ("" if row.kind == "unanswerable" else cells(row)) + f"  {flag}")
    warm = sorted(latencies)
    print(
        f"\nask latency over {len(warm)} questions (warm, embedding included): "
        f"p50 {1000 * statistics.median(warm):.0f} ms, p95 {1000 * warm[int(0.95 * (len(warm) - 1))]:.0f} ms"
    )
    if args.verbose:
        for set_name, questions in sets.items():
            for q in questions:
                ranked, confident = ask(q.question)
                first = next((i for i, key in enumerate(ranked, 1) if key in q.gold), None)
                if (q.gold and first != 1) or (not q.gold and confident):
                    print(f"  {set_name} {q.id} rank {first} confident {confident}: {q.question}")


if __name__ == "__main__":
    main()
