"""What a question names: case numbers, § numbers, the meeting, places the archive lacks, and its kind."""

from __future__ import annotations

import pytest

from app.query import (
    Kind,
    QuestionFacts,
    analyse,
    counted_words,
    decision_topic_words,
    find_bodies,
    find_organisations,
    meeting_order,
    post_words,
    speaker_words,
    title_years,
    topic_years,
)

ORGANISATIONS = (
    "Göteborgs Stad",
    "Lomma kommun",
    "Region Örebro län",
    "Skaraborgs Kommunalförbund",
    "Sveriges riksdag",
)
BODIES = (
    "Barn- och utbildningsnämnden",
    "Kammaren",
    "Kommunfullmäktige",
    "Kommunstyrelsen",
    "Skol- och utbildningschefer",
    "Socialnämnden",
    "Specifikt samverkansråd för skola, utbildning och kompetensförsörjning",
)
PREFIXES = frozenset({"SLK", "BUN", "SN", "KFN"})


def facts(text: str, people: frozenset[str] = frozenset()) -> QuestionFacts:
    return analyse(text, ORGANISATIONS, BODIES, PREFIXES, people)


@pytest.mark.parametrize(
    ("question", "bodies"),
    [
        ("Vad beslutade kommunstyrelsen om parkering?", ("Kommunstyrelsen",)),
        ("Vad sa kommunstyrelsens ordförande?", ("Kommunstyrelsen",)),
        ("KS Göteborg 2024-11-20 § 949", ("Kommunstyrelsen",)),
        ("BUN § 66 2023-10-10", ("Barn- och utbildningsnämnden",)),
        ("Hur röstade fullmäktige om budgeten?", ("Kommunfullmäktige",)),
        ("Vad tog samverkansrådet upp?", ("Specifikt samverkansråd för skola, utbildning och kompetensförsörjning",)),
        ("Vad beslutade riksdagen?", ("Kammaren",)),
        ("Vad kostar utbildningen?", ()),
        ("Vad beslutade nämnden?", ()),
    ],
)
def test_bodies_named_in_a_question(question: str, bodies: tuple[str, ...]) -> None:
    assert find_bodies(question, BODIES) == bodies


@pytest.mark.parametrize(
    ("question", "organisations"),
    [
        ("Vad har Lomma beslutat om skolskjuts?", ("Lomma kommun",)),
        ("Vad beslutade Göteborgs kommunstyrelse?", ("Göteborgs Stad",)),
        ("vad beslutade göteborg om västlänken", ("Göteborgs Stad",)),
        ("Vad tog skolcheferna i Skaraborg upp?", ("Skaraborgs Kommunalförbund",)),
        ("Vad gör Region Örebro län för skolan?", ("Region Örebro län",)),
        ("Vad är Göteborgsförslaget?", ()),
    ],
)
def test_organisations_named_in_a_question(question: str, organisations: tuple[str, ...]) -> None:
    assert find_organisations(question, ORGANISATIONS) == organisations


@pytest.mark.parametrize(
    ("question", "date_from", "date_to", "meeting_dated"),
    [
        ("Vad beslutade kommunstyrelsen den 12 mars 2025?", "2025-03-12", "2025-03-12", True),
        ("KS 2025-03-12 § 203", "2025-03-12", "2025-03-12", True),
        ("Vad beslutades om medborgarvittnena i mars 2025?", "2025-03-01", "2025-03-31", False),
        ("Vad beslutade nämnden på sitt sammanträde i november 2023?", "2023-11-01", "2023-11-30", True),
        ("Hur mycket statsbidrag fick yrkesvux 2025?", None, None, False),
        ("Vad beslutade kommunstyrelsen i Göteborg i mars 2025?", "2025-03-01", "2025-03-31", True),
        ("Vad sades på samverkansrådet i februari 2022?", "2022-02-01", "2022-02-28", True),
        # the month dates the survey, not a meeting of Lomma's
        (
            "Hur många svarade på Lommas enkät om lärande och utveckling i förskolan i maj 2023?",
            "2023-05-01",
            "2023-05-31",
            False,
        ),
        ("Hur många vårdnadshavare svarade på Lommas förskoleenkät i maj 2023?", "2023-05-01", "2023-05-31", False),
        ("Vad hände i Lomma kommun i maj 2026?", "2026-05-01", "2026-05-31", True),
    ],
)
def test_meeting_dates(question: str, date_from: str | None, date_to: str | None, meeting_dated: bool) -> None:
    found = facts(question)
    assert (found.filters.date_from, found.filters.date_to, found.meeting_dated) == (date_from, date_to, meeting_dated)


