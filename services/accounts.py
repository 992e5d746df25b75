"""Binding Telegram users to accounts: password login with lockout, link tokens, logout."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import LinkToken, LoginFailure, LoginLock, Member, TelegramUser
from models.base import utcnow
from models.db import begin_write, upsert
from services import passwords, validation
from services.errors import DomainError, InvalidInput, NotAllowed
from services.members import flush_unique


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


class LockedOut(DomainError):
    code = "locked"

    def __init__(self, until: datetime) -> None:
        super().__init__(until=until)
        self.until = until


@dataclass(frozen=True, slots=True)
class Binding:
    """The result of binding: the member and the Telegram account that lost it, if any."""

    member: Member
    previous_telegram_id: int | None


def _subjects(telegram_id: int, member_id: int | None) -> list[str]:
    subjects = [f"tg:{telegram_id}"]
    if member_id is not None:
        subjects.append(f"member:{member_id}")
    return subjects


async def _locked_until(session: AsyncSession, subjects: list[str], now: datetime) -> datetime | None:
    until = await session.scalar(
        select(func.max(LoginLock.locked_until)).where(LoginLock.subject.in_(subjects))
    )
    return until if until is not None and until > now else None


async def _record_failure(
    session: AsyncSession, subjects: list[str], now: datetime, policy: LockoutPolicy
) -> datetime | None:
    """Count the failure for each subject; lock a subject that reached the limit in the window."""
    await begin_write(session)
    session.add_all(LoginFailure(subject=subject, created_at=now) for subject in subjects)
    await session.flush()
    locked: datetime | None = None
    for subject in subjects:
        recent = await session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.subject == subject, LoginFailure.created_at > now - policy.window)
        )
        if recent >= policy.max_failures:
            locked = now + policy.window
            await session.execute(delete(LoginLock).where(LoginLock.subject == subject))
            session.add(LoginLock(subject=subject, locked_until=locked))
            await session.execute(delete(LoginFailure).where(LoginFailure.subject == subject))
    await session.commit()
    return locked


async def ensure_not_locked(session: AsyncSession, telegram_id: int, now: datetime | None = None) -> None:
    until = await _locked_until(session, _subjects(telegram_id, None), now or utcnow())
    if until is not None:
        raise LockedOut(until)


async def login(
    session: AsyncSession,
    identifier: str,
    password: str,
    telegram_id: int,
    policy: LockoutPolicy = LockoutPolicy(),
    now: datetime | None = None,
) -> Binding:
    """Check the password (bcrypt, off the event loop) and bind this Telegram account."""
    now = now or utcnow()
    key = identifier.strip().casefold()
    member = await session.scalar(
        select(Member).where((Member.username_key == key) | (Member.email_key == key))
    )
    subjects = _subjects(telegram_id, member.id if member else None)
    until = await _locked_until(session, subjects, now)
    if until is not None:
        raise LockedOut(until)
    await session.commit()  # no transaction stays open across the slow hash check
    valid = member is not None and member.status == "active"
    if not await passwords.check_password(password, member.password_hash if valid else _DUMMY_HASH) or not valid:
        locked = await _record_failure(session, subjects, now, policy)
        if locked is not None:
            raise LockedOut(locked)
        raise InvalidInput("login-failed", "password")
    return await _bind(session, member.id, telegram_id)


async def _bind(session: AsyncSession, member_id: int, telegram_id: int) -> Binding:
    await begin_write(session)
    return await _bind_in_transaction(session, member_id, telegram_id)


async def _bind_in_transaction(session: AsyncSession, member_id: int, telegram_id: int) -> Binding:
    """Bind inside the caller's write transaction and commit; the loser of a race gets NotAllowed."""
    bound = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
    if bound is not None and bound != member_id:
        await session.rollback()
        raise NotAllowed("already-member")
    member = await session.get(Member, member_id, populate_existing=True)
    if member is None or member.status != "active":
        await session.rollback()
        raise NotAllowed("account-unavailable")
    previous = member.telegram_id if member.telegram_id != telegram_id else None
    member.telegram_id = telegram_id
    # The member context is looked up through the Telegram user's row: make sure it exists.
    await session.execute(
        upsert(session, TelegramUser).values(id=telegram_id, created_at=utcnow()).on_conflict_do_nothing(index_elements=["id"])
    )
    await session.commit()
    return Binding(member, previous)


