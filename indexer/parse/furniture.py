"""Page furniture of protocol text: running headers, page numbers and signature boxes, removed."""

from __future__ import annotations

import re

# Lines that are page furniture wherever they appear. Each pattern is matched against the whole
# stripped line, so a sentence that merely mentions "Sida 3" or "protokoll" is never touched.
_FURNITURE_LINE_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"Sida \d+ av \d+",  # Lomma, pdftotext page footer
        r"\d+ \(\d+\)",  # Göteborg page number "27 (74)"
        r"Justerande\s+Utdragsbestyrkande",  # Lomma signature box
        r"Justerandes signatur.*",
        r"Utdragsbestyrkande",
        r"Protokollet har justerats digitalt",
        r"(?:[A-ZÅÄÖ\- ]+\s{2,})?SAMMANTRÄDESPROTOKOLL",  # Lomma running header
        r"Sammanträdesdatum:\s*\d{4}-\d{2}-\d{2}",  # Göteborg running header
        r"Protokoll nr \d+",
        r"KF Handling \d{4} nr \d+",
        r"[^.:]{3,80}, protokoll",  # "Göteborgs Stad Kommunstyrelsen, protokoll"
    )
)
_PAGE_OF_RE = re.compile(r"\s*Sida \d+ av \d+")
_ISO_DATE_LINE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_LABEL = "Sammanträdesdatum"
_SIGNED_DIGITALLY = "Protokollet har justerats digitalt"
# pdftotext puts the page-top "Sammanträdesdatum / 2026-05-05" box in a right-hand column, so it
# can end up glued to the first lines of the page after a run of spaces.
_DATE_LABEL_TAIL_RE = re.compile(r"\s{2,}Sammanträdesdatum\s*$")
_DATE_TAIL_RE = re.compile(r"\s{2,}\d{4}-\d{2}-\d{2}\s*$")

# A page header repeated from page 1 (e.g. 002's six-line "Specifikt samverkansråd ... / Anna
# Elverskog" box) is found by looking for the document's opening lines elsewhere in the text.
MIN_REPEATED_HEADER_LINES = 3
MAX_REPEATED_HEADER_LINES = 10
MAX_HEADER_LINE_CHARS = 90

KeptLine = tuple[int, str]
"""A line that survived furniture removal: its index in the original text and its text."""


def _is_furniture_line(stripped: str) -> bool:
    return any(p.fullmatch(stripped) for p in _FURNITURE_LINE_RES)


def _next_nonblank(lines: list[str], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def repeated_header_lines(lines: list[str]) -> set[int]:
    """Indices of every occurrence of the document's opening lines when they recur as a block.

    A running page header is printed on page 1 too, so the first few non-blank lines that occur
    again, in the same order, elsewhere are taken as the header. Blank lines inside are ignored.
    """
    nonblank = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    texts = [t for _, t in nonblank]
    longest = min(MAX_REPEATED_HEADER_LINES, len(texts))
    for size in range(longest, MIN_REPEATED_HEADER_LINES - 1, -1):
        block = texts[:size]
        if any(len(t) > MAX_HEADER_LINE_CHARS for t in block):
            continue
        starts = [k for k in range(len(texts) - size + 1) if texts[k] == block[0] and texts[k : k + size] == block]
        if len(starts) >= 2:
            return {nonblank[k + off][0] for k in starts for off in range(size)}
    return set()


def remove_furniture(lines: list[str]) -> list[KeptLine]:
    """Drop page furniture lines; keep the rest verbatim with their original indices.

    Blank lines left doubled by a removal are collapsed, so a page break leaves one blank line.
    """
    drop: set[int] = repeated_header_lines(lines)
    texts = list(lines)
    strip_date_tail_next = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if strip_date_tail_next:
            # Guarded by a cheap test: the regexes are only run on lines that can match.
            if _ISO_DATE_LINE_RE.fullmatch(stripped[-10:]):
                texts[i] = _DATE_TAIL_RE.sub("", texts[i])
            strip_date_tail_next = False
        if stripped.endswith(_DATE_LABEL) and _DATE_LABEL_TAIL_RE.search(line):
            texts[i] = _DATE_LABEL_TAIL_RE.sub("", line)
            strip_date_tail_next = True
            continue
        if _is_furniture_line(stripped):
            drop.add(i)
            continue
        nxt = _next_nonblank(lines, i)
        nxt_text = lines[nxt].strip() if nxt is not None else ""
        if stripped == _DATE_LABEL and nxt is not None and _ISO_DATE_LINE_RE.fullmatch(nxt_text):
            # The page-top "Sammanträdesdatum" box: label and date on two lines.
            drop.update((i, nxt))
        elif stripped == "Justerande" and nxt_text == _SIGNED_DIGITALLY:
            drop.add(i)  # first-page variant of the signature box
        elif "Sida " in line and _PAGE_OF_RE.search(line):
            texts[i] = _PAGE_OF_RE.sub("", line)
    return _collapse(texts, drop)


def _collapse(texts: list[str], drop: set[int]) -> list[KeptLine]:
    kept: list[KeptLine] = []
    removed_since_kept = False
    for i, text in enumerate(texts):
        if i in drop:
            removed_since_kept = True
            continue
        if not text.strip() and removed_since_kept and kept and not kept[-1][1].strip():
            continue
        kept.append((i, text))
        if text.strip():
            removed_since_kept = False
    return kept


def drop_body_lines(kept: list[KeptLine], body: str) -> list[KeptLine]:
    """Drop lines that are only the body's name ("Kommunstyrelsen"), a running header in Göteborg."""
    if not body:
        return kept
    key = body.casefold()
    out: list[KeptLine] = []
    for i, text in kept:
        if text.strip().casefold() == key:
            continue
        if not text.strip() and out and not out[-1][1].strip():
            continue
        out.append((i, text))
    return out
