"""The legal-aid eligibility pre-check: facts → decision (CONTRACTS.md §3 output).

Why it looks like this:

- **Pure and data-driven.** ``decide(facts)`` is a plain function over a dict; every
  rule, figure, text and citation comes from ``tables/*.yaml`` (loaded once), so a
  lawyer can review and change the rules without reading Python. The recipe is
  legal-aid-facts.md §9 (R1–R12); each reason starts with the article or local
  standard that decided it.
- **The engine decides what to ask.** ``missing`` lists every unanswered fact whose
  answer could still change the decision, in the §9 questionnaire order, and nothing
  else: a migrant worker claiming wages is never asked about income; a criminal suspect
  who is a minor is ``mandatory`` at once. Conditions are evaluated with three values
  (yes / no / not yet known); a condition that is not yet known names the facts that
  would settle it.
- **Never a guess.** An unknown place is asked again; a hardship figure that the tables
  do not hold (or hold only as historical) is left to the local legal aid centre
  (``likely_eligible``, ``hardship_review`` "unknown"); a judgment the agency makes
  (general local wording, near the line, "no fixed income") is ``likely_eligible``.

How the decision is combined (R12): the matter must be covered (scope) and the hardship
condition must be met — by an exemption (LAL 32, 42, local) or by the income test (R8).
Each is the best of its *options*; an option not yet known is asked about only if it
could still raise the result (from no to likely, or from likely to yes).
"""

from __future__ import annotations

import re

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping

from intents.facts import CRIMINAL_MATTER, Facts, label, parse_facts
from intents.loader import TableError, cached, optional_table, section, table
from intents.regions import Region, all_regions, region_by_code, resolve_region

DECISIONS: tuple[str, ...] = ("eligible", "likely_eligible", "not_eligible", "needs_more_info", "mandatory")
HARDSHIP_REVIEWS: tuple[str, ...] = ("exempt", "passed", "failed", "unknown")
OUTPUT_KEYS: tuple[str, ...] = (
    "decision", "hardship_review", "priority", "pre_aid", "reasons", "materials", "next_steps", "missing",
)

NO, LIKELY, YES = 0, 1, 2
_STATUS_LEVEL: dict[str, int] = {"yes": YES, "judgment": LIKELY, "no": NO}


# --------------------------------------------------------------------------- three values


@dataclass(frozen=True)
class Tri:
    """A condition: True, False, or None (not yet known) with the facts that would settle it."""

    value: bool | None
    fields: tuple[str, ...] = ()


TRUE = Tri(True)
FALSE = Tri(False)


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for group in groups:
        for name in group:
            out[name] = None
    return tuple(out)


def _fact(value: bool | None, name: str) -> Tri:
    return Tri(None, (name,)) if value is None else Tri(bool(value))


def _not(t: Tri) -> Tri:
    return t if t.value is None else Tri(not t.value)


def _has(items: frozenset[str] | None, item: str, name: str) -> Tri:
    return Tri(None, (name,)) if items is None else Tri(item in items)


def _any(*parts: Tri) -> Tri:
    if any(p.value is True for p in parts):
        return TRUE
    pending = [p for p in parts if p.value is None]
    return Tri(None, _union(p.fields for p in pending)) if pending else FALSE


def _then(cond: Tri, rest: Callable[[], Tri]) -> Tri:
    """``cond and rest``, asking about ``rest`` only once ``cond`` is known to hold (§9:
    "then fixed_income if under 18, 60 or over, or disabled")."""
    if cond.value is not True:
        return cond if cond.value is None else FALSE
    return rest()


def _ages() -> tuple[int, int]:
    ages = section("hardship", "ages")
    return int(ages["minor_below"]), int(ages["elderly_from"])


def _minor(f: Facts) -> Tri:
    return Tri(None, ("age",)) if f.age is None else Tri(f.age < _ages()[0])


def _elderly(f: Facts) -> Tri:
    return Tri(None, ("age",)) if f.age is None else Tri(f.age >= _ages()[1])


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Option:
    """One way a condition (scope or hardship) can be met.

    ``level`` is what it gives once known (None: not yet known); ``potential`` the best
    it could still give; ``fields`` what would settle it. ``reason`` is said when it
    decides, ``pending`` (or ``basis``) when it is still being asked about.
    """

    kind: str  # scope | exempt | income | judgment
    level: int | None
    potential: int
    fields: tuple[str, ...] = ()
    reason: str | None = None
    basis: str | None = None
    pending: str | None = None
    proof: str | None = None
    review: str = "unknown"


def _known(kind: str, level: int, reason: str | None = None, **kw: Any) -> Option:
    return Option(kind=kind, level=level, potential=level, reason=reason, **kw)


def _open(kind: str, potential: int, fields: tuple[str, ...], basis: str, **kw: Any) -> Option:
    return Option(kind=kind, level=None, potential=potential, fields=fields, basis=basis, **kw)


def _from_tri(kind: str, tri: Tri, level: int, reason: str, basis: str, proof: str | None = None) -> Option | None:
    if tri.value is True:
        return _known(kind, level, reason, basis=basis, proof=proof)
    if tri.value is None:
        return _open(kind, level, tri.fields, basis, proof=proof)
    return None


@dataclass(frozen=True)
class Combined:
    """The best of several options (see ``_combine``)."""

    level: int | None
    potential: int
    fields: tuple[str, ...]
    deciders: tuple[Option, ...]
    pending: tuple[Option, ...]
    best: int = NO  # the best level already known


def _combine(options: list[Option], cap: int = YES) -> Combined:
    """Best known level; still open when an unknown option could raise it from nothing.

    A condition already met at least "likely" by something the citizen told us (an
    exemption, an agency-judgment rule) is settled (R12: any judgment → likely_eligible):
    we do not ask more questions only to upgrade "likely" to "yes". An income test that
    is only "likely" because the local figure is unverified or the income is near the
    line stays open, since an exemption would settle it for sure. ``cap`` is the most
    the decision can be anyway.
    """
    known = [o for o in options if o.level is not None]
    best = max((o.level for o in known if o.level is not None), default=NO)
    potential = max([best, *(o.potential for o in options)])
    deciders = tuple(o for o in known if o.level == best)
    settled_by_citizen = any(o.kind != "income" and o.level is not None and o.level >= LIKELY for o in known)
    if best >= cap or settled_by_citizen:
        return Combined(best, potential, (), deciders, (), best)
    pending = tuple(o for o in options if o.level is None and o.potential > best)
    fields = _union(o.fields for o in pending)
    return Combined(None if fields else best, potential, fields, deciders, pending, best)


