"""What a question says besides its topic: case numbers, § numbers, the meeting (body, organisation,
date), people, places the archive lacks, and what kind of answer it wants. Pure: text and the index's
names in, a `QuestionFacts` out.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from app.cite import COUNT_QUESTION, HOW, WHY_QUESTION
from app.places import find_places, organisation_places, place_key
from indexer.index.identifiers import CASE_CUES, CASE_IN_QUESTION, CASE_WITHOUT_PREFIX, CaseRef, case_refs
from indexer.index.keyword import QUESTION_WORDS, stopwords, words
from indexer.models import Filters
from indexer.parse.header import MONTH_NAMES, SWEDISH_MONTHS


class Kind(enum.StrEnum):
    """What the question asks for, which decides the shape of the answer."""

    LOOKUP = "lookup"  # a case number or a § of a named meeting
    MEETING = "meeting"  # the meeting itself: chair, secretary, justerare, attendance, place, time
    TOPIC = "topic"  # a matter followed across meetings
    DECISION = "decision"  # what was decided about something
    VOTE = "vote"  # how a vote went
    RESERVATION = "reservation"  # who reserved themselves against a decision
    FACT = "fact"  # anything else: an amount, a name, a date, a reason
    AGENDA = "agenda"  # what a dated meeting dealt with, and nothing more: its paragraphs in order
    PROPOSALS = "proposals"  # what a named person proposed or moved: their motions and yrkanden in date order


_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:\s*:?e)?\s+({MONTH_NAMES})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({MONTH_NAMES})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
DATE_PHRASE = re.compile("|".join(p.pattern for p in (_ISO_DATE, _DAY_MONTH_YEAR, _MONTH_YEAR)), re.IGNORECASE)
"""A meeting date as questions write it (a day, or a month of a year)."""
MEETING_ORDER = re.compile(
    r"\b(?P<order>första|sista|senaste)\s+(?:\w+\s+)?(?P<noun>sammanträde|möte)(?:t|n|na|ts)?\b"
    r"(?:\s+(?:i\s+|under\s+|för\s+)?(?:år\s+)?(?P<year>(?:19|20)\d\d)\b)?",
    re.IGNORECASE,
)
"""A meeting named by its place in time: "på sitt senaste möte", "kommunstyrelsens sista sammanträde 2025",
"första mötet i år 2024" (`Searcher.facts` reads it as that meeting's date)."""


def meeting_order(text: str) -> tuple[bool, str | None, tuple[int, int]] | None:
    """(latest?, year or None, span) of a meeting the question names by its order ("sista sammanträdet 2025":
    the last of 2025), or None."""
    m = MEETING_ORDER.search(text)
    if m is None:
        return None
    return m["order"].lower() != "första", m["year"], m.span()


MEETING_CUE = re.compile(r"\b(?:sammanträde\w*|möte\w*|mötte\w*|träffades|sammanträdde|protokoll\w*)\b", re.IGNORECASE)
"""Words that make a month in the question the meeting's (“på sitt sammanträde i november 2023”), not the
topic's (“delårsrapporten per augusti 2023”)."""
_IN_MONTH = re.compile(rf"\bi\s+(?:{MONTH_NAMES})\s+(?:19|20)\d\d\b", re.IGNORECASE)
"""“i februari 2022” with a body or organisation named: the month of that body's meeting."""
_PARAGRAPH_NUMBER = re.compile(r"(?:§§?|\bparagraf(?:en)?|\bpunkt(?:en)?)\s*(\d{1,4})\b", re.IGNORECASE)

KIND_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        Kind.MEETING,
        re.compile(
            r"^\W*(?:vem|vilka)\s+(?:var|är|blev)\s+(?:\w+s\s+)?(?:protokollförande\s+)?\w*(?:ordförande|sekreterare"
            r"|justerare|protokollförare)\b"
            r"|^\W*(?:vem|vilka)\s+(?:justerade|ledde|skrev under|tjänstgjorde|var sekreterare|förde protokollet)\b"
            r"|^\W*vem\s+(?:ersatte|ersätter)\s+(?:ordförande|sekreterare|justerare)"
            r"|^\W*vilka\s+(?:(?:socialdemokrat|moderat|sverigedemokrat|vänsterpartist|centerpartist|liberal"
            r"|kristdemokrat|miljöpartist)\w*\s+)?(?:ledamöter|ersättare|tjänstgörande|var närvarande|var frånvarande"
            r"|deltog|närvarade)\b"
            r"|^\W*(?:var|när|hur länge|(?:i|på) vilken (?:lokal|plats|sal)|vilket datum|vilken (?:dag|tid))\b[^?]*"
            r"\b(?:hölls|sammanträdde|träffades|möttes|pågick|justerades"
            r"|(?:började|startade|öppnades|slutade)\b[^?]*\b(?:sammanträde|möte)\w*)\b"
            r"|^\W*(?:när|vilken tid)\b[^?]*\b(?:sammanträde|möte)\w*\b[^?]*\b(?:började|startade|öppnades|slutade)\b"
            r"|^\W*(?:vem|vilka)\b[^?]{0,30}?\bjuster(?:a|ade|ar)\b"
            r"|\bklockslag|\bvilka paragrafer omfattar|\b(?:på plats|fysiskt) eller digitalt|\bdigitalt eller fysiskt"
            r"|\bhur länge (?:höll|pågick|varade)\b"
            r"|\b(?:satt|företrädde|företräddes|representerade|representerad|representerat|närvarade)\b[^?]*"
            r"\b(?:på|vid|under)\s+(?:[\w-]+\s+){0,4}?(?:mötet|sammanträdet|möte|sammanträde)\b",
            re.IGNORECASE,
        ),
    ),
    (Kind.RESERVATION, re.compile(r"\breserver\w*|\breservation\w*", re.IGNORECASE)),
    (
        Kind.VOTE,
        re.compile(
            r"\b(?:hur|vem|vilka)\s+(?:\w+\s+){0,2}röstade\b|\bomröstning\w*|\bvotering\w*|\bröstetal\w*"
            r"|\bröstsiffr\w*|\bhur många (?:röstade|röster|ja|nej)\b|\bröstade\s+(?:ja|nej)\b|\bavstod\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "Hur många ledamöter ska utskotten ha enligt kammarens beslut?" asks the number, not the decision; "Varför
        # ställde sig M utanför beslutet …?" the reason, which a protokollsanteckning gives, not the Beslut text
        Kind.FACT,
        re.compile(rf"{HOW}(?:många|mycket|stor|stort|stora|hög|högt|höga)\b|{WHY_QUESTION.pattern}", re.IGNORECASE),
    ),
    (
        Kind.TOPIC,
        re.compile(
            r"\b(?:hur har|hur behandlades|när behandlades|när togs|vid vilka (?:sammanträden|möten)|vad har hänt"
            r"|vad hände med|följ|över tid|genom åren|hur gick det"
            r"|vad blev utfallet|från \w+ till|först i|vilka (?:byten|förändringar)|vad har \w+(?: \w+)? (?:behandlat|"
            r"gjort|tagit upp))\b",
            re.IGNORECASE,
        ),
    ),
    (
        Kind.DECISION,
        re.compile(
            r"\b(?:beslut\w*|beslöt|bifölls?|avslogs?|antogs?|godkändes?|antagit|godkänt|bifallit|avslagit)\b",
            re.IGNORECASE,
        ),
    ),
)
"""Question forms by kind, most specific first; measured on tests/eval/answers.jsonl question wording."""

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
_PARTY_NAME = re.compile(r"\b(?:" + "|".join(PARTY_NAMES) + r")\w*", re.IGNORECASE)


