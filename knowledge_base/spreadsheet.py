"""Excel files we hand out never run what someone typed (formula / CSV injection).

A citizen's question, an FAQ text or a region name that starts with ``=``, ``+``, ``-``
or ``@`` would be a live formula once the file is opened by staff (``=HYPERLINK(…)``
sending data away, ``=cmd|…`` on old Excel). Every such text cell is stored as a string
with Excel's quote prefix, so it shows and re-imports exactly as typed and is never
evaluated. Shared ground: used by the KB export and the monthly report.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(workbook) -> int:
    """Make every text cell that could be read as a formula plain text; returns how many."""
    changed = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed
