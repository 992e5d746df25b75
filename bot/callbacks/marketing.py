"""Callback data of marketing: the broadcast composer, its progress controls, and "unsubscribe" under every
marketing message (the one button a member presses here; the rest re-check the admin role)."""

from enum import Enum

from aiogram.filters.callback_data import CallbackData


class BroadcastAction(str, Enum):
    unsubscribe = "u"  # under every marketing message: no more marketing, at once
    pause = "p"
    resume = "r"
    cancel = "c"
    segment = "s"  # composing: a segment (`value`)
    coupon = "k"  # composing: a coupon campaign (`id`, 0: none)
    skip = "n"  # composing: skip the optional step
    start = "go"  # send now
    schedule = "at"  # ask for a time
    discard = "x"  # throw the draft away


class BroadcastCb(CallbackData, prefix="bc"):
    """`id` is a broadcast or a campaign id (the handler re-checks the admin role); `value` a segment."""

    action: BroadcastAction
    id: int = 0
    value: str = ""


class AutomationAction(str, Enum):
    """/automation (admins; the role is re-checked by every use case)."""

    list = "l"
    toggle = "t"  # on ↔ off, `kind`
    edit = "e"  # ask for `param` of `kind`


class AutomationCb(CallbackData, prefix="au"):
    action: AutomationAction
    kind: str = ""  # birthday | winback | review | personal_coupon | expiry | tier
    param: str = ""  # campaign | hour | days | orders | percent | valid
