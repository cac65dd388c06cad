"""Sentences naming who held a role, where a protocol's header does not say (app/meeting.py)."""

from __future__ import annotations

import pytest

from app.meeting import first_statement, statement_span
from indexer.models import Role

KF_JUSTERING = (
    "Bestämmande av tid för justering\nBeslut\n\nFörste vice ordföranden Håkan Eriksson (V) och andre vice "
    "ordföranden\nMargareta Broang (M) justerar dagens protokoll tillsammans med ordföranden\nAslan Akbas (S) på "
    "Stadshuset, Gustaf Adolfs Torg 1, torsdagen den 26 juni 2025,\nklockan 14:00."
)
KS_JUSTERARE = (
    "Val av protokollsjusterare\nBeslut\n\nProtokollen ska justeras av ordföranden och 2:e vice ordföranden om "
    "kommunstyrelsen\ninte i särskilt fall beslutar annorlunda.\nMartin Wannholt (D) utses att jämte ordföranden "
    "justera § 32 i dagens protokoll."
)


def quoted(text: str, role: Role) -> str | None:
    span = statement_span(text, role)
    return None if span is None else text[span[0] : span[1]]


def test_the_justering_sentence_names_the_justerare_and_the_chair() -> None:
    sentence = KF_JUSTERING[KF_JUSTERING.index("Förste") :]
    assert quoted(KF_JUSTERING, Role.JUSTERARE) == sentence
    assert quoted(KF_JUSTERING, Role.ORDFORANDE) == sentence


def test_every_sentence_about_the_justering_is_quoted() -> None:
    assert quoted(KS_JUSTERARE, Role.JUSTERARE) == KS_JUSTERARE[KS_JUSTERARE.index("Protokollen") :]


@pytest.mark.parametrize(
    "text",
    [
        "Justering\n\nProtokollet under denna paragraf förklaras omedelbart justerat.",
        "Stadsmiljönämnden, avseende justering för övertagande av verksamhet kopplat till parkering.",
        "Budgeten godkänns med följande justeringar: ramen för Axel Josefson (M) ändras.",
    ],
)
def test_no_one_named_no_statement(text: str) -> None:
    assert statement_span(text, Role.JUSTERARE) is None


def test_a_header_list_gives_the_line_naming_the_chair() -> None:
    header = "Närvarande\nLedamöter\nOrdföranden Jonas Attenius (S)\n" + "\n".join(
        f"Ledamot Nummer{'a' * n} (M)" for n in range(1, 40)
    )
    assert quoted(header, Role.ORDFORANDE) == "Ordföranden Jonas Attenius (S)"


def test_a_role_no_text_names_this_way() -> None:
    assert statement_span(KF_JUSTERING, Role.SEKRETERARE) is None


def test_the_first_text_that_names_the_role() -> None:
    texts = ["Göteborgs Stad\nKommunstyrelsen\nProtokoll", "Ärendet bordläggs.", KS_JUSTERARE]
    found = first_statement(texts, Role.JUSTERARE)
    assert found is not None and found[0] == 2
