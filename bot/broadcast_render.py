"""What a broadcast looks like: the marketing message each recipient gets, and the composer's progress screen."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import BroadcastAction, BroadcastCb
from bot.i18n import Translator
from bot.render import money, quote
from services.broadcasts import BroadcastView, Segment
from services.broadcasts.delivery import Progress


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One marketing message, ready for sendMessage / sendPhoto."""

    text: str
    markup: InlineKeyboardMarkup
    photo: str | None
    markup_data: dict[str, Any]  # the markup as the Bot API's JSON wants it (dumped once)

    def kwargs(self) -> dict[str, Any]:
        if self.photo:
            return {"photo": self.photo, "caption": self.text, "reply_markup": self.markup}
        return {"text": self.text, "reply_markup": self.markup}


def marketing_message(broadcast: BroadcastView, t: Translator, coupon_code: str | None = None) -> Outgoing:
    """The broadcast in the recipient's language: the staff's HTML, their coupon, the URL button,
    and the one-tap unsubscribe button every marketing message carries. An automation's broadcast
    has a translation key for its text and may carry a callback button (e.g. review this order)."""
    text = t(broadcast.text_key, **_system_params(broadcast, t)) if broadcast.text_key else broadcast.text
    if coupon_code:
        text = f"{text}\n\n{t('broadcast-coupon-line', code=coupon_code)}"
    rows = []
    if broadcast.button_text and broadcast.button_url:
        rows.append([InlineKeyboardButton(text=broadcast.button_text, url=broadcast.button_url)])
    if broadcast.button_key and broadcast.button_data:
        rows.append([InlineKeyboardButton(text=t(broadcast.button_key), callback_data=broadcast.button_data)])
    unsubscribe = BroadcastCb(action=BroadcastAction.unsubscribe, id=broadcast.id)
    rows.append([InlineKeyboardButton(text=t("broadcast-btn-unsubscribe"), callback_data=unsubscribe.pack())])
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    return Outgoing(text, markup, broadcast.photo_file_id, markup.model_dump(exclude_none=True))


def _system_params(broadcast: BroadcastView, t: Translator) -> dict[str, Any]:
    """An automation's text parameters (its segment_params; the personalised coupon's amounts shown as money)."""
    params = json.loads(broadcast.segment_params or "{}") if broadcast.segment.startswith("auto:") else {}
    if "min_spend" in params:
        currency = params.pop("currency")
        for name in ("min_spend", "amount_off"):
            params[name] = money(int(params[name]), currency, t.language)
        params["category"] = quote(params["category"] or "")
    return params


def segment_label(t: Translator, segment: Segment, tier_name: str | None = None, amount: str | None = None) -> str:
    """The segment in words; the tier's name and the amount are given already rendered."""
    params = dict(segment.params)
    if tier_name is not None:
        params["tier"] = tier_name
    if amount is not None:
        params["amount"] = amount
    if segment.name == "rfm":
        params["group"] = t(f"broadcast-rfm-{segment.params['group']}")
    return t(f"broadcast-segment-{segment.name}", **params)


def _eta(t: Translator, left: int, rate: float) -> str:
    if left == 0:
        return t("broadcast-eta-none")
    if rate <= 0:
        return t("broadcast-eta-unknown")
    seconds = int(left / rate)
    return t("broadcast-eta", minutes=seconds // 60, seconds=seconds % 60)


def progress_screen(t: Translator, progress: Progress) -> tuple[str, InlineKeyboardMarkup | None]:
    """Sent, failed, blocked, left, rate, ETA and the buttons that fit the status; a final report
    (no buttons) once the broadcast is done or cancelled."""
    broadcast, counts = progress.broadcast, progress.counts
    status = broadcast.status
    body = t(
        "broadcast-progress", id=broadcast.id, status=t(f"broadcast-status-{status}"), total=broadcast.total,
        sent=counts.get("sent", 0), failed=counts.get("failed", 0), blocked=counts.get("blocked", 0),
        unknown=counts.get("unknown", 0), left=progress.left,
        rate=f"{progress.rate:.1f}", eta=_eta(t, progress.left, progress.rate if status == "running" else 0),
    )
    if status in ("done", "cancelled"):
        return t("broadcast-report", body=body), None
    controls = {"running": (BroadcastAction.pause, BroadcastAction.cancel),
                "paused": (BroadcastAction.resume, BroadcastAction.cancel),
                "scheduled": (BroadcastAction.cancel,)}.get(status, ())
    buttons = [
        InlineKeyboardButton(text=t(f"broadcast-btn-{action.name}"),
                             callback_data=BroadcastCb(action=action, id=broadcast.id).pack())
        for action in controls
    ]
    return body, InlineKeyboardMarkup(inline_keyboard=[buttons]) if buttons else None


def digest(text: str, markup: InlineKeyboardMarkup | None) -> str:
    """What a message shows, in 40 characters: the progress message is never edited into itself."""
    shown = text + "\n" + (markup.model_dump_json() if markup is not None else "")
    return hashlib.sha1(shown.encode()).hexdigest()
