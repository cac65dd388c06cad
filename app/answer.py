"""Answers from the protocols: extractive, cited, and honest about what the protocols do not say.

An answer is made of parts. A part is either framing built only from parsed fields (body, date, §,
case number, participants' names and roles) or a quote: an exact substring of a cited hit's text,
followed by its marker `[n]` into the citations. Nothing else is written, except the fixed Swedish
sentences that say nothing in the protocols answers the question. `compose` is pure; `answer` runs
the search and reads the headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from app.cite import answer_pattern, best_quote_span, cite_protocol, title_span
from app.confidence import SPECIFIC_HITS, Signals, is_confident, signals
from app.matters import find_matters
from app.places import place_key
from app.query import AGENDA_TYPES, Kind, QuestionFacts
from app.roles import first_statement
from app.search import MATCH_CASE, MATCH_MATTER, MATCH_MEETING, MATCH_NUMBER, MATCH_ROLE, Prepared, Searcher
from indexer.index.keyword import analyze_query, analyze_tokens, words
from indexer.index.tables import NO_DATE
from indexer.models import HEADER, Filters, Hit, Protocol, Role
from indexer.parse.sentences import quote_spans

ANSWER_HITS = 5
"""Citations an answer lists: the ones it quotes, then the closest others."""
TOPIC_MAX_STEPS = 5
"""A matter followed over time shows at most this many meetings."""
TOPIC_SCORE_MARGIN = 1.5
"""A hit joins a topic's path when its fused score is within 1.5 z-units of the best (or it shares the
best hit's case number): on tests/eval/answers.jsonl topics, gold paragraphs scored 0.2–1.4 below the best."""
DECISION_MAX_CHARS = 600
"""A decision longer than this is cut at a sentence end (a budget decision lists dozens of att-satser)."""

