"""Reward anti-abuse (issue 15) through the real journeys: the referral link, quick join with the phone,
checkout and payment, /delete_account, /logout, the birthday edit, and the member card staff see."""

from datetime import timedelta

from sqlalchemy import select, update

from bot.dispatcher import order_rules
from models.abuse import BirthdayChange, IdentityMark, RewardClaim
from models.base import utcnow
from models.members import Member
from models.points import PointsLedger
from models.staff import AuditRecord
from sandbox.emulator import SimUser
from services import abuse
from services.staff.roles import Role
from tests.conftest import BotEnv
from tests.test_admin_e2e import OWNER, open_card, staff_user
from tests.test_aftersale_e2e import paid_order
from tests.test_privacy_e2e import _delete
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False, "payment_provider_token": "test-provider", "referral_points": 50,
                "owner_ids": [OWNER]}


async def join_referred(bot_env: BotEnv, user: SimUser, referrer_id: int) -> int:
    """/start ref_<member no>, consent, share the phone: the new member's id (set on the SimUser)."""
    await user.send(f"/start ref_M{referrer_id:06d}")
    welcome = await user.expect_message()
    await user.press(welcome, t("btn-register"))
    await user.press(welcome, t("btn-accept"))
    await user.press(welcome, t("btn-no"))
    await user.wait_for(lambda: user.reply_keyboard is not None)
    await user.press_reply(t("btn-share-phone"))
    await user.wait_for(lambda: says(user.messages[-1].text, "start-member", name=ANY, member_no=ANY, points=ANY))
    user._cursor = len(user.messages)  # noqa: SLF001 - continue after the welcome
    member = await bot_env.probe.scalar(select(Member).where(Member.telegram_id == user.id))
    assert member.referrer_id == referrer_id and member.phone == user.phone_number
    user.member_id = member.id
    return member.id


async def referral_points(bot_env: BotEnv, referrer_id: int) -> list[int]:
    return await bot_env.probe.scalars(select(PointsLedger.amount).where(
        PointsLedger.member_id == referrer_id, PointsLedger.kind == "referral").order_by(PointsLedger.id))


async def refusals(bot_env: BotEnv, member_id: int) -> list[tuple]:
    rows = await bot_env.probe.rows(select(AuditRecord.actor_id, AuditRecord.target_id, AuditRecord.reason)
                                    .where(AuditRecord.member_id == member_id, AuditRecord.action == abuse.REFUSED)
                                    .order_by(AuditRecord.id))
    return [tuple(row) for row in rows]


async def test_the_referrer_is_paid_once_and_a_rejoining_phone_earns_nothing(bot_env: BotEnv, user: SimUser) -> None:
    referrer = bot_env.new_user()
    referrer_id = await bot_env.make_member(referrer)
    first = await join_referred(bot_env, user, referrer_id)
    await paid_order(bot_env, user, 12_000)
    await paid_order(bot_env, user, 8_000)
    assert await referral_points(bot_env, referrer_id) == [50]  # the first paid order only
    assert await refusals(bot_env, referrer_id) == []
    key = abuse.identity_key(order_rules(bot_env.settings).payload_key)
    phone_hash = abuse.identity_hash(key, "phone", user.phone_number)
    claims = await bot_env.probe.rows(select(RewardClaim.reward, RewardClaim.member_id, RewardClaim.key_hash))
    assert [(reward, member) for reward, member, _ in claims] == [("referral", first)] * 2  # phone and Telegram
    assert user.phone_number not in str(claims) and phone_hash in {key for _, _, key in claims}  # keyed hashes

    await _delete(user)  # the same person leaves and joins again with the same phone through a new link
    user._cursor = len(user.messages)  # noqa: SLF001
    second_referrer = bot_env.new_user()
    second_referrer_id = await bot_env.make_member(second_referrer)
    second = await join_referred(bot_env, user, second_referrer_id)
    assert second != first
    await paid_order(bot_env, user, 12_000)
    assert await referral_points(bot_env, second_referrer_id) == []
    assert await refusals(bot_env, second_referrer_id) == [(None, str(second), "phone-already-referred")]

    staff = await staff_user(bot_env, Role.operator)
    card = await open_card(staff, second_referrer_id)
    assert shown("admin-card-refused") in card.text
    assert says(card.text, "admin-card-refused-line", date=ANY, reward=t("reward-kind-referral"),
                reason=t("reward-refused-phone-already-referred"))


async def test_a_member_referring_their_own_second_account_earns_nothing(bot_env: BotEnv, member: SimUser) -> None:
    referrer_id = member.member_id  # who never shopped, so no payment ever showed their Telegram account
    await member.send("/logout")
    await member.expect_message()
    second = await join_referred(bot_env, member, referrer_id)  # ...then opens a second account from it
    await paid_order(bot_env, member, 12_000)
    assert await referral_points(bot_env, referrer_id) == []
    assert await refusals(bot_env, referrer_id) == [(None, str(second), "self-referral")]
    marks = await bot_env.probe.rows(select(IdentityMark.member_id, IdentityMark.kind))
    assert (referrer_id, "telegram") in marks and (second, "telegram") in marks


async def test_a_birthday_changed_within_twelve_months_earns_no_birthday_reward(
    bot_env: BotEnv, member: SimUser
) -> None:
    async def edit_birthday(value: str) -> None:
        await member.send("/profile")
        profile = await member.expect_message()
        await member.press(profile, t("field-birthday"))
        await member.send(value)
        assert (await member.expect_message()).text == shown("profile-saved")
        await member.expect_message()

    async def allowed(at: object) -> bool:
        uow = bot_env.uow()
        async with uow.read():
            return await abuse.birthday_reward_allowed(uow, member.member_id, at)

    await edit_birthday("1990-05-01")  # the first time it is set: not a change
    assert await allowed(utcnow())
    await edit_birthday("1990-05-01")  # the same date again: not a change
    assert await allowed(utcnow())
    await edit_birthday("1990-12-24")
    assert not await allowed(utcnow())
    assert await allowed(utcnow() + timedelta(days=366))  # a year later it earns again
    changes = await bot_env.probe.scalars(select(BirthdayChange.member_id))
    assert changes == [member.member_id]

    uow = bot_env.uow()
    async with uow.write():
        granted = await abuse.claim_birthday_reward(uow, b"k" * 32, member.member_id, utcnow(), 2026)
        await uow.commit()
    assert not granted
    assert await refusals(bot_env, member.member_id) == [(None, str(member.member_id), "birthday-changed")]


async def test_referring_a_new_account_on_the_referrers_former_phone_earns_nothing(
    bot_env: BotEnv, member: SimUser
) -> None:
    referrer_id, phone = member.member_id, member.phone_number
    await bot_env.probe.write(update(Member).where(Member.id == referrer_id).values(phone=phone))
    await paid_order(bot_env, member, 5_000)  # the payment remembers the referrer's phone (hashed)
    await bot_env.probe.write(update(Member).where(Member.id == referrer_id).values(phone="+8613000000001"))
    other = bot_env.new_user()
    other.phone_number = phone  # the same person, a second Telegram account, the phone the referrer gave up
    second = await join_referred(bot_env, other, referrer_id)
    await paid_order(bot_env, other, 12_000)
    assert await referral_points(bot_env, referrer_id) == []
    assert await refusals(bot_env, referrer_id) == [(None, str(second), "self-referral")]
