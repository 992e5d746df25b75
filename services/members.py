"""Member registration, profile edits, languages, and who is writing to the bot."""

from dataclasses import dataclass
from datetime import date

from models.base import utcnow
from models.members import format_member_no, parse_member_no
from models.repositories.ledger import Entry
from models.repositories.members import Duplicate, MemberView, Sender
from services import abuse, coupons, passwords, validation
from services.errors import Conflict, InvalidInput, NotAllowed
from services.points import postings
from services.points.rules import expiry_for
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

UNIQUE_FIELDS = ("username", "email", "phone")
EDITABLE_FIELDS = ("username", "email", "phone", "address", "birthday", "marketing")
# The "complete your profile" card asks these, one at a time; all three earn the one-time reward.
PROFILE_FIELDS = ("email", "address", "birthday")


def member_no(member_id: int) -> str:
    """The number a member is known by ("M000042"), for screens that hold only the id."""
    return format_member_no(member_id)


def missing_profile_fields(member: MemberView) -> list[str]:
    return [field for field in PROFILE_FIELDS if getattr(member, field) in (None, "")]


@dataclass(slots=True)
class Registration:
    """A finished registration form; the password is already a bcrypt hash.

    Quick join fills only the phone (and the consents); full registration fills everything.
    """

    username: str | None = None
    password_hash: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    birthday: date | None = None
    marketing_opt_in: bool = False
    referrer_code: str | None = None


async def identify(uow: UnitOfWork, telegram_id: int, client_language: str | None = None) -> Sender:
    """Who is writing; a first-time Telegram user gets their row, with the language their client reported."""
    async with uow.read(snapshot=False):
        sender = await uow.members.sender(telegram_id)
        if sender is None:
            await uow.members.remember_telegram_user(telegram_id, client_language)
            await uow.commit()
            sender = Sender(None, None)
    return sender


async def language_of(uow: UnitOfWork, telegram_id: int) -> str | None:
    async with uow.read():
        return await uow.members.language_of(telegram_id)


async def set_language(uow: UnitOfWork, telegram_id: int, language: str) -> None:
    async with uow.write():
        await uow.members.set_language(telegram_id, language)
        await uow.commit()


def unique_key(field: str, value: str) -> str:
    """Usernames and e-mails are unique whatever their case; phone numbers are already E.164."""
    return value if field == "phone" else value.casefold()


async def ensure_available(uow: UnitOfWork, field: str, value: str, exclude_member: int | None = None) -> None:
    """Raise Conflict when another member already uses this username, e-mail or phone."""
    async with uow.read():
        taken = await uow.members.is_taken(field, unique_key(field, value), exclude_member)
    if taken:
        raise Conflict(f"{field}-taken", field)


async def register(uow: UnitOfWork, form: Registration, telegram_id: int, policy: ShopPolicy) -> MemberView:
    """Create the member, bind this Telegram account and credit welcome points, all or nothing."""
    now = utcnow()
    async with uow.write():
        if await uow.members.id_by_telegram(telegram_id) is not None:
            raise NotAllowed("already-member")
        referrer_id = parse_member_no(form.referrer_code) if form.referrer_code else None
        try:
            member_id = await uow.members.add(
                username=form.username, username_key=_key(form.username), password_hash=form.password_hash,
                email=form.email, email_key=_key(form.email), phone=form.phone, address=form.address,
                birthday=form.birthday, marketing_opt_in=form.marketing_opt_in, privacy_accepted_at=now,
                referrer_id=await uow.members.active_id(referrer_id) if referrer_id else None,
                telegram_id=telegram_id,
            )
        except Duplicate as duplicate:
            raise _conflict(duplicate) from duplicate
        if policy.welcome_points > 0:
            entry = Entry(member_id, "welcome", 0, 0, f"welcome:{member_id}", reason="welcome")
            expires = expiry_for(now, policy.tz)
            await uow.ledger.run(lambda ledger: postings.credit(ledger, entry, policy.welcome_points, now, expires))
        if policy.welcome_coupon:
            await coupons.issue_in_open_uow(uow, policy.welcome_coupon, member_id, now)
        member = await uow.members.view(member_id)
        await uow.commit()
    return member


def _key(value: str | None) -> str | None:
    return value.casefold() if value else None


def _conflict(duplicate: Duplicate) -> Exception:
    if duplicate.field == "telegram_id":
        return NotAllowed("already-member")
    return Conflict(f"{duplicate.field}-taken", duplicate.field)


