"""Scale benchmark: build time, load time, disk, memory, query latency and ANN recall at N chunks.

Run by hand: `.venv/bin/python bench/scale.py --chunks 100000 [--json] [--source-index DIR]
[--questions 200] [--workdir DIR]`. A synthetic corpus of about N chunks is recombined from the real
paragraphs of the bench index (built from corpus/ on first use), each chunk vector a noisy copy of its
real one, so no model runs per chunk. The index is written with `write_index`, then loaded and
searched in a fresh process, so its memory is the serving memory alone. Sizes are MiB. Prints a
table; with --json the last line is one JSON object. Asserts nothing.
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import hashlib
import json
import multiprocessing
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from app.evaluate import load_questions
from indexer.build import make_manifest
from indexer.chunk import ChunkSettings, chunk_id, context_line
from indexer.index.store import write_index
from indexer.models import Chunk, ChunkKind, Paragraph, Participant, Protocol, Role

ROOT = Path(__file__).resolve().parent.parent
QUESTION_SETS = tuple(ROOT / f"tests/eval/{name}.jsonl" for name in ("dev", "corpus", "hard"))
VECTORS_FILE, CHUNKS_FILE, PROTOCOLS_FILE, MANIFEST_FILE, PARAGRAPHS_FILE, TABLES_FILE = (
    "vectors.faiss",
    "chunks.jsonl",
    "protocols.json",
    "manifest.json",
    "paragraphs.jsonl",
    "tables.npz",
)

SEED = 20240823
"""Fixed, so two runs at the same size search the same corpus."""
CHUNK_NOISE_SCALE = 1.0
"""A synthetic chunk vector is its real one plus Gaussian noise shaped like the real vectors'
spread (their covariance around the mean) at this scale, renormalised: cosine ≈ 0.94 to the
original, so the ~400 copies of a chunk at 1M chunks are distinct points near their topic. e5
vectors sit in a narrow cone (two random real chunks are at cosine 0.88 here, nearest neighbours at
0.98); isotropic noise would push copies out of it (at cosine 0.875 they stood ≈ 0.77 from each other
and from most other vectors, a geometry no real archive has), and HNSW recall@10 at 100k fell to
0.93 at efSearch 400, against 0.99 with shaped noise."""
QUESTION_NOISE_COSINE = 0.9
"""Question variants (beyond the real questions) are a rephrasing away from a real question."""
DROP_WORD_RATE = 0.08
"""Share of body words dropped from each copy of a paragraph, so copies differ in term counts and
length for BM25 as well as in context line (organisation, body, date, §) and case number."""
PARAGRAPHS_PER_PROTOCOL = (5, 40)
"""Inclusive range; the real protocols hold 4 to 80 paragraphs, most 20 to 40."""
FIRST_PARAGRAPH_MAX = 200
"""Protocols number their § through the year, so a meeting's first § is anywhere from 1 to ~200."""
DATE_RANGE = (date(2019, 1, 1), date(2026, 6, 30))
"""Meetings spread over several years, as date filters and year words in questions expect."""
MUNICIPALITIES = (
    "Göteborg Stockholm Malmö Uppsala Linköping Örebro Västerås Helsingborg Norrköping Jönköping Umeå "
    "Lund Borås Eskilstuna Gävle Södertälje Karlstad Halmstad Växjö Sundsvall Luleå Trollhättan "
    "Östersund Borlänge Falun Skövde Kalmar Kristianstad Karlskrona Lomma Kiruna Visby"
).split()
BODIES = (
    "Kommunstyrelsen",
    "Kommunfullmäktige",
    "Barn- och utbildningsnämnden",
    "Socialnämnden",
    "Miljö- och byggnadsnämnden",
    "Tekniska nämnden",
    "Kultur- och fritidsnämnden",
    "Byggnadsnämnden",
    "Valnämnden",
    "Kommunstyrelsens arbetsutskott",
    "Äldrenämnden",
    "Gymnasienämnden",
)
K = 10
WARMUP_QUERIES = 3
VECTOR_BLOCK = 65_536
"""Rows per block when making or scanning vectors: 200 questions × 65k scores is 52 MB at a time."""
TIE_TOLERANCE = 1e-5
"""An ANN result whose exact score equals the 10th best (faiss and numpy round differently) is a hit."""
_YEARISH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"\S+\s+")
Span = tuple[int, int]
Vectors = NDArray[np.float32]
Rng = np.random.Generator


