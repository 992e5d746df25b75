"""Linking a shop login, lockout, logout, password change and deep links (PRODUCT.md 1.2)."""

from datetime import timedelta

from sqlalchemy import select, update

from models import LoginFailure, Member
from models.base import utcnow
from sandbox.emulator import SimUser
from services import accounts
from services.members import MemberView
from tests.conftest import BotEnv, unique
from tests.texts import ANY, says, shown, t

PASSWORD = "shop-pass-123"


async def shop_account(bot_env: BotEnv) -> MemberView:
    """An account made on the shop website: no Telegram binding yet."""
    name = unique("shop")
    return await accounts.create_account(bot_env.uow(), name, PASSWORD, f"{name}@example.com", None, rounds=4)


async def log_in(user: SimUser, identifier: str, password: str, lang: str = "zh") -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, t("btn-login", lang))
    await user.send(identifier)
    assert (await user.expect_message()).text == shown("login-ask-password", lang)
    await user.send(password)


async def bound_member(bot_env: BotEnv, user: SimUser) -> Member | None:
    async with bot_env.sessionmaker() as session:
        return await session.scalar(select(Member).where(Member.telegram_id == user.id))


async def test_member_logs_in_with_email_and_the_password_message_is_deleted(bot_env: BotEnv, user: SimUser) -> None:
    account = await shop_account(bot_env)
    await log_in(user, account.email.upper(), PASSWORD)
    done = await user.expect_message()
    assert done.text == shown("login-done", name=account.username) and account.username in done.text
    assert user.user_messages[-1].deleted
    menu = await user.expect_message()
    assert account.member_no in menu.text
    assert (await bound_member(bot_env, user)).id == account.id


async def test_logging_in_elsewhere_tells_the_old_chat(bot_env: BotEnv, user: SimUser) -> None:
    """The notice is in the language the old chat's client reported at first contact, with a way back."""
    account = await shop_account(bot_env)
    user = bot_env.new_user(language_code="en-US")
    await log_in(user, account.username, PASSWORD, "en")
    await user.expect_message()  # logged in
    await user.expect_message()  # main menu
    other = bot_env.new_user()
    await log_in(other, account.username, PASSWORD)
    assert (await other.expect_message()).text == shown("login-done", name=account.username)
    notice = await user.expect_message()
    assert notice.text == shown("login-moved-away", "en", name=account.username)
    assert await bound_member(bot_env, user) is None
    assert (await bound_member(bot_env, other)).id == account.id
    await user.press(notice, t("btn-login-again", "en"))
    assert notice.text == shown("login-ask-identifier", "en")


async def test_five_wrong_passwords_lock_out_until_a_time_even_after_restart(bot_env: BotEnv, user: SimUser) -> None:
    account = await shop_account(bot_env)
    await log_in(user, account.username, "wrong-one-1")
    for attempt in range(4):
        answer = await user.expect_message()
        assert shown("error-login-failed") in answer.text and shown("login-ask-identifier") in answer.text
        await user.send(account.username)
        await user.expect_message()
        await user.send(f"wrong-again-{attempt}")
    locked = await user.expect_message()
    # "try again in 15 minutes", and home: no dead end
    assert says(locked.text, "error-locked", minutes=15) and t("btn-login") in locked.button_texts
    assert all(message.deleted for message in user.user_messages if "wrong" in (message.text or ""))
    await bot_env.restart()
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, t("btn-login"))
    assert says((await user.expect_message()).text, "error-locked", minutes=ANY)
    assert await bound_member(bot_env, user) is None
    owner = bot_env.new_user()  # the stranger locked only themselves: the member is only slowed down
    await log_in(owner, account.username, PASSWORD)
    slowed = (await owner.expect_message()).text
    assert any(shown("error-slow-down", minutes=1, seconds=wait) in slowed for wait in (1, 2)), slowed
    await bot_env.probe.write(  # the wait passes
        update(LoginFailure).values(created_at=utcnow() - timedelta(minutes=1))
        .where(LoginFailure.subject == f"member:{account.id}")
    )
    await log_in(owner, account.username, PASSWORD)
    assert (await owner.expect_message()).text == shown("login-done", name=account.username)


async def test_logout_unbinds(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/logout")
    answer = await member.expect_message()
    assert answer.text == shown("logout-done") and t("btn-login") in answer.button_texts
    assert await bound_member(bot_env, member) is None
    await member.send("/profile")
    assert shown("need-account") in (await member.expect_message()).text


async def test_password_change_needs_the_old_one(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/password")
    await member.expect_message()
    await member.send("not-the-password")
    assert (await member.expect_message()).text == shown("error-old-password-wrong")
    await member.send("pass-word-1")
    assert (await member.expect_message()).text == shown("password-ask-new")
    await member.send("12345678")
    assert (await member.expect_message()).text == shown("error-password-all-digits")
    await member.send("better-pass-2")
    changed = await member.expect_message()
    assert shown("password-changed") in changed.text and t("btn-profile") in changed.button_texts  # then home
    assert [m for m in member.messages if m.button_texts and t("btn-cancel") in m.button_texts] == []
    assert all(m.deleted for m in member.user_messages if m.text and "pass" in m.text and not m.text.startswith("/"))
    await accounts.verify_password(bot_env.uow(), member.member_id, "better-pass-2", member.id)


async def test_link_token_deep_link_binds_once(bot_env: BotEnv, user: SimUser) -> None:
    account = await shop_account(bot_env)
    token = await accounts.create_link_token(bot_env.uow(), account.id, timedelta(hours=1))
    await user.send(f"/start link_{token}")
    assert account.username in (await user.expect_message()).text
    assert account.member_no in (await user.expect_message()).text
    stranger = bot_env.new_user()
    await stranger.send(f"/start link_{token}")
    assert (await stranger.expect_message()).text == shown("error-link-invalid")
    assert await bound_member(bot_env, stranger) is None


async def test_unknown_commands_and_deep_links_get_a_clear_answer_and_the_menu(bot_env: BotEnv, user: SimUser) -> None:
    for who in ("guest", "member"):
        await user.send("/nonsense")
        answer = await user.expect_message()
        assert shown("unknown-command") in answer.text and answer.button_texts, who
        for payload in ("link_" + "A" * 30, "link_short", "whatever!", "ref_"):
            await user.send(f"/start {payload}")
            assert (await user.expect_message()).text == shown("error-link-invalid"), payload
            await user.expect_message()  # home
        if who == "guest":
            await bot_env.make_member(user)


async def test_guest_gets_a_clear_answer_for_member_commands(user: SimUser) -> None:
    for command in ("/profile", "/card", "/logout", "/password"):
        await user.send(command)
        answer = await user.expect_message()
        assert shown("need-account") in answer.text and t("btn-register") in answer.button_texts
