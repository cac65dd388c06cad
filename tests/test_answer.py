"""Answers over the whole corpus (fake embedder): named paragraphs first, verifiable text, honest misses."""

from __future__ import annotations

import re

import pytest

from app.answer import Answer, Answerer
from app.evaluate import load_questions
from app.parts import DID, HAD_BEEN, MATTER_WORDS, OBJECTS, PROPOSED, render
from app.search import Searcher
from indexer.models import HEADER
from tests.conftest import ROOT

FIXED_SENTENCES = re.compile(
    r"Jag hittar (?:inget(?: belopp| antal| värde| namn| skäl| beslut av .*?)?"
    r"|ingen (?:andel|tidpunkt|reservation|omröstning(?: i .*?)?))"
    r" i protokollen (?:från .*? )?om"
    r" .*?\."
    r"|Närmast kommer: "
    r"|Arkivet har inga protokoll från .*?, så jag hittar inget i protokollen om .*?\."
    r"|Ärendet .*? finns inte i protokollen\.|§ [\d, §]+ finns inte i protokollen(?: från [^.]*)?\."
    r"|Jag hittar inget protokoll(?: från [^.]*)? i arkivet\."
    r"|^Protokollet från | anger inte | eller |vem som var |vilka som var närvarande|när protokollet justerades"
    r"|var sammanträdet hölls| tar inte upp några \w+\."
    r"|Jag hittar inga förslag eller yrkanden från .*? i protokollen\."
)


@pytest.fixture(scope="module")
def answerer(searcher: Searcher) -> Answerer:
    return Answerer(searcher)


