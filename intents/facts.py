"""Validate the raw facts of an eligibility check into typed ``Facts``.

Why: CONTRACTS.md §3 promises that an unknown field or an invalid value is a clear
error naming the field, never a guess. Every value is checked here, against
``tables/fields.yaml`` (types, ranges, allowed values) and ``tables/scope.yaml`` (the
topic codes), before any rule sees it, so the rules can trust their input. The
questionnaire can validate one answer at a time with ``validate_field``.

``None`` (JSON null) means "not answered yet", exactly like leaving the field out. An
empty list for ``special_status`` / ``criminal_flags`` / ``urgent`` means "none of these".
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields as dc_fields
from typing import Any, Mapping

from intents.loader import TableError, cached, section

CRIMINAL_MATTER = "criminal.defense"


class FactsError(ValueError):
    """An unknown field or an invalid value. ``field`` names it; ``str()`` starts with it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Facts:
    """The facts of CONTRACTS.md §3, typed. None = not answered."""

    region: str | None = None
    matter: str | None = None
    age: int | None = None
    disabled: bool | None = None
    fixed_income: bool | None = None
    migrant_worker: bool | None = None
    gender: str | None = None
    unemployed: bool | None = None
    household_size: int | None = None
    household_monthly_income: float | None = None
    receives_assistance: bool | None = None
    special_status: frozenset[str] | None = None
    criminal_role: str | None = None
    criminal_flags: frozenset[str] | None = None
    urgent: frozenset[str] | None = None
    # Beyond the table of CONTRACTS §3 (optional, additive): whether someone was physically
    # hurt. LAL 31(7) covers a consumer dispute only with personal injury (facts §2.1, §2.3).
    personal_injury: bool | None = None
    # A domestic worker (保姆、家政工) hired directly by a family or a person: not a labour
    # relationship (最高人民法院关于审理劳动争议案件适用法律问题的解释（一）第二条), so the pay claimed
    # is 劳务报酬 — whether LAL 31(5) (劳动报酬) covers it is the agency's judgment.
    domestic_worker: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """The answered facts as JSON-ready values (sets as sorted lists)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value is None:
                continue
            out[key] = sorted(value) if isinstance(value, frozenset) else value
        return out


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in dc_fields(Facts))


@cached
def field_specs() -> dict[str, dict[str, Any]]:
    """``tables/fields.yaml`` → {field: spec}; its keys must be exactly the Facts fields."""
    specs = section("fields", "fields")
    if not isinstance(specs, dict) or set(specs) != set(FIELD_NAMES):
        raise TableError(f"fields.yaml: fields must be exactly {list(FIELD_NAMES)}")
    return specs


@cached
def matter_codes() -> frozenset[str]:
    """The valid ``matter`` values: every topic code listed in ``tables/scope.yaml``."""
    return frozenset(section("scope", "matters"))


def allowed_values(name: str) -> tuple[str, ...]:
    """The allowed values of an enum or list field, in table order (for choice menus)."""
    if name == "matter":
        return tuple(section("scope", "matters"))
    spec = field_specs().get(name) or {}
    return tuple(spec.get("values") or ())


def label(name: str) -> str:
    """A short Chinese name for a field, e.g. ``household_size`` → 家里一起生活的人数."""
    return str((field_specs().get(name) or {}).get("label") or name)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _matter(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FactsError("matter", f"matter（{label('matter')}）应为 taxonomy.yaml 中的主题代码，如 labor.wages（收到 {_shown(value)}）")
    code = value.strip()
    codes = matter_codes()
    # A sub-code (labor.wages.construction) stands under its code (taxonomy.yaml header).
    probe = code
    while probe not in codes and "." in probe:
        probe = probe.rsplit(".", 1)[0]
    if probe not in codes:
        raise FactsError("matter", f"matter（{label('matter')}）不是已知的主题代码：{code!r}；可用：{', '.join(sorted(codes))}")
    return probe


def validate_field(name: str, value: Any) -> Any:
    """One fact's typed value (None stays None), or FactsError naming the field."""
    specs = field_specs()
    if name not in specs:
        raise FactsError(name or '""', f"未知字段 {name!r}；可用字段：{', '.join(FIELD_NAMES)}")
    if value is None:
        return None
    spec = specs[name]
    kind = spec.get("type")
    what = f"{name}（{label(name)}）"
    if kind == "matter":
        return _matter(value)
    if kind == "string":
        if not isinstance(value, str) or not value.strip():
            raise FactsError(name, f"{what} 应为非空文字（收到 {_shown(value)}）")
        if len(value) > int(spec.get("max_length", 200)):
            raise FactsError(name, f"{what} 太长，最多 {spec.get('max_length')} 个字")
        return value.strip()
    if kind == "boolean":
        if not isinstance(value, bool):
            raise FactsError(name, f"{what} 应为 true 或 false（收到 {_shown(value)}）")
        return value
    if kind == "integer":
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FactsError(name, f"{what} 应为整数（收到 {_shown(value)}）")
        lo, hi = spec.get("min"), spec.get("max")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise FactsError(name, f"{what} 应在 {lo} 到 {hi} 之间（收到 {value}）")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise FactsError(name, f"{what} 应为数字（收到 {_shown(value)}）")
        lo, hi = spec.get("min"), spec.get("max")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise FactsError(name, f"{what} 应在 {lo} 到 {hi} 之间（收到 {value}）")
        return value
    allowed = spec.get("values") or {}
    if kind == "enum":
        if not isinstance(value, str) or value not in allowed:
            raise FactsError(name, f"{what} 应为 {' / '.join(allowed)} 之一（收到 {_shown(value)}）")
        return value
    if kind == "set":
        if not isinstance(value, (list, tuple)):
            raise FactsError(name, f"{what} 应为列表，如 [{next(iter(allowed), '')!r}]（收到 {_shown(value)}）")
        for item in value:
            if not isinstance(item, str) or item not in allowed:
                raise FactsError(name, f"{what} 含未知取值 {_shown(item)}；可用：{', '.join(allowed)}")
        return frozenset(value)
    raise TableError(f"fields.yaml: {name}: unknown type {kind!r}")  # pragma: no cover


def parse_facts(raw: Mapping[str, Any] | Facts) -> Facts:
    """Validate a raw facts mapping (e.g. parsed JSON) into ``Facts``.

    Raises FactsError naming the field for an unknown field, an invalid value, or a
    criminal-case field given with a matter that is not ``criminal.defense``.
    """
    if isinstance(raw, Facts):
        return raw
    if not isinstance(raw, Mapping):
        raise FactsError("facts", f"应为 JSON 对象（字段名 → 值），收到 {type(raw).__name__}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            raise FactsError(str(key), "字段名应为文字")
        values[key] = validate_field(key, value)
    facts = Facts(**values)
    if facts.matter is not None and facts.matter != CRIMINAL_MATTER:
        for key in ("criminal_role", "criminal_flags"):
            if values.get(key) is not None:
                raise FactsError(key, f"{key} 只用于刑事案件（matter = {CRIMINAL_MATTER}），"
                                      f"而 matter 是 {facts.matter}")
    return facts
