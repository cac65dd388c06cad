"""Protocol text -> Protocol: header fields, participants and paragraphs, page furniture removed.

`parse_protocol` is pure: text and file name in, a frozen Protocol out. The helpers live in
`furniture` (page furniture), `header` (organisation, body, date, place),
`participants`, `paragraphs` (headings, titles, case numbers, beslut), `outcome` (what a beslut did)
and `votes` (votes, reservations, yrkanden).
"""

from __future__ import annotations

from dataclasses import replace

from indexer.errors import ProtocolParseError
from indexer.models import Paragraph, Protocol
from indexer.parse.furniture import drop_body_lines, remove_furniture
from indexer.parse.header import (
    ORGANISATION_UNKNOWN,
    fallback_body,
    find_body,
    find_date,
    find_organisation,
    find_paragraph_range,
    find_place,
)
from indexer.parse.outcome import decision_outcome
from indexer.parse.paragraphs import build_paragraphs, end_of_paragraphs, find_headings
from indexer.parse.participants import parse_participants
from indexer.parse.votes import motions, reservations, votes

MAX_FALLBACK_TITLE_CHARS = 120

__all__ = ["parse_protocol"]


def _normalise(text: str) -> list[str]:
    # Form feeds mark page breaks in pdftotext output; they are line breaks for us.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")


def parse_protocol(text: str, source: str) -> Protocol:
    """Parse one protocol's plain text; `source` is its file name, used in messages.

    Raises ProtocolParseError for empty text. Anything the parser had to guess (date from the
    file name, unknown organisation, no paragraphs) is listed in `Protocol.warnings`.
    """
    if not text.strip():
        raise ProtocolParseError(f"{source}: the file is empty")
    raw = _normalise(text)
    kept = remove_furniture(raw)
    lines = [t for _, t in kept]
    expected = find_paragraph_range(text)
    heads = find_headings(lines, expected)
    header_end = kept[heads[0].line][0] if heads else len(raw)
    header_raw = raw[:header_end]
    header_clean = [t for i, t in kept if i < header_end]
    header_text = "\n".join(header_raw)
    warnings: list[str] = []

    organisation = find_organisation(header_text, text)
    if organisation is None:
        organisation = ORGANISATION_UNKNOWN
        warnings.append(f"{source}: no organisation found; set to '{ORGANISATION_UNKNOWN}'")
    body = find_body(header_raw, text, organisation)
    if body is None:
        body = fallback_body(header_clean)
        warnings.append(f"{source}: no body found; guessed '{body}' from the header")
    date, date_warning = find_date(header_text, text, source)
    if date_warning:
        warnings.append(date_warning)

    paragraphs = _paragraphs(kept, body, expected) if heads else []
    if not paragraphs:
        paragraphs = [_whole_text(lines, text)]
        warnings.append(f"{source}: no paragraphs found; the whole text is one paragraph")
    elif expected is not None:
        warnings.extend(_range_check(source, paragraphs, expected))

    return Protocol(
        source=source,
        organisation=organisation,
        body=body,
        date=date,
        paragraphs=tuple(paragraphs),
        place=find_place(header_clean),
        participants=parse_participants(header_clean),
        warnings=tuple(warnings),
        header="\n".join(header_clean).strip(),
    )


def _paragraphs(kept: list[tuple[int, str]], body: str, expected: tuple[int, int] | None) -> list[Paragraph]:
    # Göteborg repeats the body's name alone as a running header. The body is only known once
    # the header (everything before the first heading) is read, so headings are found again on
    # the lines without it.
    lines = [t for _, t in drop_body_lines(kept, body)]
    found = find_headings(lines, expected)
    if not found:
        return []
    built = build_paragraphs(lines, found, end_of_paragraphs(lines, found[-1].line))
    return [decided(p, body) for p in built]


def decided(paragraph: Paragraph, body: str) -> Paragraph:
    """The paragraph with what its decision did (outcome, proposal) and how: votes, reservations, yrkanden."""
    outcome, proposal_to, proposed = decision_outcome(paragraph.decision, body)
    return replace(
        paragraph,
        outcome=outcome,
        proposal_to=proposal_to,
        proposed=proposed,
        votes=votes(paragraph.text),
        reservations=reservations(paragraph.text),
        motions=motions(paragraph.text),
    )


def _whole_text(lines: list[str], text: str) -> Paragraph:
    whole = "\n".join(lines).strip() or text.strip()
    first = next(line.strip() for line in whole.split("\n") if line.strip())
    return Paragraph(number="", title=first[:MAX_FALLBACK_TITLE_CHARS], text=whole)


def _range_check(source: str, paragraphs: list[Paragraph], expected: tuple[int, int]) -> list[str]:
    numbers = [int(p.number) for p in paragraphs if p.number.isdigit()]
    wanted = list(range(expected[0], expected[1] + 1))
    if numbers == wanted:
        return []
    return [
        f"{source}: the header announces §§ {expected[0]}–{expected[1]} but "
        f"{len(numbers)} paragraphs were found ({numbers[0] if numbers else '-'}–"
        f"{numbers[-1] if numbers else '-'})"
    ]
