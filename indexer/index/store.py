"""The index folder: manifest, FAISS vectors, tables, keyword index, chunk and paragraph records. The only index I/O.

An index path is a symlink to a complete, versioned sibling folder (`.NAME.v-…`). A build writes a
new version, fsyncs it, and swaps the link with one `rename`: readers see the old index or the new
one, never a half-written one and never a missing path. The previous version is kept so a reader
that resolved the link just before a swap can finish loading.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from indexer.errors import IndexBusyError, IndexMismatchError, IndexMissingError, IndexWriteError
from indexer.index.identifiers import IdentifierIndex, build_identifiers
from indexer.index.keyword import KeywordIndex, build_keyword_index
from indexer.index.matters import MatterIndex, build_matters
from indexer.index.tables import IndexTables, build_tables, tables_from_arrays
from indexer.index.vectors import build_vector_index, index_spec
from indexer.models import Chunk, ChunkKind, Outcome, Paragraph, Participant, Protocol, Role, Stance, Vote, record_dict

if TYPE_CHECKING:
    import faiss
    from numpy.typing import NDArray

SCHEMA_VERSION = 4
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
CHUNKS = "chunks.jsonl"
PROTOCOLS = "protocols.json"  # protocol headers (who, when, where), without paragraphs
PARAGRAPHS = "paragraphs.jsonl"  # line p = paragraph id p
TABLES = "tables.npz"
KEYWORD = "keyword"
IDENTIFIERS = "identifiers.json"  # case numbers and person names → paragraph ids
BUILD_HINT = "build it with: protokoll index [CORPUS_DIR] --index {index}"
VERSION_MARK = ".v-"
BUILD_MARK = ".build-"


class ParagraphStore:
    """Paragraph records read on demand by id (a hit needs k of them, not the whole archive)."""

    def __init__(self, file: IO[bytes], offsets: NDArray[np.int64]) -> None:
        self._file = file
        self._offsets = offsets

    def __len__(self) -> int:
        return int(self._offsets.size - 1)

    def get(self, paragraph_id: int) -> Paragraph:
        start, end = int(self._offsets[paragraph_id]), int(self._offsets[paragraph_id + 1])
        data = os.pread(self._file.fileno(), end - start, start)  # no shared file position: thread-safe
        return paragraph_from_dict(json.loads(data))


@dataclass(frozen=True, slots=True)
class StoredIndex:
    """An index read from disk: what a searcher needs, without every chunk's text in memory.

    `path` is the version folder the index was read from (the link resolved once, so a concurrent
    swap cannot mix two versions). `protocols` are headers (paragraphs left empty), by protocol id.
    """

    path: Path
    manifest: dict[str, Any]
    vectors: faiss.Index
    tables: IndexTables
    keyword: KeywordIndex
    protocols: tuple[Protocol, ...]
    paragraphs: ParagraphStore
    identifiers: IdentifierIndex
    matters: MatterIndex

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def build_id(self) -> str:
        return str(self.manifest.get("build_id", ""))


def protocol_to_dict(protocol: Protocol) -> dict[str, Any]:
    data: dict[str, Any] = record_dict(protocol)
    data["participants"] = [{"name": p.name, "role": p.role.value} for p in protocol.participants]
    return data


def paragraph_from_dict(data: dict[str, Any]) -> Paragraph:
    """A paragraph record as `record_dict` wrote it: outcomes back to enums, votes and stances to records."""

    def outcome(value: str | None) -> Outcome | None:
        return None if value is None else Outcome(value)

    def stances(rows: list[dict[str, Any]]) -> tuple[Stance, ...]:
        return tuple(Stance(tuple(r["persons"]), tuple(r["parties"]), r["start"], r["end"]) for r in rows)

    return Paragraph(
        **{
            **data,
            "outcome": outcome(data.get("outcome")),
            "proposed": outcome(data.get("proposed")),
            "votes": tuple(Vote(**v) for v in data.get("votes", ())),
            "reservations": stances(data.get("reservations", [])),
            "motions": stances(data.get("motions", [])),
            "pages": tuple(data.get("pages", ())),
        }
    )


def protocol_from_dict(data: dict[str, Any]) -> Protocol:
    return Protocol(
        source=data["source"],
        organisation=data["organisation"],
        body=data["body"],
        date=data["date"],
        place=data.get("place"),
        participants=tuple(Participant(p["name"], Role(p["role"])) for p in data["participants"]),
        paragraphs=tuple(paragraph_from_dict(p) for p in data.get("paragraphs", ())),
        warnings=tuple(data.get("warnings", ())),
        header=data.get("header", ""),
        format=data.get("format", "txt"),
        page_count=data.get("page_count", 0),
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
    """Write a complete index as a new version folder, fsync it, then swap the index link to it.

    A crash at any point leaves the old index answering. The manifest gains the FAISS index type
    chosen for the size, and a build id a server compares to notice the swap.
    """
    import faiss

    if len(vectors) != len(chunks):
        raise ValueError(f"{len(vectors)} vectors for {len(chunks)} chunks")
    path = Path(os.path.abspath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}{BUILD_MARK}", dir=path.parent))
    except OSError as error:
        raise IndexWriteError(
            f"{path}: cannot write the index here ({error}); the previous index is unchanged"
        ) from None
    try:
        tables = build_tables(protocols, chunks)
        spec = index_spec(len(chunks))
        # Serialised by FAISS, written by Python: a full disk is an OSError with its errno, not a FAISS abort.
        (tmp / VECTORS).write_bytes(
            faiss.serialize_index(build_vector_index(vectors, int(manifest["dimension"]), spec)).tobytes()
        )
        with open(tmp / CHUNKS, "w", encoding="utf-8") as out:
            for chunk in chunks:
                out.write(json.dumps(record_dict(chunk), ensure_ascii=False) + "\n")
        offsets = _write_paragraphs(tmp / PARAGRAPHS, protocols)
        headers = [protocol_to_dict(replace(p, paragraphs=())) for p in protocols]
        (tmp / PROTOCOLS).write_text(json.dumps(headers, ensure_ascii=False), encoding="utf-8")
        np.savez(tmp / TABLES, **{"paragraph_offsets": offsets, **tables.arrays()})  # type: ignore[arg-type]
        build_keyword_index((chunks[i].embed_text for i in tables.keyword_chunk.tolist()), tmp / KEYWORD)
        build_identifiers(protocols).save(tmp / IDENTIFIERS)
        build_matters(protocols).save(tmp)  # matters.json, matters.npz
        build_id = uuid.uuid4().hex
        full = {
            **manifest,
            "vectors": spec,
            "build_id": build_id,
            "names": {"organisations": list(tables.organisations), "bodies": list(tables.bodies)},
        }
        # The manifest goes last: a folder without one is never taken for an index.
        (tmp / MANIFEST).write_text(json.dumps(full, ensure_ascii=False, indent=2), encoding="utf-8")
        _fsync_tree(tmp)
        version = path.parent / f".{path.name}{VERSION_MARK}{build_id}"
        with _swap_lock(path):
            os.rename(tmp, version)
            _swap_link(version, path)
    except OSError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise IndexWriteError(
            f"{path}: the index could not be written ({error}); the previous index is unchanged"
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_stale_builds(path: Path) -> list[Path]:
    """Remove the half-written build folders (`.NAME.build-*`) that killed runs left beside the index.
    Only safe under `build_lock`: then no other build of this index is writing one."""
    path = Path(os.path.abspath(path))
    stale = sorted(path.parent.glob(f".{path.name}{BUILD_MARK}*")) if path.parent.is_dir() else []
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def _write_paragraphs(file: Path, protocols: list[Protocol]) -> NDArray[np.int64]:
    offsets = [0]
    with open(file, "wb") as out:
        for protocol in protocols:
            for paragraph in protocol.paragraphs:
                line = (json.dumps(record_dict(paragraph), ensure_ascii=False) + "\n").encode("utf-8")
                out.write(line)
                offsets.append(offsets[-1] + len(line))
    return np.asarray(offsets, dtype=np.int64)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder of a new version to disk before it is linked in (power loss)."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """One build of an index at a time: a second `protokoll index` on the same index is refused with the
    holder's pid instead of embedding in parallel and overwriting the first one's work. The lock is an
    flock on `.NAME.build.lock` beside the index, which dies with its process: the pid left in the file
    by a killed run is overwritten by the next run, never obeyed."""
    path = Path(os.path.abspath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.parent / f".{path.name}.build.lock", "a+")  # noqa: SIM115  (closed below)
    except OSError as error:
        raise IndexWriteError(f"{path}: cannot write the index here ({error})") from None
    with lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "unknown"
            raise IndexBusyError(
                f"{path}: another protokoll index run (pid {holder}) is building this index; "
                "wait for it to finish, or stop it and run again"
            ) from None
        try:
            lock.seek(0)
            lock.truncate()
            lock.write(f"{os.getpid()}\n")
            lock.flush()
            yield
        finally:
            lock.seek(0)
            lock.truncate()
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


@contextmanager
def _swap_lock(path: Path) -> Iterator[None]:
    """Serialise swaps of one index: a build that swaps in its version must not have it removed as
    "old" by another build swapping at the same moment. An flock dies with its process: never stale."""
    with open(path.parent / f".{path.name}.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _swap_link(version: Path, path: Path) -> None:
    """Point `path` at `version` atomically; drop versions older than the one it replaced."""
    previous = os.readlink(path) if path.is_symlink() else None
    if path.exists() and not path.is_symlink():
        # An index folder from before versioned folders: moved aside once, then linked like any other.
        legacy = path.parent / f".{path.name}{VERSION_MARK}legacy-{uuid.uuid4().hex}"
        os.rename(path, legacy)
        previous = legacy.name
    link = path.parent / f".{path.name}.link-{uuid.uuid4().hex}"
    os.symlink(version.name, link)
    os.replace(link, path)
    _fsync_dir(path.parent)
    keep = {version.name, previous}
    for old in path.parent.glob(f".{path.name}{VERSION_MARK}*"):
        if old.name not in keep:
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


def current_version(path: Path) -> str | None:
    """What the index path points at now (cheap: one readlink), to notice a rebuilt index."""
    try:
        return os.readlink(path)
    except OSError:
        manifest = read_manifest(path) if path.is_dir() else None
        return None if manifest is None else str(manifest.get("build_id", "")) or str(path)


def load_index(path: Path, expected_model: str | None = None) -> StoredIndex:
    """Read an index and check it: schema, model, and that vectors, tables and records agree."""
    import faiss

    real = Path(os.path.realpath(path))
    manifest = read_manifest(real)
    if manifest is None:
        raise IndexMissingError(f"no index at {path}; " + BUILD_HINT.format(index=path))
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexMismatchError(
            f"{path}: index schema {manifest.get('schema_version')} but this version reads "
            f"{SCHEMA_VERSION}; rebuild: protokoll index --index {path} (unchanged text is not re-embedded)"
        )
    if expected_model is not None and manifest.get("model") != expected_model:
        raise IndexMismatchError(
            f"{path}: the index was built with model {manifest.get('model')!r} but the configured "
            f"model is {expected_model!r}; rebuild with: protokoll index --index {path} "
            f"--model {expected_model}, or search with --model {manifest.get('model')}"
        )
    try:
        vectors = faiss.read_index(str(real / VECTORS))
        with np.load(real / TABLES) as saved:
            arrays = {name: saved[name] for name in saved.files}
        names = manifest["names"]
        tables = tables_from_arrays(arrays, names["organisations"], names["bodies"])
        keyword = KeywordIndex(real / KEYWORD)
        raw = json.loads((real / PROTOCOLS).read_text(encoding="utf-8"))
        protocols = tuple(protocol_from_dict(p) for p in raw)
        paragraphs = ParagraphStore(open(real / PARAGRAPHS, "rb"), arrays["paragraph_offsets"])  # noqa: SIM115
        identifiers = IdentifierIndex.load(real / IDENTIFIERS)
        matters = MatterIndex.load(real)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError, zipfile.BadZipFile, EOFError) as error:
        # A truncated .npz is a BadZipFile (not an OSError); a cut pickle or array an EOFError.
        raise IndexMismatchError(f"{path}: broken index files ({error}); rebuild the index") from None
    problem = _inconsistency(manifest, vectors, tables, keyword, paragraphs, len(protocols))
    if problem:
        raise IndexMismatchError(f"{path}: {problem}; rebuild the index")
    return StoredIndex(real, manifest, vectors, tables, keyword, protocols, paragraphs, identifiers, matters)


def _inconsistency(
    manifest: dict[str, Any],
    vectors: faiss.Index,
    tables: IndexTables,
    keyword: KeywordIndex,
    paragraphs: ParagraphStore,
    n_protocols: int,
) -> str | None:
    if vectors.ntotal != tables.n_chunks or vectors.d != manifest.get("dimension"):
        return (
            f"{vectors.ntotal} vectors of dimension {vectors.d} for {tables.n_chunks} chunks "
            f"(manifest says dimension {manifest.get('dimension')})"
        )
    if len(paragraphs) != tables.n_paragraphs:
        return f"{len(paragraphs)} paragraph records for {tables.n_paragraphs} paragraphs"
    if keyword.size != tables.keyword_chunk.size:
        return f"keyword index of {keyword.size} documents for {tables.keyword_chunk.size} chunks"
    if tables.n_paragraphs and int(tables.paragraph_protocol.max()) >= n_protocols:
        return f"paragraphs refer to more than the {n_protocols} protocols stored"
    return None


def read_chunks(path: Path) -> list[Chunk]:
    """Every chunk record of an index (line i = vector i); for rebuilds and checks, not for search."""
    with open(Path(os.path.realpath(path)) / CHUNKS, encoding="utf-8") as lines:
        return [_chunk_from_dict(json.loads(line)) for line in lines if line.strip()]


def read_protocols(path: Path) -> dict[str, Protocol]:
    """Every protocol of an index with its paragraphs, by file name."""
    real = Path(os.path.realpath(path))
    headers = [protocol_from_dict(p) for p in json.loads((real / PROTOCOLS).read_text(encoding="utf-8"))]
    with np.load(real / TABLES) as saved:
        owner = saved["paragraph_protocol"]
    with open(real / PARAGRAPHS, encoding="utf-8") as lines:
        records = [paragraph_from_dict(json.loads(line)) for line in lines if line.strip()]
    grouped: list[list[Paragraph]] = [[] for _ in headers]
    for j, paragraph in zip(owner.tolist(), records):
        grouped[j].append(paragraph)
    return {h.source: replace(h, paragraphs=tuple(g)) for h, g in zip(headers, grouped)}


def read_vectors(path: Path) -> NDArray[np.float32]:
    """All vectors of an index folder, row i for chunk i, whatever its schema version."""
    import faiss

    index = faiss.read_index(str(Path(os.path.realpath(path)) / VECTORS))
    return stored_vectors(index)


def stored_vectors(index: faiss.Index | StoredIndex) -> NDArray[np.float32]:
    """All vectors of a FAISS index (or a loaded index), row i for chunk i."""
    faiss_index = index.vectors if isinstance(index, StoredIndex) else index
    if faiss_index.ntotal == 0:
        return np.zeros((0, faiss_index.d), dtype=np.float32)
    return np.asarray(faiss_index.reconstruct_n(0, faiss_index.ntotal), dtype=np.float32)
