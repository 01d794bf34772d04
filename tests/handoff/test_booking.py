"""Booking: slots from opening hours and capacity, holidays closed, green-channel places,
and no slot ever booked beyond capacity — 50 people taking the last place at once."""
from __future__ import annotations

import threading
import uuid
from datetime import date, datetime

from sqlalchemy import func, select

from handoff import appointments as appts
from handoff.chatflow import booking_failed_text
from handoff.models import Appointment, SlotCount


def _free_slot(app, office_id: str):
    """A bookable slot late in the week at this office that nobody has touched yet."""
    office = appts.office_by_id(office_id)
    with app.extensions["fayuan_db"].session() as s:
        free = [(slot, left) for slot, left in appts.available(s, office, True) if left == slot.capacity]
    assert len(free) > 4
    return free[-3][0]


def test_fifty_simultaneous_bookings_of_the_last_place(app):
    slot = _free_slot(app, "jilin-city-center")
    db = app.extensions["fayuan_db"]
    for _ in range(slot.capacity - 1):  # leave exactly one place
        with db.session() as s:
            assert appts.book(s, f"o-pre-{uuid.uuid4().hex[:8]}", slot.office_id, slot.starts_at, True).ok
    barrier = threading.Barrier(50)
    outcomes: list[tuple[bool, str]] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        user = f"o-race-{i}-{uuid.uuid4().hex[:6]}"
        barrier.wait(timeout=30)
        with db.session() as s:
            result = appts.book(s, user, slot.office_id, slot.starts_at, True)
            text = "" if result.ok else booking_failed_text(result)
        with lock:
            outcomes.append((result.ok, text))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == 50
    assert sum(ok for ok, _ in outcomes) == 1
    for ok, text in outcomes:
        if not ok:
            assert text.startswith("这个时段刚被约满")
            assert "2. " in text  # the next free slots, numbered
    with db.session() as s:
        counter = s.scalars(select(SlotCount).where(SlotCount.office_id == slot.office_id,
                                                    SlotCount.starts_at == slot.starts_at)).one()
        taken = s.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.office_id == slot.office_id, Appointment.starts_at == slot.starts_at,
            Appointment.status == "booked"))
    assert counter.booked == counter.capacity == taken


def test_green_channel_place_is_held_back(app):
    slot = _free_slot(app, "changchun-center")
    assert slot.capacity == 3 and slot.reserved == 1
    db = app.extensions["fayuan_db"]
    with db.session() as s:
        assert appts.book(s, "o-normal-1" + uuid.uuid4().hex[:6], slot.office_id, slot.starts_at, False).ok
        assert appts.book(s, "o-normal-2" + uuid.uuid4().hex[:6], slot.office_id, slot.starts_at, False).ok
        third = appts.book(s, "o-normal-3" + uuid.uuid4().hex[:6], slot.office_id, slot.starts_at, False)
        assert not third.ok and third.reason == "full"
        assert appts.book(s, "o-green-" + uuid.uuid4().hex[:6], slot.office_id, slot.starts_at, True).ok


def test_cancel_and_reschedule_free_the_place(app):
    db = app.extensions["fayuan_db"]
    slot = _free_slot(app, "quanzhou-center")
    user = "o-move-" + uuid.uuid4().hex[:6]
    with db.session() as s:
        first = appts.book(s, user, slot.office_id, slot.starts_at, False).appointment
    office = appts.office_by_id(slot.office_id)
    with db.session() as s:
        other = next(sl for sl, _ in appts.available(s, office, False) if sl.starts_at != slot.starts_at)
        moved = appts.book(s, user, slot.office_id, other.starts_at, False, replaces=first.id)
        assert moved.ok
    with db.session() as s:
        assert s.get(Appointment, first.id).status == "cancelled"
        counts = appts.booked_counts(s, slot.office_id, slot.starts_at, slot.starts_at)
        assert counts[slot.starts_at] == 0
        appts.cancel(s, s.get(Appointment, moved.appointment.id))
    with db.session() as s:
        assert appts.booked_counts(s, slot.office_id, other.starts_at, other.starts_at)[other.starts_at] == 0


def test_a_slot_outside_opening_hours_is_refused(app):
    with app.extensions["fayuan_db"].session() as s:
        result = appts.book(s, "o-night", "shishi-center", datetime(2030, 1, 1, 3, 0), False)
        assert not result.ok and result.reason == "not_bookable"
        assert not appts.book(s, "o-none", "shishi-village-liaison-example", datetime(2030, 1, 2, 9, 0), True).ok
