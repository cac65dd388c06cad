"""Index builds with the fake embedder on the real corpus: counts, incremental updates, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from indexer.build import build_index
from indexer.chunk import ChunkSettings
from indexer.errors import IndexMismatchError, IndexMissingError, ProtocolParseError
from indexer.index.store import MANIFEST, load_index, read_chunks, read_protocols, stored_vectors
from indexer.models import ChunkKind
from tests.conftest import SMALL_CORPUS
from tests.fakes import FakeEmbedder


def test_whole_corpus_builds_with_manifest(corpus_copy: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    report = build_index(corpus_copy, tmp_path / "idx", fake_embedder)
    assert report.files == 18 and report.errors == ()
    assert report.paragraphs == 644
    assert report.chunks >= report.paragraphs
    index = load_index(tmp_path / "idx", expected_model=fake_embedder.name)
    manifest = index.manifest
    assert manifest["model"] == fake_embedder.name and manifest["dimension"] == FakeEmbedder.dimension
    assert set(manifest["files"]) == {p.name for p in corpus_copy.glob("*.txt")}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    assert manifest["chunking"]["max_words"] > 100 and "created" in manifest
    chunks, protocols = read_chunks(index.path), read_protocols(index.path)
    assert index.vectors.ntotal == len(chunks) == report.chunks == index.tables.n_chunks
    assert index.tables.n_paragraphs == 644 and len(index.paragraphs) == 644
    # Every chunk's text is exactly the slice of its paragraph it claims to be, and its integer
    # paragraph id names that paragraph.
    for i, chunk in enumerate(chunks):
        paragraph = protocols[chunk.file].paragraphs[chunk.position]
        assert paragraph.number == chunk.paragraph
        assert paragraph.text[chunk.start : chunk.end] == chunk.text
        assert index.paragraphs.get(int(index.tables.chunk_paragraph[i])) == paragraph
    # Stored vectors are the embedder's vectors of the embedded text.
    vectors = stored_vectors(index)
    assert np.allclose(vectors[5], fake_embedder.embed_documents([chunks[5].embed_text])[0])
    # The keyword index is stored, one document per paragraph chunk.
    assert (index.path / "keyword").is_dir()
    assert index.keyword.size == sum(1 for c in chunks if c.kind is ChunkKind.PARAGRAPH)


def test_second_build_reembeds_nothing_and_changed_file_alone(small_corpus: Path, tmp_path: Path) -> None:
    first = FakeEmbedder()
    build_index(small_corpus, tmp_path / "idx", first)
    second = FakeEmbedder()
    report = build_index(small_corpus, tmp_path / "idx", second)
    assert second.documents_embedded == 0 and report.embedded == 0 and report.reused == report.chunks

    changed = small_corpus / "000_a1d265b92dc01c91.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("balanskontot", "utjämningskontot"), "utf-8")
    third = FakeEmbedder()
    report = build_index(small_corpus, tmp_path / "idx", third)
    file_chunks = [c for c in read_chunks(tmp_path / "idx") if c.file == changed.name]
    assert 0 < third.documents_embedded <= len(file_chunks)
    assert any("utjämningskontot" in c.text for c in file_chunks)

    (small_corpus / "002_7e54b8903ea3b20c.txt").unlink()
    build_index(small_corpus, tmp_path / "idx", FakeEmbedder())
    assert "002_7e54b8903ea3b20c.txt" not in read_protocols(tmp_path / "idx")
    assert all(c.file != "002_7e54b8903ea3b20c.txt" for c in read_chunks(tmp_path / "idx"))


def test_broken_files_are_reported_and_the_rest_indexed(small_corpus: Path, tmp_path: Path) -> None:
    (small_corpus / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (small_corpus / "empty.txt").write_bytes(b"")
    (small_corpus / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (small_corpus / "latin1.txt").write_bytes(
        "Kommunstyrelsen\nSammanträdesdatum: 2024-01-10\n\n§ 1 Val av justerare\nÅsa Öberg väljs.\n".encode("cp1252")
    )
    (small_corpus / "noparagraphs.txt").write_text(
        "Anteckningar från mötet om skolskjutsar.\nInga paragrafer här, bara löptext.\n", encoding="utf-8"
    )
    report = build_index(small_corpus, tmp_path / "idx", FakeEmbedder())
    failed = {e.file: e.message for e in report.errors}
    assert set(failed) == {"binary.txt", "empty.txt", "blank.txt"}
    assert "binary.txt" in failed["binary.txt"] and "empty" in failed["empty.txt"]
    assert report.files == len(SMALL_CORPUS) + 2  # and latin1.txt, noparagraphs.txt; not the three broken ones
    latin = read_protocols(tmp_path / "idx")["latin1.txt"]
    assert "Åsa Öberg" in latin.paragraphs[0].text
    loose = [c for c in read_chunks(tmp_path / "idx") if c.file == "noparagraphs.txt" and c.kind is ChunkKind.PARAGRAPH]
    assert len(loose) == 1 and "skolskjutsar" in loose[0].text
    assert any(w.file == "noparagraphs.txt" for w in report.warnings)


def test_nothing_to_index_keeps_the_old_index(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("§ 1 Öppnande\nMötet öppnas.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "idx", FakeEmbedder())
    before = (tmp_path / "idx" / MANIFEST).read_text()
    (corpus / "a.txt").write_bytes(b"")
    with pytest.raises(ProtocolParseError, match="nothing to index.*a.txt"):
        build_index(corpus, tmp_path / "idx", FakeEmbedder())
    assert (tmp_path / "idx" / MANIFEST).read_text() == before


def test_crash_while_embedding_leaves_old_index(small_corpus: Path, tmp_path: Path) -> None:
    build_index(small_corpus, tmp_path / "idx", FakeEmbedder())
    before = json.loads((tmp_path / "idx" / MANIFEST).read_text())

    class Exploding(FakeEmbedder):
        def embed_documents(self, texts, batch_size=32):  # type: ignore[no-untyped-def]
            raise RuntimeError("power cut")

    (small_corpus / "new.txt").write_text("§ 1 Ny paragraf\nNågot helt nytt om cykelbanor.\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="power cut"):
        build_index(small_corpus, tmp_path / "idx", Exploding())
    assert json.loads((tmp_path / "idx" / MANIFEST).read_text()) == before
    assert load_index(tmp_path / "idx").vectors.ntotal == sum(f["chunks"] for f in before["files"].values())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".idx.build-")] == []


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="protokoll index"):
        load_index(tmp_path / "nowhere")


def test_index_of_another_model_is_a_clear_error(small_corpus: Path, tmp_path: Path) -> None:
    build_index(small_corpus, tmp_path / "idx", FakeEmbedder("model-a"))
    with pytest.raises(IndexMismatchError, match="'model-a'.*'model-b'"):
        load_index(tmp_path / "idx", expected_model="model-b")


def test_other_model_rebuild_reembeds_everything(small_corpus: Path, tmp_path: Path) -> None:
    build_index(small_corpus, tmp_path / "idx", FakeEmbedder("model-a"))
    other = FakeEmbedder("model-b")
    report = build_index(small_corpus, tmp_path / "idx", other)
    assert report.reused == 0 and other.documents_embedded == report.chunks
    assert load_index(tmp_path / "idx").model == "model-b"


def test_new_chunk_settings_reuse_every_unchanged_text(small_corpus: Path, tmp_path: Path) -> None:
    build_index(small_corpus, tmp_path / "idx", FakeEmbedder(), ChunkSettings(window_words=60))
    second = FakeEmbedder()
    report = build_index(small_corpus, tmp_path / "idx", second, ChunkSettings(window_words=40))
    index = load_index(tmp_path / "idx")
    paragraph_chunks = sum(1 for c in read_chunks(index.path) if c.kind is ChunkKind.PARAGRAPH)
    assert 0 < report.embedded <= report.chunks - paragraph_chunks  # only new windows were embedded
    assert index.manifest["chunking"]["window_words"] == 40


def test_a_rebuild_parses_only_new_or_changed_files(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.build
    from indexer.parse.protocol import parse_protocol
    from indexer.read.text import read_protocol_text

    build_index(small_corpus, tmp_path / "idx", FakeEmbedder())
    parsed: list[str] = []
    real = indexer.build.parse_file

    def counting(path: Path) -> object:
        parsed.append(path.name)
        return real(path)

    monkeypatch.setattr(indexer.build, "parse_file", counting)
    report = build_index(small_corpus, tmp_path / "idx", FakeEmbedder())
    assert parsed == [] and report.files_read == 0  # nothing changed: every protocol comes from the index
    changed = small_corpus / "000_a1d265b92dc01c91.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("yrkesvux", "yrkesvuxen"), encoding="utf-8")
    report = build_index(small_corpus, tmp_path / "idx", FakeEmbedder())
    assert parsed == ["000_a1d265b92dc01c91.txt"] and report.files_read == 1
    # What is reused is what a parse gives.
    stored = read_protocols(tmp_path / "idx")
    for name in ("002_7e54b8903ea3b20c.txt", "Lomma_Barn-och-utbildningsnamnden_2023-09-12.txt"):
        assert stored[name] == parse_protocol(read_protocol_text(small_corpus / name), name)


def test_a_changed_parser_parses_everything_again(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.build

    build_index(small_corpus, tmp_path / "idx", FakeEmbedder())
    monkeypatch.setattr(indexer.build, "parser_version", lambda: "another-parser")
    parsed: list[str] = []
    real = indexer.build.parse_file
    monkeypatch.setattr(
        indexer.build, "parse_file", lambda path: parsed.append(path.name) or real(path)
    )
    build_index(small_corpus, tmp_path / "idx", FakeEmbedder())
    assert sorted(parsed) == sorted(SMALL_CORPUS)