def party_names(text: str) -> list[tuple[str, str]]:
    """(word as written, its PARTY_NAMES key) for each party the text names in words: "Vänsterpartiets" →
    `vänsterpart` (letter V)."""
    found = []
    for m in _PARTY_NAME.finditer(text):
        lowered = m.group(0).lower()
        found.append((m.group(0), next(name for name in PARTY_NAMES if lowered.startswith(name))))
    return found


BODY_ABBREVIATIONS = {
    "ks": "kommunstyrelsen",
    "kf": "kommunfullmäktige",
    "bun": "barn- och utbildningsnämnden",
    "sn": "socialnämnden",
    "kfn": "kultur- och fritidsnämnden",
    "tn": "tekniska nämnden",
    "mbn": "miljö- och byggnadsnämnden",
    "bn": "byggnadsnämnden",
    "un": "utbildningsnämnden",
    "von": "vård- och omsorgsnämnden",
    "rf": "regionfullmäktige",
    "rs": "regionstyrelsen",
}
"""Abbreviations Swedish protocols and their readers use for bodies; one counts only when the index has the body."""

INFORMAL_BODY_WORDS = {"skolnämnd": "utbildningsnämnd"}
"""What people call a body (stemmed) and the word of its formal name: "skolnämnden" is the
barn- och utbildningsnämnd or utbildningsnämnd of its municipality."""

