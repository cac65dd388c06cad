"""Quote quality on tests/eval/quotes.jsonl: does the quote hold the sentence a reader would quote?

Run by hand: `.venv/bin/python bench/eval_quotes.py [--verbose]`. For each question the quote is
taken from its gold paragraph the way `Searcher._hit` takes it (question stems, the keyword index's
idf, the § heading line skipped, the asked-for answer kind), without the model's window (`focus`),
so no model is loaded. A quote counts as a hit when it holds at least half of the words of the
hand-picked answer sentence; "whole answer" counts the quotes that hold all of it. Printed for the
quote before section headings were left out (`sentence_spans`, its code kept below as it was) and
for today's `best_quote_span`, both with today's answer kinds. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from app.cite import (
    ANSWER_REACH,
    FOCUS_BONUS,
    LENGTH_DAMPING,
    QUOTE_MAX_CHARS,
    QUOTE_MAX_SENTENCES,
    QUOTE_MIN_WORDS,
    answer_pattern,
    best_quote_span,
)
from indexer.index.keyword import WORD, KeywordIndex, analyze_query, analyze_tokens, build_keyword_index
from indexer.parse.protocol import parse_protocol
from indexer.parse.sentences import heading_spans, sentence_spans
from indexer.read.files import list_protocol_files
from indexer.read.text import read_protocol_text

ROOT = Path(__file__).resolve().parent.parent
QUOTES = ROOT / "tests/eval/quotes.jsonl"
HIT_SHARE = 0.5
"""A quote answers when it holds at least this share of the answer sentence's words."""


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    question: str
    text: str
    answer: str


def load_cases(corpus: Path) -> tuple[list[Case], list[str]]:
    """The quote questions with their gold paragraph's text, and every paragraph text of the corpus."""
    paragraphs: dict[tuple[str, str], str] = {}
    for path in list_protocol_files(corpus):
        protocol = parse_protocol(read_protocol_text(path), path.name)
        for paragraph in protocol.paragraphs:
            paragraphs[(path.name, paragraph.number)] = paragraph.text
    cases = []
    for line in QUOTES.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = paragraphs[(row["file"], row["paragraph"])]
        if row["answer"] not in text:
            raise ValueError(f"{QUOTES.name}: {row['id']}: the answer is not in {row['file']} § {row['paragraph']}")
        cases.append(Case(row["id"], row["question"], text, row["answer"]))
    return cases, list(paragraphs.values())


def word_share(quote: str, answer: str) -> float:
    """The share of the answer's (lower-cased) words that the quote holds."""
    wanted = set(WORD.findall(answer.lower()))
    return len(wanted & set(WORD.findall(quote.lower()))) / max(len(wanted), 1)


def holds_heading(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds a whole section heading line."""
    return any(start <= s and e <= end for s, e in heading_spans(text))


QuoteSpan = Callable[..., tuple[int, int]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--verbose", action="store_true", help="print the quotes that miss")
    args = parser.parse_args()
    cases, texts = load_cases(Path(args.corpus))
    with tempfile.TemporaryDirectory() as folder:
        build_keyword_index(texts, Path(folder))
        idf = KeywordIndex(Path(folder)).idf
        print(f"{'quote':<22}{'n':>5}{'hits':>7}{'share':>8}{'whole answer':>14}{'with heading':>14}")
        for name, quote_span in (("old (sentence_spans)", old_quote_span), ("new (quote_spans)", best_quote_span)):
            hits = wholes = headings = 0
            for case in cases:
                heading_end = case.text.find("\n")
                start, end = quote_span(
                    case.text,
                    analyze_query(case.question),
                    analyze_tokens,
                    idf,
                    skip=heading_end if heading_end > 0 else 0,
                    answer=answer_pattern(case.question),
                )
                quote = case.text[start:end]
                hit = word_share(quote, case.answer) >= HIT_SHARE
                hits += hit
                answer_start = case.text.find(case.answer)
                wholes += start <= answer_start and answer_start + len(case.answer) <= end
                headings += holds_heading(case.text, start, end)
                if args.verbose and not hit:
                    print(
                        f"    miss {case.id}: {case.question}\n      quote:  {' '.join(quote.split())[:200]}\n"
                        f"      answer: {' '.join(case.answer.split())[:200]}"
                    )
            print(f"{name:<22}{len(cases):>5}{hits:>7}{hits / len(cases):>8.2f}{wholes:>14}{headings:>14}")


# The quote before section headings were left out, as app/cite.py had it: the baseline.


def old_quote_span(
    text: str,
    query_terms: Sequence[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Callable[[str, float], float],
    skip: int = 0,
    focus: tuple[int, int] | None = None,
    answer: re.Pattern[str] | None = None,
) -> tuple[int, int]:
    spans = sentence_spans(text)
    if not spans:
        return 0, len(text)
    body = np.array([span for span in spans if span[0] >= skip] or spans, dtype=np.int64).reshape(-1, 2)
    counts, weights = _old_weights(text, body, set(query_terms), normalise, idf)
    unit = max(float(weights.max()), FOCUS_BONUS)
    if answer is not None:
        reach = np.convolve(weights > 0, np.ones(ANSWER_REACH + 1), mode="full")[: len(body)] > 0
        for i in np.flatnonzero(reach).tolist():
            if answer.search(text[body[i, 0] : body[i, 1]]):
                weights[i] += unit
    start, end = _old_best_span(weights, counts, body)
    if end - start > QUOTE_MAX_CHARS:
        cut = text[start:end].rfind(" ", 0, QUOTE_MAX_CHARS)
        end = start + (cut if cut > 0 else QUOTE_MAX_CHARS)
    return start, end


def _old_weights(
    text: str,
    body: NDArray[np.int64],
    wanted: set[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Callable[[str, float], float],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    lower = text.lower()
    if len(lower) != len(text):
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


def _old_best_span(
    weights: NDArray[np.float64], counts: NDArray[np.int64], spans: NDArray[np.int64]
) -> tuple[int, int]:
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
        best = int(np.argmax(allowed))
        if allowed.flat[best] > 1e-9:
            i, extra = divmod(best, QUOTE_MAX_SENTENCES)
            return int(spans[i, 0]), int(spans[i + extra, 1])
    return int(spans[0, 0]), int(spans[0, 1])


if __name__ == "__main__":
    main()
