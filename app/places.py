"""Swedish kommuner and regions named in a question or an organisation name.

`find_places` returns canonical names: a kommun by its short name ("Malmö"), a region as
`REGION_PREFIX` + its `REGIONS` entry ("Region Skåne", "Region Västra Götaland"), so the region
Stockholm never reads as the kommun Stockholm. It understands genitives ("Malmös", "Borås"),
"X kommun", "Göteborgs Stad", "X:s", "Region X", "Västra Götalandsregionen" and "Stockholms län".

Which names match, and when:

- Most names match in any case on word boundaries ("vad beslutade malmö ..."). Some rare Swedish
  homographs are kept here on purpose, since in a question about protocols the place is far more
  likely: lomma (to lumber), nacka (to behead), trosa, grums, köping, mora, vindeln, älvdalen.
- `COMMON_WORD_NAMES` (everyday words, a popular given name) match only when capitalised and cued:
  "i X" / "från X" / "till X" / "inom X", "X kommun", "Xs kommun", "X stad", "X kommunstyrelse",
  "X:s", or listed right after another place ("Malmö och Lund"). A genitive with kommun/stad
  ("lunds kommun") is cue enough in lower case. So "Vad beslutade Lund?" is missed, by design.
- `CAPITALISED_NAMES` (foreign words, a typo) match capitalised, or with a kommun/stad suffix.
- `PERSON_NAMES` (given names and surnames) do not match next to another capitalised word, as in
  "Nora Andersson" or "Anna Norberg", unless a kommun/stad suffix or ":s" follows.
- Names are not matched inside words ("Skaraborg", "Göteborgsregionen"), as the first part of a
  hyphen compound ("Mark- och miljödomstolen") or before "kommunalförbund" (a förbund is not its kommun).
- Bare county names ("Skåne", "Dalarna", "Jämtland") are taken as their region; the bare names
  Stockholm, Uppsala and Gotland are the kommuner (their regions need "Region X" or "X län").
- Names typed without å, ä, ö ("Goteborg") are not recognised.
"""

from __future__ import annotations

import re

