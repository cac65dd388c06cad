"""The confidence rule: a question's specific words must be in the best hits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.confidence import is_confident, missing_answer, signals, specific_words
from indexer.models import EXAMPLE_PROTOCOL, Hit


def hit(text: str, date: str = "2024-08-23") -> Hit:
    return Hit(
        rank=1,
        score=10.0,
        file="f.txt",
        paragraph="97",
        title="Statsbidrag",
        case_number=None,
        organisation="Skaraborgs Kommunalförbund",
        body="Skol- och utbildningschefer",
        date=date,
        citation="c",
        text=text,
        quote=text,
    )


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Vad kostade renoveringen av Gothia Towers?", ["Gothia", "Towers"]),
        ("Hur mycket statsbidrag fick Skaraborg för regionalt yrkesvux 2024?", ["2024"]),
        ("Vad beslutade kommunstyrelsen om SD:s förslag den 12 mars 2025?", []),
        ("Vad hände med Moderaternas motion om parkering?", []),
        ("Hur många ledamöter har KD i fullmäktige?", []),
        ("Vad gör RUC vid Örebro universitet?", ["RUC", "Örebro"]),
    ],
)
def test_specific_words(question: str, words: list[str]) -> None:
    assert specific_words(question, ["Skaraborgs Kommunalförbund", "Kommunstyrelsen"]) == words


def test_a_compound_of_a_known_name_names_its_people_not_a_topic() -> None:
    known = ["Lomma kommun", "Skaraborgs Kommunalförbund"]
    assert specific_words("Ungefär hur många Lommabor skulle få kamratkort?", known) == []
    assert specific_words("Har Skaraborgskommunerna svårt att rekrytera?", known) == []
    assert specific_words("Varför byter lärare jobb i Lommatrakten?", known) == []


def test_a_compound_of_a_known_name_naming_a_thing_of_its_own_is_asked_of_the_hits() -> None:
    known = ["Göteborgs Stad"]
    question = "Hur mycket bidrar Göteborgs Stad till Göteborgsvarvet?"
    assert specific_words(question, known) == ["Göteborgsvarvet"]
    assert signals(question, [hit("Staden bidrar till idrottsevenemang.")], known).uncovered == ("Göteborgsvarvet",)
    # found by what follows the name too: "Göteborgsförslaget" where the protocol writes "förslaget"
    found = signals("Vad hände med Göteborgsförslaget om leksaker?", [hit("Förslaget om leksaker avslås.")], known)
    assert found.uncovered == ()
    assert specific_words("Vad beslutade Regionfullmäktige i Skåne?", ["Region Örebro län"]) == [
        "Regionfullmäktige",
        "Skåne",
    ]


def test_a_year_or_name_the_best_hits_lack_is_uncovered() -> None:
    text = EXAMPLE_PROTOCOL.paragraphs[0].text  # "... statsbidrag för regionalt yrkesvux 2025 ..."
    found = signals("Hur mycket statsbidrag fick yrkesvux 2024?", [hit(text)])
    assert found.uncovered == ("2024",) and not is_confident(found)
    assert is_confident(signals("Hur mycket statsbidrag fick yrkesvux 2025?", [hit(text)]))
    assert signals("Vad sa Johan Strömbergs kollega?", [hit(text)]).uncovered == ()


def test_no_hits_is_not_confident_when_the_question_names_something() -> None:
    assert not is_confident(signals("Vad kostade Gothia Towers?", []))


def test_an_acronym_is_found_spelled_out() -> None:
    text = "Remiss från Myndigheten för samhällsskydd och beredskap om planläggning för utrymning."
    assert signals("Har staden svarat på MSB:s förslag om utrymning?", [hit(text)]).uncovered == ()
    assert signals("Har staden svarat på SKR:s förslag om utrymning?", [hit(text)]).uncovered == ("SKR",)


def test_a_short_name_in_the_genitive_is_found() -> None:
    text = "Motion av Kristina Bergman Alme (L) om ökat stöd efter vårdnadsöverflytt."
    assert signals("Vad blev det av Kristina Bergman Almes motion?", [hit(text)]).uncovered == ()
    assert signals("Vad blev det av Kristina Bergman Almes motion?", [hit("Motion om stöd.")]).uncovered == (
        "Kristina",
        "Bergman",
        "Almes",
    )


def test_a_party_named_in_words_must_be_in_the_best_hits_by_letter_or_name() -> None:
    question = "Vad yrkade Vänsterpartiets ledamot om lokalförsörjningsplanen?"
    assert signals(question, [hit("Ida Alm (L) yrkar bifall till planen.")]).uncovered == ("Vänsterpartiets",)
    assert signals(question, [hit("Yrkande från S, V och MP den 4 maj.")]).uncovered == ()
    assert signals(question, [hit("Anna Berg (V) yrkar avslag.")]).uncovered == ()
    assert signals("Vad tyckte Liberalerna om planen?", [hit("Liberalernas motion om planen.")]).uncovered == ()
    # and by its letters: "för KD", "(M)"; a single letter only in brackets ("zon A" is no party)
    question = "Vem förordnades som politisk sekreterare för KD?"
    assert signals(question, [hit("Nils Brodin (V) förordnas som politisk sekreterare för V.")]).uncovered == ("KD",)
    assert signals(question, [hit("Eva Ek (KD) förordnas som politisk sekreterare för KD.")]).uncovered == ()
    assert signals("Vad kostar ett kort för zon A?", [hit("Ett kort för zon A kostar 140 kr.")]).uncovered == ()


def test_party_names_are_skipped_but_not_words_that_start_like_party_letters() -> None:
    assert specific_words("Vad beslutade Lomma om Västlänken och Centerpartiets motion?", ["Lomma kommun"]) == [
        "Västlänken"
    ]
    assert specific_words("Hur röstade SD och MP om Skatteverket?") == ["Skatteverket"]


@pytest.mark.parametrize(
    ("question", "text", "uncovered"),
    [
        (  # the year asked for the topic stands only in a date and a case number: 2025 is the year set
            "Vilket grundarvode gällde för förtroendevalda år 2024?",
            "SLK-2024-00816. Yrkande den 6 december 2024. Grundarvodet för år 2025 fastställs till 77 430 kronor.",
            ("2024",),
        ),
        (
            "Vilket grundarvode gällde för förtroendevalda år 2025?",
            "SLK-2024-00816. Yrkande den 6 december 2024. Grundarvodet för år 2025 fastställs till 77 430 kronor.",
            (),
        ),
        (
            "Vad låg grundarvodet för förtroendevalda på under 2024?",
            "SLK-2024-00816. Yrkande den 6 december 2024. Grundarvodet för år 2025 fastställs till 77 430 kronor.",
            ("2024",),
        ),
        (  # the time of an appointment is found in its dates
            "Vem förordnades som politisk sekreterare våren 2024?",
            "Anna Svensson förordnas som politisk sekreterare från och med den 1 april 2024.",
            (),
        ),
    ],
)
def test_a_year_asked_for_the_topic_is_not_found_in_dates(question: str, text: str, uncovered: tuple[str, ...]) -> None:
    assert signals(question, [hit(text)]).uncovered == uncovered


def test_a_title_naming_another_year_does_not_answer_for_the_asked_one() -> None:
    report = replace(
        hit("Nämnden tar del av kvalitetsberättelsen. Arbetet under 2024 beskrivs."), title="Kvalitetsberättelse 2025"
    )
    assert signals("Vad beslutade nämnden om kvalitetsberättelsen för 2024?", [report]).uncovered == ("2024",)
    assert signals("Vad beslutade nämnden om kvalitetsberättelsen för 2025?", [report]).uncovered == ()
    # a year something happens during is no matter's year: the yrkande "inför budget 2026" is made during 2025
    text = "Nämnden ska under 2025 informeras tre gånger om läget."
    request = replace(hit(text), title="Yrkande om information inför budget 2026")
    assert signals("Vid vilka tillfällen under 2025 ska nämnden informeras?", [request]).uncovered == ()


@pytest.mark.parametrize(
    ("question", "quoted", "missing"),
    [
        ("Vad kostar en plats på särskilt boende per månad?", "Plats beviljas i väntan på boende.", "inget belopp"),
        ("Vad kostar en plats på särskilt boende per månad?", "Avgiften är 2 350 kronor per månad.", None),
        ("Hur mycket statsbidrag fick Skaraborg?", "Tilldelningen blev 108 miljoner kronor.", None),
        ("Hur många möten har skolcheferna haft?", "Skolcheferna har haft tre möten sedan december.", None),
        ("Hur många sökande hade gymnasieantagningen?", "Arbetet med antagningen har fungerat väl.", "inget antal"),
        ("Vem blir enhetschef för familjerätten?", "En ny enhet skapas med en egen enhetschef.", "inget namn"),
        ("Vem blir enhetschef för familjerätten?", "Anna Berg blir enhetschef.", None),
        ("Vem är rektor för Karstorpskolan?", "Att Karstorpskolan blir namnet på Karstorpskolan Norra.", "inget namn"),
        ("Vem fick kulturpriset 2026?", "Kulturpriset tilldelas Lomma kammarkör.", None),  # not only people win
        ("Vem efterträdde Anna Berg som ordförande?", "Anna Berg (M) leder mötet.", "inget namn"),  # asked, not answer
        ("Vem efterträdde Anna Berg som ordförande?", "Nils Ek efterträder Anna Berg.", None),
        ("Vad beslutades om familjerätten?", "Nämnden beslutar att ingå avtal.", None),  # asks for nothing typed
        ("Hur mycket fisk får fångas i Östersjön?", "Förordning om fiskemöjligheter.", "inget värde"),  # not money
        ("Hur mycket fisk får fångas i Östersjön?", "Kvoten är 20 000 ton torsk.", None),
        ("Hur mycket höjs bygglovstaxan?", "Taxan höjs med 3,5 procent från 2026.", None),
        ("Hur mycket höjs bygglovstaxan?", "Förslag till taxa remitteras till nämnden.", "inget värde"),
        ("Hur lång tid tar tågresan?", "Restiden blir två timmar och tio minuter.", None),
        # a time: a date, year, month, season, term or span, not only a date
        ("När öppnar den nya hundrastgården?", "Förslaget är viktigt för Bjärreds invånare.", "ingen tidpunkt"),
        ("När öppnar den nya hundrastgården?", "Hundrastgården öppnar hösten 2026.", None),
        ("Vilket år tar gymnasiet emot elever?", "De första eleverna börjar i augusti.", None),
        ("Under vilken period gäller uppdraget?", "Uppdraget gäller i tre år.", None),
        ("Under vilken period var hon ordförande?", "Ordförande Anna Berg (M) yrkar avslag.", "ingen tidpunkt"),
        ("När beslutade nämnden?", "Nämnden beslutade den 12 mars om avtalet.", None),
        # a price level's or a case number's year tells no time
        ("När ska skolan stå klar?", "Budget 509 miljoner kronor (2024 års prisnivå).", "ingen tidpunkt"),
        ("När ska skolan stå klar?", "Ärendet SLK-2024-01205 återremitteras.", "ingen tidpunkt"),
        ("När ska skolan stå klar?", "Skolan står klar 2027 (2024 års prisnivå).", None),
        # numbers that count nothing: dates, years, labels, a list's numbering, a sum of money
        ("Hur många anmälningar gjordes?", "Tjänsteskrivelse 2023-09-01 - Rapport: Kränkningar VT 2023", "inget antal"),
        ("Hur många elever går på skolan?", "Skolan har elever i årskurs 6 till och med årskurs 9.", "inget antal"),
        ("Hur många lägenheter planeras?", "Meningen på s 33 i planen 2026–2035 stryks.", "inget antal"),
        ("Hur många skolchefer följde med?", "- Konferens 5 mars 2025 - Studieresa 24–25 oktober 2024", "inget antal"),
        ("Hur många medborgarvittnen finns?", "beslutar: 1. Medborgarvittnen avvecklas. 2. Nämnden får", "inget antal"),
        ("Hur många feriejobb erbjuds?", "5000 kr per deltagare. - Rektorsakademi 2.0. År 2.", "inget antal"),
        ("Hur många vårdnadshavare svarade?", "I enkäten i maj 2023 svarade 918 vårdnadshavare.", None),
        ("Hur många ersättare ska partierna ha?", "Antalet ska vara hälften av det antal platser partiet får.", None),
        ("Hur många ledamöter ska utskotten ha?", "Antalet skulle fastställas till 17.  Kammaren biföll.", None),
        ("Hur många prisbasbelopp är gränsen?", "Nivån ska vara 7 800 prisbasbelopp.", None),  # a sum counted
        ("Vilket medelvärde fick trygghet?", "Enkäten gav underlag om trygghet och omsorg.", "inget värde"),
        ("Vilket medelvärde fick trygghet?", "Området trygghet fick medelvärdet 3,6.", None),
        ("Hur stor andel nådde godkänt?", "Förändringen berör två av kommunens skolor.", "ingen andel"),
        ("Hur stor andel nådde godkänt?", "Av eleverna nådde 87 procent godkänt i alla ämnen.", None),
        ("Vilken ränta betalar staden på sina lån?", "Staden lånar 10 mnkr under 2024.", "ingen andel"),
        ("Vad beräknas kamratkortet kosta per år?", "Kostnaden behöver analyseras vidare.", "inget belopp"),
        ("Vad kommer den nya familjerätten med Burlöv och Staffanstorp att kosta?", "En enhet skapas.", "inget belopp"),
        ("Hur mycket satsar staden på gatubelysning?", "Staden byter armaturer under året.", "inget belopp"),
        ("För vilket pris sålde staden fastigheten?", "Försäljningen av fastigheten godkänns.", "inget belopp"),
        ("Hur mycket bidrar staden till loppet?", "Staden bidrar med 2 miljoner kronor.", None),
        # a reason
        ("Varför bordlades motionen?", "Ärendet bordläggs till nästa sammanträde.", "inget skäl"),
        ("Varför avstod M?", "För att säkerställa att resurserna används effektivt behöver vi prioritera.", None),
        ("Varför pausas intaget?", "Intaget pausas eftersom elevunderlaget är för litet.", None),
    ],
)
def test_an_answer_must_give_what_is_asked_for(question: str, quoted: str, missing: str | None) -> None:
    assert missing_answer(question, quoted) == missing
