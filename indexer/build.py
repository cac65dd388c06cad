"""Build or update an index from a corpus folder: read, parse, chunk, embed what changed, store."""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from indexer.chunk import ChunkSettings, chunk_protocol
from indexer.duplicates import find_duplicates
from indexer.errors import IndexMismatchError, ProtocolParseError
from indexer.index.store import (
    SCHEMA_VERSION,
    build_lock,
    read_chunks,
    read_manifest,
    read_protocols,
    read_vectors,
    remove_stale_builds,
    write_index,
)
from indexer.model.embed import Embedder
from indexer.models import BuildReport, Chunk, FileProblem, Protocol
from indexer.parse.protocol import parse_document
from indexer.read.files import content_hash, list_protocol_files, read_document
from indexer.read.meta import read_meta

EMBED_BATCH = 32
Progress = Callable[[int, int], None]
"""Called as progress(done, total) while chunks are embedded."""


@functools.lru_cache(maxsize=1)
def parser_version() -> str:
    """A digest of the parser's own source (indexer/parse/ and the records): a protocol parsed by other
    code is parsed again, so a changed rule never survives in an index by reuse."""
    digest = hashlib.sha256()
    for path in sorted((*PARSE_PACKAGE.glob("*.py"), MODELS_FILE)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


PARSE_PACKAGE = Path(__file__).resolve().parent / "parse"
MODELS_FILE = Path(__file__).resolve().parent / "models.py"


def parse_file(path: Path) -> Protocol:
    """Read one protocol file of any kind (with its sidecar, if any) and parse it."""
    return parse_document(read_document(path), path.name, read_meta(path))


@dataclass(frozen=True, slots=True)
class ParsedCorpus:
    """The protocols of a corpus folder; `hashes` of every file parsed (duplicates included), the files that
    failed, and the names of those read this run (the rest were reused from the previous index)."""

    protocols: list[Protocol]
    hashes: dict[str, str]
    errors: list[FileProblem]
    read: list[str]


def parse_corpus(corpus_dir: Path, known: dict[tuple[str, str], Protocol] | None = None) -> ParsedCorpus:
    """Read and parse every protocol file; a broken file becomes a FileProblem, not an abort. A file whose
    name and content hash are in `known` (parsed by this parser for the previous index) is not read again.
    `hashes` covers every file read, duplicates included."""
    protocols: list[Protocol] = []
    hashes: dict[str, str] = {}
    errors: list[FileProblem] = []
    read: list[str] = []
    known = known or {}
    for path in list_protocol_files(corpus_dir):
        try:
            digest = content_hash(path)
            protocol = known.get((path.name, digest)) or parse_file(path)
            if (path.name, digest) not in known:
                read.append(path.name)
        except (ProtocolParseError, OSError) as error:
            message = str(error) if isinstance(error, ProtocolParseError) else f"cannot read the file ({error})"
            errors.append(FileProblem(path.name, message))
            continue
        protocols.append(protocol)
        hashes[path.name] = digest
    return ParsedCorpus(protocols, hashes, errors, read)


def _reusable_protocols(index_dir: Path) -> dict[tuple[str, str], Protocol]:
    """The previous index's protocols by (file name, content hash), when this parser wrote them."""
    try:
        manifest = read_manifest(index_dir)
        if manifest is None or manifest.get("parser") != parser_version():
            return {}
        files = manifest.get("files", {})
        return {(name, files[name]["sha256"]): p for name, p in read_protocols(index_dir).items() if name in files}
    except (OSError, ValueError, RuntimeError, TypeError, KeyError, IndexMismatchError):
        return {}  # a broken index is parsed from scratch


def _reusable_vectors(index_dir: Path, model: str) -> dict[str, np.ndarray]:
    """Vectors of the existing index keyed by the exact text that was embedded, if the model is ours.

    A vector depends only on the model and that text, so even after a change of chunk settings
    every chunk whose text is unchanged keeps its vector.
    """
    try:
        manifest = read_manifest(index_dir)
        if manifest is None or manifest.get("model") != model:
            return {}
        # Read straight from the files, whatever the schema: an upgrade re-embeds nothing.
        chunks = read_chunks(index_dir)
        vectors = read_vectors(index_dir)
    except (OSError, ValueError, RuntimeError, TypeError, KeyError, IndexMismatchError):
        return {}  # a broken index is rebuilt from scratch
    if len(chunks) != len(vectors):
        return {}
    return {chunk.embed_text: vectors[i] for i, chunk in enumerate(chunks)}


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    settings: ChunkSettings | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Index a corpus folder into `index_dir`, re-embedding only chunks whose text is new.

    The new index replaces the old one only once it is complete. Raises ProtokollError when
    nothing could be indexed (no files, or every file broken): the old index then stays; and
    IndexBusyError when another run is building the same index.
    """
    with build_lock(index_dir):
        return build_locked(corpus_dir, index_dir, embedder, settings, progress)


def build_locked(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    settings: ChunkSettings | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """`build_index` for a caller that already holds the index's `build_lock` (e.g. adding files)."""
    remove_stale_builds(index_dir)
    started = time.perf_counter()
    settings = settings or ChunkSettings()
    parsed = parse_corpus(corpus_dir, _reusable_protocols(index_dir))
    protocols, hashes, errors = parsed.protocols, parsed.hashes, parsed.errors
    if not protocols:
        detail = "; ".join(f"{e.file}: {e.message}" for e in errors) or "no protocol files (.pdf, .docx, .html, .txt)"
        raise ProtocolParseError(f"{corpus_dir}: nothing to index ({detail})")
    duplicates = find_duplicates(protocols)
    dropped = {d.dropped for d in duplicates}
    protocols = [p for p in protocols if p.source not in dropped]
    warnings = [FileProblem(p.source, w) for p in protocols for w in p.warnings]
    warnings += [FileProblem(d.dropped, d.message) for d in duplicates]
    chunks: list[Chunk] = [c for p in protocols for c in chunk_protocol(p, settings)]

    known = _reusable_vectors(index_dir, embedder.name)
    # Batches of similar length: a batch is padded to its longest text, so mixing 60-word windows
    # with 250-word paragraphs in corpus order made indexing run at half the model's speed.
    todo = sorted(
        (i for i, c in enumerate(chunks) if c.embed_text not in known), key=lambda i: len(chunks[i].embed_text)
    )
    dimension = _dimension(known, embedder, bool(todo))
    vectors = np.zeros((len(chunks), dimension), dtype=np.float32)
    for i, chunk in enumerate(chunks):
        if chunk.embed_text in known:
            vectors[i] = known[chunk.embed_text]
    if progress:
        progress(0, len(todo))
    for batch_start in range(0, len(todo), EMBED_BATCH):
        batch = todo[batch_start : batch_start + EMBED_BATCH]
        vectors[batch] = embedder.embed_documents([chunks[i].embed_text for i in batch])
        if progress:
            progress(batch_start + len(batch), len(todo))

    manifest = make_manifest(embedder.name, dimension, settings, protocols, chunks, hashes)
    manifest["corpus"] = str(corpus_dir.resolve())
    manifest["duplicates"] = {d.dropped: {"sha256": hashes[d.dropped], "same_as": d.kept} for d in duplicates}
    write_index(index_dir, manifest, vectors, chunks, protocols)
    return BuildReport(
        files=len(protocols),
        paragraphs=sum(len(p.paragraphs) for p in protocols),
        chunks=len(chunks),
        embedded=len(todo),
        files_read=len(parsed.read),
        reused=len(chunks) - len(todo),
        seconds=time.perf_counter() - started,
        errors=tuple(errors),
        warnings=tuple(warnings),
    )


def _dimension(known: dict[str, np.ndarray], embedder: Embedder, must_embed: bool) -> int:
    # Asking the embedder loads the model; when every vector is reused, the old ones tell.
    if known and not must_embed:
        return int(next(iter(known.values())).shape[0])
    dimension = embedder.dimension
    if known and int(next(iter(known.values())).shape[0]) != dimension:
        raise IndexMismatchError(f"model {embedder.name!r} changed its dimension; rebuild from scratch")
    return dimension


def make_manifest(
    model: str,
    dimension: int,
    settings: ChunkSettings,
    protocols: list[Protocol],
    chunks: list[Chunk],
    hashes: dict[str, str],
) -> dict[str, Any]:
    """The manifest: what the index was built from and with, so a load can check it."""
    per_file: dict[str, dict[str, Any]] = {
        p.source: {"sha256": hashes[p.source], "paragraphs": len(p.paragraphs), "chunks": 0} for p in protocols
    }
    for chunk in chunks:
        per_file[chunk.file]["chunks"] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "parser": parser_version(),
        "model": model,
        "dimension": dimension,
        "chunking": settings.as_dict(),
        "files": per_file,
        "counts": {
            "files": len(protocols),
            "paragraphs": sum(len(p.paragraphs) for p in protocols),
            "chunks": len(chunks),
        },
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
