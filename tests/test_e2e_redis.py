"""With REDIS_URL the dialogs live in Redis (shared by several bot processes) and survive a restart."""

from sandbox.emulator import SimUser
from tests.conftest import REDIS_TEST_URL, BotEnv
from tests.test_e2e_registration import fill_until
from tests.texts import shown

BOT_SETTINGS = {"redis_url": REDIS_TEST_URL, "join_mode": "full"}


async def test_dialog_state_is_kept_in_redis_across_a_restart(bot_env: BotEnv, user: SimUser) -> None:
    from aiogram.fsm.storage.redis import RedisStorage

    assert isinstance(bot_env.app.dispatcher.storage, RedisStorage)
    name = await fill_until(user, "email")
    await bot_env.restart()
    await user.send(f"{name}@example.com")
    assert shown("reg-ask-phone") in (await user.expect_message()).text