def test_case_numbers_and_paragraph_numbers() -> None:
    found = facts("Vad hände i ärende slk-2024-00704 och BUN/2023:18?")
    assert [r.key for r in found.cases] == ["SLK2024:704", "BUN2023:18"] and found.kind is Kind.LOOKUP
    found = facts("Kommunstyrelsen 12 mars 2025 § 203")
    assert found.paragraph_numbers == (203,) and found.filters.bodies == ("Kommunstyrelsen",)
    assert facts("Punkt 8 på mötet i samverkansrådet").paragraph_numbers == (8,)


def test_a_date_is_not_taken_for_a_case_number() -> None:
    found = facts("Vad beslutade nämnden den 2024-03-12?")
    assert found.cases == () and found.filters.date_from == "2024-03-12"


def test_an_unknown_prefix_counts_only_with_a_case_word_or_in_capitals() -> None:
    assert [r.key for r in facts("Vad gäller ärende ks 2024/15?").cases] == ["KS2024:15"]
    assert [r.key for r in facts("Dnr KS 2024/15").cases] == ["KS2024:15"]
    assert facts("utan 2024-15 något").cases == ()


def test_places_the_archive_lacks() -> None:
    assert facts("Hur röstade kommunfullmäktige i Malmö om en mobilfri skola?").unknown_places == ("Malmö",)
    assert facts("Vad har Lomma beslutat om skolskjuts?").unknown_places == ()
    assert facts("Vad beslutade Mölndals kommunstyrelse om budgeten?").unknown_places == ("Mölndal",)


