"""Booking in the chat, as a form: office → day/time → consent → name → phone → confirm.

Why a form read by meaning rather than numbered menus: people say 「下礼拜二上午能去吗」,
not 「2」; they ask 「要带啥」 in the middle; they live far from every office we list.
So each step accepts its option numbers AND what people naturally type (a place for the
office, a date or time for the slot, 「我叫王秀英 13812345678」 for the contact), and
everything else is handed back to the dialog.

The "not mine" signal: `step()` returns **None** when the text is neither an option of
the current step nor a value it can read (a question, a remark, a fact). The dialog
answers it as it would anywhere, and may append `resume_hint(state)` so the form
resumes where it was; the flow state is left untouched.

State is the JSON dict `state["flow"]` (handoff/chatflow.py's convention):
{"name": "book", "step": one of STEPS,
 "offices": [ids], "office": id, "days": [iso], "times": [iso], "chosen": iso,
 "replaces": appointment id, "wish": text, "contact": {"name", "phone"}, "consented": bool}
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

from intents import detect
from ground.clock import utcnow
from ground.privacy import mask_phone

from . import applications as apps
from . import appointments as appts
from .models import Application
from .offices import Office, in_region
from .slots import Slot, day_label, day_slots, load_policy, local_now, when_label
from .texts import H
from .validate import validate_name, validate_phone
from .when import When, describe, parse_when, refused_day, refuses_only

if TYPE_CHECKING:  # chatflow imports this module; the context type is only for readers
    from .chatflow import FlowContext

MAX_CHOICES = 6
_CLEAN = re.compile(r"[\s\W_]+", re.UNICODE)
_QUESTION = re.compile(r"[?？吗呢么嘛]|什么|啥|怎么|咋|哪|多少|几|能不能|可不可以|是不是|有没有|要不要|为什么|需要|要带")
_NAME_INTRO = re.compile(r"^(?:我叫|我是|叫|姓名[:：]?|名字[:：]?|名字叫|本人)")
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")
_PHONE_IN_TEXT = re.compile(r"(?<![0-9])1[0-9](?:[ \-]?[0-9]){9}(?![0-9])")
_ANY_TIME = re.compile(r"^(?:最早的?|越快越好|越早越好|尽快|尽早|随便|都行|都可以|哪天都行|什么时候都行|几点都行|最近的|最快的)"
                       r"(?:吧|的|就行|都行|呗|啊)?$")
_OTHER_OFFICE = ("换地方", "换个地方", "换一个地方", "换中心", "换一个中心", "换个中心", "其他地方", "别的地方", "换一个",
                 "去工作站", "工作站")
# The form's steps, in order; tests/handoff/test_booking_chat.py walks every one.
STEPS = ("office", "day", "time", "consent", "field:name", "field:phone", "confirm")


# ------------------------------------------------------------------ the case file

def _latest_case(ctx: "FlowContext") -> Application | None:
    found = apps.submitted(ctx.session, ctx.user_id)
    return found[0] if found else None


def _priority(ctx: "FlowContext", state: dict | None = None) -> bool:
    """Green channel (same-day slots, held-back places): the application's or pre-check's
    verdict, else what the case file already says (facts R9: migrant worker, disabled,
    veteran, 60 or older, under 18, urgent)."""
    case = _latest_case(ctx) or apps.current_draft(ctx.session, ctx.user_id)
    if case is not None:
        return bool(case.priority)
    elig = ctx.eligibility()
    if elig is not None and "priority" in (elig.result or {}):
        return bool(elig.result["priority"])
    facts = {**((elig.facts or {}) if elig is not None else {}), **((state or {}).get("case") or {})}
    age = facts.get("age")
    return bool(facts.get("migrant_worker") or facts.get("disabled") or facts.get("urgent")
                or "veteran" in (facts.get("special_status") or [])
                or (isinstance(age, (int, float)) and (age >= 60 or age < 18)))


def case_region(ctx: "FlowContext", state: dict) -> str | None:
    """Where the citizen is: the case file first (what they said), then the application, then the pre-check."""
    said = (state.get("case") or {}).get("region")
    if said:
        return str(said)
    case = _latest_case(ctx)
    if case is not None and case.region:
        return case.region
    elig = ctx.eligibility()
    return elig.facts.get("region") if elig else None


@dataclass(frozen=True)
class Offices:
    offices: list[Office]
    place: str | None = None      # the citizen's place, when known
    nearby: str | None = None     # the larger place whose offices we offer (晋江 → 泉州市)
    choose: bool = False          # a whole province (「吉林」): the citizen picks the city's office


def offices_for(region: str | None) -> Offices:
    """Bookable offices for a place: its own, else those of its city; none when far from all of them."""
    bookable = appts.bookable_offices()
    if not region:
        return Offices(bookable)
    from intents.regions import region_by_code, resolve_region

    found = resolve_region(region)
    if found is not None and found.level == "province":
        short = found.name.rstrip("省市")
        return Offices([o for o in bookable if o.province.rstrip("省市") == short], region, choose=True)
    local = [o for o in in_region(region) if o.capacity_per_slot > 0]
    if local:
        return Offices(local, region)
    if found is not None and found.parent:
        parent = region_by_code(found.parent).name
        near = [o for o in in_region(parent) if o.capacity_per_slot > 0]
        if near:
            return Offices(near, region, parent)
    return Offices([], region)


def _known_contact(ctx: "FlowContext") -> dict[str, str] | None:
    """Name and phone the citizen already gave with consent (an application): never asked twice."""
    for app in [_latest_case(ctx), apps.current_draft(ctx.session, ctx.user_id)]:
        if app is not None and app.consent_at is not None and app.name and app.phone:
            return {"name": app.name, "phone": app.phone}
    return None


def _replaced_contact(ctx: "FlowContext", flow: dict) -> dict[str, str] | None:
    """A reschedule keeps the name and phone given with consent for the booking it replaces."""
    from .models import Appointment

    old = ctx.session.get(Appointment, flow["replaces"]) if flow.get("replaces") else None
    if old is None or old.user_id != ctx.user_id or not (old.contact_name and old.contact_phone):
        return None
    return {"name": old.contact_name, "phone": old.contact_phone}


def _materials(ctx: "FlowContext") -> list[str]:
    case = _latest_case(ctx) or apps.current_draft(ctx.session, ctx.user_id)
    if case is not None and apps.materials(case):
        return apps.materials(case)
    elig = ctx.eligibility()
    found = [str(m) for m in ((elig.result.get("materials") if elig else None) or [])]
    return found or list(H_list("book_materials_default"))


def H_list(key: str) -> list[str]:
    from .texts import texts

    return [str(x) for x in texts()[key]]


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))


def _clean(text: str) -> str:
    return _CLEAN.sub("", text or "")


def _is_yes(text: str) -> bool:
    """「1」, or a yes with a word or two around it (「对 就这么定了」「好的同意」: detect.polar_answer)."""
    return detect.choice_number(text, 1) == 1 or detect.is_yes(text) or detect.polar_answer(text) == "yes" or _clean(text) in (
        "同意", "确认", "确定", "没问题", "就这个", "就这样", "对", "可以的", "行的", "中", "成", "妥", "好嘞", "同意的")


def _is_no(text: str) -> bool:
    return detect.choice_number(text, 2) == 2 or detect.polar_answer(text) == "no" or _clean(text) in (
        "不同意", "不", "不要", "否", "拒绝", "不行", "不用", "算了", "不对", "重新选", "换一个", "换个时间")


def _now(ctx: "FlowContext") -> datetime:
    return local_now(utcnow())


def _when_said(ctx: "FlowContext", text: str) -> When | None:
    """A date or time typed into the form; 「你们中午休息吗」 (a part of day in a question) is a question."""
    when = parse_when(text, _now(ctx))
    if when is not None and when.day is None and when.at is None and _QUESTION.search(text):
        return None
    return when


def _out_of_range(text: str, count: int) -> str | None:
    """A bare number that is not an option: say which numbers are."""
    clean = _clean(text)
    if clean.isdigit() and len(clean) <= 2:
        return H("book_number_range", count=count)
    return None


# ------------------------------------------------------------------ entry

def _place_in(text: str | None) -> str | None:
    """A place named in the booking request itself (「去石狮法律援助中心」) wins over the case file."""
    if not text:
        return None
    from intents.regions import resolve_region

    found = resolve_region(text)
    return found.name if found is not None else None


_CHANGE = re.compile(r"改成|改到|改在|换成|换到|挪到|调到|推到|提前到")


def start(ctx: "FlowContext", state: dict, reschedule: bool = False, wish: str | None = None) -> str:
    """「预约」 (or booking asked for by meaning): the office from the case file, then the time."""
    current = appts.active_appointment(ctx.session, ctx.user_id)
    if current is not None and not reschedule and wish and _CHANGE.search(wish):
        changed_to = _CHANGE.split(wish)[-1]
        if parse_when(changed_to, _now(ctx)) is not None:  # 「周五要上班 改成下周二上午行不」: a reschedule
            reschedule, wish = True, changed_to
    if current is not None and not reschedule:
        office = appts.office_by_id(current.office_id)
        return H("already_booked", when=when_label(current.starts_at), office=office.name if office else "")
    found = offices_for(_place_in(wish) or case_region(ctx, state))
    flow: dict[str, Any] = {"name": "book", "replaces": current.id if (current is not None and reschedule) else None}
    if wish and parse_when(wish, _now(ctx)) is not None:
        flow["wish"] = wish
    state["flow"] = flow
    head = H("reschedule_head", when=when_label(current.starts_at)) if (current and reschedule) else ""
    if not found.offices:
        return "\n".join(x for x in [head, _far(state, found.place)] if x)
    return "\n".join(x for x in [head, _offer_offices(ctx, state, found)] if x)


def _far(state: dict, place: str | None) -> str:
    """No office of ours near the citizen: say so, and give the way to their own centre.

    The form ends here (nothing is pending): the next message is the dialog's again.
    """
    state.pop("flow", None)
    said = re.sub(r"^(?:我|俺|我们|人)?(?:在|是|住)", "", str((state.get("case") or {}).get("place") or "")) or place
    cities = "、".join(dict.fromkeys(o.region.rstrip("市省") for o in appts.bookable_offices()))
    return H("book_far", place=said, cities=cities)


def _offer_offices(ctx: "FlowContext", state: dict, found: Offices) -> str:
    """The citizen's 法律援助中心 proposed at once (a workstation offered as another option); else a list."""
    centers = [o for o in found.offices if o.kind == "center"]
    if not found.place or not centers or found.choose:
        return _office_list(ctx, state, found)
    office = centers[0]
    others = [o for o in found.offices if o is not office]
    state["flow"]["alternatives"] = [o.id for o in others]
    lead = H("book_office_for_place", place=found.place, office=office.name)
    if found.nearby:
        lead = H("book_office_nearby", place=found.place, nearby=found.nearby, office=office.name)
    tail = H("book_other_offices", names="、".join(o.name for o in others)) if others else ""
    return "\n".join(x for x in [lead, tail, _office_chosen(ctx, state, office)] if x)


