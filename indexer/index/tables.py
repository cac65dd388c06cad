"""Dense integer ids for paragraphs and chunks, and the numeric columns retrieval and filters read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
from numpy.typing import NDArray

from indexer.models import Chunk, ChunkKind, Protocol

NO_NUMBER = -1
"""Paragraph number of a paragraph without one (a protocol parsed as one whole-text paragraph)."""

NO_DATE = -1
"""Day number of a protocol without a date (the Riksdag record): never inside a date filter."""


@dataclass(frozen=True, slots=True)
class IndexTables:
    """Columns of an index, one row per chunk (vector i) or per paragraph (paragraph id p).

    Paragraph ids count the paragraphs of the protocols in index order; a paragraph's chunks are
    the contiguous rows `chunk_start[p]:chunk_end[p]`. `keyword_chunk[d]` is the chunk behind
    keyword document d (paragraph chunks only: windows would count text twice). Organisations and
    bodies are ids into `organisations`/`bodies` (exact strings from the protocols).
    """

    chunk_paragraph: NDArray[np.int32]
    chunk_is_window: NDArray[np.bool_]
    chunk_span: NDArray[np.int32]  # (n_chunks, 2): start, end in the paragraph text
    paragraph_protocol: NDArray[np.int32]
    paragraph_chunks: NDArray[np.int64]  # (n_paragraphs, 2): first chunk, one past the last
    paragraph_day: NDArray[np.int32]  # proleptic Gregorian ordinal of the meeting, or NO_DATE
    paragraph_has_decision: NDArray[np.bool_]
    paragraph_number: NDArray[np.int32]  # the § or agenda item number, NO_NUMBER when it has none
    paragraph_organisation: NDArray[np.int32]
    paragraph_body: NDArray[np.int32]
    keyword_chunk: NDArray[np.int32]
    organisations: tuple[str, ...]
    bodies: tuple[str, ...]

    @property
    def n_paragraphs(self) -> int:
        return int(self.paragraph_protocol.size)

    @property
    def n_chunks(self) -> int:
        return int(self.chunk_paragraph.size)

    def arrays(self) -> dict[str, NDArray[np.generic]]:
        """The numeric columns by name (for `np.savez`)."""
        return {name: getattr(self, name) for name in _ARRAYS}


_ARRAYS = tuple(f.name for f in fields(IndexTables) if f.name not in ("organisations", "bodies"))


def day_number(iso: str | None) -> int:
    """`2025-03-12` → its ordinal day; None (or a malformed date) → NO_DATE."""
    if not iso:
        return NO_DATE
    try:
        return date.fromisoformat(iso).toordinal()
    except ValueError:
        return NO_DATE


def build_tables(protocols: Sequence[Protocol], chunks: Sequence[Chunk]) -> IndexTables:
    """Number paragraphs in protocol order and tie each chunk to its paragraph id.

    Chunks must come as `chunk_protocol` makes them: protocol by protocol, paragraph by paragraph.
    """
    organisations = sorted({p.organisation for p in protocols})
    bodies = sorted({p.body for p in protocols})
    org_id = {name: i for i, name in enumerate(organisations)}
    body_id = {name: i for i, name in enumerate(bodies)}
    paragraph_protocol: list[int] = []
    days: list[int] = []
    decided: list[bool] = []
    numbers: list[int] = []
    orgs: list[int] = []
    body_ids: list[int] = []
    first_paragraph: dict[str, int] = {}  # file → id of its first paragraph
    for j, protocol in enumerate(protocols):
        day = day_number(protocol.date)
        first_paragraph[protocol.source] = len(paragraph_protocol)
        for paragraph in protocol.paragraphs:
            paragraph_protocol.append(j)
            days.append(day)
            decided.append(paragraph.decision is not None)
            numbers.append(int(paragraph.number) if paragraph.number.isdigit() else NO_NUMBER)
            orgs.append(org_id[protocol.organisation])
            body_ids.append(body_id[protocol.body])
    chunk_paragraph = np.fromiter(
        (first_paragraph[c.file] + c.position for c in chunks), dtype=np.int32, count=len(chunks)
    )
    if chunk_paragraph.size and np.any(np.diff(chunk_paragraph) < 0):
        raise ValueError("chunks are not in paragraph order")
    n_paragraphs = len(paragraph_protocol)
    starts = np.searchsorted(chunk_paragraph, np.arange(n_paragraphs), side="left")
    ends = np.searchsorted(chunk_paragraph, np.arange(n_paragraphs), side="right")
    is_window = np.fromiter((c.kind is ChunkKind.WINDOW for c in chunks), dtype=bool, count=len(chunks))
    span = np.array([(c.start, c.end) for c in chunks], dtype=np.int32).reshape(len(chunks), 2)
    return IndexTables(
        chunk_paragraph=chunk_paragraph,
        chunk_is_window=is_window,
        chunk_span=span,
        paragraph_protocol=np.asarray(paragraph_protocol, dtype=np.int32),
        paragraph_chunks=np.stack([starts, ends], axis=1).astype(np.int64).reshape(n_paragraphs, 2),
        paragraph_day=np.asarray(days, dtype=np.int32),
        paragraph_has_decision=np.asarray(decided, dtype=bool),
        paragraph_number=np.asarray(numbers, dtype=np.int32),
        paragraph_organisation=np.asarray(orgs, dtype=np.int32),
        paragraph_body=np.asarray(body_ids, dtype=np.int32),
        keyword_chunk=np.flatnonzero(~is_window).astype(np.int32),
        organisations=tuple(organisations),
        bodies=tuple(bodies),
    )


def tables_from_arrays(
    arrays: dict[str, NDArray[np.generic]], organisations: Sequence[str], bodies: Sequence[str]
) -> IndexTables:
    """Rebuild the tables from saved columns and names (the store's load)."""
    columns = {name: np.asarray(arrays[name]) for name in _ARRAYS}
    return IndexTables(organisations=tuple(organisations), bodies=tuple(bodies), **columns)
