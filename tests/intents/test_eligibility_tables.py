"""The eligibility tables are complete and consistent: every taxonomy code has a scope,
every region resolves to itself, every scheme and figure table it names exists, every
§3 value has a rule, and the researcher's figure tables have the shape we read."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from intents import loader
from intents.facts import FIELD_NAMES, allowed_values, field_specs, matter_codes
from intents.regions import all_regions, normalize_place, resolve_region
from intents.rules import _area_key, _wage_index

# The repository's copy of shared/taxonomy.yaml (the one the FAQ content is checked against).
TAXONOMY = Path(__file__).resolve().parents[2] / "knowledge_base" / "content" / "taxonomy.yaml"


def test_scope_lists_exactly_the_taxonomy_codes() -> None:
    codes = set(yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))["codes"])
    assert set(matter_codes()) == codes


def test_every_dispute_has_a_national_status_with_basis_and_text() -> None:
    scope = loader.table("scope")
    profiles = set(scope["profiles"])
    for code, spec in scope["matters"].items():
        if spec.get("kind") == "ask_matter":
            continue
        assert "national" in spec, code
        variants = ("without_injury", "domestic_service")  # tables used when a fact narrows the matter
        tables = [spec] + [spec[v] for v in variants if v in spec]
        assert all("national" in t for t in tables), code
        for profile, st in [(p, st) for t in tables for p, st in t.items() if p not in variants]:
            assert profile in profiles, (code, profile)
            assert st["status"] in ("yes", "judgment", "no"), (code, profile)
            assert st["basis"] and st["text"], (code, profile)


def test_fields_table_matches_the_facts_dataclass() -> None:
    assert set(field_specs()) == set(FIELD_NAMES)


def _owners() -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for region in all_regions():
        for alias in region.aliases:
            owners.setdefault(normalize_place(alias), set()).add(region.code)
    return owners


def test_every_region_resolves_to_itself_by_name_and_by_every_alias() -> None:
    """A name that stands for one place gives that place; a name repeated in two places
    (鼓楼区 of 福州 and 南京, said without the city) gives None, so the chat asks again."""
    owners = _owners()
    for region in all_regions():
        for alias in region.aliases:
            found = resolve_region(alias)
            if len(owners[normalize_place(alias)]) == 1:
                assert found == region, (alias, region.name)
            else:
                assert found is None or found.code in owners[normalize_place(alias)], alias


def test_curated_aliases_are_unique() -> None:
    """regions.yaml's own aliases never repeat (the divisions around them may: 鼓楼区)."""
    seen: dict[str, str] = {}
    rows = [*loader.section("regions", "regions"), *(loader.table("regions").get("other_provinces") or [])]
    for row in rows:
        for alias in [row["name"], *(row.get("aliases") or [])]:
            key = normalize_place(alias)
            assert seen.setdefault(key, row["code"]) == row["code"], alias


def test_every_region_names_an_existing_scheme_and_profile() -> None:
    schemes = loader.section("hardship", "schemes")
    profiles = loader.section("scope", "profiles")
    for region in all_regions():
        assert region.hardship in schemes, region.code
        assert region.scope_profile in profiles, region.code


def test_jilin_regions_have_minimum_wage_figures() -> None:
    if loader.optional_table("min_wage_research") is None:
        pytest.skip("min_wage_research.yaml not present")
    index = _wage_index("min_wage_research.yaml")
    for region in all_regions():
        if loader.section("hardship", "schemes")[region.hardship]["kind"] != "min_wage":
            continue
        assert region.wage_areas, region.code
        if region.wage_areas == ("*",):
            continue
        for area in region.wage_areas:
            assert (region.province_name, _area_key(area)) in index, (region.code, area)


def test_dibao_rows_have_the_documented_shape() -> None:
    rows = loader.optional_table("dibao")
    if rows is None:
        pytest.skip("dibao.yaml not present")
    assert isinstance(rows, list)
    for row in rows:
        assert resolve_region(row["region"]) is not None, row["region"]
        for key in ("urban_monthly", "rural_monthly"):
            value = row.get(key)
            assert value is None or (isinstance(value, (int, float)) and value > 0), (row["region"], key)


def test_every_listed_value_has_a_rule() -> None:
    ex = loader.table("exemptions")
    cr = loader.table("criminal")
    known_status = set(ex["not_subject"]) | set(ex["local"]) | set(ex["notes"])
    assert set(allowed_values("special_status")) == known_status
    flags = set(cr["mandatory"]["flags"])
    assert set(allowed_values("criminal_flags")) == flags
    roles = set(cr["defence_roles"]) | set(cr["victim_roles"])
    assert set(allowed_values("criminal_role")) == roles


def test_every_dispute_has_matter_materials_and_every_fits_code_exists() -> None:
    materials = loader.table("materials")["matters"]
    for code, spec in loader.section("scope", "matters").items():
        if spec.get("kind") != "ask_matter":
            assert materials.get(code), code
    for status, spec in loader.section("exemptions", "not_subject").items():
        for code in spec["fits"]:
            assert code in matter_codes(), (status, code)


def test_question_order_names_every_field_once() -> None:
    order = loader.section("procedure", "question_order")
    assert sorted(order) == sorted(FIELD_NAMES)


def test_near_line_band_is_a_small_fraction() -> None:
    band = loader.section("hardship", "near_line_band")
    assert 0 <= band < 0.5
