"""Legal-aid offices and workstations from handoff/offices.yaml (the one source of truth)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

OFFICES_FILE = Path(__file__).resolve().parent / "offices.yaml"
DAY_NAMES = {"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "周六", "sun": "周日"}
DAY_ORDER = list(DAY_NAMES)


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    kind: str
    region: str
    province: str
    address: str
    phone: str
    hours: dict[str, list[str]]
    lat: float
    lon: float
    services: tuple[str, ...] = ()
    capacity_per_slot: int = 0
    verified: bool = False
    note: str = ""
    source: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def public_name(self) -> str:
        """The name as citizens should see it: a placeholder's 「（示例）」 is an internal mark."""
        return re.sub(r"（示例）|，示例(?=）)", "", self.name)

    def hours_text(self) -> str:
        """周一至周五 08:00-12:00、14:30-17:30 — consecutive days with the same hours merged."""
        groups: list[tuple[list[str], list[str]]] = []
        for day in DAY_ORDER:
            spans = self.hours.get(day)
            if not spans:
                continue
            if groups and groups[-1][1] == spans and DAY_ORDER.index(groups[-1][0][-1]) == DAY_ORDER.index(day) - 1:
                groups[-1][0].append(day)
            else:
                groups.append(([day], spans))
        parts = []
        for days, spans in groups:
            label = DAY_NAMES[days[0]] if len(days) == 1 else f"{DAY_NAMES[days[0]]}至{DAY_NAMES[days[-1]]}"
            parts.append(f"{label} {'、'.join(spans)}")
        return "；".join(parts) or "请来电咨询"


@lru_cache(maxsize=1)
def load_offices(path: Path = OFFICES_FILE) -> tuple[Office, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    offices = []
    known = set(Office.__dataclass_fields__)
    for row in data:
        fields = {k: v for k, v in row.items() if k in known}
        fields["services"] = tuple(row.get("services") or ())
        fields["hours"] = dict(row.get("hours") or {})
        fields["phone"] = str(row.get("phone", "12348"))
        fields["extra"] = {k: v for k, v in row.items() if k not in known}
        offices.append(Office(**fields))
    return tuple(offices)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def nearest(lat: float, lon: float, n: int = 3, offices: tuple[Office, ...] | None = None) -> list[tuple[Office, float]]:
    offices = offices if offices is not None else load_offices()
    ranked = sorted(((o, distance_km(lat, lon, o.lat, o.lon)) for o in offices), key=lambda x: x[1])
    return ranked[:n]


UNVERIFIED_CONTACT = "地址、电话还在核实：请拨打 12348 或当地司法局查询后再去。"


def describe(office: Office, km: float | None = None, note: bool = True) -> str:
    """Only what is verified reaches a citizen: an unverified office's coordinates are a city
    centre, so no distance; its address and phone are placeholders, so none of them either."""
    if not office.verified:
        return "\n".join([office.public_name, UNVERIFIED_CONTACT]) if note else office.public_name
    dist = f"（约{km:.0f}公里）" if km is not None and km >= 1 else ("（1公里内）" if km is not None else "")
    return "\n".join([f"{office.name}{dist}", f"地址：{office.address}", f"电话：{office.phone}",
                      f"时间：{office.hours_text()}"])


def describe_list(found: list[tuple[Office, float | None]]) -> str:
    """Numbered offices; the "still being verified" note once, after them, not under each."""
    body = "\n\n".join(f"{i}. {describe(o, km, note=False)}" for i, (o, km) in enumerate(found, 1))
    if any(not o.verified for o, _ in found):
        body += f"\n\n{UNVERIFIED_CONTACT}"
    return body


def in_region(place: str, offices: tuple[Office, ...] | None = None) -> list[Office]:
    """Offices of a city or county as the citizen names it (石狮市; 吉林省 → the whole province)."""
    offices = offices if offices is not None else load_offices()
    short = place.rstrip("市县区省")
    local = [o for o in offices if o.region.rstrip("市县区") == short]
    if local:
        return sorted(local, key=lambda o: o.kind != "center")
    return [o for o in offices if o.province.rstrip("省") == short]
