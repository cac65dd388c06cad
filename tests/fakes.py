"""The fake embedder of the tests, in a module of its own: a test's child process imports it without pytest
and the app (`tests/conftest.py` imports both)."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


@functools.lru_cache(maxsize=50_000)
def _hashed_vector(text: str, dimension: int) -> NDArray[np.float32]:
    """Words hashed into `dimension` buckets, normalised. A pure function of the text, so kept across the
    session's many builds of the corpus (each would hash the same 2,625 chunks again)."""
    vector = np.zeros(dimension, dtype=np.float32)
    for word in re.findall(r"\w+", text.lower()):
        digest = hashlib.blake2b(word[:6].encode(), digest_size=4).digest()
        vector[int.from_bytes(digest, "little") % dimension] += 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


class FakeEmbedder:
    """Hashes words into a small normalised vector: fast, deterministic, and similar texts are close."""

    dimension = 512

    def __init__(self, name: str = "fake-hash-512") -> None:
        self.name = name
        self.documents_embedded = 0

    def _vector(self, text: str) -> NDArray[np.float32]:
        return _hashed_vector(text, self.dimension).copy()

    def embed_documents(self, texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]:
        self.documents_embedded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_query(self, text: str) -> NDArray[np.float32]:
        return self._vector(text)
