"""The index folder: manifest, FAISS vectors, chunk and protocol metadata. The only index I/O."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from indexer.errors import IndexMismatchError, IndexMissingError
from indexer.models import Chunk, ChunkKind, Paragraph, Participant, Protocol, Role

if TYPE_CHECKING:
    import faiss
    from numpy.typing import NDArray

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
CHUNKS = "chunks.jsonl"
PROTOCOLS = "protocols.json"
BUILD_HINT = "build it with: protokoll index [CORPUS_DIR] --index {index}"


@dataclass(frozen=True, slots=True)
class StoredIndex:
    """An index read from disk: manifest, FAISS index (vector i = chunks[i]) and protocols by file."""

    path: Path
    manifest: dict[str, Any]
    vectors: faiss.Index
    chunks: tuple[Chunk, ...]
    protocols: dict[str, Protocol]

    @property
    def model(self) -> str:
        return str(self.manifest["model"])


def protocol_to_dict(protocol: Protocol) -> dict[str, Any]:
    data = asdict(protocol)
    data["participants"] = [{"name": p.name, "role": p.role.value} for p in protocol.participants]
    return data


def protocol_from_dict(data: dict[str, Any]) -> Protocol:
    return Protocol(
        source=data["source"],
        organisation=data["organisation"],
        body=data["body"],
        date=data["date"],
        place=data.get("place"),
        participants=tuple(Participant(p["name"], Role(p["role"])) for p in data["participants"]),
        paragraphs=tuple(Paragraph(**p) for p in data["paragraphs"]),
        warnings=tuple(data.get("warnings", ())),
    )


def _chunk_from_dict(data: dict[str, Any]) -> Chunk:
    data["kind"] = ChunkKind(data.get("kind", ChunkKind.PARAGRAPH))
    return Chunk(**data)


def write_index(
    path: Path,
    manifest: dict[str, Any],
    vectors: NDArray[np.float32],
    chunks: list[Chunk],
    protocols: list[Protocol],
) -> None:
    """Write a complete index into a temporary sibling folder, then swap it into place.

    A crash at any point leaves either the old index or the new one, never a half-written one.
    """
    import faiss

    if len(vectors) != len(chunks):
        raise ValueError(f"{len(vectors)} vectors for {len(chunks)} chunks")
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.new-", dir=path.parent))
    try:
        index = faiss.IndexFlatIP(int(manifest["dimension"]))
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(index, str(tmp / VECTORS))
        with open(tmp / CHUNKS, "w", encoding="utf-8") as out:
            for chunk in chunks:
                out.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
        protocol_data = [protocol_to_dict(p) for p in protocols]
        (tmp / PROTOCOLS).write_text(json.dumps(protocol_data, ensure_ascii=False), encoding="utf-8")
        # The manifest goes last: a folder without one is never taken for an index.
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_into_place(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_into_place(new: Path, path: Path) -> None:
    if not path.exists():
        os.rename(new, path)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
    os.rename(path, old / "index")
    try:
        os.rename(new, path)
    except BaseException:
        os.rename(old / "index", path)  # put the old index back
        raise
    shutil.rmtree(old, ignore_errors=True)


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of an index folder, or None when there is no index there."""
    try:
        data: dict[str, Any] = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise IndexMismatchError(f"{path / MANIFEST}: unreadable manifest ({error}); rebuild the index") from None
    return data


def load_index(path: Path, expected_model: str | None = None) -> StoredIndex:
    """Read an index folder and check it: schema, model, and that vectors match the chunks."""
    import faiss

    manifest = read_manifest(path)
    if manifest is None:
        raise IndexMissingError(f"no index at {path}; " + BUILD_HINT.format(index=path))
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexMismatchError(
            f"{path}: index schema {manifest.get('schema_version')} but this version reads "
            f"{SCHEMA_VERSION}; rebuild: protokoll index --index {path}"
        )
    if expected_model is not None and manifest.get("model") != expected_model:
        raise IndexMismatchError(
            f"{path}: the index was built with model {manifest.get('model')!r} but the configured "
            f"model is {expected_model!r}; rebuild with: protokoll index --index {path} "
            f"--model {expected_model}, or search with --model {manifest.get('model')}"
        )
    try:
        vectors = faiss.read_index(str(path / VECTORS))
        with open(path / CHUNKS, encoding="utf-8") as lines:
            chunks = tuple(_chunk_from_dict(json.loads(line)) for line in lines if line.strip())
        raw = json.loads((path / PROTOCOLS).read_text(encoding="utf-8"))
        protocols = {p["source"]: protocol_from_dict(p) for p in raw}
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as error:
        raise IndexMismatchError(f"{path}: broken index files ({error}); rebuild the index") from None
    if vectors.ntotal != len(chunks) or vectors.d != manifest.get("dimension"):
        raise IndexMismatchError(
            f"{path}: {vectors.ntotal} vectors of dimension {vectors.d} for {len(chunks)} chunks "
            f"(manifest says dimension {manifest.get('dimension')}); rebuild the index"
        )
    return StoredIndex(path, manifest, vectors, chunks, protocols)


def stored_vectors(index: StoredIndex) -> NDArray[np.float32]:
    """All vectors of an index, row i for chunk i (to reuse them in an incremental rebuild)."""
    if index.vectors.ntotal == 0:
        return np.zeros((0, index.vectors.d), dtype=np.float32)
    return np.asarray(index.vectors.reconstruct_n(0, index.vectors.ntotal), dtype=np.float32)