def _office_list(ctx: "FlowContext", state: dict, found: Offices) -> str:
    offices = found.offices[:MAX_CHOICES]
    state["flow"].update(step="office", offices=[o.id for o in offices])
    lines = []
    if found.nearby:
        lines.append(H("book_nearby_head", place=found.place, nearby=found.nearby))
    lines += [H("book_choose_office"), _numbered([f"{o.name}（{o.region}）" for o in offices])]
    if not found.place:
        lines.append(H("book_place_hint"))
    if ctx.book_url:
        lines.append(H("book_web_hint", link=ctx.book_url(ctx.user_id)))
    return "\n".join(lines)


def _office_chosen(ctx: "FlowContext", state: dict, office: Office) -> str:
    flow = state["flow"]
    flow["office"] = office.id
    wish = flow.pop("wish", None)
    if wish:
        return _wish(ctx, state, office, parse_when(wish, _now(ctx)))
    return _days_text(ctx, state, office)


# ------------------------------------------------------------------ days and times

def _free(ctx: "FlowContext", office: Office, state: dict | None = None) -> list[tuple[Slot, int]]:
    return appts.available(ctx.session, office, _priority(ctx, state))


def _days_text(ctx: "FlowContext", state: dict, office: Office, head: str = "", skip: set[date] | None = None) -> str:
    free = [(s, left) for s, left in _free(ctx, office, state) if s.starts_at.date() not in (skip or set())]
    by_day: dict[date, int] = {}
    for slot, left in free:
        by_day[slot.starts_at.date()] = by_day.get(slot.starts_at.date(), 0) + left
    flow = state["flow"]
    if not by_day:
        state.pop("flow", None)
        return "\n".join(x for x in [head, H("no_slots", days=load_policy().days_ahead, office=office.name)] if x)
    days = sorted(by_day)[:MAX_CHOICES + 1]
    flow.update(step="day", office=office.id, days=[d.isoformat() for d in days])
    return "\n".join(x for x in [
        head, H("book_hours", office=office.name, hours=office.hours_text()), H("book_choose_day"),
        _numbered([f"{day_label(d)}（剩 {by_day[d]} 个名额）" for d in days]), H("book_say_when"),
        H("book_back_hint")] if x)


