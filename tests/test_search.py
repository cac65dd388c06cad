"""Retrieval pieces with the fake embedder: FAISS against brute force, fusion, hits and quotes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.search import MAX_QUERY_CHARS, Ranking, Searcher, best_per_paragraph, clean_query, dense_scores, fuse, zscores
from indexer.build import build_index
from indexer.errors import QueryError
from indexer.store import load_index, stored_vectors
from tests.conftest import FakeEmbedder


def test_dense_scores_match_numpy_brute_force(searcher: Searcher) -> None:
    query = searcher.embedder.embed_query("statsbidrag till regionalt yrkesvux")
    oracle = stored_vectors(searcher.index) @ query
    assert np.allclose(dense_scores(searcher.index, query), oracle, atol=1e-5)


def test_best_per_paragraph_takes_the_best_chunk() -> None:
    keys = [("a", "1"), ("a", "1"), ("b", "2")]
    ranking = best_per_paragraph(np.array([0.1, 0.9, 0.5], dtype=np.float32), keys)
    assert ranking.keys == (("a", "1"), ("b", "2"))
    assert ranking.scores == pytest.approx((0.9, 0.5))


def test_zscores_and_fusion() -> None:
    a = Ranking((("f", "1"), ("f", "2"), ("f", "3")), (3.0, 2.0, 1.0))
    b = Ranking((("f", "2"), ("f", "3"), ("f", "1")), (30.0, 20.0, 10.0))
    assert zscores(a)[("f", "2")] == pytest.approx(0.0)
    assert zscores(b)[("f", "2")] == pytest.approx(zscores(a)[("f", "1")])  # scale does not matter
    fused = fuse([a, b], [1.0, 1.0])
    assert max(fused, key=fused.__getitem__) == ("f", "2")
    assert fuse([a, b], [1.0, 0.0]) == pytest.approx(zscores(a))
    flat = Ranking((("f", "1"), ("f", "2")), (0.0, 0.0))
    assert zscores(flat) == {("f", "1"): 0.0, ("f", "2"): 0.0}
    partial = Ranking((("f", "9"),), (5.0,))
    assert ("f", "9") in fuse([a, partial], [1.0, 1.0])


@pytest.mark.parametrize("question", ["", "   ", "\n\t "])
def test_empty_question_is_refused(question: str) -> None:
    with pytest.raises(QueryError, match="empty"):
        clean_query(question)


def test_long_question_is_cut_not_refused(searcher: Searcher) -> None:
    question = ("Vad beslutades om balanskontot och yrkesvux? " * 500)[:20_000]
    assert len(clean_query(question)) == MAX_QUERY_CHARS
    hits = searcher.search(question, k=3)
    assert len(hits) == 3


def test_hits_carry_citation_fields_and_exact_quotes(searcher: Searcher) -> None:
    hits = searcher.search("Vad beslutades om balanskontot?", k=10)
    assert [h.rank for h in hits] == list(range(1, 11))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({(h.file, h.paragraph) for h in hits}) == 10
    for hit in hits:
        assert hit.file and hit.paragraph and hit.organisation and hit.body and hit.citation
        assert hit.date and len(hit.date) == 10
        assert hit.quote and hit.quote in hit.text
    # The one paragraph that mentions balanskontot leads the keyword ranking, and the search.
    keyword = best_per_paragraph(searcher.keyword.scores("Vad beslutades om balanskontot?"), searcher.keyword_keys)
    assert keyword.keys[0] == ("000_a1d265b92dc01c91.txt", "97")
    top = searcher.search("balanskontot", k=1)[0]
    assert (top.file, top.paragraph) == ("000_a1d265b92dc01c91.txt", "97")
    assert "balanskontot" in top.quote


def test_k_larger_than_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("§ 1 Öppnande\nMötet öppnas.\n\n§ 2 Avslutning\nMötet avslutas.\n", "utf-8")
    embedder = FakeEmbedder()
    build_index(corpus, tmp_path / "idx", embedder)
    hits = Searcher(load_index(tmp_path / "idx"), embedder).search("avslutning", k=50)
    assert [h.paragraph for h in hits][:1] == ["2"] and len(hits) == 2