def _say(basis: str, text: str) -> str:
    """A reason: the rule first, then what it means, in plain Chinese."""
    text = text.strip().rstrip("。；;")
    return f"{basis.strip()}：{text}。"


def _yuan(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x)}"
    return f"{x:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- tables


def _scheme(name: str) -> dict[str, Any]:
    schemes = section("hardship", "schemes")
    if name not in schemes:
        raise TableError(f"hardship.yaml: no scheme {name!r}")
    return schemes[name]


def _band() -> float:
    return float(section("hardship", "near_line_band"))


def _classify(pc: float, line: float) -> str:
    band = _band()
    if pc < line * (1 - band):
        return "passed"
    if pc > line * (1 + band):
        return "failed"
    return "band"


def _positive(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        return None
    return float(value)


@dataclass(frozen=True)
class DibaoFigure:
    """A usable row of dibao.yaml for one region."""

    kind: str  # "line" (the standard in force) | "floor" (a guidance minimum)
    urban: float
    rural: float
    effective_from: str | None
    source: str | None


@cached
def _dibao_index() -> dict[str, DibaoFigure]:
    """region code → the best usable 低保 row (hardship.yaml: dibao_statuses)."""
    rows = optional_table("dibao")
    if isinstance(rows, dict):  # tolerate {rows: [...]}
        rows = next((v for v in rows.values() if isinstance(v, list)), [])
    if not isinstance(rows, list):
        return {}
    policy = section("hardship", "dibao_statuses")
    usable, floor = set(policy.get("usable") or []), set(policy.get("floor") or [])
    best: dict[str, tuple[tuple[int, str], DibaoFigure]] = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("region"), str):
            continue
        region = resolve_region(row["region"])
        urban, rural = _positive(row.get("urban_monthly")), _positive(row.get("rural_monthly"))
        status = row.get("status", "current")
        if region is None or urban is None or rural is None:
            continue
        if status in usable:
            kind, rank = "line", 2
        elif status in floor:
            kind, rank = "floor", 1
        else:
            continue
        eff = None if row.get("effective_from") is None else str(row["effective_from"])
        key = (rank, eff or "")
        fig = DibaoFigure(kind, urban, rural, eff, row.get("source"))
        if region.code not in best or key > best[region.code][0]:
            best[region.code] = (key, fig)
    return {code: fig for code, (_, fig) in best.items()}


def _area_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


@dataclass(frozen=True)
class WageFigure:
    """One minimum-wage area of min_wage_research.yaml."""

    area: str
    monthly: float
    effective_from: str | None
    document: str | None


@cached
def _wage_index(table_name: str) -> dict[tuple[str, str], WageFigure]:
    """(province name, area) → the latest minimum wage for that area."""
    rows = optional_table(table_name.removesuffix(".yaml"))
    out: dict[tuple[str, str], WageFigure] = {}
    if not isinstance(rows, list):
        return out
    for row in rows:
        if not isinstance(row, dict):
            continue
        monthly = _positive(row.get("monthly"))
        areas = row.get("areas")
        if monthly is None or not isinstance(areas, list) or not isinstance(row.get("province"), str):
            continue
        eff = None if row.get("effective_from") is None else str(row["effective_from"])
        for area in areas:
            if not isinstance(area, str):
                continue
            key = (row["province"], _area_key(area))
            old = out.get(key)
            if old is None or (eff or "") > (old.effective_from or ""):
                out[key] = WageFigure(area, monthly, eff, row.get("document"))
    return out


# --------------------------------------------------------------------------- scope (R5, R6)


def _scope_status(matter: str, profile: str, injured: bool | None = True, domestic: bool | None = None) -> dict[str, Any]:
    """The scope entry of ``matter`` in ``profile``. A matter covered only when someone was
    hurt (LAL 31(7): a consumer dispute) has a ``without_injury`` table used when
    ``injured`` is False; pay claimed by a domestic worker hired by a family (劳务报酬, not
    劳动报酬) has a ``domestic_service`` table."""
    spec = section("scope", "matters")[matter]
    if injured is False and "without_injury" in spec:
        spec = spec["without_injury"]
    if domestic and "domestic_service" in spec:
        spec = spec["domestic_service"]
    return spec.get(profile) or spec["national"]


def _fits(status: str, matter: str, role: str | None) -> bool:
    spec = section("exemptions", "not_subject")[status]
    if matter not in (spec.get("fits") or []) and matter != CRIMINAL_MATTER:
        return False
    if matter == CRIMINAL_MATTER:
        return role in (spec.get("fits_criminal_roles") or [])
    return True


def _scope(f: Facts, matter: str, region: Region | None, role: str | None) -> Combined:
    options: list[Option] = []
    profiles = [region.scope_profile] if region is not None else list(section("scope", "profiles"))
    if "without_injury" in section("scope", "matters")[matter] and f.personal_injury is None:
        # LAL 31(7): whether anyone was hurt decides the scope before the place does.
        best = max(_STATUS_LEVEL[str(_scope_status(matter, p)["status"])] for p in profiles)
        options.append(_open("scope", best, ("personal_injury",), "《法律援助法》第三十一条第七项",
                             pending=_say("《法律援助法》第三十一条第七项",
                                          "消费纠纷要看有没有人身伤害：因食品、药品安全事故等受伤请求赔偿的，才属于法律援助事项")))
    elif region is not None:
        st = _scope_status(matter, region.scope_profile, f.personal_injury, f.domestic_worker)
        options.append(_known("scope", _STATUS_LEVEL[str(st["status"])], _say(st["basis"], st["text"])))
    else:
        statuses = [_scope_status(matter, p, f.personal_injury, f.domestic_worker) for p in profiles]
        levels = {_STATUS_LEVEL[str(s["status"])] for s in statuses}
        if len(levels) == 1:
            st = statuses[0]
            options.append(_known("scope", levels.pop(), _say(st["basis"], st["text"])))
        else:
            options.append(_open("scope", max(levels), ("region",), "《法律援助法》第三十一条",
                                 pending=_say("《法律援助法》第三十一条、第三十八条",
                                              "各地法律援助的事项范围不同，需要知道这件事在哪个市或县办理")))
    fitting = [s for s in section("exemptions", "not_subject") if _fits(s, matter, role)]
    if fitting:
        if f.special_status is None:
            options.append(_open("scope", YES, ("special_status",), "《法律援助法》第三十二条"))
        else:
            for s in fitting:
                if s in f.special_status:
                    spec = section("exemptions", "not_subject")[s]
                    options.append(_known("scope", YES, _say(spec["basis"], spec["text"])))
    return _combine(options)


# --------------------------------------------------------------------------- hardship (R5, R7, R8)


