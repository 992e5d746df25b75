"""/admin through the fake Telegram, per role: what each may do works and leaves an audit row; what it may
not do (forged buttons included) is refused and changes nothing; a revoked role stops at the next update."""

import pytest
from sqlalchemy import func, select

from bot import replies

from bot.callbacks import AdminAction, AdminCb, ApprovalAction, ApprovalCb, CampaignAction, CampaignCb
from bot.dispatcher import shop_policy
from models.coupons import Coupon, CouponCampaign
from models.members import Member
from models.staff import AuditRecord
from sandbox.emulator import SimUser
from services import points
from services.staff import roles
from services.staff.roles import Role
from tests.conftest import BotEnv, unique
from tests.test_e2e_registration import press_data
from tests.texts import ANY, says, shown, t

OWNER = 4_343_434
BOT_SETTINGS = {"background_jobs": False, "owner_ids": [OWNER], "approval_points_threshold": 1_000}


@pytest.fixture
def owner(bot_env: BotEnv) -> SimUser:
    """The configured owner, who has written to the bot. The owner's chat id is the same on both databases'
    emulators, so this process forgets what it showed there on the other database's run."""
    for key in [key for key in replies._SHOWN if key[0] == OWNER]:
        del replies._SHOWN[key]
    person = bot_env.emulator.user(user_id=OWNER, first_name="Owner", language_code="zh-hans")
    person.open_chat()
    return person


async def staff_user(bot_env: BotEnv, role: Role) -> SimUser:
    """A Telegram user who wrote to the bot and was given `role` by the owner."""
    person = bot_env.new_user()
    await person.send("/start")
    await person.expect_message()
    await roles.grant(bot_env.uow(), shop_policy(bot_env.settings), OWNER, person.id, role)
    return person


async def member_row(bot_env: BotEnv, member_id: int) -> tuple[int, int, str]:
    rows = await bot_env.probe.rows(
        select(Member.points_available, Member.points_frozen, Member.status).where(Member.id == member_id))
    return rows[0]


async def audit_of(bot_env: BotEnv, member_id: int) -> list[tuple[str, int | None]]:
    rows = await bot_env.probe.rows(select(AuditRecord.action, AuditRecord.actor_id)
                                    .where(AuditRecord.member_id == member_id).order_by(AuditRecord.id))
    return [tuple(row) for row in rows]


async def open_card(staff: SimUser, member_id: int):
    """/admin → Find a member → the member number → the card (a new message)."""
    await staff.send("/admin")
    menu = await staff.expect_message()
    await staff.press(menu, t("admin-btn-find"))
    assert shown("admin-find-ask") in menu.text
    await staff.send(f"M{member_id:06d}")
    card = await staff.expect_message()
    assert says(card.text, "admin-card", number=f"M{member_id:06d}", username=ANY, status=ANY, phone=ANY, email=ANY,
                telegram=ANY, tier=ANY, joined=ANY, available=ANY, frozen=ANY, coupons=ANY), staff.dump()
    return card


async def test_an_admin_adjusts_points_with_a_mandatory_reason_and_confirm(bot_env: BotEnv, member: SimUser) -> None:
    admin = await staff_user(bot_env, Role.admin)
    card = await open_card(admin, member.member_id)
    await admin.press(card, t("admin-btn-adjust"))
    assert shown("admin-adjust-ask") in card.text
    await admin.send("lots")
    again = await admin.expect_message()
    assert shown("error-admin-amount-invalid") in again.text  # bad input: told why, asked again
    await admin.send("+300")
    ask_reason = await admin.expect_message()
    assert shown("admin-reason-ask") in ask_reason.text
    await admin.send("   ")
    assert shown("error-points-reason-required") in (await admin.expect_message()).text
    await admin.send("goodwill <b>gift</b>")
    confirm = await admin.expect_message()
    assert shown("admin-adjust-confirm", amount=300, reason="goodwill <b>gift</b>") in confirm.text
    assert await member_row(bot_env, member.member_id) == (0, 0, "active")  # nothing before the confirm
    await admin.press(confirm, t("btn-confirm"))
    assert shown("admin-adjusted", amount="+300") in confirm.text
    assert await member_row(bot_env, member.member_id) == (300, 0, "active")
    toast = await press_data(bot_env, admin, confirm, AdminCb(action=AdminAction.confirm, id=member.member_id).pack())
    assert toast == t("button-expired")  # a replayed confirm: the dialog is over, nothing posted twice
    assert await member_row(bot_env, member.member_id) == (300, 0, "active")
    record = await bot_env.probe.rows(select(AuditRecord.before, AuditRecord.after, AuditRecord.reason)
                                      .where(AuditRecord.member_id == member.member_id))
    assert record == [({"available": 0, "frozen": 0}, {"available": 300, "frozen": 0, "amount": 300},
                       "goodwill <b>gift</b>")]


