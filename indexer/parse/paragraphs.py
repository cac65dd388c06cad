"""Paragraf headings (`§ 97`, `BUN § 72`, agenda items `4.`) and the paragraphs they open."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from indexer.models import Paragraph
from indexer.parse.sentences import SECTION_HEADINGS
from indexer.read.document import trim_blank

# A wrapped title line is long; a short line ends the title ("Parentation" is followed directly by
# body text in Göteborg KF). Measured on the corpus: wrapped title lines are 45-90 characters.
WRAPPED_LINE_MIN_CHARS = 40
MAX_TITLE_LINES = 4
CASE_LOOKAHEAD_LINES = 3
MIN_AGENDA_ITEMS = 2

_MARKDOWN_RE = re.compile(r"^#+\s*|\*\*")
_HEADING_RE = re.compile(r"^(?:(?P<prefix>[A-ZÅÄÖ]{1,6})\s+)?§\s?(?P<num>\d{1,4})(?P<rest>\s.*)?$")
_CONTINUED_RE = re.compile(r"^\s*\(?forts?\.?\)?(?=\s|$)", re.IGNORECASE)
_AGENDA_RE = re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<rest>\S.*)$")
_CASE_LABEL_RE = re.compile(r"^(?:Ärendenummer|Diarienummer|Dnr)[:.]?\s*(\S+)\s*(.*)$", re.I)
_CASE_RE = re.compile(r"^([A-ZÅÄÖ]{2,6}[-/]\d{4}[-:/]\d{1,6})\b\s*(.*)$")
_EMPHASIS_RE = re.compile(r"\*+")
_TOC_RE = re.compile(r"^(?:Innehållsförteckning|Innehåll)$", re.IGNORECASE)

_ENDING_HEADINGS = tuple(h for h in SECTION_HEADINGS if h != "beslut")  # a Beslut line opens the decision
_SECTION_RE = re.compile(r"^(?:" + "|".join(_ENDING_HEADINGS) + r")(?::.*)?$", re.IGNORECASE)
_RULE_LINE_RE = re.compile(r"^_{5,}$")
_DECISION_MARK_RE = re.compile(
    r"^(?:Beslut|Beslutet|(?:Mötet|Nämnden|Styrelsen) beslutar(?: att)?)\s*:?$", re.IGNORECASE
)
# "Kammaren biföll valberedningens förslag." when a paragraph has no Beslut section.
_DECISION_SENTENCE_RE = re.compile(r"^[A-ZÅÄÖ][\wåäö-]*(?: [\wåäö-]+){0,4} (?:biföll|beslutade|beslutar|beslöt)\b")


@dataclass(frozen=True, slots=True)
class Heading:
    """A line that opens a paragraph (or continues one): its index among the cleaned lines."""

    line: int
    number: str
    rest: str
    prefix: str = ""
    continued: bool = False


def plain(line: str) -> str:
    """The line without markdown heading marks and bold markers."""
    return _MARKDOWN_RE.sub("", line).strip()


def _candidate(index: int, line: str) -> Heading | None:
    m = _HEADING_RE.match(plain(line))
    if not m:
        return None
    rest = (m.group("rest") or "").strip()
    cont = _CONTINUED_RE.match(rest)
    if cont:
        rest = rest[cont.end() :].strip()
    # "§ 150 och den 6 mars 2024" is a wrapped reference, not a heading: headings go on with a
    # title, a case number or nothing, all starting with a capital.
    if rest and not rest[0].isupper():
        return None
    return Heading(index, m.group("num"), rest, m.group("prefix") or "", cont is not None)


def _section_size(lines: list[str], start: int, stop: int) -> int:
    return sum(1 for line in lines[start + 1 : stop] if line.strip())


def _longest_increasing(heads: list[Heading]) -> list[Heading]:
    """The longest run of headings, in line order, whose numbers strictly increase.

    Patience sorting, O(n log n): `tails[k]` is the index of the smallest last number of an
    increasing run of length k + 1 seen so far.
    """
    numbers = [int(h.number) for h in heads]
    tails: list[int] = []
    tail_numbers: list[int] = []
    prev = [-1] * len(heads)
    for j, n in enumerate(numbers):
        k = bisect.bisect_left(tail_numbers, n)
        if k > 0:
            prev[j] = tails[k - 1]
        if k == len(tails):
            tails.append(j)
            tail_numbers.append(n)
        else:
            tails[k] = j
            tail_numbers[k] = n
    chain: list[Heading] = []
    k = tails[-1] if tails else -1
    while k != -1:
        chain.append(heads[k])
        k = prev[k]
    return chain[::-1]


def find_headings(lines: list[str], expected: tuple[int, int] | None) -> list[Heading]:
    """Paragraph headings, continuations included, in line order.

    Tables of contents repeat the headings: Lomma's "Ärendelista" writes `§ 27` where the real
    heading is `SN § 27`, so once any heading carries a prefix the bare ones are dropped; for a
    number seen twice (Riksdag's "Innehållsförteckning") the one with the longer text wins.
    """
    cands = [h for i, line in enumerate(lines) if (h := _candidate(i, line)) is not None]
    if any(h.prefix for h in cands):
        cands = [h for h in cands if h.prefix]
    mains = [h for h in cands if not h.continued]
    if expected is not None:
        inside = [h for h in mains if expected[0] <= int(h.number) <= expected[1]]
        mains = inside or mains
    stops = sorted({h.line for h in cands} | {len(lines)})
    size = {h.line: _section_size(lines, h.line, stops[bisect.bisect_right(stops, h.line)]) for h in mains}
    best: dict[int, Heading] = {}
    for h in mains:
        n = int(h.number)
        if n not in best or size[h.line] > size[best[n].line]:
            best[n] = h
    chosen = _longest_increasing(sorted(best.values(), key=lambda h: h.line))
    if not chosen:
        return _agenda_items(lines)
    first_line = {h.number: h.line for h in chosen}
    conts = [h for h in cands if h.continued and first_line.get(h.number, len(lines)) < h.line]
    return sorted(chosen + conts, key=lambda h: h.line)


def _agenda_items(lines: list[str]) -> list[Heading]:
    """Numbered agenda items 1, 2, 3, ... each after a blank line; used when no § exists."""
    items: list[Heading] = []
    for i, line in enumerate(lines):
        m = _AGENDA_RE.match(plain(line))
        if m and int(m.group("num")) == len(items) + 1 and (i == 0 or not lines[i - 1].strip()):
            items.append(Heading(i, m.group("num"), m.group("rest").strip()))
    return items if len(items) >= MIN_AGENDA_ITEMS else []


def end_of_paragraphs(lines: list[str], last_heading: int) -> int:
    """Where the last paragraph ends: at a table of contents after it, else at the end."""
    for i in range(last_heading + 1, len(lines)):
        if _TOC_RE.match(plain(lines[i])):
            return i
    return len(lines)


def build_paragraphs(
    lines: list[str], heads: list[Heading], end: int, line_pages: list[int] | None = None
) -> list[Paragraph]:
    """One Paragraph per main heading, with its continuations' text appended. With `line_pages` (the page
    of each line), each paragraph records the pages its non-blank lines stand on."""
    bounds = [h.line for h in heads] + [end]
    parts: dict[str, list[str]] = {}
    pages: dict[str, set[int]] = {}
    order: list[Heading] = []
    for k, h in enumerate(heads):
        block = lines[h.line : bounds[k + 1]]
        if h.continued and h.number in parts:
            parts[h.number] += ["", *trim_blank(block[1:])]
        else:
            parts[h.number] = trim_blank(block)
            pages[h.number] = set()
            order.append(h)
        if line_pages is not None:
            pages[h.number].update(line_pages[i] for i in range(h.line, bounds[k + 1]) if lines[i].strip())
    return [_paragraph(h, parts[h.number], tuple(sorted(pages[h.number]))) for h in order]


def _paragraph(head: Heading, block: list[str], pages: tuple[int, ...] = ()) -> Paragraph:
    text = "\n".join(block).strip()
    case, title = _case_and_title(head.rest)
    if case is None:
        case = _case_below(block[1 : 1 + CASE_LOOKAHEAD_LINES])
    if not title:
        title = _title_below(block[1:])
    decision = _decision(block)
    if decision is not None and decision not in text:
        decision = None
    return Paragraph(head.number, title, text, case, decision, pages=pages)


def _clean_title(text: str) -> str:
    # Titles lose markdown emphasis ("Rapport *Skolpersonalens rörlighet ...*") and line breaks.
    return " ".join(_EMPHASIS_RE.sub("", text).split())


def _case_and_title(rest: str) -> tuple[str | None, str]:
    for pattern in (_CASE_LABEL_RE, _CASE_RE):
        m = pattern.match(rest)
        if m:
            return m.group(1), _clean_title(m.group(2))
    return None, _clean_title(rest)


def _case_below(lines: list[str]) -> str | None:
    for line in lines:
        m = _CASE_LABEL_RE.match(plain(line))
        if m:
            return m.group(1)
    return None


def is_section_heading(line: str) -> bool:
    """A section heading inside a paragraph ("Handlingar", "Beslutet expedieras till:")."""
    text = plain(line)
    return bool(_SECTION_RE.match(text) or _RULE_LINE_RE.match(text))


def _title_below(lines: list[str]) -> str:
    collected: list[str] = []
    for line in lines:
        text = plain(line)
        if not text:
            if collected:
                break
            continue
        if is_section_heading(text) or _DECISION_MARK_RE.match(text):
            break
        if collected and len(collected[-1]) < WRAPPED_LINE_MIN_CHARS:
            break
        collected.append(text)
        if len(collected) == MAX_TITLE_LINES:
            break
    return _clean_title(" ".join(collected))


def _decision(block: list[str]) -> str | None:
    """The beslut: after a `Beslut` line up to the next section, else a "... biföll" sentence."""
    marks = [i for i, line in enumerate(block) if i > 0 and _DECISION_MARK_RE.match(plain(line))]
    if marks:
        start = marks[0] + 1
        while start < len(block) and (not block[start].strip() or _DECISION_MARK_RE.match(plain(block[start]))):
            start += 1
        stop = start
        while stop < len(block) and not is_section_heading(block[stop]):
            stop += 1
        found = "\n".join(block[start:stop]).strip()
        return found or None
    for i, line in enumerate(block[1:], start=1):
        if _DECISION_SENTENCE_RE.match(line.strip()):
            stop = i
            while stop < len(block) and block[stop].strip():
                stop += 1
            return "\n".join(block[i:stop]).strip() or None
    return None