def _migrant_basis(region: Region | None) -> str:
    spec = section("exemptions", "review_waived")["migrant_pay_injury"]
    local = spec.get("local_basis") or {}
    extra = None
    if region is not None:
        extra = local.get(region.scope_profile) or local.get(region.province)
    return f"{spec['basis']}、{extra}" if extra else str(spec["basis"])


def _exemption_options(f: Facts, matter: str, region: Region | None, role: str | None) -> tuple[list[Option], list[str]]:
    ex = table("exemptions")
    options: list[Option] = []
    notes: list[str] = []
    intrinsic = (ex.get("matters_not_subject") or {}).get(matter)
    if intrinsic and not (matter == CRIMINAL_MATTER):
        options.append(_known("exempt", YES, _say(intrinsic["basis"], intrinsic["text"]),
                              basis=intrinsic["basis"], proof=intrinsic.get("proof")))
    # LAL 32 (R5): each status is tied to its claim. It exempts only when the matter is
    # the claim it protects; beside an unrelated matter it is only noted (R6–R8 decide).
    ns = ex["not_subject"]
    if f.special_status is None:
        if any(_fits(s, matter, role) for s in ns):
            options.append(_open("exempt", YES, ("special_status",), "《法律援助法》第三十二条"))
    else:
        for s, spec in ns.items():
            if s not in f.special_status:
                continue
            if _fits(s, matter, role):
                options.append(_known("exempt", YES, _say(spec["basis"], spec["text"]),
                                      basis=spec["basis"], proof=spec.get("proof")))
            else:
                notes.append(_say(spec["basis"], f"{spec['text']}；{ex['unrelated']}"))
    rw = ex["review_waived"]
    # LAL 42(3): migrant workers' pay and work-injury claims.
    mp = rw["migrant_pay_injury"]
    if matter in mp["matters"]:
        basis = _migrant_basis(region)
        # A domestic worker's pay is 劳务报酬 (no labour relationship): whether 42(3) reaches it is the agency's call.
        sure = mp.get("certain", True) and not f.domestic_worker
        opt = _from_tri("exempt", _fact(f.migrant_worker, "migrant_worker"), YES if sure else LIKELY,
                        _say(basis, mp["text"]), basis, mp.get("proof"))
        if opt:
            options.append(opt)
    elif f.migrant_worker and matter != CRIMINAL_MATTER:
        notes.append(_say(mp["basis"], mp["not_text"]))
    # LAL 42(2): social assistance, judicial aid, 优抚.
    ra = rw["receives_assistance"]
    opt = _from_tri("exempt", _fact(f.receives_assistance, "receives_assistance"), YES if ra.get("certain", True) else LIKELY,
                    _say(ra["basis"], ra["text"]), ra["basis"], ra.get("proof"))
    if opt:
        options.append(opt)
    # LAL 42(1): minors, the elderly, disabled people without a fixed living income.
    vn = rw["vulnerable_no_fixed_income"]
    cond = _then(_any(_minor(f), _elderly(f), _fact(f.disabled, "disabled")),
                 lambda: _not(_fact(f.fixed_income, "fixed_income")))
    text = vn["text"] + (f"；{vn['judgment']}" if vn.get("judgment") else "")
    opt = _from_tri("exempt", cond, YES if vn.get("certain") else LIKELY, _say(vn["basis"], text), vn["basis"], vn.get("proof"))
    if opt:
        options.append(opt)
    # Local: Shishi's COVID front line (2020 campaign → the agency judges).
    for key, spec in (ex.get("local") or {}).items():
        if region is None:
            continue
        if region.scope_profile == spec["profile"]:
            opt = _from_tri("exempt", _has(f.special_status, key, "special_status"),
                            YES if spec.get("certain") else LIKELY, _say(spec["basis"], spec["text"]),
                            spec["basis"], spec.get("proof"))
            if opt:
                options.append(opt)
        elif f.special_status and key in f.special_status and spec.get("elsewhere"):
            notes.append(_say(spec["basis"], spec["elsewhere"]))
    if f.special_status and "veteran" in f.special_status and not f.receives_assistance:
        vet = (ex.get("notes") or {}).get("veteran")
        if vet:
            notes.append(_say(vet["basis"], vet["text"]))
    return options, notes


def _group_tri(f: Facts, members: list[str]) -> Tri:
    tests: dict[str, Callable[[], Tri]] = {
        "migrant_worker": lambda: _fact(f.migrant_worker, "migrant_worker"),
        "unemployed": lambda: _fact(f.unemployed, "unemployed"),
        "female": lambda: Tri(None, ("gender",)) if f.gender is None else Tri(f.gender == "female"),
        "minor": lambda: _minor(f),
        "elderly": lambda: _elderly(f),
        "disabled": lambda: _fact(f.disabled, "disabled"),
        "military_family": lambda: _has(f.special_status, "military_family", "special_status"),
    }
    unknown = [m for m in members if m not in tests]
    if unknown:
        raise TableError(f"hardship.yaml: higher_line.members: unknown {unknown}")
    return _any(*(tests[m]() for m in members))


def _figure_unknown(scheme: dict[str, Any], region: Region, what: str) -> Option:
    centre = scheme.get("centre") or "当地法律援助中心"
    text = f"{scheme['text']}；{what}，具体标准以{centre}确认为准"
    return _known("income", LIKELY, _say(scheme["basis"], text), basis=scheme["basis"], review="unknown")


def _per_capita(f: Facts, passes_at: Callable[[float], bool]) -> tuple[float | None, str]:
    """Per-capita monthly income, or None when it is not known yet. Without the household
    size, the whole income is an upper bound: if even that passes, size does not matter."""
    inc, size = f.household_monthly_income, f.household_size
    if inc is None:
        return None, ""
    if inc == 0:
        return 0.0, "您家没有收入"
    if size is None:
        if passes_at(float(inc)):
            return float(inc), f"全家月收入{_yuan(inc)}元，不论几口人，人均都低于标准"
        return None, ""
    pc = float(inc) / size
    return pc, f"您家{size}口人、月收入{_yuan(inc)}元，人均约{_yuan(round(pc, 2))}元"


def _household_missing(f: Facts) -> tuple[str, ...]:
    return tuple(n for n, v in (("household_size", f.household_size),
                                ("household_monthly_income", f.household_monthly_income)) if v is None)