async def test_freeze_unfreeze_and_revoke_an_entry_each_leave_an_audit_row(bot_env: BotEnv, member: SimUser) -> None:
    entry = await points.adjust(bot_env.uow(), member.member_id, 500, unique("seed"), reason="seed",
                                tz=bot_env.settings.tz)
    admin = await staff_user(bot_env, Role.admin)
    card = await open_card(admin, member.member_id)
    steps = (("admin-btn-freeze", "200", (300, 200)), ("admin-btn-unfreeze", "50", (350, 150)))
    for button, amount, expected in steps:
        await admin.press(card, t(button))
        await admin.send(amount)
        await admin.expect_message()
        await admin.send("dispute")
        confirm = await admin.expect_message()
        await admin.press(confirm, t("btn-confirm"))
        assert (await member_row(bot_env, member.member_id))[:2] == expected
        card = confirm
    await admin.press(card, t("admin-btn-revoke"))
    assert shown("admin-entries") in card.text
    await admin.press(card, t("admin-btn-revoke-entry", id=str(entry.entry_id)))
    await admin.send("entered by mistake")
    confirm = await admin.expect_message()
    await admin.press(confirm, t("btn-confirm"))
    assert shown("admin-revoked", entry=str(entry.entry_id)) in confirm.text
    assert (await member_row(bot_env, member.member_id))[:2] == (0, 0)  # the whole lot, frozen part too
    actions = [action for action, _ in await audit_of(bot_env, member.member_id)]
    assert actions == ["points.freeze", "points.unfreeze", "points.revoke"]


async def test_block_refuses_everything_politely_until_unblocked(bot_env: BotEnv, member: SimUser) -> None:
    admin = await staff_user(bot_env, Role.admin)
    card = await open_card(admin, member.member_id)
    assert await admin.press(card, t("admin-btn-block")) == t("admin-blocked")
    assert says(card.text, "admin-card", number=ANY, username=ANY, status=t("admin-status-blocked"), phone=ANY,
                email=ANY, telegram=ANY, tier=ANY, joined=ANY, available=ANY, frozen=ANY, coupons=ANY)
    await member.send("/points")
    assert (await member.expect_message()).text == shown("member-blocked")
    await member.send("/start")
    screen = await member.expect_message()
    assert screen.text == shown("member-blocked") and not screen.inline_buttons
    assert await admin.press(card, t("admin-btn-unblock")) == t("admin-unblocked")
    await member.send("/points")
    assert shown("member-blocked") not in (await member.expect_message()).text
    assert await audit_of(bot_env, member.member_id) == [("member.block", admin.id), ("member.unblock", admin.id)]


