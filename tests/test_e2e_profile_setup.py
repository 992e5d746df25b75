"""After quick join: a password for the shop website, and the "complete your profile" card with its reward."""

from sqlalchemy import select

from models import Member, PointsLedger
from sandbox.emulator import SimUser
from services import accounts, members
from services.policy import ShopPolicy
from tests.conftest import BotEnv, unique
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"profile_reward_points": 50}
PASSWORD = "web-site-pass-7"
PROFILE = {"member_no": ANY, "username": ANY, "tier": ANY, "email": ANY, "phone": ANY, "address": ANY,
           "birthday": ANY, "language": ANY, "marketing": ANY}


async def quick_member(bot_env: BotEnv, user: SimUser) -> int:
    """A member as quick join leaves them: a phone number, no username, password, e-mail."""
    phone = f"+86139{user.id % 10**8:08d}"
    await members.identify(bot_env.uow(), user.id, "zh")  # first contact, as the bot records it
    member = await members.register(bot_env.uow(), members.Registration(phone=phone), user.id, ShopPolicy(welcome_points=0))
    user.open_chat()
    return member.id


async def open_profile(user: SimUser):
    await user.send("/profile")
    return await user.expect_message()


async def test_quick_member_sets_a_password_for_the_shop_website(bot_env: BotEnv, user: SimUser) -> None:
    member_id = await quick_member(bot_env, user)
    profile = await open_profile(user)
    await user.press(profile, t("btn-website-login"))
    assert shown("website-ask-username") in profile.text
    await user.send("ab")
    answer = await user.expect_message()
    assert shown("error-username-too-short") in answer.text and profile.button_texts == []
    name = unique("web")
    await user.send(name)
    asked = await user.expect_message()
    assert shown("website-ask-password") in asked.text and answer.button_texts == []  # no stale Cancel
    await user.send(PASSWORD)
    done = await user.expect_message()
    assert shown("website-done", name=name) in done.text and says(done.text, "profile", **PROFILE)
    assert t("btn-website-login") not in done.button_texts and asked.button_texts == []
    await user.wait_for(lambda: user.user_messages[-1].deleted)  # the password left the chat
    stored = await bot_env.probe.scalar(select(Member.password_hash).where(Member.id == member_id))
    assert stored.startswith("$2b$") and PASSWORD not in stored
    other = bot_env.new_user()
    binding = await accounts.login(bot_env.uow(), name.upper(), PASSWORD, other.id)  # works on the website's terms
    assert binding.member.id == member_id


async def test_profile_card_asks_one_at_a_time_and_rewards_once(bot_env: BotEnv, user: SimUser) -> None:
    member_id = await quick_member(bot_env, user)
    profile = await open_profile(user)
    await user.press(profile, t("btn-complete-profile", points=50))
    assert shown("card-progress", n=1, total=3) in profile.text and shown("card-ask-email") in profile.text
    name = unique("card")
    await user.send(f"{name}@example.com")
    second = await user.expect_message()
    assert shown("card-progress", n=2, total=3) in second.text and shown("card-ask-address") in second.text
    assert profile.button_texts == []  # the answered question keeps no buttons
    await user.send("abc")
    retry = await user.expect_message()
    assert shown("error-address-too-short") in retry.text and shown("card-progress", n=2, total=3) in retry.text
    await user.send("上海市浦东新区世纪大道 100 号")
    third = await user.expect_message()
    assert shown("card-progress", n=3, total=3) in third.text
    await user.send("1990-05-20")
    done = await user.expect_message()
    assert shown("card-rewarded", points=50) in done.text
    assert t("btn-complete-profile", points=50) not in done.button_texts
    policy = ShopPolicy(profile_reward_points=50)
    _, again = await members.complete_profile_field(bot_env.uow(), member_id, "address", "北京市朝阳区建国路 88 号", policy)
    assert again == 0
    rows = await bot_env.probe.rows(
        select(PointsLedger.kind, PointsLedger.amount, PointsLedger.idempotency_key).where(PointsLedger.member_id == member_id)
    )
    assert rows == [("profile", 50, f"profile:{member_id}")]


async def test_skip_and_cancel_leave_the_card(bot_env: BotEnv, user: SimUser) -> None:
    await quick_member(bot_env, user)
    profile = await open_profile(user)
    await user.press(profile, t("btn-complete-profile", points=50))
    await user.press(profile, t("btn-skip"))
    assert shown("card-ask-address") in profile.text and shown("card-progress", n=1, total=3) in profile.text
    await user.press(profile, t("btn-cancel"))
    assert says(profile.text, "profile", **PROFILE)
    await user.send("hello")
    assert shown("not-understood") in (await user.expect_message()).text
