"""/automation through the fake Telegram: switches and validated parameter edits (audited), a member
is refused, and a review request reaches an opted-in member through broadcast delivery, its button
opening the order's review screen."""

from datetime import timedelta

from sqlalchemy import insert, select, update

from bot.automation import run_automations
from bot.dispatcher import shop_policy
from models.automation import AutomationRule
from models.base import utcnow
from models.members import Member
from models.orders import Order
from models.staff import AuditRecord
from sandbox.emulator import SimUser
from services import orders
from tests.conftest import OWNER_ID, BotEnv
from tests.texts import says, shown, t

BOT_DATABASES = ("sqlite",)  # the jobs' concurrency on both databases: test_automation_service.py


def owner(bot_env: BotEnv) -> SimUser:
    user = bot_env.emulator.user(user_id=OWNER_ID, first_name="Owner", language_code="zh-hans", username="owner")
    user.open_chat()
    return user


def name(kind: str) -> str:
    return t("automation-kind", kind=kind)


async def test_switches_and_parameters_are_edited_validated_and_audited(bot_env: BotEnv, member: SimUser) -> None:
    boss = owner(bot_env)
    await boss.send("/automation")
    screen = await boss.expect_message()
    assert says(screen.text, "automation-title")
    # a coupon automation cannot be switched on before its campaign is set: a clear alert, nothing saved
    answer = await boss.press(screen, t("automation-btn-toggle-on", name=name("birthday")))
    assert answer == t("error-automation-needs-campaign")
    await boss.press(screen, t("automation-btn-param", name=name("winback"), param=t("automation-param-name-days")))
    assert (await boss.expect_message()).text == shown("automation-ask-days", name=name("winback"))
    await boss.send("3")
    assert (await boss.expect_message()).text == shown("error-automation-number", low=7, high=3650, count=1)
    await boss.send("45")
    saved = await boss.expect_message()
    assert saved.text.startswith(shown("automation-saved"))
    stored = await bot_env.probe.scalar(select(AutomationRule.params).where(AutomationRule.kind == "winback"))
    assert '"days": 45' in stored
    await boss.press(saved, t("automation-btn-toggle-off", name=name("tier")))
    assert not await bot_env.probe.scalar(select(AutomationRule.enabled).where(AutomationRule.kind == "tier"))
    actions = await bot_env.probe.scalars(select(AuditRecord.target_id).where(
        AuditRecord.action == "automation.change", AuditRecord.actor_id == OWNER_ID))
    assert actions == ["winback", "tier"]
    # a member (not staff) gets the unknown-command answer, and nothing changes
    await member.send("/automation")
    assert says((await member.expect_message()).text, "unknown-command")


async def test_review_request_arrives_through_delivery_and_opens_the_review(bot_env: BotEnv, member: SimUser) -> None:
    boss = owner(bot_env)
    await boss.send("/automation")
    screen = await boss.expect_message()
    await boss.press(screen, t("automation-btn-toggle-on", name=name("review")))
    member_id = await bot_env.probe.scalar(select(Member.id).where(Member.telegram_id == member.id))
    await bot_env.probe.write(update(Member).where(Member.id == member_id).values(marketing_opt_in=True))
    done = utcnow() - timedelta(days=4)
    order_id = await bot_env.probe.write(insert(Order.__table__).values(
        member_id=member_id, status="completed", subtotal=10_000, total=10_000, coupon_discount=0, points_used=0,
        points_discount=0, refunded_amount=0, currency="CNY", points_earned=0, source="bot", version=1,
        updated_at=done, created_at=done - timedelta(days=3), paid_at=done - timedelta(days=3), completed_at=done,
    ).returning(Order.__table__.c.id))
    policy = shop_policy(bot_env.settings)
    assert (await run_automations(bot_env.database, policy))["review"] == 1
    assert (await run_automations(bot_env.database, policy)).get("review", 0) == 0  # once per order
    await member.wait_for(lambda: member.last_message is not None and
                          member.last_message.text == shown("automation-msg-review"), timeout=30)
    request = member.last_message
    assert request.button_texts == [t("automation-btn-review"), t("broadcast-btn-unsubscribe")]  # marketing: can opt out
    await member.press(request, t("automation-btn-review"))
    number = orders.order_number(order_id)
    await member.wait_for(lambda: member.last_message.text == shown("review-choose-stars", number=number))


async def test_personal_coupon_is_set_up_in_automation_and_arrives_with_its_coupon(bot_env: BotEnv, member: SimUser) -> None:
    boss = owner(bot_env)
    await boss.send("/automation")
    screen = await boss.expect_message()
    assert name("personal_coupon") in screen.text
    await boss.press(screen, t("automation-btn-param", name=name("personal_coupon"),
                               param=t("automation-param-name-percent")))
    assert (await boss.expect_message()).text == shown("automation-ask-percent", name=name("personal_coupon"))
    await boss.send("80")
    assert (await boss.expect_message()).text == shown("error-automation-number", low=1, high=50, count=1)
    await boss.send("20")
    saved = await boss.expect_message()
    await boss.press(saved, t("automation-btn-toggle-on", name=name("personal_coupon")))
    member_id = await bot_env.probe.scalar(select(Member.id).where(Member.telegram_id == member.id))
    await bot_env.probe.write(update(Member).where(Member.id == member_id).values(marketing_opt_in=True))
    paid = utcnow() - timedelta(days=10)
    for total in (6_000, 7_000):  # median_low 6,000 → min spend 6,500, 20 % → 13.00
        await bot_env.probe.write(insert(Order.__table__).values(
            member_id=member_id, status="completed", subtotal=total, total=total, coupon_discount=0, points_used=0,
            points_discount=0, refunded_amount=0, currency="CNY", points_earned=0, source="bot", version=1,
            updated_at=paid, created_at=paid, paid_at=paid, completed_at=paid))
    policy = shop_policy(bot_env.settings)
    assert (await run_automations(bot_env.database, policy))["personal_coupon"] == 1
    assert (await run_automations(bot_env.database, policy)).get("personal_coupon", 0) == 0  # once per period
    text = shown("automation-msg-personal_coupon", min_spend="¥65.00", amount_off="¥13.00", valid=14)
    await member.wait_for(lambda: member.last_message is not None and member.last_message.text.startswith(text),
                          timeout=30)
    assert member.last_message.button_texts == [t("broadcast-btn-unsubscribe")]
    await bot_env.probe.write(update(AutomationRule).where(AutomationRule.kind == "personal_coupon").values(enabled=False))
