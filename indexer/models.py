"""Records of the domain: protokoll, paragraf, deltagare, chunk and search hit (all frozen)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields, is_dataclass
from typing import Any


def record_dict(record: Any) -> Any:
    """A record as plain dicts and lists, for JSON: what `dataclasses.asdict` gives (tuples as lists), without
    its deep copy of every leaf, which made writing an index's paragraphs take 0.4 s of a 1 s build."""
    if is_dataclass(record) and not isinstance(record, type):
        return {f.name: record_dict(getattr(record, f.name)) for f in fields(record)}
    if isinstance(record, tuple | list):
        return [record_dict(v) for v in record]
    return record


class Role(enum.StrEnum):
    """A participant's role at the meeting, as the protocol's header names it."""

    BESLUTANDE = "beslutande"  # beslutande ledamöter, ledamöter, tjänstgörande ersättare
    ORDFORANDE = "ordförande"
    JUSTERARE = "justerare"
    SEKRETERARE = "sekreterare"
    OVRIGA = "övriga"  # övriga deltagare / närvarande, ej tjänstgörande ersättare
    FRANVARANDE = "frånvarande"


@dataclass(frozen=True, slots=True)
class Participant:
    """One person named in the header: name (with party or municipality as written) and role."""

    name: str
    role: Role


class Outcome(enum.StrEnum):
    """What a paragraph's decision did with its matter (rules: docs/matters.md, indexer/parse/outcome.py)."""

    BIFALL = "bifall"  # adopted, approved, granted
    AVSLAG = "avslag"  # rejected
    ATERREMISS = "återremiss"  # sent back for more preparation
    BORDLAGGNING = "bordläggning"  # tabled to a later meeting
    FORSLAG = "förslag"  # proposed to another body (proposal_to, proposed)
    YTTRANDE = "yttrande"  # a consultation answer given
    ANTECKNAS = "antecknas"  # noted, placed on file
    VAL = "val"  # appointments and elections
    OVRIGT = "övrigt"  # anything else (a motion "anses besvarad", procedural notes)


@dataclass(frozen=True, slots=True)
class Vote:
    """One vote (omröstning/votering) of a paragraph: counts, what Ja and Nej stood for, and where the
    result is written (`text[start:end]` of the paragraph). `proposition` is the vote proposition in one
    line, written at `text[proposition_start:proposition_end]` (-1 when the paragraph states none).
    Abstentions not stated count 0."""

    yes: int
    no: int
    abstain: int
    proposition: str | None
    start: int
    end: int
    proposition_start: int = -1
    proposition_end: int = -1


@dataclass(frozen=True, slots=True)
class Stance:
    """Who reserved themselves (reservation) or moved something (yrkande), as the paragraph writes it:
    the persons (`Jörgen Fogelklou (SD)`), the parties (in parentheses, or `Ledamöterna från SD`), and
    the sentence at `text[start:end]`."""

    persons: tuple[str, ...]
    parties: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraf (`§ 97`, `BUN § 72`) or numbered agenda item (`4.`).

    `number` is the digits only ("97"). `text` is the whole paragraph, heading included, with
    page furniture removed and continuations (`§ 16 forts.`) joined. `decision` is the text of
    the beslut (`Beslut`, `Mötet beslutar att:`, `... beslutar`), an exact substring of `text`.
    `case_number` is the ärendenummer/diarienummer (`SLK-2025-00144`, `BUN/2023:206`) or None.
    `outcome` is what the decision did (None without a decision); a `förslag` names the body it goes to
    (`proposal_to`) and the outcome it proposes (`proposed`). `votes`, `reservations` and `motions`
    (yrkanden) are what the paragraph records of them, with offsets into `text`. `pages` are the 1-based
    physical pages the paragraph stands on (empty when the file has no pages, e.g. plain text), and `ocr`
    says some of its text was read by OCR from a page image.
    """

    number: str
    title: str
    text: str
    case_number: str | None = None
    decision: str | None = None
    outcome: Outcome | None = None
    proposal_to: str | None = None
    proposed: Outcome | None = None
    votes: tuple[Vote, ...] = ()
    reservations: tuple[Stance, ...] = ()
    motions: tuple[Stance, ...] = ()
    pages: tuple[int, ...] = ()
    ocr: bool = False


@dataclass(frozen=True, slots=True)
class ProtocolMeta:
    """What a sidecar `NAME.meta.json` says of a protocol (organisation, body, ISO date); a field given
    here wins over what the parser finds in the text. None: not given."""

    organisation: str | None = None
    body: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Protocol:
    """A parsed protokoll: who met (organisation, body), when (ISO date), where, who, and what (§§).

    `source` is the file name as in the corpus folder. `warnings` lists what the parser had to
    guess or could not find (e.g. no paragraphs: the whole text became one paragraph). `header` is
    the text before the first paragraph, page furniture removed: what questions about the meeting
    itself (time, place, who attended) are answered and quoted from. `format` is the file kind it was read
    from ("txt", "pdf", "docx", "html") and `page_count` its physical pages (0 when unknown).
    """

    source: str
    organisation: str
    body: str
    date: str | None
    paragraphs: tuple[Paragraph, ...]
    place: str | None = None
    participants: tuple[Participant, ...] = ()
    warnings: tuple[str, ...] = ()
    header: str = ""
    format: str = "txt"
    page_count: int = 0


class ChunkKind(enum.StrEnum):
    """What a chunk is a view of: its paragraph (or a part of a long one), or a few sentences."""

    PARAGRAPH = "paragraph"  # one per paragraph, split only when longer than the model's window
    WINDOW = "window"  # a few consecutive sentences: a sharper dense view for detail questions


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of one paragraph, the unit that is embedded and searched.

    `start`/`end` are half-open offsets into the paragraph's text: `paragraph.text[start:end] ==
    text`. `id` is stable across rebuilds: file, paragraph number and part (`w` for windows). `context` is the line
    (body, date, § and title) put before the text when it is embedded or keyword-indexed. `position`
    is the paragraph's place in its protocol (0-based): what ties the chunk to one paragraph even
    where a protocol repeats a § number.
    """

    id: str
    file: str
    paragraph: str
    part: int
    start: int
    end: int
    text: str
    context: str
    kind: ChunkKind = ChunkKind.PARAGRAPH
    position: int = 0

    @property
    def embed_text(self) -> str:
        """What the model and the keyword index see: the context line, then the chunk's text."""
        return f"{self.context}\n{self.text}"