GENERIC_NAME_WORDS = frozenset(
    {"och", "för", "i", "av", "specifikt", "region", "kommun", "stad", "sveriges", "län", "kommunalförbund", "stads"}
)
"""Words of body and organisation names that name no particular one."""

_ORGANISATION_WORDS = r"(?:kommun\w*|stad\w*|\w*fullmäktige\w*|\w*styrelse\w*|\w*nämnd\w*|region\w*)"
PLACE_AS_ORGANISATION = (
    r"\b{place}s?\s+" + _ORGANISATION_WORDS,  # "Burlövs kommunfullmäktige", "Malmö stad"
    _ORGANISATION_WORDS + r"\s+(?:i|från)\s+{place}\b",  # "kommunfullmäktige i Malmö"
    r"\b{place}s?\s+(?:har\s+|hade\s+)?(?:beslutat|beslutade|beslöt|röstade)\b",  # "Malmö har beslutat"
    r"\b(?:har|hade|beslutade|beslöt)\s+{place}s?\b",  # "Vad har Malmö beslutat"
)
"""How a question names a place as the body that decided, not as a topic (“studieresan till Södertälje”)."""

_BODY_WORD = r"(?:[\wåäö]+-\s+och\s+)?[\wåäö]{3,}(?:nämnd|styrelse|fullmäktige)[\wåäö]*"
BODY_AS_DECIDER = (
    # "Vad beslutade kultur- och fritidsnämnden", "… Göteborgs kommunfullmäktige", "Vilket beslut fattade …",
    # "Hur röstade kommunfullmäktige …"
    r"\b(?:beslutade|beslöt|fattade|har|hade|röstade)\s+(?:\w+s\s+)?(?P<body>{body})",
    r"\b(?P<body>{body})\s+(?:har\s+|hade\s+)?(?:beslutat|beslutade|beslöt|röstade)\b",
    r"\b(?P<body>{body})s?\s+(?:möte|sammanträde|protokoll|beslut)\w*",  # "regionstyrelsens sammanträde"
)
"""How a question names a body as the one that met or decided (not as a topic: "funktionsstödsnämndens
begäran" in kommunstyrelsen)."""

BODY_STEM_MIN = 5
"""A question word names a body when it starts with the stem of one of the body's words of at least
5 letters (`kommunstyrelsens` → Kommunstyrelsen; `nämnd` alone is too short to pick one)."""


@dataclass(frozen=True, slots=True)
class QuestionFacts:
    """What a question names. `filters` holds the meeting words as index names; `unknown_places` are
    municipalities or regions the index has no protocol from, and `unknown_organisations` those of them
    the question names as the body that decided; `unknown_bodies` are bodies named as the ones that met
    or decided that the index does not hold ("kultur- och fritidsnämnden", "KFN"), `deciders` those of the
    index named as the body that decided ("Vad beslutade kommunfullmäktige …"); `proposal_topic` the words of
    the topic a proposals question asks about (none: all the person proposed); `agenda_types` the kinds
    of matter an agenda question asks for (AGENDA_TYPES keys; none: all). `dated` is set when the
    question names a date; `meeting_dated` when that date is the meeting's: a day, or a month with a word
    like "sammanträde", or "i mars 2025" together with a body or organisation."""

    text: str
    kind: Kind
    cases: tuple[CaseRef, ...] = ()
    case_cue: bool = False
    paragraph_numbers: tuple[int, ...] = ()
    filters: Filters = field(default_factory=Filters)
    dated: bool = False
    meeting_dated: bool = False
    people: tuple[str, ...] = ()
    unknown_places: tuple[str, ...] = ()
    unknown_organisations: tuple[str, ...] = ()
    unknown_bodies: tuple[str, ...] = ()
    deciders: tuple[str, ...] = ()
    agenda_types: tuple[str, ...] = ()
    proposal_topic: tuple[str, ...] = ()

    @property
    def names_meeting(self) -> bool:
        return not self.filters.is_empty


def _stem(word: str) -> str:
    """A name word without its Swedish definite/genitive ending: `kommunstyrelsens` → `kommunstyrels`."""
    for ending in ("ens", "ets", "en", "et", "ns", "s", "n"):
        if word.endswith(ending) and len(word) - len(ending) >= BODY_STEM_MIN:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=4096)
def name_stems(name: str) -> tuple[str, ...]:
    """Stems of the particular words of a body or organisation name, in order (`Barn- och
    utbildningsnämnden` → [`utbildningsnämnd`]; `Göteborgs Stad` → [`göteborg`])."""
    return tuple(_stem(w) for w in words(name) if len(w) >= BODY_STEM_MIN and w not in GENERIC_NAME_WORDS)


