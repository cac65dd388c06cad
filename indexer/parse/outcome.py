"""A paragraph's decision → its outcome (bifall, avslag, återremiss, …) and, for a proposal, to whom and what.

A decision is read point by point (numbered points, `- att` bullets, sentences); each point gets the
first outcome whose words it has (`POINT_RULES`). The decision as a whole (`decision_outcome`, rules in
docs/matters.md):
1. its first point tables the matter or sends it back → bordläggning / återremiss (a later point that
   tables only part of it does not make the matter tabled);
2. it proposes to another body → förslag, with what it proposes read the same way;
3. any point gives a consultation answer → yttrande; any point appoints → val;
4. the first point adopts or rejects → bifall / avslag;
5. else the first outcome found among the points in the order bifall, avslag, antecknas, övrigt
   (`anses besvarad`), then a decision in general words (`beslutar att …`, `… ska …`) → bifall;
   a decision with none of these is övrigt.
Measured on tests/data/outcomes.jsonl (203 decisions of corpus/ labelled by hand): see docs/matters.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.models import Outcome

_FLAGS = re.IGNORECASE

PROPOSAL = re.compile(
    r"\b(?:föreslår|föreslå|hemställer)(?:\s+att)?\s+(?P<to>kommunfullmäktige|kommunstyrelsen|regionfullmäktige|"
    r"regionstyrelsen|fullmäktige|[\wåäö-]+nämnden|[\wåäö-]+styrelsen)"
    r"(?:\s+(?:att\s+)?(?:besluta[rs]?(?:\s+följande)?|fastställa|anta|godkänna))?\s*:?",
    _FLAGS,
)
"""`Kommunstyrelsen föreslår att kommunfullmäktige beslutar:`, `… tillstyrker … och föreslår att
kommunfullmäktige beslutar:`, `… och föreslå kommunfullmäktige att avslå motionen`."""

_LEAD = re.compile(
    r"^\s*(?:På förslag av|Enligt|Med ändring av|Med uttalande av)\b[^:]{0,300}:\s*"
    r"|^\s*[\wåäö -]{0,60}\bbeslut(?:ar|a)\b(?:\s+följande)?\s*:\s*",
    _FLAGS,
)
"""What comes before the first point: `På förslag av Axel Josefson (M):`, `Enligt kommunstyrelsens förslag:`,
`Socialnämnden beslutar:`."""
_POINTS = re.compile(
    r"(?<=[.;:])\s+(?=\d{1,2}\.\s|[-–•]\s|[A-ZÅÄÖ])|\s+(?=\d{1,2}\.\s+[A-ZÅÄÖ])|\s+(?=[-–•]\s+[Aa]tt\b)"
)
_POINT_NUMBER = re.compile(r"\d{1,2}\.|[-–•]")
_FORMALITY = re.compile(r"\bfår framställas\b", _FLAGS)
"""A point that only lets an interpellation or question be put: it does not decide the matter."""

ATERREMISS = re.compile(r"\båterremitter(?:as|a|ar|ades)\b|\båterremiss\b", _FLAGS)
BORDLAGGNING = re.compile(r"\bbordl(?:äggs|ägga|ägger|ades)\b", _FLAGS)
YTTRANDE = re.compile(
    r"\byttrande[t]?\b.{0,500}?\b(?:översänds|överlämnas|överlämna|lämnas|avges|skickas|sänds)\b"
    r"|\bsom (?:sitt )?yttrande\b|\byttra sig\b|\bavger yttrande\b|\bremissvar\b|\batt erinra\b",
    _FLAGS,
)
VAL = re.compile(
    r"\butses\b|\butse\b|\bväljs\b|\bvaldes\b|\butser\b|\bentledig\w*|\bförordnas\b|\bska justeras av\b"
    r"|\bjusterar dagens protokoll\b|\bförslagen till val\b|\bfyllnadsval\b"
    r"|\btill (?:ledamot|ledamöter|ersättare|ordförande|vice ordförande|representant|revisor)\b",
    _FLAGS,
)
BIFALL_MOTION = re.compile(r"\bbifall(?:es|s|er)\b|\bbiföll\b|\bbifalla\b", _FLAGS)
AVSLAG = re.compile(r"\bavslås\b|\bavslår\b|\bavslå\b|\bavslogs\b|\bbeslutar\s+att\s+inte\b|\bavstyrks\b", _FLAGS)
BESVARAD = re.compile(r"\banses?\s+(?:vara\s+)?besvarad|\bbesvaras\b", _FLAGS)
"""A motion "anses besvarad": answered by what is already done, neither adopted nor rejected (övrigt)."""
BIFALL = re.compile(
    r"\bgodkänn(?:s|er|a)\b|\bantas\b|\bantar\b|\banta\b|\bfastställ(?:s|er|a)\b|\bbevilja[rs]?\b"
    r"|\bfår\b[^.]{0,80}?\bi uppdrag\b|\bges\b[^.]{0,40}?\bi uppdrag\b|\buppdra(?:s|r|ga)?\b|\bfår framställas\b"
    r"|\brevideras\b|\brevidera\b|\bförlängs\b|\bupphör\b|\btillstyrk(?:s|er)\b|\binrätta[rs]?\b"
    r"|\bavsätt(?:s|er|a)\b|\banvisa[rs]?\b|\bupphäv(?:s|er|a)\b|\bändras\b|\bgenomförs\b"
    r"|\bställa sig bakom\b|\bställer sig bakom\b|\bfördela[rs]?\b|\btecknas\b|\bteckna\b|\bförs över\b"
    r"|\böverförs\b|\bfår ansvar\b|\bgörs\b|\bbeviljas\b|\bbeslöt\b|\bbeslutade\b|\bpausa\b|\bdelegera\b"
    r"|\bbemyndiga[rs]?\b|\bförvärva[rs]?\b|\banmäler intresse\b",
    _FLAGS,
)
ANTECKNAS = re.compile(
    r"\bantecknas\b|\btill handlingarna\b|\bnoteras\b|\btagit del av\b|\bförklaras fullgjor[dt]\w*", _FLAGS
)
NOTED = re.compile(r"\b(?:antecknas|förklaras fullgjor[dt]\w*|läggs till handlingarna)\b[^.]{0,80}\.?$", _FLAGS)
"""A point whose main verb, at its end, notes: `Redovisning av uppdraget att revidera … antecknas.` (the
verbs of what is reported on do not count)."""
NOTHING = re.compile(r"\binga (?:ärenden|anmälningar)\b|\bremitter(?:a|as)\b[^.]{0,80}\bför beredning\b", _FLAGS)
"""Nothing to decide (`Det antecknas att inga ärenden är anmälda`), or a first referral for preparation."""
DECIDED = re.compile(r"\bbeslutar\b[^.]{0,80}?\batt\b|\bska\b", _FLAGS)
"""A decision in general words (`Nämnden beslutar att …`, `Antalet ersättare ska … vara …`): bifall."""

POINT_RULES: tuple[tuple[Outcome, re.Pattern[str]], ...] = (
    (Outcome.ATERREMISS, ATERREMISS),
    (Outcome.BORDLAGGNING, BORDLAGGNING),
    (Outcome.YTTRANDE, YTTRANDE),
    (Outcome.VAL, VAL),
    (Outcome.BIFALL, BIFALL_MOTION),
    (Outcome.AVSLAG, AVSLAG),
    (Outcome.OVRIGT, BESVARAD),
    (Outcome.OVRIGT, NOTHING),
    (Outcome.ANTECKNAS, NOTED),
    (Outcome.BIFALL, BIFALL),
    (Outcome.ANTECKNAS, ANTECKNAS),
)
"""(outcome, words) in the order they are tried on one point; a point with none of them has no outcome."""
ANY_POINT_ORDER = (Outcome.BIFALL, Outcome.AVSLAG, Outcome.ANTECKNAS, Outcome.OVRIGT)
"""When no rule before it decides: the first of these that some point has."""


def points(decision: str) -> list[str]:
    """The decision's points, the lead (`Enligt kommunstyrelsens förslag:`) removed, whitespace made single."""
    text = " ".join(decision.split())
    text = _LEAD.sub("", text, count=1)
    found: list[str] = []
    for piece in (s.strip() for s in _POINTS.split(text)):
        if found and _POINT_NUMBER.fullmatch(found[-1]):
            found[-1] = f"{found[-1]} {piece}"
        elif piece:
            found.append(piece)
    return found