@dataclass(frozen=True, slots=True)
class MatterStep:
    """One meeting on a matter's path, compact enough to show inline under a hit: when, which body, which
    §, and what it decided (a `förslag` with the body it went to and what it proposed)."""

    date: str | None
    body: str
    paragraph: str
    file: str
    outcome: str | None
    proposal_to: str | None = None
    proposed: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked search result: a paragraph of a protocol, with its citation and best quote.

        `quote` is `text[quote_start:quote_end]`. `match` says why the hit is where it is: "case_number"
        (the question names the paragraph's ärende), "paragraph_number" (its § and meeting), "meeting"
        (the body, organisation, date or person the question names), "matter" (a step of the answer's matter
    path, cited though not ranked), "role" (the paragraph naming who held the role a meeting question asks
    about, where the header does not), or "" (by meaning and words alone).
        A hit on a protocol's header has paragraph "header". `decision` is the paragraph's beslut, if any.
        `matter` is the normalised case number of the paragraph's matter (None without one), `outcome` what
        the paragraph decided, `matter_appearances` how many paragraphs the matter has, `matter_path` their
        steps in date order, and `related` the steps of same-titled paragraphs of other meetings. `votes` and
        `reservations` are the paragraph's, with offsets into `text`. `pages` are the physical pages it
        stands on (empty when unknown) and `ocr` says its text was read by OCR.
    """

    rank: int
    score: float
    file: str
    paragraph: str
    title: str
    case_number: str | None
    organisation: str
    body: str
    date: str | None
    citation: str
    text: str
    quote: str
    quote_start: int = 0
    quote_end: int = 0
    match: str = ""
    decision: str | None = None
    matter: str | None = None
    outcome: str | None = None
    matter_appearances: int = 0
    matter_path: tuple[MatterStep, ...] = ()
    related: tuple[MatterStep, ...] = ()
    votes: tuple[Vote, ...] = ()
    reservations: tuple[Stance, ...] = ()
    pages: tuple[int, ...] = ()
    ocr: bool = False


HEADER = "header"
"""The paragraph key of a hit on a protocol's header (also the gold value in question sets)."""


@dataclass(frozen=True, slots=True)
class Filters:
    """What a search may return: organisations and bodies (exact names from the index, any of them),
    meeting dates from/to (ISO, inclusive), only paragraphs with a beslut. Empty means no limit.

    One type for CLI flags, UI controls, API parameters and words found in a question.
    """

    organisations: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    decisions_only: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.organisations or self.bodies or self.date_from or self.date_to or self.decisions_only)


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A corpus file that could not be indexed (error) or was indexed with a caveat (warning)."""

    file: str
    message: str


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What an index build did: counts, time, and the files that failed or warned. `files_read` were read
    and parsed this run; the other files were unchanged and reused from the previous index."""

    files: int
    paragraphs: int
    chunks: int
    embedded: int
    reused: int
    seconds: float
    errors: tuple[FileProblem, ...]
    warnings: tuple[FileProblem, ...]
    files_read: int = 0

    def summary(self) -> str:
        return (
            f"Indexed {self.files} files, {self.paragraphs} paragraphs, {self.chunks} chunks "
            f"({self.embedded} embedded, {self.reused} reused; {self.files_read} file(s) read, the others unchanged) "
            f"in {self.seconds:.1f} s"
            + (f"; {len(self.errors)} file(s) failed" if self.errors else "")
        )


EXAMPLE_PROTOCOL = Protocol(
    source="000_a1d265b92dc01c91.txt",
    organisation="Skaraborgs Kommunalförbund",
    body="Skol- och utbildningschefer",
    date="2024-08-23",
    place="Regionens Hus",
    participants=(
        Participant("Katarina Lindberg, Skövde", Role.ORDFORANDE),
        Participant("Robert Rydquist, Falköping", Role.JUSTERARE),
        Participant("Daniel Ekman", Role.SEKRETERARE),
    ),
    paragraphs=(
        Paragraph(
            number="97",
            title="Statsbidrag till regionalt yrkesvux 2025",
            text=(
                "§ 97 Statsbidrag till regionalt yrkesvux 2025\n\n"
                "Johan Strömberg informerar om erhållet statsbidrag för regionalt yrkesvux. "
                "Sökt belopp var 157 miljoner medan tilldelningen blev 108 miljoner kronor."
            ),
        ),
    ),
)
"""One example protocol with a fixed date, for tests and docs."""
