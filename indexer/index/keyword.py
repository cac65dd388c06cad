"""Keyword retrieval: BM25 over Swedish-stemmed words, built once at index time, scored over postings."""

from __future__ import annotations

import bisect
import importlib.util
import json
import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

WORD = re.compile(r"\w+", re.UNICODE)
"""A word of a protocol or a question: the one word pattern of keyword analysis and quotes."""

EMPTY_DOCUMENT = "\u2205"
"""A chunk without words gets this one token, so every document has a length (as in bm25s)."""

QUESTION_WORDS = frozenset(
    (
        "vad vilka vilken vilket hur när var varför vem vems finns fanns gäller gällde sägs sades "
        "beslutades beslutade beslut beslutet protokoll protokollet mötet möte om kring angående"
    ).split()
)
"""Words of how people ask, not of what they ask about; every protocol has 'beslut' and 'möte'."""


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """bm25s's Swedish stopwords. Its `stopwords` module is plain data: it is run from its file, without
    importing the bm25s package, whose import brings scipy (0.3 s of a cold `protokoll search`'s 0.6 s)."""
    package = importlib.util.find_spec("bm25s")  # finds the package without running it
    if package is None or package.origin is None:
        raise ImportError("bm25s is not installed")
    spec = importlib.util.spec_from_file_location("bm25s_stopwords", Path(package.origin).parent / "stopwords.py")
    if spec is None or spec.loader is None:
        raise ImportError("bm25s has no stopwords module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOPWORDS_SWEDISH)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("swedish")


def words(text: str) -> list[str]:
    """Lower-cased word tokens of two or more characters (digits kept: years, amounts)."""
    return _keep(WORD.findall(text.lower()))


def _keep(tokens: list[str]) -> list[str]:
    return [w for w in tokens if len(w) > 1 or w.isdigit()]


def stem(tokens: list[str]) -> list[str]:
    """Swedish Snowball stems of tokens, stopwords dropped."""
    stop = stopwords()
    result: list[str] = _stemmer().stemWords([t for t in tokens if t not in stop])
    return result


def analyze(text: str) -> list[str]:
    """Document analysis: words → stems."""
    return stem(words(text))


def analyze_tokens(tokens: list[str]) -> list[str]:
    """Analysis of text already split into lower-cased `WORD` tokens (a quote's sentence)."""
    return stem(_keep(tokens))


def analyze_query(text: str) -> list[str]:
    """Query analysis: like documents, without the question words."""
    return stem([w for w in words(text) if w not in QUESTION_WORDS])


BM25_K1 = 1.5
BM25_B = 0.75
"""bm25s's defaults (Lucene BM25), with which the fusion weights were chosen."""

_FILES = {
    "data": "data.csc.index.npy",
    "indices": "indices.csc.index.npy",
    "indptr": "indptr.csc.index.npy",
    "vocab": "vocab.index.json",
    "params": "params.index.json",
}
"""bm25s's file names: a folder bm25s.BM25.load can read too."""


def build_keyword_index(
    texts: Iterable[str], folder: Path, analyzer: Callable[[str], Mapping[str, float]] | None = None
) -> None:
    """Score every (term, document) pair with Lucene BM25 and save the term × document CSC matrix.

    `analyzer` (for experiments, bench/wordforms.py) gives a text's terms with weighted frequencies,
    e.g. compound parts at a fraction of a word; a document's length is then the sum of its weights.
    Without it, a term's frequency is how often `analyze` yields it.

    The same scores and files as bm25s (`BM25(method="lucene").index(...).save(...)`, tested), built
    streaming: bm25s wants every document's token list in memory at once, about 5 GB of Python
    strings for a million chunks; here a document is counted and dropped, leaving int32 arrays.
    """
    vocab: dict[str, int] = {}
    terms, docs = array("i"), array("i")
    freqs, lengths = array("f"), array("f")
    for doc, text in enumerate(texts):
        counts = (Counter(analyze(text)) if analyzer is None else analyzer(text)) or {EMPTY_DOCUMENT: 1.0}
        lengths.append(float(sum(counts.values())))
        for token, tf in counts.items():
            terms.append(vocab.setdefault(token, len(vocab)))
            docs.append(doc)
            freqs.append(tf)
    term = np.frombuffer(terms, dtype=np.int32)
    doc_ids = np.frombuffer(docs, dtype=np.int32)
    tf_values = np.frombuffer(freqs, dtype=np.float32)
    doc_length = np.frombuffer(lengths, dtype=np.float32)
    n_docs = int(doc_length.size)
    df = np.bincount(term, minlength=len(vocab))
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    average = np.float32(doc_length.mean()) if n_docs else np.float32(1.0)
    norm = BM25_K1 * ((1 - BM25_B) + BM25_B * doc_length[doc_ids] / average)
    scores = idf[term] * (tf_values / (norm + tf_values))
    order = np.lexsort((doc_ids, term))  # column (term) by column, documents ascending
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / _FILES["data"], scores[order].astype(np.float32))
    np.save(folder / _FILES["indices"], doc_ids[order])
    np.save(folder / _FILES["indptr"], np.concatenate(([0], np.cumsum(df))).astype(np.int64))
    (folder / _FILES["vocab"]).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    params = {
        "k1": BM25_K1,
        "b": BM25_B,
        "method": "lucene",
        "idf_method": "lucene",
        "dtype": "float32",
        "int_dtype": "int32",
        "num_docs": n_docs,
        "backend": "numpy",
    }
    (folder / _FILES["params"]).write_text(json.dumps(params), encoding="utf-8")