def _highest_sourced_line(scheme: dict[str, Any]) -> tuple[float, str] | None:
    """The highest hardship line any sourced figure of ours gives (facts §3.3): 2 × the
    highest 低保 bound, or a min-wage scheme's higher line on its highest figure."""
    lines: list[tuple[float, str]] = []
    m = _positive(scheme.get("upper_dibao_multiple"))
    if m:
        uppers = [u for _, u in _bounds_index().values() if u is not None]
        if uppers:
            top = max(uppers, key=lambda u: u.monthly)
            lines.append((m * top.monthly, f"{top.what}（{_yuan(top.monthly)}元/人/月，{top.date}）的{_yuan(m)}倍"))
    for name, other in (section("hardship", "schemes") or {}).items():
        if other.get("kind") == "min_wage" and other.get("figures_table"):
            figures = _wage_index(str(other["figures_table"])).values()
            if figures:
                top_wage = max(figures, key=lambda w: w.monthly)
                mult = max(float(other.get("multiple") or 1), float((other.get("higher_line") or {}).get("multiple") or 1))
                lines.append((mult * top_wage.monthly, f"{top_wage.area}最低工资（{_yuan(top_wage.monthly)}元）的{_yuan(mult)}倍"))
    return max(lines, key=lambda x: x[0]) if lines else None


def _unknown_rule_option(f: Facts, region: Region, scheme: dict[str, Any]) -> Option:
    """A place whose hardship rule is not in our data: never a decision before the income is
    known; then the local centre's call, unless the income is above every sourced line."""
    basis = str(scheme["basis"])
    highest = _highest_sourced_line(scheme)
    pc, said = _per_capita(f, lambda x: False)
    if pc is None:
        return _open("income", LIKELY, _household_missing(f), basis)
    centre = scheme.get("centre") or "当地法律援助中心"
    if highest is not None and _classify(pc, highest[0]) == "failed":
        text = (f"{scheme['text']}；{region.name}的标准不在我们的资料里，我们掌握的各地标准线最高约{_yuan(highest[0])}元"
                f"（{highest[1]}）；{said}，高于这条线，暂不符合经济困难条件，最终以{centre}的审查为准")
        return _known("income", NO, _say(basis, text), basis=basis, review="failed")
    text = f"{scheme['text']}；{said}；{region.name}的标准不在我们的资料里，具体标准以{centre}确认为准，是否符合经济困难条件由他们决定"
    return _known("income", LIKELY, _say(basis, text), basis=basis, review="unknown")


def _income_option(f: Facts, region: Region | None) -> Option:
    """R8: per-capita income against the region's line (figures only from the tables)."""
    if region is None:
        return _open("income", YES, ("region", *_household_missing(f)), "《法律援助法》第三十四条",
                     pending=_say("《法律援助法》第三十四条", "经济困难标准由各省规定、各地不同，需要知道这件事在哪个市或县办理"))
    scheme = _scheme(region.hardship)
    kind = scheme.get("kind")
    pass_level = YES if scheme.get("certain") else LIKELY
    basis = str(scheme["basis"])
    if kind == "none":
        return _unknown_rule_option(f, region, scheme)
    if kind == "dibao_multiple":
        return _dibao_option(f, region, scheme, pass_level, basis)
    if kind == "min_wage":
        return _wage_option(f, region, scheme, pass_level, basis)
    raise TableError(f"hardship.yaml: scheme {region.hardship}: unknown kind {kind!r}")


@dataclass(frozen=True)
class DibaoBound:
    """One sourced bound on a region's 低保 standard (dibao_bounds.yaml)."""

    monthly: float
    what: str
    date: str | None


@cached
def _bounds_index() -> dict[str, tuple[DibaoBound | None, DibaoBound | None]]:
    """region code → (lower, upper) bounds on its 低保 standard (facts §3.3)."""
    data = optional_table("dibao_bounds") or {}
    out: dict[str, tuple[DibaoBound | None, DibaoBound | None]] = {}
    for row in data.get("bounds") or []:
        region = resolve_region(str(row.get("region", "")))
        if region is None:
            raise TableError(f"dibao_bounds.yaml: unknown region {row.get('region')!r}")
        pair: list[DibaoBound | None] = []
        for key in ("lower", "upper"):
            spec = row.get(key)
            value = _positive(spec.get("dibao_monthly")) if isinstance(spec, dict) else None
            if isinstance(spec, dict) and (value is None or not spec.get("source") or not spec.get("date")):
                raise TableError(f"dibao_bounds.yaml: {row.get('region')}.{key} needs dibao_monthly, source and date")
            pair.append(DibaoBound(value, str(spec["what"]), str(spec["date"])) if isinstance(spec, dict) and value else None)
        lower, upper = pair
        if lower and upper and lower.monthly > upper.monthly:
            raise TableError(f"dibao_bounds.yaml: {row.get('region')}: lower above upper")
        out[region.code] = (lower, upper)
    return out


def _bounds_for(region: Region) -> tuple[DibaoBound | None, DibaoBound | None] | None:
    """The bounds of the region or of its nearest parent that has them."""
    index = _bounds_index()
    code: str | None = region.code
    while code is not None:
        if code in index:
            return index[code]
        code = region_by_code(code).parent
    return None


def _bounded_option(f: Facts, region: Region, scheme: dict[str, Any], pass_level: int, basis: str) -> Option:
    """Decide the clear cases from sourced bounds when the local 低保 figure is unknown
    (facts §3.3): below multiple × lower → passed; above multiple × upper → failed;
    in between → likely_eligible, the local centre confirms the figure."""
    bounds = _bounds_for(region)
    if bounds is None:
        return _figure_unknown(scheme, region, f"{region.name}现行的低保标准我们没有核实到")
    lower, upper = bounds
    m = float(scheme["multiple"])
    low_line = m * lower.monthly if lower else None
    high_line = m * upper.monthly if upper else None
    pc, said = _per_capita(f, lambda x: low_line is not None and _classify(x, low_line) == "passed")
    if pc is None:
        return _open("income", pass_level, _household_missing(f), basis)
    centre = scheme.get("centre") or "当地法律援助中心"
    unknown = f"{region.name}现行的低保标准我们没有核实到"
    if low_line is not None and lower is not None and _classify(pc, low_line) == "passed":
        text = (f"{scheme['text']}。{unknown}，按已知最低的可能标准计算：{lower.what}（{_yuan(lower.monthly)}元/人/月，{lower.date}），"
                f"标准线至少{_yuan(low_line)}元；{said}，低于标准线")
        return _known("income", pass_level, _say(basis, text), basis=basis, review="passed")
    if high_line is not None and upper is not None and _classify(pc, high_line) == "failed":
        text = (f"{scheme['text']}。{unknown}，按已知最高的可能标准计算：{upper.what}（{_yuan(upper.monthly)}元/人/月，{upper.date}），"
                f"标准线最多{_yuan(high_line)}元；{said}，高于标准线，暂不符合经济困难条件")
        return _known("income", NO, _say(basis, text), basis=basis, review="failed")
    between = (f"在{_yuan(low_line)}元到{_yuan(high_line)}元之间" if low_line is not None and high_line is not None
               else "不能确定是否低于标准线")
    text = f"{scheme['text']}。{unknown}；{said}，{between}，以{centre}核定的标准为准"
    return _known("income", LIKELY, _say(basis, text), basis=basis, review="unknown")