def _named(words: Sequence[str], stems: Sequence[str]) -> bool:
    return any(w.startswith(s) and len(w) - len(s) <= 4 for w in words for s in stems)


def find_bodies(text: str, bodies: Sequence[str]) -> tuple[str, ...]:
    """Bodies of the index the question names, by a word of the name or a usual abbreviation (BUN, KS)."""
    tokens = words(text)
    spelled = {BODY_ABBREVIATIONS[w] for w in tokens if w in BODY_ABBREVIATIONS}
    tokens = [INFORMAL_BODY_WORDS.get(_stem(w), w) for w in tokens]
    found = []
    for body in bodies:
        stems = name_stems(body)
        # The head word names the body: `samverkansråd` of "Specifikt samverkansråd för skola, …".
        if body.lower() in spelled or (stems and _named(tokens, stems[:1])):
            found.append(body)
    if not found and re.search(r"\bfullmäktige", text, re.IGNORECASE):
        found = [b for b in bodies if "fullmäktige" in b.lower()]
    if not found and re.search(r"\b(?:riksdag|kammar)", text, re.IGNORECASE):
        found = [b for b in bodies if b.lower() == "kammaren"]
    return tuple(found)


@lru_cache(maxsize=4096)
def _organisation_keys(name: str) -> frozenset[str]:
    return frozenset(place_key(p) for p in organisation_places(name))


@lru_cache(maxsize=8)
def _archive_places(organisations: tuple[str, ...]) -> frozenset[str]:
    """Place keys of every organisation of an index (read once per index, not per question)."""
    return frozenset(key for name in organisations for key in _organisation_keys(name))


def find_organisations(text: str, organisations: Sequence[str]) -> tuple[str, ...]:
    """Organisations of the index the question names: `Lomma`, `Göteborgs`, `riksdagen`, `Skaraborg`."""
    tokens = words(text)
    places = {place_key(p) for p in find_places(text)}
    return tuple(
        name for name in organisations if (_organisation_keys(name) & places) or _named(tokens, name_stems(name))
    )


def _date_range(text: str) -> tuple[str | None, str | None]:
    """The meeting date the question names: one day, or a month of a year."""
    if m := _ISO_DATE.search(text):
        return m.group(0), m.group(0)
    if m := _DAY_MONTH_YEAR.search(text):
        day = f"{m[3]}-{SWEDISH_MONTHS[m[2].lower()]:02d}-{int(m[1]):02d}"
        return day, day
    if m := _MONTH_YEAR.search(text):
        year, month = int(m[2]), SWEDISH_MONTHS[m[1].lower()]
        last = calendar.monthrange(year, month)[1]
        return f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last:02d}"
    return None, None


AGENDA_WORDS = frozenset(
    (
        "ärende ärenden ärendena fråga frågor frågorna punkt punkter punkterna paragraf paragrafer paragraferna "
        "behandlade behandlades behandlats behandlat hände hänt tog togs upp avgjorde avgjordes dagordning "
        "dagordningen föredragningslista föredragningslistan möten mötets sammanträdet sammanträdde sammanträdets "
        "sammanträde sammanträden besvarades besvarade väcktes lämnades kommun kommunen kommunens stad staden "
        "nämnd nämnden sitt sina alla samtliga"
    ).split()
)
"""Words of a question that ask what a meeting dealt with without naming a topic ("Vilka ärenden
behandlades på kommunstyrelsens sammanträde den 12 mars 2025?"); QUESTION_WORDS and stopwords aside."""


AGENDA_TYPES: dict[str, str] = {
    "motion": "motioner",
    "interpellation": "interpellationer",
    "remiss": "remisser",
    "yrkande": "yrkanden",
    "medborgarförslag": "medborgarförslag",
    "nämndinitiativ": "nämndinitiativ",
}
"""Kinds of matter a question may ask a meeting's agenda for ("Vilka motioner behandlade fullmäktige den 12
juni 2025?"), as paragraph titles name them, with their plural."""


def _unnamed_words(text: str, names: Iterable[str], skip: frozenset[str], bodies: Sequence[str]) -> list[str]:
    """The words of `text` (dates aside) that are neither question words, stopwords, `skip` words, nor a word
    of `names` with another ending of at most NAME_ENDING_MAX letters or a body's usual short name (BUN, KS)."""
    stop = stopwords()
    return [
        word
        for word in words(DATE_PHRASE.sub(" ", text))
        if word not in QUESTION_WORDS
        and word not in stop
        and word not in skip
        and not any(word.startswith(name) and len(word) - len(name) <= NAME_ENDING_MAX for name in names)
        and not find_bodies(word, bodies)
    ]


