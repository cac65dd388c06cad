"""Where a paragraph shows a person proposing (app/proposals.py)."""

from __future__ import annotations

from app.proposals import proposal_span

MOTION = "§ 61\n\nMotion av Axel Darvik (L) och Eva Flyborg (L) om en\nberedning\n\nBeslut\n\nMotionen avslås."
TITLE = "Motion av Axel Darvik (L) och Eva Flyborg (L) om en beredning"
YRKANDEN = "Yrkanden\n\nAxel Darvik (L) yrkar bifall till motionen.\nBlerta Hoti (S) yrkar avslag på motionen."


def quoted(text: str, title: str, person: str) -> str | None:
    span = proposal_span(text, title, person)
    return None if span is None else text[span[0] : span[1]]


def test_a_matter_the_person_brought_is_quoted_by_its_title() -> None:
    assert quoted(MOTION, TITLE, "eva flyborg") == "Motion av Axel Darvik (L) och Eva Flyborg (L) om en\nberedning"


def test_a_yrkande_is_quoted_by_the_sentence_naming_the_person() -> None:
    assert quoted(YRKANDEN, "Motion om en beredning", "blerta hoti") == "Blerta Hoti (S) yrkar avslag på motionen."


def test_a_paragraph_that_only_mentions_the_person_shows_no_proposal() -> None:
    text = "Beslut\n\nAxel Darvik (L) förordnas som kommunalråd."
    assert quoted(text, "Förordnande av kommunalråd", "axel darvik") is None
    assert quoted(YRKANDEN, "Motion om en beredning", "eva flyborg") is None
