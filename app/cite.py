"""Citations and quotes: pure functions from a paragraph (and a question) to text to paste."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from indexer.index.keyword import WORD
from indexer.models import Paragraph, Protocol
from indexer.parse.header import MONTH_NAMES
from indexer.parse.sentences import heading_spans, quote_spans, sentence_spans

QUOTE_MAX_CHARS = 450
"""A quote is a sentence or two; longer windows stop reading like a quote."""

QUOTE_SCAN_CHARS = 8_000
"""A longer paragraph (a fullmäktige § that swallowed its roll-call attachments: 45k characters) is
quoted from about this many characters around the model's window: splitting all of it into sentences
cost 20–40 ms a hit, and at 100k chunks (bench/scale.py) such hits took query p95 from 56 to 192 ms."""

QUOTE_MIN_WORDS = 6
ANSWER_REACH = 2
"""How many sentences after a match an answer of the asked-for kind may stand."""
FOCUS_BONUS = 1.0
"""The smallest unit of weight: one matched term's idf when the question matched nothing better."""
FOCUS_SHARE = 0.5
"""A sentence inside the model's best window gains half a unit (the best sentence's weight)."""
QUOTE_MAX_SENTENCES = 3
LENGTH_DAMPING = 8
"""A quote's weight is divided by log(words + 8): the same weight in fewer words wins, gently."""
_SENTENCE_END = re.compile(r"[.!?:…]\W*$")
"""How a sentence ends; a title does not ("Motion av … om nya nattågslinjer till och från Göteborg")."""
_LISTS = re.compile(r"\b(?:skickas|expedieras|handlingar|handling|beslutsunderlag|underlag)\b", re.IGNORECASE)
"""Section headings over lists: who gets the extract ("Protokollsutdrag skickas till", "Beslutet expedieras
till:") and which documents the matter had ("Handlingar", "Beslutsunderlag"). The names and the documents'
dates listed there answer nothing: "När ska den nya gymnasieskolan i Lomma ta emot sina första elever?" was
quoted "- Protokollsutdrag från barn- och utbildningsnämndens arbetsutskott 2023-08-22 § 54". (When a matter
was tabled, under "Tidigare behandling", answers "När bordlades …?".) On tests/eval/quotes.jsonl quotes holding
the reader's sentence went from 105 to 107 of 127."""
_LEAD_IN = re.compile(":")
"""A sentence ending in a colon announces what follows ("Kommunstyrelsen föreslår att …
beslutar:"); a quote does not stop there when the next sentence can come along."""


def paragraph_label(protocol: Protocol, paragraph: Paragraph) -> str:
    """`§ 97` for paragraphs, `punkt 4` for numbered agenda items of protocols without § signs."""
    if not paragraph.number:
        return "hela protokollet"
    uses_sign = "§" in paragraph.text[:40]
    return f"§ {paragraph.number}" if uses_sign else f"punkt {paragraph.number}"


def cite_protocol(protocol: Protocol) -> str:
    """The protocol part of a citation: organisation, body, `protokoll DATE` (or `(odaterat)`)."""
    parts = [x for x in (protocol.organisation, protocol.body) if x]
    parts.append(f"protokoll {protocol.date}" if protocol.date else "protokoll (odaterat)")
    return ", ".join(parts)


