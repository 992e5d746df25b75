"""Webhook mode: Telegram POSTs updates with the secret token; requests without it are refused."""

import socket

import aiohttp

from sandbox.emulator import SimUser
from tests.conftest import BotEnv
from tests.texts import t


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()
BOT_SETTINGS = {
    "webhook_url": f"http://127.0.0.1:{PORT}/telegram/webhook",
    "webhook_secret": "s3cret-webhook-token",
    "webhook_host": "127.0.0.1",
    "webhook_port": PORT,
}


async def test_updates_arrive_by_webhook(bot_env: BotEnv, user: SimUser) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    assert t("btn-register") in welcome.button_texts
    methods = {record.method for record in bot_env.emulator.requests}
    assert "setWebhook" in methods and "getUpdates" not in methods


async def test_webhook_without_the_secret_is_refused(bot_env: BotEnv) -> None:
    update = {"update_id": 999_999, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                                                "from": {"id": 1, "is_bot": False, "first_name": "X"}, "text": "/start"}}
    async with aiohttp.ClientSession() as http:
        async with http.post(BOT_SETTINGS["webhook_url"], json=update) as response:
            assert response.status == 401
        async with http.post(BOT_SETTINGS["webhook_url"], json=update,
                             headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as response:
            assert response.status == 401
        async with http.get(f"http://127.0.0.1:{PORT}/healthz") as response:
            assert response.status == 200 and (await response.json())["status"] == "ok"