@dataclasses.dataclass(frozen=True, slots=True)
class Template:
    """One real paragraph as material: its chunks' spans, kinds and parts, the rows of their real
    vectors, and the places a copy may change (§ number in the heading, case numbers, droppable words)."""

    paragraph: Paragraph
    chunks: tuple[tuple[Span, ChunkKind, int], ...]
    rows: NDArray[np.int64]
    heading_number: Span | None
    case_spans: tuple[Span, ...]
    droppable: NDArray[np.int64]  # (n, 2) spans of a word and its trailing space


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """The real index as read from its files: model, chunk settings, vectors and paragraph templates."""

    model: str
    settings: ChunkSettings
    vectors: NDArray[np.float32]
    templates: tuple[Template, ...]
    organisations: tuple[str, ...]
    bodies: tuple[str, ...]
    meetings: tuple[tuple[str | None, tuple[Participant, ...]], ...]  # (place, participants) per protocol


@dataclasses.dataclass(slots=True)
class Synthetic:
    """A generated corpus: protocols, chunks, and for each chunk the row of the real vector it copies."""

    protocols: list[Protocol]
    chunks: list[Chunk]
    rows: NDArray[np.int64]


class QuestionVectors:
    """An embedder that only answers known questions, with vectors computed beforehand."""

    def __init__(self, name: str, vectors: dict[str, NDArray[np.float32]]) -> None:
        self.name = name
        self.dimension = len(next(iter(vectors.values())))
        self._vectors = {normalise_question(q): v for q, v in vectors.items()}

    def embed_documents(self, texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]:
        raise RuntimeError("the scale bench embeds no documents")

    def embed_query(self, text: str) -> NDArray[np.float32]:
        return self._vectors[normalise_question(text)]


def normalise_question(text: str) -> str:
    return " ".join(text.split())


def noise_sigma(cosine: float, dimension: int) -> float:
    """Per-coordinate sd of Gaussian noise that leaves a unit vector at `cosine` to itself once
    renormalised: the noise is near orthogonal, so cos ≈ 1 / sqrt(1 + dimension·sd²)."""
    return float(np.sqrt((1.0 / cosine**2 - 1.0) / dimension))


def noisy(vectors: Vectors, cosine: float, rng: Rng) -> Vectors:
    out = vectors + rng.standard_normal(vectors.shape, dtype=np.float32) * noise_sigma(cosine, vectors.shape[1])
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


# --- the real material -------------------------------------------------------------------------


def ensure_source_index(path: Path) -> None:
    if (path / MANIFEST_FILE).is_file():
        return
    from indexer.build import build_index
    from indexer.model.embed import SentenceTransformerEmbedder

    print(f"building the source index {path} from {ROOT / 'corpus'} (a few minutes)...", flush=True)
    build_index(ROOT / "corpus", path, SentenceTransformerEmbedder())


