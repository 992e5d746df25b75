"""The sandbox chat page's web API (no browser): what a click on the page does to the emulator, and back."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image

from bot.config import Settings
from sandbox import web
from sandbox.api_schema import UploadedFile
from sandbox.emulator import TelegramEmulator
from sandbox.runner import (
    DEFAULT_OWNER_ID,
    SANDBOX_TOKEN,
    Sandbox,
    bot_settings,
    run_sandbox,
    sandbox_users,
)
from sandbox.web import ChatPage
from tests.texts import shown

ROOT = Path(__file__).resolve().parents[1]
XSS = "<img src=x onerror=alert(1)>"
ALICE, BOB, OWNER = 10001, 10002, 10000


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 20), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


class BotSide:
    """Plays the bot against the emulator, so each page action can be checked without the real bot."""

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emulator = emulator
        self.offset: int | None = None

    async def call(self, method: str, **params: Any) -> Any:
        status, body = await self.emulator.execute(method, params)
        assert status == 200, body
        return body["result"]

    async def next_update(self, kind: str) -> dict[str, Any]:
        """The next update carrying `kind` (message, callback_query, pre_checkout_query)."""
        async with asyncio.timeout(5):
            while True:
                params = {"timeout": 5} if self.offset is None else {"timeout": 5, "offset": self.offset}
                for update in await self.call("getUpdates", **params):
                    self.offset = update["update_id"] + 1
                    if kind in update:
                        return update[kind]


class Stream:
    """One page's server-sent event stream."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    async def next(self, kind: str | None = None) -> dict[str, Any]:
        async with asyncio.timeout(5):
            while True:
                line = (await self.response.content.readline()).decode()
                if line.startswith("data: "):
                    event = json.loads(line[len("data: ") :])
                    if kind is None or event["type"] == kind:
                        return event


