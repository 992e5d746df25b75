"""Reward anti-abuse (issue 15): a referral at most once per phone, no self-referral, no birthday reward
for a birthday changed within 12 months. Every refused reward is an audit row (actor NULL) naming the
reward and the reason, which staff see on the member card.

Phones and Telegram ids are remembered only as HMAC-SHA256 under a key derived from the payment payload
secret (`identity_key`), so the memory survives /delete_account without keeping the number in clear.
The functions taking a `uow` run inside the caller's open unit of work and never commit.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from services.staff import audit
from services.unit_of_work import UnitOfWork

REFUSED = "reward.refused"
BIRTHDAY_QUIET = timedelta(days=365)
REASONS = ("self-referral", "phone-already-referred", "telegram-already-referred", "birthday-changed",
           "phone-already-rewarded")


def identity_key(secret: bytes) -> bytes:
    """The anti-abuse key, separate from the key that signs invoice payloads."""
    return hmac.new(secret, b"member-bot anti-abuse identities", hashlib.sha256).digest()


def identity_hash(key: bytes, kind: str, value: object) -> str:
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


async def mark(uow: UnitOfWork, key: bytes, member_id: int, kind: str, value: object, now: datetime) -> None:
    """Remember, in the open unit of work, that the account used this phone or Telegram account."""
    await uow.abuse.mark(member_id, kind, identity_hash(key, kind, value), now)


async def identities(uow: UnitOfWork, key: bytes, member_id: int, now: datetime) -> set[tuple[str, str]]:
    """The member's current phone and Telegram account, remembered as marks, plus every earlier mark."""
    member = await uow.members.view(member_id)
    current = set()
    if member is not None and member.phone:
        current.add(("phone", identity_hash(key, "phone", member.phone)))
    if member is not None and member.telegram_id is not None:
        current.add(("telegram", identity_hash(key, "telegram", member.telegram_id)))
    for kind, key_hash in current:
        await uow.abuse.mark(member_id, kind, key_hash, now)
    return current | await uow.abuse.marks(member_id)


async def referral_allowed(uow: UnitOfWork, key: bytes, member_id: int, referrer_id: int, now: datetime) -> bool:
    """On the referred member's first paid order: may the referrer be paid? A refusal is audited once.

    Refused when the two accounts share a phone or a Telegram account, now or ever seen (self-referral),
    or when the referred member's phone (or Telegram account) already earned a referral for an earlier
    account (rejoining after /delete_account, or a second account). The claim is an INSERT on a UNIQUE key, not a check-then-act.
    """
    if await uow.abuse.paid_orders(member_id) != 1:
        return False  # decided on the first paid order (paid or refused then); the ledger key makes it once
    referred = await identities(uow, key, member_id, now)
    referrer = await identities(uow, key, referrer_id, now)
    reason = None
    if referred & referrer:
        reason = "self-referral"
    else:
        for kind, key_hash in sorted(referred):  # the phone first, then the Telegram account
            if await uow.abuse.claim(key_hash, "referral", "", member_id, now) != member_id and reason is None:
                reason = f"{kind}-already-referred"
    if reason is None:
        return True
    await refuse(uow, referrer_id, "referral", reason, member_id, now)
    return False


async def refuse(uow: UnitOfWork, member_id: int, reward: str, reason: str, source_member: int | None,
                 now: datetime) -> None:
    """The audit row of a refused reward: on the card of `member_id` (who would have earned it)."""
    await audit.record(uow, None, REFUSED, "member", source_member, member_id=member_id,
                       after={"reward": reward, "reason": reason}, reason=reason, now=now)


async def note_birthday_change(uow: UnitOfWork, member_id: int, old: object, new: object, now: datetime) -> None:
    """Inside the editing transaction: a birthday already set that becomes another date is a change."""
    if old is not None and old != new:
        await uow.abuse.add_birthday_change(member_id, now)


async def birthday_reward_allowed(uow: UnitOfWork, member_id: int, now: datetime) -> bool:
    """For the birthday automation, inside its open unit of work: False when the birthday changed within 12 months."""
    return not await uow.abuse.birthday_changed_since(member_id, now - BIRTHDAY_QUIET)


async def claim_birthday_reward(uow: UnitOfWork, key: bytes, member_id: int, now: datetime, year: int) -> bool:
    """For the birthday automation: allowed and the first claim this year for the member's phone (audited if not).

    Call it in the transaction that grants the reward; a refusal is audited there.
    """
    reason = None if await birthday_reward_allowed(uow, member_id, now) else "birthday-changed"
    if reason is None:
        for kind, key_hash in sorted(await identities(uow, key, member_id, now)):
            if kind == "phone" and await uow.abuse.claim(key_hash, "birthday", str(year), member_id, now) != member_id:
                reason = "phone-already-rewarded"
    if reason is None:
        return True
    await refuse(uow, member_id, "birthday", reason, member_id, now)
    return False