def _dibao_option(f: Facts, region: Region, scheme: dict[str, Any], pass_level: int, basis: str) -> Option:
    fig = _dibao_index().get(region.code)
    m = float(scheme["multiple"])
    if fig is None:
        return _bounded_option(f, region, scheme, pass_level, basis)
    src = f"（{fig.source}" + (f"，{fig.effective_from}起" if fig.effective_from else "") + "）" if fig.source else ""
    if fig.kind == "floor":
        floor_line = m * min(fig.urban, fig.rural)
        pc, said = _per_capita(f, lambda x: _classify(x, floor_line) == "passed")
        if pc is None:
            return _open("income", pass_level, _household_missing(f), basis)
        if _classify(pc, floor_line) == "passed":
            text = (f"{scheme['text']}。当地低保标准不低于省定最低指导标准（城市{_yuan(fig.urban)}元、农村{_yuan(fig.rural)}元/人/月{src}），"
                    f"标准线至少{_yuan(floor_line)}元；{said}，低于标准线")
            return _known("income", pass_level, _say(basis, text), basis=basis, review="passed")
        return _figure_unknown(scheme, region, f"{region.name}实际执行的低保标准我们没有核实到（只知道省定最低指导标准）")
    lines = sorted({m * fig.urban, m * fig.rural})
    pc, said = _per_capita(f, lambda x: all(_classify(x, ln) == "passed" for ln in lines))
    if pc is None:
        return _open("income", pass_level, _household_missing(f), basis)
    outs = {_classify(pc, ln) for ln in lines}
    std = (f"按{region.name}低保标准（城市{_yuan(fig.urban)}元、农村{_yuan(fig.rural)}元/人/月{src}）的{_yuan(m)}倍，"
           f"标准线为{'元、'.join(_yuan(ln) for ln in lines)}元")
    if outs == {"passed"}:
        return _known("income", pass_level, _say(basis, f"{scheme['text']}。{std}；{said}，低于标准线"), basis=basis, review="passed")
    if outs == {"failed"}:
        return _known("income", NO, _say(basis, f"{scheme['text']}。{std}；{said}，高于标准线，暂不符合经济困难条件"),
                      basis=basis, review="failed")
    return _known("income", LIKELY, _say(basis, f"{scheme['text']}。{std}；{said}，接近标准线或在城乡标准之间，由法律援助机构判断"),
                  basis=basis, review="unknown")


def _wage_option(f: Facts, region: Region, scheme: dict[str, Any], pass_level: int, basis: str) -> Option:
    index = _wage_index(str(scheme.get("figures_table", "min_wage_research.yaml")))
    province = region.province_name
    if region.wage_areas == ("*",):
        areas = sorted({k[1] for k in index if k[0] == province})
    else:
        areas = [_area_key(a) for a in region.wage_areas]
    figs = [index.get((province, a)) for a in areas]
    if not areas or any(fig is None for fig in figs):
        return _figure_unknown(scheme, region, f"{region.name}的最低工资标准不在我们的资料里")
    wages = [fig for fig in figs if fig is not None]
    hl = scheme.get("higher_line") or {}
    base_m, high_m = float(scheme.get("multiple", 1)), float(hl.get("multiple", 1))
    group = _group_tri(f, list(hl.get("members") or []))
    gvals = [group.value] if group.value is not None else [False, True]

    def line(w: WageFigure, g: bool) -> float:
        return w.monthly * (high_m if g else base_m)

    def describe(g: bool | None) -> str:
        amounts = sorted({w.monthly for w in wages})
        if len(wages) == 1:
            figs_text = f"{wages[0].area}{_yuan(wages[0].monthly)}元"
        else:
            figs_text = f"{region.name}各地{_yuan(amounts[0])}元至{_yuan(amounts[-1])}元不等"
        doc = wages[0].document or ""
        eff = f"{wages[0].effective_from}起执行" if wages[0].effective_from else ""
        src = "，".join(x for x in (doc, eff) if x)
        mult = f"，{hl.get('text')}，按{_yuan(high_m)}倍计算" if g else ""
        return f"最低工资标准：{figs_text}（{src}）{mult}"

    pc, said = _per_capita(f, lambda x: all(_classify(x, line(w, g)) == "passed" for w in wages for g in gvals))
    if pc is None:
        fields = (group.fields if group.value is None else ()) + _household_missing(f)
        return _open("income", pass_level, fields, basis)
    outcomes = {(w.area, g): _classify(pc, line(w, g)) for w in wages for g in gvals}
    values = set(outcomes.values())
    level_of = {"passed": pass_level, "band": LIKELY, "failed": NO}
    note = region.note.strip().rstrip("。") if region.note and len(wages) == 1 else ""
    tail = f"；{scheme['region_note']}" if scheme.get("region_note") else ""
    if len(values) == 1:
        out = values.pop()
        g = gvals[0] if len(gvals) == 1 else None
        lines = sorted({line(w, gg) for w in wages for gg in gvals})
        shown = f"{_yuan(lines[0])}元至{_yuan(lines[-1])}元" if len(lines) > 2 else "元、".join(_yuan(x) for x in lines) + "元"
        std = f"{describe(g)}，标准线{shown}"
        verdict = {"passed": "低于标准线", "failed": "高于标准线，暂不符合经济困难条件",
                   "band": "接近标准线，由法律援助机构判断"}[out]
        text = f"{scheme['text']}。{std}；{said}，{verdict}" + (f"。{note}" if note else "") + tail
        return _known("income", level_of[out], _say(basis, text), basis=basis,
                      review={"passed": "passed", "failed": "failed", "band": "unknown"}[out])
    group_matters = group.value is None and any(outcomes[(w.area, False)] != outcomes[(w.area, True)] for w in wages)
    area_matters = len(wages) > 1 and any(len({outcomes[(w.area, g)] for w in wages}) > 1 for g in gvals)
    fields = (group.fields if group_matters else ()) + (("region",) if area_matters else ())
    potential = max(level_of[v] for v in values)
    said_parts = [said]
    if group_matters:
        said_parts.append(f"在最低工资标准和它的{_yuan(high_m)}倍之间；{hl.get('text')}，需要知道您是否属于这些人群")
    if area_matters:
        said_parts.append(region.note or "各地最低工资标准不同，需要知道具体是哪个市或县")
    return _open("income", potential, fields, basis,
                 pending=_say(basis, f"{scheme['text']}。{describe(None)}；{'，'.join(said_parts)}"))


