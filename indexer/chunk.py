"""Split paragraphs into chunks that fit the model's window and never cross a paragraph."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.models import Chunk, ChunkKind, Paragraph, Protocol
from indexer.parse.sentences import window_spans, word_count

TOKENS_PER_WORD = 1.9
"""Measured on this corpus with the multilingual-e5 tokenizer: about 1.87 tokens a word (1.65 on plainer prose)."""

MODEL_WINDOW_TOKENS = 512
CONTEXT_RESERVE_TOKENS = 70
"""Room kept for the `passage: ` prompt and the context line (body, date, §, title) in the window."""

WINDOW_WORDS = 60
"""Sentence windows of about 60 words: a question about one detail (an amount, a train time)
matches its sentence far better than a whole paragraph. 40/60/100 tried on tests/eval (bench)."""


@dataclass(frozen=True, slots=True)
class ChunkSettings:
    """How paragraphs are split; stored in the manifest, since a change means a rebuild."""

    max_words: int = int((MODEL_WINDOW_TOKENS - CONTEXT_RESERVE_TOKENS) / TOKENS_PER_WORD)
    overlap_words: int = 40
    window_words: int = WINDOW_WORDS

    def as_dict(self) -> dict[str, int]:
        return {"max_words": self.max_words, "overlap_words": self.overlap_words, "window_words": self.window_words}


def context_line(protocol: Protocol, paragraph: Paragraph) -> str:
    """The line that tells the model where a chunk comes from: body, organisation, date, § and title."""
    where = ", ".join(x for x in (protocol.body, protocol.organisation, protocol.date) if x)
    ref = f"§ {paragraph.number} " if paragraph.number else ""
    return f"{where}. {ref}{paragraph.title}".strip()


def chunk_id(file: str, paragraph: str, part: int, kind: ChunkKind = ChunkKind.PARAGRAPH) -> str:
    """Stable id of a chunk: file, paragraph number and part, so rebuilt indexes keep citations."""
    prefix = "w" if kind is ChunkKind.WINDOW else ""
    return f"{file}#{paragraph or '0'}/{prefix}{part}"


def split_offsets(text: str, settings: ChunkSettings) -> list[tuple[int, int]]:
    """Half-open (start, end) spans of `text`, each at most `max_words` words, split on
    paragraph and sentence boundaries with overlap. A text that fits is one span."""
    stripped = text.strip()
    if not stripped:
        return []
    if word_count(text) <= settings.max_words:
        start = text.index(stripped)
        return [(start, start + len(stripped))]
    # Imported here: langchain's import costs ~0.25 s, and only paragraphs longer than a chunk need it.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        # Room for a small leftover piece (a lone heading) to be joined to its neighbour below.
        chunk_size=settings.max_words - settings.overlap_words,
        chunk_overlap=settings.overlap_words,
        length_function=word_count,
        separators=["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
        strip_whitespace=True,
    )
    spans: list[tuple[int, int]] = []
    cursor = covered = 0
    for piece in splitter.split_text(text):
        # The splitter drops only whitespace, so a piece starts at or before the first non-space
        # character after what is already covered; of the places it occurs there, the last is its
        # own (searching forward would misplace pieces of repetitive text).
        limit = covered
        while limit < len(text) and text[limit].isspace():
            limit += 1
        start = text.rfind(piece, cursor, limit + len(piece))
        if start < 0:
            start = text.find(piece, cursor)
        if start < 0:  # pragma: no cover - would mean the splitter rewrote text
            raise ValueError(f"chunk text not found in its paragraph: {piece[:60]!r}")
        spans.append((start, start + len(piece)))
        cursor = start + 1
        covered = max(covered, start + len(piece))
    return _merge_small(text, spans, settings)


def _merge_small(text: str, spans: list[tuple[int, int]], settings: ChunkSettings) -> list[tuple[int, int]]:
    # The splitter leaves a heading ("§ 5 Budget") alone when the text after it is too long;
    # a piece that small is joined to the next one whenever the two still fit the window.
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            prev_start, prev_end = merged[-1]
            small = word_count(text[prev_start:prev_end]) < settings.overlap_words
            if small and word_count(text[prev_start:end]) <= settings.max_words:
                merged[-1] = (prev_start, max(prev_end, end))
                continue
        merged.append((start, end))
    return merged


def chunk_protocol(protocol: Protocol, settings: ChunkSettings | None = None) -> list[Chunk]:
    """All chunks of a protocol, paragraph by paragraph, each carrying its paragraph reference:
    the paragraph chunks (one per paragraph unless it is too long), then its sentence windows."""
    settings = settings or ChunkSettings()
    chunks: list[Chunk] = []
    for position, paragraph in enumerate(protocol.paragraphs):
        context = context_line(protocol, paragraph)
        views = [(ChunkKind.PARAGRAPH, split_offsets(paragraph.text, settings))]
        if settings.window_words > 0:
            views.append((ChunkKind.WINDOW, window_spans(paragraph.text, settings.window_words)))
        for kind, spans in views:
            for part, (start, end) in enumerate(spans):
                chunks.append(
                    Chunk(
                        id=chunk_id(protocol.source, paragraph.number, part, kind),
                        file=protocol.source,
                        paragraph=paragraph.number,
                        part=part,
                        start=start,
                        end=end,
                        text=paragraph.text[start:end],
                        context=context,
                        kind=kind,
                        position=position,
                    )
                )
    return chunks