def meeting_agenda(text: str, organisations: Sequence[str], bodies: Sequence[str]) -> tuple[str, ...] | None:
    """The kinds of matter (AGENDA_TYPES keys, () for all) a question asks a meeting's agenda for, or None
    when it names a topic: every other word, besides question words and the meeting's date, names the
    meeting (a word of the `organisations` and `bodies` it names) or asks what it dealt with ("Vad beslutade
    socialnämnden i Lomma i maj 2026?")."""
    rest = _unnamed_words(text, _name_words((*organisations, *bodies)), AGENDA_WORDS, bodies)
    kinds = [
        next((k for k in AGENDA_TYPES if w.startswith(k) and len(w) - len(k) <= NAME_ENDING_MAX), None) for w in rest
    ]
    return None if None in kinds else tuple(dict.fromkeys(k for k in kinds if k is not None))


PROPOSED_BY = re.compile(
    r"\b(?:föresl\w*|motioner\w*|yrka\w*|väck\w*|lagt fram|lade fram|lämna\w*|interpeller\w*|drivit|drev)\b",
    re.IGNORECASE,
)
"""A question asking what a person proposed: "Vad har Axel Darvik föreslagit?", "Vilka motioner har … väckt?"."""
PROPOSAL_WORDS = frozenset(
    "förslag förslagen motion motioner motionerna yrkande yrkanden yrkandena interpellation interpellationer "
    "fram".split()
)


_PROPOSAL_TOPIC = re.compile(
    r"^\W*(?:vad|vilka|vilken|vilket)\b(?P<ask>.*?)\b(?:om|angående|kring|gällande|rörande)\s+(?P<topic>[^?]*)",
    re.IGNORECASE,
)
"""What a person proposed on a topic: "Vad har Axel Darvik föreslagit om parkering?", "Vilka motioner om skolan
har Axel Darvik väckt?"."""


def proposal_topic(
    text: str, people: Sequence[str], organisations: Sequence[str] = (), bodies: Sequence[str] = ()
) -> tuple[str, ...] | None:
    """The topic words of a question asking what named people proposed, () when it asks for all they proposed,
    None when it asks something else. Every other word is a question word, a word of their names, of proposing,
    or of the body, organisation or date it names ("Vad har Axel Darvik föreslagit?", "Vad yrkade Jörgen
    Fogelklou i kommunstyrelsen den 12 mars 2025?"); the topic follows "om" ("Vad har Axel Darvik föreslagit om
    parkering?")."""
    if not people or not PROPOSED_BY.search(text):
        return None
    names = {w for person in people for w in words(person)} | _name_words((*organisations, *bodies))
    m = _PROPOSAL_TOPIC.search(text)
    asked = PROPOSED_BY.sub(" ", text if m is None else f"{m['ask']} {text[m.end('topic') :]}")
    if _unnamed_words(asked, names, PROPOSAL_WORDS, bodies):
        return None
    if m is None:
        return ()
    topic = _unnamed_words(PROPOSED_BY.sub(" ", m["topic"]), names, PROPOSAL_WORDS, bodies)
    return tuple(topic) if topic else None


NAME_ENDING_MAX = 4
"""A question word is a word of a name with another ending of at most 4 letters: `läns` (län),
`specifika` (Specifikt), `kommunstyrelsens` (Kommunstyrelsen)."""


@lru_cache(maxsize=64)
def _name_words(names: tuple[str, ...]) -> frozenset[str]:
    """The words of organisation and body names, a long one without its last letter (`region`, `örebro`,
    `län`, `specifik`, `samverkansråd` …)."""
    return frozenset(w[:-1] if len(w) >= BODY_STEM_MIN else w for name in names for w in words(name))


_TOPIC_YEAR = re.compile(
    r"\b(?P<word>för|år|under|räkenskapsåret|budgetåret|verksamhetsåret|inkomståret)\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_TITLE_YEAR = re.compile(
    r"(?<![\w/-])(?<!under )(?<!sedan )(?<!efter )(?<!från )(?<!till )((?:19|20)\d\d)(?:\s*[–/-]\s*((?:19|20)?\d\d))?"
    r"(?![\w/-])",
    re.IGNORECASE,
)