def point_outcome(point: str) -> Outcome | None:
    """The first outcome whose words the point has, or None."""
    for outcome, pattern in POINT_RULES:
        if pattern.search(point):
            return outcome
    return None


def classify(decision: str) -> Outcome:
    """The outcome of a decision text that proposes nothing to another body (rules 1, 3–5)."""
    return _combine(points(decision), " ".join(decision.split()))


def _combine(parts: Sequence[str], text: str) -> Outcome:
    substantive = [p for p in parts if not (_FORMALITY.search(p) and point_outcome(p) is Outcome.BIFALL)] or list(parts)
    found = [point_outcome(p) for p in substantive]
    first = found[0] if found else None
    if first in (Outcome.ATERREMISS, Outcome.BORDLAGGNING):
        return first
    if Outcome.YTTRANDE in found or YTTRANDE.search(text):  # "Yttrande över X. Y … översänds" spans points
        return Outcome.YTTRANDE
    if Outcome.VAL in found:
        return Outcome.VAL
    if first in (Outcome.BIFALL, Outcome.AVSLAG):
        return first
    for outcome in ANY_POINT_ORDER:
        if outcome in found:
            return outcome
    return Outcome.BIFALL if DECIDED.search(text) else Outcome.OVRIGT


def body_name(words: str) -> str:
    """`kommunfullmäktige` → `Kommunfullmäktige`: a body as protocols name it in a heading."""
    words = " ".join(words.split())
    return words[:1].upper() + words[1:].lower()


def decision_outcome(
    decision: str | None, body: str | None = None
) -> tuple[Outcome | None, str | None, Outcome | None]:
    """(outcome, proposal_to, proposed) of a paragraph's decision; (None, None, None) without one.

    `body` is the body that met: a proposal to it (its working committee's `… föreslår socialnämnden
    besluta:`, adopted) is its own decision, not a förslag.
    """
    if not decision or not decision.strip():
        return None, None, None
    text = " ".join(decision.split())
    parts = points(text)
    first = point_outcome(parts[0]) if parts else None
    if first in (Outcome.ATERREMISS, Outcome.BORDLAGGNING):
        return first, None, None
    proposal = PROPOSAL.search(text)
    if proposal and (body is None or body_name(proposal["to"]).casefold() != body.casefold()):
        rest = text[proposal.end() :].strip()
        return Outcome.FORSLAG, body_name(proposal["to"]), classify(rest) if rest else Outcome.OVRIGT
    if proposal:
        text = text[proposal.end() :].strip()
        parts = points(text)
    return _combine(parts, text), None, None