async def test_an_operator_looks_up_but_cannot_change_even_with_forged_buttons(
    bot_env: BotEnv, member: SimUser,
) -> None:
    operator = await staff_user(bot_env, Role.operator)
    await operator.send("/admin")
    menu = await operator.expect_message()
    assert menu.button_texts == [t("admin-btn-find"), t("admin-btn-tickets"), t("admin-btn-orders")]
    await operator.press(menu, t("admin-btn-tickets"))  # the support desk's queue, in the same message
    assert says(menu.text, "desk-queue", count=ANY, page=ANY, pages=ANY) or menu.text == shown("desk-queue-empty")
    await operator.send("/admin")
    menu = await operator.expect_message()
    card = await open_card(operator, member.member_id)
    assert t("admin-btn-adjust") not in card.button_texts and t("admin-btn-block") not in card.button_texts
    member_id = member.member_id
    forged = [AdminCb(action=AdminAction.block, id=member_id), AdminCb(action=AdminAction.adjust, id=member_id),
              AdminCb(action=AdminAction.link, id=member_id), AdminCb(action=AdminAction.issue, id=member_id, ref=1),
              CampaignCb(action=CampaignAction.new), ApprovalCb(action=ApprovalAction.approve, id=1)]
    for data in forged:
        assert await press_data(bot_env, operator, card, data.pack()) == t("button-expired"), data
    await operator.send("/staff")
    assert says((await operator.expect_message()).text, "unknown-command")
    assert await member_row(bot_env, member.member_id) == (0, 0, "active")
    assert await audit_of(bot_env, member.member_id) == []


async def test_a_member_gets_the_unknown_command_answer_and_forged_staff_buttons_do_nothing(
    bot_env: BotEnv, member: SimUser, user: SimUser,
) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    for command in ("/admin", "/staff", "/audit"):
        await member.send(command)
        assert says((await member.expect_message()).text, "unknown-command")
    forged = (AdminCb(action=AdminAction.block, id=member.member_id), AdminCb(action=AdminAction.card, id=member.member_id),
              ApprovalCb(action=ApprovalAction.approve, id=1), CampaignCb(action=CampaignAction.pause, id=1))
    for data in forged:
        assert await press_data(bot_env, user, welcome, data.pack()) == t("button-expired")
    assert await member_row(bot_env, member.member_id) == (0, 0, "active")
    assert await audit_of(bot_env, member.member_id) == []


async def test_a_revoked_admin_is_refused_on_the_very_next_press(bot_env: BotEnv, member: SimUser) -> None:
    admin = await staff_user(bot_env, Role.admin)
    card = await open_card(admin, member.member_id)
    await roles.revoke(bot_env.uow(), shop_policy(bot_env.settings), OWNER, admin.id)
    assert await admin.press(card, t("admin-btn-block")) == t("button-expired")
    assert await member_row(bot_env, member.member_id) == (0, 0, "active")
    await admin.send("/admin")
    assert says((await admin.expect_message()).text, "unknown-command")


async def test_issue_a_coupon_and_a_login_link(bot_env: BotEnv, member: SimUser) -> None:
    from services.coupons import CampaignSpec, create_campaign

    name = unique("券")
    campaign_id = await create_campaign(bot_env.uow(), CampaignSpec(code=unique("c"), name_zh=name, name_en=name,
                                        kind="amount_off", amount_off=500, channel="staff", valid_days=30))
    admin = await staff_user(bot_env, Role.admin)
    card = await open_card(admin, member.member_id)
    await admin.press(card, t("admin-btn-issue"))
    pick = next(text for text in card.button_texts if name in text)
    await admin.press(card, pick)
    assert "✅" in card.text
    held = await bot_env.probe.scalars(select(Coupon.campaign_id).where(Coupon.member_id == member.member_id))
    assert held == [campaign_id]
    await admin.press(card, t("admin-btn-link"))
    link = await admin.expect_message()
    assert "start=link_" in link.text
    assert [action for action, _ in await audit_of(bot_env, member.member_id)] == ["coupon.issue", "member.link"]


