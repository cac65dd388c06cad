"""The pieces answers are made of, and their fixed words.

A part is either framing built only from parsed fields (body, organisation, date, §, case number,
participants' names and roles) and the fixed words below, or a verbatim quote: text[start:end] of the
cited hit n, rendered with its marker `[n]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indexer.models import HEADER, Hit, Protocol

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of an answer: framing (citation 0) or a verbatim quote of citation n at text[start:end]."""

    text: str
    citation: int = 0
    start: int = 0
    end: int = 0


def render(parts: Sequence[Part]) -> str:
    """The answer text: parts joined; a quote is followed by its marker."""
    out = []
    for part in parts:
        out.append(f"»{part.text}« [{part.citation}]" if part.citation else part.text)
    return "".join(out).strip()


def meeting_framing(of: Hit | Protocol) -> str:
    """`Kommunfullmäktige, Göteborgs Stad, 2025-06-12`: the meeting of a hit or protocol, from parsed fields."""
    where = f"{of.body}, {of.organisation}" if of.body else of.organisation
    return f"{where}, {of.date or 'odaterat'}"


def number_label(hit: Hit) -> str:
    """`§ 345`, or `punkt 4` for a protocol numbering agenda items."""
    return f"§ {hit.paragraph}" if "§" in hit.citation.split(",")[-1] else f"punkt {hit.paragraph}"


def framing(hit: Hit) -> str:
    """`Kommunfullmäktige, Göteborgs Stad, 2025-06-12, § 345 (SLK-2024-00704)` from parsed fields only."""
    if hit.paragraph == HEADER:
        return meeting_framing(hit)
    case = f" ({hit.case_number})" if hit.case_number else ""
    return f"{meeting_framing(hit)}, {number_label(hit)}{case}"


DID: dict[str, str] = {
    "bifall": "biföll",
    "avslag": "avslog",
    "återremiss": "återremitterade",
    "bordläggning": "bordlade",
    "förslag": "föreslog",
    "yttrande": "yttrade sig över",
    "antecknas": "antecknade",
    "val": "förrättade val i",
    "övrigt": "behandlade",
}
"""What a body did, by outcome (`Kommunfullmäktige avslog motionen`)."""
HAD_BEEN: dict[str, str] = {
    "bifall": "bifallits",
    "avslag": "avslagits",
    "återremiss": "återremitterats",
    "bordläggning": "bordlagts",
    "förslag": "föreslagits",
    "yttrande": "besvarats med yttrande",
    "antecknas": "antecknats",
    "val": "behandlats",
    "övrigt": "behandlats",
}
"""What had happened to the matter at an earlier meeting (`ärendet hade bordlagts`)."""
PROPOSED: dict[str, str] = {
    "bifall": "bifall",
    "avslag": "avslag",
    "återremiss": "återremiss",
    "bordläggning": "bordläggning",
    "yttrande": "yttrande",
    "antecknas": "att anteckna ärendet",
    "val": "val",
    "övrigt": "beslut",
}
"""What a proposal asked the other body for (`föreslog kommunfullmäktige avslag`)."""
OBJECTS: dict[str, str] = {
    "motion": "motionen",
    "interpellation": "interpellationen",
    "yrkande": "yrkandet",
    "reviderat": "yrkandet",
    "remiss": "remissen",
    "redovisning": "redovisningen",
    "fråga": "frågan",
    "skrivelse": "skrivelsen",
    "hemställan": "hemställan",
    "nämndinitiativ": "initiativet",
    "initiativärende": "initiativet",
}
"""What the matter is, by the first word of its title; anything else is `ärendet`."""
MATTER_WORDS = ("på", "förslag", "ärendet", "hade", "i", "och", "omröstning", "reservation")
"""The other fixed words of a path answer."""
