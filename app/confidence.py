"""Does the best hit answer the question? Signals measured per question, and the rule that reads them.

The fused z-score alone cannot tell (issue #11: unanswerable questions scored 3.5–11.1, answerable ones
from below that up), and neither can word coverage or the raw cosine: on the project's 343 questions
(tests/eval/*.jsonl) unanswerable questions covered *more* of their words (median 0.35 vs 0.51 for
answerable ones, but with a long answerable tail down to 0: paraphrases share few words by design) and
had a *higher* best cosine (median 0.88 vs 0.89). What separates them is specific: a question the
protocols cannot answer names something they never mention together with the topic — a place, a
school, a company, a year (“Karstorpskolan”, “Gothia Towers”, “yrkesvux 2024” where the protocol has
2025). So the rule is: every proper noun, acronym and number of the question must occur in one of the
best hits (or be the year of its meeting). See docs/confidence.md for the calibration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.cite import answer_pattern
from app.query import DATE_PHRASE
from indexer.keyword import QUESTION_WORDS, analyze_query, analyze_tokens, stem, words
from indexer.sentences import quote_spans

if TYPE_CHECKING:
    from indexer.models import Hit

SPECIFIC_HITS = 3
"""Specific words must occur in one of the 3 best hits (a matter's name may sit in the KS paragraph
while the KF paragraph ranks first)."""
STEM_MIN = 4
"""A specific word is found when its stem (at least 4 letters) is in the text: `Renovas` → `renova`."""

PARTY = re.compile(r"(?:(?:socialdemokrat|moderat|sverigedemokrat|vänsterpart|centerpart|liberal|kristdemokrat"
                   r"|miljöpart|demokraterna)\w*|(?:s|m|sd|v|c|l|kd|mp|d)(?::s)?)$")
"""Party names and letters: protocols name parties by letter, questions by name."""

UNKNOWN_IDF = 8.0
"""Weight of a stem the archive never uses (the rarest stems of the bundled corpus weigh 7.4)."""

_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉa-zåäöéü]+)?")
_ACRONYM = re.compile(r"(?<![\w-])[A-ZÅÄÖ]{2,6}(?![\w-])")
_NUMBER = re.compile(r"(?<![\w:/.-])\d{2,}(?:[  ]\d{3})*(?![\w:/-])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)\W*$")


@dataclass(frozen=True, slots=True)
class Signals:
    """`specific`: the question's proper nouns, acronyms and numbers; `uncovered`: those none of the best
    hits holds; `score`: the best hit's fused z-score."""

    specific: tuple[str, ...]
    uncovered: tuple[str, ...]
    score: float
    typed: bool = False
    evidence: float = 1.0


def specific_words(question: str, known: Iterable[str] = ()) -> list[str]:
    """Proper nouns (capitalised, not starting a sentence), acronyms and numbers of a question.

    `known` are words the question may use that name the meeting, not the topic (bodies, organisations):
    the search prefers their paragraphs instead, so they are not asked of the hit; nor are the meeting's
    date and party names (protocols write "(M)" where a question writes "Moderaterna").
    """
    skip = {w.lower() for name in known for w in re.findall(r"[\wåäöé]+", name)}
    skip |= {w[:-1] for w in skip if w.endswith("s")}
    question = DATE_PHRASE.sub(lambda m: " " * len(m.group(0)), question)
    found: list[tuple[int, str]] = []
    for pattern in (_CAPITALISED, _ACRONYM, _NUMBER):
        for m in pattern.finditer(question):
            word = m.group(0)
            if pattern is _CAPITALISED and _SENTENCE_START.search(question[: m.start()]):
                continue
            lowered = word.lower()
            if lowered in QUESTION_WORDS or lowered in skip or lowered.rstrip("s") in skip or (
                    PARTY.match(lowered)):
                continue
            found.append((m.start(), word))
    return list(dict.fromkeys(word for _, word in sorted(found)))


def _present(word: str, texts: Sequence[str], years: set[str]) -> bool:
    if word.isdigit() or word.replace(" ", "").replace(" ", "").isdigit():
        digits = word.replace(" ", "").replace(" ", "")
        return digits in years or any(digits in t.replace(" ", "").replace(" ", "") for t in texts)
    lowered = word.lower()
    stems = stem([lowered]) or [lowered]
    key = stems[0] if len(stems[0]) >= STEM_MIN else lowered
    return any(key in t for t in texts)


def evidence(question: str, hits: Sequence[Hit], idf: Callable[[str, float], float], known: Iterable[str] = ()
             ) -> tuple[bool, float]:
    """For a question asking for an amount, a number, a date or a person: the largest idf-weighted share of
    the question's content stems that one sentence of the best hits holds together with such an answer."""
    pattern = answer_pattern(question)
    if pattern is None:
        return False, 1.0
    skip = set(analyze_query(" ".join(known)))
    terms = {t for t in analyze_query(question) if t not in skip}
    if not terms:
        return True, 1.0
    weights = {t: idf(t, UNKNOWN_IDF) for t in terms}
    total = sum(weights.values()) or 1.0
    best = 0.0
    for hit in hits[:SPECIFIC_HITS]:
        for start, end in quote_spans(hit.text):
            sentence = hit.text[start:end]
            if pattern.search(sentence):
                held = set(analyze_tokens(words(sentence)))
                best = max(best, sum(w for t, w in weights.items() if t in held) / total)
    return True, best


def signals(question: str, hits: Sequence[Hit], known: Iterable[str] = (),
            idf: Callable[[str, float], float] | None = None) -> Signals:
    """The specific words of the question and those the best hits lack."""
    best = hits[:SPECIFIC_HITS]
    texts = [f"{h.title}\n{h.text}".lower() for h in best]
    years: set[str] = set()  # a bare year is the topic's; the meeting's date is read by app.query
    known = tuple(known)
    specific = specific_words(question, known)
    uncovered = tuple(w for w in specific if not _present(w, texts, years))
    typed, held = evidence(question, hits, idf, known) if idf is not None else (False, 1.0)
    return Signals(tuple(specific), uncovered, hits[0].score if hits else 0.0, typed, round(held, 4))


def is_confident(found: Signals) -> bool:
    """Every specific word of the question is in one of the best hits."""
    return not found.uncovered