HOLD_KEY_MIN = 5
"""`holds` looks for at least the first 5 letters of a stem (`snörö…`, `begra…`)."""


class KeywordIndex:
    """A saved keyword index, memory-mapped: term postings in CSC form, scored only where terms occur.

    The arrays are read with numpy directly: importing bm25s (and scipy with it) costs 0.8 s that a
    `protokoll search` should not pay. bm25s's own `get_scores` fills an array of every
    document and adds postings one by one (`np.add.at`); a question touches only the documents
    holding its terms, so those are summed with one `np.unique` + `np.bincount` and the rest of the
    corpus is never looked at.
    """

    def __init__(self, folder: Path) -> None:
        params = json.loads((folder / _FILES["params"]).read_text(encoding="utf-8"))
        if params.get("method") != "lucene":
            raise ValueError(f"{folder}: keyword index method {params.get('method')!r}, expected 'lucene'")
        self.vocab: dict[str, int] = json.loads((folder / _FILES["vocab"]).read_text(encoding="utf-8"))
        self._data: NDArray[np.float32] = np.load(folder / _FILES["data"], mmap_mode="r")
        self._indices: NDArray[np.int32] = np.load(folder / _FILES["indices"], mmap_mode="r")
        self._indptr: NDArray[np.int64] = np.load(folder / _FILES["indptr"], mmap_mode="r")
        self.size = int(params["num_docs"])
        # bm25s adds the empty string to the vocabulary without a posting list.
        self._terms = int(self._indptr.size - 1)
        if self._terms > len(self.vocab) or self._terms < len(self.vocab) - 1:
            raise ValueError(f"{folder}: {self._terms} posting lists for {len(self.vocab)} terms")

    def idf(self, term: str, default: float = 1.0) -> float:
        """Inverse document frequency of a stem, as BM25 weighs it; `default` for unknown stems."""
        token = self.vocab.get(term)
        if token is None or token >= self._terms:
            return default
        df = int(self._indptr[token + 1] - self._indptr[token])
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    @cached_property
    def _sorted_terms(self) -> list[str]:
        return sorted(self.vocab)

    def same_word_terms(self, term: str, shortest: int) -> list[str]:
        """`term` and the terms of the vocabulary that are other forms of its word as the stemmer leaves
        them: those it begins (`tilldel` → `tilldelning`) and those of at least `shortest` letters that begin
        it (`fastställd` → `fastställ`)."""
        found = [term]
        i = bisect.bisect_left(self._sorted_terms, term)
        while i < len(self._sorted_terms) and self._sorted_terms[i].startswith(term):
            found.append(self._sorted_terms[i])
            i += 1
        found += [term[:n] for n in range(shortest, len(term)) if term[:n] in self.vocab]
        return list(dict.fromkeys(found))

    def holds(self, term: str) -> bool:
        """Whether the archive has the word of this stem in any form: a term beginning with it (all but its
        last letter, at least HOLD_KEY_MIN), holding it inside a compound, or it but for an ending of at most
        3 letters (`medborgarvittne` → `medborgarvittn`)."""
        key = term[: max(HOLD_KEY_MIN, len(term) - 1)]
        i = bisect.bisect_left(self._sorted_terms, key)
        if i < len(self._sorted_terms) and self._sorted_terms[i].startswith(key):
            return True
        if any(term[:n] in self.vocab for n in range(max(HOLD_KEY_MIN + 1, len(term) - 3), len(term))):
            return True
        return any(key in t for t in self._sorted_terms)

    def term_ids(self, terms: Sequence[str]) -> NDArray[np.int64]:
        """Vocabulary ids of the known terms, repeated terms counted as often as they are asked."""
        ids = np.asarray([self.vocab[t] for t in terms if t in self.vocab], dtype=np.int64)
        return ids[ids < self._terms]

    def scores(
        self,
        terms: Sequence[str],
        weights: Sequence[float] | None = None,
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Documents that hold at least one of the terms, and their BM25 scores (others score 0).

        `weights` (one per term, for experiments: bench/wordforms.py) scale each term's scores.
        """
        factors: list[float] | None = None
        if weights is None:
            ids = self.term_ids(terms)
        else:
            pairs = [(self.vocab[t], w) for t, w in zip(terms, weights, strict=True) if t in self.vocab]
            pairs = [(i, w) for i, w in pairs if i < self._terms]
            ids, factors = np.asarray([i for i, _ in pairs], dtype=np.int64), [w for _, w in pairs]
        if ids.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        starts, ends = self._indptr[ids], self._indptr[ids + 1]
        spans = list(zip(starts.tolist(), ends.tolist()))
        docs = np.concatenate([self._indices[s:e] for s, e in spans])
        if factors is None:
            values = np.concatenate([self._data[s:e] for s, e in spans])
        else:
            values = np.concatenate([self._data[s:e] * np.float32(f) for (s, e), f in zip(spans, factors)])
        unique, inverse = np.unique(docs, return_inverse=True)
        summed = np.bincount(inverse, weights=values, minlength=unique.size).astype(np.float32)
        return unique.astype(np.int64), summed
