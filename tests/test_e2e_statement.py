"""Points read like a statement, and check-in says its total once (a streak bonus every day here)."""

from sandbox.emulator import SimUser
from tests.conftest import BotEnv
from tests.test_e2e_join import consent
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False, "checkin_points": 5, "checkin_streak_days": 1, "checkin_streak_bonus": 20}


async def test_check_in_says_the_total_once_and_offers_the_next_step(member: SimUser) -> None:
    await member.send("/checkin")
    done = await member.expect_message()
    assert done.text == shown("checkin-done-bonus", points=25, streak=1, bonus=20)
    assert done.button_texts == [t("btn-points"), t("btn-home")]
    await member.press(done, t("btn-points"))
    assert says(done.text, "points-row", date=ANY, kind=t("points-kind-checkin"), amount="+25", balance=25)


async def test_welcome_credit_shows_the_kind_not_the_raw_reason(bot_env: BotEnv, user: SimUser) -> None:
    await consent(user)
    await user.press_reply(t("btn-share-phone"))
    await user.wait_for(lambda: says(user.messages[-1].text, "start-member", name=ANY, member_no=ANY, points=ANY))
    user._cursor = len(user.messages)  # noqa: SLF001 - after the welcome
    await user.send("/points")
    screen = await user.expect_message()
    assert says(screen.text, "points-row", date=ANY, kind=t("points-kind-welcome"), amount="+100", balance=100)
    assert "welcome" not in screen.text and "—" not in screen.text
    for lang in ("zh", "en"):
        assert t("points-kind-profile", lang)