def read_source(path: Path) -> Source:
    """The real index, read from its files directly so the bench outlives schema changes."""
    manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    index = faiss.read_index(str(path / VECTORS_FILE))
    vectors = np.asarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)
    with open(path / CHUNKS_FILE, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    raw_protocols = json.loads((path / PROTOCOLS_FILE).read_text(encoding="utf-8"))
    if (path / PARAGRAPHS_FILE).is_file():
        # Schema 2 and later keep the paragraphs apart, line p = paragraph p in protocol order.
        with np.load(path / TABLES_FILE) as tables:
            owner = tables["paragraph_protocol"].tolist()
        with open(path / PARAGRAPHS_FILE, encoding="utf-8") as lines:
            for protocol_id, line in zip(owner, lines):
                raw_protocols[protocol_id].setdefault("paragraphs", []).append(json.loads(line))
    by_paragraph: dict[tuple[str, Any], list[int]] = {}
    for i, row in enumerate(rows):
        # Newer schemas tie a chunk to its paragraph by position, as § numbers may repeat.
        where = row["position"] if "position" in row else row["paragraph"]
        by_paragraph.setdefault((row["file"], where), []).append(i)
    templates = []
    for protocol in raw_protocols:
        for position, data in enumerate(protocol["paragraphs"]):
            where = position if rows and "position" in rows[0] else data["number"]
            template = make_template(data, rows, by_paragraph.get((protocol["source"], where), []))
            if template is not None:
                templates.append(template)
    if not templates:
        raise SystemExit(f"{path}: no paragraph of the source index could serve as a template")
    meetings = tuple(
        (p.get("place"), tuple(Participant(x["name"], Role(x["role"])) for x in p.get("participants", ())))
        for p in raw_protocols
    )
    return Source(
        model=str(manifest["model"]),
        settings=ChunkSettings(**manifest.get("chunking", {})),
        vectors=vectors,
        templates=tuple(templates),
        organisations=tuple(sorted({p["organisation"] for p in raw_protocols})),
        bodies=tuple(sorted({p["body"] for p in raw_protocols})),
        meetings=meetings,
    )


def make_template(data: dict[str, Any], rows: list[dict[str, Any]], indices: list[int]) -> Template | None:
    """A template from a paragraph and its chunks; None when it has no chunk whose span matches."""
    paragraph = Paragraph(
        number=data["number"],
        title=data["title"],
        text=data["text"],
        case_number=data.get("case_number"),
        decision=data.get("decision"),
    )
    text = paragraph.text
    kept = [i for i in indices if text[rows[i]["start"] : rows[i]["end"]] == rows[i]["text"]]
    if not kept:
        return None
    chunks = tuple(
        ((rows[i]["start"], rows[i]["end"]), ChunkKind(rows[i].get("kind", "paragraph")), int(rows[i]["part"]))
        for i in kept
    )
    boundaries = {p for (start, end), _, _ in chunks for p in (start, end)}
    if paragraph.decision and (at := text.find(paragraph.decision)) >= 0:
        boundaries |= {at, at + len(paragraph.decision)}
    heading_end = text.find("\n") if "\n" in text else len(text)
    case_spans = find_all(text, paragraph.case_number) if paragraph.case_number else ()
    return Template(
        paragraph=paragraph,
        chunks=chunks,
        rows=np.asarray(kept, dtype=np.int64),
        heading_number=heading_number_span(text[:heading_end], paragraph.number, boundaries, case_spans),
        case_spans=case_spans,
        droppable=droppable_words(text, heading_end, boundaries, case_spans),
    )


def find_all(text: str, needle: str) -> tuple[Span, ...]:
    spans, at = [], text.find(needle)
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + len(needle))
    return tuple(spans)


def heading_number_span(heading: str, number: str, boundaries: set[int], avoid: tuple[Span, ...]) -> Span | None:
    """Where the heading names the paragraph's number (`§ 97`), if a copy can renumber it safely."""
    if not number:
        return None
    match = re.search(rf"(?<![\w-]){re.escape(number)}(?![\w-])", heading)
    if match is None or crosses(match.span(), boundaries) or any(overlaps(match.span(), s) for s in avoid):
        return None
    return match.span()


def droppable_words(text: str, heading_end: int, boundaries: set[int], avoid: tuple[Span, ...]) -> NDArray[np.int64]:
    """Words after the heading (with their trailing space) that no chunk or decision starts or ends
    inside, so dropping one shifts offsets but cuts no span; a span's last word is never dropped."""
    spans = [
        m.span()
        for m in _WORD.finditer(text, heading_end)
        if not crosses(m.span(), boundaries) and not any(overlaps(m.span(), s) for s in avoid)
    ]
    return np.asarray(spans, dtype=np.int64).reshape(-1, 2)


def crosses(span: Span, boundaries: set[int]) -> bool:
    return any(span[0] < b < span[1] for b in boundaries)


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# --- the synthetic corpus ----------------------------------------------------------------------


