"""Citations and quotes: pure functions from a paragraph (and a question) to text to paste."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from indexer.keyword import WORD
from indexer.models import Paragraph, Protocol
from indexer.parse_header import SWEDISH_MONTHS
from indexer.sentences import sentence_spans

QUOTE_MAX_CHARS = 450
"""A quote is a sentence or two; longer windows stop reading like a quote."""

QUOTE_MIN_WORDS = 6
ANSWER_REACH = 2
"""How many sentences after a match an answer of the asked-for kind may stand."""
FOCUS_BONUS = 1.0
"""The smallest unit of weight: one matched term's idf when the question matched nothing better."""
FOCUS_SHARE = 0.5
"""A sentence inside the model's best window gains half a unit (the best sentence's weight)."""
QUOTE_MAX_SENTENCES = 3
LENGTH_DAMPING = 8
"""A quote's weight is divided by log(words + 8): the same weight in fewer words wins, gently."""


def paragraph_label(protocol: Protocol, paragraph: Paragraph) -> str:
    """`§ 97` for paragraphs, `punkt 4` for numbered agenda items of protocols without § signs."""
    if not paragraph.number:
        return "hela protokollet"
    uses_sign = "§" in paragraph.text[:40]
    return f"§ {paragraph.number}" if uses_sign else f"punkt {paragraph.number}"


def cite(protocol: Protocol, paragraph: Paragraph) -> str:
    """A citation ready to paste: organisation, body, `protokoll DATE`, § and case number."""
    parts = [x for x in (protocol.organisation, protocol.body) if x]
    parts.append(f"protokoll {protocol.date}" if protocol.date else "protokoll (odaterat)")
    parts.append(paragraph_label(protocol, paragraph))
    citation = ", ".join(parts)
    return f"{citation} ({paragraph.case_number})" if paragraph.case_number else citation


_MONTHS = "|".join(SWEDISH_MONTHS)
ANSWER_KINDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    # (what the question asks, what a sentence that answers it contains)
    (re.compile(r"^\W*(vad kostar|hur mycket (kostar|pengar)|vilket belopp)|\b(kostar|kostnad\w*|avgift\w*|pris)\b",
                re.I),
     re.compile(r"\d[\d  ]*(,\d+)?\s*(kr\b|kronor|miljon|miljard|mnkr|tkr|mkr)", re.I)),
    (re.compile(r"^\W*(hur (mycket|många|stor|stora|stort|lång|långa|hög|höga))\b", re.I), re.compile(r"\d")),
    (re.compile(r"^\W*(när|vilket datum|vilka datum|från vilket datum|hur länge|till när)\b", re.I),
     re.compile(rf"\d{{1,2}}/\d{{1,2}}|\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}} ({_MONTHS})|\b(19|20)\d\d\b"
                r"|\d{1,2}[:.]\d{2}", re.I)),
    (re.compile(r"^\W*(hur röstade|hur föll omröstningen|hur gick omröstningen)", re.I),
     re.compile(r"\b\d+\s*(ja|nej|röster|–|-)\b|\b(ja|nej)\s*:\s*\d|\bröst|\bvoter|\breserv", re.I)),
    (re.compile(r"^\W*(vem|vilka personer)\b", re.I), re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+ [A-ZÅÄÖ][a-zåäöé]+")),
)
"""Question words that ask for a kind of answer (an amount, a date, a vote, a person), and how a
sentence that gives one looks. A sentence of that kind weighs as much as the best matched word."""


def answer_pattern(question: str) -> re.Pattern[str] | None:
    """What an answering sentence contains for this question, when the question word tells."""
    for asks, answers in ANSWER_KINDS:
        if asks.search(question):
            return answers
    return None