async def update_profile(uow: UnitOfWork, member_id: int, field: str, value: object) -> MemberView:
    """Change one profile field (already validated and normalised by the caller)."""
    if field not in EDITABLE_FIELDS:
        raise InvalidInput("field-unknown", field)
    values: dict[str, object] = {field: value}
    if field in ("username", "email"):
        values[f"{field}_key"] = unique_key(field, str(value))
    elif field == "marketing":
        values = {"marketing_opt_in": bool(value)}
    async with uow.write():
        before = await uow.members.view(member_id) if field == "birthday" else None
        member = await _save_fields(uow, member_id, values)
        if before is not None:
            await abuse.note_birthday_change(uow, member_id, before.birthday, member.birthday, utcnow())
        await uow.commit()
    return member


async def _save_fields(uow: UnitOfWork, member_id: int, values: dict[str, object]) -> MemberView:
    """Inside an open unit of work: change an active member's columns; a taken value is a Conflict."""
    try:
        changed = await uow.members.update_fields(member_id, values)
    except Duplicate as duplicate:
        raise _conflict(duplicate) from duplicate
    if not changed:
        raise NotAllowed("not-member")
    return await uow.members.view(member_id)


async def complete_profile_field(
    uow: UnitOfWork, member_id: int, field: str, value: object, policy: ShopPolicy
) -> tuple[MemberView, int]:
    """Save one field of the profile card; when the card is complete, credit the reward once.

    Returns the member and the points credited now (0 when the card is not complete yet, there is
    no reward, or it was credited before: the ledger key `profile:<member_id>` makes it once).
    """
    if field not in PROFILE_FIELDS:
        raise InvalidInput("field-unknown", field)
    values: dict[str, object] = {field: value}
    if field == "email":
        values["email_key"] = unique_key(field, str(value))
    now = utcnow()
    rewarded = 0
    async with uow.write():
        before = await uow.members.view(member_id) if field == "birthday" else None
        member = await _save_fields(uow, member_id, values)
        if before is not None:
            await abuse.note_birthday_change(uow, member_id, before.birthday, member.birthday, now)
        if not missing_profile_fields(member) and policy.profile_reward_points > 0:
            entry = Entry(member_id, "profile", 0, 0, f"profile:{member_id}", reason="profile")
            expires = expiry_for(now, policy.tz)
            posted = await uow.ledger.run(
                lambda ledger: postings.credit(ledger, entry, policy.profile_reward_points, now, expires)
            )
            if posted.created:
                rewarded = policy.profile_reward_points
                member = await uow.members.view(member_id)
        await uow.commit()
    return member, rewarded


async def set_website_login(uow: UnitOfWork, member_id: int, raw_username: str, password: str, rounds: int) -> MemberView:
    """A quick-join member chooses a username and password for the shop website (bcrypt outside the transaction)."""
    username = validation.username(raw_username)
    validation.password(password, username)
    password_hash = await passwords.hash_password(password, rounds)
    async with uow.write():
        try:
            changed = await uow.members.set_first_credentials(member_id, username, password_hash)
        except Duplicate as duplicate:
            raise _conflict(duplicate) from duplicate
        if not changed:
            raise NotAllowed("password-already-set")
        member = await uow.members.view(member_id)
        await uow.commit()
    return member


async def registration_username(uow: UnitOfWork, raw: str, password_hash: str | None) -> str:
    """A username for a registration form, which may already hold a password (editing from the summary)."""
    username = validation.username(raw)
    await ensure_available(uow, "username", username)
    if password_hash and await passwords.check_password(username, password_hash):
        raise InvalidInput("password-is-username", "username")
    return username


async def registration_password(raw: str, username: str | None, rounds: int) -> str:
    """Check the rules and return the bcrypt hash; only the hash is kept in the dialog state."""
    validation.password(raw, username)
    return await passwords.hash_password(raw, rounds)


async def validate_field(
    uow: UnitOfWork, field: str, raw: str, today: date, member_id: int | None = None
) -> object:
    """Validate and normalise one typed field, including its uniqueness."""
    rules = {
        "username": validation.username, "email": validation.email, "phone": validation.phone,
        "address": validation.address,
    }
    if field == "birthday":
        return validation.birthday(raw, today)
    if field not in rules:
        raise InvalidInput("field-unknown", field)
    value = rules[field](raw)
    if field in UNIQUE_FIELDS:
        await ensure_available(uow, field, value, exclude_member=member_id)
    return value


async def set_marketing(uow: UnitOfWork, member_id: int, on: bool) -> MemberView:
    """Marketing messages on or off, at once: /subscribe, /unsubscribe, the profile switch and the
    button under every marketing message all come here."""
    return await update_profile(uow, member_id, "marketing", on)
