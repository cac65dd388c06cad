"""Parsing protocols: goldens per corpus file, page furniture, continuations, traps, odd input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.errors import ProtocolParseError
from indexer.models import Paragraph, Protocol, Role
from indexer.parse.protocol import parse_protocol

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GBG, LOMMA = "Göteborgs Stad", "Lomma kommun"
KS, KF = "Kommunstyrelsen", "Kommunfullmäktige"
BUN = "Barn- och utbildningsnämnden"

# file: (paragraph count, first, last, date, organisation, body), checked against the sources
# named in corpus/SOURCES.md.
GOLDEN: dict[str, tuple[int, str, str, str | None, str, str]] = {
    "000_a1d265b92dc01c91.txt": (
        16, "84", "99", "2024-08-23", "Skaraborgs Kommunalförbund", "Skol- och utbildningschefer",
    ),
    "002_7e54b8903ea3b20c.txt": (
        10, "1", "10", "2021-02-12", "Region Örebro län",
        "Specifikt samverkansråd för skola, utbildning och kompetensförsörjning",
    ),
    "Lomma_Barn-och-utbildningsnamnden_2023-09-12.txt": (10, "49", "58", "2023-09-12", LOMMA, BUN),
    "Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt": (15, "59", "73", "2023-10-10", LOMMA, BUN),
    "Lomma_Socialnamnden_2026-05-05.txt": (13, "27", "39", "2026-05-05", LOMMA, "Socialnämnden"),
    "Riksdagen_Kammaren_prot-2022-23-3.txt": (6, "1", "6", None, "Sveriges riksdag", "Kammaren"),
    "Goteborg_Kommunstyrelsen_2024-03-20.txt": (49, "219", "267", "2024-03-20", GBG, KS),
    "Goteborg_Kommunstyrelsen_2024-04-10.txt": (53, "271", "323", "2024-04-10", GBG, KS),
    "Goteborg_Kommunstyrelsen_2024-11-20.txt": (45, "940", "984", "2024-11-20", GBG, KS),
    "Goteborg_Kommunstyrelsen_2024-12-11.txt": (62, "1021", "1082", "2024-12-11", GBG, KS),
    "Goteborg_Kommunstyrelsen_2025-01-15.txt": (42, "1", "42", "2025-01-15", GBG, KS),
    "Goteborg_Kommunstyrelsen_2025-02-26.txt": (56, "141", "196", "2025-02-26", GBG, KS),
    "Goteborg_Kommunstyrelsen_2025-03-12.txt": (49, "197", "245", "2025-03-12", GBG, KS),
    "Goteborg_Kommunstyrelsen_2025-05-21.txt": (51, "433", "483", "2025-05-21", GBG, KS),
    "Goteborg_Kommunstyrelsen_2025-12-10.txt": (46, "933", "978", "2025-12-10", GBG, KS),
    "Goteborg_Kommunstyrelsen_2026-01-14.txt": (48, "1", "48", "2026-01-14", GBG, KS),
    "Goteborg_Kommunfullmaktige_2025-06-12.txt": (38, "330", "367", "2025-06-12", GBG, KF),
    "Goteborg_Kommunfullmaktige_2026-02-26.txt": (35, "37", "71", "2026-02-26", GBG, KF),
}  # fmt: skip
TOTAL_PARAGRAPHS = 644

# Page furniture that must never be left inside a paragraph's text.
FURNITURE_RES = (
    re.compile(r"Sida \d+ av \d+"),
    re.compile(r"^\d+ \(\d+\)$", re.MULTILINE),
    re.compile(r"Justerande    Utdragsbestyrkande"),
    re.compile(r"Justerandes signatur"),
    re.compile(r"Protokollet har justerats digitalt"),
    re.compile(r"SAMMANTRÄDESPROTOKOLL"),
    re.compile(r"^Protokoll nr \d+$", re.MULTILINE),
    re.compile(r"^Sammanträdesdatum", re.MULTILINE),
    re.compile(r"^KF Handling \d{4} nr \d+$", re.MULTILINE),
    re.compile(r"^Göteborgs Stad Kommunstyrelsen, protokoll$", re.MULTILINE),
    re.compile(r"Tjänsteställe\s+Förv\. Regional utveckling"),
    re.compile(r"Region Örebro län och länets kommuner\s*Tjänsteställe"),
)


def parse_file(name: str) -> Protocol:
    return parse_protocol((CORPUS / name).read_text(encoding="utf-8"), name)


def paragraph(protocol: Protocol, number: str) -> Paragraph:
    return next(p for p in protocol.paragraphs if p.number == number)


def decision(p: Paragraph) -> str:
    assert p.decision is not None, f"§ {p.number} has no decision"
    return p.decision


@pytest.fixture(scope="module")
def corpus() -> dict[str, Protocol]:
    return {name: parse_file(name) for name in GOLDEN}


def test_golden_covers_every_protocol_in_the_corpus() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.txt")) == sorted(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_header_and_paragraph_range(corpus: dict[str, Protocol], name: str) -> None:
    count, first, last, date, organisation, body = GOLDEN[name]
    protocol = corpus[name]
    numbers = [p.number for p in protocol.paragraphs]
    assert (len(numbers), numbers[0], numbers[-1]) == (count, first, last)
    assert protocol.date == date
    assert protocol.organisation == organisation
    assert protocol.body == body
    assert protocol.source == name


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_numbers_increase_without_gaps_or_duplicates(corpus: dict[str, Protocol], name: str) -> None:
    numbers = [int(p.number) for p in corpus[name].paragraphs]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_no_page_furniture_in_paragraph_text(corpus: dict[str, Protocol], name: str) -> None:
    for p in corpus[name].paragraphs:
        for pattern in FURNITURE_RES:
            assert not pattern.search(p.text), f"§ {p.number}: {pattern.pattern}"


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_decisions_are_exact_substrings_and_titles_are_set(corpus: dict[str, Protocol], name: str) -> None:
    for p in corpus[name].paragraphs:
        assert p.title and "**" not in p.title and "\n" not in p.title
        assert p.text == p.text.strip()
        if p.decision is not None:
            assert p.decision and p.decision in p.text


def test_total_paragraphs(corpus: dict[str, Protocol]) -> None:
    assert sum(len(p.paragraphs) for p in corpus.values()) == TOTAL_PARAGRAPHS


def test_only_the_riksdag_record_lacks_a_date_and_says_so(corpus: dict[str, Protocol]) -> None:
    for name, protocol in corpus.items():
        if protocol.date is None:
            assert name.startswith("Riksdagen")
            assert any("no meeting date" in w for w in protocol.warnings)
        else:
            assert not protocol.warnings, protocol.warnings


def test_goteborg_paragraph_case_number_title_and_decision(corpus: dict[str, Protocol]) -> None:
    p198 = paragraph(corpus["Goteborg_Kommunstyrelsen_2025-03-12.txt"], "198")
    assert p198.case_number == "SLK-2025-00144"
    assert p198.title.startswith("Redovisning av uppdrag om ändamålsenlig struktur")
    assert p198.title.endswith("trafikantservice- och kollektivtrafikområde")
    assert decision(p198).startswith("Kommunstyrelsen tillstyrker")
    assert "förklaras fullgjort." in decision(p198)
    assert "Handlingar" not in decision(p198)
    # Numbered list items inside a § file stay inside their paragraph.
    assert "1. Göteborgs Stads Kollektivtrafik AB får i uppdrag" in p198.text


def test_goteborg_every_paragraph_has_its_case_number(corpus: dict[str, Protocol]) -> None:
    for name, protocol in corpus.items():
        if name.startswith("Goteborg"):
            # Some are written with a document suffix, "SLK-2024-00010:-1"; kept as written.
            assert all(re.fullmatch(r"SLK-\d{4}-\d{5}(:-?\d+)?", p.case_number or "") for p in protocol.paragraphs)


def test_goteborg_kf_wrapped_title_stops_before_body_text(corpus: dict[str, Protocol]) -> None:
    kf = corpus["Goteborg_Kommunfullmaktige_2025-06-12.txt"]
    p331 = paragraph(kf, "331")
    assert p331.title == (
        "Anmälan av länsstyrelsens beslut att utse Roger Höög (V) till ny ersättare i "
        "kommunfullmäktige i stället för Inger Billman-Stark (V)"
    )
    assert p331.decision == "Länsstyrelsens beslut antecknas."
    # "§ 115, den 27 mars 2025, ..." is a wrapped reference inside § 335 or so, not a heading.
    assert any("\n§ 115, den 27 mars 2025" in p.text for p in kf.paragraphs)
    assert paragraph(corpus["Goteborg_Kommunfullmaktige_2026-02-26.txt"], "37").title == "Parentation"


def test_lomma_continued_paragraphs_are_joined(corpus: dict[str, Protocol]) -> None:
    bun = corpus["Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt"]
    p62, p67, p72 = (paragraph(bun, n) for n in ("62", "67", "72"))
    assert "reserverar sig till förmån för sitt eget yrkande" in p62.text
    assert "Att tillsätta en politisk styrgrupp" in decision(p62)
    assert "(fort.)" not in p62.text + p67.text + p72.text
    assert p72.case_number == "BUN/2023:206"
    assert p72.title.startswith("Beslut om att pausa intaget av förskoleklasser")
    for p, fort_line in ((p67, 461), (p72, 677), (p72, 732)):
        lines = (CORPUS / "Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt").read_text(encoding="utf-8").split("\n")
        after = next(line for line in lines[fort_line:] if line.strip() and "Sammanträdes" not in line)
        assert after.strip() in p.text


def test_lomma_decision_stops_at_the_rule(corpus: dict[str, Protocol]) -> None:
    p60 = paragraph(corpus["Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt"], "60")
    assert decision(p60).startswith("Barn- och utbildningsnämnden beslutar följande:")
    assert decision(p60).endswith("Bilaga.")
    assert "____" not in decision(p60)


def test_lomma_sn_skips_the_agenda_list_and_the_typo_date(corpus: dict[str, Protocol]) -> None:
    sn = corpus["Lomma_Socialnamnden_2026-05-05.txt"]
    assert sn.date == "2026-05-05"  # not "Anslaget tas ned: 2000-06-02"
    assert sn.place == "Lomma kommun, Sessionssalen, Alnarp"
    p27 = paragraph(sn, "27")
    assert p27.text.startswith("SN § 27")
    assert p27.case_number == "SN/2026:136" and p27.title == "Kvalitetsberättelse 2025"
    assert paragraph(sn, "28").case_number is None
    assert "Ärendelista" not in "".join(p.text for p in sn.paragraphs)


def test_skaraborg_markdown_headings(corpus: dict[str, Protocol]) -> None:
    proto = corpus["000_a1d265b92dc01c91.txt"]
    p97 = paragraph(proto, "97")
    assert p97.title == "Statsbidrag till regionalt yrkesvux 2025"
    assert "balanskontot" in p97.text
    assert paragraph(proto, "84").title == "Mötets öppnande"
    assert paragraph(proto, "86").decision == "Lägga förra mötets protokoll till handlingarna."
    assert proto.place == "Regionens Hus"


def test_orebro_agenda_items_without_running_header(corpus: dict[str, Protocol]) -> None:
    proto = corpus["002_7e54b8903ea3b20c.txt"]
    item4 = paragraph(proto, "4")
    assert item4.title.startswith("Regionalt utvecklingscentrum (RUC)")
    assert paragraph(proto, "6").title.startswith("Rapport Skolpersonalens rörlighet")
    # The list item printed after a page header still belongs to item 6.
    assert "Viktigaste faktorn för att stanna kvar" in paragraph(proto, "6").text
    assert "Anna Elverskog\n" not in "".join(p.text + "\n" for p in proto.paragraphs)
    assert proto.place == "Via Zoom"


def test_riksdag_table_of_contents_is_not_a_paragraph(corpus: dict[str, Protocol]) -> None:
    proto = corpus["Riksdagen_Kammaren_prot-2022-23-3.txt"]
    assert [p.number for p in proto.paragraphs] == ["1", "2", "3", "4", "5", "6"]
    assert paragraph(proto, "1").decision == "Kammaren biföll valberedningens förslag ."
    assert "Innehållsförteckning" not in paragraph(proto, "6").text
    assert "Talmannen meddelade" in paragraph(proto, "1").text


def test_participants_by_file_type(corpus: dict[str, Protocol]) -> None:
    def roles(name: str) -> dict[str, set[Role]]:
        out: dict[str, set[Role]] = {}
        for person in corpus[name].participants:
            out.setdefault(person.name, set()).add(person.role)
        return out

    ks = roles("Goteborg_Kommunstyrelsen_2025-03-12.txt")
    assert ks["Jonas Attenius (S)"] == {Role.BESLUTANDE}
    assert ks["Johannes Hulter (S)"] == {Role.BESLUTANDE}  # tjänstgörande ersättare
    assert ks["Emmyly Bönfors (C)"] == {Role.OVRIGA}
    skb = roles("000_a1d265b92dc01c91.txt")
    assert Role.BESLUTANDE in skb["Robert Rydquist, Falköping"]
    assert Role.FRANVARANDE in skb["Mari-Louise Brage, Hjo"]
    assert Role.OVRIGA in skb["Miranda Bergsten, Skaraborgs Kommunalförbund"]
    assert Role.SEKRETERARE in skb["Daniel Ekman"] and Role.ORDFORANDE in skb["Katarina Lindberg"]
    orebro = roles("002_7e54b8903ea3b20c.txt")
    assert orebro["Irén Lejgren"] == {Role.ORDFORANDE}
    assert orebro["Ulla Kaland Karlsson"] == {Role.JUSTERARE}
    assert orebro["Anna Elverskog"] == {Role.SEKRETERARE}
    assert Role.BESLUTANDE in orebro["Johanna Martin (M), Askersund kommun"]
    bun = roles("Lomma_Barn-och-utbildningsnamnden_2023-10-10.txt")
    assert bun["Ulf Richeberg"] == {Role.JUSTERARE} and bun["Fredrik Karström"] == {Role.ORDFORANDE}
    assert bun["Camilla Cronsjö (M)"] == {Role.BESLUTANDE}  # "ersätter Fredrik Karström (M) §§ 72–73"
    assert bun["Samuel Dahlman, Nämndsekreterare"] == {Role.OVRIGA}
    sn = roles("Lomma_Socialnamnden_2026-05-05.txt")
    assert sn["Pia Johnson"] == {Role.JUSTERARE} and sn["Olle Andersson"] == {Role.SEKRETERARE}
    assert sn["Åsa Mikkelsen (M)"] == {Role.OVRIGA}  # ej tjänstgörande ersättare, "§ 27 - 33" cut
    assert sn["Ingrid Estrada Magnusson (M)"] == {Role.BESLUTANDE}


# --- small inline texts -------------------------------------------------------------------


def test_empty_text_raises_with_the_file_name() -> None:
    with pytest.raises(ProtocolParseError, match=r"^tom\.txt: the file is empty$"):
        parse_protocol(" \n\t\n", "tom.txt")


def test_text_without_paragraphs_becomes_one_with_a_warning() -> None:
    text = "Anteckningar från mötet\n\nVi pratade om " + "skolan " * 40
    protocol = parse_protocol(text, "anteckning.txt")
    (only,) = protocol.paragraphs
    assert only.number == "" and only.title == "Anteckningar från mötet"
    assert only.text == text.strip()
    assert any("no paragraphs" in w for w in protocol.warnings)
    assert protocol.organisation == "okänd" and any("organisation" in w for w in protocol.warnings)


def test_fallback_title_is_shortened() -> None:
    protocol = parse_protocol("x" * 500, "lang.txt")
    assert len(protocol.paragraphs[0].title) <= 120


def test_continuation_forms_join_and_page_numbers_vanish() -> None:
    text = (
        "Exempels kommun\nKulturnämnden\nProtokoll\nSammanträdesdatum: 2024-05-02\n\n"
        "§ 15 Öppnande\n\nMötet öppnas.\n\n"
        "§ 16 Budget\n\nFörsta delen.\n\n2 (5)\n\nSida 2 av 5\n\n"
        "§ 16 forts.\n\nAndra delen.\n\n§ 16 (forts)\n\nTredje delen.\n\n"
        "§ 17 Avslutning\n\nKlart.\n"
    )
    protocol = parse_protocol(text, "exempel.txt")
    assert [p.number for p in protocol.paragraphs] == ["15", "16", "17"]
    p16 = protocol.paragraphs[1]
    assert p16.text == "§ 16 Budget\n\nFörsta delen.\n\nAndra delen.\n\nTredje delen."
    assert (protocol.organisation, protocol.body, protocol.date) == ("Exempels kommun", "Kulturnämnden", "2024-05-02")


def test_wrapped_references_lists_and_header_ranges_are_not_headings() -> None:
    text = (
        "Paragrafer: §§ 5–6\n\n"
        "§ 5 Ärendenummer ABC-2024-00001\nUppdrag om något\nBeslut\n\n"
        "1. Nämnden får i uppdrag att utreda.\n2. Uppdraget redovisas senast\n"
        "§ 22 punkt 1, till nämnden.\n"
        "Bordlagt den 12 december 2024, § 595, den 30 januari 2025,\n"
        "§ 115, den 27 mars 2025, § 177.\n\nHandlingar\n\n- Protokollsutdrag 2023-09-26 § 66\n\n"
        "§ 6 Ärendenummer ABC-2024-00002\nNästa ärende\nBeslut\n\nAntecknas.\n"
    )
    protocol = parse_protocol(text, "fällor.txt")
    assert [p.number for p in protocol.paragraphs] == ["5", "6"]
    p5 = protocol.paragraphs[0]
    assert (p5.case_number, p5.title) == ("ABC-2024-00001", "Uppdrag om något")
    assert p5.decision is not None and p5.decision.endswith("§ 115, den 27 mars 2025, § 177.")
    assert protocol.paragraphs[1].decision == "Antecknas."
    assert not protocol.warnings or all("date" in w or "organisation" in w or "body" in w for w in protocol.warnings)


def test_announced_range_that_does_not_match_gives_a_warning() -> None:
    text = "Paragrafer: §§ 1–3\n\n§ 1 Ett\n\nText.\n\n§ 2 Två\n\nText.\n"
    protocol = parse_protocol(text, "kort_2024-01-02.txt")
    assert any("§§ 1–3" in w for w in protocol.warnings)
    assert protocol.date == "2024-01-02"  # last resort: the file name
    assert any("file name" in w for w in protocol.warnings)


def test_swedish_month_names_and_place_on_a_later_line() -> None:
    text = (
        "Protokoll till Styrgruppen för vård\nTid: Tisdag 3 mars 2020 kl 10\nPlats:\nTid:\n\nRådhuset\n\n"
        "1. Öppnande\n\nA.\n\n2. Avslut\n\nB.\n"
    )
    protocol = parse_protocol(text, "x.txt")
    assert (protocol.date, protocol.place, protocol.body) == ("2020-03-03", "Rådhuset", "Styrgruppen för vård")
    assert [p.number for p in protocol.paragraphs] == ["1", "2"]


def test_agenda_items_are_ignored_when_the_file_has_paragraphs() -> None:
    text = "§ 3 Ärende\n\n1. Första punkten\n\n2. Andra punkten\n\n§ 4 Nästa\n\nText.\n"
    assert [p.number for p in parse_protocol(text, "y.txt").paragraphs] == ["3", "4"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                [
                    "§ 1 Rubrik",
                    "BUN § 2 (fort.)    BUN/2023:1",
                    "Beslut",
                    "Beslut:",
                    "Sida 1 av 2",
                    "1 (3)",
                    "Paragrafer: §§ 3–1",
                    "Plats:",
                    "Tid: 31 februari 2020",
                    "Sammanträdesdatum",
                    "2024-13-45",
                    "1. Punkt",
                    "",
                    "   ",
                    "Justerande",
                    "Ledamöter",
                    "Anna Andersson (S)",
                    "Innehållsförteckning",
                    "§ 0",
                    "§ 9999 x",
                    "#### **§ 5 Rubrik**",
                    "Tid och plats\t",
                ]
            ),
        ),
        max_size=40,
    )
)
def test_random_text_never_raises_anything_but_protocol_parse_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        protocol = parse_protocol(text, "slump.txt")
    except ProtocolParseError:
        assert not text.strip()
        return
    assert protocol.paragraphs
    for p in protocol.paragraphs:
        assert p.decision is None or p.decision in p.text
