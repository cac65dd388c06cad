"""Follow-up questions: a question without a topic of its own borrows the last turn's (app/conversation.py)."""

from __future__ import annotations

import pytest

from app.conversation import MAX_TURNS, Turn, resolve, topic_terms
from app.search import Searcher

FIRST = "Vad beslutades om mobilfri grundskola?"
MATTER = "SLK-2024-00959"  # KS 2025-03-12 § 205, then KF 2025-06-12 § 353
KF_FILE, KF_PARAGRAPH = "Goteborg_Kommunfullmaktige_2025-06-12.txt", "353"
KS_FILE, KS_PARAGRAPH = "Goteborg_Kommunstyrelsen_2025-03-12.txt", "205"
WITH_MATTER = (Turn(FIRST, FIRST, MATTER),)
WITHOUT_MATTER = (Turn(FIRST, FIRST),)

NO_TOPIC = [
    "Och vad sa fullmäktige?",
    "Hur röstade de?",
    "Vem reserverade sig?",
    "Och kommunstyrelsen?",
    "Vad tyckte nämnden då?",
    "Och sen?",
    "Vad beslutade kommunfullmäktige?",
    "Vad sa KS?",
    "Vilka yrkanden fanns?",
    "Vad blev utfallet?",
    "Hur gick omröstningen?",
    "Vad sa Socialdemokraterna och SD?",
    "Och vad sa fullmäktige om det?",
    "Vad beslutade barn- och utbildningsnämnden?",
    "Och regionfullmäktige?",  # a body the archive lacks is still only a body
    "Och i Lomma?",
    "Och i mars 2025?",
    "Och 2023?",
]


@pytest.mark.parametrize("question", NO_TOPIC)
def test_questions_naming_only_a_meeting_or_body_have_no_topic(searcher: Searcher, question: str) -> None:
    assert topic_terms(searcher, question) == []


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        (FIRST, ["mobilfri", "grundskol"]),
        ("Vad beslutades om balanskontot?", ["balanskontot"]),
        ("Vad sa fullmäktige om skolskjuts?", ["skolskjut"]),
        ("Vad gäller SLK-2024-00959?", ["SLK-2024-00959"]),  # a case number is a topic
        ("Vad beslutades om styrelsearvoden?", ["styrelsearvod"]),  # not a body: a topic
    ],
)
def test_topic_terms_are_what_the_question_asks_about(searcher: Searcher, question: str, terms: list[str]) -> None:
    assert topic_terms(searcher, question) == terms


def test_follow_up_borrows_the_matter_and_lands_on_fullmaktige(searcher: Searcher) -> None:
    bare = searcher.search("Och vad sa fullmäktige?", k=5)
    assert (bare[0].file, bare[0].paragraph) != (KF_FILE, KF_PARAGRAPH)  # alone it finds something else
    resolved = resolve(searcher, "Och vad sa fullmäktige?", WITH_MATTER)
    assert resolved == f"Och vad sa fullmäktige? ({MATTER})"
    hits = searcher.search(resolved, k=5)
    assert (hits[0].file, hits[0].paragraph) == (KF_FILE, KF_PARAGRAPH)


def test_follow_up_naming_kommunstyrelsen_lands_on_its_paragraph(searcher: Searcher) -> None:
    hits = searcher.search(resolve(searcher, "Och kommunstyrelsen?", WITH_MATTER), k=5)
    assert (hits[0].file, hits[0].paragraph) == (KS_FILE, KS_PARAGRAPH)


@pytest.mark.parametrize("question", ["Vad beslutades om balanskontot?", "Vad sa fullmäktige om skolskjuts?"])
def test_follow_up_with_its_own_topic_is_unchanged(searcher: Searcher, question: str) -> None:
    assert resolve(searcher, question, WITH_MATTER) == question
    assert resolve(searcher, question, WITHOUT_MATTER) == question


@pytest.mark.parametrize("question", ["Och vad sa fullmäktige?", "Hur röstade de?", FIRST])
def test_empty_history_leaves_the_question_unchanged(searcher: Searcher, question: str) -> None:
    assert resolve(searcher, question, []) == question


def test_without_a_matter_the_previous_topic_words_are_carried(searcher: Searcher) -> None:
    resolved = resolve(searcher, "Och vad sa fullmäktige?", WITHOUT_MATTER)
    assert resolved == "Och vad sa fullmäktige om mobilfri grundskola?"
    hits = searcher.search(resolved, k=5)
    assert (KF_FILE, KF_PARAGRAPH) in [(h.file, h.paragraph) for h in hits]


def test_a_pointing_back_om_det_is_replaced_by_the_topic(searcher: Searcher) -> None:
    resolved = resolve(searcher, "Och vad sa fullmäktige om det?", WITHOUT_MATTER)
    assert resolved == "Och vad sa fullmäktige om mobilfri grundskola?"


def test_a_case_number_of_the_previous_question_is_carried_without_a_matter(searcher: Searcher) -> None:
    history = [Turn(f"Vad gäller {MATTER}?", f"Vad gäller {MATTER}?")]
    assert resolve(searcher, "Och kommunstyrelsen?", history) == f"Och kommunstyrelsen? ({MATTER})"


@pytest.mark.parametrize(
    ("question", "resolved"),
    [
        ("Och i Lomma?", "Och i Lomma om mobilfri grundskola?"),
        ("Och 2023?", "Och 2023 om mobilfri grundskola?"),
    ],
)
def test_another_organisation_or_time_carries_words_not_the_case_number(
    searcher: Searcher, question: str, resolved: str
) -> None:
    assert resolve(searcher, question, WITH_MATTER) == resolved


def test_only_the_last_turns_topic_is_carried(searcher: Searcher) -> None:
    words_last = [*WITH_MATTER, Turn("Vad beslutades om balanskontot?", "Vad beslutades om balanskontot?")]
    assert resolve(searcher, "Hur röstade de?", words_last) == "Hur röstade de om balanskontot?"
    other = "SLK-2024-01028"  # KF 2025-06-12 § 367, Nordstaden 18:1
    matter_last = [
        *WITHOUT_MATTER,
        Turn("Vad sa fullmäktige om Nordstaden 18:1?", "Vad sa fullmäktige om Nordstaden 18:1?", other),
    ]
    resolved = resolve(searcher, "Hur röstade de?", matter_last)
    assert resolved == f"Hur röstade de? ({other})"
    assert searcher.search(resolved, k=5)[0].matter == other


def test_a_borrowed_topic_is_borrowed_again_not_doubled(searcher: Searcher) -> None:
    second = Turn("Och vad sa fullmäktige?", "Och vad sa fullmäktige om mobilfri grundskola?")
    resolved = resolve(searcher, "Hur röstade de?", [*WITHOUT_MATTER, second])
    assert resolved == "Hur röstade de om mobilfri grundskola?"


def test_a_previous_turn_without_any_topic_leaves_the_question_unchanged(searcher: Searcher) -> None:
    history = [Turn("Och vad sa fullmäktige?", "Och vad sa fullmäktige?")]
    assert resolve(searcher, "Hur röstade de?", history) == "Hur röstade de?"


def test_the_ui_keeps_more_than_one_turn() -> None:
    assert MAX_TURNS >= 2
