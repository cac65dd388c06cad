"""The Gradio web UI in Swedish: a factory and plain handler functions over a Searcher."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from indexer.errors import QueryError

if TYPE_CHECKING:
    from app.live import LiveSearcher
    from app.search import Searcher
    from indexer.models import Hit

TITLE = "Protokollsök"
INTRO = "Ställ en fråga om vad som beslutats eller diskuterats. Varje träff har en källa att citera."
EXAMPLES = (
    "Vad beslutades om balanskontot?",
    "Hur mycket statsbidrag fick regionalt yrkesvux?",
    "Mobilfri grundskola",
    "Kriskommission för skolan",
)


def render_hit(hit: Hit) -> str:
    """One hit as HTML: citation, title, the quote, and the whole paragraph folded away. Escaped."""
    esc = html.escape
    return (
        f'<article class="hit"><h3>{hit.rank}. {esc(hit.title or "(utan rubrik)")}</h3>'
        f'<p class="citation"><strong>Källa:</strong> {esc(hit.citation)}</p>'
        f"<blockquote>{esc(hit.quote)}</blockquote>"
        f"<details><summary>Hela paragrafen ({esc(hit.file)})</summary>"
        f'<pre style="white-space: pre-wrap">{esc(hit.text)}</pre></details></article>'
    )


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

    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"# {TITLE}\n{INTRO}")
        with gr.Row():
            question = gr.Textbox(label="Fråga", placeholder="Vad beslutades om yrkesvux?", scale=4)
            k = gr.Slider(1, 20, value=5, step=1, label="Antal träffar", scale=1)
        button = gr.Button("Sök", variant="primary")
        results = gr.HTML(label="Träffar")
        gr.Examples(list(EXAMPLES), inputs=question)
        button.click(on_search, inputs=[question, k], outputs=results)
        question.submit(on_search, inputs=[question, k], outputs=results)
    return app