async def logout(session: AsyncSession, telegram_id: int) -> bool:
    await begin_write(session)
    result = await session.execute(
        update(Member).where(Member.telegram_id == telegram_id).values(telegram_id=None)
    )
    await session.commit()
    return result.rowcount > 0


async def verify_password(
    session: AsyncSession,
    member_id: int,
    password: str,
    telegram_id: int,
    policy: LockoutPolicy = LockoutPolicy(),
    now: datetime | None = None,
) -> None:
    """Re-check a bound member's password (before changing it); failures count to the lockout."""
    now = now or utcnow()
    subjects = _subjects(telegram_id, member_id)
    until = await _locked_until(session, subjects, now)
    if until is not None:
        raise LockedOut(until)
    password_hash = await session.scalar(select(Member.password_hash).where(Member.id == member_id))
    await session.commit()
    if password_hash is None or not await passwords.check_password(password, password_hash):
        locked = await _record_failure(session, subjects, now, policy)
        if locked is not None:
            raise LockedOut(locked)
        raise InvalidInput("old-password-wrong", "password")


async def set_password(session: AsyncSession, member_id: int, new: str, rounds: int) -> None:
    username = await session.scalar(select(Member.username).where(Member.id == member_id))
    await session.commit()
    if username is None:
        raise NotAllowed("not-member")
    validation.password(new, username)
    new_hash = await passwords.hash_password(new, rounds)
    await begin_write(session)
    await session.execute(update(Member).where(Member.id == member_id).values(password_hash=new_hash))
    await session.commit()


async def prune_login_records(session: AsyncSession, policy: LockoutPolicy = LockoutPolicy(), now: datetime | None = None) -> int:
    """Failures older than the window and ended locks no longer count for anything."""
    now = now or utcnow()
    await begin_write(session)
    failures = await session.execute(delete(LoginFailure).where(LoginFailure.created_at <= now - policy.window))
    locks = await session.execute(delete(LoginLock).where(LoginLock.locked_until <= now))
    await session.commit()
    return failures.rowcount + locks.rowcount


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_link_token(session: AsyncSession, member_id: int, ttl: timedelta) -> str:
    """A one-time deep-link token (`/start link_<token>`); only its hash is stored."""
    token = secrets.token_urlsafe(24)
    await begin_write(session)
    session.add(LinkToken(token_hash=_token_hash(token), member_id=member_id, expires_at=utcnow() + ttl))
    await session.commit()
    return token


async def redeem_link_token(session: AsyncSession, token: str, telegram_id: int) -> Binding:
    """Use the token once: a conditional update claims it, so two presses cannot both bind."""
    now = utcnow()
    await begin_write(session)
    member_id = await session.scalar(
        update(LinkToken)
        .where(LinkToken.token_hash == _token_hash(token), LinkToken.used_at.is_(None), LinkToken.expires_at > now)
        .values(used_at=now)
        .returning(LinkToken.member_id)
    )
    if member_id is None:
        await session.rollback()
        raise NotAllowed("link-invalid")
    return await _bind_in_transaction(session, member_id, telegram_id)


async def create_account(
    session: AsyncSession, username: str, password: str, email: str, phone: str | None, rounds: int
) -> Member:
    """An account made outside Telegram (shop website, staff import), to be linked later."""
    username = validation.username(username)
    validation.password(password, username)
    email = validation.email(email)
    phone = validation.phone(phone) if phone else None
    password_hash = await passwords.hash_password(password, rounds)
    await begin_write(session)
    member = Member(
        username=username,
        username_key=username.casefold(),
        password_hash=password_hash,
        email=email,
        email_key=email.casefold(),
        phone=phone,
    )
    session.add(member)
    await flush_unique(session)
    await session.commit()
    return member


# Checked when the login name is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = "$2b$04$C6UzMDM.H6dfI/f/IKxGhuR6WhJ0jcqGpTnOT4xkO9T3I8nJRlWO."