MUNICIPALITIES: tuple[str, ...] = (
    "Ale", "Alingsås", "Alvesta", "Aneby", "Arboga", "Arjeplog", "Arvidsjaur", "Arvika", "Askersund", "Avesta",
    "Bengtsfors", "Berg", "Bjurholm", "Bjuv", "Boden", "Bollebygd", "Bollnäs", "Borgholm", "Borlänge", "Borås",
    "Botkyrka", "Boxholm", "Bromölla", "Bräcke", "Burlöv", "Båstad", "Dals-Ed", "Danderyd", "Degerfors", "Dorotea",
    "Eda", "Ekerö", "Eksjö", "Emmaboda", "Enköping", "Eskilstuna", "Eslöv", "Essunga", "Fagersta", "Falkenberg",
    "Falköping", "Falun", "Filipstad", "Finspång", "Flen", "Forshaga", "Färgelanda", "Gagnef", "Gislaved", "Gnesta",
    "Gnosjö", "Gotland", "Grums", "Grästorp", "Gullspång", "Gällivare", "Gävle", "Göteborg", "Götene", "Habo",
    "Hagfors", "Hallsberg", "Hallstahammar", "Halmstad", "Hammarö", "Haninge", "Haparanda", "Heby", "Hedemora",
    "Helsingborg", "Herrljunga", "Hjo", "Hofors", "Huddinge", "Hudiksvall", "Hultsfred", "Hylte", "Håbo",
    "Hällefors", "Härjedalen", "Härnösand", "Härryda", "Hässleholm", "Höganäs", "Högsby", "Hörby", "Höör",
    "Jokkmokk", "Järfälla", "Jönköping", "Kalix", "Kalmar", "Karlsborg", "Karlshamn", "Karlskoga", "Karlskrona",
    "Karlstad", "Katrineholm", "Kil", "Kinda", "Kiruna", "Klippan", "Knivsta", "Kramfors", "Kristianstad",
    "Kristinehamn", "Krokom", "Kumla", "Kungsbacka", "Kungsör", "Kungälv", "Kävlinge", "Köping", "Laholm",
    "Landskrona", "Laxå", "Lekeberg", "Leksand", "Lerum", "Lessebo", "Lidingö", "Lidköping", "Lilla Edet",
    "Lindesberg", "Linköping", "Ljungby", "Ljusdal", "Ljusnarsberg", "Lomma", "Ludvika", "Luleå", "Lund", "Lycksele",
    "Lysekil", "Malmö", "Malung-Sälen", "Malå", "Mariestad", "Mark", "Markaryd", "Mellerud", "Mjölby", "Mora",
    "Motala", "Mullsjö", "Munkedal", "Munkfors", "Mölndal", "Mönsterås", "Mörbylånga", "Nacka", "Nora", "Norberg",
    "Nordanstig", "Nordmaling", "Norrköping", "Norrtälje", "Norsjö", "Nybro", "Nykvarn", "Nyköping", "Nynäshamn",
    "Nässjö", "Ockelbo", "Olofström", "Orsa", "Orust", "Osby", "Oskarshamn", "Ovanåker", "Oxelösund", "Pajala",
    "Partille", "Perstorp", "Piteå", "Ragunda", "Robertsfors", "Ronneby", "Rättvik", "Sala", "Salem", "Sandviken",
    "Sigtuna", "Simrishamn", "Sjöbo", "Skara", "Skellefteå", "Skinnskatteberg", "Skurup", "Skövde", "Smedjebacken",
    "Sollefteå", "Sollentuna", "Solna", "Sorsele", "Sotenäs", "Staffanstorp", "Stenungsund", "Stockholm", "Storfors",
    "Storuman", "Strängnäs", "Strömstad", "Strömsund", "Sundbyberg", "Sundsvall", "Sunne", "Surahammar", "Svalöv",
    "Svedala", "Svenljunga", "Säffle", "Säter", "Sävsjö", "Söderhamn", "Söderköping", "Södertälje", "Sölvesborg",
    "Tanum", "Tibro", "Tidaholm", "Tierp", "Timrå", "Tingsryd", "Tjörn", "Tomelilla", "Torsby", "Torsås", "Tranemo",
    "Tranås", "Trelleborg", "Trollhättan", "Trosa", "Tyresö", "Täby", "Töreboda", "Uddevalla", "Ulricehamn", "Umeå",
    "Upplands Väsby", "Upplands-Bro", "Uppsala", "Uppvidinge", "Vadstena", "Vaggeryd", "Valdemarsvik", "Vallentuna",
    "Vansbro", "Vara", "Varberg", "Vaxholm", "Vellinge", "Vetlanda", "Vilhelmina", "Vimmerby", "Vindeln", "Vingåker",
    "Vårgårda", "Vänersborg", "Vännäs", "Värmdö", "Värnamo", "Västervik", "Västerås", "Växjö", "Ydre", "Ystad",
    "Åmål", "Ånge", "Åre", "Årjäng", "Åsele", "Åstorp", "Åtvidaberg", "Älmhult", "Älvdalen", "Älvkarleby", "Älvsbyn",
    "Ängelholm", "Öckerö", "Ödeshög", "Örebro", "Örkelljunga", "Örnsköldsvik", "Östersund", "Österåker", "Östhammar",
    "Östra Göinge", "Överkalix", "Övertorneå",
)  # fmt: skip
"""The 290 kommuner by the short name used in running text, in Swedish alphabetical order."""

REGIONS: tuple[str, ...] = (
    "Blekinge", "Dalarna", "Gotland", "Gävleborg", "Halland", "Jämtland Härjedalen", "Jönköpings län",
    "Kalmar län", "Kronoberg", "Norrbotten", "Skåne", "Stockholm", "Sörmland", "Uppsala", "Värmland",
    "Västerbotten", "Västernorrland", "Västmanland", "Västra Götaland", "Örebro län", "Östergötland",
)  # fmt: skip
"""The 21 regions by the name that follows "Region " in their official names."""

REGION_PREFIX = "Region "
"""A region's canonical name is this prefix plus its `REGIONS` entry, e.g. "Region Örebro län"."""