def page_label(pages: tuple[int, ...]) -> str:
    """`s. 14`, `s. 14–15`, `s. 3, 7–8`: the physical pages, runs of consecutive pages as ranges."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return "s. " + ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def cite(protocol: Protocol, paragraph: Paragraph) -> str:
    """A citation ready to paste: organisation, body, `protokoll DATE`, §, page(s) and case number."""
    citation = f"{cite_protocol(protocol)}, {paragraph_label(protocol, paragraph)}"
    if paragraph.pages:
        citation += f", {page_label(paragraph.pages)}"
    return f"{citation} ({paragraph.case_number})" if paragraph.case_number else citation


AMOUNT = re.compile(r"\d[\d  ]*(,\d+)?\s*(kr\b|kronor|miljon|miljard|mnkr|tkr|mkr|mdkr|prisbasbelopp)", re.I)
"""A sum of money as protocols write it: `77 430 kronor`, `509 miljoner kronor`, `140 kr`, `12 mnkr`."""
NUMBER = re.compile(
    r"\d|\b(?:två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tretton|fjorton|femton|sexton|sjutton|arton|nitton"
    r"|tjugo|trettio|fyrtio|femtio|hundra|tusen|hälften|halva|tredjedel\w*|fjärdedel\w*|dubbelt)\b",
    re.I,
)
"""A count, in digits or words (`tre möten`, `hälften av det antal platser`); not `en`/`ett`, which are mostly
articles."""
_NOT_A_FIRST_NAME = (
    r"(?!(?:Att|Den|Det|De|Dem|Som|För|Med|Och|Om|En|Ett|Vi|Enligt|Efter|Under|Till|Från|Inom|Hos|Av|På|Vid|När|Där"
    r"|Här|Denna|Detta|Dessa)\b)"
    r"(?![A-ZÅÄÖ]\w*(?:skola|skolan|skolor|nämnd|nämnden|kommun|styrelsen|verket|rådet|förbundet|gatan|vägen)\b)"
)
_NOT_A_LAST_NAME = r"(?!(?:Norra|Södra|Östra|Västra|Stad|Kommun|Län|Region)\b)"
PERSON_NAME = re.compile(rf"\b{_NOT_A_FIRST_NAME}[A-ZÅÄÖ][a-zåäöé]+ {_NOT_A_LAST_NAME}[A-ZÅÄÖ][a-zåäöé]+")
"""A first and last name; not a list line's first word and a name ("Att Karstorpskolan …"), nor a school, body or
place with a part ("Karstorpskolan Norra", "Göteborgs Stad"). On the 19 question sets (1,125 questions) this caught
"Vem är rektor för den sammanslagna Karstorpskolan?" (h14-16) and changed no other answer."""


class Finder(typing.Protocol):
    """What a sentence that answers contains: a compiled pattern, or one that reads past what only looks like
    the answer (`NumbersThat`)."""

    def search(self, string: str) -> object: ...


NOT_A_QUANTITY = re.compile(
    r"\b(?:19|20)\d\d-\d\d-\d\d\b"  # a date: 2023-09-01
    r"|\b[A-ZÅÄÖ]{2,6}[-/ ](?:19|20)\d\d[-/:.]\d+"  # a case number: SLK-2024-00816, KS 2024/15
    rf"|\b\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?\s+(?:{MONTH_NAMES})\b"  # a day: den 18 januari, 27–28 februari
    r"|\b(?:19|20)\d\d(?:\s*[–/-]\s*(?:19|20)?\d\d)?\b"  # a year: 2023, 2022–2023, 2023/24
    r"|\b\d{1,2}/\d{1,2}\b|\b\d{1,2}[:.]\d{2}\b|\b\d+\.\d+\b|\b\d+:[ae]\b"  # 20/9, 14:00, 2.0, 3:e
    r"|§§?\s*\d+|\b(?:årskurs|åk|år|nr|nummer|punkt|zon|kvartal|etapp|bilaga|vecka|klass|steg|fas|kapitel|kap\."
    r"|version|vt|ht|sid|sidan|s\.?)\s*\d+"  # a label: § 53, årskurs 6, År 2, VT 2023, s 33
    r"|(?:^|(?<=[.:;•–-] ))\s*\d{1,2}[.)](?=\s)",  # a list's numbering: "beslutar: 1. … 2. …"
    re.IGNORECASE | re.MULTILINE,
)
"""Numbers that count nothing: dates, years, times, case and § numbers, labels, a list's numbering. On the
seven question sets, quotes to "Hur många …" that held only these ("Tjänsteskrivelse 2023-09-01", "årskurs 6 till
och med årskurs 9") did not give the count."""


@dataclass(frozen=True, slots=True)
class NumbersThat:
    """Finds `pattern` in a text after the numbers that count nothing (and `also`) are blanked out."""

    pattern: re.Pattern[str]
    also: re.Pattern[str] | None = None

    def search(self, string: str) -> re.Match[str] | None:
        string = NOT_A_QUANTITY.sub(" ", string)
        if self.also is not None:
            string = self.also.sub(" ", string)
        return self.pattern.search(string)


VALUE_QUESTION = re.compile(
    r"\bhur många (?:kronor|prisbasbelopp|miljoner|miljarder)\b|\bvilk(?:et|en|a) (?:medelvärde|procentsats|nivå)\b",
    re.IGNORECASE,
)
"""A value asked without "Hur mycket/stor …": a mean, a level, a count of kronor."""
HOW = r"^\W*(?:ungefär |för |till )?hur "
"""How a question asking how much or how many begins: "Hur", "Ungefär hur", "För hur", "Till hur"."""
QUANTITY_QUESTION = re.compile(
    rf"{HOW}(?:mycket|stor|stora|stort|lång|långa|hög|höga)\b|{VALUE_QUESTION.pattern}",
    re.IGNORECASE,
)
"""How much, how large, which value: answered by a quantity, a sum of money included (a money question is read
first, `MONEY_QUESTION` in app/confidence.py; "Hur mycket tid" is answered by "tre veckor")."""
SHARE = re.compile(
    r"\d+(?:,\d+)?\s*(?:%|procent)|\b(?:hälften|halva|tredjedel\w*|fjärdedel\w*|majoritet\w*)\b",
    re.IGNORECASE,
)
"""A share, as a percentage or a fraction (`62 procent`, `hälften`); not "alla" or "inga", which most
paragraphs hold."""
SHARE_QUESTION = re.compile(
    r"\bhur (?:stor|hög|låg) (?:andel|procent\w*|ränta)\b|\bvilken (?:andel|ränta|räntesats)\b|\bhur många procent\b",
    re.IGNORECASE,
)
"""A share or a rate: answered by a percentage or a fraction, not by any number ("två av kommunens skolor")."""
COUNT_QUESTION = re.compile(rf"{HOW}många\b", re.IGNORECASE)
"""How many; "Hur ska … diskutera hur många elevplatser som behövs?" asks how, not how many."""
QUANTITY = NumbersThat(NUMBER)
"""How much or how large: a number that is not a date, year, label or list number (a sum of money is one)."""
COUNT = NumbersThat(NUMBER, also=AMOUNT)
"""How many: a quantity that is not a sum of money either ("5000 kr per deltagare" does not count places)."""

WHEN_QUESTION = re.compile(
    r"^\W*(?:när|vilket datum|vilka datum|från vilket datum|från när|till när|hur länge|vilket år|vilken månad"
    r"|under vilken (?:period|tid))\b",
    re.IGNORECASE,
)
"""When, from or until when, for how long, which year: a fact question an answer without a time (`A_TIME`) does
not answer. (A quote is steered to dates only by "När", "Vilket datum", "Hur länge": steering "Vilket år" too
quoted the list of documents' dates in two of the ten question sets' answers.)"""
A_TIME = re.compile(
    rf"\d{{1,2}}/\d{{1,2}}|\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}} (?:{MONTH_NAMES})|\b(?:19|20)\d\d\b|\d{{1,2}}[:.]\d{{2}}"
    rf"|\b(?:{MONTH_NAMES})\b|\b(?:vår|höst|sommar|vinter)(?:en|terminen)?\b|\b(?:årsskiftet|läsår\w*|termin\w*)\b"
    r"|\b(?:\d+|ett|en|två|tre|fyra|fem|sex|sju|åtta|nio|tio|tolv)\s+(?:år|månader|månad|veckor|vecka|dagar|dag"
    r"|timmar|timme)\b",
    re.IGNORECASE,
)
"""A time as protocols give it: a date (`2023-09-19`, `den 12 mars`, `20/9`), a year, a clock time, a month,
a season or term (`hösten 2024`, `läsåret`), a span (`tre år`)."""
NO_TIME = re.compile(
    r"\b(?:19|20)\d\d års (?:prisnivå|priser|penningvärde)|\bprisnivå:? (?:19|20)\d\d\b"
    r"|\b[A-ZÅÄÖ]{2,}[-/ ](?:19|20)\d\d[-/:.]\d+"
)
"""Years that tell no time: a price level ("509 miljoner kronor (2024 års prisnivå)") and a case number
(`SLK-2024-01205`, `BUN/2023:196`). On the 18 question sets (1,025 questions) leaving them out caught two
unanswerable questions asking when a building stands ready (a200, h11-16), whose quotes gave only the budget's
price level, and flagged no answerable one."""

WHY_QUESTION = re.compile(
    r"^\W*(?:varför|av vilken anledning|av vilka skäl|vad (?:är|var) (?:skälet|anledningen|orsaken))\b", re.IGNORECASE
)
"""Why: a fact question (not the decision's, `app/query.py`) whose quote is steered to a sentence giving a reason
(`A_REASON`); an answer without one does not answer it (`ASKED_FOR` in app/confidence.py)."""
A_REASON = re.compile(
    r"\b(?:eftersom|därför|då (?:det|de|den|man|nämnden|kommunen|staden)|på grund av|pga|med anledning av"
    r"|mot bakgrund av|för att|i syfte|syftet|skäl\w*|anledning\w*|orsak\w*|motiver\w*|bakgrund\w*|med hänsyn till"
    r"|till följd av|beror\w*|behov\w*|utifrån|eftersträva\w*|innebär\w*|leder till|risk\w*)\b",
    re.IGNORECASE,
)
"""A reason as protocols give it: "eftersom", "för att", "mot bakgrund av", "behovet", "skälet"."""

ANSWER_KINDS: tuple[tuple[re.Pattern[str], Finder], ...] = (
    # (what the question asks, what a sentence that answers it contains)
    (
        re.compile(r"^\W*(vad kostar|hur mycket (kostar|pengar)|vilket belopp)|\b(kosta\w*|avgift\w*|pris)\b", re.I),
        AMOUNT,
    ),
    (SHARE_QUESTION, SHARE),
    (WHY_QUESTION, A_REASON),
    (QUANTITY_QUESTION, QUANTITY),
    (COUNT_QUESTION, COUNT),
    (
        re.compile(r"^\W*(när|vilket datum|vilka datum|från vilket datum|hur länge|till när)\b", re.I),
        re.compile(
            rf"\d{{1,2}}/\d{{1,2}}|\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}} ({MONTH_NAMES})|\b(19|20)\d\d\b"
            r"|\d{1,2}[:.]\d{2}",
            re.I,
        ),
    ),
    (
        re.compile(r"^\W*(hur röstade|hur föll omröstningen|hur gick omröstningen)", re.I),
        re.compile(r"\b\d+\s*(ja|nej|röster|–|-)\b|\b(ja|nej)\s*:\s*\d|\bröst|\bvoter|\breserv", re.I),
    ),
    (
        re.compile(r"^\W*(vem|vilk(en|et|a) (\w+ )?(person|personer|politiker|kommunalråd|ledamot|ledamöter))\b", re.I),
        PERSON_NAME,
    ),
)
"""Question words that ask for a kind of answer (an amount, a date, a vote, a person), and how a
sentence that gives one looks. A sentence of that kind weighs as much as the best matched word."""


def answer_pattern(question: str) -> Finder | None:
    """What an answering sentence contains for this question, when the question word tells."""
    for asks, answers in ANSWER_KINDS:
        if asks.search(question):
            return answers
    return None


AUTHOR_QUESTION = re.compile(
    r"\b(?:vem|vilk(?:et|a)\s+(?:parti|partier|ledamot|ledamöter|politiker))\b[^?]*\b(?:lade|lämnade|skrev|väckte"
    r"|föreslog|står bakom|stod bakom|låg bakom|motionerade|ställde|initierade)\b",
    re.IGNORECASE,
)
"""A question asking who brought a matter ("Vilket parti lade motionen om flytande öar?")."""
AUTHORED_TITLE = re.compile(
    r"^(?:Motion|Interpellation|Fråga|Yrkande|Nämndinitiativ|Initiativärende|Medborgarförslag|Skrivelse)\w*"
    r"\s+(?:av|från)\s",
    re.IGNORECASE,
)
"""A title naming who brought the matter: "Motion av Elisabet Lann (KD) …", "Yrkande från SD …"."""


def author_span(question: str, text: str, title: str) -> tuple[int, int] | None:
    """Where the text prints a title naming who brought the matter, when the question asks who did; the
    quote skips titles otherwise (they repeat the topic), but this one answers."""
    if not (AUTHOR_QUESTION.search(question) and AUTHORED_TITLE.match(title)):
        return None
    return title_span(text, title)


def title_span(text: str, title: str) -> tuple[int, int] | None:
    """Where a paragraph's text prints its title, line breaks and emphasis marks aside (Göteborg wraps
    titles over lines, Örebro writes `*…*`), or None."""
    tokens = re.findall(r"\w+|[^\w\s*_]", title)
    if not tokens:
        return None
    m = re.search(r"[\s*_]*".join(map(re.escape, tokens)), text)
    return (m.start(), m.end()) if m else None


def best_quote(
    text: str,
    query_terms: Sequence[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Callable[[str, float], float],
    skip: int = 0,
    focus: tuple[int, int] | None = None,
    answer: Finder | None = None,
) -> str:
    """The text of `best_quote_span`: the sentence or two of `text` that best answer the question."""
    start, end = best_quote_span(text, query_terms, normalise, idf, skip=skip, focus=focus, answer=answer)
    return text[start:end]


def best_quote_span(
    text: str,
    query_terms: Sequence[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Callable[[str, float], float],
    skip: int = 0,
    focus: tuple[int, int] | None = None,
    answer: Finder | None = None,
) -> tuple[int, int]:
    """Half-open offsets of the sentence or two of `text` that best answer the question.

    A run of sentences weighs the idf of the question's terms it holds, each term once (`normalise`
    gives the stems the keyword index uses, `idf(term, default)` their weight), plus a share for
    each sentence in `focus` (the window the model found closest) and for each that has the kind of
    `answer` the question asks for. The first `skip` characters (the heading, which repeats the topic
    but answers nothing), the title, section headings ("Beslut", "Handlingar") and recipient lists
    are quoted only when nothing else is there, and a quote never runs across a section heading.
    Blank text gives (0, 0). In a text longer than QUOTE_SCAN_CHARS the quote is sought around the
    model's window, else around the question's rarest word.
    """
    if len(text) <= QUOTE_SCAN_CHARS:
        return _quote_in(text, query_terms, normalise, idf, skip, focus, answer)
    lo, hi = _scan_region(text, query_terms, idf, skip, focus)
    inner = None if focus is None else (max(focus[0] - lo, 0), max(focus[1] - lo, 0))
    start, end = _quote_in(text[lo:hi], query_terms, normalise, idf, max(skip - lo, 0), inner, answer)
    return start + lo, end + lo


def _quote_in(
    text: str,
    query_terms: Sequence[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Callable[[str, float], float],
    skip: int,
    focus: tuple[int, int] | None,
    answer: Finder | None,
) -> tuple[int, int]:
    body = _quotable_spans(text, skip)
    if not len(body):
        return 0, 0
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer: offsets would shift
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    starts = np.fromiter((m.start() for m in WORD.finditer(lower)), dtype=np.int64)
    counts = (np.searchsorted(starts, body[:, 1]) - np.searchsorted(starts, body[:, 0])).astype(np.int64)
    # Words between two spans are a heading left out (or the skipped § line): a run stops there.
    gap_words = np.searchsorted(starts, body[1:, 0]) - np.searchsorted(starts, body[:-1, 1])
    sections = np.concatenate(([0], np.cumsum(gap_words > 0))).astype(np.int64)
    terms = _term_weights(lower, body, sorted(set(query_terms)), normalise, idf)
    matched = terms.sum(axis=1)
    unit = max(float(matched.max()), FOCUS_BONUS)
    bonus = np.zeros(len(body), dtype=np.float64)
    if focus is not None:
        bonus += FOCUS_SHARE * unit * ((focus[0] <= body[:, 0]) & (body[:, 1] <= focus[1]))
    # The asked-for kind counts only near the question's words or in the model's window: a vote
    # result ("Ja: 6, Nej: 5") follows the sentences that say what was voted on.
    if answer is not None:
        reach = np.convolve(matched + bonus > 0, np.ones(ANSWER_REACH + 1), mode="full")[: len(body)] > 0
        for i in np.flatnonzero(reach).tolist():
            if answer.search(text[body[i, 0] : body[i, 1]]):
                bonus[i] += unit
    colons = np.fromiter((m.start() for m in _LEAD_IN.finditer(text)), dtype=np.int64)
    lead_in = np.isin(body[:, 1] - 1, colons)
    start, end = _best_span(terms, bonus, counts, body, sections, lead_in)
    if end - start > QUOTE_MAX_CHARS:
        cut = text.rfind(" ", start, start + QUOTE_MAX_CHARS)
        end = cut if cut > start else start + QUOTE_MAX_CHARS
        end = start + len(text[start:end].rstrip())
    return start, end


def _scan_region(
    text: str, query_terms: Sequence[str], idf: Callable[[str, float], float], skip: int, focus: tuple[int, int] | None
) -> tuple[int, int]:
    """Whole lines of `text`, about QUOTE_SCAN_CHARS long, around the model's window or else the first
    place (after `skip`) where the question's rarest word occurs, or else the start of the body."""
    lower = text.lower()
    anchor = skip
    if focus is not None:
        anchor = focus[0]
    else:
        for term in sorted(set(query_terms), key=lambda t: -idf(t, 1.0)):
            at = lower.find(term, skip)
            if at >= 0:
                anchor = at
                break
    lo = max(anchor - QUOTE_SCAN_CHARS // 2, 0)
    hi = min(lo + QUOTE_SCAN_CHARS, len(text))
    lo = text.rfind("\n", 0, lo) + 1 if lo > 0 else 0
    line_end = text.find("\n", hi)
    return lo, len(text) if line_end < 0 or hi >= len(text) else line_end


def _quotable_spans(text: str, skip: int) -> NDArray[np.int64]:
    """The spans a quote is made of, best first: sentences after `skip`, without the title, section
    headings or lists (of recipients, of documents); then with the title and lists; then any sentence without
    headings; then the headings too (a text that is only a heading).

    The title is what stands between `skip` and the first section heading without ending a
    sentence: Göteborg and Lomma print a paragraph's title again under the § line, and like the
    heading it repeats the topic but answers nothing. So do the names under "Protokollsutdrag
    skickas till" and the documents under "Handlingar".
    """
    quotable = quote_spans(text)
    body = [span for span in quotable if span[0] >= skip]
    headings = [span for span in heading_spans(text) if span[0] >= skip]
    first_heading = headings[0][0] if headings else -1
    title = 0
    while (
        title < len(body)
        and body[title][1] <= first_heading
        and not _SENTENCE_END.search(text, body[title][0], body[title][1])
    ):
        title += 1
    section_ends = [start for start, _ in headings[1:]] + [len(text)]
    lists = [
        (end, next_start) for (start, end), next_start in zip(headings, section_ends) if _LISTS.search(text, start, end)
    ]
    answering = [span for span in body[title:] if not any(s <= span[0] < e for s, e in lists)]
    spans = answering or body or quotable or sentence_spans(text)
    return np.array(spans, dtype=np.int64).reshape(-1, 2)


def _term_weights(
    lower: str,
    body: NDArray[np.int64],
    wanted: list[str],
    normalise: Callable[[list[str]], list[str]],
    idf: Callable[[str, float], float],
) -> NDArray[np.float64]:
    """Sentence × wanted stem: the stem's idf where the sentence of the lower-cased text holds it.

    A Swedish Snowball stem is a prefix of its word, so only sentences where a wanted stem occurs as
    a substring are tokenised and stemmed: a paragraph with a roll-call list has thousands of lines.
    """
    weights = np.zeros((len(body), len(wanted)), dtype=np.float64)
    column = {term: j for j, term in enumerate(wanted)}
    found = [m.start() for stem in wanted for m in re.finditer(re.escape(stem), lower)]
    where = np.searchsorted(body[:, 0], np.asarray(found, dtype=np.int64), side="right") - 1
    for i in np.unique(where[where >= 0]).tolist():
        for term in set(normalise(WORD.findall(lower[body[i, 0] : body[i, 1]]))) & column.keys():
            weights[i, column[term]] = idf(term, 1.0)
    return weights


def _best_span(
    terms: NDArray[np.float64],
    bonus: NDArray[np.float64],
    counts: NDArray[np.int64],
    spans: NDArray[np.int64],
    sections: NDArray[np.int64],
    lead_in: NDArray[np.bool_],
) -> tuple[int, int]:
    """The run of 1–QUOTE_MAX_SENTENCES sentences with the most weight per log(words + damping).

    A run's weight is the idf of each question term it holds, counted once however many of its
    sentences hold it, plus its sentences' `bonus`. Runs longer than QUOTE_MAX_CHARS (beyond their
    first sentence) or across two `sections` are out. Preferred: a run of at least QUOTE_MIN_WORDS
    words (a label is no quote) that does not end on a `lead_in`, then one that does not end on a
    lead-in, then any. Ties go to the earliest run; with no weight anywhere, the earliest run that
    does not end on a lead-in.
    """
    n = len(spans)
    total_b = np.concatenate(([0.0], np.cumsum(bonus)))
    total_c = np.concatenate(([0], np.cumsum(counts)))
    first = np.arange(n)
    scores = np.full((n, QUOTE_MAX_SENTENCES), -np.inf)
    words = np.zeros((n, QUOTE_MAX_SENTENCES), dtype=np.int64)
    complete = np.zeros((n, QUOTE_MAX_SENTENCES), dtype=np.bool_)
    held = terms.copy()  # held[i]: each term's idf if sentences i … i + extra hold it
    for extra in range(QUOTE_MAX_SENTENCES):
        last = first + extra
        if extra:
            held[: n - extra] = np.maximum(held[: n - extra], terms[extra:])
        fits = last < n
        fits[fits] &= (extra == 0) | (spans[last[fits], 1] - spans[first[fits], 0] <= QUOTE_MAX_CHARS)
        fits[fits] &= sections[last[fits]] == sections[first[fits]]
        ends = np.minimum(last, n - 1) + 1
        words[:, extra] = total_c[ends] - total_c[first]
        complete[:, extra] = ~lead_in[ends - 1]
        run = (held.sum(axis=1) + total_b[ends] - total_b[first]) / np.log(words[:, extra] + LENGTH_DAMPING)
        scores[:, extra] = np.where(fits, run, -np.inf)
    for tier in ((words >= QUOTE_MIN_WORDS) & complete, complete, np.ones_like(complete)):
        allowed = np.where(tier, scores, -np.inf)
        best = int(np.argmax(allowed))  # row-major: earliest start, then fewest sentences
        if allowed.flat[best] > 1e-9:
            return _run(spans, best)
    for tier in (complete, np.ones_like(complete)):
        allowed = tier & np.isfinite(scores)
        if allowed.any():
            return _run(spans, int(np.argmax(allowed)))
    return int(spans[0, 0]), int(spans[0, 1])


def _run(spans: NDArray[np.int64], flat: int) -> tuple[int, int]:
    """The offsets of run `flat` of the (first sentence, extra sentences) score table."""
    i, extra = divmod(flat, QUOTE_MAX_SENTENCES)
    return int(spans[i, 0]), int(spans[i + extra, 1])
