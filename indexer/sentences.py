"""Sentence spans of Swedish protocol text, and sentence windows built from them."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(
    r"(?<=[.!?:])\s+(?=[\"”»(\-–•*]?[A-ZÅÄÖÉ0-9])"  # end of sentence before a capital or a digit
    r"|\n\s*\n"  # a blank line
    r"|\n(?=\s*(?:[-–•*]|\d+\.)\s)"  # a list item on its own line
)
_WORD = re.compile(r"\S+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the sentences (and list items, blocks after blank lines) of `text`,
    stripped of surrounding whitespace; together they cover every non-space character."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        stripped = piece.strip()
        if stripped:
            lead = piece.index(stripped)
            out.append((s + lead, s + lead + len(stripped)))
    return out


def word_count(text: str) -> int:
    """Words as whitespace-separated runs: the length measure of chunks and windows."""
    return len(_WORD.findall(text))


def window_spans(text: str, max_words: int) -> list[tuple[int, int]]:
    """Runs of consecutive sentences of at most `max_words` words (a longer sentence stands alone),
    each window repeating the previous window's last sentence when that one is short."""
    windows: list[tuple[int, int]] = []
    current: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        if current and word_count(text[current[0][0] : end]) > max_words:
            windows.append((current[0][0], current[-1][1]))
            last = current[-1]
            short = word_count(text[last[0] : last[1]]) < max_words // 2
            current = [last] if short else []
        current.append((start, end))
    if current:
        windows.append((current[0][0], current[-1][1]))
    return windows
