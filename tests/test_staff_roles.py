"""Staff roles and the audit log on SQLite and PostgreSQL: owners grant and revoke, nobody else can."""

import pytest
from sqlalchemy import select

from models.staff import AuditRecord, StaffRole
from services.errors import InvalidInput
from services.policy import ShopPolicy
from services.staff import audit, roles
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, next_telegram_id


@pytest.fixture
def owner() -> int:
    return next_telegram_id()


@pytest.fixture
def policy(owner: int) -> ShopPolicy:
    return ShopPolicy(owners=frozenset({owner}))


async def audit_rows(probe: Probe, target: int) -> list[tuple[str, int | None]]:
    rows = await probe.rows(
        select(AuditRecord.action, AuditRecord.actor_id).where(AuditRecord.target_id == str(target)).order_by(AuditRecord.id)
    )
    return [tuple(row) for row in rows]


async def test_an_owner_grants_and_revokes_and_each_change_is_audited(
    uow: UnitOfWork, probe: Probe, policy: ShopPolicy, owner: int,
) -> None:
    staff = next_telegram_id()
    assert await roles.current_role(uow, policy, staff) is None
    assert await roles.grant(uow, policy, owner, staff, Role.operator) is None
    assert await roles.current_role(uow, policy, staff) is Role.operator
    assert await roles.grant(uow, policy, owner, staff, Role.admin) is Role.operator
    assert await roles.current_role(uow, policy, staff) is Role.admin
    assert await roles.revoke(uow, policy, owner, staff) is Role.admin
    assert await roles.current_role(uow, policy, staff) is None
    assert await roles.revoke(uow, policy, owner, staff) is None  # nothing to revoke: nothing written
    assert await audit_rows(probe, staff) == [("staff.grant", owner), ("staff.grant", owner), ("staff.revoke", owner)]


async def test_only_owners_manage_staff_and_a_refusal_changes_nothing(
    uow: UnitOfWork, probe: Probe, policy: ShopPolicy, owner: int,
) -> None:
    admin, target = next_telegram_id(), next_telegram_id()
    await roles.grant(uow, policy, owner, admin, Role.admin)
    with pytest.raises(StaffOnly):
        await roles.grant(uow, policy, admin, target, Role.operator)
    with pytest.raises(StaffOnly):
        await roles.revoke(uow, policy, target, admin)
    with pytest.raises(InvalidInput):
        await roles.grant(uow, policy, owner, owner, Role.admin)  # an owner's rights come from configuration
    assert await probe.scalars(select(StaffRole.role).where(StaffRole.telegram_id.in_([admin, target]))) == ["admin"]
    assert await audit_rows(probe, target) == []


async def test_a_revoked_role_fails_the_very_next_check(uow: UnitOfWork, policy: ShopPolicy, owner: int) -> None:
    operator = next_telegram_id()
    await roles.grant(uow, policy, owner, operator, Role.operator)
    async with uow.read():
        assert (await roles.require(uow, policy, operator, Role.operator)).role is Role.operator
        with pytest.raises(StaffOnly):
            await roles.require(uow, policy, operator, Role.admin)
    await roles.revoke(uow, policy, owner, operator)
    async with uow.read():
        with pytest.raises(StaffOnly):
            await roles.require(uow, policy, operator, Role.operator)


async def test_the_audit_browser_filters_by_staff_and_action_newest_first(
    uow: UnitOfWork, policy: ShopPolicy, owner: int,
) -> None:
    first, second = next_telegram_id(), next_telegram_id()
    await roles.grant(uow, policy, owner, first, Role.operator)
    await roles.grant(uow, policy, owner, second, Role.admin)
    await roles.revoke(uow, policy, owner, first)
    page = await audit.page(uow, audit.AuditFilter(actor_id=owner), 0, size=2)
    assert [(e.action, e.target_id) for e in page.items] == [("staff.revoke", str(first)), ("staff.grant", str(second))]
    assert page.pages == 2 and page.has_next
    revokes = await audit.page(uow, audit.AuditFilter(actor_id=owner, action="staff.revoke"), 5)
    assert [e.after for e in revokes.items] == [{"role": None}] and revokes.page == 0
