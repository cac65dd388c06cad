"""Sidecar files: `NAME.meta.json` next to `NAME.pdf` says what the document lacks or garbles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from indexer.errors import ProtocolParseError
from indexer.models import ProtocolMeta

SIDECAR_SUFFIX = ".meta.json"
META_FIELDS = ("organisation", "body", "date")
MAX_SIDECAR_BYTES = 64 * 1024
"""A sidecar holds three short strings; anything bigger is not one."""


def sidecar_path(path: Path) -> Path:
    """`Protokoll KS 2025-03-12.pdf` → `Protokoll KS 2025-03-12.meta.json` (shared by every format of it)."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def parse_meta(data: bytes, name: str) -> ProtocolMeta:
    """A sidecar's JSON object: any of organisation, body (non-empty strings) and date (YYYY-MM-DD)."""
    if len(data) > MAX_SIDECAR_BYTES:
        raise ProtocolParseError(f"{name}: too large for a sidecar ({len(data)} bytes)")
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProtocolParseError(f"{name}: not valid JSON ({error})") from None
    if not isinstance(value, dict):
        raise ProtocolParseError(f"{name}: expected a JSON object with {', '.join(META_FIELDS)}")
    unknown = sorted(set(value) - set(META_FIELDS))
    if unknown:
        raise ProtocolParseError(f"{name}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(META_FIELDS)}")
    for field, given in value.items():
        if not isinstance(given, str) or not given.strip():
            raise ProtocolParseError(f"{name}: {field} must be a non-empty string")
    when = value.get("date")
    if when is not None:
        try:
            date.fromisoformat(when)
        except ValueError:
            raise ProtocolParseError(f"{name}: date {when!r} is not YYYY-MM-DD") from None
    return ProtocolMeta(**{k: " ".join(v.split()) for k, v in value.items()})


def read_meta(path: Path) -> ProtocolMeta | None:
    """The sidecar of a protocol file, if it has one."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return None
    try:
        data = sidecar.read_bytes()
    except OSError as error:
        raise ProtocolParseError(f"{sidecar.name}: cannot read the file ({error.strerror})") from None
    return parse_meta(data, sidecar.name)
