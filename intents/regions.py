"""Recognise where a matter would be handled, the way citizens say it.

Why: the hardship line and the local list of covered matters depend on the place, and
people write 石狮, 石狮市, 泉州石狮 or 福建省泉州市石狮市 for the same county, and 吉林 for
the province but 吉林市 for the city. ``resolve_region`` turns such text into one
``Region`` (or None, so the caller asks again — never a silent default). The names,
aliases and which rules apply live in ``tables/regions.yaml``; the chat uses the same
function, and ``resolve_region(region.name)`` always gives back the same region.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from intents.loader import TableError, cached, cached_recent, section, table

try:  # traditional → simplified when available (it is in requirements.txt)
    import zhconv as _zhconv
except ImportError:  # pragma: no cover
    _zhconv = None

LEVEL_RANK: dict[str, int] = {"province": 1, "city": 2, "county": 3}

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Region:
    """A place with the rules that apply there (see ``tables/regions.yaml``)."""

    code: str
    name: str
    level: str
    province: str
    parent: str | None
    scope_profile: str
    hardship: str
    wage_areas: tuple[str, ...]
    aliases: tuple[str, ...]
    note: str | None = None

    @property
    def province_name(self) -> str:
        return region_by_code(self.province).name


def normalize_place(text: str) -> str:
    """NFKC, simplified Chinese, lower case, no spaces or punctuation."""
    s = unicodedata.normalize("NFKC", text)
    if _zhconv is not None:
        try:
            s = _zhconv.convert(s, "zh-cn")
        except Exception:  # pragma: no cover - zhconv never raises on str
            pass
    return _NOT_WORD.sub("", s).lower()


def _str_tuple(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TableError(f"regions.yaml: {where}: a list of strings is required")
    return tuple(value)


@cached
def _regions() -> dict[str, Region]:
    raw: list[dict[str, Any]] = list(section("regions", "regions"))
    defaults = table("regions").get("other_provinces_defaults") or {}
    for row in table("regions").get("other_provinces") or []:
        raw.append({**defaults, **row})
    by_code: dict[str, dict[str, Any]] = {}
    for row in raw:
        code = row.get("code")
        if not isinstance(code, str) or code in by_code:
            raise TableError(f"regions.yaml: bad or repeated code {code!r}")
        by_code[code] = row

    def inherited(code: str, key: str) -> Any:
        row = by_code[code]
        while True:
            if row.get(key) is not None:
                return row[key]
            parent = row.get("parent")
            if parent is None:
                return None
            if parent not in by_code:
                raise TableError(f"regions.yaml: {code}: unknown parent {parent!r}")
            row = by_code[parent]

    def province_of(code: str) -> str:
        row = by_code[code]
        while row.get("parent") is not None:
            row = by_code[row["parent"]]
        return str(row["code"])

    out: dict[str, Region] = {}
    for code, row in by_code.items():
        level = row.get("level")
        if level not in LEVEL_RANK:
            raise TableError(f"regions.yaml: {code}: level must be one of {sorted(LEVEL_RANK)}")
        name = row.get("name")
        if not isinstance(name, str) or not name:
            raise TableError(f"regions.yaml: {code}: name is required")
        profile = inherited(code, "scope_profile")
        scheme = inherited(code, "hardship")
        if not isinstance(profile, str) or not isinstance(scheme, str):
            raise TableError(f"regions.yaml: {code}: scope_profile and hardship are required")
        aliases = _str_tuple(row.get("aliases"), f"{code}.aliases")
        out[code] = Region(
            code=code, name=name, level=level, province=province_of(code),
            parent=row.get("parent"), scope_profile=profile, hardship=scheme,
            wage_areas=_str_tuple(row.get("wage_areas"), f"{code}.wage_areas"),
            aliases=tuple(dict.fromkeys((name, *aliases))),
            note=row.get("note"),
        )
    return out


@cached
def _alias_index() -> tuple[tuple[str, Region], ...]:
    pairs: list[tuple[str, Region]] = []
    for region in _regions().values():
        for alias in region.aliases:
            key = normalize_place(alias)
            if key:
                pairs.append((key, region))
    return tuple(pairs)


def all_regions() -> tuple[Region, ...]:
    """Every region in the table, in file order."""
    return tuple(_regions().values())


def region_by_code(code: str) -> Region:
    """The region with this code (KeyError if there is none)."""
    return _regions()[code]


def resolve_region(text: str) -> Region | None:
    """The region a citizen means, or None when it is unknown or ambiguous.

    Every alias found in the text is a candidate. Candidates in two provinces make the
    text ambiguous (e.g. "老家吉林，在石狮打工"): None, so the caller asks again.
    Otherwise the most specific candidate wins (county > city > province), then the
    longest alias: 泉州石狮 → 石狮市, 吉林省吉林市 → 吉林市, 吉林 → 吉林省.
    """
    if not isinstance(text, str):
        return None
    return _resolve(text)


@cached_recent(2048)
def _resolve(text: str) -> Region | None:
    """resolve_region's work: a scan of every alias, so each text is resolved once (the
    dialog asks about the same message several times)."""
    said = normalize_place(text)
    if not said:
        return None
    hits = [(alias, region) for alias, region in _alias_index() if alias in said]
    if not hits:
        return None
    if len({region.province for _, region in hits}) > 1:
        return None
    _, best = max(hits, key=lambda h: (LEVEL_RANK[h[1].level], len(h[0])))
    return best