def test_people_named() -> None:
    assert facts("Vad yrkade Axel Josefson om parkering?", frozenset({"axel josefson", "jonas attenius"})).people == (
        "axel josefson",
    )


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Vem var ordförande på mötet den 5 maj 2026?", Kind.MEETING),
        ("Var hölls socialnämndens sammanträde?", Kind.MEETING),
        ("Vilka justerade protokollet i oktober 2023?", Kind.MEETING),
        ("Vad beslutade kommunstyrelsen den 12 mars 2025?", Kind.AGENDA),
        ("Vilka ärenden behandlades på kommunstyrelsens sammanträde 2025-12-10?", Kind.AGENDA),
        ("Vad hände på socialnämndens möte i Lomma i maj 2026?", Kind.AGENDA),
        ("Vad beslutade kommunstyrelsen om budgeten den 12 mars 2025?", Kind.DECISION),
        ("Vad beslutade fullmäktige om skolan i juni 2025?", Kind.DECISION),
        ("Vad beslutade kommunstyrelsen?", Kind.DECISION),
        ("När började socialnämndens möte den 5 maj 2026?", Kind.MEETING),
        ("När började Eva Hessman som stadsdirektör?", Kind.FACT),  # a person began, not the meeting
        ("Vem satt för KD i kommunstyrelsen på mötet den 10 december 2025?", Kind.MEETING),
        ("Var facket representerat på barn- och utbildningsnämndens sammanträde i september?", Kind.MEETING),
        ("Vilken tid slutade sammanträdet?", Kind.MEETING),
        ("Vem fick justera paragrafen om arvoden på mötet?", Kind.MEETING),
        ("Träffades rådet fysiskt eller digitalt?", Kind.MEETING),
        ("Vilka moderater var närvarande på nämndens möte i oktober 2023?", Kind.MEETING),
        ("Vilka partier deltog inte i beslutet om budgeten?", Kind.DECISION),
        ("Vilka motioner behandlade fullmäktige den 12 juni 2025?", Kind.AGENDA),
        ("När behandlades motionen om mobilfri grundskola?", Kind.TOPIC),
        ("Vem förde protokollet på socialnämndens möte?", Kind.MEETING),
        ("Vem var protokollförare i barn- och utbildningsnämnden?", Kind.MEETING),
        ("Hur har motionen om hydroponisk odling behandlats?", Kind.TOPIC),
        ("Följ motionen om brukarrum genom kommunstyrelsen och fullmäktige.", Kind.TOPIC),
        ("Vad beslutades om yrkesvux?", Kind.DECISION),
        ("Har kommunfullmäktige antagit den nya policyn?", Kind.DECISION),
        ("Hur mycket statsbidrag fick yrkesvux?", Kind.FACT),
        ("SLK-2024-00704", Kind.LOOKUP),
        ("Hur röstade fullmäktige om motionen om allvarsamtal?", Kind.VOTE),
        ("Hur utföll omröstningen om lokalförsörjningsplanen?", Kind.VOTE),
        ("Hur många röstade nej till förslaget om förskoleklasserna?", Kind.VOTE),
        ("Vilka reserverade sig mot beslutet om äldreboendet?", Kind.RESERVATION),
        ("Vem var nämndsekreterare vid socialnämndens sammanträde i Lomma?", Kind.MEETING),
        ("Vem var protokollförande sekreterare vid kommunstyrelsens sammanträde?", Kind.MEETING),
        ("I vilken lokal sammanträdde kommunstyrelsen den 10 april 2024?", Kind.MEETING),
        ("Vem är politisk sekreterare för MP?", Kind.FACT),
        # a count asked of a decision asks the count
        ("Hur många ledamöter ska utskotten ha enligt kammarens beslut?", Kind.FACT),
        # and a reason asked of a decision asks the reason
        ("Varför ställde sig Moderaterna utanför beslutet om studien?", Kind.FACT),
        ("Av vilken anledning avslogs motionen?", Kind.FACT),
        ("Varför reserverade sig SD mot beslutet?", Kind.RESERVATION),
        ("Vem lämnade en reservation mot beslutet om familjerätten?", Kind.RESERVATION),
    ],
)
def test_question_kinds(question: str, kind: Kind) -> None:
    assert facts(question).kind is kind


@pytest.mark.parametrize(
    "question",
    [
        "Vem ersatte Carina Ohlsson som riksdagsledamot?",
        "Vad hände med förslaget om nattåg när fullmäktige möttes i juni 2025?",
        "Vem frågade kommunstyrelsens ordförande om kollektivavtal under frågestunden?",
    ],
)
def test_questions_about_a_paragraph_are_not_about_the_meeting(question: str) -> None:
    assert facts(question).kind is not Kind.MEETING


def test_a_place_named_as_the_body_that_decided() -> None:
    assert facts("Vad har Burlövs kommunfullmäktige beslutat om familjerätten?").unknown_organisations == ("Burlöv",)
    assert facts("Vad har Malmö beslutat om skolskjuts?").unknown_organisations == ("Malmö",)
    assert facts("Vad kostade studieresan till Södertälje?").unknown_organisations == ()


def test_a_case_number_pasted_without_its_prefix() -> None:
    found = facts("2024-00689")
    assert [(r.key, r.prefix) for r in found.cases] == [("2024:689", "")] and found.kind is Kind.LOOKUP
    assert [r.written for r in facts("ärende 2024-00999").cases] == ["2024-00999"]
    assert facts("Vad hände i mars 2024-03?").cases == ()


def test_bodies_the_archive_lacks_when_named_as_the_deciders() -> None:
    assert facts("Vad beslutade kultur- och fritidsnämnden i Lomma om kamratkort?").unknown_bodies == (
        "kultur- och fritidsnämnden",
    )
    assert facts("Vad beslutade KFN om kamratkort?").unknown_bodies == ("KFN",)
    assert facts("Vilket beslut fattade samhällsbyggnadsnämnden i Lomma om Flädie?").unknown_bodies == (
        "samhällsbyggnadsnämnden",
    )
    assert facts("Hur hanterade kommunstyrelsen funktionsstödsnämndens begäran?").unknown_bodies == ()
    assert facts("Vem berättade på skolnämndens möte i Lomma?").unknown_bodies == ()


