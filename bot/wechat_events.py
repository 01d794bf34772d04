"""What each WeChat event push means for the conversation: one declared table.

WeChat pushes many events that are not the citizen speaking to us — the delivery report
of every template message the outbox sends (TEMPLATESENDJOBFINISH), the periodic
location report (LOCATION), a tap on a menu link (VIEW). Treating all of them as
"unsubscribe" wiped the conversation and closed an open 人工 handover each time a
notice was delivered (issue 9). So every event type is named here with its action, and
anything not named is ignored: WeChat gets `success` and nothing changes.

Actions:
- ``subscribe``   — the citizen followed the account: welcome (the dialog resets).
- ``unsubscribe`` — the citizen unfollowed: the dialog forgets the conversation.
- ``click``       — a menu button with a key: handled like the button's text.
- ``ignore``      — no reply, no state change.

Why some events that look like input are ignored: after ``location_select`` and the
``pic_*`` pickers WeChat also sends the chosen location or picture as an ordinary
message, which is answered; answering the event too would reply twice.
``scancode_push`` is handled by WeChat itself. ``SCAN`` (an existing follower scanning a
QR code) must not restart a conversation in progress.
"""
from __future__ import annotations

from typing import Literal

EventAction = Literal["subscribe", "unsubscribe", "click", "ignore"]

# Keys are WeChat's Event values, lower-cased (WeChat sends e.g. "CLICK" and "subscribe").
EVENT_ACTIONS: dict[str, EventAction] = {
    "subscribe": "subscribe",
    "unsubscribe": "unsubscribe",
    "click": "click",
    "scan": "ignore",
    "location": "ignore",
    "view": "ignore",
    "view_miniprogram": "ignore",
    "templatesendjobfinish": "ignore",
    "masssendjobfinish": "ignore",
    "publishjobfinish": "ignore",
    "scancode_push": "ignore",
    "scancode_waitmsg": "ignore",
    "pic_sysphoto": "ignore",
    "pic_photo_or_album": "ignore",
    "pic_weixin": "ignore",
    "location_select": "ignore",
    "subscribe_msg_popup_event": "ignore",
    "subscribe_msg_change_event": "ignore",
    "subscribe_msg_sent_event": "ignore",
    "kf_create_session": "ignore",
    "kf_close_session": "ignore",
    "kf_switch_session": "ignore",
    "user_authorization_revoke": "ignore",
}


def event_action(event: str) -> EventAction:
    """The action for a WeChat Event value; unknown events are ignored, never guessed."""
    return EVENT_ACTIONS.get((event or "").strip().lower(), "ignore")