def _times_text(ctx: "FlowContext", state: dict, office: Office, day: date, when: When | None = None) -> str:
    free = [(s, left) for s, left in _free(ctx, office, state) if s.starts_at.date() == day
            and (when is None or when.fits(s.starts_at.time()))]
    if not free:
        return _days_text(ctx, state, office)
    free = free[:12]
    state["flow"].update(step="time", times=[s.starts_at.isoformat() for s, _ in free], day=day.isoformat())
    return "\n".join([H("book_choose_time", day=day_label(day)),
                      _numbered([f"{s.starts_at:%H:%M}（剩 {left}）" for s, left in free]), H("book_back_hint")])


def _nearest(ctx: "FlowContext", state: dict, office: Office, head: str, around: datetime | None = None,
             day: date | None = None, not_before: date | None = None) -> str:
    """A refusal: why, the opening hours, and the nearest free slots to pick by number.

    ``not_before``: a closed day was asked for (「后天吧」 = Saturday, after 「明天我没空」), so the
    slots offered are those of the next open day, never the earlier day just turned down."""
    free = _free(ctx, office, state)
    if not_before is not None:
        free = [a for a in free if a[0].starts_at.date() >= not_before] or free
    if around is not None:
        free = sorted(free, key=lambda a: abs((a[0].starts_at - around).total_seconds()))
    picks = sorted(free[:3], key=lambda a: a[0].starts_at)
    hours = H("book_hours", office=office.name, hours=office.hours_text())
    if not picks:
        state.pop("flow", None)
        return "\n".join([head, hours, H("no_slots", days=load_policy().days_ahead, office=office.name)])
    state["flow"].update(step="time", times=[s.starts_at.isoformat() for s, _ in picks])
    if day is not None:  # 「那就两点半」 after a refusal still means the day they asked for
        state["flow"]["day"] = day.isoformat()
    else:
        state["flow"].pop("day", None)
    return "\n".join([head, hours, H("book_nearest"),
                      _numbered([f"{when_label(s.starts_at)}（剩 {left}）" for s, left in picks]), H("book_say_when")])