async def test_the_campaign_wizard_asks_every_field_and_bad_answers_are_asked_again(bot_env: BotEnv) -> None:
    admin = await staff_user(bot_env, Role.admin)
    await admin.send("/admin")
    screen = await admin.expect_message()
    await admin.press(screen, t("admin-btn-campaigns"))
    await admin.press(screen, t("admin-btn-campaign-new"))
    assert shown("admin-cw-code") in screen.text
    code = unique("w")
    answers = [("not a code!", "error-admin-cw-code-invalid"), (code, "admin-cw-name_zh"), ("春季券", "admin-cw-name_en"),
               ("Spring", "admin-cw-kind")]
    for text, expected in answers:
        await admin.send(text)
        assert shown(expected, currency="CNY") in (await admin.expect_message()).text
    prompt = admin.messages[-1]
    await admin.press(prompt, t("admin-cw-choice-amount_off"))
    await admin.press(prompt, t("admin-cw-choice-claimable"))
    assert shown("admin-cw-amount_off", currency="CNY") in prompt.text
    for text, expected in [("ten", "error-admin-cw-money-invalid"), ("9.90", "admin-cw-min_spend")]:
        await admin.send(text)
        assert shown(expected, currency="CNY") in (await admin.expect_message()).text
    for _ in range(3):  # min spend, first day, last day: skipped
        await admin.press(admin.messages[-1], t("btn-skip"))
    assert await admin.press(admin.messages[-1], t("btn-skip")) == t("error-admin-cw-needs-end")
    for text in ("30", "100"):  # days valid, stock
        await admin.send(text)
        await admin.expect_message()
    prompt = admin.messages[-1]
    await admin.press(prompt, t("btn-skip"))  # per member: 1
    await admin.press(prompt, t("btn-skip"))  # any tier
    await admin.press(prompt, t("admin-cw-choice-yes"))
    assert shown("admin-cw-review") in prompt.text
    await admin.press(prompt, t("admin-btn-create"))
    assert says(prompt.text, "admin-campaign-line", name="春季券", code=code, channel=ANY, claimed=0, used=0, stock=100,
                state=t("admin-campaign-active"))
    stored = await bot_env.probe.rows(select(CouponCampaign.amount_off, CouponCampaign.valid_days, CouponCampaign.stock,
                                             CouponCampaign.active).where(CouponCampaign.code == code))
    assert stored == [(990, 30, 100, True)]
    await admin.press(prompt, t("admin-btn-pause", code=code))
    assert await bot_env.probe.scalar(select(CouponCampaign.active).where(CouponCampaign.code == code)) is False
    campaign_id = await bot_env.probe.scalar(select(CouponCampaign.id).where(CouponCampaign.code == code))
    actions = await bot_env.probe.scalars(select(AuditRecord.action).where(AuditRecord.target_type == "campaign",
                                                                          AuditRecord.target_id == str(campaign_id)))
    assert actions == ["campaign.create", "campaign.pause"]


async def test_the_owner_grants_and_revokes_in_the_bot_and_the_command_menu_follows(bot_env: BotEnv, owner: SimUser) -> None:
    await owner.send("/start")
    await owner.expect_message()
    person = bot_env.new_user()
    await person.send("/start")
    await person.expect_message()
    await owner.send("/staff")
    roster = await owner.expect_message()
    await owner.press(roster, t("staff-btn-add-admin"))
    await owner.send("12345x")
    assert shown("error-staff-id-invalid") in (await owner.expect_message()).text
    await owner.send(str(person.id))
    granted = await owner.expect_message()
    assert shown("staff-granted", id=str(person.id), role=t("staff-role-admin")) in granted.text
    menu = [command["command"] for command in bot_env.emulator.commands_for(person.id, person.language_code)]
    assert menu[-7:] == ["admin", "tickets", "returns", "stats", "export", "broadcast", "automation"]
    assert "staff" not in menu
    await owner.press(granted, t("staff-btn-revoke", id=str(person.id)))
    await owner.press(granted, t("btn-confirm"))
    assert await roles.current_role(bot_env.uow(), shop_policy(bot_env.settings), person.id) is None
    menu = [command["command"] for command in bot_env.emulator.commands_for(person.id, person.language_code)]
    assert "admin" not in menu and "start" in menu
    actions = await bot_env.probe.scalars(select(AuditRecord.action).where(AuditRecord.target_id == str(person.id)))
    assert actions == ["staff.grant", "staff.revoke"]
    await bot_env.restart()  # at startup every staff chat (here: the owner's) gets its role's commands
    await owner.wait_for(lambda: "audit" in [c["command"] for c in bot_env.emulator.commands_for(OWNER, "zh-hans")])


