"""The keyword index: the streaming BM25 build against bm25s itself, and scoring over postings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.index.keyword import (
    EMPTY_DOCUMENT,
    KeywordIndex,
    analyze,
    analyze_query,
    build_keyword_index,
    stem,
    stopwords,
)
from indexer.index.store import read_chunks
from indexer.models import ChunkKind
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def texts(corpus_index: Path) -> list[str]:
    return [c.embed_text for c in read_chunks(corpus_index) if c.kind is ChunkKind.PARAGRAPH] + ["", "!!"]


def test_build_gives_the_scores_bm25s_gives(texts: list[str], tmp_path: Path) -> None:
    import bm25s

    build_keyword_index(texts, tmp_path / "ours")
    reference = bm25s.BM25()  # Lucene BM25, k1 1.5, b 0.75
    reference.index([analyze(t) or [EMPTY_DOCUMENT] for t in texts], show_progress=False)
    ours = KeywordIndex(tmp_path / "ours")
    assert ours.size == len(texts)
    for term, token in reference.vocab_dict.items():
        if term == "":
            continue
        expected = reference.get_scores([token])
        docs, scores = ours.scores([term])
        got = np.zeros(len(texts), dtype=np.float32)
        got[docs] = scores
        assert np.allclose(got, expected, rtol=1e-5, atol=1e-6), term


def test_bm25s_reads_the_saved_folder(texts: list[str], tmp_path: Path) -> None:
    import bm25s

    build_keyword_index(texts, tmp_path / "ours")
    loaded = bm25s.BM25.load(str(tmp_path / "ours"), show_progress=False)
    ours = KeywordIndex(tmp_path / "ours")
    terms = analyze_query("Vad beslutades om balanskontot och statsbidrag till yrkesvux?")
    docs, scores = ours.scores(terms)
    expected = loaded.get_scores([t for t in terms if t in loaded.vocab_dict])
    assert np.flatnonzero(expected).tolist() == docs.tolist()
    assert np.allclose(expected[docs], scores, rtol=1e-5)


def test_repeated_and_unknown_terms(texts: list[str], tmp_path: Path) -> None:
    build_keyword_index(texts, tmp_path / "k")
    index = KeywordIndex(tmp_path / "k")
    once_docs, once = index.scores(["balanskontot"])
    twice_docs, twice = index.scores(["balanskontot", "balanskontot", "zzzokänt"])
    assert once_docs.tolist() == twice_docs.tolist() and np.allclose(twice, 2 * once)
    assert index.scores(["zzzokänt"])[0].size == 0
    assert index.idf("zzzokänt", 7.0) == 7.0 and index.idf("balanskontot") > index.idf("skol")


def test_the_stopwords_are_bm25s_swedish_ones_read_without_importing_bm25s() -> None:
    from bm25s.stopwords import STOPWORDS_SWEDISH

    assert stopwords() == frozenset(STOPWORDS_SWEDISH)
    script = (
        "import sys\nfrom indexer.index.keyword import analyze_query\n"
        "assert analyze_query('Vad beslutades om skolan och yrkesvux?') == ['skolan', 'yrkesvux']\n"
        "print(sorted(m for m in ('bm25s', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr[-2000:]


def test_same_word_terms_are_the_forms_the_stemmer_left_apart(tmp_path: Path) -> None:
    build_keyword_index(["Tilldelningen blev 108 miljoner.", "Riksdagen fastställer antalet.", "Tillfället."], tmp_path)
    index = KeywordIndex(tmp_path)
    assert "tilldelning" in index.vocab and "fastställ" in index.vocab
    assert index.same_word_terms("tilldel", 6) == ["tilldel", "tilldelning"]  # terms it begins
    assert index.same_word_terms("fastställd", 6) == ["fastställd", "fastställ"]  # terms that begin it
    assert index.same_word_terms("fastställd", 10) == ["fastställd"]  # `fastställ` is shorter than asked
    assert index.same_word_terms("miljonär", 6) == ["miljonär", "miljon"]  # a false friend too: it only ever
    # makes "only elsewhere" say less
    assert index.same_word_terms("antalet", 6) == ["antalet"]  # `antal` has 5 letters


def test_the_archive_holds_a_word_in_any_form_or_inside_a_compound(tmp_path: Path) -> None:
    build_keyword_index(["Göteborgs medborgarvittnen avvecklas.", "Skolskjutsreglerna revideras."], tmp_path)
    index = KeywordIndex(tmp_path)
    assert index.holds(stem(["medborgarvittnena"])[0])  # another ending of the same word
    assert index.holds(stem(["medborgarvittne"])[0])
    assert index.holds(stem(["skolskjuts"])[0])  # the start of a compound
    assert index.holds(stem(["reglerna"])[0])  # inside a compound
    assert not index.holds(stem(["snöröjning"])[0])
    assert not index.holds(stem(["begravningsplats"])[0])
