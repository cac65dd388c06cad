"""Retrieval with the fake embedder: the vectorised core against a plain reference, ANN, filters, hits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import app.search
from app.ranking import MISSING, Scale, expand_ranges, fuse, max_per_group
from app.search import MAX_QUERY_CHARS, WEIGHTS, Searcher, asked_year_title, clean_query
from indexer.build import build_index
from indexer.errors import QueryError
from indexer.index.keyword import analyze_query
from indexer.index.store import load_index, read_chunks, read_protocols, stored_vectors
from indexer.index.vectors import top_k
from indexer.models import ChunkKind, Filters
from tests.fakes import FakeEmbedder

QUESTIONS = (
    "Vad beslutades om balanskontot?",
    "Hur mycket statsbidrag fick regionalt yrkesvux?",
    "mobilfri grundskola",
    "Vem var ordförande?",
    "lokalförsörjningsplan för socialnämnden",
    "nattåg till Göteborg",
)


def reference_ranking(searcher: Searcher, question: str) -> list[tuple[int, float]]:
    """Today's fusion written plainly: every chunk scored, z-scores over all paragraphs, dicts and loops."""
    index = searcher.index
    chunks = read_chunks(index.path)
    text = clean_query(question)
    similarity = stored_vectors(index) @ searcher.embedder.embed_query(text)
    docs, doc_scores = index.keyword.scores(analyze_query(text))
    keyword = dict(zip(docs.tolist(), doc_scores.tolist()))
    paragraph_of = index.tables.chunk_paragraph.tolist()
    doc_of_chunk = {c: d for d, c in enumerate(index.tables.keyword_chunk.tolist())}
    views: list[dict[int, float]] = [{}, {}, {}]
    for i, chunk in enumerate(chunks):
        pid = paragraph_of[i]
        view = 1 if chunk.kind is ChunkKind.WINDOW else 0
        views[view][pid] = max(views[view].get(pid, -np.inf), float(similarity[i]))
        if view == 0:
            views[2][pid] = max(views[2].get(pid, -np.inf), keyword.get(doc_of_chunk[i], 0.0))
    fused: dict[int, float] = {}
    for view, weight in zip(views, WEIGHTS):
        values = np.array(list(view.values()))
        mean, sd = values.mean(), values.std()
        z = {pid: (s - mean) / sd for pid, s in view.items()}
        floor = min(z.values())
        for pid in views[0]:
            fused[pid] = fused.get(pid, 0.0) + weight * z.get(pid, floor)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


@pytest.mark.parametrize("question", QUESTIONS)
def test_candidates_rank_like_fusion_over_every_paragraph(searcher: Searcher, question: str) -> None:
    expected = reference_ranking(searcher, question)[:10]
    ranked = searcher._rank(searcher.prepare(question), 10, None)
    assert ranked.paragraphs.tolist() == [pid for pid, _ in expected]
    assert ranked.scores == pytest.approx([score for _, score in expected], abs=1e-6)


@pytest.mark.parametrize("question", QUESTIONS[:3])
def test_a_sample_estimates_the_scale_on_large_indexes(
    searcher: Searcher, question: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a sample of a third of the paragraphs, the top of the ranking hardly moves.
    monkeypatch.setattr(app.search, "NORM_SAMPLE", 215)
    sampled = Searcher(searcher.index, searcher.embedder)
    assert sampled._sample.size == 215
    full = [pid for pid, _ in reference_ranking(searcher, question)[:5]]
    top = sampled._rank(sampled.prepare(question), 5, None).paragraphs.tolist()
    assert top[0] == full[0] and len(set(top) & set(full)) >= 4


finite = st.floats(min_value=-50, max_value=50, allow_nan=False, width=32)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), finite), min_size=1, max_size=60))
def test_max_per_group_is_a_plain_max(pairs: list[tuple[int, float]]) -> None:
    groups = np.array([g for g, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.float32)
    out = max_per_group(values, groups, 8)
    for g in range(8):
        members = [v for gg, v in zip(groups.tolist(), values.tolist()) if gg == g]
        assert out[g] == (max(members) if members else MISSING)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 6)), max_size=15))
def test_expand_ranges_lists_every_row(pairs: list[tuple[int, int]]) -> None:
    ranges = np.array([(s, s + n) for s, n in pairs], dtype=np.int64).reshape(len(pairs), 2)
    rows, owner = expand_ranges(ranges)
    expected = [(r, i) for i, (s, e) in enumerate(ranges.tolist()) for r in range(s, e)]
    assert list(zip(rows.tolist(), owner.tolist())) == expected


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_fusion_and_top_k_match_a_reference(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 30))
    views = [
        np.array(data.draw(st.lists(st.one_of(finite, st.just(-np.inf)), min_size=n, max_size=n))) for _ in range(3)
    ]
    weights = data.draw(st.tuples(*[st.floats(0, 2, allow_nan=False)] * 3))
    k = data.draw(st.integers(0, n + 2))
    scales = [Scale.of(v) for v in views]
    fused = fuse(views, scales, weights)
    # Reference: per view, plain Python mean/sd over present scores, missing → lowest present.
    expected = [0.0] * n
    for view, weight in zip(views, weights):
        present = [float(x) for x in view if x > -np.inf]
        if not present:
            continue
        mean = sum(present) / len(present)
        sd = (sum((x - mean) ** 2 for x in present) / len(present)) ** 0.5
        for i, x in enumerate(view.tolist()):
            z = 0.0 if sd == 0 else ((x if x > -np.inf else min(present)) - mean) / sd
            expected[i] += weight * z
    assert fused == pytest.approx(expected, abs=1e-6, rel=1e-6)
    order = top_k(fused, k, tiebreak=np.arange(n, dtype=np.int64))
    reference = sorted(range(n), key=lambda i: (-fused[i], i))[:k]
    assert order.tolist() == reference