# Other ways a question names a region: the county (län), older or official forms.
_REGION_ALIASES: dict[str, tuple[str, ...]] = {
    "Blekinge": ("Blekinge", "Blekinge län"),
    "Dalarna": ("Dalarna", "Dalarnas län"),
    "Gotland": ("Gotlands län",),
    "Gävleborg": ("Gävleborg", "Gävleborgs län"),
    "Halland": ("Halland", "Hallands län"),
    "Jämtland Härjedalen": ("Jämtland Härjedalen", "Jämtland", "Jämtlands län"),
    "Jönköpings län": ("Jönköpings län",),
    "Kalmar län": ("Kalmar län",),
    "Kronoberg": ("Kronoberg", "Kronobergs län"),
    "Norrbotten": ("Norrbotten", "Norrbottens län"),
    "Skåne": ("Skåne", "Skåne län"),
    "Stockholm": ("Stockholms län",),
    "Sörmland": ("Sörmland", "Södermanland", "Södermanlands län"),
    "Uppsala": ("Uppsala län",),
    "Värmland": ("Värmland", "Värmlands län"),
    "Västerbotten": ("Västerbotten", "Västerbottens län"),
    "Västernorrland": ("Västernorrland", "Västernorrlands län"),
    "Västmanland": ("Västmanland", "Västmanlands län"),
    "Västra Götaland": ("Västra Götaland", "Västra Götalands län", "Västra Götalandsregionen", "VGR"),
    "Örebro län": ("Örebro län",),
    "Östergötland": ("Östergötland", "Östergötlands län"),
}
_MUNICIPALITY_ALIASES: dict[str, tuple[str, ...]] = {"Göteborg": ("Gothenburg",)}

COMMON_WORD_NAMES: frozenset[str] = frozenset({
    "Berg",     # berg: mountain; a common surname
    "Boden",    # boden: the shed, the stall
    "Kil",      # kil: wedge
    "Klippan",  # klippan: the cliff, the rock
    "Lund",     # lund: grove; a common surname
    "Mark",     # mark: land, ground ("mark för bostäder", "markanvisning"); a given name
    "Nora",     # one of the most popular given names
    "Skara",    # skara: crowd, band
    "Vara",     # vara: to be; goods
})  # fmt: skip
"""Kommuner whose names are everyday Swedish words or a popular given name: capitalised and cued only."""

CAPITALISED_NAMES: frozenset[str] = frozenset({
    "Ale",      # English "ale"
    "Kinda",    # English "kinda"
    "Säter",    # säter: mountain pasture; a common typo of "sätter"
})  # fmt: skip
"""Kommuner whose lower-case names are other words: capitalised, or followed by kommun/stad."""

PERSON_NAMES: frozenset[str] = frozenset({
    "Berg", "Dorotea", "Eda", "Falkenberg", "Lund", "Mark", "Nora", "Norberg", "Salem", "Vilhelmina",
})  # fmt: skip
"""Kommuner that are also given names or surnames: not matched beside another capitalised word."""

_SEPARATOR_RE = re.compile(r"\s*-\s*|\s+")
_SUFFIX_CUE_RE = re.compile(r"\s+(?:kommun(?:s|fullmäktige\w*|styrelse\w*)?|stad(?:s\w*)?)(?!\w)", re.IGNORECASE)
_FEDERATION_RE = re.compile(r"\s+kommunalförbund", re.IGNORECASE)
_PREFIX_CUE_RE = re.compile(r"(?<!\w)(?:i|från|till|inom)\s+$", re.IGNORECASE)
_LIST_GAP_RE = re.compile(r"\s*(?:,|/|&|och|eller|samt)\s*", re.IGNORECASE)
_NEXT_CAPITAL_RE = re.compile(r"[ \t]+[A-ZÅÄÖÉ]")
_PREVIOUS_CAPITAL_RE = re.compile(r"(?<!\w)[A-ZÅÄÖÉ][\w-]*[ \t]+$")
_SENTENCE_ENDS = ".!?:;\"'(«»”"
_AFFIX_RE = re.compile(r"^region\s+|\s+(?:kommun|stad)s?$")


def _norm(text: str) -> str:
    """Lower case, with hyphens and runs of white space made single spaces."""
    return _SEPARATOR_RE.sub(" ", text.strip()).casefold()


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for name in MUNICIPALITIES:
        for alias in (name, *_MUNICIPALITY_ALIASES.get(name, ())):
            aliases[_norm(alias)] = name
    for short in REGIONS:
        for alias in (REGION_PREFIX + short, *_REGION_ALIASES[short]):
            aliases[_norm(alias)] = REGION_PREFIX + short
    return aliases


_ALIASES = _build_aliases()


