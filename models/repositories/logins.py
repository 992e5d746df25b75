"""Password-login bookkeeping: failed attempts, lockouts and one-time link tokens."""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.members import LinkToken, LoginFailure, LoginLock


class LoginRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def locked_until(self, subjects: list[str]) -> datetime | None:
        return await self.session.scalar(
            select(func.max(LoginLock.locked_until)).where(LoginLock.subject.in_(subjects))
        )

    async def add_failure(self, subject: str, now: datetime) -> None:
        self.session.add(LoginFailure(subject=subject, created_at=now))
        await self.session.flush()

    async def failures_since(self, subject: str, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count()).select_from(LoginFailure)
            .where(LoginFailure.subject == subject, LoginFailure.created_at > since)
        )
        return int(count or 0)

    async def last_failure(self, subject: str) -> datetime | None:
        return await self.session.scalar(select(func.max(LoginFailure.created_at)).where(LoginFailure.subject == subject))

    async def lock(self, subject: str, until: datetime) -> None:
        """Lock the subject and start its failure count again."""
        await self.session.execute(delete(LoginLock).where(LoginLock.subject == subject))
        self.session.add(LoginLock(subject=subject, locked_until=until))
        await self.session.execute(delete(LoginFailure).where(LoginFailure.subject == subject))
        await self.session.flush()

    async def prune(self, now: datetime, window: timedelta) -> int:
        """Failures older than the window and ended locks no longer count for anything."""
        failures = await self.session.execute(delete(LoginFailure).where(LoginFailure.created_at <= now - window))
        locks = await self.session.execute(delete(LoginLock).where(LoginLock.locked_until <= now))
        return failures.rowcount + locks.rowcount

    async def add_link_token(self, token_hash: str, member_id: int, expires_at: datetime) -> None:
        self.session.add(LinkToken(token_hash=token_hash, member_id=member_id, expires_at=expires_at))
        await self.session.flush()

    async def use_link_token(self, token_hash: str, now: datetime) -> int | None:
        """Claim an unused, unexpired token (a conditional update): its member id, or None."""
        return await self.session.scalar(
            update(LinkToken)
            .where(LinkToken.token_hash == token_hash, LinkToken.used_at.is_(None), LinkToken.expires_at > now)
            .values(used_at=now)
            .returning(LinkToken.member_id)
        )