ROLE_WORDS: tuple[tuple[re.Pattern[str], Role, str], ...] = (
    (re.compile(r"\bordförande|\bledde\b", re.I), Role.ORDFORANDE, "ordförande"),
    (re.compile(r"\bsekreterare|\bprotokollförare|\bförde protokoll", re.I), Role.SEKRETERARE, "sekreterare"),
    (re.compile(r"\bjuster", re.I), Role.JUSTERARE, "justerare"),
    (re.compile(r"\bfrånvar", re.I), Role.FRANVARANDE, "frånvarande"),
    (re.compile(r"\b(?:närvar|ledamöter|deltog|deltagare|tjänstgör|ersättare)", re.I), Role.BESLUTANDE, "beslutande"),
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


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of an answer: framing (citation 0) or a verbatim quote of citation n at text[start:end]."""

    text: str
    citation: int = 0
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Answer:
    """What `ask` returns: the answer text, whether the protocols answer the question, the kind of
    question, the hits it cites (marker n is citations[n-1]), and the answer's parts."""

    answer: str
    confident: bool
    kind: str
    citations: tuple[Hit, ...]
    parts: tuple[Part, ...] = ()
    signals: Signals | None = None


def render(parts: Sequence[Part]) -> str:
    """The answer text: parts joined; a quote is followed by its marker."""
    out = []
    for part in parts:
        out.append(f"»{part.text}« [{part.citation}]" if part.citation else part.text)
    return "".join(out).strip()


def meeting_framing(hit: Hit) -> str:
    """`Kommunfullmäktige, Göteborgs Stad, 2025-06-12`: the meeting of a hit, from parsed fields only."""
    where = f"{hit.body}, {hit.organisation}" if hit.body else hit.organisation
    return f"{where}, {hit.date or 'odaterat'}"


def number_label(hit: Hit) -> str:
    """`§ 345`, or `punkt 4` for a protocol numbering agenda items."""
    return f"§ {hit.paragraph}" if "§" in hit.citation.split(",")[-1] else f"punkt {hit.paragraph}"


def framing(hit: Hit) -> str:
    """`Kommunfullmäktige, Göteborgs Stad, 2025-06-12, § 345 (SLK-2024-00704)` from parsed fields only."""
    if hit.paragraph == HEADER:
        return meeting_framing(hit)
    case = f" ({hit.case_number})" if hit.case_number else ""
    return f"{meeting_framing(hit)}, {number_label(hit)}{case}"


Span = tuple[int, int]


def _quote_span(hit: Hit) -> tuple[int, int]:
    return hit.quote_start, hit.quote_end


def _decision_span(hit: Hit) -> tuple[int, int]:
    """Offsets of the hit's decision in its text, cut at a sentence end near DECISION_MAX_CHARS; the
    quote when the paragraph records no decision."""
    start = hit.text.find(hit.decision) if hit.decision else -1
    if start < 0 or not hit.decision:
        return _quote_span(hit)
    end_of_decision = start + len(hit.decision)
    spans = [(s, e) for s, e in quote_spans(hit.text) if start <= s and e <= end_of_decision]
    if not spans:
        return _quote_span(hit)
    end = spans[0][1]
    for _, e in spans[1:]:
        if e - spans[0][0] > DECISION_MAX_CHARS:
            break
        end = e
    return spans[0][0], end


def _quote(hit: Hit) -> list[Span]:
    return [_quote_span(hit)]


def _decision(hit: Hit) -> list[Span]:
    return [_decision_span(hit)]


def _votes(hit: Hit) -> list[Span]:
    """Each vote: what Ja and Nej stood for, then the result; the decision when none is recorded."""
    spans: list[Span] = []
    for vote in hit.votes:
        if vote.proposition_start >= 0:
            spans.append((vote.proposition_start, vote.proposition_end))
        spans.append((vote.start, vote.end))
    return spans or _decision(hit)


def _reservations(hit: Hit) -> list[Span]:
    """Each reservation sentence; the decision when none is recorded."""
    return [(r.start, r.end) for r in hit.reservations] or _decision(hit)


def _best(hits: Sequence[Hit]) -> list[Hit]:
    return [hits[0]]


def _stated_or_best(hits: Sequence[Hit]) -> list[Hit]:
    """The paragraphs naming who held the roles asked about (they lead), else the best hit."""
    return [h for h in hits if h.match == MATCH_ROLE] or [hits[0]]


def _same_matter(hits: Sequence[Hit]) -> list[Hit]:
    """The best hit and the other hits on its matter, best first."""
    best = hits[0]
    return [best] + [
        h for h in hits[1:] if best.matter and (h.matter, h.organisation) == (best.matter, best.organisation)
    ]


def _best_voted(hits: Sequence[Hit]) -> list[Hit]:
    """The best hit, or the first hit on its matter that records a vote (a vote in KS, not in KF)."""
    return [next((h for h in _same_matter(hits) if h.votes), hits[0])]


def _best_reserved(hits: Sequence[Hit]) -> list[Hit]:
    """The best hit, or the first hit on its matter that records a reservation."""
    return [next((h for h in _same_matter(hits) if h.reservations), hits[0])]


def _matter(hits: Sequence[Hit]) -> list[Hit]:
    """The paragraphs the question named (case number, §), oldest first: the matter's path."""
    named = [h for h in hits if h.match in (MATCH_CASE, MATCH_NUMBER)]
    return sorted(named, key=lambda h: (h.date or "", h.rank)) or [hits[0]]


def _topic(hits: Sequence[Hit]) -> list[Hit]:
    """The hits on the best hit's matter, oldest first: same case number, or close in score."""
    best = hits[0]
    path = [
        h
        for h in hits
        if (best.case_number and h.case_number == best.case_number)
        or h.score >= best.score - TOPIC_SCORE_MARGIN
        or h.match == MATCH_CASE
    ]
    return sorted(path[:TOPIC_MAX_STEPS], key=lambda h: (h.date or "", h.rank))


ANSWER_SHAPES: dict[Kind, tuple[Callable[[Sequence[Hit]], list[Hit]], Callable[[Hit], list[Span]]]] = {
    Kind.LOOKUP: (_matter, _decision),
    Kind.TOPIC: (_topic, _decision),
    Kind.DECISION: (_best, _decision),
    Kind.VOTE: (_best_voted, _votes),
    Kind.RESERVATION: (_best_reserved, _reservations),
    Kind.FACT: (_best, _quote),
    Kind.MEETING: (_stated_or_best, _quote),  # the header line, or the sentences naming who held a role
}
"""Per kind of question: which hits the answer quotes, and what of each."""
NONE_RECORDED: dict[Kind, tuple[Callable[[Hit], bool], str]] = {
    Kind.VOTE: (lambda h: bool(h.votes), "Protokollet anger ingen omröstning; beslutet: "),
    Kind.RESERVATION: (lambda h: bool(h.reservations), "Protokollet anger ingen reservation; beslutet: "),
}
"""Kinds whose answer says so when the quoted paragraph does not record what was asked (the fixed words)."""
PATH_KINDS = frozenset({Kind.LOOKUP, Kind.TOPIC, Kind.DECISION})
"""Kinds answered with the best hit's matter path when its matter has several meetings."""
MATTER_MAX_STEPS = 8
"""A matter's path in an answer names at most its 8 latest meetings (all are in `protokoll matter`)."""

DID: dict[str, str] = {
    "bifall": "biföll",
    "avslag": "avslog",
    "återremiss": "återremitterade",
    "bordläggning": "bordlade",
    "förslag": "föreslog",
    "yttrande": "yttrade sig över",
    "antecknas": "antecknade",
    "val": "förrättade val i",
    "övrigt": "behandlade",
}
"""What a body did, by outcome (`Kommunfullmäktige avslog motionen`)."""
HAD_BEEN: dict[str, str] = {
    "bifall": "bifallits",
    "avslag": "avslagits",
    "återremiss": "återremitterats",
    "bordläggning": "bordlagts",
    "förslag": "föreslagits",
    "yttrande": "besvarats med yttrande",
    "antecknas": "antecknats",
    "val": "behandlats",
    "övrigt": "behandlats",
}
"""What had happened to the matter at an earlier meeting (`ärendet hade bordlagts`)."""
PROPOSED: dict[str, str] = {
    "bifall": "bifall",
    "avslag": "avslag",
    "återremiss": "återremiss",
    "bordläggning": "bordläggning",
    "yttrande": "yttrande",
    "antecknas": "att anteckna ärendet",
    "val": "val",
    "övrigt": "beslut",
}
"""What a proposal asked the other body for (`föreslog kommunfullmäktige avslag`)."""
OBJECTS: dict[str, str] = {
    "motion": "motionen",
    "interpellation": "interpellationen",
    "yrkande": "yrkandet",
    "reviderat": "yrkandet",
    "remiss": "remissen",
    "redovisning": "redovisningen",
    "fråga": "frågan",
    "skrivelse": "skrivelsen",
    "hemställan": "hemställan",
    "nämndinitiativ": "initiativet",
    "initiativärende": "initiativet",
}
"""What the matter is, by the first word of its title; anything else is `ärendet`."""
MATTER_WORDS = ("på", "förslag", "ärendet", "hade", "i", "och", "omröstning", "reservation")
"""The other fixed words of a path answer."""


def _topic_words(question: str) -> str:
    """What the question asks about, for the "nothing found" sentence: after its last " om ", or all of it."""
    text = question.strip().rstrip("?.! ")
    cut = text.lower().rfind(" om ")
    return text[cut + 4 :] if cut >= 0 else f"»{text}«"


def not_found(facts: QuestionFacts, missing: str | None, hits: Sequence[Hit]) -> list[Part]:
    """The Swedish sentences for a question the protocols do not answer, then the closest hits."""
    parts = [Part(missing or f"Jag hittar inget i protokollen om {_topic_words(facts.text)}.")]
    if hits:
        parts.append(Part(" Närmast kommer: " + "; ".join(f"{framing(h)} [{i}]" for i, h in enumerate(hits, 1)) + "."))
    return parts


def compose(facts: QuestionFacts, hits: Sequence[Hit], confident: bool, missing: str | None = None) -> list[Part]:
    """The parts of an answer from hits (citation i is hits[i-1])."""
    if not hits or not confident:
        return not_found(facts, missing, hits)
    if facts.kind is Kind.AGENDA:
        return agenda_parts(hits)
    if facts.kind in PATH_KINDS and hits[0].matter_appearances > 1:
        return matter_parts(hits)
    choose, span_of = ANSWER_SHAPES[facts.kind]
    recorded, none_said = NONE_RECORDED.get(facts.kind, (lambda h: True, ""))
    index = {id(h): i for i, h in enumerate(hits)}
    parts: list[Part] = []
    for hit in choose(hits):
        parts.append(Part(("\n" if parts else "") + f"{framing(hit)}: " + ("" if recorded(hit) else none_said)))
        for k, (start, end) in enumerate(span_of(hit)):
            if k:
                parts.append(Part(" "))
            parts.append(Part(hit.text[start:end], index[id(hit)] + 1, start, end))
    return parts


ABOUT_A_MEETING = frozenset({Kind.MEETING, Kind.AGENDA})
"""Kinds whose words name the meeting, not a topic another organisation's protocols might hold."""
TITLE_TYPE_WORDS = 5
"""A title names its kind of matter in its first words: "Motion av …", "Svar på Liberalernas motion …"."""


def titled_as(title: str, types: Sequence[str]) -> bool:
    """Whether a paragraph's title names one of these kinds of matter (AGENDA_TYPES keys) in its first words."""
    return any(w.startswith(t) for w in words(title)[:TITLE_TYPE_WORDS] for t in types)


AGENDA_OUTCOMES = frozenset({"bifall", "avslag", "återremiss", "bordläggning"})
"""Outcomes an agenda line names (as PROPOSED words it): the rest (a proposal to fullmäktige, a report
noted, an election) the title says."""


def agenda_parts(hits: Sequence[Hit]) -> list[Part]:
    """A meeting's paragraphs in order: the meeting, then each § with its title quoted and its outcome."""
    parts = [Part(f"{meeting_framing(hits[0])}:")]
    for n, hit in enumerate(hits, start=1):
        parts += [Part(f"\n{number_label(hit)} "), Part(hit.quote, n, hit.quote_start, hit.quote_end)]
        if hit.outcome in AGENDA_OUTCOMES:
            parts.append(Part(f" ({PROPOSED[hit.outcome]})"))
    return parts


def _object(title: str) -> str:
    words = title.split()
    return OBJECTS.get(words[0].lower(), "ärendet") if words else "ärendet"


def _step(hit: Hit, marker: int) -> str:
    return f"{hit.date or 'odaterat'} (§ {hit.paragraph}) [{marker}]"


def _did(hit: Hit) -> str:
    if hit.outcome == "förslag" and hit.matter_path:
        step = next((s for s in hit.matter_path if s.file == hit.file and s.paragraph == hit.paragraph), None)
        if step and step.proposal_to and step.proposed:
            return f"föreslog {step.proposal_to.lower()} {PROPOSED[step.proposed]}"
    return f"{DID[hit.outcome or 'övrigt']} {_object(hit.title)}"


def matter_parts(hits: Sequence[Hit]) -> list[Part]:
    """The best hit's matter followed to its latest meeting: `Kommunfullmäktige avslog motionen 2025-06-12
    (§ 345) [1] på kommunstyrelsens förslag 2025-01-15 (§ 29) [2]; ärendet hade bordlagts 2024-12-11
    (§ 1039) [3]:` then the final decision quoted, and its votes and reservations. Every step's hit must
    be among `hits` (the answerer adds them)."""
    marker = {(h.file, h.paragraph): i for i, h in reversed(list(enumerate(hits, 1)))}
    by_step = {(h.file, h.paragraph): h for h in hits}
    path = [by_step[(s.file, s.paragraph)] for s in hits[0].matter_path if (s.file, s.paragraph) in by_step]
    path = path[-MATTER_MAX_STEPS:]
    final = path[-1]
    text = f"{final.body} {_did(final)} {_step(final, marker[(final.file, final.paragraph)])}"
    earlier = path[:-1]
    if earlier and earlier[-1].outcome == "förslag" and earlier[-1].body != final.body:
        proposer = earlier.pop()
        text += f" på {proposer.body.lower()}s förslag {_step(proposer, marker[(proposer.file, proposer.paragraph)])}"
    if earlier:
        said = []
        for step in reversed(earlier):
            where = f" i {step.body.lower()}" if step.body != final.body else ""
            said.append(
                f"{HAD_BEEN[step.outcome or 'övrigt']}{where} {_step(step, marker[(step.file, step.paragraph)])}"
            )
        text += "; ärendet hade " + ", ".join(said)
    n = marker[(final.file, final.paragraph)]
    start, end = _decision_span(final)
    parts = [Part(text + ": "), Part(final.text[start:end], n, start, end)]
    for vote in final.votes:
        parts += [Part(" Omröstning: "), Part(final.text[vote.start : vote.end], n, vote.start, vote.end)]
    for reservation in final.reservations:
        r_start, r_end = reservation.start, reservation.end
        parts += [Part(" Reservation: "), Part(final.text[r_start:r_end], n, r_start, r_end)]
    return parts


def _line_span(text: str, at: int) -> tuple[int, int]:
    """The line of `text` around offset `at`, without its line breaks."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end


PLACE_QUESTION = re.compile(
    r"\bvar\b[^?]*\b(?:hölls|sammanträdde|träffades|möttes)\b|\bplats\b|\bdigitalt\b", re.IGNORECASE
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
    if at < 0 and protocol.place and PLACE_QUESTION.search(question):
        at = text.find(protocol.place)
    if at >= 0:
        start, end = _line_span(text, at)
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


def _name_part(name: str) -> str:
    """`Jens Thystrup (M), Ordförande` → `Jens Thystrup`: how the name is found in the header text."""
    return re.split(r"\s*[,(]", name, maxsplit=1)[0]


PARTY_NAMES: dict[str, str] = {
    "socialdemokrat": "S",
    "moderat": "M",
    "sverigedemokrat": "SD",
    "vänsterpart": "V",
    "centerpart": "C",
    "liberal": "L",
    "kristdemokrat": "KD",
    "miljöpart": "MP",
    "demokraterna": "D",
}
"""Party names as questions write them, by the letters protocols write after a name: `Axel Josefson (M)`."""
_PARTY_MARK = re.compile(r"\(([A-ZÅÄÖ]{1,3})\)")


def asked_parties(protocol: Protocol, question: str) -> frozenset[str]:
    """The party letters the question names ("från SD", "Moderaternas ledamöter") that the protocol's
    participants carry."""
    held = {m[1] for p in protocol.participants for m in _PARTY_MARK.finditer(p.name)}
    named = {w for w in re.findall(r"\b[A-ZÅÄÖ]{1,3}\b", question) if w in held}
    lowered = question.lower()
    named |= {letter for name, letter in PARTY_NAMES.items() if re.search(rf"\b{name}", lowered)}
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


def role_parts(asked: Sequence[tuple[str, list[str]]], protocol: Protocol, question: str) -> list[Part]:
    """Framing from the parsed participants (and place) for what the question asks about."""
    said = [f"{label}: {', '.join(names)}" for label, names in asked]
    if protocol.place and PLACE_QUESTION.search(question):
        said.append(f"plats: {protocol.place}")
    return [Part("; ".join(said) + ". ")] if said else []


class Answerer:
    """Answers questions over one searcher (the CLI, the UI and eval use the same one)."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._protocols = {p.source: j for j, p in enumerate(searcher.index.protocols)}

    def answer(self, question: str, filters: Filters | None = None, k: int = ANSWER_HITS) -> Answer:
        prepared = self.searcher.prepare(question)
        facts = prepared.facts
        hits = self.searcher.hits(prepared, k, filters)
        missing = self._missing(facts, hits)
        if facts.kind is Kind.AGENDA and missing is None:
            protocol = self._meeting(facts, hits)
            agenda = self._agenda(protocol, prepared, facts.agenda_types) if protocol is not None else []
            if protocol is not None and not agenda:
                asked = " eller ".join(AGENDA_TYPES[t] for t in facts.agenda_types)
                missing = f"Protokollet från {meeting_framing(hits[0])} tar inte upp några {asked}."
            hits = agenda or hits
        asked: list[tuple[str, list[str]]] = []
        if facts.kind is Kind.MEETING:
            protocol = self._meeting(facts, hits)
            if protocol is not None:
                asked = [] if REPLACEMENT.search(prepared.text) else asked_people(protocol, prepared.text)
                head = header_hit(
                    protocol,
                    prepared.text,
                    hits[0].score if hits else 0.0,
                    self.searcher.index.keyword.idf,
                    asked,
                    facts.people,
                )
                unlisted = [] if REPLACEMENT.search(prepared.text) else unlisted_roles(protocol, prepared.text)
                stated = self._stated(protocol, unlisted, prepared, head)
                lead = stated if any(h.paragraph == HEADER for h in stated) else [*stated, head]
                led = {(h.file, h.paragraph) for h in lead}
                rest = [h for h in hits if (h.file, h.paragraph) not in led]
                hits = [replace(h, rank=rank) for rank, h in enumerate([*lead, *rest][:k], start=1)]
                if unlisted and not stated and not asked and only_roles(prepared.text):
                    unstated = " eller ".join(UNSTATED[role] for role, _ in unlisted)
                    missing = missing or f"Protokollet från {framing(head)} anger inte {unstated}."
        tables = self.searcher.index.tables
        # A question naming an organisation is answered by that organisation's paragraphs: its specific
        # words count only there ("Vad beslutade Lomma om Västlänken?" is not answered by Göteborg's).
        named = facts.filters.organisations
        scope = [h for h in hits if h.organisation in named] if named else hits
        headers = {self._protocol_of(h).header for h in scope[:SPECIFIC_HITS]}
        found = signals(prepared.text, scope, (*tables.bodies, *tables.organisations, *facts.people), headers)
        confident = (
            missing is None
            and bool(hits)
            and (
                is_confident(found)
                or any(h.match in (MATCH_CASE, MATCH_NUMBER) for h in hits)
                or hits[0].paragraph == HEADER
                or hits[0].match == MATCH_ROLE
                or facts.kind is Kind.AGENDA
            )
        )
        if confident and facts.kind in PATH_KINDS and hits and hits[0].matter_appearances > 1:
            hits = self._with_path(hits, prepared)
        parts = compose(facts, hits, confident, missing)
        if confident and hits and hits[0].paragraph == HEADER:
            parts = role_parts(asked, self._protocol_of(hits[0]), prepared.text) + parts
        return Answer(render(parts), confident, facts.kind.value, tuple(hits), tuple(parts), found)

    def _with_path(self, hits: list[Hit], prepared: Prepared) -> list[Hit]:
        """The hits, then a hit for each paragraph of the best hit's matter not among them (cited last)."""
        best = hits[0]
        matters = [m for m in find_matters(self.searcher.index, best.matter or "", best.organisation)]
        if len(matters) != 1:
            return hits
        have = {(h.file, h.paragraph) for h in hits}
        added = list(hits)
        for pid, step in zip(matters[0].paragraphs, best.matter_path):
            if (step.file, step.paragraph) not in have:
                added.append(self.searcher.paragraph_hit(pid, prepared, len(added) + 1, MATCH_MATTER))
        return added

    def _agenda(self, protocol: Protocol, prepared: Prepared, types: Sequence[str] = ()) -> list[Hit]:
        """The protocol's paragraphs in order (those whose title names one of `types`, if any), each
        quoting its title: all of them, whatever k."""
        tables = self.searcher.index.tables
        pids = np.flatnonzero(tables.paragraph_protocol == self._protocols[protocol.source])
        hits: list[Hit] = []
        for pid in pids.tolist():
            hit = self.searcher.paragraph_hit(pid, prepared, len(hits) + 1, MATCH_MEETING)
            if types and not titled_as(hit.title, types):
                continue
            span = title_span(hit.text, hit.title)
            if span is not None:
                hit = replace(hit, quote=hit.text[span[0] : span[1]], quote_start=span[0], quote_end=span[1])
            hits.append(hit)
        return hits

    def _stated(
        self, protocol: Protocol, roles: Sequence[tuple[Role, str]], prepared: Prepared, head: Hit
    ) -> list[Hit]:
        """For each role, the first of the protocol's header and paragraphs (in order) with the sentences
        naming who held it, as a hit quoting them."""
        tables = self.searcher.index.tables
        pids = np.flatnonzero(tables.paragraph_protocol == self._protocols[protocol.source])
        texts = [protocol.header, *(self.searcher.index.paragraphs.get(int(pid)).text for pid in pids)]
        stated: list[Hit] = []
        for role, _ in roles:
            found = first_statement(texts, role)
            if found is None:
                continue
            at, (start, end) = found
            hit = head if at == 0 else self.searcher.paragraph_hit(int(pids[at - 1]), prepared, 1)
            hit = replace(
                hit, score=head.score, quote=hit.text[start:end], quote_start=start, quote_end=end, match=MATCH_ROLE
            )
            if all((h.file, h.paragraph) != (hit.file, hit.paragraph) for h in stated):
                stated.append(hit)
        return stated

    def _undated_meetings(self, facts: QuestionFacts) -> bool:
        """Whether the named body or organisation has protocols without a date, which any date may be."""
        undated = replace(facts, filters=replace(facts.filters, date_from=None, date_to=None))
        mask = self.searcher.preferred(undated, people=False)
        days = self.searcher.index.tables.paragraph_day
        return bool(facts.dated and mask is not None and (days[mask] == NO_DATE).any())

    def _protocol_of(self, hit: Hit) -> Protocol:
        return self.searcher.index.protocols[self._protocols[hit.file]]

    def _meeting(self, facts: QuestionFacts, hits: Sequence[Hit]) -> Protocol | None:
        """The protocol a meeting question is about: the one its meeting words name, else the best hit's."""
        mask = self.searcher.preferred(facts, people=False)
        tables = self.searcher.index.tables
        if mask is not None and mask.any():
            counts = np.bincount(tables.paragraph_protocol[mask], minlength=len(self.searcher.index.protocols))
            if hits and counts[self._protocols[hits[0].file]]:
                return self._protocol_of(hits[0])
            return self.searcher.index.protocols[int(np.argmax(counts))]
        return self._protocol_of(hits[0]) if hits else None

    def _missing(self, facts: QuestionFacts, hits: Sequence[Hit]) -> str | None:
        """The fixed sentence for a question naming what the archive lacks, or None."""
        texts = [h.text.lower() for h in hits[:SPECIFIC_HITS]]
        # A place named as the body that decided is outside the archive; a place the best hits mention
        # otherwise (a study trip to Södertälje) is a topic.
        absent = [
            p
            for p in facts.unknown_places
            if p in facts.unknown_organisations or not any(place_key(p) in t for t in texts)
        ]
        if absent:
            return (
                f"Arkivet har inga protokoll från {', '.join(absent)}, så jag hittar inget i "
                f"protokollen om {_topic_words(facts.text)}."
            )
        named = facts.filters.organisations
        if (
            named
            and hits
            and (
                not any(h.organisation in named for h in hits[:SPECIFIC_HITS])
                or (facts.kind not in ABOUT_A_MEETING and self.searcher.words_only_elsewhere(facts.text, named))
            )
        ):
            return f"Jag hittar inget i protokollen från {', '.join(named)} om {_topic_words(facts.text)}."
        if facts.unknown_bodies:
            return f"Jag hittar inget protokoll från {', '.join(facts.unknown_bodies)} i arkivet."
        if facts.cases and not any(h.match == MATCH_CASE for h in hits):
            return f"Ärendet {', '.join(r.written for r in facts.cases)} finns inte i protokollen."
        if facts.paragraph_numbers and not any(h.match == MATCH_NUMBER for h in hits):
            numbers = ", ".join(f"§ {n}" for n in facts.paragraph_numbers)
            return f"{numbers} finns inte i protokollen{_meeting_words(facts)}."
        if facts.names_meeting and (facts.meeting_dated or not facts.dated):
            mask = self.searcher.preferred(facts, people=False)
            if mask is not None and not mask.any() and not self._undated_meetings(facts):
                return f"Jag hittar inget protokoll{_meeting_words(facts)} i arkivet."
        return None


def _meeting_words(facts: QuestionFacts) -> str:
    """` från Kommunstyrelsen, Göteborgs Stad, 2025-03-12` from the names the question matched."""
    f = facts.filters
    names = [*f.bodies, *f.organisations]
    when = "" if not f.date_from else (f.date_from if f.date_from == f.date_to else f"{f.date_from}–{f.date_to}")
    words = ", ".join([*names, when] if when else names)
    return f" från {words}" if words else ""
