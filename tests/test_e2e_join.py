"""Quick join, the default (PRODUCT.md 1.1): consent, then "Share my number", and the member exists."""

from sqlalchemy import select

from models import Member, PointsLedger
from sandbox.emulator import ChatMessage, SimUser
from tests.conftest import BotEnv
from tests.texts import ANY, says, shown, t


async def open_join(user: SimUser) -> ChatMessage:
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, t("btn-register"))
    return welcome


async def consent(user: SimUser, marketing: str = "btn-no") -> None:
    """Accept the privacy policy and answer the marketing question: the phone question follows."""
    question = await open_join(user)
    await user.press(question, t("btn-accept"))
    await user.press(question, t(marketing))
    await user.wait_for(lambda: user.reply_keyboard is not None)
    user._cursor = len(user.messages)  # noqa: SLF001 - continue after the phone question


async def member_of(bot_env: BotEnv, user: SimUser) -> Member | None:
    return await bot_env.probe.scalar(select(Member).where(Member.telegram_id == user.id))


async def test_quick_join_is_consent_then_share_my_number(bot_env: BotEnv, user: SimUser) -> None:
    question = await open_join(user)
    assert shown("reg-ask-privacy", url=bot_env.settings.privacy_policy_url) in question.text
    assert shown("reg-progress", n=1, total=3) in question.text
    assert question.button_texts == [t("btn-accept"), t("btn-decline")]
    await user.press(question, t("btn-accept"))
    assert shown("reg-ask-marketing") in question.text and shown("reg-progress", n=2, total=3) in question.text
    await user.press(question, t("btn-yes"))
    phone_question = user.messages[-1]
    assert shown("reg-ask-phone") in phone_question.text and user.reply_keyboard is not None
    assert question.button_texts == []  # the answered question keeps no buttons
    user._cursor = len(user.messages)  # noqa: SLF001
    await user.press_reply(t("btn-share-phone"))
    done = await user.expect_message()
    assert says(done.text, "reg-done", member_no=ANY, points=100) and user.reply_keyboard is None
    home = await user.expect_message()
    # no username yet: the greeting uses the Telegram first name
    assert says(home.text, "start-member", name=user.first_name, member_no=ANY, points=100)
    assert t("btn-profile") in home.button_texts

    member = await member_of(bot_env, user)
    assert member is not None and member.phone == user.phone_number and member.marketing_opt_in
    assert member.username is None and member.password_hash is None and member.email is None
    assert member.privacy_accepted_at is not None
    ledger = await bot_env.probe.rows(select(PointsLedger.kind, PointsLedger.amount).where(PointsLedger.member_id == member.id))
    assert ledger == [("welcome", 100)]
    await user.send("/start")
    assert says((await user.expect_message()).text, "start-member", name=user.first_name, member_no=ANY, points=100)


async def test_typed_number_is_accepted_and_someone_elses_contact_refused(bot_env: BotEnv, user: SimUser) -> None:
    await consent(user)
    await user.share_contact("+8613912345670", own=False)
    assert shown("error-phone-not-own") in (await user.expect_message()).text
    await user.send("12345")
    assert shown("error-phone-invalid") in (await user.expect_message()).text
    typed = f"139{user.id % 10**8:08d}"
    await user.send(typed)
    assert says((await user.expect_message()).text, "reg-done", member_no=ANY, points=100)
    member = await member_of(bot_env, user)
    assert member is not None and member.phone == f"+86{typed}" and not member.marketing_opt_in


async def test_declining_keeps_nothing_and_the_referral_survives(bot_env: BotEnv, user: SimUser) -> None:
    referrer = bot_env.new_user()
    referrer_id = await bot_env.make_member(referrer)
    await user.send(f"/start ref_M{referrer_id:06d}")
    welcome = await user.expect_message()
    await user.press(welcome, t("btn-register"))
    await user.press(welcome, t("btn-decline"))
    assert shown("reg-privacy-required") in welcome.text and shown("start-guest", name=user.first_name) in welcome.text
    assert await member_of(bot_env, user) is None
    await user.press(welcome, t("btn-register"))  # changed their mind: the invitation still counts
    await user.press(welcome, t("btn-accept"))
    await user.press(welcome, t("btn-no"))
    await user.wait_for(lambda: user.reply_keyboard is not None)
    await user.press_reply(t("btn-share-phone"))
    await user.wait_for(lambda: says(user.messages[-1].text, "start-member", name=ANY, member_no=ANY, points=ANY))
    member = await member_of(bot_env, user)
    assert member is not None and member.referrer_id == referrer_id


async def test_cancel_at_the_phone_step_shows_home_with_the_name(user: SimUser) -> None:
    await consent(user)
    await user.press_reply(t("btn-cancel"))
    await user.wait_for(lambda: shown("reg-cancelled") in user.messages[-1].text)
    assert shown("start-guest", name=user.first_name) in user.messages[-1].text and user.reply_keyboard is None


async def test_start_in_the_middle_of_joining_says_it_was_cancelled(bot_env: BotEnv, user: SimUser) -> None:
    await consent(user)
    await user.send("/start")
    assert (await user.expect_message()).text == shown("cancelled")
    home = await user.expect_message()
    assert shown("start-guest", name=user.first_name) in home.text and user.reply_keyboard is None
    assert await member_of(bot_env, user) is None
