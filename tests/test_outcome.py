"""Outcomes, votes, reservations and yrkanden as the parser reads them from the real corpus."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from indexer.models import Outcome, Paragraph
from indexer.parse.outcome import decision_outcome, points
from indexer.parse.protocol import parse_protocol
from indexer.parse.votes import motions, reservations, votes
from indexer.read.files import list_protocol_files
from indexer.read.text import read_protocol_text
from tests.conftest import CORPUS, ROOT

OUTCOME_ACCURACY_MIN = 0.95
"""The issue's floor for outcomes on decisions labelled by hand."""


@cache
def corpus_paragraphs() -> dict[tuple[str, str], Paragraph]:
    found = {}
    for path in list_protocol_files(CORPUS):
        protocol = parse_protocol(read_protocol_text(path), path.name)
        found.update({(path.name, p.number): p for p in protocol.paragraphs})
    return found


def labelled(name: str) -> list[dict[str, str | None]]:
    return [json.loads(line) for line in (ROOT / "tests" / "data" / name).read_text("utf-8").splitlines() if line]


@pytest.mark.parametrize("name", ["outcomes.jsonl", "outcomes_heldout.jsonl"])
def test_outcome_accuracy_on_decisions_labelled_by_hand(name: str) -> None:
    rows = labelled(name)
    paragraphs = corpus_paragraphs()
    right = []
    for row in rows:
        p = paragraphs[(str(row["file"]), str(row["paragraph"]))]
        got = (p.outcome, p.proposal_to, p.proposed)
        want = (
            Outcome(str(row["outcome"])),
            row.get("proposal_to"),
            Outcome(str(row["proposed"])) if row.get("proposed") else None,
        )
        right.append(got == want)
    assert len(rows) >= 70
    assert sum(right) / len(rows) >= OUTCOME_ACCURACY_MIN, [r for r, ok in zip(rows, right) if not ok]


def test_the_labelled_sets_cover_every_outcome() -> None:
    rows = labelled("outcomes.jsonl") + labelled("outcomes_heldout.jsonl")
    assert {Outcome(str(r["outcome"])) for r in rows} == set(Outcome)
    assert len(rows) >= 80


@pytest.mark.parametrize(
    ("decision", "body", "expected"),
    [
        (
            "På förslag av Axel Josefson (M):\nÄrendet bordläggs till sammanträdet den 15 januari 2025.",
            None,
            (Outcome.BORDLAGGNING, None, None),
        ),
        (
            "Kommunstyrelsen föreslår att kommunfullmäktige beslutar:\nDen av Simona Mohamsson väckta motionen avslås.",
            "Kommunstyrelsen",
            (Outcome.FORSLAG, "Kommunfullmäktige", Outcome.AVSLAG),
        ),
        (
            "Enligt kommunstyrelsens förslag:\nDen av Lena Ferm väckta motionen avslås.",
            "Kommunfullmäktige",
            (Outcome.AVSLAG, None, None),
        ),
        (
            "Enligt kommunstyrelsens förslag:\nDen av X väckta motionen anses besvarad.",
            None,
            (Outcome.OVRIGT, None, None),
        ),
        (
            "1. Interpellationen får framställas.\n2. Interpellationen bordläggs till sammanträdet den 26 mars 2026.",
            None,
            (Outcome.BORDLAGGNING, None, None),
        ),
        (
            "Enligt beslutssatserna 1 och 2:\n1. Arvodet fastställs till 1 015 kronor.\n"
            "2. Punkt 3 bordläggs till nästa sammanträde.",
            None,
            (Outcome.BIFALL, None, None),
        ),
        (
            "Socialnämndens arbetsutskott föreslår socialnämnden besluta:\n- att godkänna yttrandet och överlämna det "
            "till kommunrevisionen.",
            "Socialnämnden",
            (Outcome.YTTRANDE, None, None),
        ),
        (
            "Socialnämnden besluta:\n- Att godkänna yttrandet och föreslå kommunfullmäktige att avslå motionen.",
            "Socialnämnden",
            (Outcome.FORSLAG, "Kommunfullmäktige", Outcome.AVSLAG),
        ),
        ("Till ledamot i HBTQI-rådet i stället för A (SD) utses B (SD).", None, (Outcome.VAL, None, None)),
        ("Antecknas.", None, (Outcome.ANTECKNAS, None, None)),
        (
            "Redovisning av uppdraget att revidera riktlinjen antecknas och förklaras fullgjort.",
            None,
            (Outcome.ANTECKNAS, None, None),
        ),
        ("Inga anmälningar förekom.", None, (Outcome.OVRIGT, None, None)),
        (None, None, (None, None, None)),
        ("   ", None, (None, None, None)),
    ],
)
def test_decision_outcome_rules(decision: str | None, body: str | None, expected: tuple[object, ...]) -> None:
    assert decision_outcome(decision, body) == expected