def generate(source: Source, target_chunks: int, rng: Rng) -> Synthetic:
    """Protocols of recombined real paragraphs until there are at least `target_chunks` chunks."""
    organisations = (*source.organisations, *(f"{m} kommun" for m in MUNICIPALITIES))
    bodies = tuple(dict.fromkeys((*source.bodies, *BODIES)))
    first_day, last_day = (d.toordinal() for d in DATE_RANGE)
    has_position = "position" in {f.name for f in dataclasses.fields(Chunk)}
    corpus = Synthetic([], [], np.zeros(0, dtype=np.int64))
    rows: list[NDArray[np.int64]] = []
    while len(corpus.chunks) < target_chunks:
        meeting = date.fromordinal(int(rng.integers(first_day, last_day + 1)))
        low, high = PARAGRAPHS_PER_PROTOCOL
        count = min(len(source.templates), int(rng.integers(low, high + 1)))
        picked = [source.templates[i] for i in rng.choice(len(source.templates), size=count, replace=False)]
        first = int(rng.integers(1, FIRST_PARAGRAPH_MAX + 1))
        copies = [copy_paragraph(t, str(first + n), meeting.year, rng) for n, t in enumerate(picked)]
        place, participants = source.meetings[int(rng.integers(len(source.meetings)))]
        protocol = Protocol(
            source=f"synt_{len(corpus.protocols):06d}_{meeting.isoformat()}.txt",
            organisation=organisations[int(rng.integers(len(organisations)))],
            body=bodies[int(rng.integers(len(bodies)))],
            date=meeting.isoformat(),
            paragraphs=tuple(paragraph for paragraph, _ in copies),
            place=place,
            participants=participants,
        )
        corpus.protocols.append(protocol)
        for position, (template, (paragraph, spans)) in enumerate(zip(picked, copies)):
            context = context_line(protocol, paragraph)
            for (start, end), (_, kind, part) in zip(spans, template.chunks):
                extra = {"position": position} if has_position else {}
                corpus.chunks.append(
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
                        **extra,
                    )
                )
            rows.append(template.rows)
    corpus.rows = np.concatenate(rows)
    return corpus


def copy_paragraph(template: Template, number: str, year: int, rng: Rng) -> tuple[Paragraph, list[Span]]:
    """A copy of a real paragraph renumbered, with its case number varied and a few words dropped;
    returns it with its chunks' spans moved to match."""
    original = template.paragraph
    edits: list[tuple[int, int, str]] = []
    if template.heading_number is not None:
        edits.append((*template.heading_number, number))
    case = vary_case_number(original.case_number, year, rng) if original.case_number else None
    edits.extend((start, end, case) for start, end in template.case_spans if case)
    dropped = template.droppable[rng.random(len(template.droppable)) < DROP_WORD_RATE]
    edits.extend((int(start), int(end), "") for start, end in dropped)
    edits.sort()
    text, move = apply_edits(original.text, edits)
    decision = original.decision
    if decision and (at := original.text.find(decision)) >= 0:
        decision = text[move(at) : move(at + len(decision))]
    paragraph = Paragraph(number=number, title=original.title, text=text, case_number=case, decision=decision)
    return paragraph, [(move(start), move(end)) for (start, end), _, _ in template.chunks]


def vary_case_number(case: str, year: int, rng: Rng) -> str:
    """The same shape, another case: its year part set to the meeting's year, other digits new."""
    year_part = _YEARISH.search(case)

    def replace(digits: re.Match[str]) -> str:
        if year_part is not None and digits.span() == year_part.span():
            return str(year)
        return "".join(str(d) for d in rng.integers(0, 10, len(digits.group())))

    return _DIGITS.sub(replace, case)


def apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> tuple[str, Callable[[int], int]]:
    """`text` with sorted, non-overlapping (start, end, replacement) edits applied, and a function
    moving an offset that no length-changing edit straddles to its place in the new text."""
    pieces: list[str] = []
    ends: list[int] = []
    shifts: list[int] = []
    cursor = shift = 0
    for start, end, replacement in edits:
        pieces += (text[cursor:start], replacement)
        cursor = end
        shift += len(replacement) - (end - start)
        ends.append(end)
        shifts.append(shift)
    pieces.append(text[cursor:])

    def move(offset: int) -> int:
        done = bisect.bisect_right(ends, offset)  # edits wholly before the offset
        return offset + (shifts[done - 1] if done else 0)

    return "".join(pieces), move


