"""Do compound parts, thesaurus synonyms or lemmas on the keyword (BM25) side improve retrieval?

Run by hand: `PYTHONPATH=. .venv/bin/python bench/wordforms.py [--index DIR] [--grid]`. Builds (or
updates) the real-model index once, then per variant rebuilds only the keyword index into a
temporary folder and swaps it into the loaded index. Prints one table: variant × ranker (keyword
only, hybrid) × question set (and `all`, the sets pooled), with Recall@1/3/5/10 and MRR@10. `--grid`
prints the parameter grid on dev+hard only, where the constants below were chosen (the other sets
are only reported, never tuned on). answers.jsonl counts its answerable questions (kinds other than
meeting and unanswerable, with a gold); a question is found at k when any gold is in the top k.
Thesaurus and Hunspell rows need Debian's mythes-sv and hunspell-sv; lemmas need `simplemma`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from app.evaluate import Question, evaluate, load_questions, recall_at
from app.search import W_KEYWORD, Searcher
from indexer.build import build_index
from indexer.index.keyword import QUESTION_WORDS, KeywordIndex, build_keyword_index, stem, words
from indexer.index.store import StoredIndex, load_index, read_chunks
from indexer.index.wordforms import (
    Thesaurus,
    WeightedTerms,
    dictionary_words,
    split_compound,
    stem_word,
    weighted_terms,
)
from indexer.model.embed import Embedder, SentenceTransformerEmbedder, cache_dir, query_embedder

ROOT = Path(__file__).resolve().parent.parent
SETS = ("dev", "corpus", "hard", "answers")
TUNING_SETS = ("dev", "hard")
SKIPPED_KINDS = frozenset({"meeting", "unanswerable"})
HUNSPELL = Path("/usr/share/hunspell/sv_SE.dic")
MYTHES = Path("/usr/share/mythes/th_sv_SE_v2.dat")

# Chosen with --grid on dev+hard (65 questions), by keyword-only MRR@10 (hybrid moved by at most one
# question anywhere in the grid): min part 3–4 with part weight 0.5 is a plateau (0.635–0.641, baseline
# 0.574); weight 1.0 is as good with the corpus vocabulary and worse with Hunspell's (0.541 at m3), min
# part 5 loses most of the gain. Synonyms: 0.2 (0.596) over 0.1 (0.590) and 0.4 (0.561).
MIN_PART = 4
PART_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.2

Analyzer = Callable[[str], Mapping[str, float]]
More = Callable[[str], Iterable[str]]


class CachedQueries:
    """The question embedder with a memo: every variant asks the same questions."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self._memo = inner, inner.name, dict[str, NDArray[np.float32]]()

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_documents(self, texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]:
        return self.inner.embed_documents(texts, batch_size)

    def embed_query(self, text: str) -> NDArray[np.float32]:
        if text not in self._memo:
            self._memo[text] = self.inner.embed_query(text)
        return self._memo[text]


def load_set(name: str) -> list[Question]:
    path = ROOT / f"tests/eval/{name}.jsonl"
    if name != "answers":
        return load_questions(path)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row and row["kind"] not in SKIPPED_KINDS and row["gold"]:
            gold = frozenset((g["file"], str(g["paragraph"])) for g in row["gold"])
            out.append(Question(row["id"], row["question"], gold))
    return out


def mrr(ranks: Sequence[int | None]) -> float:
    return sum(1 / r for r in ranks if r is not None) / max(1, len(ranks))


@dataclass(frozen=True)
class Variant:
    """A keyword analysis: documents (None: the production index) and questions (None: analyze_query)."""

    name: str
    document: Analyzer | None
    question: Analyzer | None


def compound_more(vocabulary: frozenset[str], min_part: int) -> More:
    @lru_cache(maxsize=1 << 16)
    def parts(word: str) -> tuple[str, ...]:
        return tuple(split_compound(word, vocabulary, min_part, stem_word))

    return parts


def no_more(word: str) -> tuple[str, ...]:
    return ()


def document_analyzer(more: More, weight: float) -> Analyzer:
    return lambda text: weighted_terms(words(text), more, weight)


def question_analyzer(
    more: More, weight: float, synonyms: Mapping[str, tuple[str, ...]] | None = None, synonym_weight: float = 0.0
) -> Analyzer:
    def analyze(text: str) -> WeightedTerms:
        tokens = [w for w in words(text) if w not in QUESTION_WORDS]
        terms = weighted_terms(tokens, more, weight)
        if synonyms:
            for token in tokens:
                for synonym in synonyms.get(stem_word(token), ()):
                    terms[synonym] = terms.get(synonym, 0.0) + synonym_weight
        return terms

    return analyze


def lemma_variant() -> Variant | None:
    try:
        simplemma = importlib.import_module("simplemma")  # optional, not a dependency
    except ImportError:
        return None

    @lru_cache(maxsize=1 << 16)
    def lemma(word: str) -> str:
        return "" if not stem([word]) else str(simplemma.lemmatize(word, lang="sv")).lower()

    def terms(tokens: Iterable[str]) -> WeightedTerms:
        return {k: float(v) for k, v in Counter(filter(None, map(lemma, tokens))).items()}

    return Variant(
        "lemmas (simplemma)",
        lambda text: terms(words(text)),
        lambda text: terms(w for w in words(text) if w not in QUESTION_WORDS),
    )