def _pick_hint(flow: dict) -> str:
    """「回复上面的数字选一个，比如「1」就是 12月11日 08:00」: the choice on offer, with its first option."""
    if flow.get("step") == "time" and flow.get("times"):
        first = when_label(datetime.fromisoformat(flow["times"][0]))
    elif flow.get("days"):
        first = day_label(date.fromisoformat(flow["days"][0]))
    else:
        return H("book_say_when")
    return H("book_pick_hint", first=first)


def _pick(ctx: "FlowContext", state: dict, office: Office, text: str, when: When | None,
          options: list[str], chosen: Callable[[str], str]) -> str | None:
    """A listed day or time by its number; else a day or time said in words; else "not mine"
    (None, via _out_of_range) so the dialog can answer what was asked."""
    n = detect.choice_number(text, len(options))
    if n is not None:
        return chosen(options[n - 1])
    if when is not None:
        return _wish(ctx, state, office, when)
    return _out_of_range(text, len(options))


def _wish(ctx: "FlowContext", state: dict, office: Office, when: When | None) -> str:
    """A date or time as said: the slot, the slots of that day, or a refusal with the nearest free ones."""
    if when is None:
        return _days_text(ctx, state, office)
    flow = state["flow"]
    now = _now(ctx)
    day = when.day
    if day is None and flow.get("day"):
        day = date.fromisoformat(flow["day"])
    free = _free(ctx, office, state)
    if day is None:  # 「下午三点」 with no day: the first day that has it
        fitting = [s for s, _ in free if when.fits(s.starts_at.time())]
        if not fitting:
            return _nearest(ctx, state, office, H("book_time_not_open", when=describe(when)))
        day = fitting[0].starts_at.date()
    said = describe(When(day, when.at, when.part))
    moment = datetime.combine(day, when.at) if when.at else None
    if day < now.date() or (moment is not None and moment <= now):
        return _nearest(ctx, state, office, H("book_past", when=said))
    holidays = appts.load_holidays()
    policy = load_policy()
    if not day_slots(office, day, holidays, policy):
        reason = H("book_holiday", day=day_label(day)) if day in holidays else H("book_closed_day", day=day_label(day))
        return _nearest(ctx, state, office, reason, around=datetime.combine(day, when.at or datetime.min.time()),
                        not_before=day)
    if day > now.date() + timedelta(days=policy.days_ahead):
        return _nearest(ctx, state, office, H("book_too_far", when=said, days=policy.days_ahead))
    that_day = day_slots(office, day, holidays, policy)
    if when.at is not None:
        step = timedelta(minutes=policy.slot_minutes)
        slot = next((s for s in that_day if s.starts_at <= moment < s.starts_at + step), None)  # type: ignore[operator]
        if slot is None:
            return _nearest(ctx, state, office, H("book_out_of_hours", when=said), around=moment, day=day)
        if day == now.date() and not _priority(ctx, state):
            return _nearest(ctx, state, office, H("book_today_green_only"))
        if not any(s.starts_at == slot.starts_at for s, _ in free):
            return _nearest(ctx, state, office, H("book_slot_taken", when=when_label(slot.starts_at)), around=moment,
                            day=day)
        return _slot_chosen(ctx, state, office, slot.starts_at)
    if when.part and not any(when.fits(s.starts_at.time()) for s in that_day):
        return _nearest(ctx, state, office, H("book_out_of_hours", when=said),
                        around=datetime.combine(day, datetime.min.time()), day=day)
    if day == now.date() and not _priority(ctx, state):
        return _nearest(ctx, state, office, H("book_today_green_only"))
    if not any(s.starts_at.date() == day and when.fits(s.starts_at.time()) for s, _ in free):
        return _nearest(ctx, state, office, H("book_day_full", when=said),
                        around=datetime.combine(day, datetime.min.time()), day=day)
    return _times_text(ctx, state, office, day, when)


