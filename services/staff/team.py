"""The owners' staff list: who holds which role, and whom a typed id or member number names."""

from dataclasses import dataclass

from models.members import parse_member_no
from models.repositories.staff import StaffGrant
from services.errors import InvalidInput, NotFound
from services.policy import ShopPolicy
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork

TELEGRAM_ID_MAX = 2**52  # Telegram ids fit in 52 bits


@dataclass(frozen=True, slots=True)
class StaffMember:
    telegram_id: int
    role: Role
    member_no: str | None  # when the staff user is also a member


def member_number(text: str | None) -> int | None:
    """"M000123" or "123" → 123; anything else None."""
    text = (text or "").strip()
    number = parse_member_no(text)
    if number is None and text.isdigit() and len(text) < 16:
        number = int(text)
    return number


async def roster(uow: UnitOfWork, policy: ShopPolicy, owner_id: int) -> list[StaffMember]:
    """Owners (configured) first, then granted roles in the order they were granted."""
    async with uow.read():
        await require(uow, policy, owner_id, Role.owner)
        grants: list[StaffGrant] = await uow.staff.grants()
        people = [(telegram_id, Role.owner) for telegram_id in sorted(policy.owners)]
        people += [(grant.telegram_id, Role(grant.role)) for grant in grants]
        found = []
        for telegram_id, role in people:
            member_id = await uow.members.id_by_telegram(telegram_id)
            found.append(StaffMember(telegram_id, role, (await uow.members.view(member_id)).member_no
                                     if member_id else None))
    return found


async def resolve(uow: UnitOfWork, policy: ShopPolicy, owner_id: int, text: str) -> int:
    """A Telegram id, or a member number → that member's Telegram id; they must have written to the bot."""
    text = (text or "").strip()
    number = parse_member_no(text)
    if number is None and not text.isdigit():
        raise InvalidInput("staff-id-invalid")
    async with uow.read():
        await require(uow, policy, owner_id, Role.owner)
        if number is not None:
            member = await uow.members.view(number)
            if member is None or member.telegram_id is None:
                raise NotFound("staff-user-unknown")
            return member.telegram_id
        telegram_id = int(text)
        if telegram_id > TELEGRAM_ID_MAX or not await _known(uow, telegram_id):
            raise NotFound("staff-user-unknown")
    return telegram_id


async def _known(uow: UnitOfWork, telegram_id: int) -> bool:
    return await uow.members.sender(telegram_id) is not None


async def known_chats(uow: UnitOfWork, policy: ShopPolicy) -> list[tuple[int, Role, str | None]]:
    """Every staff chat the bot may write to (the user wrote first), with its role and language: startup menus."""
    async with uow.read():
        people = {telegram_id: Role.owner for telegram_id in policy.owners}
        for grant in await uow.staff.grants():
            people.setdefault(grant.telegram_id, Role(grant.role))
        found = []
        for telegram_id, role in sorted(people.items()):
            if await uow.members.sender(telegram_id) is not None:
                found.append((telegram_id, role, await uow.members.language_of(telegram_id)))
    return found
