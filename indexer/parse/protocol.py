"""Protocol text -> Protocol: header fields, participants and paragraphs, page furniture removed.

`parse_protocol` is pure: text and file name in, a frozen Protocol out. The helpers live in
`furniture` (page furniture), `header` (organisation, body, date, place),
`participants`, `paragraphs` (headings, titles, case numbers, beslut), `outcome` (what a beslut did)
and `votes` (votes, reservations, yrkanden).
"""

from __future__ import annotations

from dataclasses import replace

from indexer.errors import ProtocolParseError
from indexer.models import Paragraph, Protocol, ProtocolMeta
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
from indexer.read.document import PAGE_BREAK, Document

MAX_FALLBACK_TITLE_CHARS = 120

__all__ = ["parse_document", "parse_protocol"]


def _normalise(text: str) -> tuple[list[str], list[int]]:
    """The text's lines, and the 1-based page each stands on: form feeds (pdftotext's and the readers'
    page breaks) are line breaks that also start a new page."""
    lines: list[str] = []
    pages: list[int] = []
    for page, page_text in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split(PAGE_BREAK), start=1):
        page_lines = page_text.split("\n")
        lines += page_lines
        pages += [page] * len(page_lines)
    return lines, pages


def parse_protocol(text: str, source: str) -> Protocol:
    """Parse one protocol's plain text (form feeds, as pdftotext writes them, are page breaks)."""
    return parse_document(Document(text, "txt", paged=PAGE_BREAK in text), source)


def parse_document(document: Document, source: str, meta: ProtocolMeta | None = None) -> Protocol:
    """Parse one protocol file's text; `source` is its file name, used in messages.

    Raises ProtocolParseError for empty text. Anything the parser had to guess (date from the
    file name, unknown organisation, no paragraphs) is listed in `Protocol.warnings`, after what the
    reader could not read. A field of `meta` (the file's sidecar) wins over what the text says.
    """
    text = document.text
    if not text.strip():
        raise ProtocolParseError(f"{source}: the file is empty")
    meta = meta or ProtocolMeta()
    raw, raw_pages = _normalise(text)
    line_pages = raw_pages if document.paged else None
    kept = remove_furniture(raw)
    lines = [t for _, t in kept]
    expected = find_paragraph_range(text)
    heads = find_headings(lines, expected)
    header_end = kept[heads[0].line][0] if heads else len(raw)
    header_raw = raw[:header_end]
    header_clean = [t for i, t in kept if i < header_end]
    header_text = "\n".join(header_raw)
    warnings: list[str] = list(document.warnings)

    organisation = meta.organisation or find_organisation(header_text, text)
    if organisation is None:
        organisation = ORGANISATION_UNKNOWN
        warnings.append(f"{source}: no organisation found; set to '{ORGANISATION_UNKNOWN}'")
    body = meta.body or find_body(header_raw, text, organisation)
    if body is None:
        body = fallback_body(header_clean)
        warnings.append(f"{source}: no body found; guessed '{body}' from the header")
    date = meta.date
    if date is None:
        date, date_warning = find_date(header_text, text, source)
        if date_warning:
            warnings.append(date_warning)

    paragraphs = _paragraphs(kept, body, expected, line_pages) if heads else []
    if not paragraphs:
        paragraphs = [_whole_text(lines, text, sorted(set(line_pages or ())))]
        warnings.append(f"{source}: no paragraphs found; the whole text is one paragraph")
    elif expected is not None:
        warnings.extend(_range_check(source, paragraphs, expected))
    if document.ocr_pages:
        ocr_pages = set(document.ocr_pages)
        paragraphs = [replace(p, ocr=not ocr_pages.isdisjoint(p.pages)) for p in paragraphs]

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
        format=document.format,
        page_count=document.page_count,
    )


def _paragraphs(
    kept: list[tuple[int, str]], body: str, expected: tuple[int, int] | None, line_pages: list[int] | None
) -> list[Paragraph]:
    # Göteborg repeats the body's name alone as a running header. The body is only known once
    # the header (everything before the first heading) is read, so headings are found again on
    # the lines without it.
    kept = drop_body_lines(kept, body)
    lines = [t for _, t in kept]
    found = find_headings(lines, expected)
    if not found:
        return []
    pages = [line_pages[i] for i, _ in kept] if line_pages is not None else None
    built = build_paragraphs(lines, found, end_of_paragraphs(lines, found[-1].line), pages)
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


def _whole_text(lines: list[str], text: str, pages: list[int]) -> Paragraph:
    whole = "\n".join(lines).strip() or text.strip()
    first = next(line.strip() for line in whole.split("\n") if line.strip())
    return Paragraph(number="", title=first[:MAX_FALLBACK_TITLE_CHARS], text=whole, pages=tuple(pages))


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
