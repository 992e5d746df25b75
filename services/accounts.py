"""Binding Telegram users to accounts: password login with lockout, link tokens, logout, passwords."""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.base import utcnow
from models.repositories.members import Duplicate, MemberView
from services import abuse, passwords, validation
from services.errors import Conflict, DomainError, InvalidInput, NotAllowed
from services.policy import LockoutPolicy
from services.unit_of_work import UnitOfWork


class LockedOut(DomainError):
    """This Telegram user guessed wrong too often: "try again in N minutes"."""

    code = "locked"

    def __init__(self, until: datetime, now: datetime | None = None) -> None:
        wait = max(1, math.ceil((until - (now or utcnow())).total_seconds()))
        super().__init__(minutes=math.ceil(wait / 60), seconds=wait)
        self.until = until


class SlowDown(LockedOut):
    """Too many recent failures on one account (from anyone): each further guess waits longer.

    The account itself is never locked, so a stranger typing a member's username cannot lock the
    member out of their own chat; the stranger's own Telegram account is what gets locked.
    """

    code = "slow-down"


@dataclass(frozen=True, slots=True)
class Binding:
    """The result of binding: the member and the Telegram account that lost it, if any."""

    member: MemberView
    previous_telegram_id: int | None


def _subjects(telegram_id: int, member_id: int | None) -> list[str]:
    subjects = [f"tg:{telegram_id}"]
    if member_id is not None:
        subjects.append(f"member:{member_id}")
    return subjects


def backoff(failures: int, policy: LockoutPolicy) -> timedelta:
    """After `max_failures` recent failures on an account, the k-th further guess waits 2^k seconds."""
    if failures < policy.max_failures:
        return timedelta(0)
    exponent = min(failures - policy.max_failures + 1, 20)
    return min(timedelta(seconds=2**exponent), policy.window)


async def _ensure_unlocked(
    uow: UnitOfWork, subjects: list[str], now: datetime, policy: LockoutPolicy = LockoutPolicy()
) -> None:
    """Inside an open unit of work: the Telegram user's lock, then the account's back-off."""
    until = await uow.logins.locked_until(subjects[:1])
    if until is not None and until > now:
        raise LockedOut(until, now)
    for subject in subjects[1:]:
        failures = await uow.logins.failures_since(subject, now - policy.window)
        wait = backoff(failures, policy)
        last = await uow.logins.last_failure(subject) if wait else None
        if last is not None and last + wait > now:
            raise SlowDown(last + wait, now)


async def _record_failure(uow: UnitOfWork, subjects: list[str], now: datetime, policy: LockoutPolicy) -> None:
    """Count the failure for each subject; lock the guessing Telegram user when it reached the limit."""
    locked: datetime | None = None
    async with uow.write():
        for subject in subjects:
            await uow.logins.add_failure(subject, now)
        telegram = subjects[0]
        if await uow.logins.failures_since(telegram, now - policy.window) >= policy.max_failures:
            locked = now + policy.window
            await uow.logins.lock(telegram, locked)
        await uow.commit()
    if locked is not None:
        raise LockedOut(locked, now)


async def ensure_not_locked(uow: UnitOfWork, telegram_id: int, now: datetime | None = None) -> None:
    async with uow.read():
        await _ensure_unlocked(uow, _subjects(telegram_id, None), now or utcnow())


async def login(
    uow: UnitOfWork, identifier: str, password: str, telegram_id: int,
    policy: LockoutPolicy = LockoutPolicy(), now: datetime | None = None,
) -> Binding:
    """Check the password (bcrypt, off the event loop and outside any transaction) and bind."""
    now = now or utcnow()
    async with uow.read():
        account = await uow.members.credentials(identifier.strip().casefold())
        subjects = _subjects(telegram_id, account.member_id if account else None)
        await _ensure_unlocked(uow, subjects, now, policy)
    valid = account is not None and account.status == "active"
    if not await passwords.check_password(password, account.password_hash if valid else _DUMMY_HASH) or not valid:
        await _record_failure(uow, subjects, now, policy)
        raise InvalidInput("login-failed", "password")
    async with uow.write():
        binding = await _bind(uow, account.member_id, telegram_id)
        await uow.commit()
    return binding


