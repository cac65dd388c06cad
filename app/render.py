"""HTML of the web UI, as pure functions of records: the answer with linked markers, hits that can be cited,
matter paths, the matter view. Everything from a protocol or a question is escaped here and nowhere else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.protocol_page import highlighted, protocol_link

if TYPE_CHECKING:
    from app.answer import Answer
    from app.parts import Part
    from indexer.models import Hit, MatterStep

RELEVANCE_MARGIN = 2.5
"""A hit whose fused score is more than 2.5 z-units below the best, and that the question does not name, is
folded under "Mindre relevanta träffar". On the project's 297 answerable questions (tests/eval: answers,
heldout, corpus, hard, dev; real model) this keeps 95.8 % of gold paragraphs in view and folds 60.5 % of
the others among the top 5 (margin 2.0: 93.4 % / 65.9 %; 3.0: 97.0 % / 57.6 %)."""

OCR_NOTE = "Texten är maskinläst (OCR) från en inskannad sida: jämför med originalet innan du citerar."
_MARKER = re.compile(r"\[(\d+)\]")
esc = html.escape


def marker_link(n: int) -> str:
    return f'<a class="marker" href="#hit-{n}">[{n}]</a>'


def render_answer_text(parts: Sequence[Part]) -> str:
    """The answer's parts: quotes in `<q>` followed by a link to their hit; markers inside the framing
    (a matter path's `[2]`) linked too."""
    out = []
    for part in parts:
        if part.citation:
            out.append(f"<q>{esc(part.text)}</q> {marker_link(part.citation)}")
        else:
            out.append(_MARKER.sub(lambda m: marker_link(int(m.group(1))), esc(part.text)))
    return "".join(out).strip().replace("\n", "<br>")


def render_answer(answer: Answer, asked: str | None = None) -> str:
    """The answer above the hits; when it is not confident, that is said first and plainly."""
    note = (
        ""
        if answer.confident
        else '<p class="not-confident"><strong>Protokollen verkar inte svara på frågan.</strong> '
        "Här är det närmaste som finns.</p>"
    )
    resolved = f'<p class="resolved">Tolkad som: <em>{esc(asked)}</em></p>' if asked else ""
    return (
        f'<section class="answer"><h2>Svar</h2>{resolved}{note}'
        f'<p class="answer-text">{render_answer_text(answer.parts)}</p></section>'
    )


def copy_text(hit: Hit) -> str:
    """What the copy button puts on the clipboard: the citation, then the quote."""
    quote = " ".join(hit.quote.split())
    return f"{hit.citation}: »{quote}«" if quote else hit.citation


def outcome_label(outcome: str | None, proposal_to: str | None, proposed: str | None) -> str:
    """`avslag`, or `förslag till Kommunfullmäktige: avslag` for a proposal (not escaped)."""
    if proposal_to:
        return f"förslag till {proposal_to}: {proposed or '–'}"
    return outcome or "–"


def step_label(step: MatterStep) -> str:
    """`2025-01-15 · Kommunstyrelsen · § 29 · förslag till Kommunfullmäktige: avslag` (escaped)."""
    outcome = outcome_label(step.outcome, step.proposal_to, step.proposed)
    return " · ".join(esc(p) for p in (step.date or "odaterat", step.body, f"§ {step.paragraph}", outcome))


def render_path(hit: Hit) -> str:
    """The hit's matter as a compact timeline (its own meeting marked), and same-titled items of other
    meetings folded; empty for a paragraph that stands alone."""
    out = ""
    if hit.matter_appearances > 1:
        items = "".join(
            f'<li class="here"><strong>{step_label(s)}</strong></li>'
            if (s.file, s.paragraph) == (hit.file, hit.paragraph)
            else f"<li>{step_label(s)}</li>"
            for s in hit.matter_path
        )
        out += (
            f'<div class="matter"><p>Ärende {esc(hit.matter or "")} i {hit.matter_appearances} möten:</p>'
            f'<ol class="matter-path">{items}</ol></div>'
        )
    if hit.related:
        items = "".join(f"<li>{step_label(s)}</li>" for s in hit.related)
        out += f'<details class="related"><summary>Samma rubrik i andra möten</summary><ul>{items}</ul></details>'
    return out


def render_hit(hit: Hit, n: int | None = None) -> str:
    """One hit: its citation as heading, title, decision set apart, quote, matter path, the paragraph
    folded with the quote marked, a copy button and a link that opens the protocol at the paragraph."""
    n = hit.rank if n is None else n
    decision = (
        f'<div class="decision"><strong>Beslut:</strong> {esc(" ".join(hit.decision.split()))}</div>'
        if hit.decision
        else ""
    )
    link = protocol_link(hit.file, hit.paragraph, hit.quote_start, hit.quote_end)
    paragraph = highlighted(hit.text, (hit.quote_start, hit.quote_end), mark_id=None)
    in_decision = bool(hit.decision) and " ".join(hit.quote.split()) in " ".join((hit.decision or "").split())
    quote = "" if in_decision else f"<blockquote>{esc(hit.quote)}</blockquote>"  # the decision box says it
    ocr = f'<p class="ocr">{OCR_NOTE}</p>' if hit.ocr else ""
    return (
        f'<article class="hit" id="hit-{n}"><h3 class="citation">[{n}] {esc(hit.citation)}</h3>'
        f'<p class="title">{esc(hit.title or "(utan rubrik)")}</p>{ocr}{decision}'
        f"{quote}{render_path(hit)}"
        f'<p class="actions"><button type="button" class="copy" data-citation="{esc(copy_text(hit))}">'
        f'Kopiera källa</button> <a class="open" href="{esc(link)}" target="_blank" rel="noopener">'
        f"Öppna protokollet</a></p>"
        f"<details><summary>Hela paragrafen ({esc(hit.file)})</summary>"
        f'<pre class="paragraph">{paragraph}</pre></details></article>'
    )


def render_same_matter(hit: Hit, n: int) -> str:
    """A further hit on a matter already shown: one line, still an anchor for its marker."""
    return (
        f'<article class="hit same-matter" id="hit-{n}"><p>[{n}] {esc(hit.citation)}'
        f"{' — ' + esc(hit.outcome) if hit.outcome else ''}</p></article>"
    )


def is_relevant(hit: Hit, best: Hit) -> bool:
    """Named by the question, or within RELEVANCE_MARGIN of the best hit's score."""
    return bool(hit.match) or best.score - hit.score <= RELEVANCE_MARGIN


def render_hits(hits: Sequence[Hit], fold: bool = True, numbers: Sequence[int] | None = None) -> str:
    """Hits in the order given; `numbers` are their markers (default 1, 2, …: marker n is the answer's
    citation n). Hits on a matter already shown become one line under that matter's first hit; with
    `fold`, hits judged unrelated go under "Mindre relevanta träffar"."""
    if not hits:
        return ""
    groups: list[tuple[int, Hit, list[str]]] = []  # (marker, first hit of a matter, the others' lines)
    by_matter: dict[tuple[str, str], list[str]] = {}
    for n, hit in zip(numbers or range(1, len(hits) + 1), hits):
        key = (hit.matter or "", hit.organisation)
        if hit.matter and key in by_matter:
            by_matter[key].append(render_same_matter(hit, n))
            continue
        members: list[str] = []
        if hit.matter:
            by_matter[key] = members
        groups.append((n, hit, members))
    main: list[str] = []
    less: list[str] = []
    for n, hit, members in groups:
        target = main if not fold or hit is hits[0] or is_relevant(hit, hits[0]) else less
        target.append(render_hit(hit, n) + "".join(members))
    out = '<section class="hits"><h2>Källor</h2>' + "\n".join(main)
    if less:
        out += '<details class="less-relevant"><summary>Mindre relevanta träffar</summary>' + "\n".join(less)
        out += "</details>"
    return out + "</section>"


def render_matter(data: dict[str, Any]) -> str:
    """A matter's path (`matter --json`): each meeting with its outcome, decision, votes and reservations."""
    rows = []
    for a in data["appearances"]:
        outcome = outcome_label(a["outcome"], a["proposal_to"], a["proposed"])
        details = "".join(
            f"<li>Omröstning: {v['yes']} ja, {v['no']} nej, {v['abstain']} avstår</li>" for v in a["votes"]
        ) + "".join(f"<li>Reservation: {esc(' '.join(r['text'].split()))}</li>" for r in a["reservations"])
        link = protocol_link(a["file"], a["paragraph"])
        rows.append(
            f'<li class="appearance"><strong>{esc(a["date"] or "odaterat")} · {esc(a["body"])} · '
            f"§ {esc(a['paragraph'])} · {esc(outcome)}</strong>"
            f"<blockquote>{esc(a['decision'] or '')}</blockquote>"
            + (f"<ul>{details}</ul>" if details else "")
            + f'<p class="citation"><strong>Källa:</strong> {esc(a["citation"])} '
            f'<a href="{esc(link)}" target="_blank" rel="noopener">Öppna protokollet</a></p></li>'
        )
    return (
        f'<section class="matter-view"><h3>{esc(data["matter"])} — {esc(data["organisation"])}</h3>'
        f"<p>{esc(data['title'])}</p><p>Status: <strong>{esc(data['status'] or '–')}</strong></p>"
        f"<ol>{''.join(rows)}</ol></section>"
    )


def message(text: str) -> str:
    """A Swedish notice in place of results (no match, a filter that excludes everything)."""
    return f'<p class="message">{esc(text)}</p>'
