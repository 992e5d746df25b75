"""Two-person approval: a large adjustment waits for ANOTHER admin or an owner; self-approval, a replayed or
concurrent approval, an expired request and a since-revoked approver change nothing."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.callbacks import ApprovalAction, ApprovalCb
from bot.dispatcher import shop_policy
from models.approvals import ApprovalRequest
from models.base import utcnow
from models.members import Member
from models.points import PointsLedger
from models.staff import AuditRecord
from sandbox.emulator import SimUser
from services import accounts
from services.errors import NotAllowed
from services.policy import ShopPolicy
from services.staff import approvals, roles
from services.staff import points as staff_points
from services.staff.roles import Role
from services.unit_of_work import UnitOfWork
from tests.conftest import BotEnv, Probe, next_telegram_id, unique
from tests.test_admin_e2e import open_card, staff_user
from tests.test_e2e_registration import press_data
from tests.texts import ANY, says, shown, t

OWNER = 4_343_434
BOT_SETTINGS = {"background_jobs": False, "owner_ids": [OWNER], "approval_points_threshold": 1_000}


async def balance(probe: Probe, member_id: int) -> int:
    return await probe.scalar(select(Member.points_available).where(Member.id == member_id))


async def request_big_adjustment(bot_env: BotEnv, admin: SimUser, member_id: int, amount: str = "+5000") -> int:
    """The admin goes through the dialog; the answer says a request was opened."""
    card = await open_card(admin, member_id)
    await admin.press(card, t("admin-btn-adjust"))
    await admin.send(amount)
    await admin.expect_message()
    await admin.send("compensation for a lost parcel")
    confirm = await admin.expect_message()
    await admin.press(confirm, t("btn-confirm"))
    assert says(confirm.text, "admin-approval-requested", id=ANY, threshold=1000), admin.dump()
    return await bot_env.probe.scalar(select(ApprovalRequest.id).where(ApprovalRequest.member_id == member_id)
                                      .order_by(ApprovalRequest.id.desc()).limit(1))


@pytest.fixture
async def admins(bot_env: BotEnv) -> tuple[SimUser, SimUser]:
    bot_env.emulator.user(user_id=OWNER, first_name="Owner").open_chat()  # the owner is an approver too
    return await staff_user(bot_env, Role.admin), await staff_user(bot_env, Role.admin)


async def test_another_admin_approves_once_and_a_self_or_replayed_approval_does_nothing(
    bot_env: BotEnv, member: SimUser, admins: tuple[SimUser, SimUser],
) -> None:
    asker, approver = admins
    request_id = await request_big_adjustment(bot_env, asker, member.member_id)
    assert await balance(bot_env.probe, member.member_id) == 0
    notice = await approver.expect_message()
    assert shown("admin-approval-new") in notice.text
    own = ApprovalCb(action=ApprovalAction.approve, id=request_id).pack()
    assert await press_data(bot_env, asker, asker.messages[-1], own) == t("error-approval-self")
    assert await balance(bot_env.probe, member.member_id) == 0
    await approver.press(notice, t("admin-btn-approve", id=str(request_id)))
    assert shown("admin-approval-approved", id=str(request_id)) in notice.text
    assert await balance(bot_env.probe, member.member_id) == 5000
    told = await asker.expect_message()
    assert shown("admin-approval-approved-by", id=str(request_id), by=str(approver.id)) in told.text
    replay = await press_data(bot_env, approver, notice, own)
    assert replay == t("error-approval-decided", status="approved")
    assert await balance(bot_env.probe, member.member_id) == 5000
    rows = await bot_env.probe.rows(select(AuditRecord.action, AuditRecord.actor_id, AuditRecord.after)
                                    .where(AuditRecord.member_id == member.member_id).order_by(AuditRecord.id))
    assert [(action, actor) for action, actor, _ in rows] == [
        ("approval.request", asker.id), ("points.adjust", asker.id), ("approval.approve", approver.id)]
    assert rows[1][2]["approved_by"] == approver.id and rows[2][2]["decided_by"] == approver.id


async def test_a_rejected_request_changes_no_points(bot_env: BotEnv, member: SimUser,
                                                    admins: tuple[SimUser, SimUser]) -> None:
    asker, approver = admins
    request_id = await request_big_adjustment(bot_env, asker, member.member_id)
    notice = await approver.expect_message()
    await approver.press(notice, t("admin-btn-reject", id=str(request_id)))
    assert shown("admin-approval-rejected", id=str(request_id)) in notice.text
    assert shown("admin-approval-rejected-by", id=str(request_id), by=str(approver.id)) in (await asker.expect_message()).text
    assert await balance(bot_env.probe, member.member_id) == 0
    status = await bot_env.probe.scalar(select(ApprovalRequest.status).where(ApprovalRequest.id == request_id))
    assert status == "rejected"


async def test_an_expired_request_and_a_revoked_approver_are_refused(
    bot_env: BotEnv, member: SimUser, admins: tuple[SimUser, SimUser],
) -> None:
    asker, approver = admins
    expired = await request_big_adjustment(bot_env, asker, member.member_id)
    notice = await approver.expect_message()
    await bot_env.probe.write(update(ApprovalRequest).where(ApprovalRequest.id == expired)
                              .values(expires_at=utcnow() - timedelta(minutes=1)))
    assert await approver.press(notice, t("admin-btn-approve", id=str(expired))) == t("error-approval-expired")
    assert await bot_env.probe.scalar(select(ApprovalRequest.status).where(ApprovalRequest.id == expired)) == "expired"
    later = await request_big_adjustment(bot_env, asker, member.member_id)
    notice = await approver.expect_message()
    await roles.revoke(bot_env.uow(), shop_policy(bot_env.settings), OWNER, approver.id)
    assert await approver.press(notice, t("admin-btn-approve", id=str(later))) == t("button-expired")
    assert await bot_env.probe.scalar(select(ApprovalRequest.status).where(ApprovalRequest.id == later)) == "pending"
    assert await balance(bot_env.probe, member.member_id) == 0
    actions = await bot_env.probe.scalars(select(AuditRecord.action).where(AuditRecord.member_id == member.member_id)
                                          .order_by(AuditRecord.id))
    assert actions == ["approval.request", "approval.expire", "approval.request"]


# --- the service on both databases: concurrent approvals, the expiry job --------------------------

async def _member(uow: UnitOfWork) -> int:
    name = unique("m")
    return (await accounts.create_account(uow, name, "pass-word-1", f"{name}@example.com", None, rounds=4)).id


async def _setup(uow: UnitOfWork) -> tuple[ShopPolicy, int, int, int, int]:
    owner, asker, second = next_telegram_id(), next_telegram_id(), next_telegram_id()
    policy = ShopPolicy(owners=frozenset({owner}), approval_points_threshold=100)
    for admin in (asker, second):
        await roles.grant(uow, policy, owner, admin, Role.admin)
    member_id = await _member(uow)
    adjusted = await staff_points.adjust(uow, policy, asker, member_id, 700, "big goodwill", unique("k"))
    assert adjusted.posted is None and adjusted.request_id is not None
    return policy, owner, second, member_id, adjusted.request_id


async def test_two_approvers_at_once_carry_the_change_out_once(uow: UnitOfWork, probe: Probe, database) -> None:
    policy, owner, second, member_id, request_id = await _setup(uow)

    async def attempt(approver: int) -> str:
        try:
            return (await approvals.approve(UnitOfWork(database), policy, approver, request_id)).status
        except NotAllowed as error:
            return error.code

    outcomes = await asyncio.gather(attempt(owner), attempt(second), attempt(owner))
    assert sorted(outcomes) == ["approval-decided", "approval-decided", "approved"]
    assert await balance(probe, member_id) == 700
    entries = await probe.scalars(select(PointsLedger.amount).where(PointsLedger.member_id == member_id))
    assert entries == [700]


async def test_the_expiry_job_closes_old_requests_with_an_audit_row(uow: UnitOfWork, probe: Probe) -> None:
    policy, owner, _, member_id, request_id = await _setup(uow)
    assert await approvals.expire_due(uow, utcnow()) == 0
    assert await approvals.expire_due(uow, utcnow() + timedelta(hours=25)) >= 1
    assert await probe.scalar(select(ApprovalRequest.status).where(ApprovalRequest.id == request_id)) == "expired"
    with pytest.raises(NotAllowed):
        await approvals.approve(uow, policy, owner, request_id)
    assert await balance(probe, member_id) == 0
    actions = await probe.scalars(select(AuditRecord.action).where(AuditRecord.member_id == member_id)
                                  .order_by(AuditRecord.id))
    assert actions == ["approval.request", "approval.expire"]


async def test_the_pending_list_in_the_admin_menu_lets_an_approver_decide(
    bot_env: BotEnv, member: SimUser, admins: tuple[SimUser, SimUser],
) -> None:
    asker, approver = admins
    request_id = await request_big_adjustment(bot_env, asker, member.member_id, "-2000")
    await approver.expect_message()  # the notice
    await approver.send("/admin")
    menu = await approver.expect_message()
    await approver.press(menu, t("admin-btn-approvals"))
    assert f"#{request_id}" in menu.text and t("admin-btn-approve", id=str(request_id)) in menu.button_texts
    toast = await approver.press(menu, t("admin-btn-approve", id=str(request_id)))
    assert toast == t("error-points-insufficient", available=0, needed=2000)  # nothing to take: it stays pending
    status = await bot_env.probe.scalar(select(ApprovalRequest.status).where(ApprovalRequest.id == request_id))
    assert status == "pending" and await balance(bot_env.probe, member.member_id) == 0
    await approver.press(menu, t("admin-btn-reject", id=str(request_id)))
    assert shown("admin-approval-rejected", id=str(request_id)) in menu.text


async def test_a_request_whose_asker_lost_the_role_cannot_be_approved(uow: UnitOfWork, probe: Probe) -> None:
    policy, owner, second, member_id, request_id = await _setup(uow)
    asker = await probe.scalar(select(ApprovalRequest.requested_by).where(ApprovalRequest.id == request_id))
    await roles.revoke(uow, policy, owner, asker)
    with pytest.raises(NotAllowed) as refused:
        await approvals.approve(uow, policy, second, request_id)
    assert refused.value.code == "approval-requester-revoked"
    assert await balance(probe, member_id) == 0
    assert await probe.scalar(select(ApprovalRequest.status).where(ApprovalRequest.id == request_id)) == "pending"
    assert (await approvals.reject(uow, policy, second, request_id)).status == "rejected"


async def test_approvers_are_the_other_admins_and_owners_who_can_be_written_to(uow: UnitOfWork) -> None:
    policy, owner, second, _, request_id = await _setup(uow)
    request = await approvals.request_of(uow, request_id)
    assert await approvals.approvers(uow, policy, request.requested_by) == []  # nobody here ever wrote to the bot
    async with uow.write():
        for telegram_id in (owner, second, request.requested_by):
            await uow.members.remember_telegram_user(telegram_id)
        await uow.commit()
    assert await approvals.approvers(uow, policy, request.requested_by) == sorted([owner, second])


async def test_one_target_has_at_most_one_pending_request(uow: UnitOfWork, probe: Probe) -> None:
    """What a refund of a return request will use: pressing Approve twice opens one request."""
    policy, owner, second, member_id, _ = await _setup(uow)
    actor = roles.Actor(second, Role.admin)
    target = unique("return")
    async with uow.write():
        first = await approvals.open_in_uow(uow, actor, "order.refund", member_id, 90_000, "damaged", policy,
                                            utcnow(), target_id=target)
        again = await approvals.open_in_uow(uow, actor, "order.refund", member_id, 90_000, "damaged", policy,
                                            utcnow(), target_id=target)
        await uow.commit()
    assert first == again and approvals.needs_approval(policy, "order.refund", 90_000)
    assert not approvals.needs_approval(policy, "order.refund", policy.approval_refund_threshold)
    assert await probe.scalar(select(ApprovalRequest.status).where(ApprovalRequest.id == first)) == "pending"