def topic_years(text: str, during: bool = True) -> set[str]:
    """The years a question asks its topic for ("grundarvode … år 2024", "grundarvodet … under 2024", "utdelning
    för räkenskapsåret 2023"), not the time of a meeting or an appointment ("våren 2024", "första halvåret 2026").
    "under" was added on the ten question sets: 17 questions say "under 20xx"; it caught 1 and flagged none.
    With `during=False` only the years a matter is for ("för 2025", "år 2026"), not those something happens
    during ("Vid vilka tillfällen under 2025 …" is answered by a paragraph titled "… inför budget 2026")."""
    return {m["year"] for m in _TOPIC_YEAR.finditer(text) if during or m["word"].lower() != "under"}


def title_years(title: str) -> set[str]:
    """The years a paragraph's title names its matter for: "Budget 2026 för kommunstyrelsen", "Göteborgs Stads
    årsredovisning 2023", "avtalet för 2025–2028" (each year of a span); not a date, a case number, nor the time
    of what is reported ("Redovisning av vad som genomförts under 2020")."""
    years: set[str] = set()
    for m in _TITLE_YEAR.finditer(title):
        first, last = int(m[1]), m[2]
        end = first if last is None else int(last) if len(last) == 4 else first // 100 * 100 + int(last)
        years |= {str(y) for y in range(first, max(first, end) + 1)}
    return years


DECISION_TOPIC = re.compile(
    r"\b(?:beslut(?:at|ade|ades|ats)?|beslöt|infört|införde|infördes|införa)\s+(?:\w+\s+){0,3}?(?:om|att)\s+"
    r"(?:att\s+)?(?P<topic>[^?]*)"
    r"|\b(?:infört|införde|infördes|införts|införa)\s+(?P<introduced>[^?]*)"
    r"|\b(?:tycker|tyckte|tyckt|anser|ansåg|ansett|sa|sade|sagt|säger)\s+(?:\w+\s+){0,3}?om\s+(?P<said>[^?]*)"
    r"|\b(?:i uppdrag|planer(?:na)? på|planerar|planeras|ansvarar för|ansvarig för)\s+(?:att\s+)?"
    r"(?P<planned>[^?]*)",
    re.IGNORECASE,
)
"""What a question asks was decided: "Vad har beslutats om snöröjning av cykelbanor?", "Har Lomma beslutat att
byta ut gatubelysningen?" (the decision verb at most 3 words before "om"/"att"), or introduced: "Stämmer det
att Göteborg införde bevattningsförbud?" (not the preposition "inför julen"), or said or thought: "Vad tycker
Moderaterna om trängselskatten?", or assigned, planned or someone's task: "Vem har fått i uppdrag att ta fram
en plan för utbyggnad av bredband?", "Finns det planer på att anlägga en ny begravningsplats?", "Vem ansvarar för
att kommunens lekplatser besiktas?" (on the thirteen question sets 4 caught, none flagged; the noun "ansvaret för"
flagged a paraphrase, "stjärnkikarverksamheten", and is left out). Not what was answered or proposed: "Har
Göteborg svarat på regeringens idé om att fler kärnkraftverk …", "Har någon föreslagit att sopbilarna …" name the
matter in words of their own, and the archive writes "kärnkraft", "avfallsfordon" (2 answerable questions
flagged, none caught)."""
TOPIC_HEAD_WORDS = 2
TOPIC_WORD_MIN = 5
"""The topic's first 2 words of at least 5 letters (question words, stopwords and numbers aside) name it:
`snöröjning`; `anlägga`, `begravningsplats`; `byta` is too short to count, `gatubelysningen` counts."""


POST = re.compile(r"^\W*vem\s+(?:är|var|blir|blev|ska bli)\s+(?P<post>[^?]*)", re.IGNORECASE)
"""Who holds a post: "Vem är kommundirektör i Lomma?" asks for the kommundirektör (its first word of at least 5
letters)."""
SPEAKER_WORDS = 3
"""At most 3 words stand between "Vad har" and the verb ("Göteborgs Stads klimatstrateg")."""
SPEAKER = re.compile(
    rf"^\W*vad\s+(?:har|hade)\s+(?P<speaker>(?:[\w-]+\s+){{1,{SPEAKER_WORDS}}}?)(?:sagt|föreslagit|rapporterat"
    r"|framfört|tyckt|ansett|anfört|svarat|meddelat|informerat)\b",
    re.IGNORECASE,
)
"""Who a "Vad har X sagt/föreslagit/rapporterat …" question asks about: "Vad har stadens klimatstrateg föreslagit …"
asks what the klimatstrateg proposed (the last of its words of at least 5 letters, after an owner like "stadens")."""
COUNTED = re.compile(rf"{COUNT_QUESTION.pattern}\s+(?P<counted>[^?]*)", re.IGNORECASE)
"""What a question counts: "Hur många feriejobb erbjuds ungdomar i sommar?" counts feriejobb (its first word of at
least 5 letters)."""


