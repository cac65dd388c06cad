"""Citations and quotes: pure functions from a paragraph (and a question) to text to paste."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from indexer.keyword import WORD
from indexer.models import Paragraph, Protocol
from indexer.sentences import sentence_spans

QUOTE_MAX_CHARS = 450
"""A quote is a sentence or two; longer windows stop reading like a quote."""

QUOTE_MIN_WORDS = 6
ANSWER_REACH = 2
"""How many sentences after a match an answer of the asked-for kind may stand."""
FOCUS_BONUS = 1.0
"""Weight a sentence inside the model's best window gets, in the units of one matched term."""


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


_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
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
    body = [span for span in spans if span[0] >= skip] or spans
    wanted = set(query_terms)
    weights = [
        sum(idf(t, 1.0) for t in set(normalise(WORD.findall(text[s:e].lower()))) if t in wanted)
        for s, e in body
    ]
    unit = max(max(weights), FOCUS_BONUS)
    for i, (s, e) in enumerate(body):
        if focus is not None and focus[0] <= s and e <= focus[1]:
            weights[i] += 0.5 * unit
    # The asked-for kind counts only near the question's words or in the model's window: a vote
    # result ("Ja: 6, Nej: 5") follows the sentences that say what was voted on.
    near = [max(weights[max(0, i - ANSWER_REACH) : i + 1]) > 0 for i in range(len(body))]
    for i, (s, e) in enumerate(body):
        if answer is not None and near[i] and answer.search(text[s:e]):
            weights[i] += unit
    best = (0.0, body[0][0], body[0][1])
    for min_words in (QUOTE_MIN_WORDS, 1):  # a label like "Omröstning" is no quote, unless all are
        for i, (s, _e) in enumerate(body):
            for j in range(i, min(i + 3, len(body))):
                if j > i and body[j][1] - s > QUOTE_MAX_CHARS:
                    break
                words = len(WORD.findall(text[s : body[j][1]]))
                if words < min_words:
                    continue
                # The same weight in fewer words is the better quote.
                score = sum(weights[i : j + 1]) / math.log(words + 8)
                if score > best[0] + 1e-9:
                    best = (score, s, body[j][1])
        if best[0] > 0:
            break
    quote = text[best[1] : best[2]]
    if len(quote) > QUOTE_MAX_CHARS:
        cut = quote.rfind(" ", 0, QUOTE_MAX_CHARS)
        quote = quote[: cut if cut > 0 else QUOTE_MAX_CHARS]
    return quote


