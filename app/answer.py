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
from itertools import chain

import numpy as np

from app.agenda import agenda_parts, titled_as
from app.cite import author_span, title_span
from app.confidence import SPECIFIC_HITS, Signals, is_confident, missing_answer, signals
from app.matters import find_matters
from app.meeting import (
    A_DATE,
    JUSTERING_TIME,
    JUSTERING_UNSTATED,
    PLACE_UNSTATED,
    REPLACEMENT,
    UNSTATED,
    asked_people,
    first_statement,
    header_hit,
    justering_span,
    named_participants,
    only_place,
    only_roles,
    role_parts,
    unlisted_roles,
)
from app.parts import DID, HAD_BEEN, OBJECTS, PROPOSED, Part, Span, framing, meeting_framing, render
from app.places import place_key
from app.proposals import on_topic, proposal_span
from app.query import AGENDA_TYPES, Kind, QuestionFacts
from app.search import MATCH_CASE, MATCH_MATTER, MATCH_MEETING, MATCH_NUMBER, MATCH_ROLE, Prepared, Searcher
from indexer.index.keyword import stem
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
    Kind.PROPOSALS: (list, _quote),  # every paragraph of the person's proposals, newest first
}
"""Per kind of question: which hits the answer quotes, and what of each."""
NONE_RECORDED: dict[Kind, tuple[Callable[[Hit], bool], str]] = {
    Kind.VOTE: (lambda h: bool(h.votes), "ingen omröstning"),
    Kind.RESERVATION: (lambda h: bool(h.reservations), "ingen reservation"),
}
"""Kinds asking for something a paragraph records or not, and what the answer says it lacks when the paragraph it
would quote does not: "Hur röstade …" answered by a decision made without a vote does not say how anyone voted.
On the 18 question sets (1,025 questions) no answerable question was flagged by this (votes.jsonl's 22 all quote
their vote), while 2 unanswerable ones were answered confidently by a paragraph without one (h10-22's
motion was tabled to a meeting the archive lacks; h12-26 asks the ja and nej of a statement made unanimously)."""
ABOUT_A_MEETING = frozenset({Kind.MEETING, Kind.AGENDA})
"""Kinds whose words name the meeting, not a topic another organisation's protocols might hold."""
DECIDED_BY = {Kind.DECISION: "inget beslut av", Kind.VOTE: "ingen omröstning i"}
"""Kinds asking what a named body did, and what the answer says it lacks when the best paragraph is another
body's: "Hur röstade kommunfullmäktige om …" answered by kommunstyrelsen's paragraph."""
LISTED_KINDS = frozenset({Kind.AGENDA, Kind.PROPOSALS})
"""Kinds answered by a list the archive holds (a meeting's paragraphs, a person's proposals): found is answered."""
TYPED_KINDS = frozenset({Kind.FACT, Kind.DECISION})
"""Kinds whose answer must give what the question asks for (a sum, a count, a name: `missing_answer`)."""
PATH_KINDS = frozenset({Kind.LOOKUP, Kind.TOPIC, Kind.DECISION})
"""Kinds answered with the best hit's matter path when its matter has several meetings."""
MATTER_MAX_STEPS = 8
"""A matter's path in an answer names at most its 8 latest meetings (all are in `protokoll matter`)."""


