"""Build or update an index from a corpus folder: read, parse, chunk, embed what changed, store."""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from indexer.chunk import ChunkSettings, chunk_protocol
from indexer.duplicates import find_duplicates
from indexer.errors import IndexMismatchError, ModelError, ProtocolParseError
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

if TYPE_CHECKING:
    from numpy.typing import NDArray

EMBED_BATCH = 32
Progress = Callable[[int, int], None]
"""Called as progress(done, total) while chunks are embedded."""

FileOutcome = tuple[Protocol, list[Chunk]] | FileProblem
"""What became of one file read this run: its protocol and chunks, or why it could not be indexed."""
ParseFiles = Callable[[Sequence[Path], ChunkSettings], list[FileOutcome]]
"""Read, parse and chunk these files; one outcome per file, in their order (here: `parse_here`; or on Ray)."""
EmbedTexts = Callable[[Sequence[str]], Iterable[tuple["NDArray[np.intp]", "NDArray[np.float32]"]]]
"""Embed these texts: yields (positions among the texts, their normalised vectors) as batches finish, in any
order, each text once (here: `embed_here`; or on Ray). The build stores each batch as it comes and counts it
as progress."""


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


def file_problem(name: str, error: ProtocolParseError | OSError) -> FileProblem:
    """A file that could not be read or parsed, as the build reports it."""
    return FileProblem(name, str(error) if isinstance(error, ProtocolParseError) else f"cannot read the file ({error})")


def parse_here(paths: Sequence[Path], settings: ChunkSettings) -> list[FileOutcome]:
    """`ParseFiles` in this process, one file after another."""
    outcomes: list[FileOutcome] = []
    for path in paths:
        try:
            protocol = parse_file(path)
        except (ProtocolParseError, OSError) as error:
            outcomes.append(file_problem(path.name, error))
            continue
        outcomes.append((protocol, chunk_protocol(protocol, settings)))
    return outcomes


def embed_here(embedder: Embedder) -> EmbedTexts:
    """`EmbedTexts` in this process: batches of EMBED_BATCH through `embedder`, in order."""

    def embed(texts: Sequence[str]) -> Iterator[tuple[NDArray[np.intp], NDArray[np.float32]]]:
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start : start + EMBED_BATCH]
            yield np.arange(start, start + len(batch)), embedder.embed_documents(batch)

    return embed


@dataclass(frozen=True, slots=True)
class ParsedCorpus:
    """The protocols of a corpus folder; `hashes` of every file parsed (duplicates included), the files that
    failed, the names of those read this run (the rest were reused from the previous index) and their
    chunks."""

    protocols: list[Protocol]
    hashes: dict[str, str]
    errors: list[FileProblem]
    read: list[str]
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)