def decision_topic_words(text: str, names: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The words naming what a question asks was decided (or introduced, said), or () when it does not ask
    that. Words beginning with one of `names` (places of the archive's organisations) name where, not what:
    "beslutat att Göteborg ska bygga en ny konserthall" is about bygga, konserthall."""
    m = DECISION_TOPIC.search(text)
    if m is None:
        return ()
    topic = m["topic"] or m["introduced"] or m["said"] or m["planned"]
    return _topic_head(" ".join(w for w in words(topic) if not w.startswith(names)), TOPIC_HEAD_WORDS)


_PAST_TENSE = re.compile(r"(?:de|te|tog|kom|fick|gick|blev)$")
"""A verb where the counted noun would stand ("Hur många deltog …" counts people): plural nouns end otherwise
(`platser`, `anmälningar`, `feriejobb`, `deltagare`)."""


def post_words(text: str) -> tuple[str, ...]:
    """The word naming the post a "Vem är/var/blir …" question asks who holds, or ()."""
    return _first_word(POST.search(text), "post", within=1)


def speaker_words(text: str) -> tuple[str, ...]:
    """The word naming who a "Vad har … sagt/föreslagit …" question asks about, or ()."""
    m = SPEAKER.search(text)
    return _topic_head(m["speaker"], SPEAKER_WORDS)[-1:] if m else ()


def counted_words(text: str) -> tuple[str, ...]:
    """The word naming what a "Hur många …" question counts, or () when it does not ask how many or counts
    those who did something ("Hur många deltog …")."""
    head = _first_word(COUNTED.search(text), "counted", within=2)
    return () if head and _PAST_TENSE.search(head[0]) else head


def _first_word(m: re.Match[str] | None, group: str, within: int) -> tuple[str, ...]:
    """The group's first word of at least TOPIC_WORD_MIN letters, when it is among its first `within` words
    (the noun right after "Vem är", "Hur många [nya]"), else ()."""
    if m is None:
        return ()
    head = _topic_head(m[group], 1)
    return head if head and head[0] in words(m[group])[:within] else ()


def _topic_head(text: str, n: int) -> tuple[str, ...]:
    stop = stopwords()
    content = [
        w
        for w in words(text)
        if len(w) >= TOPIC_WORD_MIN and w not in QUESTION_WORDS and w not in stop and not w.isdigit()
    ]
    return tuple(content[:n])


MONTH_REACH_WORDS = 4
"""With a body or organisation named, a month is its meeting's when one of the 4 words before it names one or
says decided ("beslutade kommunstyrelsen i mars 2025", "på samverkansrådet i februari 2022"), not when it
dates another thing ("Lommas enkät om miljö för lärande och utveckling i förskolan i maj 2023")."""
_DECIDED = re.compile(r"\b(?:beslut\w*|beslöt|behandla\w*|antog\w*)\b", re.IGNORECASE)


def _month_of_the_meeting(text: str, organisations: Sequence[str], bodies: Sequence[str]) -> bool:
    """Whether an "i <month> <year>" of the question stands right after the body, organisation or decision.

    An organisation counts where its name ends right before the month ("i Lomma kommun i maj 2026"), not as the
    owner of a thing ("Lommas förskoleenkät i maj 2023")."""
    for m in _IN_MONTH.finditer(text):
        words_before = text[: m.start()].split()[-MONTH_REACH_WORDS:]
        before = " ".join(words_before)
        last = words_before[-1] if words_before else ""
        named_last = last[:1].isupper() or last.lower() in GENERIC_NAME_WORDS
        if (
            _DECIDED.search(before)
            or find_bodies(before, bodies)
            or (named_last and find_organisations(before, organisations))
        ):
            return True
    return False


def question_kind(text: str, has_case: bool, has_number: bool = False) -> Kind:
    """A case number makes a lookup, unless the question asks how it was voted or who reserved themselves
    ("Hur röstade de? (SLK-2024-00959)"); a question about the meeting stays one even when it names §§
    ("Vem ersatte ordföranden under §§ 72–73?"); a § number alone makes a lookup."""
    if has_case:
        asked = [kind for kind, pattern in KIND_PATTERNS if pattern.search(text)]
        return asked[0] if asked and asked[0] in (Kind.VOTE, Kind.RESERVATION) else Kind.LOOKUP
    for kind, pattern in KIND_PATTERNS:
        if pattern.search(text):
            return Kind.LOOKUP if has_number and kind is not Kind.MEETING else kind
    return Kind.LOOKUP if has_number else Kind.FACT


def analyse(
    text: str,
    organisations: Sequence[str],
    bodies: Sequence[str],
    case_prefixes: frozenset[str],
    people: frozenset[str] | set[str],
) -> QuestionFacts:
    """Read the identifiers and meeting words of a question against the names an index holds."""
    cue = bool(CASE_CUES.search(text))
    cases = tuple(
        ref
        for ref in case_refs(text, CASE_IN_QUESTION)
        if not CASE_CUES.fullmatch(ref.prefix)  # "ärende 2024-00999": the word is no prefix
        and (ref.prefix in case_prefixes or cue or ref.written[: len(ref.prefix)].isupper())
    )
    rest = text
    for ref in cases:
        rest = rest.replace(ref.written, " ")
    bare = tuple(case_refs(rest, CASE_WITHOUT_PREFIX))
    for ref in bare:
        rest = rest.replace(ref.written, " ")
    cases += bare
    numbers = tuple(int(n) for n in _PARAGRAPH_NUMBER.findall(rest))
    date_from, date_to = _date_range(rest)
    exact_day = date_from is not None and date_from == date_to
    named_bodies = find_bodies(rest, bodies)
    named_orgs = find_organisations(rest, organisations)
    known_places = _archive_places(tuple(organisations))
    unknown = tuple(p for p in find_places(rest) if place_key(p) not in known_places)
    lowered = " ".join(rest.lower().split())
    named_people = tuple(sorted(p for p in people if p in lowered))
    kind = question_kind(text, bool(cases), bool(numbers))
    agenda = meeting_agenda(rest, named_orgs, named_bodies) if date_from is not None else None
    if kind in (Kind.DECISION, Kind.FACT, Kind.TOPIC) and agenda is not None:
        kind = Kind.AGENDA
    proposed = proposal_topic(rest, named_people, named_orgs, named_bodies)
    if kind in (Kind.DECISION, Kind.FACT, Kind.TOPIC) and agenda is None and proposed is not None:
        kind = Kind.PROPOSALS
    return QuestionFacts(
        text=text,
        kind=kind,
        cases=cases,
        case_cue=cue,
        paragraph_numbers=numbers,
        filters=Filters(named_orgs, named_bodies, date_from, date_to),
        dated=date_from is not None,
        meeting_dated=exact_day
        or (
            date_from is not None
            and (
                bool(MEETING_CUE.search(rest))
                or (bool(named_bodies or named_orgs) and _month_of_the_meeting(rest, organisations, bodies))
            )
        ),
        people=named_people,
        unknown_places=unknown,
        unknown_organisations=tuple(p for p in unknown if _as_organisation(rest, p)),
        unknown_bodies=unknown_bodies(rest, bodies),
        deciders=deciding_bodies(rest, bodies),
        proposal_topic=proposed if kind is Kind.PROPOSALS and proposed else (),
        agenda_types=agenda if kind is Kind.AGENDA and agenda else (),
    )


def unknown_bodies(text: str, bodies: Sequence[str]) -> tuple[str, ...]:
    """Bodies the question names as the ones that met or decided, which the index does not hold."""
    found = [name for name, held in _named_as_decider(text, bodies, BODY_AS_DECIDER) if not held]
    return tuple(dict.fromkeys(found))


def deciding_bodies(text: str, bodies: Sequence[str]) -> tuple[str, ...]:
    """Bodies of the index the question names as the one that decided ("Vad beslutade kommunfullmäktige i
    Göteborg om …"), as index names."""
    found = [b for _, held in _named_as_decider(text, bodies, BODY_AS_DECIDER[:2]) for b in held]
    return tuple(dict.fromkeys(found))


def _named_as_decider(
    text: str, bodies: Sequence[str], patterns: Sequence[str]
) -> Iterable[tuple[str, tuple[str, ...]]]:
    """Each body word the patterns find, with the index's bodies it names (none: not held)."""
    abbreviations = "|".join(BODY_ABBREVIATIONS)
    for pattern in patterns:
        for m in re.finditer(pattern.format(body=rf"{_BODY_WORD}|(?:{abbreviations})\b"), text, re.IGNORECASE):
            name = m["body"]
            yield name, find_bodies(BODY_ABBREVIATIONS.get(name.lower(), name), bodies)


def _as_organisation(text: str, place: str) -> bool:
    name = re.escape(place.removeprefix("Region "))
    return any(re.search(pattern.format(place=name), text, re.IGNORECASE) for pattern in PLACE_AS_ORGANISATION)
