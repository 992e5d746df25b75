"""Registration, login lockout and link tokens through the service layer, on both databases."""

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select

from models import LoginFailure, Member, PointsLedger
from models.base import utcnow
from models.database import Database
from services import accounts, members, passwords
from services.errors import Conflict, InvalidInput, NotAllowed
from services.members import MemberView
from services.policy import LockoutPolicy, ShopPolicy
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, next_telegram_id, unique

SHOP_TZ = ZoneInfo("Asia/Shanghai")
WELCOME_100 = ShopPolicy(tz=SHOP_TZ, welcome_points=100)
NO_WELCOME = ShopPolicy(tz=SHOP_TZ, welcome_points=0)
LOCKOUT = LockoutPolicy()
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


async def test_register_credits_welcome_points_once(uow: UnitOfWork, probe: Probe) -> None:
    member = await members.register(uow, form(), next_telegram_id(), WELCOME_100)
    assert member.member_no == f"M{member.id:06d}"
    ledger = await probe.rows(
        select(PointsLedger.kind, PointsLedger.amount, PointsLedger.available_after)
        .where(PointsLedger.member_id == member.id)
    )
    assert ledger == [("welcome", 100, 100)]
    assert member.points_available == 100
    assert await probe.scalar(select(Member.points_available).where(Member.id == member.id)) == 100


async def test_username_is_unique_case_insensitively(uow: UnitOfWork, probe: Probe) -> None:
    name = unique("Case")
    await members.register(uow, form(name), next_telegram_id(), NO_WELCOME)
    with pytest.raises(Conflict) as raised:
        await members.register(uow, form(name.upper(), email=f"x{name}@example.com"), next_telegram_id(), NO_WELCOME)
    assert raised.value.field == "username"
    with pytest.raises(Conflict):
        await members.ensure_available(uow, "username", name.lower())


async def test_one_telegram_account_one_member(uow: UnitOfWork, probe: Probe) -> None:
    telegram_id = next_telegram_id()
    await members.register(uow, form(), telegram_id, NO_WELCOME)
    with pytest.raises(NotAllowed):
        await members.register(uow, form(), telegram_id, NO_WELCOME)


async def test_twenty_racing_registrations_of_one_username_make_one_member(
    database: Database, probe: Probe,
) -> None:
    name = unique("race")

    async def attempt(i: int) -> str:
        try:
            await members.register(
                UnitOfWork(database), form(name, email=f"{name}{i}@example.com", phone=f"+86137{i:08d}"),
                next_telegram_id(), ShopPolicy(tz=SHOP_TZ, welcome_points=10),
            )
            return "ok"
        except Conflict as error:
            return error.code

    results = await asyncio.gather(*(attempt(i) for i in range(20)))
    assert results.count("ok") == 1
    assert results.count("username-taken") == 19
    count = await probe.scalar(select(func.count()).select_from(Member).where(Member.username_key == name.casefold()))
    assert count == 1
    ledger = await probe.scalar(
        select(func.count()).select_from(PointsLedger).join(Member).where(Member.username_key == name.casefold())
    )
    assert ledger == 1  # nothing half-written from the losers


async def _account(uow: UnitOfWork, password: str = "s3cret-pass") -> MemberView:
    name = unique("acct")
    return await accounts.create_account(uow, name, password, f"{name}@example.com", None, rounds=4)


async def test_login_binds_and_moves_binding_from_previous_chat(uow: UnitOfWork, probe: Probe) -> None:
    member = await _account(uow)
    first, second = next_telegram_id(), next_telegram_id()
    binding = await accounts.login(uow, member.username, "s3cret-pass", first)
    assert binding.previous_telegram_id is None
    binding = await accounts.login(uow, member.email.upper(), "s3cret-pass", second)
    assert binding.previous_telegram_id == first
    assert await probe.scalar(select(Member.telegram_id).where(Member.id == member.id)) == second


async def test_five_failures_lock_the_guessing_telegram_user_not_the_member(uow: UnitOfWork, probe: Probe) -> None:
    member = await _account(uow)
    stranger, owner = next_telegram_id(), next_telegram_id()
    now = utcnow()
    for _ in range(4):
        with pytest.raises(InvalidInput):
            await accounts.login(uow, member.username, "wrong-pass", stranger, now=now)
    with pytest.raises(accounts.LockedOut) as raised:
        await accounts.login(uow, member.username, "wrong-pass", stranger, now=now)
    assert raised.value.until == now + timedelta(minutes=15) and raised.value.params["minutes"] == 15
    # The stranger is locked out, even with the right password ...
    with pytest.raises(accounts.LockedOut) as raised:
        await accounts.login(uow, member.username, "s3cret-pass", stranger, now=now + timedelta(minutes=1))
    assert raised.value.params["minutes"] == 14
    # ... and the member, from their own chat, is not.
    binding = await accounts.login(uow, member.username, "s3cret-pass", owner, now=now + timedelta(minutes=1))
    assert binding.member.id == member.id
    binding = await accounts.login(uow, member.username, "s3cret-pass", stranger, now=now + timedelta(minutes=16))
    assert binding.member.id == member.id


