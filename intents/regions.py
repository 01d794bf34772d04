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

from intents.loader import TableError, cached, cached_recent, optional_table, section, table

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
def _rows() -> dict[str, dict[str, Any]]:
    """regions.yaml (the curated seeds, with their rules) plus divisions.yaml around them."""
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
    for row in _division_rows(by_code):
        by_code.setdefault(row["code"], row)
    return by_code


# Ethnic names in 自治州/自治县/自治旗 names: 恩施土家族苗族自治州 is said 恩施, 延边朝鲜族自治州 延边.
_ETHNIC = ("蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
           "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌",
           "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂",
           "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各")
_ETHNIC_TAIL = re.compile(rf"(?:{'|'.join(sorted(_ETHNIC, key=len, reverse=True))})族$")
# County-level names that are also everyday words or repeat in every city: only the full name
# counts, and 城区/郊区/矿区 not even that (「长春城区」 is not Shanxi).
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "新区", "市区", "市中区", "城中区", "城关区"})


def stem_of(name: str) -> str:
    """The name without its administrative suffix: 芜湖市 → 芜湖, 恩施土家族苗族自治州 → 恩施,
    肥西县 → 肥西, 和县 → 和县 (a one-character stem is no name on its own)."""
    stem = re.sub(r"(?:特别行政区|自治州|自治县|自治旗|地区|林区|特区|盟|市|县|区|旗)$", "", name)
    while True:
        shorter = _ETHNIC_TAIL.sub("", stem)
        if shorter == stem:
            break
        stem = shorter
    return stem if len(stem) >= 2 else name


@cached
def _stem_stoplist() -> frozenset[str]:
    """Stems that are everyday words (公安, 通道, 大方, 资源 …): only the full name counts
    (regions.yaml: division_stem_stoplist)."""
    return frozenset(str(w) for w in (table("regions").get("division_stem_stoplist") or []))


def _aliases(name: str, taken: frozenset[str] = frozenset()) -> list[str]:
    """The full name, and its stem unless the stem is an everyday word or ``taken`` (a
    prefecture-level city's stem: 西安区 of 辽源 does not make 「西安」 ambiguous)."""
    stem = stem_of(name)
    out = [name]
    if stem != name and stem not in _stem_stoplist() and stem not in taken:
        out.append(stem)
    if name.endswith("自治州") and stem != name:
        out.append(stem + "州")  # 恩施州, 延边州
    return out