class PageClient:
    """What chat.js does: JSON requests to the page's API."""

    def __init__(self, session: aiohttp.ClientSession, page: ChatPage) -> None:
        self.session = session
        self.url = page.url

    async def get(self, path: str) -> Any:
        async with self.session.get(self.url + path) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def post(self, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        async with self.session.post(self.url + path, json=body or {}) as response:
            assert response.status == status, await response.text()
            return await response.json()

    async def stream(self, user_id: int) -> Stream:
        response = await self.session.get(f"{self.url}/api/users/{user_id}/events")
        assert response.headers["Content-Type"].startswith("text/event-stream")
        return Stream(response)


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(token=SANDBOX_TOKEN, validate=True) as emulator:
        yield emulator


@pytest.fixture
async def page(emulator: TelegramEmulator) -> AsyncIterator[ChatPage]:
    page = ChatPage(emulator, sandbox_users(Settings(_env_file=None, owner_ids=[])))
    for user in emulator.users.values():
        user.open_chat()
    await page.start("127.0.0.1", 0)
    yield page
    await page.stop()


@pytest.fixture
async def client(page: ChatPage) -> AsyncIterator[PageClient]:
    async with aiohttp.ClientSession() as session:
        yield PageClient(session, page)


@pytest.fixture
def bot(emulator: TelegramEmulator) -> BotSide:
    return BotSide(emulator)


# --- who is in the sandbox ---------------------------------------------------------------------


def test_sandbox_offers_two_members_and_the_owner_with_fixed_ids() -> None:
    users = sandbox_users(Settings(_env_file=None, owner_ids=[]))
    assert [(u.id, u.first_name, u.language_code, u.role) for u in users] == [
        (ALICE, "Alice", "zh-hans", "member"),
        (BOB, "Bob", "en", "member"),
        (OWNER, "Owner", "zh-hans", "owner"),
    ]
    configured = sandbox_users(Settings(_env_file=None, owner_ids=[555, 777]))
    assert configured[-1].id == 555 and configured[-1].role == "owner"


def test_the_bot_talks_to_the_emulator_with_a_fake_token() -> None:
    operator = Settings(_env_file=None, bot_token="999:REAL-TOKEN", webhook_url="https://shop.example/hook")
    settings = bot_settings(operator, "http://127.0.0.1:4321")
    assert settings.bot_token.get_secret_value() == SANDBOX_TOKEN
    assert settings.telegram_api_base == "http://127.0.0.1:4321" and settings.webhook_url is None
    assert settings.owner_ids == [DEFAULT_OWNER_ID]  # the Owner in the switcher really is staff
    assert operator.bot_token.get_secret_value() == "999:REAL-TOKEN"  # a copy; the original is untouched


async def test_update_and_message_ids_continue_after_a_restart(tmp_path: Path) -> None:
    """The bot skips update ids it has recorded; a restarted sandbox must not hand out old ones."""
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", bcrypt_rounds=4)
    first = Sandbox(settings, port=0)
    await first.start()
    try:
        alice = first.emulator.users[ALICE]
        await alice.send("/start")
        await alice.expect_message()
        last_message = alice.history[-1].message_id
    finally:
        await first.stop()
    second = Sandbox(settings, port=0)
    await second.start()
    try:
        alice = second.emulator.users[ALICE]
        sent = await alice.send("/start")
        welcome = await alice.expect_message()  # the bot did not skip it as a repeat
        assert welcome.text == shown("start-guest", name=alice.first_name) and sent["message_id"] > last_message
        assert not second.emulator.errors
    finally:
        await second.stop()


# --- the page and its guards -------------------------------------------------------------------


async def test_page_and_assets_are_served_with_a_strict_content_policy(client: PageClient) -> None:
    async with client.session.get(client.url + "/") as response:
        assert response.status == 200 and "text/html" in response.content_type
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "/static/chat.js" in await response.text()
    for asset in ("chat.js", "chat.css", "favicon.svg"):
        async with client.session.get(f"{client.url}/static/{asset}") as response:
            assert response.status == 200 and response.headers["Cache-Control"] == "no-cache", asset
    script = (ROOT / "sandbox/static/chat.js").read_text()
    assert not re.search(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|eval\(|new Function", script)


async def test_only_loopback_names_and_json_actions_are_accepted(client: PageClient) -> None:
    """A web site the developer visits cannot drive the sandbox: DNS rebinding and form posts fail."""
    async with client.session.get(client.url + "/api/users", headers={"Host": "evil.example"}) as response:
        assert response.status == 403
    async with client.session.post(client.url + f"/api/users/{ALICE}/send", data={"text": "hi"}) as response:
        assert response.status == 415
    await client.post("/api/users/4242/send", {"text": "hi"}, status=404)
    await client.post(f"/api/users/{ALICE}/send", {"text": "   "}, status=400)


async def test_users_are_listed_for_the_switcher(client: PageClient) -> None:
    listing = await client.get("/api/users")
    assert listing["bot"]["is_bot"] and listing["bot"]["username"]
    assert [(u["id"], u["role"]) for u in listing["users"]] == [(ALICE, "member"), (BOB, "member"), (OWNER, "owner")]
    assert listing["users"][0]["phone_number"].startswith("+86")


# --- chatting ----------------------------------------------------------------------------------


async def test_typed_text_reaches_the_bot_and_both_sides_stream_live(client: PageClient, bot: BotSide) -> None:
    stream = await client.stream(ALICE)
    snapshot = await stream.next("snapshot")
    assert snapshot["messages"] == [] and snapshot["user"]["id"] == ALICE

    await client.post(f"/api/users/{ALICE}/send", {"text": f"/start {XSS}"})
    update = await bot.next_update("message")
    assert update["text"] == f"/start {XSS}" and update["from"]["id"] == ALICE
    assert update["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    mine = await stream.next("message")
    assert mine["message"]["text"] == f"/start {XSS}" and not mine["message"]["from_bot"]

    await bot.call("sendMessage", chat_id=ALICE, text="<b>Hi</b> &lt;img src=x onerror=alert(1)&gt;", parse_mode="HTML")
    answer = (await stream.next("message"))["message"]
    assert answer["from_bot"] and answer["text"] == f"Hi {XSS}"  # plain text + entities: the page never parses HTML
    assert answer["entities"] == [{"type": "bold", "offset": 0, "length": 2}]

    history = await client.get(f"/api/users/{ALICE}/messages")
    assert [m["text"] for m in history["messages"]] == [f"/start {XSS}", f"Hi {XSS}"]


async def test_edits_deletions_and_bot_errors_reach_the_page(client: PageClient, bot: BotSide) -> None:
    stream = await client.stream(BOB)
    await stream.next("snapshot")
    sent = await bot.call("sendMessage", chat_id=BOB, text="one")
    await stream.next("message")
    await bot.call("editMessageText", chat_id=BOB, message_id=sent["message_id"], text="two")
    edit = await stream.next("edit")
    assert edit["message"]["text"] == "two" and edit["message"]["edit_count"] == 1
    await bot.call("deleteMessage", chat_id=BOB, message_id=sent["message_id"])
    assert (await stream.next("delete"))["message_id"] == sent["message_id"]
    assert (await client.get(f"/api/users/{BOB}/messages"))["messages"] == []

    status, _ = await bot.emulator.execute("sendMessage", {"chat_id": BOB, "text": "<img>", "parse_mode": "HTML"})
    assert status == 400
    error = await stream.next("api_error")
    assert error["method"] == "sendMessage" and "can't parse entities" in error["description"]


async def test_reply_keyboard_travels_with_the_message_that_set_it(client: PageClient, bot: BotSide) -> None:
    stream = await client.stream(ALICE)
    await stream.next("snapshot")
    keyboard = {"keyboard": [[{"text": "📱 Share", "request_contact": True}]], "resize_keyboard": True}
    await bot.call("sendMessage", chat_id=ALICE, text="Your phone?", reply_markup=keyboard)
    assert (await stream.next("message"))["reply_keyboard"] == keyboard
    await bot.call("sendMessage", chat_id=ALICE, text="Thanks", reply_markup={"remove_keyboard": True})
    assert (await stream.next("message"))["reply_keyboard"] is None


async def test_share_contact_sends_the_users_own_number(client: PageClient, bot: BotSide, emulator: TelegramEmulator) -> None:
    await client.post(f"/api/users/{ALICE}/contact")
    contact = (await bot.next_update("message"))["contact"]
    assert contact["user_id"] == ALICE and contact["phone_number"] == emulator.users[ALICE].phone_number


async def test_pressing_a_button_waits_for_the_answer_and_returns_its_toast(
    client: PageClient, bot: BotSide, monkeypatch: pytest.MonkeyPatch
) -> None:
    markup = {"inline_keyboard": [[{"text": "Save", "callback_data": "save"}]]}
    sent = await bot.call("sendMessage", chat_id=ALICE, text="Profile", reply_markup=markup)
    body = {"message_id": sent["message_id"], "callback_data": "save"}

    async def bot_answers() -> None:
        query = await bot.next_update("callback_query")
        assert query["data"] == "save" and query["message"]["message_id"] == sent["message_id"]
        await bot.call("editMessageText", chat_id=ALICE, message_id=sent["message_id"], text="Profile (saved)")
        await bot.call("answerCallbackQuery", callback_query_id=query["id"], text="✅ Saved")

    answering = asyncio.create_task(bot_answers())
    answer = await client.post(f"/api/users/{ALICE}/press", body)
    await answering
    assert answer == {"answered": True, "text": "✅ Saved", "show_alert": False}

    # the edit removed the keyboard: a page still showing the old button gets a clear refusal
    await client.post(f"/api/users/{ALICE}/press", body, status=409)
    await client.post(f"/api/users/{BOB}/press", body, status=404)  # someone else's message

    monkeypatch.setattr(web, "PRESS_TIMEOUT", 0.2)
    again = await bot.call("sendMessage", chat_id=ALICE, text="Again", reply_markup=markup)
    silent = await client.post(f"/api/users/{ALICE}/press", {"message_id": again["message_id"], "callback_data": "save"})
    assert silent == {"answered": False, "text": None, "show_alert": False}  # the page says the bot never answered


async def test_commands_menu_follows_the_users_language(client: PageClient, bot: BotSide) -> None:
    stream = await client.stream(BOB)
    await stream.next("snapshot")
    await bot.call("setMyCommands", commands=[{"command": "start", "description": "主菜单"}])
    await bot.call("setMyCommands", commands=[{"command": "start", "description": "Main menu"}], language_code="en")
    await stream.next("commands")
    assert (await stream.next("commands"))["commands"] == [{"command": "start", "description": "Main menu"}]
    assert (await client.get(f"/api/users/{ALICE}/commands"))["commands"] == [{"command": "start", "description": "主菜单"}]
    assert (await client.get(f"/api/users/{BOB}/commands"))["commands"][0]["description"] == "Main menu"


async def test_photos_show_inline_and_documents_only_download(client: PageClient, bot: BotSide) -> None:
    image = png()
    photo = await bot.call("sendPhoto", chat_id=ALICE, photo=UploadedFile("card.png", image, "image/png"))
    page_html = b"<script>alert(1)</script>"
    document = await bot.call(
        "sendDocument", chat_id=ALICE, document=UploadedFile("report.html", page_html, "text/html")
    )
    history = (await client.get(f"/api/users/{ALICE}/messages"))["messages"]
    photo_id, document_id = history[0]["photo_file_id"], history[1]["document_file_id"]
    assert photo_id == photo["photo"][-1]["file_id"] and document_id == document["document"]["file_id"]

    async with client.session.get(f"{client.url}/api/files/{photo_id}") as response:
        assert response.status == 200 and response.content_type == "image/png" and await response.read() == image
        assert "Content-Disposition" not in response.headers
    async with client.session.get(f"{client.url}/api/files/{document_id}?download=1") as response:
        assert await response.read() == page_html
        assert response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''report.html"
        assert response.headers["Content-Security-Policy"] == "sandbox"
    async with client.session.get(f"{client.url}/api/files/nope") as response:
        assert response.status == 404


# --- payments ----------------------------------------------------------------------------------

INVOICE = {
    "title": "Gift card",
    "description": "A 12.34 gift card",
    "payload": "gift-1234",
    "provider_token": "TEST:sandbox",
    "currency": "CNY",
    "prices": [{"label": "Gift card", "amount": 1234}],
}


async def test_paying_an_invoice_runs_pre_checkout_then_successful_payment(client: PageClient, bot: BotSide) -> None:
    stream = await client.stream(ALICE)
    await stream.next("snapshot")
    invoice = await bot.call("sendInvoice", chat_id=ALICE, **INVOICE)
    card = (await stream.next("message"))["message"]
    assert card["kind"] == "invoice" and card["invoice"]["total_amount"] == 1234

    async def bot_approves() -> dict[str, Any]:
        query = await bot.next_update("pre_checkout_query")
        assert query["invoice_payload"] == "gift-1234" and query["total_amount"] == 1234
        await bot.call("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=True)
        return await bot.next_update("message")

    approving = asyncio.create_task(bot_approves())
    result = await client.post(f"/api/users/{ALICE}/pay", {"message_id": invoice["message_id"]})
    paid = (await approving)["successful_payment"]
    assert result["ok"] and result["charge_id"] == paid["telegram_payment_charge_id"]
    assert paid["invoice_payload"] == "gift-1234" and paid["currency"] == "CNY"
    shown = (await stream.next("message"))["message"]
    assert shown["kind"] == "payment" and shown["successful_payment"]["total_amount"] == 1234


async def test_a_refused_payment_returns_the_bots_reason(client: PageClient, bot: BotSide) -> None:
    invoice = await bot.call("sendInvoice", chat_id=BOB, **INVOICE)

    async def bot_refuses() -> None:
        query = await bot.next_update("pre_checkout_query")
        await bot.call("answerPreCheckoutQuery", pre_checkout_query_id=query["id"], ok=False, error_message="Sold out")

    refusing = asyncio.create_task(bot_refuses())
    result = await client.post(f"/api/users/{BOB}/pay", {"message_id": invoice["message_id"]})
    await refusing
    assert result == {"ok": False, "error_message": "Sold out", "charge_id": None}
    text = await bot.call("sendMessage", chat_id=BOB, text="not an invoice")
    await client.post(f"/api/users/{BOB}/pay", {"message_id": text["message_id"]}, status=400)


# --- run_bot.py from the command line ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No token and no settings from the developer's shell; the database in a temporary folder."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_FROM_SHELL}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'sandbox.sqlite3'}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


SETTINGS_FROM_SHELL = {"BOT_TOKEN", "TELEGRAM_API_BASE", "WEBHOOK_URL", "REDIS_URL", "OWNER_IDS", "SANDBOX_PORT"}


async def test_run_bot_sandbox_prints_the_address_and_serves_the_page(tmp_path: Path) -> None:
    port = free_port()
    with (tmp_path / "stderr.log").open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "run_bot.py"), "--sandbox", "--port", str(port),
            cwd=tmp_path, env=clean_env(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=stderr,
        )
        try:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            assert line.decode().strip() == f"Open http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/") as response:
                assert response.status == 200 and "member-bot" in await response.text()
        finally:
            process.terminate()
            code = await asyncio.wait_for(process.wait(), 20)
    log = (tmp_path / "stderr.log").read_text()
    assert code == 0 and "Traceback" not in log, log
    assert (tmp_path / "sandbox.sqlite3").exists()  # the embedded database, as outside the sandbox


async def test_run_bot_without_a_token_exits_2_and_suggests_the_sandbox(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"),
        cwd=tmp_path, env=clean_env(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "BOT_TOKEN" in stderr.decode() and "--sandbox" in stderr.decode()


async def test_a_taken_port_exits_2_with_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # run_sandbox owns its event loop (asyncio.run), as under run_bot.py: give it a thread
        code = await asyncio.to_thread(run_sandbox, settings, port)
    err = capsys.readouterr().err
    assert code == 2
    assert f"127.0.0.1:{port}" in err and "already in use" in err and "--port" in err and "Traceback" not in err