# ------------------------------------------------------------------ contact and confirmation

def _slot_chosen(ctx: "FlowContext", state: dict, office: Office, starts_at: datetime) -> str:
    flow = state["flow"]
    flow["chosen"] = starts_at.isoformat()
    known = _known_contact(ctx) or _replaced_contact(ctx, flow)
    if known is not None:
        flow["contact"] = known
        return _confirm_text(state, office)
    if flow.get("contact", {}).get("phone") and flow.get("consented"):
        return _confirm_text(state, office)
    flow["step"] = "consent"
    held = flow.get("held") or {}
    if held.get("name") and held.get("phone"):  # typed before the time was chosen: one line, then 「同意」 books
        flow["held_shown"] = True
        return H("book_consent_held_short", name=held["name"], phone=mask_phone(held["phone"]),
                 when=when_label(starts_at), office=office.name)
    return H("book_consent", when=when_label(starts_at), office=office.name)


def _confirm_text(state: dict, office: Office) -> str:
    flow = state["flow"]
    flow["step"] = "confirm"
    contact = flow.get("contact") or {}
    return H("book_confirm", office=office.name, when=when_label(datetime.fromisoformat(flow["chosen"])),
             address=office.address, name=contact.get("name", ""), phone=mask_phone(contact.get("phone", "")))


def _read_name(text: str) -> str | None:
    """「王秀英」「我叫王秀英」 → 王秀英; a question or a sentence is not a name."""
    raw = _PHONE_IN_TEXT.sub("", text or "").strip(" ，,。.：:")
    raw = _NAME_INTRO.sub("", raw).strip(" ，,。.：:")
    if _QUESTION.search(raw) or not _HAN_NAME.fullmatch(raw):
        return None
    value, error = validate_name(raw)
    return str(value) if error is None else None


# Short words that start with a common surname but are no name (「谢谢」「明白」「高兴」).
_NOT_NAMES = frozenset({"谢谢", "明白", "明白了", "明天", "时间", "高兴", "方便", "安全", "关于", "于是", "任何", "和好",
                        "万一", "应该", "成了", "全部", "可以", "都行", "常常", "毕竟", "江湖", "金额", "石狮", "长春",
                        "黄金周", "许可", "胡说", "孔子", "江西人"})


