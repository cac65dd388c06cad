"""Read protocol files from disk into text: the only place that decodes bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from indexer.errors import ProtocolParseError

PROTOCOL_SUFFIXES = (".txt",)
"""File kinds the indexer reads. Other files in the corpus folder (SOURCES.md, README) are skipped."""

_FALLBACK_ENCODING = "cp1252"
"""Older Windows exports of Swedish protocols are cp1252; it decodes åäö and also latin-1 text."""


def decode(data: bytes, name: str) -> str:
    """Decode protocol bytes: UTF-8 (with or without BOM), else cp1252; name the file if neither fits."""
    if b"\x00" in data[:4096]:
        raise ProtocolParseError(f"{name}: looks like a binary file (NUL bytes), not a text protocol")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode(_FALLBACK_ENCODING)
        except UnicodeDecodeError:
            raise ProtocolParseError(
                f"{name}: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and not cp1252 either"
            ) from None


def read_protocol_text(path: Path) -> str:
    """Read and decode one protocol file, with line endings normalised to `\\n`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ProtocolParseError(f"{path.name}: cannot read the file ({error.strerror})") from None
    text = decode(data, path.name)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes: what the manifest keeps to tell a changed file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def list_protocol_files(corpus_dir: Path) -> list[Path]:
    """The protocol files of a corpus folder, sorted by name, skipping hidden files and SOURCES.md."""
    if not corpus_dir.is_dir():
        raise ProtocolParseError(f"{corpus_dir}: no such corpus folder")
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in PROTOCOL_SUFFIXES and not p.name.startswith(".")
    )
