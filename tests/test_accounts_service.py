"""Registration, login lockout and link tokens through the service layer, on both databases."""

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import LoginFailure, Member, PointsLedger
from models.base import utcnow
from services import accounts, members, passwords
from services.errors import Conflict, InvalidInput, NotAllowed
from tests.conftest import next_telegram_id, unique

SHOP_TZ = ZoneInfo("Asia/Shanghai")
HASH = "$2b$04$" + "a" * 53  # never checked in these tests


def form(username: str | None = None, **overrides: object) -> members.Registration:
    name = username or unique()
    values = {
        "username": name,
        "password_hash": HASH,
        "email": f"{name}@example.com",
        "phone": f"+86139{abs(hash(name)) % 10**8:08d}",
    }
    values.update(overrides)
    return members.Registration(**values)


async def test_register_credits_welcome_points_once(session: AsyncSession) -> None:
    member = await members.register(session, form(), next_telegram_id(), welcome_points=100, tz=SHOP_TZ)
    assert member.member_no == f"M{member.id:06d}"
    ledger = (await session.scalars(select(PointsLedger).where(PointsLedger.member_id == member.id))).all()
    assert [(row.kind, row.amount, row.available_after) for row in ledger] == [("welcome", 100, 100)]
    refreshed = await session.get(Member, member.id, populate_existing=True)
    assert refreshed.points_available == 100


async def test_username_is_unique_case_insensitively(session: AsyncSession) -> None:
    name = unique("Case")
    await members.register(session, form(name), next_telegram_id(), 0, tz=SHOP_TZ)
    with pytest.raises(Conflict) as raised:
        await members.register(session, form(name.upper(), email=f"x{name}@example.com"), next_telegram_id(), 0, tz=SHOP_TZ)
    assert raised.value.field == "username"
    with pytest.raises(Conflict):
        await members.ensure_available(session, "username", name.lower())


async def test_one_telegram_account_one_member(session: AsyncSession) -> None:
    telegram_id = next_telegram_id()
    await members.register(session, form(), telegram_id, 0, tz=SHOP_TZ)
    with pytest.raises(NotAllowed):
        await members.register(session, form(), telegram_id, 0, tz=SHOP_TZ)


async def test_twenty_racing_registrations_of_one_username_make_one_member(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    name = unique("race")

    async def attempt(i: int) -> str:
        async with sessionmaker() as session:
            try:
                await members.register(
                    session, form(name, email=f"{name}{i}@example.com", phone=f"+86137{i:08d}"),
                    next_telegram_id(), 10, tz=SHOP_TZ,
                )
                return "ok"
            except Conflict as error:
                return error.code

    results = await asyncio.gather(*(attempt(i) for i in range(20)))
    assert results.count("ok") == 1
    assert results.count("username-taken") == 19
    async with sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(Member).where(Member.username_key == name.casefold()))
        assert count == 1
        ledger = await session.scalar(
            select(func.count()).select_from(PointsLedger).join(Member).where(Member.username_key == name.casefold())
        )
        assert ledger == 1  # nothing half-written from the losers


async def _account(session: AsyncSession, password: str = "s3cret-pass") -> Member:
    name = unique("acct")
    return await accounts.create_account(session, name, password, f"{name}@example.com", None, rounds=4)


async def test_login_binds_and_moves_binding_from_previous_chat(session: AsyncSession) -> None:
    member = await _account(session)
    first, second = next_telegram_id(), next_telegram_id()
    binding = await accounts.login(session, member.username, "s3cret-pass", first)
    assert binding.previous_telegram_id is None
    binding = await accounts.login(session, member.email.upper(), "s3cret-pass", second)
    assert binding.previous_telegram_id == first
    assert (await session.get(Member, member.id, populate_existing=True)).telegram_id == second


