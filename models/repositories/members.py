"""Members and the Telegram users writing to the bot."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.database import insert_for
from models.members import Member, TelegramUser, format_member_no

# Columns carrying uniqueness: lower-cased copies give case-insensitive uniqueness on both databases.
UNIQUE_COLUMNS = {"username": "username_key", "email": "email_key", "phone": "phone"}


class Duplicate(Exception):
    """A unique column already holds the value (found at flush or commit time)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True, slots=True)
class MemberView:
    """What the bot shows and decides on; a snapshot, detached from any session."""

    id: int
    username: str | None
    email: str | None
    phone: str | None
    address: str | None
    birthday: date | None
    marketing_opt_in: bool
    tier: str
    points_available: int
    points_frozen: int
    status: str
    telegram_id: int | None
    created_at: datetime

    @property
    def member_no(self) -> str:
        return format_member_no(self.id)

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class Sender:
    """Who is writing: the language they chose (if any) and their member account (if any)."""

    language: str | None
    member: MemberView | None


@dataclass(frozen=True, slots=True)
class Credentials:
    member_id: int
    status: str
    password_hash: str
    username: str


_VIEW_COLUMNS = (
    Member.id, Member.username, Member.email, Member.phone, Member.address, Member.birthday,
    Member.marketing_opt_in, Member.tier, Member.points_available, Member.points_frozen, Member.status,
    Member.telegram_id, Member.created_at,
)
SENDER_COLUMNS = (TelegramUser.language, *_VIEW_COLUMNS)
_SENDER = select(*SENDER_COLUMNS).outerjoin(Member, Member.telegram_id == TelegramUser.id)


def member_view(row: Any) -> MemberView:
    return MemberView(*row)


def sender_from(row: Any) -> Sender:
    """A row of SENDER_COLUMNS; the member columns are all NULL when no member is bound."""
    return Sender(row[0], member_view(row[1:]) if row[1] is not None else None)


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    async def sender(self, telegram_id: int) -> Sender | None:
        """One query: the Telegram user's row and the member bound to it; None for a first contact."""
        row = (await self.session.execute(_SENDER.where(TelegramUser.id == telegram_id))).first()
        return sender_from(row) if row is not None else None

    async def remember_telegram_user(self, telegram_id: int, client_language: str | None = None) -> None:
        await self.session.execute(
            self._insert(TelegramUser)
            .values(id=telegram_id, client_language=client_language, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["id"])
        )

    async def set_language(self, telegram_id: int, language: str) -> None:
        await self.session.execute(update(TelegramUser).where(TelegramUser.id == telegram_id).values(language=language))

    async def language_of(self, telegram_id: int) -> str | None:
        """The language to write to this user in: their choice, else what their client reported."""
        row = (
            await self.session.execute(
                select(TelegramUser.language, TelegramUser.client_language).where(TelegramUser.id == telegram_id)
            )
        ).first()
        return (row[0] or row[1]) if row else None

    async def view(self, member_id: int) -> MemberView | None:
        row = (await self.session.execute(select(*_VIEW_COLUMNS).where(Member.id == member_id))).first()
        return member_view(row) if row else None

    async def id_by_telegram(self, telegram_id: int) -> int | None:
        return await self.session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))

    async def is_taken(self, field: str, key: str, exclude_member: int | None = None) -> bool:
        query = select(Member.id).where(getattr(Member, UNIQUE_COLUMNS[field]) == key)
        if exclude_member is not None:
            query = query.where(Member.id != exclude_member)
        return await self.session.scalar(query.limit(1)) is not None

    async def active_id(self, member_id: int) -> int | None:
        return await self.session.scalar(select(Member.id).where(Member.id == member_id, Member.status == "active"))

    async def add(self, **values: Any) -> int:
        """Insert a member; a taken username, e-mail, phone or Telegram id raises Duplicate."""
        member = Member(**values)
        self.session.add(member)
        await self._flush()
        return member.id

    async def update_fields(self, member_id: int, values: dict[str, Any]) -> bool:
        """Change columns of an active member; False when there is no such active member."""
        result = await self._guarded(
            update(Member).where(Member.id == member_id, Member.status == "active").values(**values)
        )
        return result.rowcount == 1

    async def credentials(self, login_key: str) -> Credentials | None:
        """The account a login name (username or e-mail, case-insensitive) belongs to."""
        row = (
            await self.session.execute(
                select(Member.id, Member.status, Member.password_hash, Member.username)
                .where((Member.username_key == login_key) | (Member.email_key == login_key))
            )
        ).first()
        return Credentials(*row) if row else None

    async def set_first_credentials(self, member_id: int, username: str, password_hash: str) -> bool:
        """Give an active member without a password a username and password; False if they have one."""
        result = await self._guarded(
            update(Member)
            .where(Member.id == member_id, Member.status == "active", Member.password_hash.is_(None))
            .values(username=username, username_key=username.casefold(), password_hash=password_hash)
        )
        return result.rowcount == 1

    async def credentials_of(self, member_id: int) -> Credentials | None:
        row = (
            await self.session.execute(
                select(Member.id, Member.status, Member.password_hash, Member.username).where(Member.id == member_id)
            )
        ).first()
        return Credentials(*row) if row else None

    async def bind_telegram(self, member_id: int, telegram_id: int) -> int | None:
        """Bind the account to this Telegram user; returns the Telegram id that lost the binding."""
        previous = await self.session.scalar(
            select(Member.telegram_id).where(Member.id == member_id).with_for_update()
        )
        await self._guarded(update(Member).where(Member.id == member_id).values(telegram_id=telegram_id))
        return previous if previous != telegram_id else None

    async def unbind_telegram(self, telegram_id: int) -> bool:
        result = await self.session.execute(
            update(Member).where(Member.telegram_id == telegram_id).values(telegram_id=None)
        )
        return result.rowcount > 0

    async def _flush(self) -> None:
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise _duplicate(error) from error

    async def _guarded(self, statement: Any) -> Any:
        try:
            return await self.session.execute(statement)
        except IntegrityError as error:
            raise _duplicate(error) from error


def _duplicate(error: IntegrityError) -> Exception:
    """Name the column a unique violation is about (the constraint names differ per database)."""
    message = str(error.orig)
    for field, column in UNIQUE_COLUMNS.items():
        if column in message or f"members.{field}" in message:
            return Duplicate(field)
    if "telegram_id" in message:
        return Duplicate("telegram_id")
    return error
