"""The same protocol in two formats (the PDF and the DOCX of one meeting) is indexed once.

Two parsed protocols are the same meeting when they have the same paragraph numbers and their
normalised texts (casefolded words, furniture already removed by each reader) share most word
trigrams. Formats differ in what they keep (a PDF's joined hyphenations, a web page's lost header
table), so the test is a resemblance, not equality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.models import Protocol

SAME_TEXT_MIN = 0.8
"""Trigram Jaccard at or above which two protocols with the same §§ are one meeting. Measured: the
bundled corpus's distinct protocols resemble each other at most 0.02; a protocol and its PDF, DOCX or
HTML rendering built in the tests resemble each other at 0.93 or more."""

FORMAT_PREFERENCE = ("pdf", "docx", "html", "txt")
"""Which copy is kept: the PDF first, because only its paragraphs know their pages (cited as `s. 14`)."""

_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Duplicate:
    """`dropped` is the same meeting as `kept` (file names); `resemblance` their trigram Jaccard."""

    dropped: str
    kept: str
    resemblance: float

    @property
    def message(self) -> str:
        return (
            f"{self.dropped}: the same protocol as {self.kept} ({self.resemblance:.0%} of the text alike); "
            f"indexed once, from {self.kept}"
        )


def _trigrams(protocol: Protocol) -> set[tuple[str, str, str]]:
    words = _WORD_RE.findall(" ".join(p.text for p in protocol.paragraphs).casefold())
    return set(zip(words, words[1:], words[2:]))


def _signature(protocol: Protocol) -> tuple[str, ...]:
    return tuple(p.number for p in protocol.paragraphs)


def _rank(protocol: Protocol) -> tuple[int, str]:
    kind = protocol.format if protocol.format in FORMAT_PREFERENCE else "txt"
    return FORMAT_PREFERENCE.index(kind), protocol.source


def resemblance(a: set[tuple[str, str, str]], b: set[tuple[str, str, str]]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def find_duplicates(protocols: list[Protocol]) -> list[Duplicate]:
    """Each protocol that repeats another (same §§, alike text), paired with the copy that is kept."""
    groups: dict[tuple[str, ...], list[Protocol]] = {}
    for protocol in protocols:
        groups.setdefault(_signature(protocol), []).append(protocol)
    found: list[Duplicate] = []
    for group in groups.values():
        if len(group) < 2:
            continue
        kept: list[tuple[Protocol, set[tuple[str, str, str]]]] = []
        for protocol in sorted(group, key=_rank):
            grams = _trigrams(protocol)
            match = next(((k, r) for k, g in kept if (r := resemblance(grams, g)) >= SAME_TEXT_MIN), None)
            if match is None:
                kept.append((protocol, grams))
            else:
                found.append(Duplicate(protocol.source, match[0].source, match[1]))
    return found
