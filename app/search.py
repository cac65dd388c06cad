"""Hybrid retrieval: dense (FAISS) and keyword (bm25s) rankings of paragraphs, fused and re-scored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.cite import best_quote, cite
from app.keyword import KeywordIndex, analyze_query, stem, words
from indexer.embed import Embedder
from indexer.errors import QueryError
from indexer.models import Hit, Paragraph, Protocol
from indexer.store import StoredIndex

MAX_QUERY_CHARS = 2000
"""Longer questions are cut: the model reads 512 tokens at most, and BM25 gains nothing from more."""

RRF_K = 60
"""Reciprocal-rank-fusion constant (the usual 60)."""

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


def rrf(rankings: Sequence[Ranking], weights: Sequence[float], k: int = RRF_K) -> dict[ParagraphKey, float]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    fused: dict[ParagraphKey, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, key in enumerate(ranking.keys, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


class Searcher:
    """Searches one loaded index with one embedder; build once, ask many questions."""

    def __init__(self, index: StoredIndex, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder
        self.keyword = KeywordIndex([c.embed_text for c in index.chunks])
        self._chunk_keys: list[ParagraphKey] = [(c.file, c.paragraph) for c in index.chunks]
        self._paragraphs: dict[ParagraphKey, tuple[Protocol, Paragraph]] = {
            (p.source, para.number): (p, para) for p in index.protocols.values() for para in p.paragraphs
        }

    def rank(self, query: str) -> list[tuple[ParagraphKey, float]]:
        """All paragraphs with a fused score, best first."""
        text = clean_query(query)
        if not self._chunk_keys:
            return []
        dense = best_per_paragraph(dense_scores(self.index, self.embedder.embed_query(text)), self._chunk_keys)
        keyword = best_per_paragraph(self.keyword.scores(text), self._chunk_keys)
        fused = rrf([dense, keyword], [1.0, 1.0])
        return sorted(fused.items(), key=lambda kv: -kv[1])

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """The k best paragraphs for the question, as cited hits with a quote."""
        ranked = self.rank(query)[: max(0, k)]
        terms = analyze_query(clean_query(query))
        return [self._hit(rank, key, score, terms) for rank, (key, score) in enumerate(ranked, start=1)]

    def _hit(self, rank: int, key: ParagraphKey, score: float, terms: list[str]) -> Hit:
        protocol, paragraph = self._paragraphs[key]
        heading_end = paragraph.text.find("\n")
        quote = best_quote(
            paragraph.text,
            terms,
            lambda ws: stem(words(" ".join(ws))),
            self.keyword.idf,
            skip=heading_end if heading_end > 0 else 0,
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