async def test_guesses_at_one_account_from_many_chats_back_off(uow: UnitOfWork) -> None:
    """Rotating Telegram accounts does not help: after five failures each further guess waits 2^k seconds."""
    member = await _account(uow)
    now = utcnow()
    for _ in range(5):
        with pytest.raises(InvalidInput):
            await accounts.login(uow, member.username, "wrong-pass", next_telegram_id(), now=now)
    with pytest.raises(accounts.SlowDown) as raised:
        await accounts.login(uow, member.username, "s3cret-pass", next_telegram_id(), now=now + timedelta(seconds=1))
    assert raised.value.params["seconds"] == 1  # 2 s after the last failure
    with pytest.raises(InvalidInput):  # waited: the guess is checked (and fails)
        await accounts.login(uow, member.username, "wrong-pass", next_telegram_id(), now=now + timedelta(seconds=2))
    with pytest.raises(accounts.SlowDown) as raised:
        await accounts.login(uow, member.username, "s3cret-pass", next_telegram_id(), now=now + timedelta(seconds=3))
    assert raised.value.params["seconds"] == 3  # now 4 s after the last failure
    binding = await accounts.login(uow, member.username, "s3cret-pass", next_telegram_id(), now=now + timedelta(seconds=6))
    assert binding.member.id == member.id
    assert accounts.backoff(4, LOCKOUT) == timedelta(0) and accounts.backoff(7, LOCKOUT) == timedelta(seconds=8)
    assert accounts.backoff(100, LOCKOUT) == LOCKOUT.window


async def test_failures_outside_the_window_do_not_lock(uow: UnitOfWork, probe: Probe) -> None:
    member = await _account(uow)
    telegram_id = next_telegram_id()
    start = utcnow()
    for minute in (0, 4, 8, 12, 16):  # never five within 15 minutes
        with pytest.raises(InvalidInput):
            await accounts.login(uow, member.username, "wrong-pass", telegram_id, now=start + timedelta(minutes=minute))
    failures = await probe.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.subject == f"member:{member.id}")
    )
    assert failures == 5


async def test_link_token_is_single_use_and_expires(uow: UnitOfWork, probe: Probe) -> None:
    member = await _account(uow)
    token = await accounts.create_link_token(uow, member.id, timedelta(hours=1))
    telegram_id = next_telegram_id()
    binding = await accounts.redeem_link_token(uow, token, telegram_id)
    assert binding.member.id == member.id
    with pytest.raises(NotAllowed):
        await accounts.redeem_link_token(uow, token, next_telegram_id())
    expired = await accounts.create_link_token(uow, (await _account(uow)).id, timedelta(seconds=-1))
    with pytest.raises(NotAllowed):
        await accounts.redeem_link_token(uow, expired, next_telegram_id())


async def test_change_password_checks_old_and_rules(uow: UnitOfWork, probe: Probe) -> None:
    member = await _account(uow)
    telegram_id = next_telegram_id()
    with pytest.raises(InvalidInput):
        await accounts.verify_password(uow, member.id, "not-it-at-all", telegram_id)
    await accounts.verify_password(uow, member.id, "s3cret-pass", telegram_id)
    with pytest.raises(InvalidInput):
        await accounts.set_password(uow, member.id, "12345678901", rounds=4)
    await accounts.set_password(uow, member.id, "brand-new-pass", rounds=4)
    stored = await probe.scalar(select(Member.password_hash).where(Member.id == member.id))
    assert await passwords.check_password("brand-new-pass", stored)


async def test_long_unicode_passwords_keep_every_character() -> None:
    base = "密码" * 30
    hashed = await passwords.hash_password(base + "A", rounds=4)
    assert await passwords.check_password(base + "A", hashed)
    assert not await passwords.check_password(base + "B", hashed)


async def test_housekeeping_drops_only_records_that_no_longer_count(
    uow: UnitOfWork, probe: Probe, database: Database
) -> None:
    from bot import update_log
    from models import LoginLock, ProcessedUpdate

    now = utcnow()
    subject = f"tg:{next_telegram_id()}"
    await probe.write(
        insert(LoginFailure).values(subject=subject, created_at=now - timedelta(minutes=20)),
        insert(LoginFailure).values(subject=subject, created_at=now - timedelta(minutes=1)),
        insert(LoginLock).values(subject=subject + "old", locked_until=now - timedelta(minutes=1)),
        insert(LoginLock).values(subject=subject + "new", locked_until=now + timedelta(minutes=5)),
        insert(ProcessedUpdate).values(update_id=next_telegram_id(), created_at=now - timedelta(days=3)),
        insert(ProcessedUpdate).values(update_id=next_telegram_id(), created_at=now),
    )
    await update_log.prune(database)
    await accounts.prune_login_records(uow, now=now)
    failures = await probe.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.subject == subject))
    locks = await probe.scalars(select(LoginLock.subject).where(LoginLock.subject.startswith(subject)))
    old_updates = await probe.scalar(
        select(func.count()).select_from(ProcessedUpdate).where(ProcessedUpdate.created_at < now - timedelta(days=2))
    )
    assert failures == 1 and locks == [subject + "new"] and old_updates == 0
