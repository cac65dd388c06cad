"""Table rows → text lines, laid out the way the header parser reads pdftotext's columns."""

from __future__ import annotations

from indexer.read.document import PAGE_BREAK

CELL_GAP = "    "
"""Between the cells of a row. The parser splits columns at a tab or two or more spaces (pdftotext's
layout); four spaces stay a column gap even if something collapses a pair of them."""


def row_lines(cells: list[list[str]]) -> list[str]:
    """The lines of one table row, given each cell's lines (a line may start with `PAGE_BREAK`).

    - Every cell one line: one line, cells joined by `CELL_GAP` ("Plats och tid    Kommunhuset, kl 18.00").
    - One cell with several lines (a label and a list of names): the first lines joined, then that
      cell's other lines, one per line; pdftotext gives a two-column header the same shape, and the
      participant parser reads "Ledamöter    Anna Ek (S)" then "Bo Al (M)" as one list.
    - Several cells with several lines (signature blocks side by side, two columns of prose): cell
      after cell, since interleaving their lines would mix names across columns.

    Empty cells (merged or blank) are skipped. A row that runs over a page break carries one break per
    page it crosses, not one per cell: the most breaks any single cell has.
    """
    filled = [trimmed for trimmed in map(_trim, cells) if trimmed]
    if not filled:
        return []
    breaks = max(sum(line.count(PAGE_BREAK) for line in cell) for cell in filled)
    tall = [cell for cell in filled if len(cell) > 1]
    if len(tall) > 1:
        lines = [line for cell in filled for line in cell]
    else:
        first = CELL_GAP.join(cell[0].strip(PAGE_BREAK).strip() for cell in filled)
        brk = PAGE_BREAK * max(_leading_breaks(cell[0]) for cell in filled)
        lines = [brk + first] + (tall[0][1:] if tall else [])
    return _keep_breaks(lines, breaks)


def _trim(cell: list[str]) -> list[str]:
    """The cell's lines without blank lines at either end; breaks on dropped lines move to the first kept line."""
    kept = [i for i, line in enumerate(cell) if line.strip(PAGE_BREAK).strip()]
    if not kept:
        return []
    lines = cell[kept[0] : kept[-1] + 1]
    moved = sum(line.count(PAGE_BREAK) for line in cell[: kept[0]])
    return [PAGE_BREAK * moved + lines[0], *lines[1:]]


def _leading_breaks(line: str) -> int:
    return len(line) - len(line.lstrip(PAGE_BREAK))


def _keep_breaks(lines: list[str], wanted: int) -> list[str]:
    """The lines with only their first `wanted` page breaks."""
    out: list[str] = []
    for line in lines:
        count = line.count(PAGE_BREAK)
        if count and count > wanted:
            line = PAGE_BREAK * wanted + line.replace(PAGE_BREAK, "")
        wanted -= min(count, wanted)
        out.append(line)
    return out
