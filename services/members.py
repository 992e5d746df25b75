"""Member registration, profile edits and the per-update member context."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Member, TelegramUser
from models.base import utcnow
from models.db import begin_write
from models.members import parse_member_no
from services import passwords, points, validation
from services.errors import Conflict, InvalidInput, NotAllowed

UNIQUE_FIELDS = {"username": "username_key", "email": "email_key", "phone": "phone"}
EDITABLE_FIELDS = ("username", "email", "phone", "address", "birthday", "marketing")


@dataclass(slots=True)
class Registration:
    """A finished registration form; the password is already a bcrypt hash."""

    username: str
    password_hash: str
    email: str
    phone: str
    address: str | None = None
    birthday: date | None = None
    marketing_opt_in: bool = False
    referrer_code: str | None = None


async def load_context(session: AsyncSession, telegram_id: int) -> tuple[TelegramUser | None, Member | None]:
    """One query for who is writing: their Telegram record and the member bound to it."""
    row = (
        await session.execute(
            select(TelegramUser, Member)
            .outerjoin(Member, Member.telegram_id == TelegramUser.id)
            .where(TelegramUser.id == telegram_id)
        )
    ).first()
    if row is None:
        return None, None
    return row[0], row[1]


async def set_language(session: AsyncSession, telegram_id: int, language: str) -> None:
    await begin_write(session)
    await session.execute(update(TelegramUser).where(TelegramUser.id == telegram_id).values(language=language))
    await session.commit()


async def ensure_available(session: AsyncSession, field: str, value: str, exclude_member: int | None = None) -> None:
    """Raise Conflict when another member already uses this username, e-mail or phone."""
    column = getattr(Member, UNIQUE_FIELDS[field])
    key = value.casefold() if field != "phone" else value
    query = select(Member.id).where(column == key)
    if exclude_member is not None:
        query = query.where(Member.id != exclude_member)
    if await session.scalar(query.limit(1)) is not None:
        raise Conflict(f"{field}-taken", field)


async def register(
    session: AsyncSession, form: Registration, telegram_id: int, welcome_points: int, *, tz: ZoneInfo
) -> Member:
    """Create the member, bind this Telegram account and credit welcome points, all or nothing."""
    await begin_write(session)
    if await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id)):
        await session.rollback()
        raise NotAllowed("already-member")
    member = Member(
        username=form.username,
        username_key=form.username.casefold(),
        password_hash=form.password_hash,
        email=form.email,
        email_key=form.email.casefold(),
        phone=form.phone,
        address=form.address,
        birthday=form.birthday,
        marketing_opt_in=form.marketing_opt_in,
        privacy_accepted_at=utcnow(),
        referrer_id=await _referrer_id(session, form.referrer_code),
        telegram_id=telegram_id,
    )
    session.add(member)
    await flush_unique(session)
    if welcome_points > 0:
        await points.award(
            session, member.id, "welcome", welcome_points, key=f"welcome:{member.id}", reason="welcome", tz=tz
        )
    await session.commit()
    await session.refresh(member)  # the balances were set by SQL, not through this object
    return member


async def _referrer_id(session: AsyncSession, code: str | None) -> int | None:
    member_id = parse_member_no(code) if code else None
    if member_id is None:
        return None
    return await session.scalar(select(Member.id).where(Member.id == member_id, Member.status == "active"))


async def flush_unique(session: AsyncSession) -> None:
    """Flush, turning a unique violation found at commit time into the field's Conflict."""
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        message = str(exc.orig)
        for field, column in UNIQUE_FIELDS.items():
            if column in message or f"members.{field}" in message:
                raise Conflict(f"{field}-taken", field) from exc
        if "telegram_id" in message:
            raise NotAllowed("already-member") from exc
        raise


async def update_profile(session: AsyncSession, member_id: int, field: str, value: object) -> Member:
    """Change one profile field (already validated and normalised by the caller)."""
    if field not in EDITABLE_FIELDS:
        raise InvalidInput("field-unknown", field)
    await begin_write(session)
    member = await session.get(Member, member_id, populate_existing=True)
    if member is None or member.status != "active":
        await session.rollback()
        raise NotAllowed("not-member")
    if field == "username":
        member.username, member.username_key = str(value), str(value).casefold()
    elif field == "email":
        member.email, member.email_key = str(value), str(value).casefold()
    elif field == "marketing":
        member.marketing_opt_in = bool(value)
    else:
        setattr(member, field, value)
    await flush_unique(session)
    await session.commit()
    return member


async def registration_username(session: AsyncSession, raw: str, password_hash: str | None) -> str:
    """A username for a registration form, which may already hold a password (editing from the summary)."""
    username = validation.username(raw)
    await ensure_available(session, "username", username)
    if password_hash and await passwords.check_password(username, password_hash):
        raise InvalidInput("password-is-username", "username")
    return username


async def registration_password(raw: str, username: str | None, rounds: int) -> str:
    """Check the rules and return the bcrypt hash; only the hash is kept in the dialog state."""
    validation.password(raw, username)
    return await passwords.hash_password(raw, rounds)


async def validate_field(session: AsyncSession, field: str, raw: str, today: date, member_id: int | None = None) -> object:
    """Validate and normalise one typed field, including its uniqueness."""
    if field == "username":
        value: object = validation.username(raw)
    elif field == "email":
        value = validation.email(raw)
    elif field == "phone":
        value = validation.phone(raw)
    elif field == "address":
        value = validation.address(raw)
    elif field == "birthday":
        value = validation.birthday(raw, today)
    else:
        raise InvalidInput("field-unknown", field)
    if field in UNIQUE_FIELDS:
        await ensure_available(session, field, str(value), exclude_member=member_id)
    return value