def parse_corpus(
    corpus_dir: Path,
    known: dict[tuple[str, str], Protocol] | None = None,
    settings: ChunkSettings | None = None,
    parse_files: ParseFiles = parse_here,
) -> ParsedCorpus:
    """Read, parse and chunk every protocol file; a broken file becomes a FileProblem, not an abort. A file
    whose name and content hash are in `known` (parsed by this parser for the previous index) is not read
    again. `hashes` covers every file read, duplicates included."""
    known = known or {}
    paths = list_protocol_files(corpus_dir)
    digests: dict[str, str | FileProblem] = {}
    for path in paths:
        try:
            digests[path.name] = content_hash(path)
        except OSError as error:
            digests[path.name] = file_problem(path.name, error)
    to_read = [p for p in paths if isinstance(d := digests[p.name], str) and (p.name, d) not in known]
    outcomes = dict(zip((p.name for p in to_read), parse_files(to_read, settings or ChunkSettings())))
    parsed = ParsedCorpus([], {}, [], [])
    for path in paths:
        digest = digests[path.name]
        if isinstance(digest, FileProblem):
            parsed.errors.append(digest)
            continue
        protocol = known.get((path.name, digest))
        if protocol is None:
            outcome = outcomes[path.name]
            if isinstance(outcome, FileProblem):
                parsed.errors.append(outcome)
                continue
            protocol, parsed.chunks[path.name] = outcome
            parsed.read.append(path.name)
        parsed.protocols.append(protocol)
        parsed.hashes[path.name] = digest
    return parsed


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
    *,
    parse_files: ParseFiles = parse_here,
    embed_texts: EmbedTexts | None = None,
) -> BuildReport:
    """`build_index` for a caller that already holds the index's `build_lock` (e.g. adding files).

    `parse_files` and `embed_texts` do the two steps that may run elsewhere (a Ray cluster:
    indexer/distributed.py); by default they run here, the texts through `embedder`. Every other step, and
    the index written, are the same either way. `embedder.name` is the model the manifest names.
    """
    remove_stale_builds(index_dir)
    started = time.perf_counter()
    settings = settings or ChunkSettings()
    parsed = parse_corpus(corpus_dir, _reusable_protocols(index_dir), settings, parse_files)
    protocols, hashes, errors = parsed.protocols, parsed.hashes, parsed.errors
    if not protocols:
        detail = "; ".join(f"{e.file}: {e.message}" for e in errors) or "no protocol files (.pdf, .docx, .html, .txt)"
        raise ProtocolParseError(f"{corpus_dir}: nothing to index ({detail})")
    duplicates = find_duplicates(protocols)
    dropped = {d.dropped for d in duplicates}
    protocols = [p for p in protocols if p.source not in dropped]
    warnings = [FileProblem(p.source, w) for p in protocols for w in p.warnings]
    warnings += [FileProblem(d.dropped, d.message) for d in duplicates]
    # Files read this run were chunked where they were parsed; those reused from the previous index here.
    chunks: list[Chunk] = [c for p in protocols for c in parsed.chunks.get(p.source) or chunk_protocol(p, settings)]

    known = _reusable_vectors(index_dir, embedder.name)
    # Batches of similar length: a batch is padded to its longest text, so mixing 60-word windows
    # with 250-word paragraphs in corpus order made indexing run at half the model's speed.
    todo = sorted(
        (i for i, c in enumerate(chunks) if c.embed_text not in known), key=lambda i: len(chunks[i].embed_text)
    )
    if progress:
        progress(0, len(todo))
    vectors = _vectors(chunks, todo, known, embed_texts or embed_here(embedder), embedder, progress)

    manifest = make_manifest(embedder.name, int(vectors.shape[1]), settings, protocols, chunks, hashes)
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


def _vectors(
    chunks: list[Chunk],
    todo: list[int],
    known: dict[str, np.ndarray],
    embed: EmbedTexts,
    embedder: Embedder,
    progress: Progress | None,
) -> NDArray[np.float32]:
    """Every chunk's vector: the chunks in `todo` embedded, each batch stored as it comes, the others reused."""
    old = int(next(iter(known.values())).shape[0]) if known else None
    vectors: NDArray[np.float32] | None = None
    if todo:
        where, stored, done = np.asarray(todo), np.zeros(len(todo), dtype=bool), 0
        for rows, batch in embed([chunks[i].embed_text for i in todo]):
            if vectors is None:  # the first batch tells the dimension
                if old is not None and batch.shape[1] != old:
                    raise IndexMismatchError(f"model {embedder.name!r} changed its dimension; rebuild from scratch")
                vectors = np.zeros((len(chunks), batch.shape[1]), dtype=np.float32)
            vectors[where[rows]] = batch
            done += int(np.count_nonzero(~stored[rows]))
            stored[rows] = True
            if progress:
                progress(done, len(todo))
        if done != len(todo):
            raise ModelError(f"model {embedder.name!r}: {done} of {len(todo)} chunks came back embedded")
    if vectors is None:  # nothing embedded: the reused vectors tell the dimension, else the model (loading it)
        vectors = np.zeros((len(chunks), old if old is not None else embedder.dimension), dtype=np.float32)
    for i, chunk in enumerate(chunks):
        if chunk.embed_text in known:
            vectors[i] = known[chunk.embed_text]
    return vectors


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
