"""A broadcast's life (PRODUCT.md 6): compose a draft, start now or at a time, pause, resume, cancel.

Every staff step checks the admin role in the same transaction as the change and writes the
audit log; every status change is one conditional UPDATE from the statuses it may come from,
so a double tap or two admins at once change it once. Starting materialises the recipients
(one INSERT … SELECT from the segment) in the transaction that marks the broadcast running.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.repositories.broadcasts import BroadcastView
from services.broadcasts.html import check_html
from services.broadcasts.segments import Segment
from services.errors import InvalidInput, NotFound
from services.policy import ShopPolicy
from services.staff import audit
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork

# Who may compose, start and steer broadcasts (the one place to change it).
BROADCAST_ROLE = Role.admin
MAX_TEXT = 4096
MAX_CAPTION = 1024
# Room kept for the line that names a recipient's coupon.
COUPON_LINE_ROOM = 120
MAX_BUTTON_TEXT = 64
MAX_URL = 512
_URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True, slots=True)
class Draft:
    """What staff composed: HTML text (a photo's caption when `photo_file_id` is set)."""

    text: str
    photo_file_id: str | None = None
    button_text: str | None = None
    button_url: str | None = None
    campaign_id: int | None = None

    @property
    def kind(self) -> str:
        return "photo" if self.photo_file_id else "text"


def check_text(text: str, photo: bool, with_coupon: bool = False) -> str:
    """Valid Telegram HTML within the message (4096) or caption (1024) limit; returns the plain text."""
    plain = check_html(text)
    limit = (MAX_CAPTION if photo else MAX_TEXT) - (COUPON_LINE_ROOM if with_coupon else 0)
    if not photo and not plain:
        raise InvalidInput("broadcast-text-empty", "text")
    if len(plain) > limit:
        raise InvalidInput("broadcast-text-long", "text", length=len(plain), limit=limit)
    return plain


def check_button(text: str, url: str) -> tuple[str, str]:
    text, url = text.strip(), url.strip()
    if not 1 <= len(text) <= MAX_BUTTON_TEXT:
        raise InvalidInput("broadcast-button-text", "button", limit=MAX_BUTTON_TEXT)
    if len(url) > MAX_URL or not _URL.fullmatch(url):
        raise InvalidInput("broadcast-button-url", "button")
    return text, url


async def create(
    uow: UnitOfWork, policy: ShopPolicy, actor_id: int, draft: Draft, chosen: Segment, language: str,
    now: datetime | None = None,
) -> int:
    """Save a draft (checked again here: the dialog's checks are not trusted)."""
    check_text(draft.text, draft.photo_file_id is not None, draft.campaign_id is not None)
    if draft.button_text is not None or draft.button_url is not None:
        check_button(draft.button_text or "", draft.button_url or "")
    now = now or utcnow()
    async with uow.write():
        await require(uow, policy, actor_id, BROADCAST_ROLE)
        if draft.campaign_id is not None and await uow.coupons.campaign(draft.campaign_id) is None:
            raise NotFound("coupon-campaign-not-found")
        broadcast_id = await uow.broadcasts.add(
            composer_id=actor_id, composer_language=language, kind=draft.kind, text=draft.text,
            photo_file_id=draft.photo_file_id, button_text=draft.button_text, button_url=draft.button_url,
            campaign_id=draft.campaign_id, segment=chosen.name, segment_params=chosen.to_json(), status="draft",
            total=0, sent=0, failed=0, blocked=0, unknown=0, created_at=now,
        )
        await audit.record(uow, actor_id, "broadcast.create", "broadcast", broadcast_id,
                           after={"segment": chosen.name, **chosen.params}, now=now)
        await uow.commit()
    return broadcast_id


async def start_now(uow: UnitOfWork, policy: ShopPolicy, actor_id: int, broadcast_id: int, now: datetime | None = None) -> int:
    """draft → running with its recipients; returns how many. A second tap finds it started (Conflict)."""
    now = now or utcnow()
    async with uow.write():
        await require(uow, policy, actor_id, BROADCAST_ROLE)
        total = await _start(uow, broadcast_id, ("draft",), policy.tz, now)
        await audit.record(uow, actor_id, "broadcast.start", "broadcast", broadcast_id, after={"total": total}, now=now)
        await uow.commit()
    return total


async def schedule(
    uow: UnitOfWork, policy: ShopPolicy, actor_id: int, broadcast_id: int, at: datetime, now: datetime | None = None,
) -> None:
    now = now or utcnow()
    if at <= now or at > now + timedelta(days=366):
        raise InvalidInput("broadcast-time-range", "time")
    async with uow.write():
        await require(uow, policy, actor_id, BROADCAST_ROLE)
        if not await uow.broadcasts.move(broadcast_id, ("draft",), {"status": "scheduled", "scheduled_at": at}):
            raise InvalidInput("broadcast-not-draft")
        await audit.record(uow, actor_id, "broadcast.schedule", "broadcast", broadcast_id,
                           after={"at": at.isoformat()}, now=now)
        await uow.commit()


async def start_due(uow: UnitOfWork, tz: ZoneInfo, now: datetime | None = None, limit: int = 10) -> list[int]:
    """The scheduler's job: scheduled broadcasts whose time came start, each in its own transaction."""
    now = now or utcnow()
    async with uow.read(snapshot=False):
        due = await uow.broadcasts.due(now, limit)
    started = []
    for broadcast_id in due:
        async with uow.write():
            try:
                await _start(uow, broadcast_id, ("scheduled",), tz, now)
            except InvalidInput:
                continue  # another process started (or staff cancelled) it meanwhile
            await uow.commit()
        started.append(broadcast_id)
    return started


async def _start(uow: UnitOfWork, broadcast_id: int, expected: tuple[str, ...], tz: ZoneInfo, now: datetime) -> int:
    if not await uow.broadcasts.move(broadcast_id, expected, {"status": "running", "started_at": now}):
        raise InvalidInput("broadcast-not-draft")
    view = await uow.broadcasts.get(broadcast_id)
    chosen = Segment.load(view.segment, view.segment_params)
    total = await uow.broadcasts.materialise(broadcast_id, chosen.name, chosen.params, now, now.astimezone(tz).date())
    await uow.broadcasts.move(broadcast_id, ("running",), {"total": total})
    return total


# From which statuses each control moves, and where to.
CONTROLS = {
    "pause": (("running",), "paused"),
    "resume": (("paused",), "running"),
    "cancel": (("draft", "scheduled", "running", "paused"), "cancelled"),
}


async def control(
    uow: UnitOfWork, policy: ShopPolicy, actor_id: int, broadcast_id: int, action: str, now: datetime | None = None,
) -> tuple[bool, BroadcastView]:
    """Pause, resume or cancel; returns whether it changed anything, and the broadcast as it is now."""
    expected, target = CONTROLS[action]
    now = now or utcnow()
    async with uow.write():
        await require(uow, policy, actor_id, BROADCAST_ROLE)
        values = {"status": target, **({"finished_at": now} if target == "cancelled" else {})}
        changed = await uow.broadcasts.move(broadcast_id, expected, values)
        view = await uow.broadcasts.get(broadcast_id)
        if view is None:
            raise NotFound("broadcast-not-found")
        if changed:
            await audit.record(uow, actor_id, f"broadcast.{action}", "broadcast", broadcast_id, now=now)
        await uow.commit()
    return changed, view


async def get(uow: UnitOfWork, policy: ShopPolicy, actor_id: int, broadcast_id: int) -> BroadcastView:
    async with uow.read():
        await require(uow, policy, actor_id, BROADCAST_ROLE)
        view = await uow.broadcasts.get(broadcast_id)
    if view is None:
        raise NotFound("broadcast-not-found")
    return view


async def unsubscribe(uow: UnitOfWork, telegram_id: int) -> bool:
    """The member of this chat receives no more marketing, at once; False when already so."""
    async with uow.write():
        changed = await uow.broadcasts.opt_out(telegram_id)
        await uow.commit()
    return changed


async def set_reachable(uow: UnitOfWork, telegram_id: int, reachable: bool, now: datetime | None = None) -> bool:
    """A member blocked or unblocked the bot (Telegram's my_chat_member update)."""
    async with uow.write():
        changed = await uow.broadcasts.set_reachable(telegram_id, reachable, now or utcnow())
        await uow.commit()
    return changed


async def campaigns(uow: UnitOfWork, now: datetime | None = None, limit: int = 8) -> list:
    """Coupon campaigns a broadcast may carry: active and not ended, newest first."""
    async with uow.read():
        found = await uow.coupons.open_campaigns(("claimable", "staff", "points", "code"), now or utcnow())
    return list(reversed(found))[:limit]
