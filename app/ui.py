"""The Gradio web UI in Swedish: views (Sök, Ärenden, Protokoll, Om), the JSON API, the protocol pages.

Handlers are plain methods over `current()` (the searcher of the index as it is now) and return HTML made
by `app/render.py`; `build_app` only lays out the page and wires events. Bad input becomes a Swedish
`gr.Error`, never a trace.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from app.api import Api, filters_of
from app.conversation import MAX_TURNS, Turn, resolve
from app.protocol_page import (
    PROTOCOL_ROUTE,
    paragraph_counts,
    protocol_link,
    protocol_paragraphs,
    render_protocol,
    render_protocol_list,
)
from app.render import message, render_answer, render_hits, render_matter
from indexer.errors import IndexMissingError, ProtokollError, QueryError

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from app.live import LiveSearcher
    from app.search import Searcher
    from app.upload import Uploads

TITLE = "Protokollsök"
INTRO = (
    "Ställ en fråga om vad som beslutats eller diskuterats. Svaret citerar protokollen ordagrant; "
    "varje källa kan kopieras och öppnas."
)
EXAMPLES = (
    "Vad beslutades om balanskontot?",
    "Hur mycket statsbidrag fick regionalt yrkesvux?",
    "Vad beslutades om mobilfri grundskola?",
    "Hur röstade fullmäktige om motionen om allvarsamtal?",
)
SORTS = ("Relevans", "Datum (nyast först)")
READ_ONLY = "Den här servern tar inte emot nya protokoll (startad med --read-only)."
ADD_HELP = (
    "Välj protokollfiler: PDF (skannade läses med OCR), Word (.docx), en sparad webbsida (.html) eller text. "
    "En fil `NAMN.meta.json` med organisation, organ och datum rättar det som saknas i dokumentet. "
    "Filerna sparas i arkivets mapp och blir sökbara direkt."
)
NO_INDEX = "Det finns inget index ännu. Bygg det med: protokoll index (eller starta om med scripts/start.sh)."

CSS = """
.hit pre, .matter-view blockquote, .answer-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.hit { border-top: 1px solid #ddd; padding-top: .5em; }
.hit.same-matter { border-top: none; padding-top: 0; margin-left: 1.5em; font-size: .95em; }
.hit mark { background: #fff2a8; }
.decision { background: #f3f6fa; border-left: 4px solid #3a6ea5; padding: .4em .6em; margin: .4em 0; }
.not-confident { color: #8a4b00; }
.matter-path { margin: .2em 0 .4em 1.2em; }
.matter-path li.here { font-weight: bold; }
.gradio-container { max-width: 100% !important; overflow-x: hidden; }
"""
"""Long paragraphs wrap (a 390 px phone scrolls down, never sideways); the decision and quote stand out."""

HEAD = """<script>
document.addEventListener('click', function (event) {
  var button = event.target.closest('button.copy');
  if (!button) return;
  navigator.clipboard.writeText(button.dataset.citation).then(function () {
    button.textContent = 'Kopierad';
  });
});
</script>"""
"""The copy buttons' one behaviour, by event delegation: hit HTML itself carries no script."""


def _current(searcher: Searcher | LiveSearcher) -> Callable[[], Searcher]:
    from app.live import LiveSearcher

    if isinstance(searcher, LiveSearcher):
        return searcher.get
    return lambda: searcher


class Handlers:
    """What the page's events call: plain methods, tested without a browser. Without `uploads` the app
    is read-only: the "Lägg till" tab says so."""

    def __init__(self, searcher: Searcher | LiveSearcher, uploads: Uploads | None = None) -> None:
        self.current = _current(searcher)
        self.api = Api(self.searcher)
        self.uploads = uploads

    def searcher(self) -> Searcher:
        """The searcher now; no index yet is a Swedish message."""
        import gradio as gr

        try:
            return self.current()
        except IndexMissingError:
            raise gr.Error(NO_INDEX) from None
        except ProtokollError as error:
            raise gr.Error(f"Indexet kan inte läsas: {error}") from None

    def ask(
        self,
        question: str,
        k: float = 5,
        organisations: Sequence[str] | None = None,
        bodies: Sequence[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        decisions_only: bool = False,
        sort: str = SORTS[0],
        history: list[Turn] | None = None,
    ) -> tuple[str, list[Turn]]:
        """The answer and its sources for a question (read in the context of the conversation so far)."""
        import gradio as gr

        from app.answer import Answerer

        question = (question or "").strip()
        if not question:
            raise gr.Error("Skriv en fråga.")
        history = list(history or [])
        searcher = self.searcher()
        filters = filters_of(";".join(bodies or ()), ";".join(organisations or ()), date_from, date_to, decisions_only)
        try:
            if searcher.paragraphs_allowed(filters) == 0:
                return message("Inga paragrafer matchar filtren. Ta bort något filter och försök igen."), history
            resolved = resolve(searcher, question, history)
            with self.api.gate.turn():
                answer = Answerer(searcher).answer(resolved, filters, int(k))
        except QueryError as error:
            raise gr.Error(str(error)) from None
        if not answer.citations:
            return message(f"Inga träffar för »{question}«."), history
        matter = answer.citations[0].matter if answer.confident else None
        history = [*history, Turn(question, resolved, matter)][-MAX_TURNS:]
        hits = list(answer.citations)
        if sort == SORTS[1]:
            order = sorted(range(len(hits)), key=lambda i: hits[i].date or "", reverse=True)
            shown = render_hits([hits[i] for i in order], fold=False, numbers=[i + 1 for i in order])
        else:
            shown = render_hits(hits)
        asked = resolved if resolved != question else None
        return render_answer(answer, asked) + shown, history

    def matter(self, written: str) -> str:
        """A case number's path across meetings; bad input is a Swedish message."""
        import gradio as gr

        from app.matters import find_matters, matter_json

        if not (written or "").strip():
            raise gr.Error("Skriv ett ärendenummer, t.ex. SLK-2024-00704.")
        index = self.searcher().index
        try:
            found = find_matters(index, written)
        except QueryError:
            raise gr.Error(f"»{written.strip()}« är inget ärendenummer (t.ex. SLK-2024-00704, BUN/2023:206).") from None
        if not found:
            return message(f"Ärendet {written.strip()} finns inte i protokollen.")
        return "\n".join(render_matter(matter_json(index, m)) for m in found)

    def protocols(self) -> str:
        """Every indexed protocol, newest first, each linking to its page."""
        index = self.searcher().index
        return render_protocol_list(index.protocols, paragraph_counts(index), protocol_link)

    def about(self) -> str:
        """What the index holds and how to add protocols."""
        index = self.searcher().index
        dates = sorted(p.date for p in index.protocols if p.date)
        span = f"{dates[0]} – {dates[-1]}" if dates else "–"
        esc = html.escape
        return (
            f"<h3>Om indexet</h3><ul><li>{len(index.protocols)} protokoll, {index.tables.n_paragraphs} "
            f"paragrafer, {index.tables.n_chunks} textavsnitt</li><li>Mötesdatum: {esc(span)}</li>"
            f"<li>Organisationer: {esc(', '.join(index.tables.organisations))}</li>"
            f"<li>Modell: {esc(index.model)}</li></ul>"
            "<h3>Frågor att ställa</h3><ul>"
            "<li><em>Vad beslutades om yrkesvux?</em> – beslutet, med nämnd, datum och §</li>"
            "<li>Ett diarienummer, t.ex. <em>SLK-2024-00704</em> eller <em>BUN/2023:196</em> – ärendets paragrafer</li>"
            "<li><em>Hur har motionen om … behandlats?</em> – ärendets väg genom mötena</li>"
            "<li><em>Vem justerade protokollet den …?</em>, <em>Var hölls mötet?</em> – ur protokollets huvud</li>"
            "<li><em>Vad beslutade kommunstyrelsen den 12 mars 2025?</em>, <em>… på sitt senaste möte?</em>, "
            "<em>Vilka motioner behandlade fullmäktige …?</em> – mötets paragrafer i ordning</li>"
            "<li><em>Vad har Axel Darvik föreslagit?</em>, <em>Vad har Axel Darvik föreslagit om parkering?</em> – "
            "en persons motioner och yrkanden, senaste först</li>"
            "<li><em>Hur röstade …?</em>, <em>Vilka reserverade sig …?</em> – omröstning och reservationer</li></ul>"
            "<p>Svaret citerar protokollen ordagrant. Står det inte i protokollen säger svaret det "
            "(<em>osäkert</em>) och visar de närmaste paragraferna.</p>"
            "<h3>Lägga till protokoll</h3><p>Ladda upp PDF, DOCX, HTML eller text under <em>Lägg till</em>, "
            "eller kör <code>protokoll add FIL…</code>. Bara nya och ändrade filer läses och bäddas in, och den "
            "här sidan svarar från det nya indexet så fort det är klart, utan omstart.</p>"
            "<h3>API</h3><p>JSON-slutpunkterna <code>/search</code>, <code>/ask</code> och <code>/matter</code> "
            "nås med <code>gradio_client</code> (se README).</p>"
        )

    def add(self, files: Sequence[str] | None, progress: Any = None) -> str:
        """Upload: the files are added to the archive and searchable when this returns (see app/upload.py)."""
        if self.uploads is None:
            return message(READ_ONLY)

        def tell(fraction: float, what: str) -> None:
            if progress is not None:
                progress(fraction, desc=what)

        return self.uploads.add_html(files, tell)

    def protocol_page(self, request: Request) -> Response:
        """`/protokoll/FILE?p=§&s=start&e=end`: the whole protocol, the quote marked in its paragraph."""
        from starlette.responses import HTMLResponse

        source = request.path_params["source"]
        try:
            protocol = protocol_paragraphs(self.current().index, source)
        except ProtokollError:
            return HTMLResponse(f"<p>{html.escape(NO_INDEX)}</p>", status_code=503)
        if protocol is None:
            return HTMLResponse(f"<p>Protokollet {html.escape(source)} finns inte i indexet.</p>", status_code=404)
        query = request.query_params
        highlight = None
        number, start, end = query.get("p"), query.get("s"), query.get("e")
        if number is not None and start is not None and end is not None and start.isdigit() and end.isdigit():
            highlight = (number, int(start), int(end))
        return HTMLResponse(render_protocol(protocol, highlight))

    def routes(self) -> list[Route]:
        """The routes beside the Gradio app: protocol pages (`launch(app_kwargs={"routes": …})`)."""
        from starlette.routing import Route

        return [Route(PROTOCOL_ROUTE + "{source:path}", self.protocol_page)]


def _gradio_errors(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """An API endpoint whose bad input reaches the client as its Swedish message (gr.Error), not "Error"."""
    import gradio as gr

    @functools.wraps(endpoint)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        except IndexMissingError:
            raise gr.Error(NO_INDEX) from None
        except ProtokollError as error:
            raise gr.Error(str(error)) from None

    return call


def build_app(searcher: Searcher | LiveSearcher, uploads: Uploads | None = None) -> Any:
    """The Blocks app with its API endpoints; `serve` launches it."""
    import gradio as gr

    handlers = Handlers(searcher, uploads)
    names = handlers.searcher().index.tables

    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"# {TITLE}\n{INTRO}")
        with gr.Tab("Sök"):
            history = gr.State([])
            with gr.Row():
                question = gr.Textbox(label="Fråga", placeholder="Vad beslutades om yrkesvux?", scale=4)
                ask = gr.Button("Sök", variant="primary", scale=1)
            with gr.Accordion("Filter", open=False):
                with gr.Row():
                    organisations = gr.Dropdown(list(names.organisations), multiselect=True, label="Organisation")
                    bodies = gr.Dropdown(list(names.bodies), multiselect=True, label="Organ")
                with gr.Row():
                    date_from = gr.Textbox(label="Från datum", placeholder="ÅÅÅÅ-MM-DD")
                    date_to = gr.Textbox(label="Till datum", placeholder="ÅÅÅÅ-MM-DD")
                with gr.Row():
                    decisions_only = gr.Checkbox(label="Bara paragrafer med beslut")
                    k = gr.Slider(1, 20, value=5, step=1, label="Antal källor")
                    sort = gr.Radio(list(SORTS), value=SORTS[0], label="Sortering")
            results = gr.HTML(label="Svar och källor")
            clear = gr.Button("Rensa samtalet", variant="secondary")
            gr.Examples(list(EXAMPLES), inputs=question, label="Exempel")
            inputs = [question, k, organisations, bodies, date_from, date_to, decisions_only, sort, history]
            for event in (ask.click, question.submit):
                event(
                    handlers.ask,
                    inputs,
                    [results, history],
                    api_name="ui_ask",
                    api_visibility="private",
                    # No Gradio limit (its default, 1, would serve one reader at a time, and a limit of its own
                    # queues an overload without end): the API's gate answers MAX_IN_FLIGHT at once, and a
                    # question that waits BUSY_WAIT_S for its turn is told "försök igen" in Swedish.
                    concurrency_limit=None,
                    concurrency_id="questions",
                )
            clear.click(lambda: ("", [], ""), outputs=[results, history, question], api_visibility="private")
        with gr.Tab("Ärenden"):
            case = gr.Textbox(label="Ärendenummer", placeholder="SLK-2024-00704")
            look_up = gr.Button("Visa ärendet", variant="primary")
            matter = gr.HTML(label="Ärendet")
            for event in (look_up.click, case.submit):
                event(handlers.matter, case, matter, api_name="ui_matter", api_visibility="private")
        with gr.Tab("Protokoll") as protocols_tab:
            listing = gr.HTML()
            protocols_tab.select(handlers.protocols, outputs=listing, api_visibility="private")
        with gr.Tab("Lägg till"):
            gr.Markdown(ADD_HELP if uploads is not None else READ_ONLY)
            # No `file_types`: Gradio would refuse another kind with an English notice; our handler says
            # in Swedish, by file, what was refused and why.
            files = gr.File(
                label="Protokollfiler", file_count="multiple", type="filepath", interactive=uploads is not None
            )
            add = gr.Button("Lägg till protokoll", variant="primary", interactive=uploads is not None)
            added = gr.HTML()

            def add_files(paths: list[str] | None, progress: Any = gr.Progress()) -> tuple[str, None]:  # noqa: B008
                return handlers.add(paths, progress), None  # the report names every file; the picker is emptied

            # One add at a time: the next upload waits in Gradio's queue instead of meeting the build lock.
            add.click(add_files, files, [added, files], api_visibility="private", concurrency_limit=1)
        with gr.Tab("Om") as about_tab:
            about = gr.HTML()
            about_tab.select(handlers.about, outputs=about, api_visibility="private")
        app.load(handlers.protocols, outputs=listing, api_visibility="private")
        app.load(handlers.about, outputs=about, api_visibility="private")
        for endpoint in (handlers.api.search, handlers.api.ask, handlers.api.matter):
            gr.api(_gradio_errors(endpoint), api_name=endpoint.__name__, queue=False)  # type: ignore[attr-defined]
    return app


def serve(
    searcher: Searcher | LiveSearcher,
    host: str = "127.0.0.1",
    port: int = 7860,
    uploads: Uploads | None = None,
    **launch: Any,
) -> Any:
    """Build the app and launch it with the page's style and script and the protocol pages beside it;
    never with a share link. Uploads larger than the library takes are cut off by Gradio itself.
    `launch` passes on (auth, mcp_server, prevent_thread_lock, quiet)."""
    from indexer.library import MAX_FILE_BYTES

    app = build_app(searcher, uploads)
    app.launch(
        max_file_size=MAX_FILE_BYTES,
        server_name=host,
        server_port=port,
        share=False,
        css=CSS,
        head=HEAD,
        app_kwargs={"routes": Handlers(searcher).routes()},
        **launch,
    )
    return app
