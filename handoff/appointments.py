"""Booking, cancelling and moving appointments; the only code that writes slot counts.

Why a counter row per slot: taking a place is one conditional UPDATE
(`SET booked = booked + 1 WHERE booked < limit`). The database serialises updates of one
row, so when fifty people take the last place at once exactly one update matches and
the others see zero rows changed; the CHECK constraint (booked ≤ capacity) backs it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ground.clock import utcnow

from . import notify
from .models import Appointment, SlotCount
from .offices import Office, load_offices
from .slots import (Policy, Slot, free_places, load_holidays, load_policy, local_now, open_slots,
                    reminder_time, to_utc, when_label)
from .texts import H


@dataclass
class Booking:
    ok: bool
    appointment: Appointment | None = None
    reason: str = ""  # full | not_bookable
    alternatives: list[tuple[Slot, int]] = field(default_factory=list)


def office_by_id(office_id: str) -> Office | None:
    return next((o for o in load_offices() if o.id == office_id), None)


def bookable_offices(region: str | None = None) -> list[Office]:
    """Offices that take appointments; those in the citizen's region first."""
    offices = [o for o in load_offices() if o.capacity_per_slot > 0]
    if region:
        local = [o for o in offices if o.region == region or region in (o.region, o.province)]
        if local:
            return local + [o for o in offices if o not in local]
    return offices


def booked_counts(session: Session, office_id: str, start: datetime, end: datetime) -> dict[datetime, int]:
    rows = session.execute(select(SlotCount.starts_at, SlotCount.booked)
                           .where(SlotCount.office_id == office_id, SlotCount.starts_at >= start,
                                  SlotCount.starts_at <= end))
    return {r.starts_at: r.booked for r in rows}


def available(session: Session, office: Office, priority: bool, now: datetime | None = None,
              policy: Policy | None = None, holidays: frozenset[date] | None = None) -> list[tuple[Slot, int]]:
    """Slots this citizen may book now at this office, with the places left for them."""
    policy = policy or load_policy()
    now_l = local_now(now or utcnow())
    slots = open_slots(office, now_l, priority, holidays if holidays is not None else load_holidays(), policy)
    if not slots:
        return []
    counts = booked_counts(session, office.id, slots[0].starts_at, slots[-1].starts_at)
    return free_places(slots, counts, priority)


def _ensure_counter(session: Session, slot: Slot) -> None:
    exists = session.scalar(select(SlotCount.id).where(SlotCount.office_id == slot.office_id,
                                                       SlotCount.starts_at == slot.starts_at))
    if exists is not None:
        return
    try:
        with session.begin_nested():
            session.add(SlotCount(office_id=slot.office_id, starts_at=slot.starts_at, capacity=slot.capacity,
                                  booked=0))
    except IntegrityError:
        pass  # another booking created it at the same moment


def _take_place(session: Session, slot: Slot, priority: bool) -> bool:
    result = session.execute(update(SlotCount)
                             .where(SlotCount.office_id == slot.office_id, SlotCount.starts_at == slot.starts_at,
                                    SlotCount.booked < slot.limit(priority))
                             .values(booked=SlotCount.booked + 1)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _release_place(session: Session, office_id: str, starts_at: datetime) -> None:
    session.execute(update(SlotCount)
                    .where(SlotCount.office_id == office_id, SlotCount.starts_at == starts_at, SlotCount.booked > 0)
                    .values(booked=SlotCount.booked - 1)
                    .execution_options(synchronize_session=False))


def active_appointment(session: Session, user_id: str) -> Appointment | None:
    return session.scalars(select(Appointment)
                           .where(Appointment.user_id == user_id, Appointment.status == "booked",
                                  Appointment.starts_at >= local_now(utcnow()) - timedelta(hours=1))
                           .order_by(Appointment.starts_at)).first()


def book(session: Session, user_id: str, office_id: str, starts_at: datetime, priority: bool,
         application_id: int | None = None, replaces: int | None = None, now: datetime | None = None,
         policy: Policy | None = None, holidays: frozenset[date] | None = None,
         contact_name: str | None = None, contact_phone: str | None = None) -> Booking:
    """Take one place, or explain why not with the next free slots. `replaces` moves an appointment.

    contact_name/contact_phone: given in the chat with consent when there is no application
    to take them from, so the office knows who is coming and can call if plans change.
    """
    office = office_by_id(office_id)
    policy = policy or load_policy()
    holidays = holidays if holidays is not None else load_holidays()
    now = now or utcnow()
    if office is None:
        return Booking(False, reason="not_bookable")
    slot = next((s for s in open_slots(office, local_now(now), priority, holidays, policy)
                 if s.starts_at == starts_at), None)
    if slot is None:
        return Booking(False, reason="not_bookable",
                       alternatives=available(session, office, priority, now, policy, holidays)[:3])
    _ensure_counter(session, slot)
    if not _take_place(session, slot, priority):
        free = available(session, office, priority, now, policy, holidays)
        later = [a for a in free if a[0].starts_at > starts_at]
        earlier = [a for a in free if a[0].starts_at < starts_at][::-1]
        return Booking(False, reason="full", alternatives=(later + earlier)[:3])
    if replaces is not None:
        old = session.get(Appointment, replaces)
        if old is not None and old.user_id == user_id and old.status == "booked":
            cancel(session, old)
    appt = Appointment(user_id=user_id, application_id=application_id, office_id=office.id, starts_at=starts_at,
                       status="booked", mode="window", contact_name=contact_name, contact_phone=contact_phone)
    session.add(appt)
    session.flush()
    remind_at = reminder_time(starts_at, local_now(now), policy)
    if remind_at is not None:
        notify.enqueue(session, user_id, "reminder",
                       H("reminder", time=f"{starts_at:%H:%M}", office=office.name, address=office.address),
                       title="预约提醒", ref=when_label(starts_at), not_before=to_utc(remind_at),
                       appointment_id=appt.id)
    return Booking(True, appointment=appt)


def cancel(session: Session, appt: Appointment) -> None:
    if appt.status != "booked":
        return
    appt.status = "cancelled"
    appt.cancelled_at = utcnow()
    _release_place(session, appt.office_id, appt.starts_at)
    notify.cancel_for_appointment(session, appt.id)


def user_appointments(session: Session, user_id: str) -> list[Appointment]:
    return list(session.scalars(select(Appointment).where(Appointment.user_id == user_id)
                                .order_by(Appointment.starts_at.desc())))
