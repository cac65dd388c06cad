"""Sentence spans of Swedish protocol text, and sentence windows built from them."""

from __future__ import annotations

import re
from functools import lru_cache

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
    # A word never crosses a sentence span (spans are cut at whitespace), so a window's words are the
    # sum of its sentences' words: counted once each, not again for every window they might join.
    windows: list[tuple[int, int]] = []
    current: list[tuple[int, int, int]] = []  # start, end, words
    total = 0
    for start, end in sentence_spans(text):
        count = word_count(text[start:end])
        if current and total + count > max_words:
            windows.append((current[0][0], current[-1][1]))
            last = current[-1]
            current = [last] if last[2] < max_words // 2 else []
            total = sum(c for _, _, c in current)
        current.append((start, end, count))
        total += count
    if current:
        windows.append((current[0][0], current[-1][1]))
    return windows


SECTION_HEADINGS = (
    # Measured on corpus/ (18 protocols, parsed with parse_protocol): every line of at most 4 words,
    # without digits and without sentence punctuation at its end, found as a whole line (case and a
    # trailing colon ignored) at least 3 times inside paragraph texts, the § heading line left out.
    # Kept: lines that open a section. Left out: roll-call table cells (Ja 527, Nej 400, Ledamot 671,
    # party letters), names of people and bodies in "skickas till" lists (Valberedningen 18),
    # paragraph titles (Stadsdirektörens anmälningar 10) and sentence starts wrapped onto a line of
    # their own ("kommunfullmäktige beslutar:" 56, "Enligt stadsledningskontorets förslag:" 53),
    # which belong to the decision they introduce. Counts as found:
    "beslut",  # 605, Göteborg KS/KF and Lomma ("Beslut:")
    "handling",
    "handlingar",  # 269, 248
    "tidigare behandling",  # 219
    "protokollsutdrag skickas till",  # 194
    "propositionsordning",  # 143
    "yrkanden",  # 138
    "protokollsanteckning",
    "protokollsanteckningar",  # 67, 36
    "omröstning",  # 56
    "reservation",
    "reservationer",  # 42, 8
    "ärendebeskrivning",  # 37, Lomma
    "beslutet expedieras till",  # 34, Lomma
    "beslutsunderlag",  # 29, Lomma
    "jäv",  # 11
    "huvudvotering",  # 10
    "justering",
    "överläggning",  # 5, 5
    "information",
    "yttrande",
    "beslutsgång",  # 4 each
    "meddelanden",  # 3, Lomma
    # Seen once or twice in corpus/ as a section heading:
    "bakgrund",
    "ärendet",
    "yrkande",
    "ändringsyrkanden",
    "tilläggsyrkanden",
    "styrande dokument",
    # Usual in Swedish protocols though not in corpus/ (yet):
    "sammanfattning",
    "förslag till beslut",
    "särskilt yttrande",
    "särskilda yttranden",
    "yttranden",
    "skickas till",
    "expedieras",
    "expedieras till",
    "beslutet skickas till",
    "votering",
)
"""Lines that only name a section of a paragraph. They answer nothing, so quotes leave them out."""

_LIST_NUMBER = re.compile(r"\d{1,3}[.)]")
"""A decision point's number, which `sentence_spans` splits from its sentence as if "1." ended one."""

_NUMBERED_HEADINGS = r"(?:fråga|bilaga)[ \t]+\d+|ärende:[ \t]*\d+"
"""`Fråga 3` (frågestund), `Bilaga 2` and `Ärende: 4` (roll-call appendices) head what follows."""

_NAMED_HEADINGS = "|".join(r"[ \t]+".join(map(re.escape, h.split())) for h in SECTION_HEADINGS)
_HEADING_LINE = re.compile(
    r"(?:#{1,6}[ \t]*)?(?:\*\*)?"  # markdown exports: `##### **Beslut**`
    rf"(?:{_NAMED_HEADINGS}|{_NUMBERED_HEADINGS})"
    r"[ \t]*:?[ \t]*(?:\*\*)?[ \t]*:?"
    r"|[_=*–-]{3,}",  # a rule line under a decision (Lomma: `_____`)
    re.IGNORECASE,
)
_LINE = re.compile(r"[^\n]+")
_HEADING_MAX_CHARS = 60
"""Longer lines are no heading: the longest named one, with markdown and spaces, is well under."""


@lru_cache(maxsize=8)
def heading_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Half-open spans of the heading lines of `text` (see SECTION_HEADINGS), stripped of whitespace.

    Cached: a quote asks twice for the same paragraph (`quote_spans`, then `app.cite` for the title).
    """
    spans = []
    for line in _LINE.finditer(text):  # line by line: a MULTILINE `^` would be tried at every character
        start, end = line.span()
        while start < end and text[start] in " \t":
            start += 1
        while end > start and text[end - 1] in " \t":
            end -= 1
        if end - start <= _HEADING_MAX_CHARS and _HEADING_LINE.fullmatch(text, start, end):
            spans.append((start, end))
    return tuple(spans)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """The spans of `sentence_spans`, cut at heading lines, which are left out: what a quote may hold.

    `sentence_spans` (which defines the embedded chunks and stays as it is) glues a heading line to
    the sentence it stands before or after ("…kunskapsuppdrag\\nBeslut"), and cuts the number off a
    numbered decision ("1." | "Göteborgs Stad ska …"); here the number stays with its sentence.
    """
    out: list[tuple[int, int]] = []
    for start, end in _without_headings(text, sentence_spans(text)):
        if out and _LIST_NUMBER.fullmatch(text, *out[-1]) and "\n" not in text[out[-1][1] : start]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _without_headings(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` cut at the heading lines of `text`, which are left out."""
    headings = heading_spans(text)
    if not headings:
        return spans
    out: list[tuple[int, int]] = []
    h = 0
    for start, end in spans:
        while h < len(headings) and headings[h][1] <= start:
            h += 1
        if h == len(headings) or headings[h][0] >= end:  # no heading inside: the span stays as it is
            out.append((start, end))
            continue
        cursor, k = start, h
        while k < len(headings) and headings[k][0] < end:
            out.extend(_stripped(text, cursor, headings[k][0]))
            cursor = max(cursor, headings[k][1])
            k += 1
        out.extend(_stripped(text, cursor, end))
    return out


def _stripped(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span with surrounding whitespace removed; none if only whitespace."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    lead = len(piece) - len(piece.lstrip())
    return [(start + lead, start + lead + len(stripped))]
