"""Chunking: exact offsets, the window respected, paragraphs never crossed, stable ids."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.chunk import ChunkSettings, chunk_protocol, context_line, split_offsets, word_count
from indexer.models import EXAMPLE_PROTOCOL, ChunkKind, Paragraph, Protocol
from indexer.parse.protocol import parse_protocol
from indexer.read.files import list_protocol_files
from indexer.read.text import read_protocol_text
from tests.conftest import CORPUS


def test_short_paragraph_is_one_chunk_with_context() -> None:
    chunks = chunk_protocol(EXAMPLE_PROTOCOL, ChunkSettings(window_words=0))
    assert len(chunks) == 1
    chunk = chunks[0]
    assert chunk.id == "000_a1d265b92dc01c91.txt#97/0"
    assert chunk.text == EXAMPLE_PROTOCOL.paragraphs[0].text
    assert chunk.embed_text.startswith(
        "Skol- och utbildningschefer, Skaraborgs Kommunalförbund, 2024-08-23. § 97 Statsbidrag till regionalt"
    )


def test_long_paragraph_splits_on_sentences_with_overlap() -> None:
    sentences = [f"Mening nummer {i} handlar om skolans budget och lokaler i kommunen." for i in range(120)]
    text = "§ 5 Budget\n\n" + " ".join(sentences)
    protocol = Protocol("x.txt", "Org", "Nämnden", "2024-01-01", (Paragraph("5", "Budget", text),))
    settings = ChunkSettings(max_words=100, overlap_words=20, window_words=0)
    chunks = chunk_protocol(protocol, settings)
    assert len(chunks) > 5
    assert [c.part for c in chunks] == list(range(len(chunks)))
    for before, after in itertools.pairwise(chunks):
        assert after.start < before.end, "consecutive pieces overlap"
        assert after.start > before.start
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert word_count(chunk.text) <= 100
        assert chunk.text.rstrip().endswith(".") or chunk is chunks[-1] or chunk.text.startswith("§")
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_every_corpus_chunk_is_an_exact_slice_within_the_window() -> None:
    settings = ChunkSettings()
    for path in list_protocol_files(CORPUS):
        protocol = parse_protocol(read_protocol_text(path), path.name)
        chunks = chunk_protocol(protocol, settings)
        ids = [c.id for c in chunks]
        assert len(ids) == len(set(ids)), path.name
        by_number = {p.number: p for p in protocol.paragraphs}
        covered = {c.paragraph for c in chunks}
        assert covered == {p.number for p in protocol.paragraphs if p.text.strip()}, path.name
        for chunk in chunks:
            assert by_number[chunk.paragraph].text[chunk.start : chunk.end] == chunk.text
            if chunk.kind is ChunkKind.PARAGRAPH:
                assert word_count(chunk.text) <= settings.max_words
            assert context_line(protocol, by_number[chunk.paragraph]) == chunk.context


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abc åäö.\n", min_size=1, max_size=40), min_size=1, max_size=80))
def test_split_offsets_invariants(parts: list[str]) -> None:
    text = " ".join(parts)
    spans = split_offsets(text, ChunkSettings(max_words=15, overlap_words=3))
    if not text.strip():
        assert spans == []
        return
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        assert word_count(text[start:end]) <= 15
    # Nothing of the text is lost: every word lies inside some span.
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_windows_are_short_sentence_runs_of_their_paragraph() -> None:
    chunks = chunk_protocol(EXAMPLE_PROTOCOL, ChunkSettings(window_words=12))
    windows = [c for c in chunks if c.kind is ChunkKind.WINDOW]
    assert [c.id for c in windows][:2] == ["000_a1d265b92dc01c91.txt#97/w0", "000_a1d265b92dc01c91.txt#97/w1"]
    text = EXAMPLE_PROTOCOL.paragraphs[0].text
    assert all(text[c.start : c.end] == c.text for c in windows)
    assert any(c.text == "Sökt belopp var 157 miljoner medan tilldelningen blev 108 miljoner kronor." for c in windows)