def test_points_keep_their_numbers_and_drop_the_lead() -> None:
    assert points("Enligt kommunstyrelsens förslag:\n1. A godkänns.\n2. B antecknas.") == [
        "1. A godkänns.",
        "2. B antecknas.",
    ]


# Vote results and reservations as a reader counts them in the raw files (independent of the parser).
RAW_VOTES = re.compile(
    r"Omröstningen\s+utfaller\s+med\s+\d+\s+Ja|röstar\s+Ja\s+\(\d+\)|^[ \t]*Ja:?\s+\d+,\s*Nej", re.MULTILINE
)
RAW_RESERVATIONS = re.compile(r"reserverar\s+sig|inkommer med följande skriftliga reservation", re.IGNORECASE)


@pytest.mark.parametrize("path", list_protocol_files(CORPUS), ids=lambda p: p.name)
def test_every_vote_and_reservation_in_the_corpus_is_found(path: Path) -> None:
    text = read_protocol_text(path)
    protocol = parse_protocol(text, path.name)
    assert sum(len(p.votes) for p in protocol.paragraphs) == len(RAW_VOTES.findall(text))
    found = sum(len(p.reservations) for p in protocol.paragraphs)
    assert found == len(RAW_RESERVATIONS.findall(text))
    for p in protocol.paragraphs:
        for record in (*p.votes, *p.reservations, *p.motions):
            assert 0 <= record.start < record.end <= len(p.text)


def test_the_corpus_records_72_votes_and_61_reservations() -> None:
    paragraphs = corpus_paragraphs().values()
    assert sum(len(p.votes) for p in paragraphs) == 72
    assert sum(len(p.reservations) for p in paragraphs) == 61


def test_votes_of_a_council_a_board_and_a_committee() -> None:
    p = corpus_paragraphs()
    council = p[("Goteborg_Kommunfullmaktige_2025-06-12.txt", "332")]
    [vote] = council.votes
    assert (vote.yes, vote.no, vote.abstain) == (43, 38, 0)
    assert (
        vote.proposition
        == "Ja för bifall till kommunstyrelsens förslag. Nej för bifall till yrkandet från Axel Darvik m.fl"
    )
    assert council.text[vote.start : vote.end] == "Omröstningen utfaller med 43 Ja mot 38 Nej."
    lomma = p[("Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt", "72")]
    assert [(v.yes, v.no, v.abstain) for v in lomma.votes] == [(7, 4, 0), (7, 2, 2)]
    assert lomma.votes[0].proposition is not None and "återremittera ärendet röstar nej" in lomma.votes[0].proposition
    for v in lomma.votes:
        assert " ".join(lomma.text[v.proposition_start : v.proposition_end].split()) == v.proposition
    abstained = [v for x in p.values() for v in x.votes if "avstår från att rösta (" in x.text[v.start : v.end]]
    assert abstained and all(v.abstain > 0 for v in abstained)


def test_reservations_name_persons_and_parties() -> None:
    p = corpus_paragraphs()
    lomma = p[("Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt", "72")]
    assert [r.persons for r in lomma.reservations] == [
        ("Thomas Eneström (S)", "Eva Netterlid (S)"),
        ("Natalia Engstedt (SD)",),
        ("Ulf Richeberg (FB)",),
    ]
    council = p[("Goteborg_Kommunfullmaktige_2025-06-12.txt", "332")]
    assert [(r.persons, r.parties) for r in council.reservations] == [((), ("SD",))]
    social = p[("Lomma_Socialnamnden_2026-05-05.txt", "29")]
    assert ("Ida Alm (L)",) in [r.persons for r in social.reservations]
    assert ("Paul Andersson (S)", "Pia Johnson") in [r.persons for r in social.reservations]


def test_yrkanden_say_who_moved_what() -> None:
    p = corpus_paragraphs()[("Goteborg_Kommunstyrelsen_2025-01-15.txt", "29")]
    moved = [(m.persons, p.text[m.start : m.end]) for m in p.motions]
    assert moved == [
        (
            ("Axel Josefson (M)",),
            "Axel Josefson (M) yrkar bifall till yrkande från L, M, D och KD den 10 januari 2025.",
        ),
        (("Daniel Bernmar (V)",), "Daniel Bernmar (V) yrkar att motionen ska avstyrkas."),
    ]


def test_no_record_without_its_words() -> None:
    text = "§ 5 Information\n\nOrdföranden informerar om läget. Inga frågor ställs."
    assert votes(text) == () and reservations(text) == () and motions(text) == ()