def test_hnsw_index_finds_what_exact_search_finds(
    corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss

    import indexer.index.vectors

    monkeypatch.setattr(indexer.index.vectors, "FLAT_MAX_CHUNKS", 100)
    embedder = FakeEmbedder()
    build_index(corpus_copy, tmp_path / "hnsw", embedder)
    index = load_index(tmp_path / "hnsw")
    assert index.manifest["vectors"]["type"] == "hnsw" and isinstance(index.vectors, faiss.IndexHNSW)
    vectors = stored_vectors(index)
    searcher = Searcher(index, embedder)
    overlap = []
    for question in QUESTIONS:
        query = embedder.embed_query(question)
        exact = set(np.argsort(-(vectors @ query))[:10].tolist())
        found, _ = indexer.index.vectors.search_vectors(index.vectors, query, 10)
        overlap.append(len(exact & set(found.tolist())) / 10)
        assert searcher.search(question, k=5)  # the whole search runs on the graph
    assert np.mean(overlap) >= 0.95
    # A filter on the graph: as a bitmap selector inside the walk, and as an exact scan when narrow.
    kommunstyrelsen = Filters(bodies=("Kommunstyrelsen",))
    for exact_below in (0, 10**6):
        monkeypatch.setattr(indexer.index.vectors, "EXACT_FILTER_MAX", exact_below)
        hits = searcher.search("skolans budget", k=10, filters=kommunstyrelsen)
        assert len(hits) == 10 and {h.body for h in hits} == {"Kommunstyrelsen"}


def test_filters_return_only_allowed_paragraphs_and_k_of_them(searcher: Searcher) -> None:
    protocols = read_protocols(searcher.index.path)
    question = "balanskontot"
    assert searcher.search(question, k=3)[0].body == "Skol- och utbildningschefer"

    hits = searcher.search(question, k=10, filters=Filters(bodies=("kommunstyrelsen",)))
    assert len(hits) == 10 and {h.body for h in hits} == {"Kommunstyrelsen"}

    period = Filters(date_from="2025-03-01", date_to="2025-06-30")
    hits = searcher.search("skola", k=10, filters=period)
    assert len(hits) == 10 and all("2025-03-01" <= str(h.date) <= "2025-06-30" for h in hits)

    hits = searcher.search("information", k=20, filters=Filters(decisions_only=True))
    assert len(hits) == 20
    decided = {(p.source, para.number) for p in protocols.values() for para in p.paragraphs if para.decision}
    assert all((h.file, h.paragraph) in decided for h in hits)

    # A filter that leaves fewer paragraphs than k returns all of them.
    small = Filters(bodies=("Skol- och utbildningschefer",), decisions_only=True)
    allowed = searcher.paragraphs_allowed(small)
    assert 0 < allowed < 60
    assert len(searcher.search("skola", k=60, filters=small)) == allowed


def test_impossible_and_unknown_filters(searcher: Searcher) -> None:
    none = Filters(date_from="2030-01-01")
    assert searcher.paragraphs_allowed(none) == 0 and searcher.search("skola", filters=none) == []
    with pytest.raises(QueryError, match="Kommunstyrelsen"):
        searcher.search("skola", filters=Filters(bodies=("Regeringen",)))
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        searcher.search("skola", filters=Filters(date_to="12 mars"))


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
    # The one paragraph that mentions balanskontot leads the keyword view, and the search.
    keyword = searcher.rank_views("Vad beslutades om balanskontot?", (0.0, 0.0, 1.0), k=1)
    assert keyword == [("000_a1d265b92dc01c91.txt", "97")]
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


@pytest.mark.parametrize(
    ("asked", "titles", "moved"),
    [
        ({"2025"}, ["Budget 2026 för kommunstyrelsen", "Yrkande om budget", "Budget 2025 för kommunstyrelsen"], 2),
        ({"2025"}, ["Budget 2025 för kommunstyrelsen", "Budget 2026 för kommunstyrelsen"], None),  # already first
        ({"2024"}, ["Riksnorm ekonomiskt bistånd 2025", "Kompletterande budget oktober 2024 för år 2025"], None),
        ({"2021"}, ["Redovisning av vad som genomförts under 2020", "Verksamhetsplan för 2021"], None),  # no year
        ({"2024"}, ["Kvalitetsberättelse 2025", "Revidering av styrdokument för kvalitet"], None),
    ],
)
def test_the_matter_of_the_asked_year_is_ranked_first(asked: set[str], titles: list[str], moved: int | None) -> None:
    assert asked_year_title(asked, titles) == moved


def test_a_meeting_named_by_its_order_is_read_as_its_date(searcher: Searcher) -> None:
    latest = searcher.facts("Vad beslutade kommunstyrelsen i Göteborg på sitt senaste möte?")
    assert (latest.filters.date_from, latest.filters.date_to) == ("2026-01-14", "2026-01-14")
    assert latest.kind.value == "agenda" and latest.text.endswith("senaste möte?")
    last_of_year = searcher.facts("Vem höll tacktal på kommunstyrelsens sista sammanträde 2025?")
    assert last_of_year.filters.date_from == "2025-12-10" and last_of_year.meeting_dated
    first = searcher.facts("Vad beslutade barn- och utbildningsnämnden i Lomma på sitt första sammanträde?")
    assert first.filters.date_from == "2023-09-12"
    # a date the question gives wins; an order with no such meeting changes nothing
    assert searcher.facts("Vad hände på senaste mötet den 12 mars 2025?").filters.date_from == "2025-03-12"
    assert searcher.facts("Vad beslutades på sista mötet 1999?").filters.date_from is None
