"""Decoding protocol files: UTF-8, BOM, cp1252, and clear errors for what is not text."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.errors import ProtocolParseError
from indexer.read.files import list_protocol_files
from indexer.read.text import decode, read_protocol_text


def test_utf8_bom_and_cp1252() -> None:
    assert decode("\ufeffSammanträde".encode(), "a.txt") == "Sammanträde"
    assert decode("Barn- och utbildningsnämnden §".encode("cp1252"), "b.txt") == "Barn- och utbildningsnämnden §"


def test_binary_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bild.txt"
    path.write_bytes(b"\x89PNG\x00\x00")
    with pytest.raises(ProtocolParseError, match="bild.txt.*binary"):
        read_protocol_text(path)


def test_undecodable_is_named() -> None:
    with pytest.raises(ProtocolParseError, match="x.txt: not UTF-8"):
        decode(b"\x81\x8d\x8f\x90\x9d", "x.txt")


def test_line_endings_and_form_feeds(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(b"a\r\nb\rc\fd")
    assert read_protocol_text(path) == "a\nb\nc\nd"


def test_corpus_listing_skips_sources_and_hidden(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "SOURCES.md", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in list_protocol_files(tmp_path)] == ["a.txt", "b.txt"]
    with pytest.raises(ProtocolParseError, match="no such corpus folder"):
        list_protocol_files(tmp_path / "missing")
