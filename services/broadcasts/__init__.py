"""Marketing broadcasts (PRODUCT.md 6): segments, compose, a persisted delivery job.

    html.py       staff HTML checked as Telegram would parse it (before anything is sent)
    segments.py   built-in segments, their parameters and size
    lifecycle.py  draft, start now / schedule, pause / resume / cancel, unsubscribe, reachability
    delivery.py   the senders' database side: claim a batch, record outcomes, progress, finish
"""

from models.repositories.broadcasts import BroadcastView, Recipient
from services.broadcasts import delivery
from services.broadcasts.html import check_html
from services.broadcasts.lifecycle import (
    BROADCAST_ROLE,
    CONTROLS,
    Draft,
    campaigns,
    check_button,
    check_text,
    control,
    create,
    get,
    schedule,
    set_reachable,
    start_due,
    start_now,
    unsubscribe,
)
from services.broadcasts.segments import SEGMENTS, Segment, segment, size

__all__ = [
    "BROADCAST_ROLE", "CONTROLS", "SEGMENTS", "BroadcastView", "Draft", "campaigns", "Recipient", "Segment", "check_button",
    "check_html", "check_text", "control", "create", "delivery", "get", "schedule", "segment", "set_reachable",
    "size", "start_due", "start_now", "unsubscribe",
]
