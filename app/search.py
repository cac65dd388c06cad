"""Hybrid retrieval: dense (FAISS) and keyword (bm25s) rankings of paragraphs, fused and re-scored."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.cite import answer_pattern, best_quote, cite
from app.keyword import KeywordIndex, analyze_query, stem, words
from indexer.embed import Embedder
from indexer.errors import QueryError
from indexer.models import ChunkKind, Hit, Paragraph, Protocol
from indexer.store import StoredIndex

MAX_QUERY_CHARS = 2000
"""Longer questions are cut: the model reads 512 tokens at most, and BM25 gains nothing from more."""

# Weights of the three rankings after each is turned into z-scores over all paragraphs, chosen with
# bench/eval_retrieval.py on tests/eval/{dev,corpus,hard}.jsonl (125 questions). Sentence windows
# find details, whole paragraphs find topics, keywords only nudge: BM25 is noisy on paraphrased
# questions, and plain reciprocal rank fusion of dense and BM25 let that noise in (dev R@3 0.80;
# this: dev 0.90, hard 0.84, corpus 1.00). Neighbouring weights (0.5–1 paragraph, 0.1–0.2
# keyword) are within one question of these on every set.
W_PARAGRAPH = 1.0
W_WINDOW = 1.0
W_KEYWORD = 0.15

ParagraphKey = tuple[str, str]  # (file, paragraph number)


@dataclass(frozen=True, slots=True)
class Ranking:
    """Paragraph keys best first, with the score each got from one retriever."""

    keys: tuple[ParagraphKey, ...]
    scores: tuple[float, ...]


def clean_query(query: str) -> str:
    """The question as searched: whitespace collapsed, at most MAX_QUERY_CHARS; empty is an error."""
    text = " ".join(query.split())
    if not text:
        raise QueryError("Skriv en fråga: the question is empty.")
    return text[:MAX_QUERY_CHARS]


def best_per_paragraph(chunk_scores: NDArray[np.float32], chunk_keys: Sequence[ParagraphKey]) -> Ranking:
    """Collapse chunk scores to paragraphs (a paragraph scores as its best chunk), best first."""
    best: dict[ParagraphKey, float] = {}
    for key, score in zip(chunk_keys, chunk_scores.tolist()):
        if score > best.get(key, -np.inf):
            best[key] = score
    ordered = sorted(best.items(), key=lambda kv: -kv[1])
    return Ranking(tuple(k for k, _ in ordered), tuple(s for _, s in ordered))


def dense_scores(index: StoredIndex, query_vector: NDArray[np.float32]) -> NDArray[np.float32]:
    """Cosine similarity of the question to every chunk (vectors are normalised)."""
    n = index.vectors.ntotal
    scores = np.full(n, -1.0, dtype=np.float32)
    if n == 0:
        return scores
    found, ids = index.vectors.search(query_vector.reshape(1, -1).astype(np.float32), n)
    valid = ids[0] >= 0
    scores[ids[0][valid]] = found[0][valid]
    return scores


def zscores(ranking: Ranking) -> dict[ParagraphKey, float]:
    """A ranking's scores standardised (mean 0, sd 1), so rankers on other scales can be added."""
    values = np.asarray(ranking.scores, dtype=np.float64)
    if values.size == 0:
        return {}
    spread = float(values.std())
    if spread == 0.0:
        return dict.fromkeys(ranking.keys, 0.0)
    mean = float(values.mean())
    return {key: (score - mean) / spread for key, score in zip(ranking.keys, ranking.scores)}


def fuse(rankings: Sequence[Ranking], weights: Sequence[float]) -> dict[ParagraphKey, float]:
    """Weighted sum of z-scores; a paragraph missing from a ranking gets that ranking's minimum."""
    fused: dict[ParagraphKey, float] = {}
    standardised = [zscores(r) for r in rankings]
    keys = {key for z in standardised for key in z}
    for z, weight in zip(standardised, weights):
        floor = min(z.values(), default=0.0)
        for key in keys:
            fused[key] = fused.get(key, 0.0) + weight * z.get(key, floor)
    return fused