PATH_WORDS = {w for table in (DID, HAD_BEEN, PROPOSED, OBJECTS) for phrase in table.values() for w in phrase.split()}
FRAMING_WORDS = re.compile(
    r"\[\d+\]|§|\bpunkt\b|\bodaterat\b|\b(?:ordförande|sekreterare|justerare|frånvarande"
    r"|beslutande|plats)\b|\b(?:" + "|".join(sorted(PATH_WORDS | set(MATTER_WORDS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def assert_verifiable(answer: Answer, answerer: Answerer) -> None:
    """Every quote is its citation's text at its offsets; framing holds only parsed fields and fixed words."""
    assert answer.answer == render(answer.parts)
    protocols = {p.source: p for p in answerer.searcher.index.protocols}
    fields: set[str] = set()
    for hit in answer.citations:
        protocol = protocols[hit.file]
        fields |= {
            hit.body,
            hit.organisation,
            hit.date or "",
            hit.paragraph,
            hit.case_number or "",
            protocol.place or "",
        }
        fields |= {p.name for p in protocol.participants}
        fields |= {step.proposal_to or "" for step in hit.matter_path}
    for part in answer.parts:
        if part.citation:
            hit = answer.citations[part.citation - 1]
            assert hit.text[part.start : part.end] == part.text
            assert f"»{part.text}« [{part.citation}]" in answer.answer
            continue
        rest = FIXED_SENTENCES.sub(" ", part.text)
        for value in sorted(fields - {""}, key=len, reverse=True):
            # A parsed name may stand in lower case or in the genitive ("på kommunstyrelsens förslag").
            rest = re.sub(re.escape(value) + r"(?:s\b)?", " ", rest, flags=re.IGNORECASE)
        rest = FRAMING_WORDS.sub(" ", rest)
        assert not re.findall(r"\w+", rest), (part.text, rest)


def test_every_answer_to_the_question_sets_is_verifiable(answerer: Answerer) -> None:
    questions = [q for name in ("answers", "dev") for q in load_questions(ROOT / "tests" / "eval" / f"{name}.jsonl")]
    for question in questions:
        assert_verifiable(answerer.answer(question.question), answerer)


def test_a_case_number_brings_its_paragraphs_first_newest_first(answerer: Answerer) -> None:
    answer = answerer.answer("Vad beslutades i ärende SLK-2024-00704?")
    assert answer.confident and answer.kind == "lookup"
    assert [(h.date, h.paragraph, h.match) for h in answer.citations[:3]] == [
        ("2025-06-12", "345", "case_number"),
        ("2025-01-15", "29", "case_number"),
        ("2024-12-11", "1039", "case_number"),
    ]
    # The answer names the final decision, then the path that led there, each step cited.
    assert answer.answer.startswith(
        "Kommunfullmäktige avslog motionen 2025-06-12 (§ 345) [1] på kommunstyrelsens förslag 2025-01-15 (§ 29) [2]; "
        "ärendet hade bordlagts i kommunstyrelsen 2024-12-11 (§ 1039) [3]: »Enligt kommunstyrelsens förslag:"
    )


def test_a_question_that_is_only_a_case_number_works(answerer: Answerer) -> None:
    answer = answerer.answer("bun/2023:196")
    assert answer.confident and answer.citations[0].case_number == "BUN/2023:196"


def test_a_case_number_that_does_not_exist(answerer: Answerer) -> None:
    answer = answerer.answer("Vad beslutades i ärende SLK-2025-09999?")
    assert not answer.confident
    assert answer.answer.startswith("Ärendet SLK-2025-09999 finns inte i protokollen.")
    assert answer.citations  # the closest paragraphs are still listed


def test_a_paragraph_of_a_named_meeting(answerer: Answerer) -> None:
    answer = answerer.answer("Vad beslutade kommunfullmäktige i Göteborg den 26 februari 2026 under § 45?")
    first = answer.citations[0]
    assert (first.file, first.paragraph, first.match) == (
        "Goteborg_Kommunfullmaktige_2026-02-26.txt",
        "45",
        "paragraph_number",
    )
    missing = answerer.answer("Kommunstyrelsen i Göteborg 12 mars 2025 § 260")
    assert not missing.confident and "§ 260 finns inte i protokollen" in missing.answer


def test_the_meeting_named_in_the_question_ranks_first(answerer: Answerer) -> None:
    answer = answerer.answer("Vad beslutade kommunstyrelsen den 12 mars 2025 om medborgarvittnen?")
    assert {h.date for h in answer.citations} == {"2025-03-12"}
    assert all(h.body == "Kommunstyrelsen" for h in answer.citations)


def test_a_meeting_the_archive_does_not_hold(answerer: Answerer) -> None:
    answer = answerer.answer("Vad beslutade kommunstyrelsen i Göteborg på sitt sammanträde den 9 april 2025?")
    assert not answer.confident and answer.answer.startswith("Jag hittar inget protokoll från")


def test_questions_about_the_meeting_are_answered_from_its_header(answerer: Answerer) -> None:
    answer = answerer.answer("Vem är ordförande i socialnämnden i Lomma?")
    head = answer.citations[0]
    assert answer.confident and answer.kind == "meeting" and head.paragraph == HEADER
    assert head.file == "Lomma_Socialnamnden_2026-05-05.txt" and "Jens Thystrup" in head.quote
    assert answer.answer.startswith("ordförande: Jens Thystrup")
    place = answerer.answer("Var hölls socialnämndens sammanträde i Lomma den 5 maj 2026?")
    assert place.citations[0].quote == "Lomma kommun, Sessionssalen, Alnarp"
    # who sat for a party, which municipality a participant stood for: the header line naming them
    party = answerer.answer("Vem satt för KD i Göteborgs kommunstyrelse på mötet den 10 december 2025?")
    assert party.kind == "meeting" and party.citations[0].quote == "Dan-Ove Marcelind (KD)"
    member = answerer.answer(
        "Vilken kommun företrädde Marlene Jörhag (KD) vid mötet i samverkansrådet för skola den 12 februari 2021?"
    )
    assert member.confident and member.citations[0].quote == "Marlene Jörhag (KD)\tÖrebro kommun"
    assert member.answer.startswith("beslutande: Marlene Jörhag (KD), Örebro kommun.")  # her, not every KD member
    assert_verifiable(member, answerer)


@pytest.mark.parametrize(
    ("question", "paragraph", "quote"),
    [
        (  # the question names the chair as the justerare's companion: it asks for the justerare
            "Vem justerade kommunstyrelsens protokoll tillsammans med ordföranden den 10 december 2025?",
            "933",
            "Hampus Magnusson (M) utses att jämte ordföranden justera dagens protokoll.",
        ),
        (
            "Vem var ordförande i kommunfullmäktige i Göteborg den 12 juni 2025?",
            "330",
            "Förste vice ordföranden Håkan Eriksson (V) och andre vice ordföranden\nMargareta Broang (M) justerar "
            "dagens protokoll tillsammans med ordföranden\nAslan Akbas (S) på Stadshuset, Gustaf Adolfs Torg 1, "
            "torsdagen den 26 juni 2025,\nklockan 14:00.",
        ),
        (
            "Vem fick justera paragrafen om arvoden till vigselförrättare på kommunstyrelsens möte 15 januari 2025?",
            "2",
            "Protokollen ska justeras av ordföranden och 2:e vice ordföranden om kommunstyrelsen\ninte i särskilt "
            "fall beslutar annorlunda.\nMartin Wannholt (D) utses att jämte ordföranden justera § 32 i dagens "
            "protokoll.",
        ),
        (
            "Vem ledde kommunstyrelsens sammanträde den 12 mars 2025?",
            "198",
            "Ordföranden Jonas Attenius (S) yrkar bifall till stadsledningskontorets förslag och avslag\n"
            "på yrkande från M, D, L och KD den 7 mars 2025.",
        ),
    ],
)
def test_a_role_the_header_does_not_list_is_quoted_where_a_paragraph_names_who_held_it(
    answerer: Answerer, question: str, paragraph: str, quote: str
) -> None:
    answer = answerer.answer(question)
    first = answer.citations[0]
    assert answer.confident and answer.kind == "meeting"
    assert (first.paragraph, first.match, first.quote) == (paragraph, "role", quote)
    assert answer.citations[1].paragraph == HEADER and first.file == answer.citations[1].file
    assert_verifiable(answer, answerer)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        (
            "Vem var sekreterare på kommunstyrelsens möte den 20 november 2024?",
            "Protokollet från Kommunstyrelsen, Göteborgs Stad, 2024-11-20 anger inte vem som var sekreterare.",
        ),
        (
            "Vilka var närvarande på kommunfullmäktige den 12 juni 2025?",
            "Protokollet från Kommunfullmäktige, Göteborgs Stad, 2025-06-12 anger inte vilka som var närvarande.",
        ),
    ],
)
def test_a_role_or_attendance_nobody_is_named_in_is_not_guessed(answerer: Answerer, question: str, said: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident and answer.answer.startswith(said)
    assert answer.citations[0].paragraph == HEADER
    assert_verifiable(answer, answerer)


def test_a_question_naming_only_a_meeting_lists_its_paragraphs(answerer: Answerer) -> None:
    answer = answerer.answer("Vad hände på socialnämndens möte i Lomma i maj 2026?")
    assert answer.confident and answer.kind == "agenda"
    assert [h.paragraph for h in answer.citations] == [str(n) for n in range(27, 40)]
    assert {h.file for h in answer.citations} == {"Lomma_Socialnamnden_2026-05-05.txt"}
    assert all(" ".join(h.quote.split()) == " ".join(h.title.split()) for h in answer.citations)
    lines = answer.answer.splitlines()
    assert lines[0] == "Socialnämnden, Lomma kommun, 2026-05-05:"
    assert "§ 32 »Avtalssamverkan Familjerätt« [6] (bifall)" in lines
    assert "§ 37 »Nämndinitiativ från Bo Nors (F) gällande studiebesök« [11] (avslag)" in lines
    assert_verifiable(answer, answerer)


def test_an_agenda_question_for_a_kind_of_matter_lists_only_those(answerer: Answerer) -> None:
    answer = answerer.answer("Vilka motioner behandlade socialnämnden i Lomma i maj 2026?")
    assert answer.confident and answer.kind == "agenda"
    assert [h.paragraph for h in answer.citations] == ["33", "34", "36"]
    assert_verifiable(answer, answerer)
    none = answerer.answer("Vilka interpellationer behandlade socialnämnden i Lomma i maj 2026?")
    assert not none.confident
    assert none.answer.startswith("Protokollet från Socialnämnden, Lomma kommun, 2026-05-05 tar inte upp några")
    assert_verifiable(none, answerer)


def test_an_agenda_of_a_meeting_the_archive_lacks_is_not_made_up(answerer: Answerer) -> None:
    answer = answerer.answer("Vad beslutade kommunstyrelsen den 9 april 2025?")
    assert not answer.confident and answer.answer.startswith("Jag hittar inget protokoll från")


def test_attendance_of_a_named_party(answerer: Answerer) -> None:
    answer = answerer.answer("Vilka ledamöter från SD deltog i kommunstyrelsen den 20 november 2024?")
    assert answer.confident and answer.citations[0].paragraph == HEADER
    assert answer.answer.startswith("beslutande: Jörgen Fogelklou (SD). ")
    moderates = answerer.answer("Vilka moderater var närvarande på barn- och utbildningsnämndens möte i oktober 2023?")
    named = moderates.answer.split(". ")[0]
    assert named.startswith("beslutande: Fredrik Karström (M)") and "(S)" not in named and "(L)" not in named
    assert_verifiable(moderates, answerer)


def test_who_brought_a_motion_is_quoted_from_its_title(answerer: Answerer) -> None:
    answer = answerer.answer("Vilket parti lade motionen om flytande öar i Frihamnen?")
    assert answer.confident and answer.citations[0].case_number == "SLK-2024-00601"  # in KS or KF
    assert answer.citations[0].quote.startswith("Motion av Elisabet Lann (KD) och Jörgen Knudtzon (KD)")
    assert_verifiable(answer, answerer)


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        ("När började socialnämndens möte i Lomma den 5 maj 2026?", "2026-05-05, klockan 18:30-20:35"),
        ("Hur länge pågick skolchefernas möte i Skaraborg den 23 augusti 2024?", "Tid och plats\t2024-08-23"),
        (  # the time and the place, printed a blank line apart, as one quote
            "Träffades samverkansrådet i Örebro län fysiskt eller digitalt den 12 februari 2021, och hur länge?",
            "Tid: Fredag 12 februari 2021 kl 9:00 – 12:00\n\nPlats: Via Zoom",
        ),
    ],
)
def test_when_and_how_long_a_meeting_was_is_quoted_from_its_header(
    answerer: Answerer, question: str, quote: str
) -> None:
    answer = answerer.answer(question)
    head = answer.citations[0]
    assert answer.confident and answer.kind == "meeting" and head.paragraph == HEADER
    assert head.quote.startswith(quote)
    assert_verifiable(answer, answerer)


@pytest.mark.parametrize(
    ("question", "said"),
    [  # an answer quoting no sum for "Vad kostar …"; a decided topic no protocol mentions
        (
            "Vad kostar en plats på särskilt boende i Lomma per månad?",
            "Jag hittar inget belopp i protokollen om »Vad kostar en plats",
        ),
        ("Vad har beslutats om snöröjning av cykelbanor?", "Jag hittar inget i protokollen om snöröjning. Närmast"),
        # named as the question writes it
        ("Vad har Göteborg beslutat om Gothia Towers?", "Jag hittar inget i protokollen om Gothia. Närmast"),
        # a count the best paragraph does not give (it has dates and list numbers); a counted thing none mentions
        (
            "Hur många medborgarvittnen har Göteborgs Stad i dag, innan verksamheten avvecklas?",
            "Jag hittar inget antal i protokollen om",
        ),
        ("Hur många feriejobb erbjuds ungdomar i sommar?", "Jag hittar inget i protokollen om feriejobb. Närmast"),
        ("Vem är kommundirektör i Lomma?", "Jag hittar inget i protokollen om kommundirektör. Närmast"),
        ("Vad har stadsarkitekten sagt om Backaplan?", "Jag hittar inget i protokollen om stadsarkitekten. Närmast"),
        ("Vad tycker Moderaterna om trängselskatten?", "Jag hittar inget i protokollen om trängselskatten. Närmast"),
        # fullmäktige's decision is not in the archive, only kommunstyrelsen's proposal to it
        (
            "Vad beslutade kommunfullmäktige i Göteborg om Renovas planer på koldioxidavskiljning?",
            "Jag hittar inget beslut av kommunfullmäktige i protokollen om",
        ),
        # only kommunstyrelsen treated the budget: fullmäktige held no vote on it
        (
            "Hur röstade kommunfullmäktige i Göteborg om den kompletterande budgeten för maj 2025?",
            "Jag hittar ingen omröstning i kommunfullmäktige i protokollen om",
        ),
        # a planned thing no protocol mentions
        ("Finns det planer på en ny begravningsplats?", "Jag hittar inget i protokollen om begravningsplats"),
    ],
)
def test_what_the_answer_or_the_archive_lacks_is_said(answerer: Answerer, question: str, said: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident and answer.answer.startswith(said)
    assert answer.citations
    assert_verifiable(answer, answerer)


def test_what_a_person_proposed_is_listed_newest_first(answerer: Answerer) -> None:
    answer = answerer.answer("Vad har Jens Thystrup föreslagit?")
    assert answer.confident and answer.kind == "proposals"
    assert [h.paragraph for h in answer.citations] == ["37", "34", "29"]
    assert all("Jens Thystrup (M) yrkar" in h.quote for h in answer.citations)
    assert_verifiable(answer, answerer)
    none = answerer.answer("Vad har Robert Rydquist föreslagit?")
    assert not none.confident
    assert none.answer.startswith("Jag hittar inga förslag eller yrkanden från Robert Rydquist i protokollen.")


def test_what_a_person_proposed_on_a_topic(answerer: Answerer) -> None:
    answer = answerer.answer("Vad har Axel Darvik föreslagit om parkering?")
    assert answer.confident and answer.kind == "proposals"
    assert all("parkering" in h.text.lower() and "Axel Darvik" in h.text for h in answer.citations)
    everything = answerer.answer("Vad har Axel Darvik föreslagit?")
    assert 0 < len(answer.citations) < len(everything.citations)
    assert_verifiable(answer, answerer)
    none = answerer.answer("Vad har Axel Darvik föreslagit om snöröjning?")
    assert not none.confident
    assert none.answer.startswith(
        "Jag hittar inga förslag eller yrkanden från Axel Darvik om snöröjning i protokollen."
    )


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # the header's justering line, the date on it or on the next line
        (
            "När justerades protokollet från barn- och utbildningsnämnden i Lomma den 12 september 2023?",
            "»Justeringens plats och datum: Digital justering, 2023-09-19« [1]",
        ),
        ("När justerades samverkansrådets protokoll från den 12 februari 2021?", "»Justerat den:\n2021-02-18« [1]"),
    ],
)
def test_when_the_minutes_were_checked_is_the_justering_date(answerer: Answerer, question: str, said: str) -> None:
    answer = answerer.answer(question)
    assert answer.confident and answer.kind == "meeting" and said in answer.answer
    assert "justerare:" not in answer.answer  # asked when, not by whom
    assert_verifiable(answer, answerer)


