"""Hostile protocol files (#15): arbitrary bytes, large texts, a long file without a paragraph,
a 1 MB line, repeated headings, mixed encodings. Each is a clear per-file error or a normal parse, and
one bad file never stops the others. Time and memory at full size are in bench/hostile.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.build import build_index
from indexer.errors import ProtocolParseError
from indexer.index.store import load_index
from indexer.models import Protocol
from indexer.parse.protocol import parse_protocol
from indexer.read.text import decode
from tests.conftest import CORPUS
from tests.fakes import FakeEmbedder


def parsed_or_refused(data: bytes, name: str = "x.txt") -> Protocol | ProtocolParseError:
    try:
        return parse_protocol(decode(data, name), name)
    except ProtocolParseError as error:
        assert name in str(error)
        return error


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4000))
def test_any_bytes_are_a_protocol_or_a_clear_error(data: bytes) -> None:
    result = parsed_or_refused(data)
    if isinstance(result, Protocol):
        assert result.paragraphs  # the whole text at least, with a warning
        for p in result.paragraphs:
            assert p.decision is None or p.decision in p.text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["§ 1 Rubrik", "§ 2", "BUN § 3 Beslut", "Beslut", "", "Text.", "§ 9999 x"]), max_size=200)
)
def test_heading_soup_parses(lines: list[str]) -> None:
    result = parsed_or_refused("\n".join(lines).encode("utf-8"))
    assert isinstance(result, Protocol | ProtocolParseError)


LARGE_CASES = {
    "lines without a paragraph": "\n".join(f"rad {i} utan paragraf" for i in range(50_000)),
    "one 1 MB line": "Kommunstyrelsen " + "ord " * 250_000,
    "a heading repeated 10,000 times": "\n".join(f"§ {i % 50} Rubrik {i}\n\nText." for i in range(10_000)),
    "2 MB of one paragraph": "Protokoll 2025-01-01\n§ 1 Rubrik\n\n" + "Text om skolan. " * 130_000,
}


@pytest.mark.parametrize("name", list(LARGE_CASES))
def test_large_texts_parse(name: str) -> None:
    protocol = parse_protocol(LARGE_CASES[name], "big.txt")
    assert protocol.paragraphs
    assert sum(len(p.text) for p in protocol.paragraphs) <= len(LARGE_CASES[name])


def test_mixed_encodings_and_binary_are_per_file_errors(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_bytes((CORPUS / "000_a1d265b92dc01c91.txt").read_bytes())
    (corpus / "mixed.txt").write_bytes("§ 1 Skola\n\nÅäö i UTF-8, ".encode() + "och åäö i cp1252.".encode("cp1252"))
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 1000)
    (corpus / "undefined.txt").write_bytes(b"\xff\xfe\x81\x8d\x8f\x90\x9d" * 10)
    (corpus / "empty.txt").write_bytes(b"")
    report = build_index(corpus, tmp_path / "idx", FakeEmbedder())
    failed = {e.file for e in report.errors}
    assert {"binary.txt", "undefined.txt", "empty.txt"} <= failed and "good.txt" not in failed
    assert "mixed.txt" not in failed  # read as cp1252: the UTF-8 part becomes mojibake, the file is kept
    assert load_index(tmp_path / "idx").tables.n_paragraphs >= 16