def _not_recorded(facts: QuestionFacts, hits: Sequence[Hit]) -> str | None:
    """The sentence saying the archive lacks the vote (reservation) asked about, when the paragraph the answer
    would quote records none."""
    if facts.kind not in NONE_RECORDED:
        return None
    recorded, what = NONE_RECORDED[facts.kind]
    choose, _ = ANSWER_SHAPES[facts.kind]
    return None if recorded(choose(hits)[0]) else f"Jag hittar {what} i protokollen om {_topic_words(facts.text)}."


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
    index = {id(h): i for i, h in enumerate(hits)}
    parts: list[Part] = []
    for hit in choose(hits):
        parts.append(Part(("\n" if parts else "") + f"{framing(hit)}: "))
        for k, (start, end) in enumerate(span_of(hit)):
            if k:
                parts.append(Part(" "))
            parts.append(Part(hit.text[start:end], index[id(hit)] + 1, start, end))
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
        asked: list[tuple[str, list[str]]] = []
        if facts.kind is Kind.AGENDA and missing is None:
            hits, missing = self._agenda_hits(facts, prepared, hits)
        if facts.kind is Kind.MEETING:
            hits, asked, unstated = self._meeting_hits(facts, prepared, hits, k)
            missing = missing or unstated
        if facts.kind is Kind.PROPOSALS and missing is None:
            hits, missing = self._proposal_hits(facts, prepared, hits)
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
                or facts.kind in LISTED_KINDS
            )
        )
        if confident and (unrecorded := _not_recorded(facts, hits)):
            confident, missing = False, unrecorded
        if confident and facts.kind is Kind.FACT and hits:
            hits[0] = _quoting(hits[0], author_span(prepared.text, hits[0].text, hits[0].title))
        if confident and facts.kind in PATH_KINDS and hits and hits[0].matter_appearances > 1:
            hits = self._with_path(hits, prepared)
        parts = compose(facts, hits, confident, missing)
        asked_for = missing_answer(prepared.text, " ".join(p.text for p in parts if p.citation))
        if confident and facts.kind in TYPED_KINDS and asked_for:
            confident = False
            said = f"Jag hittar {asked_for} i protokollen om {_topic_words(facts.text)}."
            parts = compose(facts, hits, confident, said)
        if confident and hits and hits[0].paragraph == HEADER:
            parts = role_parts(asked, self._protocol_of(hits[0]), prepared.text) + parts
        return Answer(render(parts), confident, facts.kind.value, tuple(hits), tuple(parts), found)

    def _agenda_hits(self, facts: QuestionFacts, prepared: Prepared, hits: list[Hit]) -> tuple[list[Hit], str | None]:
        """The named meeting's paragraphs (of the kinds of matter asked for), or the sentence saying it has
        none of them."""
        protocol = self._meeting(facts, hits)
        if protocol is None:
            return hits, None
        agenda = self._agenda(protocol, prepared, facts.agenda_types)
        if agenda:
            return agenda, None
        kinds = " eller ".join(AGENDA_TYPES[t] for t in facts.agenda_types)
        return hits, f"Protokollet från {meeting_framing(protocol)} tar inte upp några {kinds}."

    def _proposal_hits(self, facts: QuestionFacts, prepared: Prepared, hits: list[Hit]) -> tuple[list[Hit], str | None]:
        """The paragraphs showing the named people proposing (within the named meeting, and on the topic
        asked about, if any), newest first, each quoting its title or the yrkande; or the sentence saying there
        are none."""
        mask = self.searcher.preferred(facts)
        tables = self.searcher.index.tables
        pids = np.flatnonzero(mask) if mask is not None else np.zeros(0, dtype=np.int64)
        order = sorted(pids.tolist(), key=lambda p: (int(tables.paragraph_day[p]), int(tables.paragraph_number[p])))
        topic = stem(list(facts.proposal_topic))
        found: list[Hit] = []
        for pid in reversed(order):
            paragraph = self.searcher.index.paragraphs.get(pid)
            spans = (proposal_span(paragraph.text, paragraph.title, person) for person in facts.people)
            span = next(filter(None, spans), None)
            if span is not None and (not topic or on_topic(paragraph.text, topic)):
                found.append(self.searcher.paragraph_hit(pid, prepared, len(found) + 1, MATCH_MEETING, span))
        if found:
            return found, None
        names = ", ".join(_as_written(facts.text, p) for p in facts.people)
        about = f" om {' '.join(facts.proposal_topic)}" if topic else ""
        return hits, f"Jag hittar inga förslag eller yrkanden från {names}{about} i protokollen."

    def _meeting_hits(
        self, facts: QuestionFacts, prepared: Prepared, hits: list[Hit], k: int
    ) -> tuple[list[Hit], list[tuple[str, list[str]]], str | None]:
        """For a question about the meeting: its header (and the paragraphs naming who held a role the header
        does not list) first, the people asked about, and the sentence saying the protocol names nobody in
        the roles asked about, if so."""
        protocol = self._meeting(facts, hits)
        if protocol is None:
            return hits, [], None
        replacing = bool(REPLACEMENT.search(prepared.text))
        asked = [] if replacing else asked_people(protocol, prepared.text)
        when_checked = bool(JUSTERING_TIME.search(prepared.text))
        if when_checked:  # asks when the minutes were checked, not by whom
            asked = [(label, names) for label, names in asked if label != "justerare"]
        score = hits[0].score if hits else 0.0
        people = facts.people or tuple(named_participants(protocol, prepared.text))
        # "Vilken kommun företrädde Marlene Jörhag (KD) …" asks about her, not every KD member present.
        named = [(label, [n for n in names if any(p in n.lower() for p in people)]) for label, names in asked]
        asked = [(label, names) for label, names in named if names] or asked
        head = header_hit(protocol, prepared.text, score, self.searcher.index.keyword.idf, asked, people)
        unlisted = [] if replacing else unlisted_roles(protocol, prepared.text)
        stated = self._stated(protocol, unlisted, prepared, head)
        lead = stated if any(h.paragraph == HEADER for h in stated) else [*stated, head]
        led = {(h.file, h.paragraph) for h in lead}
        rest = [h for h in hits if (h.file, h.paragraph) not in led]
        hits = [replace(h, rank=rank) for rank, h in enumerate([*lead, *rest][:k], start=1)]
        unstated = None
        if unlisted and not stated and not asked and only_roles(prepared.text):
            unstated = " eller ".join(UNSTATED[role] for role, _ in unlisted)
        elif protocol.place is None and only_place(prepared.text):
            unstated = PLACE_UNSTATED
        elif when_checked:
            span = justering_span(protocol.header)
            dating = [protocol.header[span[0] : span[1]]] if span else []
            dating += [h.quote for h in stated if h.paragraph != HEADER]
            unstated = None if any(A_DATE.search(t) for t in dating) else JUSTERING_UNSTATED
        return hits, asked, f"Protokollet från {framing(head)} anger inte {unstated}." if unstated else None

    def _with_path(self, hits: list[Hit], prepared: Prepared) -> list[Hit]:
        """The hits with every paragraph of the best hit's matter, ranked as the answer cites them.

        A matter of at most TOPIC_MAX_STEPS meetings has its steps right after the best hit (those among the
        hits first, then the others), before unrelated paragraphs. A case number held by more meetings than a
        matter goes through (SLK-2025-00006: ten unrelated elections) would push out the hits that answer:
        its other steps come last.
        """
        best = hits[0]
        matters = [m for m in find_matters(self.searcher.index, best.matter or "", best.organisation)]
        if len(matters) != 1:
            return hits
        steps = {(step.file, step.paragraph) for step in best.matter_path}
        have = {(h.file, h.paragraph) for h in hits}
        added = [
            self.searcher.paragraph_hit(pid, prepared, 0, MATCH_MATTER)
            for pid, step in zip(matters[0].paragraphs, best.matter_path)
            if (step.file, step.paragraph) not in have
        ]
        if len(steps) > TOPIC_MAX_STEPS:
            ordered = [*hits, *added]
        else:
            on_path = [h for h in hits[1:] if (h.file, h.paragraph) in steps]
            rest = [h for h in hits[1:] if (h.file, h.paragraph) not in steps]
            ordered = [best, *on_path, *added, *rest]
        return [replace(h, rank=rank) for rank, h in enumerate(ordered, start=1)]

    def _agenda(self, protocol: Protocol, prepared: Prepared, types: Sequence[str] = ()) -> list[Hit]:
        """The protocol's paragraphs in order (those whose title names one of `types`, if any), each
        quoting its title: all of them, whatever k."""
        hits: list[Hit] = []
        for pid in self._paragraph_ids(protocol):
            paragraph = self.searcher.index.paragraphs.get(pid)
            if types and not titled_as(paragraph.title, types):
                continue
            span = title_span(paragraph.text, paragraph.title)
            hits.append(self.searcher.paragraph_hit(pid, prepared, len(hits) + 1, MATCH_MEETING, span))
        return hits

    def _stated(
        self, protocol: Protocol, roles: Sequence[tuple[Role, str]], prepared: Prepared, head: Hit
    ) -> list[Hit]:
        """For each role, the first of the protocol's header and paragraphs (in order) with the sentences
        naming who held it, as a hit quoting them."""
        pids = self._paragraph_ids(protocol)
        stated: list[Hit] = []
        for role, _ in roles:
            # The texts are read lazily: the statement stands near the start (Göteborg's § 1 or 2).
            texts = chain([protocol.header], (self.searcher.index.paragraphs.get(pid).text for pid in pids))
            found = first_statement(texts, role)
            if found is None:
                continue
            at, span = found
            hit = _quoting(head, span) if at == 0 else self.searcher.paragraph_hit(pids[at - 1], prepared, 1, "", span)
            hit = replace(hit, score=head.score, match=MATCH_ROLE)
            if all((h.file, h.paragraph) != (hit.file, hit.paragraph) for h in stated):
                stated.append(hit)
        return stated

    def _paragraph_ids(self, protocol: Protocol) -> list[int]:
        """The protocol's paragraph ids, in the protocol's order."""
        tables = self.searcher.index.tables
        return np.flatnonzero(tables.paragraph_protocol == self._protocols[protocol.source]).tolist()

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
        # "Vad beslutade kommunfullmäktige om …" answered by kommunstyrelsen's proposal to fullmäktige: the
        # archive holds no decision of (no vote in) the body asked about.
        if facts.kind in DECIDED_BY and facts.deciders and hits and hits[0].body not in facts.deciders:
            deciders = " eller ".join(b.lower() for b in facts.deciders)
            return f"Jag hittar {DECIDED_BY[facts.kind]} {deciders} i protokollen om {_topic_words(facts.text)}."
        if facts.kind not in ABOUT_A_MEETING and (unknown := self.searcher.unknown_topic_words(facts.text)):
            return f"Jag hittar inget i protokollen om {_as_written(facts.text, unknown[0])}."
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


def _as_written(text: str, name: str) -> str:
    """A lower-cased name as the question writes it (`axel darvik` → `Axel Darvik`)."""
    m = re.search(re.escape(name), text, re.IGNORECASE)
    return m.group(0) if m else name


def _quoting(hit: Hit, span: tuple[int, int] | None) -> Hit:
    """The hit quoting text[span] instead of its best sentence (the same hit without a span)."""
    if span is None:
        return hit
    start, end = span
    return replace(hit, quote=hit.text[start:end], quote_start=start, quote_end=end)


def _meeting_words(facts: QuestionFacts) -> str:
    """` från Kommunstyrelsen, Göteborgs Stad, 2025-03-12` from the names the question matched."""
    f = facts.filters
    names = [*f.bodies, *f.organisations]
    when = "" if not f.date_from else (f.date_from if f.date_from == f.date_to else f"{f.date_from}–{f.date_to}")
    words = ", ".join([*names, when] if when else names)
    return f" från {words}" if words else ""
