"""Protocol files on disk: which files are protocols, their content hash, and the reader for each kind.

The only place that reads a protocol file's bytes. Readers are imported when a file of their kind is
read, so a search never pays for PDF or Word libraries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from indexer.errors import ProtocolParseError
from indexer.read.document import Document
from indexer.read.meta import sidecar_path
from indexer.read.text import read_text

Reader = Callable[[bytes, str], Document]


def _pdf(data: bytes, name: str) -> Document:
    from indexer.read.pdf import read_pdf

    return read_pdf(data, name)


def _docx(data: bytes, name: str) -> Document:
    from indexer.read.docx import read_docx

    return read_docx(data, name)


def _html(data: bytes, name: str) -> Document:
    from indexer.read.html import read_html

    return read_html(data, name)


READERS: dict[str, Reader] = {
    ".pdf": _pdf,
    ".docx": _docx,
    ".html": _html,
    ".htm": _html,
    ".txt": read_text,
    ".md": read_text,
}
"""File kinds the indexer reads, by suffix (case-insensitive)."""
PROTOCOL_SUFFIXES = tuple(READERS)

NOT_PROTOCOLS = ("readme", "sources", "license", "licence", "changelog")
"""File stems (case-insensitive) of notes kept beside protocols, e.g. the corpus's SOURCES.md: never indexed."""


def is_protocol_file(path: Path) -> bool:
    """A file the indexer reads: a known kind, not hidden, not a note like README.md."""
    return (
        path.suffix.lower() in READERS
        and not path.name.startswith(".")
        and path.stem.casefold() not in NOT_PROTOCOLS
    )


def read_document(path: Path) -> Document:
    """Read one protocol file with the reader for its kind."""
    reader = _reader(path.name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ProtocolParseError(f"{path.name}: cannot read the file ({error.strerror})") from None
    return reader(data, path.name)


def read_data(data: bytes, name: str) -> Document:
    """Read a protocol file's bytes (an upload, a file sent to a Ray node) with the reader for its name's kind."""
    return _reader(name)(data, name)


def _reader(name: str) -> Reader:
    reader = READERS.get(Path(name).suffix.lower())
    if reader is None:
        kinds = ", ".join(PROTOCOL_SUFFIXES)
        raise ProtocolParseError(f"{name}: not a protocol file kind the indexer reads ({kinds})")
    return reader


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes and of its sidecar's, if any: what the manifest keeps to tell a changed file."""
    digest = hashlib.sha256(path.read_bytes())
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        digest.update(b"\0meta\0" + sidecar.read_bytes())
    return digest.hexdigest()


def list_protocol_files(corpus_dir: Path) -> list[Path]:
    """The protocol files of a corpus folder, sorted by name."""
    if not corpus_dir.is_dir():
        raise ProtocolParseError(f"{corpus_dir}: no such corpus folder")
    return sorted(p for p in corpus_dir.iterdir() if p.is_file() and is_protocol_file(p))