async def _bind(uow: UnitOfWork, member_id: int, telegram_id: int) -> Binding:
    """Bind inside the caller's write transaction; the loser of a race gets NotAllowed."""
    bound = await uow.members.id_by_telegram(telegram_id)
    if bound is not None and bound != member_id:
        raise NotAllowed("already-member")
    member = await uow.members.view(member_id)
    if member is None or not member.active:
        raise NotAllowed("account-unavailable")
    try:
        previous = await uow.members.bind_telegram(member_id, telegram_id)
    except Duplicate as duplicate:
        raise NotAllowed("already-member") from duplicate
    # The member context is looked up through the Telegram user's row: make sure it exists.
    await uow.members.remember_telegram_user(telegram_id)
    return Binding(await uow.members.view(member_id), previous)


async def logout(uow: UnitOfWork, telegram_id: int, identity_key: bytes = b"") -> bool:
    """Unbind; with `identity_key` the account remembers (hashed) that this Telegram account used it."""
    async with uow.write():
        member_id = await uow.members.id_by_telegram(telegram_id) if identity_key else None
        if member_id is not None:
            await abuse.mark(uow, identity_key, member_id, "telegram", telegram_id, utcnow())
        unbound = await uow.members.unbind_telegram(telegram_id)
        await uow.commit()
    return unbound


async def verify_password(
    uow: UnitOfWork, member_id: int, password: str, telegram_id: int,
    policy: LockoutPolicy = LockoutPolicy(), now: datetime | None = None,
) -> None:
    """Re-check a bound member's password (before changing it); failures count to the lockout."""
    now = now or utcnow()
    subjects = _subjects(telegram_id, member_id)
    async with uow.read():
        await _ensure_unlocked(uow, subjects, now, policy)
        account = await uow.members.credentials_of(member_id)
    if account is None or not await passwords.check_password(password, account.password_hash):
        await _record_failure(uow, subjects, now, policy)
        raise InvalidInput("old-password-wrong", "password")


async def set_password(uow: UnitOfWork, member_id: int, new: str, rounds: int) -> None:
    async with uow.read():
        account = await uow.members.credentials_of(member_id)
    if account is None:
        raise NotAllowed("not-member")
    validation.password(new, account.username)
    new_hash = await passwords.hash_password(new, rounds)
    async with uow.write():
        await uow.members.update_fields(member_id, {"password_hash": new_hash})
        await uow.commit()


async def prune_login_records(uow: UnitOfWork, policy: LockoutPolicy = LockoutPolicy(), now: datetime | None = None) -> int:
    """Failures older than the window and ended locks no longer count for anything."""
    async with uow.write():
        pruned = await uow.logins.prune(now or utcnow(), policy.window)
        await uow.commit()
    return pruned


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_link_token(uow: UnitOfWork, member_id: int, ttl: timedelta) -> str:
    """A one-time deep-link token (`/start link_<token>`); only its hash is stored."""
    async with uow.write():
        token = await link_token_in_open_uow(uow, member_id, ttl)
        await uow.commit()
    return token


async def link_token_in_open_uow(uow: UnitOfWork, member_id: int, ttl: timedelta) -> str:
    """`create_link_token` inside the caller's open unit of work (staff tools audit it there)."""
    token = secrets.token_urlsafe(24)
    await uow.logins.add_link_token(_token_hash(token), member_id, utcnow() + ttl)
    return token


async def redeem_link_token(uow: UnitOfWork, token: str, telegram_id: int) -> Binding:
    """Use the token once: a conditional update claims it, so two presses cannot both bind."""
    async with uow.write():
        member_id = await uow.logins.use_link_token(_token_hash(token), utcnow())
        if member_id is None:
            raise NotAllowed("link-invalid")
        binding = await _bind(uow, member_id, telegram_id)
        await uow.commit()
    return binding


async def create_account(
    uow: UnitOfWork, username: str, password: str, email: str, phone: str | None, rounds: int
) -> MemberView:
    """An account made outside Telegram (shop website, staff import), to be linked later."""
    username = validation.username(username)
    validation.password(password, username)
    email = validation.email(email)
    phone = validation.phone(phone) if phone else None
    password_hash = await passwords.hash_password(password, rounds)
    async with uow.write():
        try:
            member_id = await uow.members.add(
                username=username, username_key=username.casefold(), password_hash=password_hash,
                email=email, email_key=email.casefold(), phone=phone,
            )
        except Duplicate as duplicate:
            raise Conflict(f"{duplicate.field}-taken", duplicate.field) from duplicate
        member = await uow.members.view(member_id)
        await uow.commit()
    return member


# Checked when the login name is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = "$2b$04$C6UzMDM.H6dfI/f/IKxGhuR6WhJ0jcqGpTnOT4xkO9T3I8nJRlWO."