@pytest.mark.parametrize(
    "question",
    [
        "Vilket datum justerades protokollet från socialnämndens sammanträde i Lomma den 5 maj 2026?",  # no date
        "När justerades protokollet från kommunstyrelsen i Göteborg den 10 december 2025?",  # who, not when
    ],
)
def test_a_justering_no_line_dates_is_said(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident and "anger inte när protokollet justerades." in answer.answer


def test_a_meeting_place_the_header_does_not_give_is_said(answerer: Answerer) -> None:
    answer = answerer.answer("I vilken lokal sammanträdde kommunstyrelsen i Göteborg den 10 april 2024?")
    assert not answer.confident and answer.kind == "meeting"
    assert answer.answer.startswith(
        "Protokollet från Kommunstyrelsen, Göteborgs Stad, 2024-04-10 anger inte var sammanträdet hölls."
    )
    stated = answerer.answer("I vilken lokal sammanträdde barn- och utbildningsnämnden i Lomma den 12 september 2023?")
    assert stated.confident and "Stora Sessionssalen" in stated.answer


def test_a_header_naming_the_justerare_answers_a_plural_question(answerer: Answerer) -> None:
    answer = answerer.answer("Vilka justerade protokollet för barn- och utbildningsnämnden i Lomma i oktober 2023?")
    assert answer.confident and answer.kind == "meeting" and answer.citations[0].paragraph == HEADER
    assert answer.answer.startswith("justerare: Ulf Richeberg.")


@pytest.mark.parametrize(
    "question",
    [
        "Vad har Malmö beslutat om skolskjuts?",
        "Vad kostade renoveringen av Gothia Towers?",
    ],
)
def test_what_the_protocols_do_not_hold_is_said(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident
    assert "hittar inget i protokollen om" in answer.answer
    assert answer.citations


def test_a_decision_question_quotes_the_decision(answerer: Answerer) -> None:
    answer = answerer.answer(
        "Vad beslutade barn- och utbildningsnämnden i Lomma om avstämningsdagar för ersättning "
        "till fristående huvudmän?"
    )
    quoted = [p for p in answer.parts if p.citation]
    hit = answer.citations[quoted[0].citation - 1]
    assert hit.decision and quoted[0].text in hit.decision


def test_a_topic_only_another_organisation_has(answerer: Answerer) -> None:
    assert answerer.searcher.words_only_elsewhere("Vad har Lomma beslutat om skolskjuts?", ["Lomma kommun"]) == [
        "skolskjut"
    ]
    assert answerer.searcher.words_only_elsewhere("Vad har Göteborg beslutat om skolskjuts?", ["Göteborgs Stad"]) == []
    answer = answerer.answer("Vad har Lomma beslutat om skolskjuts?")
    assert not answer.confident
    assert answer.answer.startswith("Jag hittar inget i protokollen från Lomma kommun om skolskjuts.")
    # Another form of the word is the same word: "tilldelades" (stem `tilldel`) where Skaraborg writes
    # "tilldelningen", "fastställdes" where the Riksdag writes "fastställ…".
    question = "Hur mycket statsbidrag för yrkesvux tilldelades Skaraborg?"
    assert answerer.searcher.words_only_elsewhere(question, ["Skaraborgs Kommunalförbund"]) == []
    assert answerer.answer(question).confident
    question = "Till hur många ledamöter fastställdes antalet i riksdagens utskott?"
    assert answerer.searcher.words_only_elsewhere(question, ["Sveriges riksdag"]) == []
    # Örebro's one protocol (10 paragraphs) lacks most of the archive's words: their absence tells nothing.
    question = "Vilket datum lanserades den nya gemensamma webbplatsen för vuxenutbildning i Örebro län?"
    assert answerer.searcher.words_only_elsewhere(question, ["Region Örebro län"]) == []
    # A party's name is no topic word: Lomma writes "Liberalernas motion", Göteborg "(L)".
    question = "Hur gick det med Liberalernas motion om att införa Allvarsamtal i Göteborg?"
    assert answerer.searcher.words_only_elsewhere(question, ["Göteborgs Stad"]) == []


def test_a_body_or_party_by_its_informal_name_is_no_unknown_topic(answerer: Answerer) -> None:
    question = "Vem berättade om planerna på ett gymnasium i Lomma på skolnämndens möte i september 2023?"
    assert answerer.searcher.unknown_topic_words(question) == []
    assert answerer.searcher.unknown_topic_words("Finns det planer på en ny begravningsplats?") == ["begravningsplats"]
    # nor is a party's name: protocols write "(M)"
    assert answerer.searcher.unknown_topic_words("Vad beslutade fullmäktige om Moderaternas motion om skolor?") == []


def test_a_counted_thing_is_unknown_only_when_no_protocol_mentions_it(answerer: Answerer) -> None:
    assert answerer.searcher.unknown_topic_words("Hur många feriejobb erbjuds ungdomar i sommar?") == ["feriejobb"]
    assert answerer.searcher.unknown_topic_words("Ungefär hur många Lommabor skulle få kamratkort?") == []


def test_a_vote_question_quotes_the_proposition_and_the_result(answerer: Answerer) -> None:
    answer = answerer.answer("Hur röstade fullmäktige om motionen om hedersbaserat tvång av religiösa symboler?")
    assert answer.kind == "vote" and answer.confident
    assert (answer.citations[0].file, answer.citations[0].paragraph) == (
        "Goteborg_Kommunfullmaktige_2025-06-12.txt",
        "332",
    )
    assert "»Omröstningen utfaller med 43 Ja mot 38 Nej.« [1]" in answer.answer
    assert "Ja för bifall till kommunstyrelsens förslag" in answer.answer
    assert_verifiable(answer, answerer)


def test_a_reservation_question_quotes_who_reserved_themselves(answerer: Answerer) -> None:
    answer = answerer.answer("Vilka reserverade sig mot beslutet att pausa intaget av förskoleklasser på Pilängskolan?")
    assert answer.kind == "reservation" and answer.confident
    assert "»Natalia Engstedt (SD) reserverar sig skriftligt mot beslutet.« [1]" in answer.answer
    assert_verifiable(answer, answerer)


def test_a_paragraph_without_a_vote_does_not_answer_how_they_voted(answerer: Answerer) -> None:
    answer = answerer.answer("Hur röstade kommunfullmäktige om motionen om införande av Allvarsamtal?")
    assert answer.kind == "vote" and not answer.confident
    assert answer.answer.startswith(
        "Jag hittar ingen omröstning i protokollen om införande av Allvarsamtal. Närmast kommer: "
    )
    assert ("Goteborg_Kommunfullmaktige_2025-06-12.txt", "345") in {(h.file, h.paragraph) for h in answer.citations}
    assert_verifiable(answer, answerer)


def test_a_decision_question_follows_the_matter_to_its_final_decision(answerer: Answerer) -> None:
    answer = answerer.answer("Vad beslutades om motionen om en mobilfri grundskola?")
    assert answer.kind == "decision" and answer.confident
    assert answer.answer.startswith("Kommunfullmäktige avslog motionen 2025-06-12 (§ 353) [")
    assert "på kommunstyrelsens förslag 2025-03-12 (§ 205) [" in answer.answer
    cited = {(h.date, h.paragraph) for h in answer.citations}
    assert {("2025-06-12", "353"), ("2025-03-12", "205")} <= cited
    # The matter's steps are cited right after the best hit, before unrelated paragraphs, ranked in order.
    matter = answer.citations[0].matter
    steps = [h.matter == matter for h in answer.citations]
    assert steps == sorted(steps, reverse=True)
    assert [h.rank for h in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert_verifiable(answer, answerer)


def test_a_meeting_named_by_its_order_is_answered_with_its_paragraphs(answerer: Answerer) -> None:
    answer = answerer.answer("Vad beslutade kommunstyrelsen i Göteborg på sitt senaste möte?")
    assert answer.confident and answer.kind == "agenda"
    assert {h.date for h in answer.citations} == {"2026-01-14"}
    assert_verifiable(answer, answerer)