def _division_rows(seeds: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every province, prefecture-level city and county of divisions.yaml not already a seed.

    Why around the seeds: a seed carries rules (scope profile, hardship scheme, wage areas);
    a place added here inherits its parent's scope profile and hardship scheme; having no
    figure of its own (no 低保 row, no wage area), the engine then says the local centre
    confirms the line — it never borrows a neighbour's figure.
    Districts (…区) are aliases of their city, as the seeds do (长春's districts are 长春).
    """
    data = optional_table("divisions")
    if not data:
        return []
    by_name: dict[tuple[str, str], str] = {}   # (province code, name or alias) → seed code

    def province_code(code: str) -> str:
        row = seeds[code]
        while row.get("parent") is not None:
            row = seeds[row["parent"]]
        return str(row["code"])

    for code, row in seeds.items():
        prov = province_code(code)
        for alias in (row.get("name"), *(row.get("aliases") or [])):
            if isinstance(alias, str):
                by_name.setdefault((prov, alias), code)
    out: list[dict[str, Any]] = []
    extra_aliases: dict[str, list[str]] = {}
    # Stems a county or district may not take: a prefecture-level city's (西安区 of 辽源 must not
    # make 「西安」 ambiguous) and any curated alias (长春's 九台 stays 长春's).
    # A stem two counties or districts share (台江区 of 福州, 台江县 of Guizhou) is no one's: the full names still count.
    from collections import Counter

    local = Counter(stem_of(n) for p in data.get("provinces") or []
                    for n in [*(p.get("direct") or []), *(k for c in p.get("cities") or [] for k in c.get("counties") or [])])
    cities = frozenset(stem_of(c["name"]) for p in data.get("provinces") or [] for c in p.get("cities") or []) | \
        frozenset(alias for _, alias in by_name) | frozenset(stem for stem, n in local.items() if n > 1)

    def add(code: str, name: str, level: str, parent: str) -> str:
        taken = cities if level == "county" else frozenset()
        out.append({"code": code, "name": name, "level": level, "parent": parent, "aliases": _aliases(name, taken)})
        return code

    def alias_of(target: str, name: str) -> None:
        if name not in _GENERIC_NAMES:
            extra_aliases.setdefault(target, []).extend(_aliases(name, cities))

    for prov in data.get("provinces") or []:
        pcode = next((c for c, r in seeds.items() if r.get("name") == prov["name"] and r.get("parent") is None), None)
        if pcode is None:
            continue  # a province the seeds do not know (Hong Kong, Macao, Taiwan): nothing to add to
        for name in prov.get("direct") or []:
            seed = by_name.get((pcode, name))
            if seed or name in _GENERIC_NAMES:
                continue
            if name.endswith("区"):
                alias_of(pcode, name)
            else:
                add(f"{pcode}.{name}", name, "county", pcode)
        for city in prov.get("cities") or []:
            ccode = by_name.get((pcode, city["name"])) or by_name.get((pcode, stem_of(city["name"])))
            if ccode is None:
                ccode = add(f"{pcode}.{city['code']}", city["name"], "city", pcode)
            for name in city.get("counties") or []:
                if by_name.get((pcode, name)) or name in _GENERIC_NAMES:
                    continue
                if name.endswith("区"):
                    alias_of(ccode, name)
                else:
                    add(f"{ccode}.{name}", name, "county", ccode)
    for code, names in extra_aliases.items():
        target = seeds.get(code) or next(r for r in out if r["code"] == code)
        if target is seeds.get(code):
            target = seeds[code] = {**target, "aliases": [*(target.get("aliases") or []), *names]}
        else:
            target["aliases"] = [*target["aliases"], *names]
    return out


@cached
def _regions() -> dict[str, Region]:
    by_code = _rows()

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
def _alias_index() -> dict[str, tuple[Region, ...]]:
    """normalised alias → the regions it names (several when a name repeats: 鼓楼区)."""
    index: dict[str, list[Region]] = {}
    for region in _regions().values():
        for alias in region.aliases:
            key = normalize_place(alias)
            if key and region not in index.setdefault(key, []):
                index[key].append(region)
    return {key: tuple(found) for key, found in index.items()}


@cached
def _longest_alias() -> int:
    return max(len(k) for k in _alias_index())


@cached
def _word_tail() -> re.Pattern[str] | None:
    """What after a place name makes it part of another word (regions.yaml: place_word_tails)."""
    tails = [str(t) for t in (table("regions").get("place_word_tails") or [])]
    return re.compile("|".join(f"(?:{t})" for t in sorted(tails, key=len, reverse=True))) if tails else None


def _mentions(said: str) -> list[tuple[str, tuple[Region, ...]]]:
    """The place names in a normalised text, read left to right, longest first at each
    position: 「北京朝阳区」 → 北京, 朝阳区 (not 朝阳); 「上海安装」 → 上海 (not 海安).

    A name inside a longer everyday word is no mention: 和田玉 is a jade, 南京路 a street,
    湖南菜 a cuisine — read as places they would send the citizen to the wrong centre."""
    index, longest, tail = _alias_index(), _longest_alias(), _word_tail()
    out: list[tuple[str, tuple[Region, ...]]] = []
    weak: list[int] = []  # 「北京路上」「石狮街上」: a street or the place itself — the place only if nothing else is named
    i = 0
    while i < len(said):
        for size in range(min(longest, len(said) - i), 1, -1):
            piece = said[i:i + size]
            if piece in index:
                word = tail.match(said, i + size) if tail is not None else None
                # 「永春茶厂」「景德镇瓷器厂」: a factory or farm of the product is in the place
                if word is None or said[word.end():word.end() + 1] in ("厂", "场", "园"):
                    if _STREET.match(said, i + size):
                        weak.append(len(out))
                    out.append((piece, index[piece]))
                i += size
                break
        else:
            i += 1
    if weak and len(weak) < len(out):  # 「在广州北京路上被抢了」: 北京路 is a street of 广州
        out = [m for n, m in enumerate(out) if n not in weak]
    return out


_STREET = re.compile(r"路|街|大街|大道")


def all_regions() -> tuple[Region, ...]:
    """Every region in the table, in file order."""
    return tuple(_regions().values())


def region_by_code(code: str) -> Region:
    """The region with this code (KeyError if there is none)."""
    return _regions()[code]


def place_said(text: str) -> str | None:
    """The place names of the text as the citizen wrote them, nothing else: 「在长春我是农民工」
    → 长春, 「安徽合肥」 → 安徽合肥 (for 「记下了：…」, never the whole sentence)."""
    if not isinstance(text, str):
        return None
    region = resolve_region(text)
    if region is None:
        return None
    names = [alias for alias, found in _mentions(normalize_place(text)) if any(r.province == region.province for r in found)]
    return "".join(dict.fromkeys(names)) or None


def resolve_region(text: str) -> Region | None:
    """The region a citizen means, or None when it is unknown or ambiguous.

    The place names are read left to right (``_mentions``). A province wins when it has a
    region for every name said: 「长春朝阳区」 → 吉林 (Beijing has a 朝阳区 but no 长春);
    「老家吉林，在石狮打工」 has no such province → None, so the caller asks again; so has
    「鼓楼区」 alone (in four cities). Within the winner the most specific region wins
    (county > city > province), then the longest name: 泉州石狮 → 石狮市, 吉林省吉林市 →
    吉林市, 吉林 → 吉林省; a name that stands for two places there → None.
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
    mentions = _mentions(said)
    if not mentions:
        return None
    provinces = {r.province for _, found in mentions for r in found}
    winners = [p for p in provinces if all(any(r.province == p for r in found) for _, found in mentions)]
    if len(winners) != 1:
        return None
    hits = [(alias, r) for alias, found in mentions for r in found if r.province == winners[0]]
    rank = lambda h: (LEVEL_RANK[h[1].level], len(h[0]))  # noqa: E731
    best = max(hits, key=rank)
    if len({r.code for a, r in hits if a == best[0]}) > 1:
        return None  # one name, several places (鼓楼区 of 福州 and 南京 said without the city)
    return best[1]
