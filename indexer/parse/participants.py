"""Participants named in a protocol header: labelled lists and signature blocks, with roles."""

from __future__ import annotations

import re

from indexer.models import Participant, Role

# Header labels (case-folded, without the colon) and the role of the names listed under them.
# None marks a grouping label ("Närvarande") that opens no list by itself.
LABEL_ROLES: dict[str, Role | None] = {
    "närvarande": None,
    "beslutande": Role.BESLUTANDE,
    "beslutande ledamöter": Role.BESLUTANDE,
    "ledamöter": Role.BESLUTANDE,
    "närvarande ledamöter": Role.BESLUTANDE,
    "tjänstgörande ersättare": Role.BESLUTANDE,
    "ej tjänstgörande ersättare": Role.OVRIGA,
    "övriga ersättare": Role.OVRIGA,
    "närvarande ersättare": Role.OVRIGA,
    "ersättare": Role.OVRIGA,
    "övriga": Role.OVRIGA,
    "övriga deltagare": Role.OVRIGA,
    "övriga deltagande": Role.OVRIGA,
    "övriga närvarande": Role.OVRIGA,
    "tjänstemän": Role.OVRIGA,
    "närvarande tjänstemän": Role.OVRIGA,
    "frånvarande": Role.FRANVARANDE,
    "frånvarande ledamöter": Role.FRANVARANDE,
    "ordförande": Role.ORDFORANDE,
    "sekreterare": Role.SEKRETERARE,
    "vid protokollet": Role.SEKRETERARE,
    "utses att justera": Role.JUSTERARE,
    "justerare": Role.JUSTERARE,
    "justerande": Role.JUSTERARE,
}
# One-person roles that may also stand before a name with a single space ("Sekreterare Samuel
# Dahlman") or under it, signature style ("Irén Lejgren" / "Ordförande").
_SIGNATURE_ROLES: dict[str, Role] = {
    "ordförande": Role.ORDFORANDE,
    "sekreterare": Role.SEKRETERARE,
    "justerare": Role.JUSTERARE,
    "justerande": Role.JUSTERARE,
}
# Words after which a multi-person line ("Tina Hededal, Essunga Anneli Alm, Falköping ...")
# has finished the affiliation and starts the next name.
_AFFILIATION_ENDS = frozenset({"kommunalförbund", "kommun", "län", "stad", "region", "kommunförbund"})
_NAME_PARTICLES = frozenset({"von", "af", "de", "van", "der", "la", "del"})
MIN_NAME_WORDS = 2
MAX_NAME_WORDS = 5

_COLUMNS_RE = re.compile(r"\t+|\s{2,}")
_NAME_TOKEN_RE = re.compile(r"[A-ZÅÄÖÉÜ][\w'.\-]*")
_NAME_END_RE = re.compile(r",|\(|§|\t|\s{2,}| ersätter ")
_PARAGRAPH_SPAN_RE = re.compile(r"\s*§§?\s*\d[\d\s,–-]*$")
_SIGNATURE_LABEL_RE = re.compile(r"^(Ordförande|Sekreterare|Justerare|Justerande) ([A-ZÅÄÖÉ].*)$")
_LABEL_COLON_RE = re.compile(r"([^:]{1,45}):(?=\s|$)")
_RULE_RE = re.compile(r"^[-_=–\s]*$")


def _is_name(text: str) -> bool:
    head = _NAME_END_RE.split(text, maxsplit=1)[0].strip()
    words = head.split()
    if not MIN_NAME_WORDS <= len(words) <= MAX_NAME_WORDS:
        return False
    return all(_NAME_TOKEN_RE.fullmatch(w) or w in _NAME_PARTICLES for w in words) and not any(
        c.isdigit() for c in head
    )


def _tidy(text: str) -> str:
    """ "Åsa Mikkelsen (M) § 27 - 33" -> "Åsa Mikkelsen (M)"; columns become ", "."""
    text = text.split(" ersätter ", 1)[0]
    if "§" in text:
        text = _PARAGRAPH_SPAN_RE.sub("", text)
    return ", ".join(c.strip() for c in _COLUMNS_RE.split(text.strip()) if c.strip()).strip(" ,")


def _split_people(value: str) -> list[str]:
    """One value may list several "Name, Affiliation" pairs run together (000's header)."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) < 3:
        return [value]
    people: list[str] = []
    name = parts[0]
    for middle in parts[1:-1]:
        tokens = middle.split()
        end = next((k for k, t in enumerate(tokens) if t.casefold() in _AFFILIATION_ENDS), 0)
        people.append(f"{name}, {' '.join(tokens[: end + 1])}")
        name = " ".join(tokens[end + 1 :])
    people.append(f"{name}, {parts[-1]}")
    return people if all(_is_name(p) for p in people) else [value]


def _label(line: str) -> tuple[str, str, bool] | None:
    """(label, value, explicit) when the line starts with a label; explicit: it had a colon."""
    stripped = line.strip()
    colon = _LABEL_COLON_RE.match(stripped)
    if colon:
        return colon.group(1).strip(), stripped[colon.end() :].strip(), True
    columns = _COLUMNS_RE.split(stripped, maxsplit=1)
    if columns[0].casefold() in LABEL_ROLES:
        return columns[0], (columns[1] if len(columns) > 1 else "").strip(), False
    sig = _SIGNATURE_LABEL_RE.match(stripped)
    if sig and _is_name(sig.group(2)):
        return sig.group(1), sig.group(2), False
    return None


def parse_participants(lines: list[str]) -> tuple[Participant, ...]:
    """Names and roles from header lines (page furniture already removed)."""
    found: list[Participant] = []
    role: Role | None = None
    skip_next = False
    for i, line in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        stripped = line.strip()
        if not stripped or _RULE_RE.match(stripped):
            continue
        labelled = _label(stripped)
        if labelled is not None:
            label, value, explicit = labelled
            key = label.casefold()
            if key in LABEL_ROLES:
                role = LABEL_ROLES[key]
                if value and role is not None:
                    found.extend(_people(value, role))
                continue
            if explicit:
                role = None  # another header field ("Paragrafer:", "Justering:")
                continue
        following = lines[i + 1].strip().casefold() if i + 1 < len(lines) else ""
        if following in _SIGNATURE_ROLES and _is_name(stripped):
            found.append(Participant(_tidy(stripped), _SIGNATURE_ROLES[following]))
            skip_next = True
            continue
        if role is not None and _is_name(stripped):
            found.extend(_people(stripped, role))
        elif not _is_name(stripped):
            role = None
    return tuple(dict.fromkeys(found))


def _people(value: str, role: Role) -> list[Participant]:
    return [Participant(_tidy(p), role) for p in _split_people(value) if _is_name(p)]
