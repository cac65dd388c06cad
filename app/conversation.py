"""Follow-up questions in one conversation: "Och vad sa fullmäktige?" after "Vad beslutades om mobilfri
grundskola?" asks about mobilfri grundskola. Pure: a question and the previous turns in, the question to
search out. A question with a topic of its own is searched as it is; one without borrows the topic of
the turn before it (that turn's matter, else its topic words), never of older turns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.confidence import PARTY
from app.query import BODY_ABBREVIATIONS, DATE_PHRASE
from indexer.index.keyword import analyze_query, words

if TYPE_CHECKING:
    from app.search import Searcher

MAX_TURNS = 10
"""Turns the UI keeps of a conversation. Only the last one is ever read (a follow-up borrows the topic of
the turn before it, which already carries its own borrowed topic), so this bounds memory and the page's
history, not what a question means; 10 is more than a chat about one matter takes."""

FILLER_WORDS = frozenset(
    (
        # The body or who in it spoke, without saying which: the index's own names are read from it.
        "fullmäktige fullmäktiges nämnd nämnden nämndens nämnder nämnderna styrelse styrelsen styrelsens "
        "utskott utskottet utskottets kommunen kommunens regionen regionens staden stadens riksdagen "
        "ledamot ledamoten ledamöterna politikerna partiet partierna majoriteten oppositionen "
        "de dom dem han hon någon några alla "
        # Saying, deciding, voting: what the question wants to know of the topic, not the topic.
        "sa sade säger sagt säga tyckte tycker tyckt tycka ansåg anser menade menar svarade tänkte ville "
        "beslöt bestämde bestämt fattade fattat behandlade behandlat behandlades gjorde gjort "
        "röstade röstat rösta röster omröstningen omröstning voteringen votering avstod "
        "reserverade reserverat reservation reservationen reservationer reservationerna "
        "yrkade yrkat yrkande yrkandet yrkanden yrkandena föreslog förslaget "
        "bifölls biföll avslogs avslog antogs godkändes utfallet resultatet hände hänt händer gick blev "
        # Pointing back at the previous topic, or gluing the follow-up on.
        "ärendet frågan saken motionen det detta den denna dessa där då sen senare därefter efteråt "
        "sedan också även och men igen nu"
    ).split()
)
"""Words a follow-up is made of when it only names a meeting or a body and asks what it said or did
("Och vad sa fullmäktige?", "Hur röstade de?", "Vem reserverade sig?", "Vad tyckte nämnden då?"). Matched
as written, not stemmed: "politikerna" is filler but "politik" a topic, and "menade" (stem "men") must
not take other words of that stem with it."""

BODY_PHRASE = re.compile(
    r"\b(?:\w+-\s+(?:och|eller)\s+)?\w*(?:nämnd|styrelse|fullmäktige)(?:en|ens|s|es|er|erna|ernas)?\b", re.IGNORECASE
)
"""A body named by its kind, also one the index lacks ("regionfullmäktige", "kultur- och fritidsnämnden"):
who met, not what about. Only whole words ending so: "styrelsearvoden" is a topic."""

YEAR = re.compile(r"(?<![\w-])(?:19|20)\d\d(?![\w-])")
"""A bare year ("Och 2023?") asks about the topic at another time, like a date does."""

TRAILING_REFERENCE = re.compile(r"\s+om\s+(?:det|detta|den|denna|dessa|dem|saken|ärendet|frågan|motionen)\s*$", re.I)
"""A follow-up ending "… om det?" gets the borrowed topic in place of "det", not after it."""


@dataclass(frozen=True)
class Turn:
    """One question of a conversation: what the user asked, the question actually searched (with a
    borrowed topic), and the matter (case number) of the best hit if it had one."""

    question: str
    resolved: str
    matter: str | None = None


def _topic(searcher: Searcher, question: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The question's case numbers as written, and its topic words as (word, stem) in question order."""
    facts = searcher.facts(question)
    text = facts.text
    for ref in facts.cases:
        text = text.replace(ref.written, " ")
    text = BODY_PHRASE.sub(" ", YEAR.sub(" ", DATE_PHRASE.sub(" ", text)))
    named = [*facts.filters.bodies, *facts.filters.organisations, *facts.people, *facts.unknown_places]
    name_stems = set(analyze_query(" ".join(named)))
    found: list[tuple[str, str]] = []
    for word in words(text):
        if word in FILLER_WORDS or word in BODY_ABBREVIATIONS or PARTY.match(word):
            continue
        found += [(word, s) for s in analyze_query(word) if s not in name_stems]
    return [ref.written for ref in facts.cases], found


def topic_terms(searcher: Searcher, question: str) -> list[str]:
    """What the question asks about: its case numbers and its keyword stems without question words, the
    names of the bodies, organisations, places and people it names, dates, party names and FILLER_WORDS.
    Empty for "Och vad sa fullmäktige?"; ["mobilfri", "grundskol"] for "Vad beslutades om mobilfri
    grundskola?"."""
    cases, found = _topic(searcher, question)
    return list(dict.fromkeys([*cases, *(s for _, s in found)]))


def resolve(searcher: Searcher, question: str, history: Sequence[Turn]) -> str:
    """The question to search: unchanged when it has a topic of its own or there is no earlier turn;
    else followed by the last turn's topic. That is the last turn's matter ("Och vad sa fullmäktige?
    (SLK-2024-00959)": the search puts the case's paragraphs first, the named body's before the others),
    unless the question names an organisation, place, date or year (a case number belongs to one
    organisation and its own meetings: "Och i Lomma?", "Och 2023?" ask about the topic elsewhere); else
    the topic words of the last turn's resolved question ("Och vad sa fullmäktige om mobilfri
    grundskola?")."""
    if not history or not question.strip() or topic_terms(searcher, question):
        return question
    last = history[-1]
    facts = searcher.facts(question)
    elsewhere = facts.filters.organisations or facts.unknown_places or facts.dated or YEAR.search(facts.text)
    if last.matter and not elsewhere:
        with_matter = f"{question.rstrip()} ({last.matter})"
        if searcher.facts(with_matter).cases:  # read as a case number, so its paragraphs come first
            return with_matter
    cases, found = _topic(searcher, last.resolved) if last.resolved.strip() else ([], [])
    topic = " ".join(dict.fromkeys(word for word, _ in found))
    if not topic and not cases:
        return question
    text = question.strip()
    end = "?" if text.endswith("?") else ""
    text = TRAILING_REFERENCE.sub("", text.rstrip("?.! "))
    if topic:
        text = f"{text} om {topic}"
    return f"{text}{end}" + "".join(f" ({case})" for case in cases)
