"""The handoff in the chat: application step by step, booking (the form is handoff/bookflow.py),
progress, door-to-door / postal acceptance, withdrawal of consent.

State is one small dict in the conversation row (`state["flow"]`), so any worker can
serve the next message. The bot's router (bot/dialog.py) calls in here; this module
does not know about WeChat. Every function returns the reply text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from intents import detect
from ground.clock import utcnow

from . import applications as apps
from . import appointments as appts
from . import bookflow
from .models import Application, CaseEvent
from .slots import local_now, when_label
from .texts import H, texts
from .validate import FIELDS

MAX_BUBBLE = 600
_CLEAN = re.compile(r"[\s\W_]+", re.UNICODE)
WORDS: dict[str, tuple[str, ...]] = {
    "cancel_booking": ("取消预约", "不约了", "取消面谈"),
    "reschedule": ("改约", "改预约", "更改预约", "改时间", "重新预约", "换个时间"),
    "door_to_door": ("上门", "上门受理", "上门服务", "请上门"),
    "postal": ("邮寄", "邮寄申请", "邮寄材料", "寄材料"),
    "withdraw": ("撤回同意", "撤销同意", "删除我的信息"),
    "end_human": ("结束人工", "退出人工", "结束人工服务", "不要人工了"),
}


def handoff_command(text: str) -> str | None:
    clean = _CLEAN.sub("", text or "")
    return next((name for name, words in WORDS.items() if clean in words), None)


@dataclass
class FlowContext:
    session: Session
    user_id: str
    apply_url: Callable[[str], str] | None = None   # user_id → signed H5 link
    book_url: Callable[[str], str] | None = None
    mine_url: Callable[[str], str] | None = None
    eligibility: Callable[[], apps.Eligibility | None] = lambda: None


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))


def _is_yes(text: str) -> bool:
    return (detect.choice_number(text, 1) == 1 or detect.is_yes(text) or detect.polar_answer(text) == "yes"
            or _CLEAN.sub("", text) in ("同意", "确认", "提交"))


def _is_no(text: str) -> bool:
    return (detect.choice_number(text, 2) == 2 or detect.polar_answer(text) == "no"
            or _CLEAN.sub("", text) in ("不同意", "不", "不要", "否", "拒绝"))


# ------------------------------------------------------------------ application

def start_apply(ctx: FlowContext, state: dict, force_new: bool = False) -> str | None:
    """None means: no eligibility result yet, the router should run the questionnaire first."""
    s = ctx.session
    elig = ctx.eligibility()
    draft = apps.current_draft(s, ctx.user_id)
    if draft is not None and not force_new:
        apps.refresh_eligibility(draft, elig)
        return _resume(ctx, state, draft, H("apply_resume_head"))
    if elig is None:
        return None
    if not force_new:
        open_cases = [a for a in apps.submitted(s, ctx.user_id) if a.status not in ("rejected", "closed")]
        if open_cases:
            state["flow"] = {"name": "apply", "step": "confirm_new"}
            a = open_cases[0]
            return H("apply_already_submitted", number=a.number, status=_status(a.status))
        if elig.result.get("decision") in ("not_eligible", "needs_more_info"):
            state["flow"] = {"name": "apply", "step": "confirm_anyway"}
            return H("apply_not_eligible")
    draft = draft if draft is not None else apps.new_draft(s, ctx.user_id, elig)
    return _resume(ctx, state, draft, H("apply_start_head"))


def _resume(ctx: FlowContext, state: dict, draft: Application, head: str) -> str:
    state["flow"] = {"name": "apply", "app_id": draft.id}
    if draft.consent_at is None:
        state["flow"]["step"] = "consent"
        return H("consent_notice")
    if draft.sensitive_consent_at is None:
        state["flow"]["step"] = "sensitive"
        return H("consent_sensitive")
    field = apps.next_field(draft)
    if field is None:
        return _review(state, draft)
    state["flow"]["step"] = f"field:{field}"
    return _first_question(ctx, field, head)


def _first_question(ctx: FlowContext, field: str, head: str) -> str:
    lines = [head, H(f"ask.{field}"), H("apply_exit_hint")]
    if ctx.apply_url:
        lines.insert(2, H("apply_web_hint", link=ctx.apply_url(ctx.user_id)))
    return "\n".join(lines)


def _review(state: dict, draft: Application) -> str:
    state["flow"]["step"] = "review"
    return "\n".join([H("review_head"), *apps.summary_lines(draft), H("review_tail")])


def _status(status: str) -> str:
    from .workflow import STATUS_NAMES
    return STATUS_NAMES.get(status, status)


# How people confirm the application summary (besides a plain yes).
_SUBMIT_WORDS = ("确认提交", "提交申请", "确认无误", "没问题提交", "对的提交", "可以提交", "提交吧", "就这样提交")


def _apply_step(ctx: FlowContext, state: dict, text: str) -> str | None:
    flow = state["flow"]
    step = flow.get("step", "")
    if step in ("confirm_anyway", "confirm_new"):
        state.pop("flow", None)
        if _is_yes(text):
            return start_apply(ctx, state, force_new=True) or H("apply_no_result")
        return H("apply_paused") if step == "confirm_new" else H("book_exit")
    draft = ctx.session.get(Application, flow.get("app_id") or -1)
    if draft is None or draft.status != "draft":
        state.pop("flow", None)
        return start_apply(ctx, state) or H("apply_no_result")
    if detect.command_of(text) == "exit":
        state.pop("flow", None)
        return H("apply_paused")
    if step in ("consent", "sensitive"):
        if _is_yes(text):
            apps.give_consent(draft, sensitive=step == "sensitive")
            return _resume(ctx, state, draft, H("apply_start_head"))
        if _is_no(text):
            apps.withdraw(ctx.session, draft)
            state.pop("flow", None)
            return H("consent_declined")
        if _CLEAN.sub("", text):
            # Shown once already: a remark or a question is the chat's to answer, and the
            # consent waits in one line (consent_pending_line) — never the whole notice again.
            return None
        return H("consent_notice") if step == "consent" else H("consent_sensitive")
    if step.startswith("field:"):
        field = step.removeprefix("field:")
        error = apps.save_answer(draft, field, text)
        if error is not None:
            return f"{H(f'errors.{error}')}\n{H(f'ask.{field}')}"
        if flow.pop("editing", False):
            return _review(state, draft)
        nxt = apps.next_field(draft)
        if nxt is None:
            return _review(state, draft)
        flow["step"] = f"field:{nxt}"
        return H(f"ask.{nxt}")
    if step == "review":
        if detect.choice_number(text, 2) == 2 or "修改" in text:
            flow["step"] = "edit"
            names = texts()["field_names"]
            return f"{H('edit_choose')}\n{_numbered([names[f] for f in FIELDS])}"
        if _is_yes(text) or _CLEAN.sub("", text) in _SUBMIT_WORDS:
            return _submit(ctx, state, draft)
        return _review(state, draft)
    if step == "edit":
        n = detect.choice_number(text, len(FIELDS))
        if n is None:
            names = texts()["field_names"]
            return f"{H('edit_choose')}\n{_numbered([names[f] for f in FIELDS])}"
        flow["step"] = f"field:{FIELDS[n - 1]}"
        flow["editing"] = True
        return H(f"ask.{FIELDS[n - 1]}")
    state.pop("flow", None)
    return H("apply_paused")


def _submit(ctx: FlowContext, state: dict, draft: Application) -> str:
    apps.submit(ctx.session, draft)
    state.pop("flow", None)
    return submitted_text(draft, ctx.mine_url(ctx.user_id) if ctx.mine_url else None)


def submitted_text(app: Application, link: str | None) -> str:
    """Number, what happens next, and the complete materials list (a link when too long)."""
    head = H("submitted", number=app.number)
    tail = [H("submitted_next")]
    if app.priority:
        tail.append(H("submitted_green"))
    items = apps.materials(app)
    mats = f"{H('submitted_materials', count=len(items))}\n{_numbered(items)}" if items else ""
    page = H("submitted_page", link=link) if link else ""
    full = "\n".join(x for x in [head, mats, *tail, page] if x)
    if len(full) <= MAX_BUBBLE:
        return full
    short = "\n".join(x for x in [head, *tail, page] if x)
    room = MAX_BUBBLE - len(short) - 1
    if mats and room > 40:
        cut = mats[:room - 20].rsplit("\n", 1)[0] + "\n……（完整清单见下方链接）"
        return "\n".join(x for x in [head, cut, *tail, page] if x)
    return short


# ------------------------------------------------------------------ appointments

def _latest_case(ctx: FlowContext) -> Application | None:
    found = apps.submitted(ctx.session, ctx.user_id)
    return found[0] if found else None


def start_book(ctx: FlowContext, state: dict, reschedule: bool = False, wish: str | None = None,
               text: str | None = None) -> str:
    """「预约」 or booking asked for by meaning; `wish` (or `text`, the message that asked) is what
    they said about when (「下礼拜二上午能去吗」) — a text naming no date or time is ignored.

    The form itself lives in handoff/bookflow.py: office from the case file, dates and times
    as people say them, consent, name and phone, confirmation with the materials list.
    """
    return bookflow.start(ctx, state, reschedule=reschedule, wish=wish or text)


def _book_step(ctx: FlowContext, state: dict, text: str) -> str | None:
    """None: the text is not for the booking form (see bookflow's module doc)."""
    return bookflow.step(ctx, state, text)


def book_resume_hint(state: dict) -> str | None:
    """A line that brings the citizen back to an open booking form after the dialog answered something else."""
    return bookflow.resume_hint(state)


def booking_failed_text(result: appts.Booking) -> str:
    """The 'just taken' answer with the next free slots, shared by chat and H5."""
    if not result.alternatives:
        return H("slot_full_none") if result.reason == "full" else H("slot_not_bookable")
    head = H("slot_full") if result.reason == "full" else H("slot_not_bookable")
    return f"{head}\n{_numbered([f'{when_label(s.starts_at)}（剩 {left}）' for s, left in result.alternatives])}"


def cancel_booking(ctx: FlowContext, state: dict) -> str:
    current = appts.active_appointment(ctx.session, ctx.user_id)
    if current is None:
        return H("no_appointment")
    appts.cancel(ctx.session, current)
    office = appts.office_by_id(current.office_id)
    state.pop("flow", None)
    return H("booking_cancelled", when=when_label(current.starts_at), office=office.name if office else "")


def acceptance_mode(ctx: FlowContext, mode: str) -> str:
    """上门 / 邮寄: green-channel applicants only (S-SS §四(五))."""
    case = _latest_case(ctx)
    if case is None:
        return H("need_application_first")
    if not case.priority:
        return H("green_only")
    case.acceptance_mode = mode
    ctx.session.add(CaseEvent(application_id=case.id, actor_label=apps.CITIZEN, kind="note",
                              text="申请上门受理" if mode == "door_to_door" else "选择邮寄申请材料"))
    if mode == "door_to_door":
        return H("door_to_door")
    office = (appts.bookable_offices(case.region) or [None])[0]
    if office is None or not office.verified:
        # Never send papers to an address we have not confirmed.
        return H("postal_unverified", office=office.name if office else "当地法律援助中心", number=case.number)
    return H("postal", office=office.name, address=office.address, number=case.number)


# ------------------------------------------------------------------ progress, consent withdrawal

def progress(ctx: FlowContext) -> str:
    s = ctx.session
    cases = apps.submitted(s, ctx.user_id)[:5]
    bookings = [a for a in appts.user_appointments(s, ctx.user_id)][:5]
    draft = apps.current_draft(s, ctx.user_id)
    if not cases and not bookings and draft is None:
        return H("progress_none")
    lines = [H("progress_head")]
    for a in cases:
        lines.append(H("progress_application", number=a.number, status=_status(a.status),
                       date=f"{local_now(a.submitted_at or utcnow()):%m月%d日}"))
        if a.status in ("submitted", "under_review") and a.decision_due_at:
            lines.append(H("progress_due", due=f"{local_now(a.decision_due_at):%m月%d日}"))
    if draft is not None:
        lines.append(H("progress_draft"))
    names = texts()["appointment_status"]
    for b in bookings:
        office = appts.office_by_id(b.office_id)
        lines.append(H("progress_appointment", when=when_label(b.starts_at), office=office.name if office else "",
                       status=names.get(b.status, b.status)))
    if ctx.mine_url:
        lines.append(H("progress_page", link=ctx.mine_url(ctx.user_id)))
    return "\n".join(lines)


def withdraw_consent(ctx: FlowContext, state: dict) -> str:
    found = apps.drafts(ctx.session, ctx.user_id)
    if not found:
        return H("consent_withdraw_none")
    for d in found:
        apps.withdraw(ctx.session, d)
    if (state.get("flow") or {}).get("name") == "apply":
        state.pop("flow", None)
    return H("consent_withdrawn")


def continue_flow(ctx: FlowContext, state: dict, text: str) -> str | None:
    """The open form's reply to this message.

    None means "not mine": no form is open, or the booking form could not read the text
    as one of its options or values (a question, a remark), nor the application's consent
    step a yes or no (the notice was shown once). The dialog then answers it as
    anywhere else, and may add `book_resume_hint(state)`; the form state is unchanged.
    """
    flow = state.get("flow") or {}
    if flow.get("name") == "apply":
        return _apply_step(ctx, state, text)
    if flow.get("name") == "book":
        return _book_step(ctx, state, text)
    return None
