"""一次性告知: the materials list names each document once."""
from __future__ import annotations

import pytest

from intents.rules import decide

CASES = [
    {"matter": "family.violence", "special_status": ["abuse_victim"]},
    {"matter": "family.divorce", "region": "长春市", "special_status": ["abuse_victim"]},
    {"matter": "labor.wages", "region": "石狮市", "migrant_worker": True},
    {"matter": "family.support", "region": "长春市", "age": 70, "fixed_income": False},
    {"matter": "criminal.defense", "criminal_role": "suspect", "age": 17},
    {"matter": "injury.traffic", "region": "长春市", "receives_assistance": True},
]


@pytest.mark.parametrize("facts", CASES)
def test_no_document_is_asked_for_twice(facts):
    materials = decide(facts)["materials"]
    assert len(materials) == len(set(materials))
    assert sum("人身安全保护令" in m for m in materials) <= 1
    assert sum("报警回执" in m for m in materials) <= 1
