"""Questions about the meeting itself: who chaired, was secretary, checked the minutes (justerare) or
attended, where and when. Answered from the parsed header; where the header names nobody in a role, from
the sentences of the protocol that do.

Göteborg's protocols (11 of the 18 bundled) have no signature block. Their justerare are named in a
paragraph of their own (KS 2025-12-10, § 933 "Val av justerare": "Hampus Magnusson (M) utses att jämte
ordföranden justera dagens protokoll."; KS 2026-01-14, § 1: "Protokollen ska justeras av ordföranden och
2:e vice ordföranden …"), fullmäktige's chair in that same sentence ("… justerar dagens protokoll
tillsammans med ordföranden Aslan Akbas (S) …"), and the KS chair where he moves or puts a question
("På förslag av ordföranden Jonas Attenius (S):").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from app.cite import QUOTE_MAX_CHARS, answer_pattern, best_quote_span, cite_protocol
from app.parts import Part, Span
from app.query import PARTY_NAMES, party_names
from indexer.index.keyword import analyze_query, analyze_tokens
from indexer.models import HEADER, Hit, Protocol, Role
from indexer.parse.header import MONTH_NAMES
from indexer.parse.sentences import quote_spans

ROLE_WORDS: tuple[tuple[re.Pattern[str], Role, str], ...] = (
    (re.compile(r"\bordförande|\bledde\b", re.I), Role.ORDFORANDE, "ordförande"),
    (re.compile(r"\bsekreterare|\bprotokollförare|\bförde protokoll", re.I), Role.SEKRETERARE, "sekreterare"),
    (re.compile(r"\bjuster", re.I), Role.JUSTERARE, "justerare"),
    (re.compile(r"\bfrånvar", re.I), Role.FRANVARANDE, "frånvarande"),
    (
        re.compile(
            r"\b(?:närvar|ledamöter|deltog|deltagare|tjänstgör|ersättare|satt för|representera|företrädde)", re.I
        ),
        Role.BESLUTANDE,
        "beslutande",
    ),
)
"""Words of a meeting question and the header role they ask for."""
UNSTATED: dict[Role, str] = {
    Role.ORDFORANDE: "vem som var ordförande",
    Role.SEKRETERARE: "vem som var sekreterare",
    Role.JUSTERARE: "vem som var justerare",
    Role.BESLUTANDE: "vilka som var närvarande",
}
"""The roles a header may list nobody in (Göteborg's fullmäktige lists no one; its KS only who attended),
with what the answer then says the protocol does not state: a question asking only these is not answered
by that header."""


def _line_span(text: str, start: int, end: int | None = None) -> Span:
    """The lines of `text` holding text[start:end] (the line around `start`), without their line breaks."""
    line_end = text.find("\n", start if end is None else end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


PLACE_QUESTION = re.compile(
    r"\bvar\b[^?]*\b(?:hölls|sammanträdde|träffades|möttes)\b|\bplats\b|\bdigitalt\b|\blokal\b|\bvilken sal\b",
    re.IGNORECASE,
)
"""A question about where the meeting was: answered from the parsed place."""


COMPANION = re.compile(r"\b(?:tillsammans med|jämte)\s+ordföranden\b", re.IGNORECASE)
""""Vem justerade … tillsammans med ordföranden?" asks for the justerare, not the chair."""
MEETING_TIME_OR_PLACE = re.compile(rf"{PLACE_QUESTION.pattern}|\bklockslag|\bnär\b|\bhur länge", re.IGNORECASE)
"""A meeting question asking where, when or how long: the header answers it whoever held the roles."""


REPLACEMENT = re.compile(r"\b(?:ersatte|ersätter|ersättare för|i stället för)\b", re.IGNORECASE)
"""A question about who stood in for someone: answered by the header line "X ersätter Y"."""


def _person_named_at(text: str, people: Sequence[str], replacement: bool) -> int:
    """Where the header names a person the question names: on an "ersätter" line when the question asks
    who stood in for them, else the first mention."""
    lowered = text.lower()
    first = -1
    for person in people:
        for m in re.finditer(re.escape(person), lowered):
            if not replacement:
                return m.start()
            start, end = _line_span(text, m.start())
            if "ersätt" in lowered[start:end]:
                return m.start()
            first = m.start() if first < 0 else first
    return first


def _person_at(text: str, asked: Sequence[tuple[str, list[str]]]) -> int:
    """Where the header names the first person asked about: after the role's label when it has one."""
    for label, names in asked:
        pattern = next(p for p, _, lab in ROLE_WORDS if lab == label)
        labelled = pattern.search(text)
        for name in names:
            part = _name_part(name)
            at = text.find(part, labelled.start()) if labelled else -1
            if at < 0:
                at = text.find(part)
            if at >= 0:
                return at
    return -1


JUSTERING_TIME = re.compile(r"\b(?:när|vilket datum|vilken dag)\b[^?]*\bjuster(?:ades|as|ats)\b", re.IGNORECASE)
"""A question asking when the minutes were checked ("När justerades protokollet …?"): answered by the date of
the justering, not by who checked them."""
JUSTERING_LINE = re.compile(
    r"^[ \t]*((?:Justeringens plats och (?:datum|tid)|Justering|Justerat den)\b[^\n]*"
    r"(?:\n[ \t]*(?:19|20)\d\d-\d\d-\d\d)?)",
    re.MULTILINE,
)
"""The header line saying when the minutes were checked: Lomma's "Justeringens plats och datum: Digital
justering, 2023-09-19" (or "Justering: Digital justering," with no date), Örebro's "Justerat den:" with the date
on the next line."""
A_DATE = re.compile(rf"\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{{1,2}}\s+(?:{MONTH_NAMES})\b", re.IGNORECASE)
"""A day, as headers and sentences write it: `2023-09-19`, `den 26 juni 2025`."""
JUSTERING_UNSTATED = "när protokollet justerades"
"""What the answer says the protocol does not state when neither the header nor a sentence dates the justering."""


def justering_span(header: str) -> Span | None:
    """Offsets of the header's justering line (with its date on the next line, if so), or None."""
    m = JUSTERING_LINE.search(header)
    return (m.start(1), m.end(1)) if m else None


TIME_QUESTION = re.compile(r"\bnär\b|\bklockslag|\bhur länge|\bvilken tid|\bbörjade|\bslutade", re.IGNORECASE)
"""A meeting question asking when or how long: answered by the header's time line."""
CLOCK = re.compile(r"\bkl(?:ockan|\.)?\s*\d{1,2}[.:]\d\d", re.IGNORECASE)
TIME_LABEL = re.compile(r"^[ \t]*Tid\b", re.MULTILINE)
"""The header line giving the meeting's time: the clock ("Tid: Fredag 12 februari 2021 kl 9:00 – 12:00",
"2026-05-05, klockan 18:30-20:35"), else the line labelled Tid (Skaraborg's "Tid och plats 2024-08-23,
Regionens Hus")."""
HEADER_LINES_APART = 80
"""Place and time lines at most this many characters apart are quoted as one span (Örebro prints "Tid: …"
and "Plats: …" with a blank line between)."""


def header_hit(
    protocol: Protocol,
    question: str,
    score: float,
    idf: Callable[[str, float], float],
    asked: Sequence[tuple[str, list[str]]] = (),
    people: Sequence[str] = (),
) -> Hit:
    """A protocol's header as a hit, quoting the header line that answers a meeting question: the line
    naming a person the question names, or the first person of the role asked about, or the place, else
    the lines holding the question's words or its answer kind."""
    text = protocol.header
    at = _person_named_at(text, people, bool(REPLACEMENT.search(question)))
    if at < 0:
        at = _person_at(text, asked)
    lines = [_line_span(text, at)] if at >= 0 else []
    justering = JUSTERING_TIME.search(question)
    if at < 0 and protocol.place and PLACE_QUESTION.search(question) and (place := text.find(protocol.place)) >= 0:
        lines.append(_line_span(text, place))
    if (
        at < 0
        and not justering
        and TIME_QUESTION.search(question)
        and (time := CLOCK.search(text) or TIME_LABEL.search(text))
    ):
        lines.append(_line_span(text, time.start()))
    if justering and (span := justering_span(text)):
        lines.append(span)
    if lines:
        # The place and the time lines together when they stand close, as headers print them.
        start, end = min(lines)
        if len(lines) > 1 and max(lines)[0] - end <= HEADER_LINES_APART:
            end = max(e for _, e in lines)
    elif text:
        start, end = best_quote_span(
            text, analyze_query(question), analyze_tokens, idf, answer=answer_pattern(question)
        )
    else:
        start = end = 0
    return Hit(
        rank=1,
        score=round(score, 6),
        file=protocol.source,
        paragraph=HEADER,
        title="Protokollets huvud",
        case_number=None,
        organisation=protocol.organisation,
        body=protocol.body,
        date=protocol.date,
        citation=f"{cite_protocol(protocol)}, huvud (närvaro, plats och tid)",
        text=text,
        quote=text[start:end],
        quote_start=start,
        quote_end=end,
        match="meeting",
    )


def named_participants(protocol: Protocol, question: str) -> list[str]:
    """The participants of the protocol the question names (lower case, as `_person_named_at` finds them):
    "Vilken kommun företrädde Marlene Jörhag (KD) vid mötet?" names one the header lists with her municipality."""
    lowered = question.lower()
    names = dict.fromkeys(_name_part(p.name).lower() for p in protocol.participants)
    return [name for name in names if " " in name and name in lowered]


def _name_part(name: str) -> str:
    """`Jens Thystrup (M), Ordförande` → `Jens Thystrup`: how the name is found in the header text."""
    return re.split(r"\s*[,(]", name, maxsplit=1)[0]


_PARTY_MARK = re.compile(r"\(([A-ZÅÄÖ]{1,3})\)")


def asked_parties(protocol: Protocol, question: str) -> frozenset[str]:
    """The party letters the question names ("från SD", "Moderaternas ledamöter") that the protocol's
    participants carry."""
    held = {m[1] for p in protocol.participants for m in _PARTY_MARK.finditer(p.name)}
    named = {w for w in re.findall(r"\b[A-ZÅÄÖ]{1,3}\b", question) if w in held}
    named |= {PARTY_NAMES[name] for _, name in party_names(question)}
    return frozenset(named & held)


def asked_people(protocol: Protocol, question: str) -> list[tuple[str, list[str]]]:
    """(role label, names) for each role the question asks about that the header lists: of the parties
    the question names, if it names any."""
    parties = asked_parties(protocol, question)
    asked = []
    for pattern, role, label in ROLE_WORDS:
        if pattern.search(question):
            names = list(dict.fromkeys(p.name for p in protocol.participants if p.role is role))
            if parties:
                names = [n for n in names if any(f"({party})" in n for party in parties)]
            if names:
                asked.append((label, names))
    return asked


def unlisted_roles(protocol: Protocol, question: str) -> list[tuple[Role, str]]:
    """(role, label) for each role the question asks about that the header lists nobody in, in the order
    the question asks them."""
    listed = {p.role for p in protocol.participants}
    asked = COMPANION.sub(" ", question)
    found = [(m.start(), role, label) for pattern, role, label in ROLE_WORDS if (m := pattern.search(asked))]
    return [(role, label) for _, role, label in sorted(found) if role in UNSTATED and role not in listed]


def only_roles(question: str) -> bool:
    """Whether a meeting question asks only who held roles or attended (not where, when or who was away)."""
    asked = [role for pattern, role, _ in ROLE_WORDS if pattern.search(question)]
    return bool(asked) and all(role in UNSTATED for role in asked) and not MEETING_TIME_OR_PLACE.search(question)


def only_place(question: str) -> bool:
    """Whether a meeting question asks only where the meeting was (not who held a role, nor when)."""
    return (
        bool(PLACE_QUESTION.search(question))
        and not any(pattern.search(question) for pattern, _, _ in ROLE_WORDS)
        and not TIME_QUESTION.search(question)
    )


PLACE_UNSTATED = "var sammanträdet hölls"
"""What the answer says the protocol does not state when its header names no place (Göteborg's)."""


def role_parts(asked: Sequence[tuple[str, list[str]]], protocol: Protocol, question: str) -> list[Part]:
    """Framing from the parsed participants (and place) for what the question asks about."""
    said = [f"{label}: {', '.join(names)}" for label, names in asked]
    if protocol.place and PLACE_QUESTION.search(question):
        said.append(f"plats: {protocol.place}")
    return [Part("; ".join(said) + ". ")] if said else []


PERSON = r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:[ -][A-ZÅÄÖÉ][a-zåäöéü]+)+\s*\([A-ZÅÄÖ]{1,3}\)"
"""A name with its party, as Göteborg's protocols write people: `Dan-Ove Marcelind (KD)`."""

