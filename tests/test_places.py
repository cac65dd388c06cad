"""Kommuner and regions named in questions and organisation names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.places import (
    CAPITALISED_NAMES,
    COMMON_WORD_NAMES,
    MUNICIPALITIES,
    PERSON_NAMES,
    REGION_PREFIX,
    REGIONS,
    find_places,
    organisation_places,
    place_key,
)

_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})  # å ä ö after z, in that order


def _genitive(name: str) -> str:
    return name if name[-1] in "sxz" else name + "s"


def test_municipalities_are_290_unique_in_swedish_order() -> None:
    assert len(MUNICIPALITIES) == 290
    assert len(set(MUNICIPALITIES)) == 290
    assert list(MUNICIPALITIES) == sorted(MUNICIPALITIES, key=lambda n: n.casefold().translate(_SWEDISH_ORDER))
    assert {
        "Ale",
        "Alingsås",
        "Göteborg",
        "Malmö",
        "Lomma",
        "Upplands Väsby",
        "Malung-Sälen",
        "Dals-Ed",
        "Gotland",
        "Östra Göinge",
        "Lilla Edet",
        "Upplands-Bro",
    } <= set(MUNICIPALITIES)


def test_regions_are_21_unique() -> None:
    assert len(REGIONS) == 21
    assert len(set(REGIONS)) == 21
    assert {"Skåne", "Västra Götaland", "Stockholm", "Örebro län", "Jämtland Härjedalen"} <= set(REGIONS)


def test_special_name_sets_are_municipalities() -> None:
    assert set(MUNICIPALITIES) >= COMMON_WORD_NAMES | CAPITALISED_NAMES | PERSON_NAMES
    assert {"Vara", "Mark", "Lund", "Boden", "Kil", "Nora"} <= COMMON_WORD_NAMES


@pytest.mark.parametrize("name", MUNICIPALITIES)
def test_every_municipality_found_with_kommun_and_genitive(name: str) -> None:
    assert find_places(f"Vad beslutade {name} kommun om budgeten?") == (name,)
    assert find_places(f"Protokoll från {_genitive(name)} kommun, 2024") == (name,)
    assert find_places(f"Hur röstade {_genitive(name)} kommunfullmäktige?") == (name,)


@pytest.mark.parametrize("name", sorted(set(MUNICIPALITIES) - COMMON_WORD_NAMES - CAPITALISED_NAMES))
def test_plain_municipality_found_in_lower_case(name: str) -> None:
    assert find_places(f"vad beslutade {name.lower()} om budgeten") == (name,)


@pytest.mark.parametrize("short", REGIONS)
def test_every_region_found_as_region(short: str) -> None:
    assert find_places(f"Vad beslutade Region {short} om vårdplatser?") == (REGION_PREFIX + short,)
    assert find_places(f"region {short.lower()}") == (REGION_PREFIX + short,)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Malmös budget för 2025", ("Malmö",)),
        ("Göteborgs Stad och trängselskatten", ("Göteborg",)),
        ("Stockholms stad om bostäder", ("Stockholm",)),
        ("Borås Stad om bussar", ("Borås",)),
        ("Borås kommun", ("Borås",)),
        ("Vännäs kommun och skolan", ("Vännäs",)),
        ("Malmö stad", ("Malmö",)),
        ("Malmö:s skolor", ("Malmö",)),
        ("Lommas förskolor", ("Lomma",)),
        ("Upplands Väsbys beslut", ("Upplands Väsby",)),
        ("Region Skånes budget", ("Region Skåne",)),
    ],
)
def test_genitives_and_suffixes(question: str, expected: tuple[str, ...]) -> None:
    assert find_places(question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("vad beslutade malmö om skolskjuts", ("Malmö",)),
        ("hur röstade göteborgs stad om budgeten", ("Göteborg",)),
        ("beslut i upplands-väsby och dals ed", ("Upplands Väsby", "Dals-Ed")),
        ("malung sälen, upplands bro och lilla-edet", ("Malung-Sälen", "Upplands-Bro", "Lilla Edet")),
        ("vårdplatser i västra götaland", ("Region Västra Götaland",)),
        ("lunds kommun om cykelvägar", ("Lund",)),
    ],
)
def test_lower_case_questions(question: str, expected: tuple[str, ...]) -> None:
    assert find_places(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Vi måste vara tydliga med målen",
        "Vara tydlig i kommunikationen",
        "mark för bostäder",
        "Mark för bostäder vid stationen",
        "försäljning av mark kommunen äger",
        "i en lund vid sjön",
        "redskapen i boden",
        "Boden vid idrottsplatsen",
        "en kil i väggen",
        "en skara frivilliga",
        "uppe på klippan",
        "vara kommun och region tillsammans",
        "Vad beslutade Mark- och miljödomstolen?",
        "Vad yrkade Nora Andersson?",
        "Nora Andersson yrkade bifall",
        "bifall till Nora Anderssons motion",
        "Vad yrkade Anna Norberg?",
        "Vad sa Dorotea Lindqvist?",
        "Lunds universitet",
        "Skaraborgs kommunalförbund",
        "Göteborgsregionen och Malmöbor",
        "an ale and a stout",
        "kinda urgent",
    ],
)
def test_ambiguous_words_do_not_fire(question: str) -> None:
    assert find_places(question) == ()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vad beslutade fullmäktige i Vara kommun?", ("Vara",)),
        ("Vad gäller i Vara?", ("Vara",)),
        ("Lunds kommun om cykelvägar", ("Lund",)),
        ("Lund kommun", ("Lund",)),
        ("Skolan i Lund", ("Lund",)),
        ("Marks kommun och vindkraften", ("Mark",)),
        ("Bodens kommunstyrelse", ("Boden",)),
        ("Flytt från Kil till Boden", ("Kil", "Boden")),
        ("Klippans stadsbyggnad", ("Klippan",)),
        ("Nora kommun", ("Nora",)),
        ("Vara:s budget", ("Vara",)),
        ("Jämför Malmö och Lund", ("Malmö", "Lund")),
        ("Skövde, Skara och Vara", ("Skövde", "Skara", "Vara")),
        ("Har Norberg beslutat om skolan?", ("Norberg",)),
        ("vad beslutade dorotea om vägen", ("Dorotea",)),
        ("Ale kommun", ("Ale",)),
        ("ale kommun", ("Ale",)),
        ("Vad beslutade Ale?", ("Ale",)),
    ],
)
def test_ambiguous_names_fire_with_cues(question: str, expected: tuple[str, ...]) -> None:
    assert find_places(question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vad beslutade Region Skåne om vårdplatser 2024?", ("Region Skåne",)),
        ("Västra Götalandsregionen och tågtrafiken", ("Region Västra Götaland",)),
        ("Västra Götalandsregionens budget", ("Region Västra Götaland",)),
        ("Region Örebro län och länets kommuner", ("Region Örebro län",)),
        ("Region Jämtland Härjedalen om ambulanser", ("Region Jämtland Härjedalen",)),
        ("Härjedalens kommun", ("Härjedalen",)),
        ("Stockholms läns landsting", ("Region Stockholm",)),
        ("Region Stockholm och Stockholms stad", ("Region Stockholm", "Stockholm")),
        ("i Jönköpings län", ("Region Jönköpings län",)),
        ("Jönköpings kommun", ("Jönköping",)),
        ("Region Gotland", ("Region Gotland",)),
        ("Gotlands kommun", ("Gotland",)),
        ("vården i Dalarna och Skåne", ("Region Dalarna", "Region Skåne")),
        ("Region Sörmland eller Södermanlands län", ("Region Sörmland",)),
    ],
)
def test_regions(question: str, expected: tuple[str, ...]) -> None:
    assert find_places(question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vad har Malmö beslutat om skolskjuts?", ("Malmö",)),
        ("Hur röstade kommunfullmäktige i Göteborg?", ("Göteborg",)),
        ("Vad beslutade Region Skåne om vårdplatser 2024?", ("Region Skåne",)),
        ("Vad beslutade barn- och utbildningsnämnden i Lomma om skolskjuts?", ("Lomma",)),
        ("Har Lomma, Burlöv och Staffanstorp ett gemensamt avtal?", ("Lomma", "Burlöv", "Staffanstorp")),
        ("Vad kostar nattåget mellan Göteborg och Stockholm, enligt Göteborgs Stad?", ("Göteborg", "Stockholm")),
        ("Vilka beslut om mark för bostäder tog kommunstyrelsen?", ()),
        ("Vad beslutade riksdagen om skolan?", ()),
        ("Hur ska vi vara tydliga mot Umeå och Luleå?", ("Umeå", "Luleå")),
    ],
)
def test_realistic_questions(question: str, expected: tuple[str, ...]) -> None:
    assert find_places(question) == expected


@pytest.mark.parametrize(
    ("organisation", "expected"),
    [
        ("Göteborgs Stad", ("Göteborg",)),
        ("Lomma kommun", ("Lomma",)),
        ("Region Örebro län", ("Region Örebro län",)),
        ("Skaraborgs Kommunalförbund", ()),
        ("Sveriges riksdag", ()),
        ("okänd", ()),
        ("Region Gotland", ("Region Gotland", "Gotland")),
        ("Marks kommun", ("Mark",)),
        ("Vara kommun", ("Vara",)),
        ("Västra Götalandsregionen", ("Region Västra Götaland",)),
    ],
)
def test_organisation_places(organisation: str, expected: tuple[str, ...]) -> None:
    assert organisation_places(organisation) == expected


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Lomma kommun", "lomma"),
        ("Lomma", "lomma"),
        ("Göteborgs Stad", "göteborg"),
        ("göteborgs", "göteborg"),
        ("Borås Stad", "borås"),
        ("Vännäs kommun", "vännäs"),
        ("Malmö:s", "malmö"),
        ("Region Örebro län", "örebro län"),
        ("Region Skåne", "skåne"),
        ("Västra Götalandsregionen", "västra götaland"),
        ("Region Västra Götaland", "västra götaland"),
        ("Malung-Sälen", "malung sälen"),
        ("Skaraborgs Kommunalförbund", "skaraborgs kommunalförbund"),
        ("Sveriges riksdag", "sveriges riksdag"),
    ],
)
def test_place_key(name: str, key: str) -> None:
    assert place_key(name) == key


def test_place_key_matches_found_places_to_organisations() -> None:
    organisations = ("Göteborgs Stad", "Lomma kommun", "Region Örebro län", "Skaraborgs Kommunalförbund")
    have = {place_key(o) for o in organisations}
    found = find_places("Vad beslutade Malmö, Göteborg och Region Örebro län om Lommas skolor?")
    assert [p for p in found if place_key(p) not in have] == ["Malmö"]
    assert place_key("Örebro") not in have


@given(st.text(max_size=80))
def test_find_places_returns_known_names_only(text: str) -> None:
    known = set(MUNICIPALITIES) | {REGION_PREFIX + r for r in REGIONS}
    found = find_places(text)
    assert set(found) <= known
    assert len(found) == len(set(found))
