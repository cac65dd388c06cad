"""Citations and quotes: pure functions from a paragraph (and a question) to text to paste."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

from indexer.models import Paragraph, Protocol
from indexer.sentences import sentence_spans

QUOTE_MAX_CHARS = 450
"""A quote is a sentence or two; longer windows stop reading like a quote."""

FOCUS_BONUS = 1.0
"""Weight a sentence inside the model's best window gets, in the units of one matched term."""

_WORD = re.compile(r"\w+", re.UNICODE)


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


def best_quote(
    text: str,
    query_terms: Sequence[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Mapping[str, float],
    skip: int = 0,
    focus: tuple[int, int] | None = None,
) -> str:
    """The sentence or two of `text` that share the most (idf-weighted) terms with the question.

    `normalise` maps words to the same stems the keyword index uses; `skip` characters at the
    start (the heading) are not quoted unless nothing else matches. `focus` is the span the model
    found closest to the question: its sentences are preferred, and quoted when no word matches.
    Always an exact substring of `text`.
    """
    spans = sentence_spans(text)
    if not spans:
        return text
    wanted = set(query_terms)
    weights = [
        sum(idf.get(t, 1.0) for t in set(normalise(_WORD.findall(text[s:e].lower()))) if t in wanted)
        for s, e in spans
    ]
    if focus is not None:
        # The model's choice counts as much as half the best word match (or decides alone).
        bonus = max(0.5 * max(weights), FOCUS_BONUS)
        weights = [w + bonus if focus[0] <= s and e <= focus[1] else w for w, (s, e) in zip(weights, spans)]
    best: tuple[float, int, int] | None = None
    for i, (s, _e) in enumerate(spans):
        for j in (i, i + 1):
            if j >= len(spans) or (spans[j][1] - s > QUOTE_MAX_CHARS and j > i):
                continue
            score = sum(weights[i : j + 1])
            words = max(1, len(_WORD.findall(text[s : spans[j][1]])))
            # Prefer dense matches: the same terms in fewer words; headings only as a last resort.
            score = score / math.log(words + 8) - (0.5 if s < skip else 0.0)
            if best is None or score > best[0] + 1e-9:
                best = (score, s, spans[j][1])
    if best is None:  # pragma: no cover - spans is never empty here
        return text
    _, start, end = best
    if best[0] <= 0:
        start, end = _first_body_sentence(spans, skip)
    quote = text[start:end]
    if len(quote) > QUOTE_MAX_CHARS:
        cut = quote.rfind(" ", 0, QUOTE_MAX_CHARS)
        quote = quote[: cut if cut > 0 else QUOTE_MAX_CHARS]
    return quote


def _first_body_sentence(spans: list[tuple[int, int]], skip: int) -> tuple[int, int]:
    for s, e in spans:
        if s >= skip:
            return s, e
    return spans[0]
