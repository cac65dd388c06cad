"""What a paragraph records of how it was decided: votes, reservations and yrkanden (who moved what).

Pure functions of a paragraph's text; every record carries the offsets of the sentence it was read from,
so an answer can quote it. The forms are those of corpus/:
- Göteborg KF: `Omröstningen utfaller med 40 Ja mot 29 Nej. 12 ledamöter avstår från att rösta.`
- Göteborg KS: `… röstar Ja (7). … röstar Nej (6). … avstår från att rösta (1).`
- Lomma: `Ja 7, Nej 2, Avstår 2.` and `Ja: 6, Nej: 5`.
"""

from __future__ import annotations

import re

from indexer.models import Stance, Vote

_COUNCIL_VOTE = re.compile(
    r"(?:Omröstningen|Voteringen)\s+utfaller\s+med\s+(?P<yes>\d+)\s+Ja\s+mot\s+(?P<no>\d+)\s+Nej\.?"
    r"(?:\s*(?P<abstain>\d+)\s+(?:ledamöter|ledamot)\s+avstår\s+från\s+att\s+rösta\.?)?",
    re.IGNORECASE,
)
_TALLY_VOTE = re.compile(
    r"(?m)^[ \t]*Ja:?\s+(?P<yes>\d+),\s*Nej:?\s+(?P<no>\d+)(?:,\s*Avstår:?\s+(?P<abstain>\d+))?\.?"
)
_ROLL_YES = re.compile(r"röstar\s+Ja\s+\((?P<yes>\d+)\)\.?", re.IGNORECASE)
_ROLL_NO = re.compile(r"röstar\s+Nej\s+\((?P<no>\d+)\)\.?", re.IGNORECASE)
_ROLL_ABSTAIN = re.compile(r"avstår\s+från\s+att\s+rösta\s+\((?P<abstain>\d+)\)\.?", re.IGNORECASE)
ROLL_REACH = 1500
"""A roll-call vote's Nej names follow its Ja names within 1,500 characters (the longest in corpus/: ~400)."""

_PROPOSITION = re.compile(
    r"voteringsproposition:?\s*[\"”“](?P<quoted>[^\"”“]+)[\"”“]"
    r"|(?P<plain>Den\s+som\s+(?:önskar|avser|vill)\b.+?\brösta[r]?\s+ja\b.+?\brösta[r]?\s+nej\b)",
    re.IGNORECASE | re.DOTALL,
)
"""What Ja and Nej stood for: Göteborg quotes a `voteringsproposition`, Lomma writes `Den som … röstar ja,
och den som … röstar nej`."""

_SENTENCE_END = re.compile(r"(?<!\bm\.fl)(?<!\bbl\.a)\.(?=\s|$)|\n\s*\n|:\s*\n")
_ROLE_WORDS = (
    r"(?i:(?:förste|andre|tredje|1:e|2:e)\s+vice\s+ordföranden?|vice\s+ordföranden?|ordföranden?|"
    r"tjänstgörande\s+ersättaren?|ersättaren|ledamoten|kommunalrådet)\s+"
)
_PERSON = re.compile(
    rf"(?:{_ROLE_WORDS})?(?P<name>[A-ZÅÄÖÉ][\w'’-]+(?:\s+[A-ZÅÄÖÉ][\w'’-]+){{1,3}})(?:\s*\((?P<party>[^)]{{1,12}})\))?",
)
_PARTY_GROUP = re.compile(
    r"\b(?:Ledamöterna|Representanterna|Ledamöter|Företrädarna)\s+(?:från|för)\s+"
    r"(?P<parties>[A-ZÅÄÖ]{1,4}(?:(?:\s*,\s*|\s+och\s+|\s+samt\s+)[A-ZÅÄÖ]{1,4})*)\b"
)
_PARTY_LIST = re.compile(r"[A-ZÅÄÖ]{1,4}")
_RESERVES = re.compile(
    r"\breserverar\s+sig\b|\b(?:inkommer\s+med|lämnar|anmäler)\s+(?:följande\s+)?(?:en\s+)?"
    r"(?:skriftlig[a]?\s+)?reservation\b",
    re.IGNORECASE,
)
_MOVES = re.compile(r"\byrkar\b", re.IGNORECASE)
_NOT_A_MOVER = re.compile(r"^(?:Ingen|Ordföranden\s+ställer|Ordföranden\s+finner)\b", re.IGNORECASE)


def votes(text: str) -> tuple[Vote, ...]:
    """Every vote the paragraph records, in text order, with what Ja and Nej stood for when written."""
    found: list[tuple[int, int, int, int, int, int]] = []  # (anchor, start, end, yes, no, abstain)
    for pattern in (_COUNCIL_VOTE, _TALLY_VOTE):
        for m in pattern.finditer(text):
            found.append((m.start(), m.start(), m.end(), int(m["yes"]), int(m["no"]), int(m["abstain"] or 0)))
    found += _roll_calls(text)
    found.sort()
    result: list[Vote] = []
    previous_end = 0
    for anchor, start, end, yes, no, abstain in found:
        proposition, p_start, p_end = _proposition(text, previous_end, anchor)
        if p_end > start:  # a roll call's first sentence reached back over its proposition
            start = _after_proposition(text, p_end, anchor)
        result.append(Vote(yes, no, abstain, proposition, start, end, p_start, p_end))
        previous_end = end
    return tuple(result)


