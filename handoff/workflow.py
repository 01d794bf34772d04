"""The case workflow as one table, and a pure check of a requested change.

submitted → under_review → accepted / rejected (reason required) → assigned (to a
lawyer) → in_progress → closed. Keeping the graph in one literal means the console's
buttons, the permission check and the tests all read the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import labels

# LAL 43: the agency decides within 7 days of receiving the application.
DECISION_DAYS = 7

STATUS_NAMES: dict[str, str] = labels.vocab("case_status")  # handoff/labels.yaml

OPEN_STATUSES = ("submitted", "under_review", "accepted", "assigned", "in_progress")

# Where each status stands on the step line (labels.yaml: case_steps). A decision either
# way is one step; the console's stepper and the citizen's timeline read the same map.
STEP_POSITION: dict[str, int] = {"draft": -1, "submitted": 0, "under_review": 1, "accepted": 2, "rejected": 2,
                                 "assigned": 3, "in_progress": 4, "closed": 5}


def steps_for(status: str, steps: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each step `done`, `now` or `todo` for a case in this status, so "where is it" needs no question.

    A refusal ends the line at the decision, named, because nothing after it will happen;
    a closed case has every step done.
    """
    pos = STEP_POSITION.get(status, 0)
    shown = steps[:STEP_POSITION["rejected"] + 1] if status == "rejected" else steps
    out = []
    for i, step in enumerate(shown):
        state = "done" if i < pos or status == "closed" else ("now" if i == pos else "todo")
        note = STATUS_NAMES[status] if i == pos and status in ("accepted", "rejected") else ""
        out.append({"label": step["label"], "state": state, "note": note})
    return out


# 「决定给予援助并指派律师」: one action from an undecided case to an assigned one. Each
# step is still checked and recorded as its own case event; the citizen gets one notice.
ACCEPT_AND_ASSIGN_LABEL = "决定给予援助并指派律师"
ACCEPT_AND_ASSIGN_PATH: dict[str, tuple[str, ...]] = {"submitted": ("under_review", "accepted", "assigned"),
                                                       "under_review": ("accepted", "assigned")}


def can_accept_and_assign(status: str, role: str) -> bool:
    """Whether this person may take the one-action accept on a case in this status."""
    path = ACCEPT_AND_ASSIGN_PATH.get(status)
    if not path:
        return False
    here = status
    for to in path:
        if check(here, to, role, False, lawyer_id=0 if to == "assigned" else None):
            return False
        here = to
    return True


def urgency(status: str, facts: dict | None, result: dict | None) -> list[str]:
    """Why an open case cannot wait its turn (labels.yaml: urgency), [] when it can.

    A deadline within 7 days or a need to preserve (the questionnaire's `urgent`), aid
    given first (先行援助, LAL 44) and criminal cases where a lawyer must be assigned.
    """
    if status not in OPEN_STATUSES:
        return []
    facts, result = facts or {}, result or {}
    marks = [u for u in ("deadline_within_7_days", "preservation_needed") if u in (facts.get("urgent") or ())]
    if result.get("pre_aid"):
        marks.append("pre_aid")
    if result.get("decision") == "mandatory":
        marks.append("mandatory")
    return marks


@dataclass(frozen=True)
class Transition:
    to: str
    label: str                  # the console button
    roles: tuple[str, ...]      # who may press it
    own_case_only: bool = False  # a lawyer only on a case assigned to them
    needs_reason: bool = False
    needs_lawyer: bool = False


TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    "submitted": (Transition("under_review", "开始审查", ("staff", "admin")),),
    "under_review": (Transition("accepted", "决定给予援助", ("staff", "admin")),
                     Transition("rejected", "不予援助", ("staff", "admin"), needs_reason=True)),
    "accepted": (Transition("assigned", "指派律师", ("staff", "admin"), needs_lawyer=True),),
    "assigned": (Transition("in_progress", "接手办理", ("lawyer",), own_case_only=True),
                 Transition("assigned", "改派律师", ("staff", "admin"), needs_lawyer=True)),
    "in_progress": (Transition("closed", "结案", ("lawyer", "staff", "admin"), own_case_only=True),
                    Transition("assigned", "改派律师", ("staff", "admin"), needs_lawyer=True)),
    "rejected": (),
    "closed": (),
}


def allowed(status: str, role: str, is_own_case: bool) -> list[Transition]:
    """The buttons this person sees on a case in this status."""
    return [t for t in TRANSITIONS.get(status, ())
            if role in t.roles and (not t.own_case_only or role != "lawyer" or is_own_case)]


def check(status: str, to: str, role: str, is_own_case: bool, reason: str = "",
          lawyer_id: int | None = None) -> str | None:
    """None when the change may happen, else a message for the console user."""
    match = [t for t in allowed(status, role, is_own_case) if t.to == to]
    if not match:
        return f"不能从「{STATUS_NAMES.get(status, status)}」改为「{STATUS_NAMES.get(to, to)}」。"
    t = match[0]
    if t.needs_reason and not reason.strip():
        return "不予援助必须写明理由（《法律援助法》第四十三条：书面告知并说明理由）。"
    if t.needs_lawyer and lawyer_id is None:
        return "请选择要指派的律师。"
    return None


def decision_due(submitted_at: datetime) -> datetime:
    return submitted_at + timedelta(days=DECISION_DAYS)


UNDECIDED = ("submitted", "under_review")


def sort_key(priority: bool, decision_due_at: datetime | None, submitted_at: datetime | None,
             status: str = "submitted", now: datetime | None = None, urgent: bool = False) -> tuple:
    """Queue order: undecided cases past their 7-day deadline first (LAL 43), then urgent
    ones (see `urgency`), then green channel, then the nearest deadline. Once decided, the
    decision deadline no longer counts."""
    far = datetime.max.replace(tzinfo=None)
    undecided = status in UNDECIDED
    due = decision_due_at.replace(tzinfo=None) if decision_due_at and undecided else far
    sub = submitted_at.replace(tzinfo=None) if submitted_at else far
    current = (now or datetime.utcnow()).replace(tzinfo=None)
    overdue = undecided and due < current
    return (0 if overdue else 1, 0 if urgent else 1, 0 if priority else 1, 0 if undecided else 1, due, sub)