STATEMENTS: dict[Role, re.Pattern[str]] = {
    Role.JUSTERARE: re.compile(
        rf"{PERSON}[^.]*?\bjuster\w*\s(?:[^.]*?\s)?protokoll|\bjusteras\s+av\s+(?:ordföranden\b|[^.]*?{PERSON})"
    ),
    Role.ORDFORANDE: re.compile(rf"\b(?i:ordföranden)\s+{PERSON}"),
}
"""A sentence naming who held the role (only the roles a protocol's text names this way)."""


def statement_span(text: str, role: Role) -> Span | None:
    """Offsets in `text` of the sentences naming who held `role` (first to last), or None.

    A "sentence" longer than a quote (a header's list of names) gives way to the lines of the match.
    """
    pattern = STATEMENTS.get(role)
    if pattern is None:
        return None
    found: list[Span] = []
    for start, end in quote_spans(text):
        m = pattern.search(text, start, end)
        if m is None:
            continue
        found.append((start, end) if end - start <= QUOTE_MAX_CHARS else _line_span(text, m.start(), m.end()))
    return (found[0][0], found[-1][1]) if found else None


def first_statement(texts: Iterable[str], role: Role) -> tuple[int, Span] | None:
    """(index, span) of the first of `texts` (a protocol's header, then its paragraphs in order) that
    names who held `role`."""
    for i, text in enumerate(texts):
        span = statement_span(text, role)
        if span is not None:
            return i, span
    return None
