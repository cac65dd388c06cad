"""Who held a role at a meeting when the protocol's header does not say: the sentences that name them.

Göteborg's protocols (11 of the 18 bundled) have no signature block. Their justerare are named in a
paragraph of their own (KS 2025-12-10, § 933 "Val av justerare": "Hampus Magnusson (M) utses att jämte
ordföranden justera dagens protokoll."; KS 2026-01-14, § 1: "Protokollen ska justeras av ordföranden och
2:e vice ordföranden …"), fullmäktige's chair in that same sentence ("… justerar dagens protokoll
tillsammans med ordföranden Aslan Akbas (S) …"), and the KS chair where he moves or puts a question
("På förslag av ordföranden Jonas Attenius (S):").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.cite import QUOTE_MAX_CHARS
from indexer.models import Role
from indexer.parse.sentences import quote_spans

PERSON = r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:[ -][A-ZÅÄÖÉ][a-zåäöéü]+)+\s*\([A-ZÅÄÖ]{1,3}\)"
"""A name with its party, as Göteborg's protocols write people: `Dan-Ove Marcelind (KD)`."""

STATEMENTS: dict[Role, re.Pattern[str]] = {
    Role.JUSTERARE: re.compile(
        rf"{PERSON}[^.]*?\bjuster\w*\s(?:[^.]*?\s)?protokoll|\bjusteras\s+av\s+(?:ordföranden\b|[^.]*?{PERSON})"
    ),
    Role.ORDFORANDE: re.compile(rf"\b(?i:ordföranden)\s+{PERSON}"),
}
"""A sentence naming who held the role (only the roles a protocol's text names this way)."""

Span = tuple[int, int]


def _line_span(text: str, start: int, end: int) -> Span:
    """The lines of `text` holding text[start:end], without the line breaks around them."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def statement_span(text: str, role: Role) -> Span | None:
    """Offsets in `text` of the sentences naming who held `role` (first to last), or None.

    A "sentence" longer than a quote (a header's list of names) gives way to the lines of the match.
    """
    pattern = STATEMENTS.get(role)
    if pattern is None:
        return None
    found: list[Span] = []
    for start, end in quote_spans(text):
        m = pattern.search(text, start, end)
        if m is None:
            continue
        found.append((start, end) if end - start <= QUOTE_MAX_CHARS else _line_span(text, m.start(), m.end()))
    return (found[0][0], found[-1][1]) if found else None


def first_statement(texts: Sequence[str], role: Role) -> tuple[int, Span] | None:
    """(index, span) of the first of `texts` (a protocol's header, then its paragraphs in order) that
    names who held `role`."""
    for i, text in enumerate(texts):
        span = statement_span(text, role)
        if span is not None:
            return i, span
    return None
