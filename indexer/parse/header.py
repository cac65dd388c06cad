"""The protocol header: organisation, body, meeting date, place and the announced § range."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

ORGANISATION_UNKNOWN = "okänd"
BODY_UNKNOWN = "okänd"
MAX_BODY_CHARS = 120
# How many lines after an empty "Plats:" to look for its value (Lomma SN puts it 5 lines later).
PLACE_LOOKAHEAD_LINES = 8

# Organisation patterns, most specific kind first: a Kommunalförbund's header also names member
# kommuner, a Region's protocol lists kommuner among its ledamöter, so the first kind that occurs
# wins, and within a kind the most frequent name.
_RIKSDAG_RE = re.compile(r"^[ \t]*Riksdagens protokoll\b", re.MULTILINE)
RIKSDAG = "Sveriges riksdag"
# The chamber record ("Riksdagens protokoll") is the protocol of the kammare's plenary sitting.
RIKSDAG_BODY = "Kammaren"
_ORG_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b[A-ZÅÄÖ][\wåäöé-]*s [Kk]ommunalförbund\b"),
    re.compile(r"\b[A-ZÅÄÖ][\wåäöé-]*s [Ss]tad\b"),
    re.compile(r"\bRegion [A-ZÅÄÖ][\wåäöé-]+(?: län)?\b"),
    re.compile(r"\b[A-ZÅÄÖ][\wåäöé-]* kommun\b"),
)
# Capitalised words that precede "kommun" in running text without naming one.
_NOT_KOMMUN_NAMES = frozenset({"Varje", "En", "Ingen", "Denna", "Annan", "Samma", "Hela", "Vilken"})

_BODY_LABEL_RE = re.compile(r"^[ \t]*Beslutande organ:?[ \t]+(\S[^\n]*)", re.MULTILINE)
_PROTOCOL_OF_RE = re.compile(r"^Protokoll (?:till|för|från|vid) (\S.*)$")
_BODY_WORDS = (
    "nämnd", "styrelse", "fullmäktige", "utskott", "råd", "chefer", "direktion", "beredning",
    "kammaren", "presidium", "delegation", "nätverk", "församling",
)  # fmt: skip
_NOT_BODY_LINES = frozenset({"protokoll", "sammanträdesprotokoll", "protokollsutdrag"})
_MARKDOWN_RE = re.compile(r"^#+\s*|\*\*")
_COLUMN_SPLIT_RE = re.compile(r"\t|\s{2,}")

_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# In file names "_2025-03-12.txt" the date follows an underscore, where \b does not match.
_NAMED_DATE_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_SITTING_DATE_RE = re.compile(r"Sammanträdesdatum:?[ \t]*\n?[ \t]*(\d{4}-\d{2}-\d{2})")
_TIME_LINE_RE = re.compile(r"^[ \t]*(?:Tid och plats|Tid|Datum|Mötesdatum|Sammanträdestid)\b:?(.*)$", re.MULTILINE)
SWEDISH_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "januari februari mars april maj juni juli augusti september oktober november december".split()
    )
}
MONTH_NAMES = "|".join(SWEDISH_MONTHS)
"""The month names as a regex alternation, for every pattern that reads Swedish dates."""
_SWEDISH_DATE_RE = re.compile(r"\b(\d{1,2})\s+(" + MONTH_NAMES + r")\s+(\d{4})\b", re.I)

_PLACE_RE = re.compile(r"^\s*(?:Plats|Lokal|Mötesplats)\b\s*:?(.*)$")
_TIME_AND_PLACE_RE = re.compile(r"^\s*Tid och plats\s*:?\s+(.*)$")
_LEADING_DATE_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}(?:,?\s*(?:kl\.?|klockan)?\s*[\d.:–-]*)?[,\s]*")
_LABEL_LINE_RE = re.compile(r"^[^\s:][^:]{0,40}:")
_PARAGRAPH_RANGE_RE = re.compile(r"Paragraf(?:er)?:?\s*§§?\s*(\d+)\s*[-–]\s*(?:§\s*)?(\d+)")


def _plain(line: str) -> str:
    return _MARKDOWN_RE.sub("", line).strip()


def nice_case(text: str) -> str:
    """ "BARN- OCH UTBILDNINGSNÄMNDEN" -> "Barn- och utbildningsnämnden"; mixed case is kept."""
    if any(c.islower() for c in text):
        return text
    return text[:1].upper() + text[1:].lower()


def _most_frequent(pattern: re.Pattern[str], text: str) -> str | None:
    names = [m.group(0) for m in pattern.finditer(text) if m.group(0).split()[0] not in _NOT_KOMMUN_NAMES]
    return Counter(names).most_common(1)[0][0] if names else None


def find_organisation(header: str, text: str) -> str | None:
    """The organisation as the text names it: header first, then the whole text."""
    if _RIKSDAG_RE.search(header):
        return RIKSDAG
    for scope in (header, text):
        for pattern in _ORG_RES:
            name = _most_frequent(pattern, scope)
            if name:
                return name
    return None


def find_body(header_lines: list[str], text: str, organisation: str | None) -> str | None:
    """The body that met: "Beslutande organ:", "Protokoll till X", or a header line naming one."""
    label = _BODY_LABEL_RE.search(text)
    if label:
        return nice_case(label.group(1).strip())
    if organisation == RIKSDAG:
        return RIKSDAG_BODY
    plain = [_COLUMN_SPLIT_RE.split(_plain(line))[0].strip() for line in header_lines]
    for line in plain:
        m = _PROTOCOL_OF_RE.match(line)
        if m:
            return nice_case(m.group(1))
    for line in plain:
        folded = line.casefold()
        if (
            line
            and len(line) <= MAX_BODY_CHARS
            and folded not in _NOT_BODY_LINES
            and line[0].isupper()
            and ":" not in line
            and "(" not in line
            and any(word in folded for word in _BODY_WORDS)
        ):
            return nice_case(line)
    return None


def fallback_body(header_lines: list[str]) -> str:
    """Last resort: the first header line that is not just "Protokoll", else "okänd"."""
    for line in header_lines:
        plain = _COLUMN_SPLIT_RE.split(_plain(line))[0].strip()
        if (
            plain
            and plain.casefold() not in _NOT_BODY_LINES
            and not _ISO_DATE_RE.search(plain)
            and not _LABEL_LINE_RE.match(plain)
            and "§" not in plain
        ):
            return nice_case(plain[:MAX_BODY_CHARS])
    return BODY_UNKNOWN


def _valid_iso(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _date_in(text: str) -> str | None:
    iso = _ISO_DATE_RE.search(text)
    if iso:
        return _valid_iso(*iso.groups())
    sw = _SWEDISH_DATE_RE.search(text)
    if sw:
        month = SWEDISH_MONTHS.get(sw.group(2).lower())
        return _valid_iso(sw.group(3), str(month), sw.group(1)) if month else None
    return None


def find_date(header: str, text: str, source: str) -> tuple[str | None, str | None]:
    """The meeting date (ISO) and a warning when it had to be guessed or is missing.

    "Sammanträdesdatum" wins over any other date (Lomma SN's "Anslaget tas ned: 2000-06-02" is a
    typo on the notice, not the meeting); then a "Tid"/"Datum" line; then the file name.
    """
    m = _SITTING_DATE_RE.search(text)
    if m:
        iso = _valid_iso(*m.group(1).split("-"))
        if iso:
            return iso, None
    for line in _TIME_LINE_RE.finditer(header):
        iso = _date_in(line.group(1))
        if iso:
            return iso, None
    named = _NAMED_DATE_RE.search(source)
    if named:
        iso = _valid_iso(*named.groups())
        if iso:
            return iso, f"{source}: no meeting date in the text; took {iso} from the file name"
    return None, f"{source}: no meeting date found"


def find_place(lines: list[str]) -> str | None:
    """The value of "Plats:" (possibly a few lines further down) or of "Tid och plats"."""
    for i, line in enumerate(lines):
        both = _TIME_AND_PLACE_RE.match(line)
        if both:
            place = _LEADING_DATE_RE.sub("", both.group(1)).strip(" ,")
            if place:
                return place
        m = _PLACE_RE.match(line)
        if not m:
            continue
        value = (m.group(1) or "").strip()
        if value:
            return value
        for later in lines[i + 1 : i + 1 + PLACE_LOOKAHEAD_LINES]:
            cand = later.strip()
            if (
                cand
                and not _LABEL_LINE_RE.match(cand)
                and not _ISO_DATE_RE.match(cand)
                and cand != "Sammanträdesdatum"
                and any(c.isalpha() for c in cand)
            ):
                return cand
    return None


def find_paragraph_range(text: str) -> tuple[int, int] | None:
    """The announced range ("Paragrafer: §§ 197–245", "Paragraf: § 59 - § 73"), if any."""
    m = _PARAGRAPH_RANGE_RE.search(text)
    if not m:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    return (first, last) if first <= last else None