def _judgment_options(f: Facts, role: str | None) -> list[Option]:
    """Means-independent routes to likely_eligible in criminal cases (facts §5.1, §5.3)."""
    cr = table("criminal")
    out: list[Option] = []
    if role in (cr["full_coverage"].get("roles") or []):
        fc = cr["full_coverage"]
        out.append(_known("judgment", LIKELY, _say(fc["basis"], fc["text"])))
    ao = cr["age_at_offence"]
    if role in cr["defence_roles"] and f.age is not None and f.age in (ao.get("ages") or []):
        out.append(_known("judgment", LIKELY, _say(ao["basis"], ao["text"])))
    return out


def _review(options: list[Option], hard: Combined) -> str:
    if any(o.kind == "exempt" and o.level == YES for o in options):
        return "exempt"
    income = next((o for o in options if o.kind == "income"), None)
    if income is not None and income.review == "passed":
        return "passed"
    if any(o.kind == "exempt" and o.level == LIKELY for o in options):
        return "exempt"
    if hard.level is None:
        return "unknown"
    if income is not None and income.review == "failed":
        return "failed"
    return "unknown"


# --------------------------------------------------------------------------- evaluation


@dataclass
class Evaluation:
    """Everything ``decide`` says, before it is laid out as the §3 output."""

    decision: str
    hardship_review: str
    missing: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)
    proofs: list[str] = field(default_factory=list)
    hardship_materials: str = "statement"  # none | proof | proof_and_statement | statement
    matter: str | None = None
    region: Region | None = None
    role: str | None = None
    pending: tuple[Option, ...] = ()


