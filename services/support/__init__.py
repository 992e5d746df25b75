"""Feedback and support tickets (PRODUCT.md 8): the member's side in `tickets`, the staff desk in `desk`."""

from models.repositories.support import TicketLine, TicketView
from services.support.tickets import (
    CLIP,
    KINDS,
    PHOTOS_MAX,
    TEXT_MAX,
    OrderChoice,
    Thread,
    clean,
    answer,
    my_tickets,
    open_ticket,
    order_choices,
    rate,
    thread_of_member,
)

__all__ = [
    "CLIP", "KINDS", "PHOTOS_MAX", "TEXT_MAX", "OrderChoice", "Thread", "TicketLine", "TicketView", "answer", "clean", "my_tickets",
    "open_ticket", "order_choices", "rate", "thread_of_member",
]