def test_a_month_with_a_named_body_is_the_meeting_month() -> None:
    assert facts("Vad sades på samverkansrådet i februari 2022?").meeting_dated
    assert not facts(
        "Vad beslutades om delårsrapporten per augusti 2023 för barn- och utbildningsnämnden?"
    ).meeting_dated


def test_a_meeting_question_naming_paragraphs_stays_one() -> None:
    assert facts("Vem ersatte ordföranden under §§ 72–73 den 10 oktober 2023?").kind is Kind.MEETING


def test_an_agenda_question_may_ask_for_a_kind_of_matter() -> None:
    assert facts("Vilka interpellationer besvarades i fullmäktige i februari 2026?").agenda_types == ("interpellation",)
    assert facts("Vad beslutade kommunstyrelsen den 12 mars 2025?").agenda_types == ()
    assert facts("Vilka motioner om skolan behandlade fullmäktige den 12 juni 2025?").kind is not Kind.AGENDA


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Vad har beslutats om snöröjning av cykelbanor?", ("snöröjning", "cykelbanor")),
        ("Har Lomma kommun beslutat att byta ut gatubelysningen mot LED-armaturer?", ("gatubelysningen", "armaturer")),
        ("Vad beslutades om att anlägga en ny begravningsplats i Göteborg?", ("anlägga", "begravningsplats")),
        ("Vad beslutade riksdagen om försvarsbudgeten?", ("försvarsbudgeten",)),
        # the noun "beslutet" asks why, not what was decided
        ("Varför stod M utanför beslutet att delta i en studie om muslimfientlighet?", ()),
        ("Stämmer det att Göteborg införde bevattningsförbud sommaren 2025?", ("bevattningsförbud", "sommaren")),
        ("Fick barnfamiljer något extra inför julen 2024?", ()),
        ("Hur mycket kostade studieresan?", ()),
        ("Vad tycker Moderaterna om trängselskatten?", ("trängselskatten",)),  # said or thought
        # assigned or planned
        ("Vem har fått i uppdrag att ta fram en plan för utbyggnad av bredband?", ("utbyggnad", "bredband")),
        ("Finns det planer på att anlägga en ny begravningsplats?", ("anlägga", "begravningsplats")),
        ("Vem ansvarar för att kommunens lekplatser besiktas?", ("kommunens", "lekplatser")),
    ],
)
def test_the_words_naming_what_a_question_asks_was_decided(question: str, topic: tuple[str, ...]) -> None:
    assert decision_topic_words(question) == topic


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("Hur många feriejobb erbjuds ungdomar i sommar?", ("feriejobb",)),
        ("Ungefär hur många personer skulle få kamratkort?", ("personer",)),
        ("Hur många nya lägenheter får boendet?", ("lägenheter",)),
        ("Hur många deltog i politikerkonferensen?", ()),  # counts those who did
        ("Hur ska de diskutera hur många elevplatser som behövs?", ()),  # asks how
        ("Vad kostar en plats?", ()),
    ],
)
def test_the_word_naming_what_a_question_counts(question: str, counted: tuple[str, ...]) -> None:
    assert counted_words(question) == counted


def test_a_place_of_the_archive_names_where_not_what_was_decided() -> None:
    question = "Har staden beslutat att Göteborgs konserthus ska byggas ut?"
    assert decision_topic_words(question) == ("göteborgs", "konserthus")
    assert decision_topic_words(question, ("göteborg",)) == ("konserthus", "byggas")


def test_the_post_a_who_question_asks_about() -> None:
    assert post_words("Vem är kommundirektör i Lomma?") == ("kommundirektör",)
    assert post_words("Vem blir enhetschef för familjerätten?") == ("enhetschef",)
    assert post_words("Vem är det som leder arbetet?") == ()
    assert post_words("Vem fick kulturpriset?") == ()