async def test_five_failures_lock_account_and_telegram_user(session: AsyncSession) -> None:
    member = await _account(session)
    telegram_id = next_telegram_id()
    now = utcnow()
    for _ in range(4):
        with pytest.raises(InvalidInput):
            await accounts.login(session, member.username, "wrong-pass", telegram_id, now=now)
    with pytest.raises(accounts.LockedOut) as raised:
        await accounts.login(session, member.username, "wrong-pass", telegram_id, now=now)
    assert raised.value.until == now + timedelta(minutes=15)
    # Even the right password is refused now, from this chat and for this account from any chat.
    with pytest.raises(accounts.LockedOut):
        await accounts.login(session, member.username, "s3cret-pass", telegram_id, now=now + timedelta(minutes=1))
    with pytest.raises(accounts.LockedOut):
        await accounts.login(session, member.username, "s3cret-pass", next_telegram_id(), now=now + timedelta(minutes=1))
    binding = await accounts.login(session, member.username, "s3cret-pass", telegram_id, now=now + timedelta(minutes=16))
    assert binding.member.id == member.id


async def test_failures_outside_the_window_do_not_lock(session: AsyncSession) -> None:
    member = await _account(session)
    telegram_id = next_telegram_id()
    start = utcnow()
    for minute in (0, 4, 8, 12, 16):  # never five within 15 minutes
        with pytest.raises(InvalidInput):
            await accounts.login(session, member.username, "wrong-pass", telegram_id, now=start + timedelta(minutes=minute))
    failures = await session.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.subject == f"member:{member.id}"))
    assert failures == 5


async def test_link_token_is_single_use_and_expires(session: AsyncSession) -> None:
    member = await _account(session)
    token = await accounts.create_link_token(session, member.id, timedelta(hours=1))
    telegram_id = next_telegram_id()
    binding = await accounts.redeem_link_token(session, token, telegram_id)
    assert binding.member.id == member.id
    with pytest.raises(NotAllowed):
        await accounts.redeem_link_token(session, token, next_telegram_id())
    expired = await accounts.create_link_token(session, (await _account(session)).id, timedelta(seconds=-1))
    with pytest.raises(NotAllowed):
        await accounts.redeem_link_token(session, expired, next_telegram_id())


async def test_change_password_checks_old_and_rules(session: AsyncSession) -> None:
    member = await _account(session)
    telegram_id = next_telegram_id()
    with pytest.raises(InvalidInput):
        await accounts.verify_password(session, member.id, "not-it-at-all", telegram_id)
    await accounts.verify_password(session, member.id, "s3cret-pass", telegram_id)
    with pytest.raises(InvalidInput):
        await accounts.set_password(session, member.id, "12345678901", rounds=4)
    await accounts.set_password(session, member.id, "brand-new-pass", rounds=4)
    stored = await session.scalar(select(Member.password_hash).where(Member.id == member.id))
    assert await passwords.check_password("brand-new-pass", stored)


async def test_long_unicode_passwords_keep_every_character() -> None:
    base = "密码" * 30
    hashed = await passwords.hash_password(base + "A", rounds=4)
    assert await passwords.check_password(base + "A", hashed)
    assert not await passwords.check_password(base + "B", hashed)


async def test_housekeeping_drops_only_records_that_no_longer_count(session: AsyncSession) -> None:
    from models import LoginLock, ProcessedUpdate
    from services import update_log

    now = utcnow()
    subject = f"tg:{next_telegram_id()}"
    session.add_all([
        LoginFailure(subject=subject, created_at=now - timedelta(minutes=20)),
        LoginFailure(subject=subject, created_at=now - timedelta(minutes=1)),
        LoginLock(subject=subject + "old", locked_until=now - timedelta(minutes=1)),
        LoginLock(subject=subject + "new", locked_until=now + timedelta(minutes=5)),
        ProcessedUpdate(update_id=next_telegram_id(), created_at=now - timedelta(days=3)),
        ProcessedUpdate(update_id=next_telegram_id(), created_at=now),
    ])
    await session.commit()
    await update_log.prune(session)
    await accounts.prune_login_records(session, now=now)
    failures = await session.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.subject == subject))
    locks = (await session.scalars(select(LoginLock.subject).where(LoginLock.subject.startswith(subject)))).all()
    old_updates = await session.scalar(
        select(func.count()).select_from(ProcessedUpdate).where(ProcessedUpdate.created_at < now - timedelta(days=2))
    )
    assert failures == 1 and locks == [subject + "new"] and old_updates == 0
