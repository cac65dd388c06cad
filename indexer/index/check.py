"""`protokoll check`: read everything a searcher reads, and what rebuilds read, and say what is wrong.

Each check is a small function of a loaded part that returns problems as sentences; `check_index` runs
them in order and stops where a later check would only repeat an earlier failure (nothing can be checked
in an index that does not load). With a corpus folder it also says which files changed since the build.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.errors import ProtokollError
from indexer.index.store import CHUNKS, StoredIndex, load_index, read_manifest
from indexer.read.files import content_hash, list_protocol_files


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `check` found: a one-line summary of a sound index, and the problems (empty when sound)."""

    summary: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_index(path: Path, corpus: Path | None = None) -> CheckReport:
    """Check the index at `path` (and, given `corpus`, whether its files changed since the build)."""
    manifest = read_manifest(Path(os.path.realpath(path)))
    if manifest is None:
        return CheckReport("", (f"no index at {path} (no manifest.json); build it with: protokoll index",))
    try:
        index = load_index(path)
    except ProtokollError as error:
        return CheckReport("", (str(error),))
    problems = [*_counts(index), *_chunks(index), *_matters(index), *_identifiers(index)]
    if corpus is not None:
        problems += _stale(index, corpus)
    tables = index.tables
    summary = (
        f"{path}: {len(index.protocols)} protocols, {tables.n_paragraphs} paragraphs, {tables.n_chunks} chunks, "
        f"model {index.model}, built {index.manifest.get('created', '?')}"
    )
    return CheckReport(summary, tuple(problems))


def _counts(index: StoredIndex) -> Iterator[str]:
    """The manifest's counts against what the files hold."""
    counts = index.manifest.get("counts", {})
    found = {"files": len(index.protocols), "paragraphs": index.tables.n_paragraphs, "chunks": index.tables.n_chunks}
    for name, value in found.items():
        if counts.get(name) != value:
            yield f"the manifest counts {counts.get(name)} {name}, the index holds {value}"
    listed = set(index.manifest.get("files", {}))
    stored = {p.source for p in index.protocols}
    if listed != stored:
        yield f"the manifest lists {len(listed)} files, protocols.json {len(stored)}: {sorted(listed ^ stored)[:5]}"


def _chunks(index: StoredIndex) -> Iterator[str]:
    """Every vector has its chunk record (line i of chunks.jsonl), naming its paragraph's protocol."""
    path = index.path / CHUNKS
    try:
        with open(path, encoding="utf-8") as lines:
            records = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as error:
        yield f"{CHUNKS} cannot be read ({error}); rebuild the index"
        return
    if len(records) != index.vectors.ntotal:
        yield f"{len(records)} chunk records for {index.vectors.ntotal} vectors"
        return
    owner = index.tables.paragraph_protocol[index.tables.chunk_paragraph]
    for i, record in enumerate(records):
        expected = index.protocols[int(owner[i])].source
        if record.get("file") != expected:
            yield f"chunk {i} ({record.get('id')}) names {record.get('file')}, its vector belongs to {expected}"
            return


def _in_range(values: np.ndarray, size: int) -> bool:
    return bool(values.size == 0 or (values.min() >= -1 and values.max() < size))


def _matters(index: StoredIndex) -> Iterator[str]:
    n = index.tables.n_paragraphs
    matters = index.matters
    for i in range(len(matters)):
        paragraphs = np.asarray(matters.matter(i).paragraphs)
        if not _in_range(paragraphs, n) or paragraphs.size == 0:
            yield f"matter {matters.ids[i]} refers to paragraphs outside the index"
            return


def _identifiers(index: StoredIndex) -> Iterator[str]:
    n = index.tables.n_paragraphs
    ids = index.identifiers
    for name in ("cases", "own_cases", "people"):
        for key, pids in getattr(ids, name).items():
            if not _in_range(pids, n):
                yield f"identifiers.json: {name} {key!r} refers to paragraphs outside the index"
                return


def _stale(index: StoredIndex, corpus: Path) -> Iterator[str]:
    """Files added, changed or removed in the corpus since the index was built."""
    manifest = index.manifest
    entries = {**manifest.get("files", {}), **manifest.get("duplicates", {})}  # a duplicate was read, then left out
    built = {name: entry.get("sha256") for name, entry in entries.items()}
    now = {p.name: content_hash(p) for p in list_protocol_files(corpus)}
    changed = sorted(n for n in now if n in built and now[n] != built[n])
    added = sorted(set(now) - set(built))
    removed = sorted(set(built) - set(now))
    for what, names in (("changed", changed), ("new", added), ("removed", removed)):
        if names:
            shown = ", ".join(names[:3])
            yield f"{len(names)} file(s) {what} in {corpus} since the build ({shown}); run protokoll index"
