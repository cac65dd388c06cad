"""The FAISS index of chunk vectors: exact below a size, HNSW above it; top-k search with an id filter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import faiss

FLAT_MAX_CHUNKS = 50_000
"""Up to this many chunks the index is exact (IndexFlatIP). A question then reads every vector:
measured on 2 cores with bench/scale.py's 100k-chunk archive, FAISS's flat scan for the top 400 took
13.4 ms a question, an HNSW graph (M 32) 1.6 ms with recall@10 0.996; at 50k the scan is ~7 ms."""

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 128
HNSW_EF_SEARCH = 1600
"""HNSW parameters, measured with bench/scale.py's vectors at 1M chunks on 2 cores (the 125 real
eval questions, the first 10 of a 400-candidate search against exact top 10):

    M 32, efConstruction  64: build 173 s; efSearch 400 / 800 / 1600 → recall@10 0.85 / 0.92 / 0.96
    M 32, efConstruction 128: build 332 s; efSearch 400 / 800 / 1600 → recall@10 0.89 / 0.96 / 0.98

A 1600-wide search takes ~7 ms a question, so the search is wide and the graph built carefully:
building costs minutes where embedding the same million chunks costs ~14 hours. The graph adds
2·M·4 bytes a vector (~256 MB at 1M) to the 1.5 GB of vectors. efSearch is a floor: a search
for more candidates than this looks at least that many."""

EXACT_FILTER_MAX = 20_000
"""When a filter leaves at most this many chunks, an HNSW index is bypassed and the allowed vectors
are scanned exactly: a graph walk that may only step on a few allowed nodes loses recall. Gathering
and scoring scattered rows of a 1M-vector index took 13 ms for 20k rows and 36 ms for 50k (2 cores,
with a test run beside it), so 20k keeps a narrow filter within the latency of a wide search."""


def index_spec(n_vectors: int) -> dict[str, Any]:
    """Which FAISS index an index of this many chunks gets, recorded in the manifest."""
    if n_vectors <= FLAT_MAX_CHUNKS:
        return {"type": "flat", "metric": "inner_product"}
    return {
        "type": "hnsw",
        "metric": "inner_product",
        "M": HNSW_M,
        "ef_construction": HNSW_EF_CONSTRUCTION,
        "ef_search": HNSW_EF_SEARCH,
    }


def build_vector_index(vectors: NDArray[np.float32], dimension: int, spec: dict[str, Any]) -> faiss.Index:
    """A FAISS index holding `vectors` (row i gets id i), of the type `spec` names."""
    import faiss

    index: Any
    if spec["type"] == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif spec["type"] == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, int(spec["M"]), faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = int(spec["ef_construction"])
        index.hnsw.efSearch = int(spec["ef_search"])
    else:
        raise ValueError(f"unknown vector index type {spec['type']!r}")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    built: faiss.Index = index
    return built


def vector_rows(index: faiss.Index, ids: NDArray[np.int64]) -> NDArray[np.float32]:
    """The stored vectors of the given chunk ids (exact for flat and HNSW-flat indexes)."""
    if ids.size == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return np.asarray(index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64)), dtype=np.float32)


def search_vectors(
    index: faiss.Index,
    query: NDArray[np.float32],
    k: int,
    allowed: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The k chunk ids closest to the query (inner product), best first, only among `allowed`.

    A filter goes inside the search as a FAISS bitmap selector, so k allowed chunks come back when
    there are k; a narrow filter on an HNSW index is answered by an exact scan of the allowed rows.
    """
    import faiss as faiss_module

    faiss: Any = faiss_module  # the bundled stubs lack the search-parameter classes
    n = int(index.ntotal)
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    is_hnsw = isinstance(index, faiss.IndexHNSW)
    ef = max(HNSW_EF_SEARCH, k)
    if allowed is None:
        params = faiss.SearchParametersHNSW(efSearch=ef) if is_hnsw else None
        scores, ids = index.search(q, k, params=params)
        return _valid(ids[0], scores[0])
    allowed_ids = np.flatnonzero(allowed)
    if allowed_ids.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    if is_hnsw and allowed_ids.size <= EXACT_FILTER_MAX:
        scores_all = vector_rows(index, allowed_ids) @ q[0]
        top = top_k(scores_all, k)
        return allowed_ids[top].astype(np.int64), scores_all[top].astype(np.float32)
    bits = np.packbits(allowed.astype(np.uint8), bitorder="little")
    selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits))
    params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef) if is_hnsw else faiss.SearchParameters(sel=selector)
    scores, ids = index.search(q, min(k, int(allowed_ids.size)), params=params)
    return _valid(ids[0], scores[0])


def top_k(scores: NDArray[np.floating], k: int, tiebreak: NDArray[np.int64] | None = None) -> NDArray[np.int64]:
    """Positions of the k best scores, best first; equal scores in `tiebreak` order (else by position)."""
    if k <= 0 or scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    if tiebreak is None:
        tiebreak = np.arange(scores.size, dtype=np.int64)
    if k < scores.size:
        # Everything tied with the k-th best is kept, so the tie-break decides, not argpartition.
        kth = np.partition(-scores, k - 1)[k - 1]
        chosen = np.flatnonzero(-scores <= kth)
    else:
        chosen = np.arange(scores.size)
    order = np.lexsort((tiebreak[chosen], -scores[chosen]))
    return chosen[order][:k].astype(np.int64)


def _valid(ids: NDArray[np.int64], scores: NDArray[np.float32]) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    keep = ids >= 0
    return ids[keep].astype(np.int64), scores[keep].astype(np.float32)