def _bare_name(text: str) -> str | None:
    """「李秀英」 alone, as typed at the consent prompt: a name only when it starts with a common
    surname (ground.privacy), jieba tags every part of it as a person's name (「时间不对」
    「安排吧」「华为手机」 are not), and it is no everyday word or answer."""
    import jieba.posseg as pseg

    from ground.privacy import starts_with_surname

    raw = _clean(text)
    if raw in _NOT_NAMES or len(raw) > 4 or _is_yes(text) or _is_no(text) or not starts_with_surname(raw):
        return None
    if not all(w.flag.startswith("nr") for w in pseg.cut(raw)):
        return None
    return _read_name(raw)


def _hold_contact(flow: dict, text: str, bare_name: bool = False) -> dict[str, str]:
    """Name and phone typed before the form asks for them are kept for this form (``held``),
    used only after consent, dropped on refusal; the fields found now are returned."""
    found = _contact_in(text)
    if not found and bare_name:
        name = _bare_name(text)
        found = {"name": name} if name else {}
    if found:
        flow["held"] = {**(flow.get("held") or {}), **found}
    return found


def _contact_in(text: str) -> dict[str, str]:
    """Name and phone typed in one message (「李大海 186…」「我叫王秀英 电话139…」), those found."""
    found: dict[str, str] = {}
    phone = _PHONE_IN_TEXT.search(text or "")
    if phone is not None:
        value, error = validate_phone(phone.group(0))
        if error is None:
            found["phone"] = str(value)
    raw = re.sub(r"(?:电话|手机|手机号|号码)[:：是]?", " ", _PHONE_IN_TEXT.sub(" ", text or ""))
    for part in re.split(r"[\s，,。；;]+", raw):
        name = _read_name(part) if part else None
        if name is not None:
            found["name"] = name
            break
    return found if "phone" in found or _NAME_INTRO.match((text or "").strip()) else {}


def _contact_step(ctx: "FlowContext", state: dict, office: Office, text: str) -> str | None:
    flow = state["flow"]
    step = flow["step"]
    contact = flow.setdefault("contact", {})
    phone_match = _PHONE_IN_TEXT.search(text) or (re.search(r"[0-9]{5,}", text) if step == "field:phone" else None)
    if step == "field:name":
        name = _read_name(text)
        if name is None:
            if _QUESTION.search(text) or len(_clean(text)) > 8:
                return None
            return f"{H('book_errors.name')}\n{H('book_ask_name')}"
        contact["name"] = name
        flow["step"] = "field:phone"
        if phone_match is None:
            return H("book_ask_phone", name=name)
        step = "field:phone"
    if step == "field:phone":
        if phone_match is None:
            return None if (_QUESTION.search(text) or not re.search(r"[0-9]", text)) else \
                f"{H('errors.phone')}"
        value, error = validate_phone(phone_match.group(0))
        if error is not None:
            return H("errors.phone")
        contact["phone"] = str(value)
        return _confirm_text(state, office)
    return None


def _book_now(ctx: "FlowContext", state: dict, office: Office) -> str:
    flow = state["flow"]
    starts_at = datetime.fromisoformat(flow["chosen"])
    case = _latest_case(ctx)
    contact = flow.get("contact") or {}
    result = appts.book(ctx.session, ctx.user_id, office.id, starts_at, _priority(ctx, state),
                        application_id=case.id if case else None, replaces=flow.get("replaces"),
                        contact_name=contact.get("name"), contact_phone=contact.get("phone"))
    if not result.ok:
        from .chatflow import booking_failed_text

        if result.alternatives:
            flow.update(step="time", times=[s.starts_at.isoformat() for s, _ in result.alternatives])
        else:
            state.pop("flow", None)
        return booking_failed_text(result)
    state.pop("flow", None)
    return _done_text(ctx, office, starts_at)


DONE_LIMIT = 300  # one bubble, read on a phone (issue 9: economy)


def _done_text(ctx: "FlowContext", office: Office, starts_at: datetime) -> str:
    """Date, time, address and what to bring — the whole list when it fits, else the first items
    and where the complete list is (the citizen's page, or the window)."""
    items = _materials(ctx)
    values = dict(office=office.name, when=when_label(starts_at), address=office.address, phone=office.phone)
    full = H("book_done", materials=_numbered(items), **values)
    if len(full) <= DONE_LIMIT:
        return full
    link = ctx.mine_url(ctx.user_id) if ctx.mine_url else None

    def more(count: int) -> str:
        return H("book_more_materials_link", link=link, count=count) if link else H("book_more_materials", count=count)

    for keep in range(len(items) - 1, 0, -1):
        text = H("book_done", materials=f"{_numbered(items[:keep])}\n{more(len(items) - keep)}", **values)
        if len(text) <= DONE_LIMIT:
            return text
    return H("book_done", materials=f"{_numbered(items[:1])}\n{more(len(items) - 1)}", **values)


