"""Matters across meetings on the real corpus (fake embedder): golden paths, lookups, lists, hits, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import indexer.model.embed
from app.cli import main
from app.contract import JSON_KEYS
from app.matters import APPEARANCE_KEYS, LIST_KEYS, MATTER_KEYS, find_matters, list_matters, matter_json
from app.search import Searcher
from indexer.errors import QueryError
from indexer.index.matters import build_matters, case_key, title_key
from indexer.index.store import read_protocols
from indexer.models import Filters, Outcome
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder

GOLDEN = json.loads((ROOT / "tests" / "data" / "matter_paths.json").read_text("utf-8"))
STEP_KEYS = ("date", "body", "paragraph", "file", "outcome", "proposal_to", "proposed")


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda g: g["case"])
def test_golden_matter_paths(golden: dict[str, object], searcher: Searcher) -> None:
    [matter] = find_matters(searcher.index, str(golden["case"]), str(golden["organisation"]))
    data = matter_json(searcher.index, matter)
    got = [tuple(a[k] for k in STEP_KEYS) for a in data["appearances"]]  # type: ignore[attr-defined]
    want = [tuple(a[k] for k in STEP_KEYS) for a in golden["appearances"]]  # type: ignore[attr-defined]
    assert got == want
    assert data["status"] == want[-1][4]


def test_the_golden_paths_cover_goteborg_ks_kf_and_lomma() -> None:
    bodies = {a["body"] for g in GOLDEN for a in g["appearances"]}
    assert {"Kommunstyrelsen", "Kommunfullmäktige", "Barn- och utbildningsnämnden", "Socialnämnden"} <= bodies
    assert len(GOLDEN) >= 10


def test_the_issue_example_ks_tables_proposes_and_kf_rejects(searcher: Searcher) -> None:
    [matter] = find_matters(searcher.index, "SLK-2024-00704")
    data = matter_json(searcher.index, matter)
    assert tuple(data) == MATTER_KEYS
    steps = data["appearances"]
    assert [tuple(a) for a in steps] == [APPEARANCE_KEYS] * 3
    assert [(a["body"], a["paragraph"], a["outcome"], a["proposal_to"], a["proposed"]) for a in steps] == [
        ("Kommunstyrelsen", "1039", "bordläggning", None, None),
        ("Kommunstyrelsen", "29", "förslag", "Kommunfullmäktige", "avslag"),
        ("Kommunfullmäktige", "345", "avslag", None, None),
    ]
    assert data["status"] == "avslag" and data["title"].startswith("Motion av Simona Mohamsson (L)")
    assert steps[2]["citation"] == "Göteborgs Stad, Kommunfullmäktige, protokoll 2025-06-12, § 345 (SLK-2024-00704)"
    assert [m["persons"] for m in steps[1]["motions"]] == [["Axel Josefson (M)"], ["Daniel Bernmar (V)"]]


@pytest.mark.parametrize("written", ["SLK-2024-00704", "slk-2024-704", "SLK 2024-00704", "2024-00704"])
def test_a_case_number_in_any_form_finds_its_matter(written: str, searcher: Searcher) -> None:
    assert [m.id for m in find_matters(searcher.index, written)] == ["SLK-2024-00704"]


def test_unknown_and_malformed_case_numbers(searcher: Searcher) -> None:
    assert find_matters(searcher.index, "SLK-2099-00001") == []
    assert find_matters(searcher.index, "SLK-2024-00704", "Lomma kommun") == []
    with pytest.raises(QueryError, match="inget ärendenummer"):
        find_matters(searcher.index, "allvarsamtal")


def test_the_same_case_number_twice_in_one_meeting(searcher: Searcher) -> None:
    [matter] = find_matters(searcher.index, "BUN/2023:16")
    steps = [(a["date"], a["paragraph"]) for a in matter_json(searcher.index, matter)["appearances"]]
    # BUN 2023-10-10 has the matter at § 59 and § 70: both, in paragraph order.
    assert steps == [("2023-09-12", "57"), ("2023-10-10", "59"), ("2023-10-10", "70")]


def test_a_suffix_belongs_to_its_matter() -> None:
    assert case_key("SLK-2024-00010:-1") == ("SLK2024:10", "SLK-2024-00010")
    assert case_key("SLK-2025-00006:18") == ("SLK2025:6", "SLK-2025-00006")
    assert case_key("Dnr 17") == ("DNR 17", "Dnr 17")


def test_matters_count_as_the_issue_measured(corpus_index: Path) -> None:
    matters = build_matters(list(read_protocols(corpus_index).values()))
    assert len(matters) >= 400
    several = [m for m in matters.matters if len(m.paragraphs) > 1]
    assert len(several) >= 119


def test_recurring_items_are_related_not_one_matter(searcher: Searcher) -> None:
    hits = searcher.search("Anmälan av jäv vid sammanträdet", k=5, filters=Filters(bodies=("Kommunstyrelsen",)))
    jav = next(h for h in hits if h.title == "Anmälan av jäv vid sammanträdet")
    # Göteborg files each year's jäv under one case number: the year is a matter, other years are related.
    own = {(s.file, s.paragraph) for s in jav.matter_path}
    assert jav.matter is not None and (jav.file, jav.paragraph) in own
    assert len(jav.related) >= 3
    assert not own & {(s.file, s.paragraph) for s in jav.related}
    assert {s.date[:4] for s in jav.related if s.date} != {s.date[:4] for s in jav.matter_path if s.date}
    assert title_key("Protokoll från personalutskottet 2025-12-03") == title_key(
        "Protokoll från personalutskottet 2025-11-19"
    )


def test_hits_carry_their_matter(searcher: Searcher) -> None:
    hit = searcher.search("Vad beslutades i ärende SLK-2024-00704?", k=1)[0]
    assert (hit.matter, hit.outcome, hit.matter_appearances) == ("SLK-2024-00704", "avslag", 3)
    assert [s.paragraph for s in hit.matter_path] == ["1039", "29", "345"]
    assert hit.matter_path[1].proposal_to == "Kommunfullmäktige" and hit.matter_path[1].proposed == "avslag"


def test_list_matters_filters_by_body_date_and_outcome(searcher: Searcher) -> None:
    rows = list_matters(searcher.index, Filters(bodies=("Kommunfullmäktige",)), "avslag")
    assert rows and all(r.status is Outcome.AVSLAG for r in rows)
    assert "SLK-2024-00704" in [r.matter.id for r in rows]
    assert [r.latest_date for r in rows] == sorted((r.latest_date for r in rows), reverse=True)
    in_2023 = list_matters(searcher.index, Filters(date_from="2023-01-01", date_to="2023-12-31"))
    assert in_2023 and {r.matter.organisation for r in in_2023} == {"Lomma kommun"}
    assert tuple(rows[0].to_json()) == LIST_KEYS
    with pytest.raises(QueryError, match="okänt utfall"):
        list_matters(searcher.index, None, "vunnen")


@pytest.fixture
def built(index_copy: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(indexer.model.embed, "SentenceTransformerEmbedder", FakeEmbedder)
    return str(index_copy)


def test_cli_matter_json_text_and_errors(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matter", "BUN/2023:206", "--index", built, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert tuple(data) == MATTER_KEYS and data["organisation"] == "Lomma kommun"
    [step] = data["appearances"]
    assert [(v["yes"], v["no"], v["abstain"]) for v in step["votes"]] == [(7, 4, 0), (7, 2, 2)]
    assert step["votes"][1]["text"] == "Ja 7, Nej 2, Avstår 2."
    assert len(step["reservations"]) == 3
    assert main(["matter", "SLK-2024-00704", "--index", built]) == 0
    text = capsys.readouterr().out
    assert "Status: avslag" in text and "förslag → Kommunfullmäktige: avslag" in text
    assert main(["matter", "SLK-2099-00001", "--index", built]) == 1
    assert "finns inte i protokollen" in capsys.readouterr().err
    assert main(["matter", "hej", "--index", built]) == 1
    assert "inget ärendenummer" in capsys.readouterr().err


def test_cli_matters_list(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matters", "--index", built, "--body", "Kommunfullmäktige", "--outcome", "avslag", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(tuple(r) == LIST_KEYS and r["status"] == "avslag" for r in rows)
    assert main(["matters", "--index", built, "--from", "2023-01-01", "--to", "2023-12-31"]) == 0
    assert "BUN/2023:206" in capsys.readouterr().out
    assert main(["matters", "--index", built, "--outcome", "x"]) == 1
    assert main(["matters", "--index", built, "--body", "Nämnden för X"]) == 1
    capsys.readouterr()
    assert main(["search", "allvarsamtal", "--index", built, "--model", "fake", "-k", "1", "--json"]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert tuple(hit) == JSON_KEYS and hit["matter"] == "SLK-2024-00704" and hit["matter_appearances"] == 3
