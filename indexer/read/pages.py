"""Clean a paged document's text: running headers and footers removed, words hyphenated at line ends joined."""

from __future__ import annotations

import math
import re

from indexer.read.document import trim_blank

TOP_ZONE_LINES = 5
"""Non-blank lines at the top of a page where a running header may stand. Lomma's header is four lines
("BARN- OCH UTBILDNINGSNÄMNDEN    SAMMANTRÄDESPROTOKOLL", "Sida 2 av 22", "Sammanträdesdatum",
"2023-10-10", see corpus/Lomma_*.txt); one more for a logo caption or organisation line."""

BOTTOM_ZONE_LINES = 3
"""Non-blank lines at the bottom of a page where a running footer may stand: Lomma's signature box is
two lines ("Justerande    Utdragsbestyrkande", "Protokollet har justerats digitalt"), plus a page number.
Kept small because body lines that end many pages (a recurring "Beslutet expedieras till:") must stay."""

MIN_RUNNING_PAGES = 2
RUNNING_PAGE_SHARE = 0.5
"""A line is running furniture when it recurs in a zone of at least max(MIN_RUNNING_PAGES,
ceil(RUNNING_PAGE_SHARE × pages)) pages: a header or footer is on (nearly) every page, while a body
line repeated by chance at the same place on half the pages is very unlikely."""

MIN_RUNNING_CHARS = 4
"""A line recurring word for word must have this many non-space characters to be furniture: Göteborg's
KF protocols (corpus/Goteborg_Kommunfullmaktige_*.txt) set vote tables one cell per line, so "Ja",
"Nej" and party letters ("S", "SD") end hundreds of pages. Page numbers are told by following the page."""

_PAGE_NUMBER_DIGITS = 4
"""Numbers longer than this (years, case numbers) are never page numbers."""

COMPOUND_CONJUNCTIONS = frozenset({"och", "eller", "samt", "respektive", "resp.", "resp", "till", "som", "men", "än"})
"""Words after a line-end hyphen that make it a compound ellipsis ("barn- och utbildningsnämnden",
"gång- och cykelbanor", both in corpus/Lomma_*.txt): the hyphen stays and nothing is joined."""

_DIGITS_RE = re.compile(r"\d+")
_SPACES_RE = re.compile(r"\s+")
# A paragraph heading ("SN § 27", "§ 197 Ärendenummer SLK-2025-00144") can open many pages at the
# same place, its number rising with the page; it is content, never furniture.
_CONTENT_RE = re.compile(r"§")
# A word broken at a line end: a letter, then the hyphen, at the end of the line.
_BROKEN_WORD_RE = re.compile(r"(?P<head>[^\W\d_]+)-$")
_FIRST_WORD_RE = re.compile(r"\s*(?P<word>\S+)\s*")


def _shape(text: str) -> str:
    return _DIGITS_RE.sub("#", text)


def _keys(line: str, page: int) -> set[str]:
    """What makes a line the same furniture on another page: its text (spaces collapsed), and for each
    number in it, its shape with that number's distance from the page number ("Sida 3 av 22" on page 3
    and "Sida 4 av 22" on page 4 share "Sida # av #|0|0"). A vote-table cell "58" does not follow the page."""
    text = _SPACES_RE.sub(" ", line).strip()
    if _CONTENT_RE.search(text):
        return set()
    keys = {text} if len(text.replace(" ", "")) >= MIN_RUNNING_CHARS else set()
    shape = _shape(text)
    numbers = _DIGITS_RE.findall(text)
    keys.update(f"{shape}|{j}|{int(n) - page}" for j, n in enumerate(numbers) if len(n) <= _PAGE_NUMBER_DIGITS)
    return keys


def _nonblank(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip()]


def _zones(lines: list[str]) -> tuple[list[int], list[int]]:
    """Indices of a page's top and bottom zone lines. On a short page they overlap: the last page of a
    Chromium print holds one body line, then the print header and footer, all three at the bottom edge
    (a line is only ever dropped when it recurs as furniture on most pages)."""
    filled = _nonblank(lines)
    return filled[:TOP_ZONE_LINES], filled[max(0, len(filled) - BOTTOM_ZONE_LINES) :]


