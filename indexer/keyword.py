"""Keyword retrieval: bm25s over Swedish-stemmed words, built once at index time, scored over postings."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

WORD = re.compile(r"\w+", re.UNICODE)
"""A word of a protocol or a question: the one word pattern of keyword analysis and quotes."""

EMPTY_DOCUMENT = "\u2205"
"""bm25s needs a token per document; a chunk without words gets this one."""

QUESTION_WORDS = frozenset(
    (
        "vad vilka vilken vilket hur när var varför vem vems finns fanns gäller gällde sägs sades "
        "beslutades beslutade beslut beslutet protokoll protokollet mötet möte om kring angående"
    ).split()
)
"""Words of how people ask, not of what they ask about; every protocol has 'beslut' and 'möte'."""


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_SWEDISH

    return frozenset(STOPWORDS_SWEDISH)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("swedish")


def words(text: str) -> list[str]:
    """Lower-cased word tokens of two or more characters (digits kept: years, amounts)."""
    return [w for w in WORD.findall(text.lower()) if len(w) > 1 or w.isdigit()]


def stem(tokens: list[str]) -> list[str]:
    """Swedish Snowball stems of tokens, stopwords dropped."""
    stop = _stopwords()
    result: list[str] = _stemmer().stemWords([t for t in tokens if t not in stop])
    return result


def analyze(text: str) -> list[str]:
    """Document analysis: words → stems."""
    return stem(words(text))


def analyze_query(text: str) -> list[str]:
    """Query analysis: like documents, without the question words."""
    return stem([w for w in words(text) if w not in QUESTION_WORDS])


def build_keyword_index(texts: Sequence[str], folder: Path) -> None:
    """Index texts with bm25s (Lucene BM25, k1 1.5, b 0.75) and save it into `folder`."""
    import bm25s

    tokenized = [analyze(t) or [EMPTY_DOCUMENT] for t in texts]
    bm25 = bm25s.BM25()
    bm25.index(tokenized, show_progress=False)
    bm25.save(str(folder), show_progress=False)


class KeywordIndex:
    """A saved bm25s index, memory-mapped: term postings in CSC form, scored only where terms occur.

    bm25s's own `get_scores` fills an array of every document and adds postings one by one
    (`np.add.at`); a question touches only the documents holding its terms, so those are summed
    with one `np.unique` + `np.bincount` and the rest of the corpus is never looked at.
    """

    def __init__(self, folder: Path) -> None:
        import bm25s

        bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        self.vocab: dict[str, int] = bm25.vocab_dict
        self._data: NDArray[np.float32] = bm25.scores["data"]
        self._indices: NDArray[np.int64] = bm25.scores["indices"]
        self._indptr: NDArray[np.int64] = bm25.scores["indptr"]
        self.size = int(bm25.scores["num_docs"])

    def idf(self, term: str, default: float = 1.0) -> float:
        """Inverse document frequency of a stem, as BM25 weighs it; `default` for unknown stems."""
        token = self.vocab.get(term)
        if token is None:
            return default
        df = int(self._indptr[token + 1] - self._indptr[token])
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def term_ids(self, terms: Sequence[str]) -> NDArray[np.int64]:
        """Vocabulary ids of the known terms, repeated terms counted as often as they are asked."""
        return np.asarray([self.vocab[t] for t in terms if t in self.vocab], dtype=np.int64)

    def scores(self, terms: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Documents that hold at least one of the terms, and their BM25 scores (others score 0)."""
        ids = self.term_ids(terms)
        if ids.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        starts, ends = self._indptr[ids], self._indptr[ids + 1]
        docs = np.concatenate([self._indices[s:e] for s, e in zip(starts.tolist(), ends.tolist())])
        weights = np.concatenate([self._data[s:e] for s, e in zip(starts.tolist(), ends.tolist())])
        unique, inverse = np.unique(docs, return_inverse=True)
        summed = np.bincount(inverse, weights=weights, minlength=unique.size).astype(np.float32)
        return unique.astype(np.int64), summed
