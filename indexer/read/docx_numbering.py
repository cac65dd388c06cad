"""Word's automatic list numbers ("1.", "2.1", "a)", "•"): rendered from numbering.xml, as Word shows them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_LEVELS = 9
"""Word lists have levels 0–8 (w:ilvl)."""
MAX_STYLE_CHAIN = 10
"""How far a paragraph style's basedOn chain is followed for its numbering; real chains are 2–4 long."""
BULLET = "•"
"""Bullets are often a private-use Symbol-font character; pdftotext shows them as this."""

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_VAL = f"{{{_W_NS}}}val"
_PRIVATE_USE_START, _PRIVATE_USE_END = "\ue000", "\uf8ff"  # Symbol/Wingdings glyphs map here
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def local_name(element: Any) -> str:
    """The tag without its namespace ("p" for w:p); "" for comments and processing instructions."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any:
    return next((c for c in element.iterchildren() if local_name(c) == name), None)


def _val(element: Any, name: str) -> str | None:
    child = _child(element, name) if element is not None else None
    return child.get(_W_VAL) if child is not None else None


def _int(text: str | None, default: int) -> int:
    return int(text) if text is not None and text.strip().lstrip("-").isdigit() else default


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str
    text: str


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else str(value)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = ""
        for size, digits in _ROMAN:
            count, value = divmod(value, size)
            roman += digits * count
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


class Numbering:
    """The list label of each numbered paragraph, counted in document order (call `label` in order)."""

    def __init__(self, numbering: Any, styles: Any) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}
        self._style_numbers: dict[str, tuple[str | None, int | None]] = {}
        self._based_on: dict[str, str] = {}
        self._counters: dict[str, list[int | None]] = {}
        if styles is not None:
            self._read_styles(styles)
        if numbering is not None:
            self._read_numbering(numbering)

    def _read_styles(self, styles: Any) -> None:
        for style in styles.iterchildren():
            style_id = style.get(f"{{{_W_NS}}}styleId")
            if local_name(style) != "style" or not style_id:
                continue
            based = _val(style, "basedOn")
            if based:
                self._based_on[style_id] = based
            num_pr = _child(_child(style, "pPr"), "numPr") if _child(style, "pPr") is not None else None
            if num_pr is not None:
                ilvl = _val(num_pr, "ilvl")
                self._style_numbers[style_id] = (_val(num_pr, "numId"), int(ilvl) if ilvl else None)

    def _read_numbering(self, numbering: Any) -> None:
        abstract: dict[str, Any] = {}
        nums: dict[str, Any] = {}
        for element in numbering.iterchildren():
            if local_name(element) == "abstractNum":
                abstract[element.get(f"{{{_W_NS}}}abstractNumId", "")] = element
            elif local_name(element) == "num":
                nums[element.get(f"{{{_W_NS}}}numId", "")] = element
        for num_id, num in nums.items():
            definition = abstract.get(_val(num, "abstractNumId") or "")
            linked = _val(definition, "numStyleLink") if definition is not None else None
            if linked:  # levels defined by a list style, whose own numbering points at them
                target = nums.get(self._style_numbers.get(linked, (None, None))[0] or "")
                definition = abstract.get(_val(target, "abstractNumId") or "") if target is not None else None
            if definition is None:
                continue
            levels = {
                _int(lvl.get(f"{{{_W_NS}}}ilvl"), 0): _Level(
                    _int(_val(lvl, "start"), 1), _val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or ""
                )
                for lvl in definition.iterchildren()
                if local_name(lvl) == "lvl"
            }
            for override in num.iterchildren():
                start = _val(override, "startOverride") if local_name(override) == "lvlOverride" else None
                ilvl = _int(override.get(f"{{{_W_NS}}}ilvl"), 0)
                if start is not None and ilvl in levels:
                    old = levels[ilvl]
                    levels[ilvl] = _Level(_int(start, old.start), old.fmt, old.text)
            self._levels[num_id] = levels

    def _style_number(self, style_id: str | None) -> tuple[str | None, int | None]:
        for _ in range(MAX_STYLE_CHAIN):
            if not style_id:
                break
            if style_id in self._style_numbers:
                return self._style_numbers[style_id]
            style_id = self._based_on.get(style_id)
        return None, None

    def label(self, paragraph: Any) -> str:
        """ "3.", "2.1", "b)", "•" for a numbered paragraph; "" for the others. Advances the counters."""
        if not self._levels:
            return ""
        p_pr = _child(paragraph, "pPr")
        num_pr = _child(p_pr, "numPr") if p_pr is not None else None
        style_num, style_ilvl = self._style_number(_val(p_pr, "pStyle") if p_pr is not None else None)
        num_id = (_val(num_pr, "numId") if num_pr is not None else None) or style_num
        ilvl_text = _val(num_pr, "ilvl") if num_pr is not None else None
        ilvl = _int(ilvl_text, style_ilvl or 0)
        levels = self._levels.get(num_id or "")
        if not levels or ilvl not in levels or not 0 <= ilvl < MAX_LEVELS:
            return ""  # includes numId 0, Word's "numbering removed"
        counters = self._counters.setdefault(num_id or "", [None] * MAX_LEVELS)
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        counters[ilvl + 1 :] = [None] * (MAX_LEVELS - ilvl - 1)
        level = levels[ilvl]
        if level.fmt == "bullet":
            readable = level.text.isprintable() and not any(
                _PRIVATE_USE_START <= c <= _PRIVATE_USE_END for c in level.text
            )
            return level.text.strip() if readable and level.text.strip() else BULLET
        if level.fmt == "none":
            return ""
        label = level.text
        for k in range(MAX_LEVELS):
            if f"%{k + 1}" in label:
                value = counters[k] if counters[k] is not None else levels.get(k, level).start
                label = label.replace(f"%{k + 1}", _format(value or 0, levels.get(k, level).fmt))
        return label.strip()