def _needs_reason(pending: Iterable[Option], missing: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    bases: list[str] = []
    for o in pending:
        if not set(o.fields) & set(missing):
            continue
        if o.pending:
            out.append(o.pending)
        elif o.basis and o.basis not in bases:
            bases.append(o.basis)
    if missing:
        labels = "、".join(label(m) for m in missing)
        basis = _merge_bases(bases) if bases else "《法律援助法》第四十三条"
        out.append(_say(basis, f"还需要了解：{labels}，才能作出判断"))
    return out


def _merge_bases(bases: list[str]) -> str:
    """Merge single Legal Aid Law citations into one: 《法律援助法》第三十二条、第四十二条第二项."""
    law = "《法律援助法》"
    articles = [b[len(law):] for b in bases if b.startswith(law) and "、" not in b and "《" not in b[len(law):]]
    others = [b for b in bases if not (b.startswith(law) and "、" not in b and "《" not in b[len(law):])]
    merged = [law + "、".join(articles)] if articles else []
    return "、".join(merged + others)


def _order(names: Iterable[str], criminal_defence: bool, matter: str | None = None) -> tuple[str, ...]:
    proc = table("procedure")
    order = list(proc["question_order"])
    early_for_matter = list((proc.get("matter_early") or {}).get(matter or "", []))
    if early_for_matter:  # e.g. a migrant worker's wage claim: the exemption settles it at once
        order = [n for n in order if n not in early_for_matter]
        at = order.index("region") + 1  # right after the place: the exemption settles most wage claims
        order[at:at] = early_for_matter
    if criminal_defence:
        early = list(proc.get("criminal_early") or [])
        order = [n for n in order if n not in early]
        at = order.index("criminal_role") + 1
        order[at:at] = early
    rank = {n: i for i, n in enumerate(order)}
    return tuple(sorted(set(names), key=lambda n: (rank.get(n, len(rank)), n)))


def _mandatory(f: Facts, role: str | None) -> tuple[Tri, list[str]]:
    """R1: criminal cases where the state must assign a lawyer."""
    cr = table("criminal")
    mand = cr["mandatory"]
    flags = f.criminal_flags
    if role not in cr["defence_roles"]:
        return FALSE, []
    reasons: list[str] = []
    minor = _minor(f)
    if minor.value:
        reasons.append(_say(mand["minor"]["basis"], mand["minor"]["text"]))
    if flags is None:
        flag_tri = Tri(None, ("criminal_flags",))
    else:
        hits = [k for k in mand["flags"] if k in flags]
        reasons += [_say(mand["flags"][k]["basis"], mand["flags"][k]["text"]) for k in hits]
        flag_tri = Tri(bool(hits))
    return _any(minor, flag_tri), reasons


def _region_of(f: Facts) -> tuple[Region | None, str | None]:
    """The resolved region, and a reason when the place was given but not recognised."""
    if f.region is None:
        return None, None
    region = resolve_region(f.region)
    if region is None:
        return None, _say("《法律援助法》第三十四条、第三十八条",
                          f"没能识别「{f.region}」这个地方（或者提到了几个不同的省），请告诉我们具体的市或县，比如「石狮」「长春」「吉林市」")
    return region, None


def _path(f: Facts, matter: str, region: Region | None, role: str | None, region_note: str | None) -> Evaluation:
    """Scope (R5, R6) + hardship (R3, R4, R7, R8) + combine (R12), for a non-mandatory case."""
    scope = _scope(f, matter, region, role)
    cap = scope.level if scope.level is not None else scope.potential
    if scope.level is None and scope.fields == ("special_status",):
        # Only a LAL 32 status that fits the matter is still open. That status would also
        # exempt from the hardship test, so hardship matters only up to what the matter
        # gets without it (R5): e.g. a divorce in 泉州 needs nothing but special_status.
        cap = scope.best
    exempt_opts, notes = _exemption_options(f, matter, region, role)
    income = _income_option(f, region)
    options = exempt_opts + [income] + (_judgment_options(f, role) if matter == CRIMINAL_MATTER else [])
    hard = _combine(options, cap)
    if cap == NO and scope.level is None and hard.level == NO and not hard.deciders:
        # Nothing is known about means and only the LAL 32 status can bring the matter in —
        # that status also lifts the hardship test (R5), so means are not asked (yet).
        hard = Combined(None, hard.potential, (), (), (), NO)
    if hard.level is None and income.level == NO and income.review == "failed":
        # R12 takes "failed" first: income clearly above the line is a no, whatever
        # exemption facts were not given (the questionnaire asks those before income).
        hard = Combined(NO, hard.potential, (), (income,), (), NO)
    review = _review(options, hard)

    reasons: list[str] = []
    missing: tuple[str, ...] = ()
    if matter == CRIMINAL_MATTER:
        cr = table("criminal")
        spec = cr["defence_hardship"] if role in cr["defence_roles"] else cr["victim_hardship"]
        reasons.append(_say(spec["basis"], spec["text"]))
    if scope.level is not None and matter != CRIMINAL_MATTER:
        reasons += [o.reason for o in scope.deciders if o.reason]
    if scope.level == NO:
        decision, missing = "not_eligible", ()
    else:
        if hard.level is not None:
            reasons += [o.reason for o in hard.deciders if o.reason]
        reasons += notes
        if hard.level == NO:
            decision, missing = "not_eligible", ()
        elif scope.level is None or hard.level is None:
            missing = _order(_union([scope.fields, hard.fields]),
                             matter == CRIMINAL_MATTER and role in (None, *table("criminal")["defence_roles"]),
                             matter)
            decision = "needs_more_info"
            if region_note and "region" in missing:
                reasons.append(region_note)
        else:
            decision = "eligible" if min(scope.level, hard.level) == YES else "likely_eligible"

    exempt_yes = [o for o in options if o.kind == "exempt" and o.level == YES]
    exempt_likely = [o for o in options if o.kind == "exempt" and o.level == LIKELY]
    if review == "exempt" and exempt_yes:
        mode, proofs = "proof", [o.proof for o in exempt_yes if o.proof]
    elif review == "exempt":
        mode, proofs = "proof_and_statement", [o.proof for o in exempt_likely if o.proof]
    else:
        mode, proofs = "statement", []
    return Evaluation(decision=decision, hardship_review=review, missing=missing, reasons=reasons,
                      proofs=proofs, hardship_materials=mode, matter=matter, region=region, role=role,
                      pending=(*scope.pending, *hard.pending) if decision == "needs_more_info" else ())


def _intersection(groups: list[tuple[str, ...]]) -> tuple[str, ...]:
    if not groups:
        return ()
    common = set(groups[0]).intersection(*map(set, groups[1:]))
    return tuple(n for n in groups[0] if n in common)


@cached
def _representatives() -> tuple[Region, ...]:
    """One region per distinct way the rules treat a place (scope profile, hardship
    scheme, one or several minimum-wage areas): enough to see what a place changes."""
    seen: dict[tuple[str, str, bool], Region] = {}
    for region in all_regions():
        key = (region.scope_profile, region.hardship, len(region.wage_areas) > 1 or region.wage_areas == ("*",))
        seen.setdefault(key, region)
    return tuple(seen.values())


def evaluate(facts: Mapping[str, Any] | Facts) -> Evaluation:
    """The decision with its parts (for callers that want more than the §3 dict).

    Three facts are *gates* — asked first because what else is needed depends on them:
    the criminal role (R2), the facts that make a defence mandatory (R1: age and
    criminal_flags of a suspect or defendant) and the region. While a gate is open,
    ``missing`` holds the gate plus only the facts needed whatever its answer.
    """
    f = parse_facts(facts)
    region, region_note = _region_of(f)
    matter = f.matter
    role = f.criminal_role
    if matter is None and (role is not None or f.criminal_flags is not None):
        matter = CRIMINAL_MATTER  # these fields exist only in criminal cases
    mandatory = FALSE
    if matter == CRIMINAL_MATTER:
        mandatory, why = _mandatory(f, role)
        if mandatory.value is True:  # R1
            return Evaluation(decision="mandatory", hardship_review="exempt", reasons=why,
                              hardship_materials="none", matter=matter, region=region, role=role)
    ask = section("scope", "ask_matter")
    if matter is None or (section("scope", "matters")[matter] or {}).get("kind") == "ask_matter":  # R6
        return Evaluation(decision="needs_more_info", hardship_review="unknown", missing=("matter",),
                          reasons=[_say(ask["basis"], ask["text"])], matter=matter, region=region)
    if matter == CRIMINAL_MATTER and role is None:  # R2
        subs = [evaluate(replace(f, criminal_role=r)) for r in ("suspect", "victim")]
        missing = _order(("criminal_role", *_intersection([s.missing for s in subs])), True)
        reason = _say("《法律援助法》第二十四条、第二十五条、第二十九条",
                      "犯罪嫌疑人、被告人和被害人适用的规定不同，需要先知道当事人在案件中的身份")
        return Evaluation(decision="needs_more_info", hardship_review="unknown", missing=missing,
                          reasons=[reason], matter=matter, region=region)
    ev = _path(f, matter, region, role, region_note)
    defence = matter == CRIMINAL_MATTER and role in table("criminal")["defence_roles"]
    if matter == CRIMINAL_MATTER and not defence and f.criminal_flags and set(f.criminal_flags) & set(table("criminal")["mandatory"]["flags"]):
        note = table("criminal")["flag_not_for_victims"]  # LAL 28 covers only the person subject to it
        ev.reasons.append(_say(note["basis"], note["text"]))
    if mandatory.value is None:  # R1 not settled yet: ask it first
        ev.missing = _order(mandatory.fields, True)
        ev.decision = "needs_more_info"
        ev.pending = ()
        ev.reasons.insert(0, _say("《法律援助法》第二十五条第一款",
                                  "当事人是未成年人，或有视力、听力、言语残疾、精神疾病，或可能判无期徒刑、死刑等情形的，"
                                  "国家应当指派律师，需要先了解这些情况"))
        return ev
    if region is None and "region" in ev.missing:
        subs = [_path(f, matter, rep, role, None) for rep in _representatives()]
        ev.missing = _order(("region", *_intersection([s.missing for s in subs])), defence)
    return ev


# --------------------------------------------------------------------------- output


def _priority(f: Facts, ev: Evaluation) -> tuple[bool, list[str]]:
    """R9: the green channel."""
    spec = section("procedure", "priority")
    triggers = {
        "migrant_worker": bool(f.migrant_worker),
        "disabled": bool(f.disabled),
        "veteran": bool(f.special_status and "veteran" in f.special_status),
        "elderly": _elderly(f).value is True,
        "minor": _minor(f).value is True,
        "urgent": bool(f.urgent),
        "mandatory": ev.decision == "mandatory",
    }
    reasons = [_say(_local(spec[k]["basis"], ev.region), _local(spec[k]["text"], ev.region))
               for k, on in triggers.items() if on and k in spec]
    return any(triggers.values()), reasons


def _local(basis: Any, region: Region | None) -> str:
    """A basis or text that may differ by place: {shishi: …, jilin: …, default: …}."""
    if not isinstance(basis, Mapping):
        return str(basis)
    if region is not None:
        for key in (region.scope_profile, region.province):
            if key in basis:
                return str(basis[key])
    return str(basis["default"])


def _step(spec: Mapping[str, Any]) -> str:
    text = str(spec["text"]).strip().rstrip("。")
    return f"{text}（{spec['basis']}）。" if spec.get("basis") else f"{text}。"


def _centre(region: Region | None) -> str | None:
    if region is None:
        return None
    if region.level == "province":
        return f"{region.name}当地市、县的法律援助中心"
    centre = _scheme(region.hardship).get("centre")
    if centre and centre != "当地法律援助中心":
        return str(centre)
    return f"{region.name}的法律援助中心"


def _materials(ev: Evaluation) -> list[str]:
    mt = table("materials")
    out = list(mt["identity"])
    if ev.hardship_materials == "none":
        out = [mt["identity"][0]] + list(mt["criminal_mandatory"])
        return list(dict.fromkeys(out))
    if ev.hardship_materials in ("proof", "proof_and_statement"):
        out += ev.proofs
    if ev.hardship_materials in ("statement", "proof_and_statement"):
        out += list(mt["hardship_statement"])
    if ev.hardship_materials == "statement":
        out.append(str(mt["hardship_possible_exemption"]))
    if ev.matter is not None:
        out += list((mt.get("matters") or {}).get(ev.matter) or [])
    return _without_repeats(list(dict.fromkeys(out)))


def _material_terms(item: str) -> set[str]:
    """The documents an item names: its example list when it has one, else the item itself."""
    inner = [x for x in re.findall(r"[（(]([^）)]*)[）)]", item) if x not in ("如有", "如果有")]
    text = "、".join(inner) if inner else re.sub(r"[（(][^）)]*[）)]", "", item)
    terms = (re.sub(r"^(?:如|带上|以及|及)", "", t.strip()) for t in re.split(r"[、，,；;]|或者|或", text))
    # "有家庭暴力的" is a condition, not a document
    return {t for t in terms if len(t) >= 2 and not t.endswith("的")}


def _without_repeats(items: list[str]) -> list[str]:
    """一次性告知 means once: drop an item whose documents an earlier item already asks for."""
    kept: list[str] = []
    for item in items:
        terms = _material_terms(item)
        earlier = "".join(kept)
        if kept and terms and all(t in earlier for t in terms):
            continue
        kept.append(item)
    return kept


def _alternatives(matter: str | None) -> list[str]:
    alt = section("procedure", "alternatives")
    keys = ["default"]
    if matter:
        keys += [matter, matter.split(".")[0]]
    out: list[str] = []
    for k in keys:
        out += [_step(a) for a in alt.get(k) or []]
    return list(dict.fromkeys(out))


def _next_steps(f: Facts, ev: Evaluation, pre_aid: bool) -> list[str]:
    proc = table("procedure")
    ns = proc["next_steps"]
    cr = table("criminal")
    steps: list[str] = []
    if ev.decision == "mandatory":
        steps += [_step(s) for s in cr["mandatory_steps"]]
        if ev.role in (None, "suspect", "defendant"):
            steps.append(_step(ns["detained"]))
        steps.append(_step(ns["pre_check"]))
        return steps
    if pre_aid:
        steps.append(_step(proc["pre_aid"]))
    if ev.decision == "not_eligible":
        steps.append(_step(ns["consultation"]))
        steps += _alternatives(ev.matter)
        steps.append(_step(ns["objection"]))
        steps.append(_step(ns["pre_check"]))
        return steps
    if ev.decision == "needs_more_info":
        steps.append(_step(ns["needs_more_info"]))
        steps.append(_step(ns["consultation"]))
        steps.append(_step(ns["pre_check"]))
        return steps
    steps.append(_step(ns["where_litigation"]))
    centre = _centre(ev.region)
    if centre:
        steps.append(str(ns["where_region"]).format(centre=centre) + "。")
    if ev.region is not None and ev.region.province == "jilin" and f.migrant_worker:
        steps.append(_step(ns["jilin_workstations"]))
    steps.append(_step(ns["channels"]))
    if f.disabled or _elderly(f).value is True or (ev.region is not None and ev.region.scope_profile == "shishi"):
        spec = ns["door_to_door"]  # the Shishi plan promises it; elsewhere the centre may be asked and decides
        steps.append(_step({"basis": _local(spec["basis"], ev.region), "text": _local(spec["text"], ev.region)}))
    if ev.matter == CRIMINAL_MATTER and ev.role == "suspect":
        steps.append(_step(ns["detained"]))
    if ev.matter == CRIMINAL_MATTER and ev.role in cr["defence_roles"]:
        steps.append(_step(ns["trial_full_coverage"]))
    steps.append(_step(ns["decision_time"]))
    steps.append(_step(ns["objection"]))
    steps.append(str(table("materials")["closing"]).rstrip("。") + "。")
    steps.append(_step(ns["pre_check"]))
    return steps


def decide(facts: Mapping[str, Any] | Facts) -> dict[str, Any]:
    """Facts (CONTRACTS.md §3 input) → the §3 output dict, exactly its eight keys.

    Raises ``intents.facts.FactsError`` (naming the field) for an unknown field or an
    invalid value. Pure: reads only the tables loaded once from ``intents/tables``.
    """
    f = parse_facts(facts)
    ev = evaluate(f)
    priority, priority_reasons = _priority(f, ev)
    pre_aid = bool(f.urgent) and ev.decision not in ("not_eligible", "mandatory")  # R10
    reasons = list(ev.reasons) + _needs_reason(ev.pending, ev.missing) + priority_reasons
    if pre_aid:
        pa = section("procedure", "pre_aid")
        reasons.append(_say(pa["basis"], pa["text"]))
    return {
        "decision": ev.decision,
        "hardship_review": ev.hardship_review,
        "priority": priority,
        "pre_aid": pre_aid,
        "reasons": list(dict.fromkeys(r for r in reasons if r)),
        "materials": _materials(ev),
        "next_steps": list(dict.fromkeys(_next_steps(f, ev, pre_aid))),
        "missing": list(ev.missing),
    }


def next_questions(facts: Mapping[str, Any] | Facts) -> list[str]:
    """What the questionnaire should ask, in order: ``missing``, then ``urgent`` (which
    never changes the decision but may give priority and 先行援助) when the answer is
    still open and could matter. ``service.urgent`` puts ``urgent`` first (facts §9.9)."""
    f = parse_facts(facts)
    out = decide(f)
    questions = list(out["missing"])
    if (f.region is None and "region" not in questions
            and out["decision"] in ("eligible", "likely_eligible")):
        # The decision no longer depends on the place, but where to apply does (LAL 38):
        # ask it so the result and the application can name the right centre.
        questions.append("region")
    if f.urgent is None and out["decision"] not in ("not_eligible", "mandatory"):
        if f.matter == "service.urgent":
            questions.insert(0, "urgent")
        else:
            questions.append("urgent")
    return questions