def _running_keys(pages: list[list[str]], zones: list[list[int]]) -> set[str]:
    """Furniture keys found in the given zone of enough pages to be running headers or footers."""
    needed = max(MIN_RUNNING_PAGES, math.ceil(RUNNING_PAGE_SHARE * len(pages)))
    counts: dict[str, int] = {}
    for number, (lines, zone) in enumerate(zip(pages, zones), start=1):
        for key in set().union(*(_keys(lines[i], number) for i in zone)):
            counts[key] = counts.get(key, 0) + 1
    return {key for key, n in counts.items() if n >= needed}


def _edge_run(lines: list[str], zone: list[int], page: int, running: set[str]) -> set[int]:
    """The zone's lines, from the page edge inwards, up to the first one that is not running furniture.

    Furniture stands at the edge; a recurring body line such as "Beslut" or "Ärendebeskrivning" that
    happens to sit in the zone on many pages has non-furniture between it and the edge."""
    run: set[int] = set()
    for i in zone:
        if not _keys(lines[i], page) & running:
            break
        run.add(i)
    return run


def remove_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """The pages without running headers (kept on page 1, where they name body and date) and footers."""
    if len(pages) < MIN_RUNNING_PAGES:
        return [list(lines) for lines in pages]
    zones = [_zones(lines) for lines in pages]
    tops = [top for top, _ in zones]
    bottoms = [bottom for _, bottom in zones]
    # Either kind is looked for at both edges: PDFium gives a page's text in content order, and Chromium's
    # print header (date, title) comes out after the body, at the bottom edge; on a page with nothing but
    # header and footer it is then the top line.
    running = _running_keys(pages, tops) | _running_keys(pages, bottoms)
    cleaned: list[list[str]] = []
    for number, (lines, top, bottom) in enumerate(zip(pages, tops, bottoms), start=1):
        drop = _edge_run(lines, bottom[::-1], number, running)
        if number > 1:
            drop |= _edge_run(lines, top, number, running)
        cleaned.append([line for i, line in enumerate(lines) if i not in drop])
    return cleaned


def _join_target(line: str, following: str) -> tuple[str, str] | None:
    """(line with the broken word completed, rest of the following line), or None to leave both as they are."""
    stripped = line.rstrip()
    broken = _BROKEN_WORD_RE.search(stripped)
    first = _FIRST_WORD_RE.match(following)
    if broken is None or first is None:
        return None
    word = first.group("word")
    if not word[0].islower() or word.rstrip(",;:") in COMPOUND_CONJUNCTIONS:
        return None
    head = broken.group("head")
    # "SVT-\nsändning", "e-\npost": a hyphen after an acronym or a single letter belongs to the word.
    keep_hyphen = len(head) == 1 or head.isupper()
    joined = stripped if keep_hyphen else stripped[:-1]
    return joined + word, following[first.end() :]


def join_hyphenated(lines: list[str]) -> list[str]:
    """Lines with words broken at a line end ("förskole-" / "klass") joined on the first line."""
    out = list(lines)
    i = 0
    while i < len(out) - 1:
        joined = _join_target(out[i], out[i + 1])
        if joined is not None:
            out[i], rest = joined
            if rest.strip():
                out[i + 1] = rest
            else:
                del out[i + 1]
        i += 1
    return out


def _join_across(pages: list[list[str]]) -> None:
    """Join a word broken at the end of one page with its rest at the top of the next (in place)."""
    for k in range(len(pages) - 1):
        last, first = _nonblank(pages[k])[-1:], _nonblank(pages[k + 1])[:1]
        joined = _join_target(pages[k][last[0]], pages[k + 1][first[0]]) if last and first else None
        if joined is None:
            continue
        pages[k][last[0]], rest = joined
        if rest.strip():
            pages[k + 1][first[0]] = rest
        else:
            del pages[k + 1][first[0]]


def clean_pages(pages: list[str]) -> list[str]:
    """Each page's text without running headers/footers, hyphenated words joined, blank edges trimmed.

    Pages are `\\n`-separated lines; the result has as many pages as the input (a page may become "").
    """
    split = remove_running_lines([page.split("\n") for page in pages])
    joined = [trim_blank(join_hyphenated(lines)) for lines in split]
    _join_across(joined)
    return ["\n".join(trim_blank(lines)) for lines in joined]