def synthetic_vectors(source: Vectors, rows: NDArray[np.int64], rng: Rng) -> Vectors:
    """For each chunk a copy of the real vector it comes from plus noise shaped like the real
    vectors' covariance (CHUNK_NOISE_SCALE), renormalised; made in blocks."""
    spread = np.cov((source - source.mean(axis=0)).T) + 1e-6 * np.eye(source.shape[1])
    shape = np.linalg.cholesky(spread).T.astype(np.float32)
    out = np.empty((len(rows), source.shape[1]), dtype=np.float32)
    for start in range(0, len(rows), VECTOR_BLOCK):
        block = rows[start : start + VECTOR_BLOCK]
        noise = rng.standard_normal((len(block), source.shape[1]), dtype=np.float32) @ shape
        copy = source[block] + CHUNK_NOISE_SCALE * noise
        out[start : start + len(block)] = copy / np.linalg.norm(copy, axis=1, keepdims=True)
    return out


# --- questions ---------------------------------------------------------------------------------


def question_vectors(source_index: Path, model: str, wanted: int, rng: Rng) -> dict[str, Vectors]:
    """The real eval questions embedded once with the real model (cached beside the source index),
    then noisy variants with a year added until there are `wanted`."""
    texts = [normalise_question(q.question) for path in QUESTION_SETS if path.exists() for q in load_questions(path)]
    digest = hashlib.sha256("\n".join([model, *texts]).encode()).hexdigest()[:12]
    cache = source_index.with_name(f"{source_index.name}-questions-{digest}.npy")
    if cache.is_file():
        real = np.load(cache)
    else:
        from indexer.model.embed import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder(model)
        real = np.stack([embedder.embed_query(t) for t in texts]).astype(np.float32)
        np.save(cache, real)
    questions = dict(zip(texts[:wanted], real[:wanted]))
    years = range(DATE_RANGE[0].year, DATE_RANGE[1].year + 1)
    for n in range(max(0, wanted - len(texts))):
        base, round_ = n % len(texts), n // len(texts)
        year = years[(base + round_) % len(years)]
        text = f"{texts[base]} {year}" + (f" ({round_})" if round_ >= len(years) else "")
        questions[text] = noisy(real[base : base + 1], QUESTION_NOISE_COSINE, rng)[0]
    return questions


# --- measuring ---------------------------------------------------------------------------------


def exact_top_k(vectors: NDArray[np.float32], queries: NDArray[np.float32], k: int) -> NDArray[np.float32]:
    """The k-th best exact inner product per query, by brute force over blocks of rows."""
    best = np.full((len(queries), k), -np.inf, dtype=np.float32)
    for start in range(0, len(vectors), VECTOR_BLOCK):
        scores = np.concatenate([best, queries @ vectors[start : start + VECTOR_BLOCK].T], axis=1)
        best = -np.partition(-scores, k - 1, axis=1)[:, :k]
    return best.min(axis=1)


def recall_at_k(index_dir: Path, vectors: Vectors, queries: Vectors, k: int) -> tuple[float, str]:
    """Share of the exact top k that the stored FAISS index returns as the engine searches it (the
    first k of its CANDIDATE_CHUNKS-candidate search), and the index's type."""
    from app.search import CANDIDATE_CHUNKS
    from indexer.index.vectors import search_vectors

    index = faiss.read_index(str(index_dir / VECTORS_FILE))
    found = np.stack(
        [np.pad(search_vectors(index, q, CANDIDATE_CHUNKS)[0][:k], (0, k), constant_values=-1)[:k] for q in queries]
    )
    kth = exact_top_k(vectors, queries, k)
    valid = found >= 0
    true_scores = np.einsum("qkd,qd->qk", vectors[np.where(valid, found, 0)], queries)
    hits = valid & (true_scores >= kth[:, None] - TIE_TOLERANCE)
    return float(hits.sum() / hits.size), type(faiss.downcast_index(index)).__name__


def memory_mib() -> tuple[float, float]:
    """This process's resident memory now and at its peak (VmRSS, VmHWM), in MiB."""
    status = Path("/proc/self/status").read_text()
    values = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.startswith("Vm")}
    return values["VmRSS"] / 1024, values["VmHWM"] / 1024