class Searcher:
    """Searches one loaded index with one embedder; build once, ask many questions."""

    def __init__(self, index: StoredIndex, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder
        self._chunk_keys: list[ParagraphKey] = [(c.file, c.paragraph) for c in index.chunks]
        is_window = np.array([c.kind is ChunkKind.WINDOW for c in index.chunks], dtype=bool)
        self._views: dict[ChunkKind, tuple[NDArray[np.bool_], list[ParagraphKey]]] = {
            kind: (mask, [key for key, keep in zip(self._chunk_keys, mask.tolist()) if keep])
            for kind, mask in ((ChunkKind.PARAGRAPH, ~is_window), (ChunkKind.WINDOW, is_window))
        }
        # Keywords are counted over the paragraph chunks only: windows would count text twice.
        paragraph_chunks = [c for c in index.chunks if c.kind is ChunkKind.PARAGRAPH]
        self.keyword = KeywordIndex([c.embed_text for c in paragraph_chunks])
        self.keyword_keys: list[ParagraphKey] = [(c.file, c.paragraph) for c in paragraph_chunks]
        self._windows: dict[ParagraphKey, list[int]] = {}
        for i, chunk in enumerate(index.chunks):
            if chunk.kind is ChunkKind.WINDOW:
                self._windows.setdefault((chunk.file, chunk.paragraph), []).append(i)
        self._paragraphs: dict[ParagraphKey, tuple[Protocol, Paragraph]] = {
            (p.source, para.number): (p, para) for p in index.protocols.values() for para in p.paragraphs
        }

    def rank(self, query: str) -> list[tuple[ParagraphKey, float]]:
        """All paragraphs with a fused score, best first."""
        return self._rank(clean_query(query))[0]

    def _rank(self, text: str) -> tuple[list[tuple[ParagraphKey, float]], NDArray[np.float32]]:
        if not self._chunk_keys:
            return [], np.zeros(0, dtype=np.float32)
        similarity = dense_scores(self.index, self.embedder.embed_query(text))
        rankings = [
            self._per_paragraph(similarity, ChunkKind.PARAGRAPH),
            self._per_paragraph(similarity, ChunkKind.WINDOW),
            best_per_paragraph(self.keyword.scores(text), self.keyword_keys),
        ]
        weights = [W_PARAGRAPH, W_WINDOW, W_KEYWORD]
        present = [(r, w) for r, w in zip(rankings, weights) if r.keys]  # an index may lack windows
        fused = fuse([r for r, _ in present], [w for _, w in present])
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0])), similarity

    def _per_paragraph(self, chunk_scores: NDArray[np.float32], kind: ChunkKind) -> Ranking:
        mask, keys = self._views[kind]
        return best_per_paragraph(chunk_scores[mask], keys)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """The k best paragraphs for the question, as cited hits with a quote."""
        text = clean_query(query)
        ranked, similarity = self._rank(text)
        terms = analyze_query(text)
        answer = answer_pattern(text)
        return [
            self._hit(rank, key, score, terms, self._best_window(key, similarity), answer)
            for rank, (key, score) in enumerate(ranked[: max(0, k)], start=1)
        ]

    def _best_window(self, key: ParagraphKey, similarity: NDArray[np.float32]) -> tuple[int, int] | None:
        """The span of the paragraph's sentence window closest to the question, if it has windows."""
        rows = self._windows.get(key)
        if not rows:
            return None
        best = max(rows, key=lambda i: float(similarity[i]))
        chunk = self.index.chunks[best]
        return chunk.start, chunk.end

    def _hit(
        self,
        rank: int,
        key: ParagraphKey,
        score: float,
        terms: list[str],
        focus: tuple[int, int] | None,
        answer: re.Pattern[str] | None,
    ) -> Hit:
        protocol, paragraph = self._paragraphs[key]
        heading_end = paragraph.text.find("\n")
        quote = best_quote(
            paragraph.text,
            terms,
            lambda ws: stem(words(" ".join(ws))),
            self.keyword.idf,
            skip=heading_end if heading_end > 0 else 0,
            focus=focus,
            answer=answer,
        )
        return Hit(
            rank=rank,
            score=round(float(score), 6),
            file=protocol.source,
            paragraph=paragraph.number,
            title=paragraph.title,
            case_number=paragraph.case_number,
            organisation=protocol.organisation,
            body=protocol.body,
            date=protocol.date,
            citation=cite(protocol, paragraph),
            text=paragraph.text,
            quote=quote,
        )
