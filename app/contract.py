"""The JSON the tools return: `search --json` hits, `ask --json` answers. One contract for the CLI, the
web API and the MCP tools: keys are added, never renamed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.models import record_dict

if TYPE_CHECKING:
    from app.answer import Answer
    from indexer.models import Hit

__all__ = ["ASK_KEYS", "JSON_KEYS", "answer_to_json", "hit_to_json"]

JSON_KEYS = (
    "rank",
    "score",
    "file",
    "paragraph",
    "title",
    "case_number",
    "organisation",
    "body",
    "date",
    "citation",
    "text",
    "quote",
    "quote_start",
    "quote_end",
    "match",
    "decision",
    "matter",
    "outcome",
    "matter_appearances",
    "matter_path",
    "related",
    "votes",
    "reservations",
    "pages",
    "ocr",
)
"""The keys of a `search --json` hit: a contract other tools read. Add keys, never rename."""
ASK_KEYS = ("answer", "confident", "kind", "citations", "parts")
"""The keys of `ask --json`: citations are hits as in `search --json`; parts are {"text", "citation",
"start", "end"} (citation 0: framing from parsed fields; n: text[start:end] of citations[n-1])."""


def hit_to_json(hit: Hit) -> dict[str, object]:
    data = record_dict(hit)
    return {key: data[key] for key in JSON_KEYS}


def answer_to_json(answer: Answer) -> dict[str, object]:
    return {
        "answer": answer.answer,
        "confident": answer.confident,
        "kind": answer.kind,
        "citations": [hit_to_json(h) for h in answer.citations],
        "parts": [{"text": p.text, "citation": p.citation, "start": p.start, "end": p.end} for p in answer.parts],
    }