def _alias_pattern(alias: str) -> str:
    return r"(?:\s*-\s*|\s+)".join(re.escape(part) for part in _SEPARATOR_RE.split(alias.strip()))


# Longest alias first, so "Stockholms län" wins over "Stockholm" and "Region Jämtland Härjedalen"
# over "Härjedalen". A trailing "-" plus space is a suspended compound ("Mark- och miljödomstolen").
_PLACE_RE = re.compile(
    r"(?<!\w)(?P<base>" + "|".join(_alias_pattern(a) for a in sorted(_ALIASES, key=len, reverse=True)) + r")"
    r"(?P<gen>:s|s)?(?!\w|-\s|-$)",
    re.IGNORECASE,
)


def _beside_capitalised_word(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word follows, or precedes without starting the sentence ("Anna Norberg")."""
    if _NEXT_CAPITAL_RE.match(text, end):
        return True
    previous = _PREVIOUS_CAPITAL_RE.search(text, 0, start)
    if previous is None:
        return False
    before = text[: previous.start()].rstrip()
    return bool(before) and before[-1] not in _SENTENCE_ENDS


def _accepted(text: str, match: re.Match[str], name: str, previous_end: int | None) -> bool:
    """Whether the match names the place, by the rules in the module docstring."""
    base, genitive = match["base"], match["gen"]
    suffix = _SUFFIX_CUE_RE.match(text, match.end()) is not None
    strong = suffix or genitive == ":s"
    capitalised = base[0].isupper()
    if name in PERSON_NAMES and not strong and _beside_capitalised_word(text, match.start(), match.end()):
        return False
    if name in COMMON_WORD_NAMES:
        cued = (
            strong
            or _PREFIX_CUE_RE.search(text, 0, match.start()) is not None
            or (previous_end is not None and _LIST_GAP_RE.fullmatch(text, previous_end, match.start()) is not None)
        )
        return (capitalised and cued) or (suffix and genitive == "s")
    if name in CAPITALISED_NAMES:
        return capitalised or suffix
    return True


def _scan(text: str) -> list[str]:
    found: list[str] = []
    previous_end: int | None = None
    for match in _PLACE_RE.finditer(text):
        if _FEDERATION_RE.match(text, match.end()):
            continue
        name = _ALIASES[_norm(match["base"])]
        if _accepted(text, match, name, previous_end):
            found.append(name)
            previous_end = match.end()
    return found


def find_places(question: str) -> tuple[str, ...]:
    """Canonical names of the kommuner and regions the question names, in order of first appearance."""
    return tuple(dict.fromkeys(_scan(question)))


def organisation_places(organisation: str) -> tuple[str, ...]:
    """The kommuner and regions an organisation name contains, read like a question.

    "Göteborgs Stad" -> ("Göteborg",); "Region Örebro län" -> ("Region Örebro län",) only, since a
    region's protocols are not the kommun Örebro's; "Skaraborgs Kommunalförbund" -> (). Region
    Gotland is also the kommun Gotland, so it gives ("Region Gotland", "Gotland").
    """
    found = _scan(organisation)
    if REGION_PREFIX + "Gotland" in found:
        found.append("Gotland")
    return tuple(dict.fromkeys(found))


def place_key(name: str) -> str:
    """A lower-case key to compare places with organisation names.

    Known places map to their short name: "Göteborgs Stad", "göteborgs" and "Göteborg" give
    "göteborg"; "Region Skåne" and "Västra Götalandsregionen" give "skåne" and "västra götaland";
    "Borås Stad" gives "borås". Hyphens become spaces ("malung sälen"). Other names lose only a
    "Region " prefix and a " kommun"/" stad" suffix ("Sveriges riksdag" -> "sveriges riksdag").
    The region and kommun Stockholm, Uppsala and Gotland share a key; use `organisation_places`
    to tell them apart.
    """
    text = _norm(name)
    stripped = _AFFIX_RE.sub("", text)
    candidates = [text, stripped]
    if stripped.endswith(":s"):
        candidates.append(stripped[:-2])
    elif stripped.endswith("s"):
        candidates.append(stripped[:-1])
    for candidate in candidates:
        canonical = _ALIASES.get(candidate)
        if canonical is not None:
            return _norm(canonical.removeprefix(REGION_PREFIX))
    return stripped
