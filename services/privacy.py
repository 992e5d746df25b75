"""Member data rights (PRODUCT.md 1.4): everything stored about a member as JSON, and closing the account.

Both walk `models.personal_data.REGISTRY`, the one list of tables that hold members' data, so a
table declared there is exported and erased without touching this module.
"""

import asyncio
import gzip
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import ceil
from typing import Any

from models.base import utcnow
from models.members import format_member_no
from models.personal_data import BY_NAME, REGISTRY, PersonalTable, Subject
from models.repositories.ledger import Entry, Ledger, Posted
from services.errors import NotAllowed
from services.points import postings
from services.staff import audit
from services.unit_of_work import UnitOfWork

EXPORT_EVERY = timedelta(minutes=1)
# The Bot API takes uploads up to 50 MB; a larger export goes compressed.
MAX_DOCUMENT = 50 * 1024 * 1024
EXPORT_FORMAT = "member-bot data export, version 1"


@dataclass(frozen=True, slots=True)
class DataFile:
    filename: str
    data: bytes
    rows: int


@dataclass(frozen=True, slots=True)
class Closed:
    """An account just closed: its number (never given out again) and the Telegram account it left."""

    member_no: str
    telegram_id: int | None
    coupons_revoked: int
    points_forfeited: int


async def export_data(uow: UnitOfWork, member_id: int, now: datetime | None = None,
                      every: timedelta = EXPORT_EVERY) -> DataFile:
    """Every registered table's rows of this member (and nobody else's), at most once per `every`."""
    now = now or utcnow()
    async with uow.write():
        claimed = await uow.personal_data.claim_export(member_id, now, every)
        last = None if claimed else await uow.personal_data.last_export(member_id)
        await uow.commit()
    if not claimed:
        wait = every - (now - last) if last else every
        raise NotAllowed("mydata-too-soon", seconds=max(1, ceil(wait.total_seconds())))
    async with uow.read():
        member = await uow.members.view(member_id)
        if member is None or not member.active:
            raise NotAllowed("not-member")
        who = Subject(member_id, member.telegram_id)
        tables = {entry.name: [_exported(entry, row, who) for row in await uow.personal_data.rows(entry, who)]
                  for entry in REGISTRY}
    document = {"format": EXPORT_FORMAT, "member_no": member.member_no, "exported_at": now, "tables": tables}
    # A long history is a few megabytes of JSON: encoded off the event loop, so other members wait for nothing.
    data, suffix = await asyncio.to_thread(_encode, document)
    filename = f"{member.member_no}-data-{now:%Y%m%d}.{suffix}"
    return DataFile(filename, data, sum(len(rows) for rows in tables.values()))


def _exported(entry: PersonalTable, row: dict[str, Any], who: Subject) -> dict[str, Any]:
    """Secrets only as "set" / "not set"; other people's ids only as "another member" / "someone else"."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name in entry.secret:
            value = "set" if value else "not set"
        elif name in entry.others and value is not None:
            value = "you" if value == who.member_id else "another member"
        elif name in entry.other_users and value is not None:
            value = "you" if value == who.telegram_id else "someone else"
        out[name] = value
    return out


def _encode(document: dict[str, Any]) -> tuple[bytes, str]:
    """The JSON, gzip-compressed when it would exceed what the Bot API takes; and the file suffix."""
    data = json.dumps(document, ensure_ascii=False, indent=1, default=_json_value).encode()
    if len(data) > MAX_DOCUMENT:
        return gzip.compress(data), "json.gz"
    return data, "json"


def _json_value(value: object) -> object:
    """Dates and times in ISO 8601; anything else JSON lacks (a Decimal, a UUID) as its text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


async def close_account(uow: UnitOfWork, member_id: int) -> Closed:
    """Anonymise the member everywhere, in one transaction; cannot be undone.

    The member row stays with status "deleted" (its number is never reused), orders, ledger and
    lots stay for accounting (the audit still reconciles), available points are forfeited by an
    "adjust" ledger row, usable coupons and open gift links are taken back, the Telegram account is
    unbound, and its dialogs and language are forgotten.
    """
    now = utcnow()
    async with uow.write():
        member = await uow.members.view(member_id)
        if member is None or not member.active:
            raise NotAllowed("not-member")
        who = Subject(member_id, member.telegram_id)
        # The conditional update on an active member is the claim: of two presses, one closes the account.
        if not await uow.personal_data.close_member(BY_NAME["members"], who):
            raise NotAllowed("not-member")
        forfeited = await uow.ledger.run(lambda ledger: _forfeit(ledger, member_id, now))
        revoked = await uow.personal_data.revoke_available_coupons(member_id)
        await uow.personal_data.cancel_open_gifts(member_id)
        for entry in REGISTRY:
            if entry.name != "members":
                await uow.personal_data.erase(entry, who)
        # When, for staff answering questions later; nothing about the person.
        await audit.record(uow, None, "member.closed", "member", member_id, member_id=member_id, now=now)
        await uow.commit()
    return Closed(format_member_no(member_id), member.telegram_id, revoked, forfeited)


def _forfeit(ledger: Ledger, member_id: int, now: datetime) -> int:
    """The available balance goes with the account (read under the member row this transaction updated)."""
    amount = ledger.available(member_id) or 0
    if amount > 0:
        entry = Entry(member_id, "adjust", 0, 0, f"closed:{member_id}", reason="account closed")
        posted: Posted = postings.debit(ledger, entry, amount, now)
        return amount if posted.created else 0
    return 0