def _after_proposition(text: str, at: int, stop: int) -> int:
    """The first letter after a proposition's closing quote and period."""
    while at < stop and not text[at].isalnum():
        at += 1
    return at


def _roll_calls(text: str) -> list[tuple[int, int, int, int, int, int]]:
    """Roll-call votes (`… röstar Ja (7). … röstar Nej (6).`): each from its Ja names to its last count."""
    calls = []
    yeses = list(_ROLL_YES.finditer(text))
    for i, yes in enumerate(yeses):
        limit = min(yes.end() + ROLL_REACH, yeses[i + 1].start() if i + 1 < len(yeses) else len(text))
        no = _ROLL_NO.search(text, yes.end(), limit)
        if no is None:
            continue
        end, abstain = no.end(), 0
        rest = _ROLL_ABSTAIN.search(text, no.end(), min(limit, _paragraph_end(text, no.end())))
        if rest is not None:
            end, abstain = rest.end(), int(rest["abstain"])
        start = _sentence_start(text, yes.start())
        calls.append((yes.start(), start, end, int(yes["yes"]), int(no["no"]), abstain))
    return calls


def _paragraph_end(text: str, at: int) -> int:
    blank = text.find("\n\n", at)
    return len(text) if blank < 0 else blank


def _proposition(text: str, start: int, end: int) -> tuple[str | None, int, int]:
    """The last vote proposition written between the previous vote and this one: in one line, and the
    offsets of its words in `text` ((None, -1, -1) without one)."""
    last = None
    for m in _PROPOSITION.finditer(text, start, end):
        last = m
    if last is None:
        return None, -1, -1
    group = "quoted" if last["quoted"] else "plain"
    return " ".join(last[group].split()).strip(" .,"), last.start(group), last.end(group)


def _sentence_start(text: str, at: int) -> int:
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, at):
        start = m.end()
    while start < at and text[start].isspace():
        start += 1
    return start


def _sentence_end(text: str, at: int) -> int:
    m = _SENTENCE_END.search(text, at)
    return len(text) if m is None else m.start() + (1 if text[m.start()] == "." else 0)


def stance(subject: str, start: int, end: int) -> Stance | None:
    """The persons and parties a sentence's subject names (`Jörgen Fogelklou (SD) och Martin Wannholt
    (D)`, `Ledamöterna från M, D och L`, `tjänstgörande ersättaren Nina Miskovsky (M)`); None if none."""
    group = _PARTY_GROUP.search(subject)
    if group:
        return Stance((), tuple(dict.fromkeys(_PARTY_LIST.findall(group["parties"]))), start, end)
    persons: list[str] = []
    parties: list[str] = []
    for m in _PERSON.finditer(subject):
        name = " ".join(m["name"].split())
        persons.append(f"{name} ({m['party'].strip()})" if m["party"] else name)
        if m["party"]:
            parties.append(m["party"].strip())
    if not persons:
        return None
    return Stance(tuple(dict.fromkeys(persons)), tuple(dict.fromkeys(parties)), start, end)


_HEADING_LINE = re.compile(r"[A-ZÅÄÖ][a-zåäö]+(?:\s[a-zåäö]+){0,2}:?[ \t]*\n")
"""A heading line glued to the sentence below it (`Reservation`, `Överläggning`, `Tidigare behandling`)."""


def _subject_start(text: str, at: int) -> int:
    """Where the sentence holding offset `at` starts, after any heading lines above it."""
    start = _sentence_start(text, at)
    while m := _HEADING_LINE.match(text, start, at):
        start = m.end()
    return start


def _stances(text: str, verb: re.Pattern[str], skip: re.Pattern[str] | None = None) -> tuple[Stance, ...]:
    found: list[Stance] = []
    seen: set[tuple[object, ...]] = set()
    for m in verb.finditer(text):
        start = _subject_start(text, m.start())
        subject = text[start : m.start()]
        if skip is not None and skip.match(subject.strip()):
            continue
        found_stance = stance(subject, start, _sentence_end(text, m.end()))
        if found_stance is None:
            continue
        key = (*found_stance.persons, *found_stance.parties, text[found_stance.start : found_stance.end])
        if key not in seen:
            seen.add(key)
            found.append(found_stance)
    return tuple(found)


def reservations(text: str) -> tuple[Stance, ...]:
    """Who reserved themselves against the decision (`… reserverar sig mot beslutet`, `… inkommer med
    följande skriftliga reservation:`). A written reservation's own `Jag reserverar mig` is its text, not
    another reservation."""
    return _stances(text, _RESERVES)


def motions(text: str) -> tuple[Stance, ...]:
    """The yrkanden: who moved what (`Axel Josefson (M) yrkar bifall till …`), one per sentence."""
    return _stances(text, _MOVES, _NOT_A_MOVER)