def test_who_a_question_asks_said_or_proposed_something() -> None:
    assert speaker_words("Vad har stadens klimatstrateg föreslagit för att nå klimatmålen?") == ("klimatstrateg",)
    assert speaker_words("Vad har Göteborgs barnombudsman rapporterat om barns rättigheter?") == ("barnombudsman",)
    assert speaker_words("Vad har stadsarkitekten sagt om Backaplan?") == ("stadsarkitekten",)
    assert speaker_words("Vad har beslutats om snöröjning?") == ()  # no one said it
    assert speaker_words("Vad sa kommunstyrelsen om budgeten?") == ()


def test_the_body_named_as_the_one_that_decided() -> None:
    assert facts("Vad beslutade kommunfullmäktige i Göteborg om Renovas planer?").deciders == ("Kommunfullmäktige",)
    assert facts("Vad har kommunstyrelsen beslutat om HBTQI-rådet?").deciders == ("Kommunstyrelsen",)
    assert facts("Vad beslutade Göteborgs kommunfullmäktige om en fixartjänst?").deciders == ("Kommunfullmäktige",)
    assert facts("Hur röstade kommunfullmäktige om den kompletterande budgeten?").deciders == ("Kommunfullmäktige",)
    # a body named as the topic, or as the meeting, did not decide
    assert facts("Vad har beslutats om att flytta verksamhet från utbildningsnämnden?").deciders == ()
    assert facts("Vem var ordförande på kommunstyrelsens sammanträde?").deciders == ()


def test_a_question_about_what_a_person_proposed() -> None:
    people = frozenset({"axel darvik", "jörgen fogelklou"})
    assert facts("Vad har Axel Darvik föreslagit?", people).kind is Kind.PROPOSALS
    assert facts("Vad yrkade Jörgen Fogelklou i kommunstyrelsen den 12 mars 2025?", people).kind is Kind.PROPOSALS
    on_parking = facts("Vad har Axel Darvik föreslagit om parkering?", people)
    assert (on_parking.kind, on_parking.proposal_topic) == (Kind.PROPOSALS, ("parkering",))
    assert facts("Vilka motioner om skolan har Axel Darvik väckt?", people).proposal_topic == ("skolan",)
    assert facts("Vad har Axel Darvik föreslagit?", people).proposal_topic == ()
    assert facts("Varför föreslog Axel Darvik mobilförbud?", people).kind is not Kind.PROPOSALS  # asks why
    assert facts("Vad har Anna Okänd föreslagit?", people).kind is not Kind.PROPOSALS  # not in the protocols


def test_the_years_a_question_asks_its_topic_for_and_a_title_names() -> None:
    assert topic_years("Vad låg grundarvodet på under 2024, och för år 2023?") == {"2023", "2024"}
    assert topic_years("Vem förordnades som politisk sekreterare våren 2024?") == set()
    assert title_years("Göteborgs Stads årsredovisning 2023") == {"2023"}
    assert title_years("Naturbruksavtalet för 2025–2028") == {"2025", "2026", "2027", "2028"}
    assert title_years("Riksnorm 2023/24") == {"2023", "2024"}
    assert title_years("Redovisning av vad som genomförts under 2020") == set()  # when, not which
    assert title_years("Beslut 2024-12-11 i ärende SLK-2024-00816") == set()  # a date, a case number


def test_a_meeting_named_by_its_order() -> None:
    assert meeting_order("Vad beslutade nämnden på sitt senaste möte?") == (True, None, (30, 42))
    assert meeting_order("Vem talade på sista sammanträdet 2025?")[:2] == (True, "2025")  # type: ignore[index]
    assert meeting_order("Vem var ordförande på första mötet i år 2024?")[:2] == (False, "2024")  # type: ignore[index]
    assert meeting_order("Vad står i senaste mötesanteckningen?") is None
    assert meeting_order("Ska personalen få utbildning i första hjälpen?") is None