class Bench:
    def __init__(
        self, index: StoredIndex, embedder: Embedder, texts: list[str], sets: Iterable[str], work: Path
    ) -> None:
        self.index, self.embedder, self.texts, self.work = index, embedder, texts, work
        self.sets = {name: load_set(name) for name in sets}
        self._built: dict[int, KeywordIndex] = {}

    def keyword_index(self, analyzer: Analyzer | None) -> KeywordIndex:
        if analyzer is None:
            return self.index.keyword
        if id(analyzer) not in self._built:
            folder = self.work / str(len(self._built))
            build_keyword_index(self.texts, folder, analyzer)
            self._built[id(analyzer)] = KeywordIndex(folder)
        return self._built[id(analyzer)]

    def rows(self, variant: Variant) -> Iterable[tuple[str, str, int, list[float]]]:
        index = replace(self.index, keyword=self.keyword_index(variant.document))
        searcher = Searcher(index, self.embedder, variant.question)
        rankers = {
            "keyword": lambda q: searcher.rank_views(q, (0.0, 0.0, W_KEYWORD)),
            "hybrid": lambda q: [key for key, _ in searcher.rank(q)],
        }
        for ranker, rank in rankers.items():
            all_ranks: list[int | None] = []
            for set_name, questions in self.sets.items():
                ranks = evaluate(rank, questions)
                all_ranks += ranks
                yield ranker, set_name, len(ranks), [*(recall_at(ranks, k) for k in (1, 3, 5, 10)), mrr(ranks)]
            if len(self.sets) > 1:
                yield ranker, "all", len(all_ranks), [*(recall_at(all_ranks, k) for k in (1, 3, 5, 10)), mrr(all_ranks)]


def print_rows(bench: Bench, variants: Iterable[Variant]) -> None:
    print(f"{'variant':<37}{'ranker':<9}{'set':<9}{'n':>4}{'R@1':>7}{'R@3':>7}{'R@5':>7}{'R@10':>7}{'MRR':>7}")
    for variant in variants:
        for ranker, set_name, n, cells in bench.rows(variant):
            print(
                f"{variant.name:<37}{ranker:<9}{set_name:<9}{n:>4}" + "".join(f"{c:>7.3f}" for c in cells), flush=True
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default=str(cache_dir() / "bench-index"))
    parser.add_argument("--grid", action="store_true", help="the parameter grid on dev+hard only")
    args = parser.parse_args()
    model = SentenceTransformerEmbedder()
    build_index(ROOT / "corpus", Path(args.index), model)
    index = load_index(Path(args.index), model.name)
    chunks = read_chunks(Path(args.index))
    texts = [chunks[i].embed_text for i in index.tables.keyword_chunk.tolist()]
    embedder = CachedQueries(query_embedder(model.name))

    corpus_stems = frozenset(stem_word(w) for w in Counter(w for t in texts for w in words(t))) - {""}
    vocabularies = {"corpus": corpus_stems}
    if HUNSPELL.exists():
        hunspell = frozenset(stem_word(w) for w in dictionary_words(HUNSPELL)) - {""}
        vocabularies["corpus+hunspell"] = corpus_stems | hunspell
    synonyms = Thesaurus.load(MYTHES).by_stem(stem_word) if MYTHES.exists() else None

    with tempfile.TemporaryDirectory(prefix="wordforms-") as work:
        run(index, embedder, texts, vocabularies, synonyms, args.grid, Path(work))


def run(
    index: StoredIndex,
    embedder: Embedder,
    texts: list[str],
    vocabularies: Mapping[str, frozenset[str]],
    synonyms: Mapping[str, tuple[str, ...]] | None,
    grid_only: bool,
    work: Path,
) -> None:
    baseline = Variant("baseline", None, None)
    if grid_only:
        bench = Bench(index, embedder, texts, TUNING_SETS, work)
        grid = [baseline]
        for vocabulary_name, vocabulary in vocabularies.items():
            for min_part in (3, 4, 5):
                more = compound_more(vocabulary, min_part)
                for weight in (0.25, 0.5, 1.0):
                    grid.append(
                        Variant(
                            f"split {vocabulary_name} m{min_part} w{weight}",
                            document_analyzer(more, weight),
                            question_analyzer(more, weight),
                        )
                    )
        if synonyms:
            grid += [
                Variant(f"synonyms w{w}", None, question_analyzer(no_more, 0.0, synonyms, w)) for w in (0.1, 0.2, 0.4)
            ]
        print_rows(bench, grid)
        return

    bench = Bench(index, embedder, texts, SETS, work)
    variants = [baseline]
    for vocabulary_name, vocabulary in vocabularies.items():
        more = compound_more(vocabulary, MIN_PART)
        document, question = document_analyzer(more, PART_WEIGHT), question_analyzer(more, PART_WEIGHT)
        variants += [
            Variant(f"split index+query ({vocabulary_name})", document, question),
            Variant(f"split query only ({vocabulary_name})", None, question),
            Variant(f"split index only ({vocabulary_name})", document, None),
        ]
    if synonyms:
        variants.append(Variant("synonyms (query)", None, question_analyzer(no_more, 0.0, synonyms, SYNONYM_WEIGHT)))
        more = compound_more(vocabularies["corpus"], MIN_PART)
        variants.append(
            Variant(
                "split (corpus) + synonyms",
                document_analyzer(more, PART_WEIGHT),
                question_analyzer(more, PART_WEIGHT, synonyms, SYNONYM_WEIGHT),
            )
        )
    lemmas = lemma_variant()
    if lemmas:
        variants.append(lemmas)
    print_rows(bench, variants)


if __name__ == "__main__":
    main()