def best_quote(
    text: str,
    query_terms: Sequence[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Callable[[str, float], float],
    skip: int = 0,
    focus: tuple[int, int] | None = None,
    answer: re.Pattern[str] | None = None,
) -> str:
    """The sentence or two of `text` that best answer the question. Always an exact substring.

    A sentence weighs the idf of the question's terms it contains (`normalise` gives the stems the
    keyword index uses, `idf(term, default)` their weight), plus a share when it lies in `focus` (the
    window the model found closest) and when it has the kind of `answer` the question asks for. The
    first `skip` characters (the heading, which repeats the topic but answers nothing) are quoted only
    when nothing else is there.
    """
    spans = sentence_spans(text)
    if not spans:
        return text
    body = np.array([span for span in spans if span[0] >= skip] or spans, dtype=np.int64).reshape(-1, 2)
    counts, weights = _sentence_weights(text, body, set(query_terms), normalise, idf)
    unit = max(float(weights.max()), FOCUS_BONUS)
    if focus is not None:
        weights += FOCUS_SHARE * unit * ((focus[0] <= body[:, 0]) & (body[:, 1] <= focus[1]))
    # The asked-for kind counts only near the question's words or in the model's window: a vote
    # result ("Ja: 6, Nej: 5") follows the sentences that say what was voted on.
    if answer is not None:
        reach = np.convolve(weights > 0, np.ones(ANSWER_REACH + 1), mode="full")[: len(body)] > 0
        for i in np.flatnonzero(reach).tolist():
            if answer.search(text[body[i, 0] : body[i, 1]]):
                weights[i] += unit
    start, end = _best_span(weights, counts, body)
    quote = text[start:end]
    if len(quote) > QUOTE_MAX_CHARS:
        cut = quote.rfind(" ", 0, QUOTE_MAX_CHARS)
        quote = quote[: cut if cut > 0 else QUOTE_MAX_CHARS]
    return quote


def _sentence_weights(
    text: str,
    body: NDArray[np.int64],
    wanted: set[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Callable[[str, float], float],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Words in each sentence, and the idf of the wanted stems each holds.

    A Swedish Snowball stem is a prefix of its word, so only sentences where a wanted stem occurs as
    a substring are tokenised and stemmed: a paragraph with a roll-call list has thousands of lines.
    """
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer: offsets would shift
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    starts = np.fromiter((m.start() for m in WORD.finditer(lower)), dtype=np.int64)
    counts = np.searchsorted(starts, body[:, 1]) - np.searchsorted(starts, body[:, 0])
    found = [m.start() for stem in wanted for m in re.finditer(re.escape(stem), lower)] if wanted else []
    weights = np.zeros(len(body), dtype=np.float64)
    where = np.searchsorted(body[:, 0], np.asarray(found, dtype=np.int64), side="right") - 1
    for i in np.unique(where[where >= 0]).tolist():
        tokens = WORD.findall(lower[body[i, 0] : body[i, 1]])
        weights[i] = sum(idf(t, 1.0) for t in set(normalise(tokens)) if t in wanted)
    return counts.astype(np.int64), weights


def _best_span(weights: NDArray[np.float64], counts: NDArray[np.int64], spans: NDArray[np.int64]) -> tuple[int, int]:
    """The run of 1–QUOTE_MAX_SENTENCES sentences with the most weight per log(words + damping).

    Runs longer than QUOTE_MAX_CHARS (beyond their first sentence) are out. A run of at least
    QUOTE_MIN_WORDS words is preferred (a label like "Omröstning" is no quote), unless none has
    weight; ties go to the earliest run; with no weight anywhere, the first sentence.
    """
    n = len(weights)
    total_w = np.concatenate(([0.0], np.cumsum(weights)))
    total_c = np.concatenate(([0], np.cumsum(counts)))
    first = np.arange(n)
    scores = np.full((n, QUOTE_MAX_SENTENCES), -np.inf)
    words = np.zeros((n, QUOTE_MAX_SENTENCES), dtype=np.int64)
    for extra in range(QUOTE_MAX_SENTENCES):
        last = first + extra
        fits = last < n
        fits[fits] &= (extra == 0) | (spans[last[fits], 1] - spans[first[fits], 0] <= QUOTE_MAX_CHARS)
        ends = np.minimum(last, n - 1) + 1
        words[:, extra] = total_c[ends] - total_c[first]
        run = (total_w[ends] - total_w[first]) / np.log(words[:, extra] + LENGTH_DAMPING)
        scores[:, extra] = np.where(fits, run, -np.inf)
    for min_words in (QUOTE_MIN_WORDS, 1):
        allowed = np.where(words >= min_words, scores, -np.inf)
        best = int(np.argmax(allowed))  # row-major: earliest start, then fewest sentences
        if allowed.flat[best] > 1e-9:
            i, extra = divmod(best, QUOTE_MAX_SENTENCES)
            return int(spans[i, 0]), int(spans[i + extra, 1])
    return int(spans[0, 0]), int(spans[0, 1])


