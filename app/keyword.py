"""Keyword retrieval: bm25s over Swedish-stemmed words, with question words left out."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

_WORD = re.compile(r"\w+", re.UNICODE)

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
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 or w.isdigit()]


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


class KeywordIndex:
    """BM25 (bm25s) over a fixed list of texts; scores for every text at once."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        tokenized = [analyze(t) or ["\u2205"] for t in texts]  # bm25s needs a token per document
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokenized, show_progress=False)
        self._size = len(texts)
        frequency = Counter(t for doc in tokenized for t in set(doc))
        self.idf = {t: math.log(1 + (self._size - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}

    def scores(self, query: str) -> NDArray[np.float32]:
        """BM25 score of every text for the query (zeros when no query word is known)."""
        terms = [t for t in analyze_query(query) if t in self.idf]
        if not terms:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
