"""The typed conversation state: migration from the stored v1 dicts, one active mode."""
from __future__ import annotations

from bot.dialog.state import ConversationState, pending_label


def test_v1_questionnaire_behind_a_booking_form_becomes_paused_not_active():
    old = {"q": {"current": "region", "history": []}, "flow": {"name": "book", "step": "office"},
           "region": "合肥市", "last_faq": "labor-wages-08"}
    st = ConversationState.from_dict(old)
    assert st.mode == "book"
    assert st.q is None
    assert [p["mode"] for p in st.paused] == ["questionnaire"]
    assert st.case == {"region": "合肥市"}
    assert st.version == 2


def test_v1_open_questionnaire_stays_the_active_mode_with_its_question_pending():
    st = ConversationState.from_dict({"q": {"current": "household_size", "history": []}})
    assert st.mode == "questionnaire"
    assert pending_label(st) == "question:household_size"


def test_v1_handover_is_human_mode():
    assert ConversationState.from_dict({"human": 7}).mode == "human"


def test_round_trip_keeps_everything():
    st = ConversationState(mode="apply", flow={"name": "apply", "step": "field:phone", "app_id": 3},
                           case={"region": "芜湖市", "amounts": [20000.0]}, decision="eligible")
    again = ConversationState.from_dict(st.to_dict())
    assert again == st
    assert pending_label(again) == "field:phone"


def test_data_of_an_inactive_mode_is_dropped():
    st = ConversationState.from_dict({"version": 2, "mode": "idle", "flow": None, "q": None,
                                      "paused": [{"mode": "nonsense"}]})
    assert st.mode == "idle" and st.paused == []