# ------------------------------------------------------------------ one message

_ASK_MATERIALS = re.compile(r"材料|带什么|带啥|要带|带哪些|准备什么|准备啥|准备哪些|拿什么|拿啥|证件")
_ASK_HOURS = re.compile(r"几点|开门|关门|上班|下班|营业|开放时间|办公时间|午休|中午休息")
_ASK_WHERE = re.compile(r"地址|在哪|怎么走|怎么去|位置|坐几路|哪条路")


def _form_question(ctx: "FlowContext", state: dict, office: Office, text: str) -> str | None:
    """What the form knows for sure about this booking — materials, hours, address — answered in place."""
    clean = _clean(text)
    if not clean or len(clean) > 30:
        return None
    hint = resume_hint(state) or ""
    if _ASK_MATERIALS.search(clean):
        return "\n".join([H("book_materials_head"), _numbered(_materials(ctx)), hint])
    if _ASK_WHERE.search(clean):
        return "\n".join([H("book_address", office=office.name, address=office.address, phone=office.phone), hint])
    if _ASK_HOURS.search(clean):
        return "\n".join([H("book_hours", office=office.name, hours=office.hours_text()), hint])
    return None


def step(ctx: "FlowContext", state: dict, text: str) -> str | None:
    """The next reply of the booking form, or None when the text is not for the form (see module doc).

    Questions about this booking that the form can answer for sure (materials, opening
    hours, address) are answered here, with a line that brings the citizen back.
    """
    reply = _step(ctx, state, text)
    flow = state.get("flow") or {}
    if reply is None and flow.get("office"):
        office = appts.office_by_id(flow["office"])
        if office is not None:
            return _form_question(ctx, state, office, text)
    return reply


