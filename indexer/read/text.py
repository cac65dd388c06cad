"""Plain-text protocols (`.txt`, `.md`, pdftotext output): bytes decoded, line endings normalised."""

from __future__ import annotations

from pathlib import Path

from indexer.errors import ProtocolParseError
from indexer.read.document import PAGE_BREAK, Document

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


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(data: bytes, name: str) -> Document:
    """A text protocol: decoded, `\n` line ends; pdftotext's form feeds are kept as page breaks."""
    text = _lines(decode(data, name))
    return Document(text, "txt", paged=PAGE_BREAK in text)


def read_protocol_text(path: Path) -> str:
    """Read and decode one protocol file, with line endings normalised to `\\n`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ProtocolParseError(f"{path.name}: cannot read the file ({error.strerror})") from None
    return _lines(decode(data, path.name)).replace(PAGE_BREAK, "\n")