def serve(index_dir: str, model: str, questions: dict[str, NDArray[np.float32]], warmup: int) -> dict[str, float]:
    """In a fresh process: load the index into a Searcher, then time each question."""
    from app.search import Searcher
    from indexer.index.store import load_index

    embedder = QuestionVectors(model, questions)
    started = time.perf_counter()
    searcher = Searcher(load_index(Path(index_dir)), embedder)
    load_s = time.perf_counter() - started
    texts = list(questions)
    warmups = [timed_search(searcher, text)[0] for text in texts[:warmup]]  # the first pays any lazy loading
    latencies, hit_counts = zip(*(timed_search(searcher, text) for text in texts))
    rss, peak = memory_mib()
    p50, p95 = np.percentile(latencies, [50, 95])
    return {
        "load_s": load_s,
        "first_ms": warmups[0] if warmups else float("nan"),
        "p50": float(p50),
        "p95": float(p95),
        "rss": rss,
        "peak": peak,
        "min_hits": float(min(hit_counts)),
    }


def timed_search(searcher: Any, question: str) -> tuple[float, int]:
    """Milliseconds one search for the top K took, and how many hits it gave."""
    started = time.perf_counter()
    hits = searcher.search(question, k=K)
    return (time.perf_counter() - started) * 1000, len(hits)


def folder_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    rng = np.random.default_rng(SEED)
    source_index = Path(args.source_index)
    ensure_source_index(source_index)
    source = read_source(source_index)
    questions = question_vectors(source_index, source.model, args.questions, rng)
    queries = np.stack(list(questions.values())).astype(np.float32)

    started = time.perf_counter()
    corpus = generate(source, args.chunks, rng)
    vectors = synthetic_vectors(source.vectors, corpus.rows, rng)
    generate_s = time.perf_counter() - started
    noise_cosine = float(np.mean(np.sum(vectors[:10_000] * source.vectors[corpus.rows[:10_000]], axis=1)))
    sizes = {
        "chunks": len(corpus.chunks),
        "protocols": len(corpus.protocols),
        "paragraphs": sum(len(p.paragraphs) for p in corpus.protocols),
    }

    index_dir = workdir / f"index-{args.chunks}"
    hashes = {p.source: hashlib.sha256(p.source.encode()).hexdigest() for p in corpus.protocols}
    manifest = make_manifest(source.model, vectors.shape[1], source.settings, corpus.protocols, corpus.chunks, hashes)
    started = time.perf_counter()
    write_index(index_dir, manifest, vectors, corpus.chunks, corpus.protocols)
    build_s = time.perf_counter() - started
    del corpus, manifest  # the serving process is measured alone; keep this one small meanwhile

    recall, index_type = recall_at_k(index_dir, vectors, queries, K)
    del vectors
    build_peak = memory_mib()[1]
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
        served = fresh.submit(serve, str(index_dir), source.model, questions, WARMUP_QUERIES).result()
    return {
        "chunks": sizes["chunks"],
        "build_s": round(build_s, 2),
        "load_s": round(served["load_s"], 2),
        "disk_mb": round(folder_mib(index_dir), 1),
        "rss_mb": round(served["rss"], 1),
        "query_p50_ms": round(served["p50"], 1),
        "query_p95_ms": round(served["p95"], 1),
        "recall_at_10": round(recall, 4),
        "peak_rss_mb": round(served["peak"], 1),
        "first_query_ms": round(served["first_ms"], 1),
        "paragraphs": sizes["paragraphs"],
        "protocols": sizes["protocols"],
        "questions": len(questions),
        "generate_s": round(generate_s, 2),
        "build_peak_rss_mb": round(build_peak, 1),
        "noise_cosine": round(noise_cosine, 3),
        "index_type": index_type,
        "min_hits": int(served["min_hits"]),
    }


def print_table(result: dict[str, Any]) -> None:
    import app.search

    print(f"code: {Path(app.search.__file__).parent.parent}")
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


def main(argv: list[str] | None = None) -> None:
    from indexer.model.embed import cache_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, required=True, help="about how many chunks to generate")
    parser.add_argument("--json", action="store_true", help="end with the results as one JSON line")
    parser.add_argument("--source-index", default=str(cache_dir() / "bench-index"), help="the real index")
    parser.add_argument("--questions", type=int, default=200, help="questions to time")
    parser.add_argument("--workdir", default=None, help="where to write the index (kept); default a temp dir")
    args = parser.parse_args(argv)
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
        result = run(args, Path(args.workdir))
    else:
        workdir = Path(tempfile.mkdtemp(prefix="scale-bench-"))
        try:
            result = run(args, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(result)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
