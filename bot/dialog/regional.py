"""An answer that quotes one place's local rule, read by a citizen of another place.

Why: the knowledge base has entries on local documents (石狮's 2020 scheme, Jilin's 2019
one). Matched by meaning, a 吉林市 pensioner asking for a home visit was told what 石狮
offers, as if it applied to him. Where a fact varies by region the bot must say so
(legal-aid-facts.md): an answer naming places none of which contains the case's region
gets one line saying whose rule it is and that the local centre decides. Pure.
"""
from __future__ import annotations

from intents import regions


def _ancestry(region: regions.Region) -> set[str]:
    """The region and every region that contains it (county → city → province)."""
    codes, code = set(), region.code
    while code:
        codes.add(code)
        code = regions.region_by_code(code).parent or ""
    return codes


def foreign_places(answer: str, case_region: str | None) -> list[str]:
    """The places the answer names that are not the case's region or a region containing it
    (a province's rule applies in its cities); [] when the case's region is unknown or the
    answer names the citizen's own place too (then it speaks to them)."""
    if not case_region or not answer:
        return []
    home = regions.resolve_region(case_region)
    if home is None:
        return []
    mine = _ancestry(home)
    said = regions._mentions(regions.normalize_place(answer))
    named: list[str] = []
    for alias, found in said:
        if any(r.code in mine for r in found):
            return []  # the answer also speaks of the citizen's own place (or its province)
        name = found[0].name if len(found) == 1 else alias
        if name not in named:
            named.append(name)
    return named


def caveat(answer: str, case_region: str | None) -> str | None:
    """The one line to add under such an answer, or None when it speaks to the citizen's place."""
    from ..texts import T

    places = foreign_places(answer, case_region)
    if not places:
        return None
    return T("regional_caveat").format(places="、".join(places[:2]), region=case_region)
