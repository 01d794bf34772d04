"""The dialog: one Inbound in, one Outbound out, the same for every channel.

Public surface (used by the app, the CLI, the simulator and the tests):
``route(ctx, inbound)``, ``DialogContext``, ``inspect_conversation(session, user_id)``,
and the texts helpers ``T`` / ``texts``.
"""
from __future__ import annotations

from ..texts import T, texts
from .router import DialogContext, answer_text, clarify_text, route
from .state import (MODES, ConversationSnapshot, ConversationState, inspect_conversation, migrate_v1,
                    snapshot)

__all__ = ["DialogContext", "T", "answer_text", "clarify_text", "route", "texts", "MODES",
           "ConversationSnapshot", "ConversationState", "inspect_conversation", "migrate_v1", "snapshot"]