def _step(ctx: "FlowContext", state: dict, text: str) -> str | None:
    flow = state["flow"]
    name = flow.get("step")
    command = detect.command_of(text)
    if command == "exit":
        state.pop("flow", None)
        return H("book_exit")
    back = command == "back" or text.strip() == "0"
    office = appts.office_by_id(flow.get("office", "")) if flow.get("office") else None
    if name in ("office", "day", "time") and _hold_contact(flow, text):
        # 「李秀英 13859912345」 before the place or time is chosen: kept (consent is still asked),
        # then the same step again — never searched as a question (the digits matched 12348).
        held = flow["held"]
        line = H("book_contact_held_early", name=held["name"], phone=mask_phone(held["phone"])) \
            if held.get("name") and held.get("phone") else \
            H("book_name_held_early", name=held.get("name") or mask_phone(held.get("phone", "")))
        return "\n".join(x for x in (line, resume_hint(state)) if x)
    if name == "office" or office is None:
        return _office_step(ctx, state, text)
    when = _when_said(ctx, text)
    if name in ("day", "time", "consent", "confirm") and _clean(text) in _OTHER_OFFICE and flow.get("alternatives"):
        ids = [office.id, *flow["alternatives"]]
        return _office_list(ctx, state, Offices([o for i in ids if (o := appts.office_by_id(i))]))
    if name in ("day", "time") and _ANY_TIME.search(_clean(text)):
        day = date.fromisoformat(flow["day"]) if name == "time" and flow.get("day") else None
        first = next((sl for sl, _ in _free(ctx, office, state) if day is None or sl.starts_at.date() == day), None)
        if first is not None:
            return _slot_chosen(ctx, state, office, first.starts_at)
    if name in ("day", "time") and when is None and refuses_only(text, _now(ctx)):
        # The day turned down (「明天不行」), or the day on offer (「周四也不行」「那天不行」): the other days.
        said = refused_day(text, _now(ctx))
        shown = date.fromisoformat(flow["day"]) if flow.get("day") else None
        skip = {d for d in (said, shown) if d is not None and (said is None or shown is None or d == said
                                                               or d.weekday() == said.weekday())}
        flow.pop("day", None)
        return _days_text(ctx, state, office, H("book_other_day"), skip=skip)
    if name in ("day", "time") and _is_yes(text) and not text.strip().isdigit():
        # 「对」「好的」 to a list: one option is that option; several need the citizen's pick.
        options = flow.get("days" if name == "day" else "times") or []
        if len(options) == 1:
            return _pick(ctx, state, office, "1", None, options,
                         (lambda day: _times_text(ctx, state, office, date.fromisoformat(day))) if name == "day" else
                         (lambda at: _slot_chosen(ctx, state, office, datetime.fromisoformat(at))))
        return H(f"book_yes_needs_choice.{name}")
    if name == "day":
        if back:
            return start(ctx, state, reschedule=bool(flow.get("replaces")))
        return _pick(ctx, state, office, text, when, flow.get("days", []),
                     lambda day: _times_text(ctx, state, office, date.fromisoformat(day)))
    if name == "time":
        if back:
            flow.pop("day", None)
            return _days_text(ctx, state, office)
        return _pick(ctx, state, office, text, when, flow.get("times", []),
                     lambda at: _slot_chosen(ctx, state, office, datetime.fromisoformat(at)))
    if name == "consent":
        if when is not None and (when.day or when.at):  # 「改成下午三点」: another time first
            return _wish(ctx, state, office, when)
        if _is_yes(text):
            flow["consented"] = True
            contact = flow.setdefault("contact", {})
            contact.update(flow.pop("held", None) or {})
            if contact.get("name") and contact.get("phone"):
                if flow.pop("held_shown", False):  # the one-line consent named them, the time and the place
                    return _book_now(ctx, state, office)
                return _confirm_text(state, office)
            if contact.get("name"):
                flow["step"] = "field:phone"
                return H("book_ask_phone", name=contact["name"])
            flow["step"] = "field:name"
            return H("book_ask_name")
        if _is_no(text):
            state.pop("flow", None)  # what was typed before the refusal goes with it
            return H("book_consent_declined", office=office.name, phone=office.phone)
        held = _hold_contact(flow, text, bare_name=True)
        if held:
            # 「我叫王秀英 电话139…」 before saying yes: kept for this form only, used after 「同意」,
            # dropped on 「不同意」 — consent is still asked, nothing typed is lost.
            kept = flow["held"]
            if kept.get("name") and kept.get("phone") and flow.get("chosen"):
                # One short line, not the notice again; 「同意」 then books at once (all was shown here).
                flow["held_shown"] = True
                return H("book_consent_held_short", name=kept["name"], phone=mask_phone(kept["phone"]),
                         when=when_label(datetime.fromisoformat(flow["chosen"])), office=office.name)
            return H("book_consent_held")
        return None
    if name in ("field:name", "field:phone"):
        return _contact_step(ctx, state, office, text)
    if name == "confirm":
        if _is_yes(text):
            return _book_now(ctx, state, office)
        if when is not None:
            return _wish(ctx, state, office, when)
        if _is_no(text) or back:
            return _days_text(ctx, state, office)
        return None
    state.pop("flow", None)
    return H("book_exit")


def _office_step(ctx: "FlowContext", state: dict, text: str) -> str | None:
    from intents.parsing import resolve_place

    flow = state["flow"]
    ids = flow.get("offices", [])
    n = detect.choice_number(text, len(ids))
    chosen = appts.office_by_id(ids[n - 1]) if n else None
    if chosen is not None:
        return _office_chosen(ctx, state, chosen)
    place = resolve_place(text) if len(_clean(text)) <= 12 else None
    if place:
        found = offices_for(place)
        if not found.offices:
            return _far(state, place)
        return _offer_offices(ctx, state, found)
    wish = _when_said(ctx, text)
    if wish is not None:
        flow["wish"] = text
        return "\n".join([H("book_wish_noted", when=describe(wish)),
                          _office_list(ctx, state, Offices([o for i in ids if (o := appts.office_by_id(i))]))])
    return _out_of_range(text, len(ids))


def resume_hint(state: dict) -> str | None:
    """One line that brings the citizen back to the open booking form after another answer."""
    flow = state.get("flow") or {}
    if flow.get("name") != "book":
        return None
    key = {"office": "resume_office", "day": "resume_day", "time": "resume_time",
           "consent": "resume_consent", "field:name": "resume_name", "field:phone": "resume_phone",
           "confirm": "resume_confirm"}.get(str(flow.get("step")))
    return H(f"book_resume.{key}") if key else None
