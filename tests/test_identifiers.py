"""Case numbers and person names: one key for every written form, and the index from key to paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.index.identifiers import (
    CASE_IN_QUESTION,
    CASE_WITHOUT_PREFIX,
    IdentifierIndex,
    build_identifiers,
    case_refs,
    people_in,
    person_key,
)
from indexer.parse.protocol import parse_protocol
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("SLK-2025-00144", "SLK2025:144"),
        ("BUN/2023:206", "BUN2023:206"),
        ("SN/2026:110", "SN2026:110"),
        ("Dnr KS 2024/15", "KS2024:15"),
        ("KS 2024.123", "KS2024:123"),
        ("KFN/2023:18", "KFN2023:18"),
    ],
)
def test_every_written_form_gives_one_key(written: str, key: str) -> None:
    assert [r.key for r in case_refs(written)] == [key]


def test_questions_may_write_case_numbers_in_lower_case_and_with_suffixes() -> None:
    refs = case_refs("slk-2024-00754 och bun/2023:16 samt SLK-2024-00010:-1", CASE_IN_QUESTION)
    assert [(r.key, r.full_key, r.prefix) for r in refs] == [
        ("SLK2024:754", "SLK2024:754", "SLK"),
        ("BUN2023:16", "BUN2023:16", "BUN"),
        ("SLK2024:10", "SLK2024:10:-1", "SLK"),
    ]
    assert case_refs("slk-2024-00754") == []  # in protocols, prefixes are upper case


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Jonas Attenius (S)", "jonas attenius"),
        ("Ordföranden Jonas Attenius (S)", "jonas attenius"),
        ("Tina Hededal, Essunga", "tina hededal"),
        ("Fredrik Karström (M), Ordförande", "fredrik karström"),
        ("Johanna Martin (M), Askersund kommun", "johanna martin"),
    ],
)
def test_person_keys(name: str, key: str) -> None:
    assert person_key(name) == key


def test_people_named_in_text_need_a_known_name_or_first_name() -> None:
    text = "Johan Strömberg informerar. Regionens Hus ligger i Skövde. Anna Svensson yrkar bifall."
    assert people_in(text, {"anna svensson"}, {"johan", "anna"}) == {"johan strömberg", "anna svensson"}
    assert people_in(text, set(), set()) == set()


Corpus = tuple[IdentifierIndex, list[tuple[str, str, str | None, str]]]


@pytest.fixture(scope="module")
def corpus_identifiers() -> Corpus:
    protocols = [parse_protocol(p.read_text(encoding="utf-8"), p.name) for p in sorted(CORPUS.glob("*.txt"))]
    rows = [(p.source, x.number, x.case_number, x.text) for p in protocols for x in p.paragraphs]
    return build_identifiers(protocols), rows


def test_every_paragraph_is_found_by_its_own_case_number(corpus_identifiers: Corpus) -> None:
    index, rows = corpus_identifiers
    checked = 0
    for pid, (_, _, case_number, _) in enumerate(rows):
        for ref in case_refs(case_number or ""):
            own, _ = index.case(ref)
            assert pid in own.tolist(), case_number
            checked += 1
    assert checked > 400


def test_a_case_number_only_cited_in_a_text_finds_that_paragraph(corpus_identifiers: Corpus) -> None:
    index, rows = corpus_identifiers
    own, cited = index.case(case_refs("BUN/2023:203")[0])
    assert own.size == 0
    assert [(rows[p][0], rows[p][1]) for p in cited.tolist()] == [
        ("Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt", "71")
    ]


def test_a_written_suffix_narrows_to_that_paragraph(corpus_identifiers: Corpus) -> None:
    index, rows = corpus_identifiers
    broad, _ = index.case(case_refs("SLK-2025-00006", CASE_IN_QUESTION)[0])
    narrow, _ = index.case(case_refs("SLK-2025-00006:18", CASE_IN_QUESTION)[0])
    assert 0 < narrow.size < broad.size
    assert all(rows[p][2] == "SLK-2025-00006:18" for p in narrow.tolist())


def test_identifier_index_round_trips_through_its_file(corpus_identifiers: Corpus, tmp_path: Path) -> None:
    index, _ = corpus_identifiers
    index.save(tmp_path / "identifiers.json")
    loaded = IdentifierIndex.load(tmp_path / "identifiers.json")
    assert loaded.to_json() == index.to_json()
    assert {"SLK", "BUN", "SN", "KFN"} <= loaded.prefixes


def test_a_number_without_prefix_finds_it_under_every_prefix(corpus_identifiers: Corpus) -> None:
    index, _ = corpus_identifiers
    bare = case_refs("2024-00689", CASE_WITHOUT_PREFIX)[0]
    full = case_refs("SLK-2024-00689")[0]
    assert [a.tolist() for a in index.case(bare)] == [a.tolist() for a in index.case(full)]
    assert index.case(full)[0].size >= 2
