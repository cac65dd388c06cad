"""What a named person proposed: the matters they brought (a title naming them) and their yrkanden (a sentence
naming them with "yrkar"), newest first. For "Vad har Axel Darvik föreslagit?" (`Kind.PROPOSALS`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.cite import AUTHORED_TITLE, title_span
from indexer.parse.sentences import quote_spans

MOVES = re.compile(r"\byrka[rd]?\b|\byrkat\b", re.IGNORECASE)
"""A sentence in which someone moves something: "Axel Darvik (L) yrkar bifall till motionen."."""


def proposal_span(text: str, title: str, person: str) -> tuple[int, int] | None:
    """Where a paragraph shows `person` (lower case) proposing: its title, when it names them as the one who
    brought the matter ("Motion av Axel Darvik (L) och …"); else the first sentence naming them with "yrkar"."""
    if AUTHORED_TITLE.match(title) and person in title.lower():
        span = title_span(text, title)
        if span is not None:
            return span
    lowered = text.lower()
    for start, end in quote_spans(text):
        if person in lowered[start:end] and MOVES.search(text, start, end):
            return start, end
    return None


def on_topic(text: str, stems: Sequence[str]) -> bool:
    """Whether the text holds one of the topic's stems, inside a compound too (`parkering` in
    "boendeparkering", "Parkerings AB")."""
    lowered = text.lower()
    return any(s in lowered for s in stems)
