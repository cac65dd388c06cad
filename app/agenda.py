"""What a dated meeting dealt with: its paragraphs in order, each title quoted with its outcome."""

from __future__ import annotations

from collections.abc import Sequence

from app.parts import PROPOSED, Part, meeting_framing, number_label
from indexer.index.keyword import words
from indexer.models import Hit

TITLE_TYPE_WORDS = 5
"""A title names its kind of matter in its first words: "Motion av …", "Svar på Liberalernas motion …"."""


def titled_as(title: str, types: Sequence[str]) -> bool:
    """Whether a paragraph's title names one of these kinds of matter (AGENDA_TYPES keys) in its first words."""
    return any(w.startswith(t) for w in words(title)[:TITLE_TYPE_WORDS] for t in types)


AGENDA_OUTCOMES = frozenset({"bifall", "avslag", "återremiss", "bordläggning"})
"""Outcomes an agenda line names (as PROPOSED words it): the rest (a proposal to fullmäktige, a report
noted, an election) the title says."""


def agenda_parts(hits: Sequence[Hit]) -> list[Part]:
    """A meeting's paragraphs in order: the meeting, then each § with its title quoted and its outcome."""
    parts = [Part(f"{meeting_framing(hits[0])}:")]
    for n, hit in enumerate(hits, start=1):
        parts += [Part(f"\n{number_label(hit)} "), Part(hit.quote, n, hit.quote_start, hit.quote_end)]
        if hit.outcome in AGENDA_OUTCOMES:
            parts.append(Part(f" ({PROPOSED[hit.outcome]})"))
    return parts
