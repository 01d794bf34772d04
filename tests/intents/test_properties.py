"""Properties of the engine over generated facts (hypothesis):

- any valid facts → a valid §3 output, never a crash;
- anything at all → a valid output or a FactsError naming a field, nothing else;
- adding an exemption never turns a yes into a no;
- lowering income (or adding a household member) never turns a yes into a no.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intents import loader
from intents.facts import FIELD_NAMES, FactsError, allowed_values, matter_codes
from intents.regions import all_regions, resolve_region
from intents.rules import DECISIONS, HARDSHIP_REVIEWS, OUTPUT_KEYS, decide

YES = {"eligible", "likely_eligible", "mandatory"}
CRIM = "criminal.defense"
SETTINGS = settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

ALIASES = sorted({a for r in all_regions() for a in r.aliases})
PLACES = st.one_of(st.sampled_from(ALIASES), st.sampled_from(["广州", "火星", "吉林省吉林市", "泉州石狮", "长春市朝阳区"]),
                   st.text(min_size=1, max_size=8).filter(lambda s: s.strip() != ""))


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def subset(field: str) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(allowed_values(field)), max_size=3)


@st.composite
def valid_facts(draw: st.DrawFn) -> dict[str, Any]:
    matter = draw(maybe(st.sampled_from(sorted(matter_codes()))))
    facts: dict[str, Any] = {
        "region": draw(maybe(PLACES)),
        "matter": matter,
        "age": draw(maybe(st.integers(0, 130))),
        "disabled": draw(maybe(st.booleans())),
        "fixed_income": draw(maybe(st.booleans())),
        "migrant_worker": draw(maybe(st.booleans())),
        "gender": draw(maybe(st.sampled_from(["female", "male"]))),
        "unemployed": draw(maybe(st.booleans())),
        "household_size": draw(maybe(st.integers(1, 12))),
        "household_monthly_income": draw(maybe(st.one_of(st.integers(0, 60000),
                                                         st.floats(0, 60000, allow_nan=False)))),
        "receives_assistance": draw(maybe(st.booleans())),
        "special_status": draw(maybe(subset("special_status"))),
        "urgent": draw(maybe(subset("urgent"))),
    }
    if matter in (None, CRIM):
        facts["criminal_role"] = draw(maybe(st.sampled_from(allowed_values("criminal_role"))))
        facts["criminal_flags"] = draw(maybe(subset("criminal_flags")))
    # Leave some fields out entirely rather than null.
    return {k: v for k, v in facts.items() if v is not None or draw(st.booleans())}


def check_output(facts: dict[str, Any], out: dict[str, Any]) -> None:
    assert tuple(out) == OUTPUT_KEYS
    assert out["decision"] in DECISIONS
    assert out["hardship_review"] in HARDSHIP_REVIEWS
    assert isinstance(out["priority"], bool) and isinstance(out["pre_aid"], bool)
    for key in ("reasons", "materials", "next_steps", "missing"):
        assert isinstance(out[key], list) and all(isinstance(x, str) and x for x in out[key])
    assert out["reasons"] and out["materials"] and out["next_steps"]
    for reason in out["reasons"]:
        assert "：" in reason, reason
    missing = out["missing"]
    assert len(set(missing)) == len(missing) and set(missing) <= set(FIELD_NAMES)
    assert bool(missing) == (out["decision"] == "needs_more_info")
    # Only unanswered facts are asked, except a place we could not use and a non-matter.
    for name in missing:
        assert facts.get(name) is None or name in ("region", "matter"), (name, facts)
    if out["decision"] == "mandatory":
        assert out["hardship_review"] == "exempt" and out["priority"] and not out["pre_aid"]
    if out["pre_aid"]:
        assert facts.get("urgent") and out["decision"] not in ("not_eligible", "mandatory")
    if facts.get("urgent") and out["decision"] not in ("not_eligible", "mandatory"):
        assert out["pre_aid"]
    json.dumps(out, ensure_ascii=False)


@SETTINGS
@given(valid_facts())
def test_any_valid_facts_give_a_valid_output(facts: dict[str, Any]) -> None:
    out = decide(facts)
    check_output(facts, out)
    assert decide(facts) == out  # pure


JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=True), st.text(max_size=6)),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)),
    max_leaves=6,
)


@SETTINGS
@given(st.dictionaries(st.sampled_from([*FIELD_NAMES, "income", "Region", ""]), JSONISH, max_size=6))
def test_anything_gives_an_output_or_a_named_error(raw: dict[str, Any]) -> None:
    try:
        out = decide(raw)
    except FactsError as exc:
        assert exc.field and str(exc).startswith(exc.field)
        return
    check_output(raw, out)


EXEMPTIONS: list[dict[str, Any]] = [
    {"special_status": ["abuse_victim"]}, {"special_status": ["good_samaritan"]},
    {"special_status": ["martyr_relative"]}, {"special_status": ["wrongful_conviction"]},
    {"special_status": ["covid_frontline"]}, {"receives_assistance": True}, {"migrant_worker": True},
]


def add_exemption(facts: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(facts)
    for key, value in extra.items():
        if key == "special_status":
            out[key] = sorted(set(out.get(key) or []) | set(value))
        else:
            out[key] = value
    return out


@SETTINGS
@given(valid_facts(), st.sampled_from(EXEMPTIONS))
def test_adding_an_exemption_never_turns_a_yes_into_a_no(facts: dict[str, Any], extra: dict[str, Any]) -> None:
    before = decide(facts)["decision"]
    after = decide(add_exemption(facts, extra))["decision"]
    if before in YES:
        assert after in YES, (facts, extra, before, after)
    if before == "eligible":
        assert after in ("eligible", "mandatory"), (facts, extra, after)


@SETTINGS
@given(valid_facts(), st.floats(0, 1, allow_nan=False), st.integers(0, 3))
def test_less_income_never_turns_a_yes_into_a_no(facts: dict[str, Any], factor: float, more_people: int) -> None:
    facts = {**facts, "household_monthly_income": facts.get("household_monthly_income") or 3000}
    before = decide(facts)["decision"]
    poorer = {**facts, "household_monthly_income": facts["household_monthly_income"] * factor}
    if facts.get("household_size") is not None:
        poorer["household_size"] = min(50, facts["household_size"] + more_people)
    after = decide(poorer)["decision"]
    if before in YES:
        assert after in YES, (facts, poorer, before, after)
    if before == "eligible":
        assert after in ("eligible", "mandatory"), (facts, poorer, after)


@SETTINGS
@given(valid_facts())
def test_answering_what_is_missing_makes_progress(facts: dict[str, Any]) -> None:
    """The first missing field, once answered, is not asked again (unless it is a place
    or matter we could not use) — so a questionnaire driven by ``missing`` terminates."""
    out = decide(facts)
    if not out["missing"]:
        return
    first = out["missing"][0]
    samples: dict[str, Any] = {
        "matter": "labor.wages", "criminal_role": "victim", "region": "长春", "special_status": [],
        "migrant_worker": False, "gender": "male", "unemployed": False, "receives_assistance": False,
        "age": 40, "disabled": False, "fixed_income": True, "household_size": 2,
        "household_monthly_income": 1000, "criminal_flags": [], "urgent": [], "personal_injury": False,
    }
    answered = {**facts, first: samples[first]}
    if first == "matter" and facts.get("criminal_role") is not None or facts.get("criminal_flags") is not None:
        answered["matter"] = CRIM
    assert first not in decide(answered)["missing"] or first in ("region",)


def test_loader_cache_can_be_cleared() -> None:
    loader.clear_cache()
    assert decide({"matter": "family.violence"})["decision"] == "eligible"


@SETTINGS
@given(valid_facts(), st.floats(1, 20, allow_nan=False))
def test_more_income_never_turns_a_no_into_a_yes(facts: dict[str, Any], factor: float) -> None:
    facts = {**facts, "household_monthly_income": facts.get("household_monthly_income") or 3000}
    before = decide(facts)["decision"]
    richer = {**facts, "household_monthly_income": min(10**7, facts["household_monthly_income"] * factor)}
    after = decide(richer)["decision"]
    if before == "not_eligible":
        assert after not in YES, (facts, richer, after)
    if after == "eligible":
        assert before in ("eligible", "mandatory"), (facts, richer, before)


# ---------------------------------------------------------------- §3.3 bounds (issue 12 §1)

# Fujian's names that name one place (永定区 is also in Hunan: asked again, by design).
FUJIAN = sorted({a for r in all_regions() if r.province == "fujian" for a in r.aliases if not a.isascii()
                 and resolve_region(a) is not None})
DISPUTES = sorted(c for c, spec in loader.section("scope", "matters").items() if spec.get("kind") != "ask_matter"
                  and c != CRIM)
RANK = {"not_eligible": 0, "likely_eligible": 1, "eligible": 2}
REVIEW_RANK = {"failed": 0, "unknown": 1, "passed": 2, "exempt": 3}


@SETTINGS
@given(st.sampled_from(FUJIAN), st.sampled_from(DISPUTES), st.integers(1, 8),
       st.floats(0, 40000, allow_nan=False), st.floats(0, 40000, allow_nan=False),
       st.lists(st.sampled_from(["receives_assistance", "migrant_worker", "abuse_victim"]), max_size=1))
def test_bounds_are_monotonic_in_income(place: str, matter: str, size: int, a: float, b: float, extra: list[str]) -> None:
    """Where the 低保 figure is unknown (石狮, 泉州, the rest of Fujian), a lower income per
    person never gets a worse decision or review than a higher one, and an exemption never
    a worse decision than no exemption."""
    base: dict[str, Any] = {"matter": matter, "region": place, "special_status": [], "receives_assistance": False,
                            "age": 40, "disabled": False, "migrant_worker": False, "household_size": size,
                            "personal_injury": True}
    low, high = sorted((a, b))
    poorer = decide({**base, "household_monthly_income": low})
    richer = decide({**base, "household_monthly_income": high})
    assert poorer["decision"] in RANK and richer["decision"] in RANK, (poorer, richer)
    assert RANK[poorer["decision"]] >= RANK[richer["decision"]], (place, matter, size, low, high)
    assert REVIEW_RANK[poorer["hardship_review"]] >= REVIEW_RANK[richer["hardship_review"]], (place, matter, low, high)
    if extra:
        key = extra[0]
        exempted = {**base, "household_monthly_income": high}
        if key == "abuse_victim":
            exempted["special_status"] = ["abuse_victim"]
        else:
            exempted[key] = True
        assert RANK[decide(exempted)["decision"]] >= RANK[richer["decision"]], (place, matter, key, high)