async def test_the_owner_browses_the_audit_log_by_action(bot_env: BotEnv, member: SimUser, owner: SimUser) -> None:
    await points.adjust(bot_env.uow(), member.member_id, 50, unique("seed"), reason="seed", tz=bot_env.settings.tz)
    admin = await staff_user(bot_env, Role.admin)
    card = await open_card(admin, member.member_id)
    await admin.press(card, t("admin-btn-block"))
    await owner.send("/audit")
    log = await owner.expect_message()
    assert says(log.text, "audit-title", page=1, pages=ANY) and "member.block" in log.text
    await owner.press(log, t("audit-btn-action"))
    await owner.press(log, "staff.grant")
    assert "staff.grant" in log.text and "member.block" not in log.text
    await owner.press(log, t("audit-btn-member"))
    await owner.send(f"M{member.member_id:06d}")
    filtered = await owner.expect_message()
    assert says(filtered.text, "audit-filters", staff="-", member=f"M{member.member_id:06d}", action="staff.grant")
    assert shown("audit-empty") in filtered.text
    await owner.press(filtered, t("audit-btn-clear"))
    count = await bot_env.probe.scalar(select(func.count()).select_from(AuditRecord))
    assert count > 0 and "member.block" in filtered.text


async def test_a_forwarded_message_names_the_new_operator_and_a_staff_chat_keeps_its_menu_in_its_language(
    bot_env: BotEnv, owner: SimUser,
) -> None:
    person = bot_env.new_user()
    await person.send("/start")
    await person.expect_message()
    await owner.send("/staff")
    roster = await owner.expect_message()
    await owner.press(roster, t("staff-btn-add-operator"))
    forwarded = bot_env.emulator.add_message(owner, from_bot=False, kind="text", text="hello").to_telegram()
    forwarded["forward_origin"] = {"type": "user", "date": forwarded["date"], "sender_user": person.user_dict}
    bot_env.emulator.enqueue_update({"message": forwarded})
    assert shown("staff-granted", id=str(person.id), role=t("staff-role-operator")) in (await owner.expect_message()).text
    await person.send("/language")
    picker = await person.expect_message()
    await person.press(picker, t("language-name-en"))
    menu = bot_env.emulator.commands_for(person.id, person.language_code)
    assert menu[-2:] == [{"command": "admin", "description": t("cmd-admin", "en")},
                         {"command": "tickets", "description": t("cmd-tickets", "en")}]
    assert menu[0]["description"] == t("cmd-start", "en")


async def test_a_page_of_long_audit_records_fits_in_one_message(
    bot_env: BotEnv, member: SimUser, owner: SimUser,
) -> None:
    from services.staff import points as staff_points

    policy = shop_policy(bot_env.settings)
    for n in range(7):
        await staff_points.adjust(bot_env.uow(), policy, OWNER, member.member_id, 1 + n, "<原因>" * 50, unique("k"))
    await owner.send("/audit")
    log = await owner.expect_message()
    await owner.press(log, t("audit-btn-member"))
    await owner.send(f"M{member.member_id:06d}")
    page = await owner.expect_message()
    assert says(page.text, "audit-title", page=1, pages=2) and "&lt;" not in page.text and "<原因>" in page.text
    toast = await owner.press(page, t("btn-page-next"))
    assert says(page.text, "audit-title", page=2, pages=2), toast


async def test_the_card_lists_the_members_last_orders(bot_env: BotEnv, member: SimUser) -> None:
    from services import orders
    from services.orders import ProductSpec

    uow = bot_env.uow()
    product_id = await orders.add_product(uow, ProductSpec(unique("商品"), unique("item"), 2_500, 5))
    await orders.add_to_cart(uow, member.member_id, product_id, 2)
    placed = await orders.place_order(uow, member.member_id, shop_policy(bot_env.settings).orders, "CNY")
    operator = await staff_user(bot_env, Role.operator)
    card = await open_card(operator, member.member_id)
    assert says(card.text, "admin-card-orders", count=1)
    assert says(card.text, "admin-card-order", number=placed.number, status=ANY, total=ANY, at=ANY)
