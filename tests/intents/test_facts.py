"""Validation of the §3 facts: an unknown field or an invalid value is a FactsError whose
``field`` (and message) names the field; valid input is typed, never guessed."""

from __future__ import annotations

from typing import Any

import pytest

from intents.facts import FIELD_NAMES, Facts, FactsError, parse_facts, validate_field

BAD: list[tuple[str, dict[str, Any]]] = [
    ("colour", {"colour": "red"}),
    ("Region", {"Region": "石狮"}),
    ("region", {"region": 350581}),
    ("region", {"region": ""}),
    ("region", {"region": "   "}),
    ("region", {"region": "石" * 61}),
    ("matter", {"matter": "wages"}),
    ("matter", {"matter": "labor"}),
    ("matter", {"matter": "labor.salary"}),
    ("matter", {"matter": 3}),
    ("matter", {"matter": ""}),
    ("age", {"age": "40"}),
    ("age", {"age": 40.5}),
    ("age", {"age": -1}),
    ("age", {"age": 131}),
    ("age", {"age": True}),
    ("disabled", {"disabled": "yes"}),
    ("disabled", {"disabled": 1}),
    ("fixed_income", {"fixed_income": 0}),
    ("migrant_worker", {"migrant_worker": "true"}),
    ("unemployed", {"unemployed": []}),
    ("receives_assistance", {"receives_assistance": "低保"}),
    ("gender", {"gender": "F"}),
    ("gender", {"gender": "女"}),
    ("household_size", {"household_size": 0}),
    ("household_size", {"household_size": 2.5}),
    ("household_size", {"household_size": "3"}),
    ("household_size", {"household_size": False}),
    ("household_monthly_income", {"household_monthly_income": -1}),
    ("household_monthly_income", {"household_monthly_income": "3000"}),
    ("household_monthly_income", {"household_monthly_income": float("nan")}),
    ("household_monthly_income", {"household_monthly_income": float("inf")}),
    ("household_monthly_income", {"household_monthly_income": True}),
    ("special_status", {"special_status": "veteran"}),
    ("special_status", {"special_status": ["hero"]}),
    ("special_status", {"special_status": [1]}),
    ("special_status", {"special_status": {"veteran": True}}),
    ("criminal_role", {"matter": "criminal.defense", "criminal_role": "witness"}),
    ("criminal_flags", {"matter": "criminal.defense", "criminal_flags": ["minor"]}),
    ("urgent", {"urgent": ["tomorrow"]}),
    ("urgent", {"urgent": True}),
    ("criminal_role", {"matter": "labor.wages", "criminal_role": "suspect"}),
    ("criminal_flags", {"matter": "family.support", "criminal_flags": []}),
]


@pytest.mark.parametrize("field,raw", BAD, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD)])
def test_invalid_facts_name_the_field(field: str, raw: dict[str, Any]) -> None:
    with pytest.raises(FactsError) as err:
        parse_facts(raw)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")
    assert field in err.value.message


@pytest.mark.parametrize("raw", [None, [], "facts", 3, [("age", 3)]])
def test_the_facts_must_be_an_object(raw: Any) -> None:
    with pytest.raises(FactsError) as err:
        parse_facts(raw)
    assert err.value.field == "facts"


def test_non_string_key_is_an_error() -> None:
    with pytest.raises(FactsError) as err:
        parse_facts({1: True})  # type: ignore[dict-item]
    assert err.value.field == "1"


def test_empty_facts_are_valid() -> None:
    assert parse_facts({}) == Facts()


def test_null_means_not_answered() -> None:
    assert parse_facts({name: None for name in FIELD_NAMES}) == Facts()


def test_valid_facts_are_typed() -> None:
    f = parse_facts({
        "region": " 石狮市 ", "matter": "labor.wages", "age": 45.0, "disabled": False, "fixed_income": True,
        "migrant_worker": True, "gender": "female", "unemployed": False, "household_size": 3,
        "household_monthly_income": 4500.5, "receives_assistance": False,
        "special_status": ["veteran", "veteran"], "urgent": [],
    })
    assert f.region == "石狮市"
    assert f.age == 45 and isinstance(f.age, int)
    assert f.special_status == frozenset({"veteran"})
    assert f.urgent == frozenset()
    assert f.household_monthly_income == 4500.5


def test_a_sub_code_stands_under_its_code() -> None:
    assert parse_facts({"matter": "labor.wages.construction"}).matter == "labor.wages"


def test_criminal_fields_with_criminal_or_no_matter_are_fine() -> None:
    assert parse_facts({"matter": "criminal.defense", "criminal_role": "victim"}).criminal_role == "victim"
    assert parse_facts({"criminal_role": "suspect", "criminal_flags": ["absentia_trial"]}).criminal_flags == frozenset({"absentia_trial"})


def test_validate_field_checks_one_answer() -> None:
    assert validate_field("household_size", 4) == 4
    assert validate_field("age", None) is None
    with pytest.raises(FactsError) as err:
        validate_field("household_size", 0)
    assert err.value.field == "household_size"
    with pytest.raises(FactsError) as err:
        validate_field("nickname", "x")
    assert err.value.field == "nickname"


def test_to_dict_round_trips() -> None:
    raw = {"region": "长春", "matter": "family.support", "special_status": ["veteran", "abuse_victim"], "age": 70}
    f = parse_facts(raw)
    assert parse_facts(f.to_dict()) == f
    assert f.to_dict()["special_status"] == ["abuse_victim", "veteran"]


def test_decide_raises_the_same_error() -> None:
    from intents.rules import decide
    with pytest.raises(FactsError) as err:
        decide({"household_size": -2})
    assert err.value.field == "household_size"
