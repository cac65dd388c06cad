"""The Gradio web UI in Swedish: a factory and plain handler functions over a Searcher."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from indexer.errors import QueryError

if TYPE_CHECKING:
    from app.live import LiveSearcher
    from app.search import Searcher
    from indexer.models import Hit, MatterStep

TITLE = "Protokollsök"
INTRO = "Ställ en fråga om vad som beslutats eller diskuterats. Varje träff har en källa att citera."
EXAMPLES = (
    "Vad beslutades om balanskontot?",
    "Hur mycket statsbidrag fick regionalt yrkesvux?",
    "Mobilfri grundskola",
    "Kriskommission för skolan",
)


def step_label(step: MatterStep) -> str:
    """`2025-01-15 · Kommunstyrelsen · § 29 · förslag till Kommunfullmäktige: avslag` (escaped)."""
    outcome = step.outcome or "–"
    if step.proposal_to:
        outcome = f"förslag till {step.proposal_to}: {step.proposed or '–'}"
    parts = (step.date or "odaterat", step.body, f"§ {step.paragraph}", outcome)
    return " · ".join(html.escape(p) for p in parts)


def render_path(hit: Hit) -> str:
    """The hit's matter as a compact timeline (its own meeting marked), and related items of other
    meetings; empty for a paragraph that stands alone."""
    out = ""
    if hit.matter_appearances > 1:
        items = "".join(
            f"<li><strong>{step_label(s)}</strong></li>"
            if (s.file, s.paragraph) == (hit.file, hit.paragraph)
            else f"<li>{step_label(s)}</li>"
            for s in hit.matter_path
        )
        out += (
            f'<div class="matter"><p>Ärende {html.escape(hit.matter or "")} i {hit.matter_appearances} möten:</p>'
            f'<ol class="matter-path">{items}</ol></div>'
        )
    if hit.related:
        items = "".join(f"<li>{step_label(s)}</li>" for s in hit.related)
        out += f'<details class="related"><summary>Samma rubrik i andra möten</summary><ul>{items}</ul></details>'
    return out


def render_hit(hit: Hit) -> str:
    """One hit as HTML: citation, title, the quote, its matter's path, and the whole paragraph folded
    away. Escaped."""
    esc = html.escape
    return (
        f'<article class="hit"><h3>{hit.rank}. {esc(hit.title or "(utan rubrik)")}</h3>'
        f'<p class="citation"><strong>Källa:</strong> {esc(hit.citation)}</p>'
        f"<blockquote>{esc(hit.quote)}</blockquote>"
        f"{render_path(hit)}"
        f"<details><summary>Hela paragrafen ({esc(hit.file)})</summary>"
        f'<pre style="white-space: pre-wrap">{esc(hit.text)}</pre></details></article>'
    )


def render_matter(data: dict[str, Any]) -> str:
    """A matter's path as HTML: each meeting with its outcome, decision, votes and reservations. Escaped."""
    esc = html.escape
    rows = []
    for a in data["appearances"]:
        outcome = a["outcome"] or "–"
        if a["proposal_to"]:
            outcome = f"förslag till {a['proposal_to']}: {a['proposed'] or '–'}"
        details = "".join(
            f"<li>Omröstning: {v['yes']} ja, {v['no']} nej, {v['abstain']} avstår</li>" for v in a["votes"]
        ) + "".join(f"<li>Reservation: {esc(' '.join(r['text'].split()))}</li>" for r in a["reservations"])
        rows.append(
            f'<li class="appearance"><strong>{esc(a["date"] or "odaterat")} · {esc(a["body"])} · '
            f"§ {esc(a['paragraph'])} · {esc(outcome)}</strong>"
            f"<blockquote>{esc(a['decision'] or '')}</blockquote>"
            + (f"<ul>{details}</ul>" if details else "")
            + f'<p class="citation"><strong>Källa:</strong> {esc(a["citation"])}</p></li>'
        )
    return (
        f'<section class="matter-view"><h3>{esc(data["matter"])} — {esc(data["organisation"])}</h3>'
        f"<p>{esc(data['title'])}</p><p>Status: <strong>{esc(data['status'] or '–')}</strong></p>"
        f"<ol>{''.join(rows)}</ol></section>"
    )


def matter_handler(searcher: Searcher | LiveSearcher, written: str) -> str:
    """Handle a case number from the Ärenden view: its matter's path; bad input is a Swedish message."""
    import gradio as gr

    from app.live import LiveSearcher
    from app.matters import find_matters, matter_json

    current = searcher.get() if isinstance(searcher, LiveSearcher) else searcher
    if not (written or "").strip():
        raise gr.Error("Skriv ett ärendenummer, t.ex. SLK-2024-00704.")
    try:
        found = find_matters(current.index, written)
    except QueryError:
        raise gr.Error(f"»{written.strip()}« är inget ärendenummer (t.ex. SLK-2024-00704, BUN/2023:206).") from None
    if not found:
        return f"<p>Ärendet <em>{html.escape(written.strip())}</em> finns inte i protokollen.</p>"
    return "\n".join(render_matter(matter_json(current.index, m)) for m in found)


def render_results(question: str, hits: list[Hit]) -> str:
    if not hits:
        return f"<p>Inga träffar för <em>{html.escape(question)}</em>.</p>"
    return "\n".join(render_hit(h) for h in hits)


def search_handler(searcher: Searcher | LiveSearcher, question: str, k: float = 5) -> str:
    """Handle a question from the UI: HTML of the hits; bad input becomes a Swedish message."""
    import gradio as gr

    from app.live import LiveSearcher

    current = searcher.get() if isinstance(searcher, LiveSearcher) else searcher
    try:
        hits = current.search(question or "", k=int(k))
    except QueryError:
        raise gr.Error("Skriv en fråga.") from None
    return render_results(question, hits)


def build_app(searcher: Searcher | LiveSearcher) -> Any:
    """The Blocks app; launched only by `protokoll serve`."""
    import gradio as gr

    def on_search(question: str, k: float) -> str:
        return search_handler(searcher, question, k)

    def on_matter(written: str) -> str:
        return matter_handler(searcher, written)

    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"# {TITLE}\n{INTRO}")
        with gr.Tab("Sök"):
            with gr.Row():
                question = gr.Textbox(label="Fråga", placeholder="Vad beslutades om yrkesvux?", scale=4)
                k = gr.Slider(1, 20, value=5, step=1, label="Antal träffar", scale=1)
            button = gr.Button("Sök", variant="primary")
            results = gr.HTML(label="Träffar")
            gr.Examples(list(EXAMPLES), inputs=question)
            button.click(on_search, inputs=[question, k], outputs=results)
            question.submit(on_search, inputs=[question, k], outputs=results)
        with gr.Tab("Ärenden"):
            case = gr.Textbox(label="Ärendenummer", placeholder="SLK-2024-00704")
            look_up = gr.Button("Visa ärendet", variant="primary")
            matter = gr.HTML(label="Ärendet")
            look_up.click(on_matter, inputs=case, outputs=matter)
            case.submit(on_matter, inputs=case, outputs=matter)
    return app
