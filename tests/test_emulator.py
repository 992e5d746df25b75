"""The fake Telegram Bot API: real HTTP against it, from aiogram and from raw requests."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.filters import Command, CommandObject
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiohttp import web
from PIL import Image

from sandbox.api_schema import validate_request
from sandbox.emulator import ChatMessage, SimUser, TelegramEmulator
from sandbox.telegram_html import EntityParseError, parse_html, parse_text

TOKEN = "654321:EMULATOR-TEST"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly"
    " the same as a current content and reply markup of the message"
)


def png(width: int = 24, height: int = 16) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


class RawApi:
    """Bot API calls as plain HTTP, to see exactly what the emulator answers."""

    def __init__(self, session: aiohttp.ClientSession, emulator: TelegramEmulator) -> None:
        self.session = session
        self.base = f"{emulator.api_base}/bot{emulator.token}"

    async def __call__(self, method: str, **params: Any) -> dict[str, Any]:
        async with self.session.post(f"{self.base}/{method}", json=params) as response:
            body: dict[str, Any] = await response.json()
            assert (response.status == 200) == body["ok"], body
            return body

    async def form(self, method: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> dict[str, Any]:
        form = aiohttp.FormData()
        for name, value in fields.items():
            form.add_field(name, value)
        for name, (filename, data) in files.items():
            form.add_field(name, data, filename=filename)
        async with self.session.post(f"{self.base}/{method}", data=form) as response:
            result: dict[str, Any] = await response.json()
            return result


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(token=TOKEN, validate=True) as emulator:
        yield emulator


@pytest.fixture
async def api(emu: TelegramEmulator) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as session:
        yield RawApi(session, emu)


class PromptlyClosedSession(AiohttpSession):
    """aiogram waits 250 ms on close for TLS connections; loopback HTTP has none to wait for."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest.fixture
async def aiogram_bot(emu: TelegramEmulator) -> AsyncIterator[Bot]:
    session = PromptlyClosedSession(api=TelegramAPIServer.from_base(emu.api_base))
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


def demo_router(charges: list[str]) -> Router:
    """A tiny bot: enough handlers to play buttons, contacts and payments against the emulator."""
    router = Router()

    @router.message(Command("menu"))
    async def menu(message: Message) -> None:
        buttons = [
            [InlineKeyboardButton(text="Register", callback_data="reg")],
            [InlineKeyboardButton(text="Ignored", callback_data="ignored")],
        ]
        await message.answer("Menu", reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons))

    @router.callback_query(F.data == "reg")
    async def register(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("Registering")
        await query.answer("Welcome")

    @router.message(Command("phone"))
    async def ask_phone(message: Message) -> None:
        keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share my number", request_contact=True)]])
        await message.answer("Your number?", reply_markup=keyboard)

    @router.message(F.contact)
    async def contact(message: Message) -> None:
        assert message.contact and message.from_user
        own = message.contact.user_id == message.from_user.id
        await message.answer("saved" if own else "not your number", reply_markup=ReplyKeyboardRemove())

    @router.message(Command("buy"))
    async def buy(message: Message, command: CommandObject) -> None:
        await message.answer_invoice(
            title="VIP",
            description="One month",
            payload=command.args or "vip",
            currency="XTR",
            prices=[LabeledPrice(label="VIP", amount=50)],
        )

    @router.pre_checkout_query()
    async def pre_checkout(query: PreCheckoutQuery) -> None:
        accept = query.invoice_payload != "sold-out"
        await query.answer(ok=accept, error_message=None if accept else "Sold out")

    @router.message(F.successful_payment)
    async def paid(message: Message) -> None:
        assert message.successful_payment
        charges.append(message.successful_payment.telegram_payment_charge_id)
        await message.answer("paid")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(html.quote(message.text or ""))

    return router


@pytest.fixture
async def charges(emu: TelegramEmulator, aiogram_bot: Bot) -> AsyncIterator[list[str]]:
    """Runs the demo bot with real long polling; yields the charge ids of payments it received."""
    received: list[str] = []
    dispatcher = Dispatcher()
    dispatcher.include_router(demo_router(received))
    polling = asyncio.create_task(
        dispatcher.start_polling(aiogram_bot, handle_signals=False, close_bot_session=False, polling_timeout=10)
    )
    await emu.changes.wait_for(lambda: any(r.method == "getUpdates" for r in emu.requests), 5)
    yield received
    await dispatcher.stop_polling()
    await polling


async def started_user(emu: TelegramEmulator, user_id: int = 1001, **kwargs: Any) -> SimUser:
    user = emu.user(user_id=user_id, first_name="Ann", language_code="zh-hans", username="ann", **kwargs)
    user.open_chat()
    return user


# --- long polling and updates ------------------------------------------------------------------


async def test_long_poll_returns_an_update_sent_while_it_waits(emu: TelegramEmulator, api: RawApi) -> None:
    poll = asyncio.create_task(api("getUpdates", timeout=30))
    await emu.changes.wait_for(lambda: any(r.method == "getUpdates" for r in emu.requests), 5)
    user = emu.user(user_id=1001, first_name="Ann")
    sent = await user.send("/start ref_abc")
    body = await asyncio.wait_for(poll, 5)  # long before the 30 s poll timeout
    [update] = body["result"]
    assert update["message"]["text"] == "/start ref_abc"
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert update["message"]["chat"] == {"id": 1001, "type": "private", "first_name": "Ann"}
    assert sent["message_id"] == update["message"]["message_id"]


async def test_offset_confirms_updates_and_ids_increase(emu: TelegramEmulator, api: RawApi) -> None:
    user = emu.user(user_id=1001, first_name="Ann")
    await user.send("one")
    await user.send("two")
    first = (await api("getUpdates"))["result"]
    assert [u["message"]["text"] for u in first] == ["one", "two"]
    assert first[0]["update_id"] < first[1]["update_id"]
    assert first[0]["message"]["message_id"] < first[1]["message"]["message_id"]
    assert len((await api("getUpdates"))["result"]) == 2  # not confirmed yet
    assert (await api("getUpdates", offset=first[-1]["update_id"] + 1))["result"] == []
    assert (await api("getUpdates"))["result"] == []


async def test_a_resent_update_is_delivered_again(emu: TelegramEmulator, api: RawApi) -> None:
    user = emu.user(user_id=1001, first_name="Ann")
    sent = await user.send("hello")
    [update] = (await api("getUpdates"))["result"]
    emu.enqueue_update({"message": sent}, update_id=emu.last_update_id)
    [again] = (await api("getUpdates", offset=update["update_id"] + 1))["result"]
    assert again == update


async def test_allowed_updates_filters_later_updates(emu: TelegramEmulator, api: RawApi) -> None:
    await api("getUpdates", allowed_updates=["callback_query"])
    await emu.user(user_id=1001, first_name="Ann").send("ignored")
    assert (await api("getUpdates"))["result"] == []


async def test_a_second_poller_terminates_the_first(emu: TelegramEmulator, api: RawApi) -> None:
    first = asyncio.create_task(api("getUpdates", timeout=30))
    await emu.changes.wait_for(lambda: any(r.method == "getUpdates" for r in emu.requests), 5)
    await api("getUpdates", timeout=0)
    body = await asyncio.wait_for(first, 5)
    assert body["error_code"] == 409 and "terminated by other getUpdates request" in body["description"]
    emu.clear_errors()


async def test_aiogram_bot_plays_a_full_dialog(emu: TelegramEmulator, charges: list[str]) -> None:
    user = emu.user(user_id=1001, first_name="Ann", language_code="zh-hans", username="ann")
    await user.send("/menu")
    menu = await user.expect_message()
    assert menu.text == "Menu" and menu.button_texts == ["Register", "Ignored"]
    assert await user.press(menu, "Regis") == "Welcome"  # a unique substring is enough
    assert menu.text == "Registering" and menu.edit_count == 1 and menu.inline_buttons == []
    await user.send("a < b & c")
    echo = await user.expect_message()
    assert echo.text == "a < b & c" and echo.html == "a &lt; b &amp; c" and echo.parse_mode == "HTML"
    assert [m.message_id for m in user.history] == sorted(m.message_id for m in user.history)
    assert emu.errors == []


async def test_press_fails_when_the_bot_does_not_answer_the_callback(emu: TelegramEmulator, charges: list[str]) -> None:
    user = emu.user(user_id=1001, first_name="Ann")
    await user.send("/menu")
    menu = await user.expect_message()
    with pytest.raises(AssertionError, match="did not answer the callback query"):
        await user.press(menu, "Ignored", timeout=0.3)
    with pytest.raises(AssertionError, match="no button matches"):
        await user.press(menu, "Nope")


async def test_expect_message_times_out_with_a_dump_of_the_chat(emu: TelegramEmulator) -> None:
    user = emu.user(user_id=1001, first_name="Ann")
    await user.send("anyone?")
    with pytest.raises(AssertionError, match=r"no new bot message(.|\n)*'anyone\?'"):
        await user.expect_message(timeout=0.05)


# --- contacts and reply keyboards ----------------------------------------------------------------


async def test_shared_contact_is_own_only_from_the_button(emu: TelegramEmulator, charges: list[str]) -> None:
    user = emu.user(user_id=1001, first_name="Ann")
    await user.send("/phone")
    await user.expect_message()
    assert user.reply_keyboard is not None
    await user.share_contact(phone_number="+8613800138000", own=False)
    assert (await user.expect_message()).text == "not your number"
    assert user.user_messages[-1].contact["user_id"] != user.id  # type: ignore[index]
    assert user.reply_keyboard is None  # ReplyKeyboardRemove cleared it
    await user.send("/phone")
    await user.expect_message()
    await user.press_reply("Share my number")
    assert (await user.expect_message()).text == "saved"
    assert user.user_messages[-1].contact == {
        "phone_number": user.phone_number,
        "first_name": "Ann",
        "user_id": 1001,
    }


# --- payments ------------------------------------------------------------------------------------


async def test_stars_payment_flow_with_duplicate_delivery(emu: TelegramEmulator, charges: list[str]) -> None:
    user = emu.user(user_id=1001, first_name="Ann")
    await user.send("/buy")
    invoice = await user.expect_message()
    assert invoice.invoice and invoice.invoice["total_amount"] == 50 and invoice.invoice["currency"] == "XTR"
    result = await user.pay(invoice, duplicate=True)
    assert result["ok"] and result["error_message"] is None
    await user.wait_for(lambda: len(charges) == 2)
    assert charges == [result["charge_id"], result["charge_id"]]
    payments = [m.successful_payment for m in user.user_messages if m.successful_payment]
    assert len(payments) == 2 and payments[0] == payments[1]
    assert emu.errors == []


async def test_declined_and_unanswered_pre_checkout(emu: TelegramEmulator, charges: list[str], api: RawApi) -> None:
    user = emu.user(user_id=1001, first_name="Ann")
    await user.send("/buy sold-out")
    declined = await user.pay(await user.expect_message())
    assert declined == {"ok": False, "error_message": "Sold out", "charge_id": None}
    await user.send("hi")
    await user.expect_message()
    silent = await api(
        "sendInvoice",
        chat_id=user.id,
        title="T",
        description="D",
        payload="p",
        currency="XTR",
        prices=[{"label": "x", "amount": 5}],
    )
    invoice = user.messages[-1]
    assert invoice.message_id == silent["result"]["message_id"]
    await api("getUpdates", allowed_updates=["message"])  # this bot never asks for pre_checkout_query
    unanswered = await user.pay(invoice, timeout=0.2)
    assert unanswered["ok"] is False and "not answered" in unanswered["error_message"]


async def test_invoice_rules_and_refunds(emu: TelegramEmulator, api: RawApi) -> None:
    user = await started_user(emu)
    base = {"chat_id": user.id, "title": "VIP", "description": "Month", "payload": "vip"}
    two_prices = [{"label": "a", "amount": 1}, {"label": "b", "amount": 2}]
    bad = await api("sendInvoice", **base, currency="XTR", prices=two_prices)
    assert bad["description"] == "Bad Request: STARS_INVOICE_INVALID"
    with_token = await api("sendInvoice", **base, currency="XTR", provider_token="x", prices=two_prices[:1])
    assert with_token["description"] == "Bad Request: STARS_INVOICE_INVALID"
    no_provider = await api("sendInvoice", **base, currency="CNY", prices=two_prices)
    assert no_provider["description"] == "Bad Request: PAYMENT_PROVIDER_INVALID"
    emu.clear_errors()
    await api("sendInvoice", **base, currency="XTR", prices=two_prices[:1])
    pay = asyncio.create_task(user.pay(user.messages[-1]))
    [update] = [u for u in (await api("getUpdates", timeout=5))["result"] if "pre_checkout_query" in u]
    await api("answerPreCheckoutQuery", pre_checkout_query_id=update["pre_checkout_query"]["id"], ok=True)
    charge = (await pay)["charge_id"]
    assert (await api("refundStarPayment", user_id=user.id, telegram_payment_charge_id=charge))["result"] is True
    again = await api("refundStarPayment", user_id=user.id, telegram_payment_charge_id=charge)
    assert again["description"] == "Bad Request: CHARGE_ALREADY_REFUNDED"
    unknown = await api("refundStarPayment", user_id=user.id, telegram_payment_charge_id="nope")
    assert unknown["description"] == "Bad Request: CHARGE_NOT_FOUND"


# --- schema validation ---------------------------------------------------------------------------


async def test_schema_rejects_unknown_missing_and_mistyped_parameters(emu: TelegramEmulator, api: RawApi) -> None:
    user = await started_user(emu)
    unknown = await api("sendMessage", chat_id=user.id, text="x", colour="red")
    assert unknown["description"] == 'Bad Request: unknown parameter "colour"'
    missing = await api("sendMessage", chat_id=user.id)
    assert missing["description"] == 'Bad Request: parameter "text" is required'
    mistyped = await api("sendMessage", chat_id=user.id, text="x", disable_notification="maybe")
    assert mistyped["description"] == 'Bad Request: parameter "disable_notification" must be of type Boolean'
    keyboard = {"inline_keyboard": [[{"callback_data": "x"}]]}
    nested = await api("sendMessage", chat_id=user.id, text="x", reply_markup=keyboard)
    assert "reply_markup.inline_keyboard[0][0].text" in nested["description"]
    assert [r.method for r in emu.errors] == ["sendMessage"] * 4
    assert user.messages == []


async def test_unknown_and_unsupported_methods(emu: TelegramEmulator, api: RawApi) -> None:
    assert (await api("sendTelepathy", chat_id=1))["error_code"] == 404
    unsupported = await api("sendDice", chat_id=1)
    assert unsupported["description"] == "Bad Request: method not supported by the emulator"
    assert (await api("GETME"))["result"]["id"] == 654321  # method names are case-insensitive
    assert len(emu.errors) == 2


async def test_request_and_error_logs_keep_only_the_latest_records() -> None:
    """A long sandbox session must not grow memory without bound: the oldest records are dropped."""
    emulator = TelegramEmulator(token=TOKEN, max_requests=5, max_errors=2)
    for _ in range(4):
        await emulator.execute("getMe", {})
    for number in range(4):
        await emulator.execute("sendTelepathy", {"chat_id": number})
    assert [record.method for record in emulator.requests] == ["getMe"] + ["sendTelepathy"] * 4
    assert [record.params["chat_id"] for record in emulator.errors] == [2, 3]
    emulator.clear_errors()
    assert emulator.errors == [] and len(emulator.requests) == 5
    default = TelegramEmulator(token=TOKEN)
    for _ in range(10_050):
        await default.execute("sendTelepathy", {})
    assert (len(default.requests), len(default.errors)) == (10_000, 1_000)


def test_validate_request_checks_objects_recursively() -> None:
    scope_without_chat = {"commands": [{"command": "a", "description": "b"}], "scope": {"type": "chat"}}
    assert 'field "scope.chat_id" is required' in (validate_request("setMyCommands", scope_without_chat) or "")
    assert validate_request("setMyCommands", {**scope_without_chat, "scope": {"type": "default"}}) is None
    assert validate_request("noSuchMethod", {}) == "Not Found"
    button = {"text": "x", "callback_data": 5}
    markup = {"chat_id": 1, "text": "t", "reply_markup": {"inline_keyboard": [[button]]}}
    assert "callback_data" in (validate_request("sendMessage", markup) or "")


async def test_form_data_and_query_string_requests(emu: TelegramEmulator, api: RawApi) -> None:
    user = await started_user(emu)
    markup = '{"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}'
    body = await api.form(
        "sendMessage", {"chat_id": str(user.id), "text": "<b>hi</b>", "parse_mode": "HTML", "reply_markup": markup}, {}
    )
    assert body["ok"] and body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    async with api.session.get(f"{api.base}/sendMessage", params={"chat_id": str(user.id), "text": "q"}) as reply:
        assert (await reply.json())["ok"]
    assert [m.text for m in user.messages] == ["hi", "q"] and user.messages[0].button_texts == ["Go"]


async def test_wrong_token_is_unauthorized(emu: TelegramEmulator) -> None:
    async with aiohttp.ClientSession() as session, session.post(f"{emu.api_base}/bot1:WRONG/getMe") as response:
        assert response.status == 401 and (await response.json())["description"] == "Unauthorized"


# --- texts and formatting ------------------------------------------------------------------------


async def test_text_length_limits_count_after_entity_parsing(emu: TelegramEmulator, api: RawApi) -> None:
    user = await started_user(emu)
    assert (await api("sendMessage", chat_id=user.id, text="<b>" + "a" * 4096 + "</b>", parse_mode="HTML"))["ok"]
    too_long = await api("sendMessage", chat_id=user.id, text="中" * 4097)
    assert too_long["description"] == "Bad Request: message is too long"
    for empty in ("", "   ", "<b> </b>"):
        body = await api("sendMessage", chat_id=user.id, text=empty, parse_mode="HTML")
        assert body["description"] == "Bad Request: message text is empty"


async def test_html_parse_errors_are_refused_with_telegram_wording(emu: TelegramEmulator, api: RawApi) -> None:
    user = await started_user(emu)
    body = await api("sendMessage", chat_id=user.id, text="Hi <name>", parse_mode="HTML")
    assert body["description"] == 'Bad Request: can\'t parse entities: Unsupported start tag "name" at byte offset 3'
    assert emu.errors[-1].error == body["description"]


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("中 <b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("1 > 2", "Character '>' is reserved"),
        ("Tom & Jerry", "Character '&' is reserved"),
        ("&nbsp;", "Character '&' is reserved"),
        ('<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_html_parser_rejects(source: str, detail: str) -> None:
    with pytest.raises(EntityParseError) as raised:
        parse_html(source)
    assert str(raised.value).startswith(f"Bad Request: can't parse entities: {detail}")


def test_html_parser_builds_entities() -> None:
    parsed = parse_html(
        '<b>bold</b> <a href="https://x.org/?a=1&b=2">link</a> &lt;&#33;&#x21;&quot;&amp;&gt; '
        '<tg-spoiler>s</tg-spoiler><pre><code class="language-py">p</code></pre>'
        "<blockquote expandable>q</blockquote>"
    )
    assert parsed.text == 'bold link <!!"&> sp' + "q"
    types = [(e["type"], e["offset"], e["length"]) for e in parsed.entities]
    assert types == [
        ("bold", 0, 4),
        ("text_link", 5, 4),
        ("spoiler", 17, 1),
        ("pre", 18, 1),
        ("expandable_blockquote", 19, 1),
    ]
    assert parsed.entities[1]["url"] == "https://x.org/?a=1&b=2" and parsed.entities[3]["language"] == "py"
    emoji = parse_html("😀<i>x</i>")  # entity offsets count UTF-16 code units
    assert emoji.entities == [{"type": "italic", "offset": 2, "length": 1}]
    assert parse_text("  <b>x</b>  ", "HTML").entities == [{"type": "bold", "offset": 0, "length": 1}]


async def test_caption_limit_and_html_in_captions(emu: TelegramEmulator, api: RawApi) -> None:
    user = await started_user(emu)
    photo = {"photo": ("card.png", png())}
    too_long = await api.form("sendPhoto", {"chat_id": str(user.id), "caption": "x" * 1025}, photo)
    assert too_long["description"] == "Bad Request: message caption is too long"
    broken = await api.form("sendPhoto", {"chat_id": str(user.id), "caption": "<x>", "parse_mode": "HTML"}, photo)
    assert broken["description"].startswith("Bad Request: can't parse entities:")
    ok = await api.form("sendPhoto", {"chat_id": str(user.id), "caption": "<i>M0001</i>", "parse_mode": "HTML"}, photo)
    assert ok["result"]["caption"] == "M0001" and user.last_message and user.last_message.caption == "M0001"


# --- keyboards -----------------------------------------------------------------------------------


async def test_inline_keyboard_limits(emu: TelegramEmulator, api: RawApi) -> None:
    user = await started_user(emu)

    async def send(buttons: list[list[dict[str, Any]]]) -> dict[str, Any]:
        return await api("sendMessage", chat_id=user.id, text="k", reply_markup={"inline_keyboard": buttons})

    assert (await send([[{"text": "a", "callback_data": "会" * 21}]]))["ok"]  # 63 bytes
    too_long_data = await send([[{"text": "a", "callback_data": "会" * 22}]])  # 66 bytes
    assert too_long_data["description"] == "Bad Request: BUTTON_DATA_INVALID"
    many = [[{"text": str(i), "callback_data": str(i)} for i in range(row, row + 8)] for row in range(0, 104, 8)]
    assert (await send(many))["description"] == "Bad Request: reply markup is too long"
    assert "Text buttons are unallowed" in (await send([[{"text": "bare"}]]))["description"]


# --- editing and deleting ------------------------------------------------------------------------


async def test_edit_rules(emu: TelegramEmulator, api: RawApi) -> None:
    user = await started_user(emu)
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    sent = await api("sendMessage", chat_id=user.id, text="<b>Hi</b>", parse_mode="HTML", reply_markup=markup)
    message_id = sent["result"]["message_id"]
    same = await api(
        "editMessageText",
        chat_id=user.id,
        message_id=message_id,
        text="<b>Hi</b>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert same["description"] == NOT_MODIFIED
    same_markup = await api("editMessageReplyMarkup", chat_id=user.id, message_id=message_id, reply_markup=markup)
    assert same_markup["description"] == NOT_MODIFIED
    edited = await api("editMessageText", chat_id=user.id, message_id=message_id, text="<b>Hi</b>", parse_mode="HTML")
    assert "reply_markup" not in edited["result"] and "edit_date" in edited["result"]  # omitted markup is removed
    missing = await api("editMessageText", chat_id=user.id, message_id=9999, text="x")
    assert missing["description"] == "Bad Request: message to edit not found"
    user_message = await user.send("mine")
    theirs = await api("editMessageText", chat_id=user.id, message_id=user_message["message_id"], text="x")
    assert theirs["description"] == "Bad Request: message can't be edited"
    assert user.messages[0].edit_count == 1 and user.messages[0].inline_buttons == []


async def test_delete_rules(emu: TelegramEmulator, api: RawApi) -> None:
    ann, bob = await started_user(emu, 1001), await started_user(emu, 1002)
    password = await ann.send("secret password")
    assert (await api("deleteMessage", chat_id=ann.id, message_id=password["message_id"]))["result"] is True
    assert ann.user_messages[0].deleted
    twice = await api("deleteMessage", chat_id=ann.id, message_id=password["message_id"])
    assert twice["description"] == "Bad Request: message to delete not found"
    bobs = await bob.send("bob's")
    other_chat = await api("deleteMessage", chat_id=ann.id, message_id=bobs["message_id"])
    assert other_chat["description"] == "Bad Request: message can't be deleted"
    old = await ann.send("old")
    ann.user_messages[-1].date -= 49 * 3600
    too_old = await api("deleteMessage", chat_id=ann.id, message_id=old["message_id"])
    assert too_old["description"] == "Bad Request: message can't be deleted"
    missing = await api("deleteMessage", chat_id=ann.id, message_id=123456)
    assert missing["description"] == "Bad Request: message to delete not found"


# --- chats ---------------------------------------------------------------------------------------


async def test_chat_not_found_and_blocked_user(emu: TelegramEmulator, aiogram_bot: Bot, api: RawApi) -> None:
    stranger = emu.user(user_id=2002, first_name="Never wrote")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await aiogram_bot.send_message(stranger.id, "hello")
    user = await started_user(emu)
    user.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await aiogram_bot.send_message(user.id, "hello")
    [update] = (await api("getUpdates"))["result"]
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    user.unblock()
    assert (await aiogram_bot.send_message(user.id, "back")).text == "back"
    assert [e.error for e in emu.errors] == ["Bad Request: chat not found", "Forbidden: bot was blocked by the user"]


async def test_answering_an_unknown_callback_query(emu: TelegramEmulator, api: RawApi) -> None:
    body = await api("answerCallbackQuery", callback_query_id="42")
    assert body["description"] == "Bad Request: query is too old and response timeout expired or query ID is invalid"


# --- webhook -------------------------------------------------------------------------------------


async def test_webhook_delivery_with_secret_and_retries(emu: TelegramEmulator, api: RawApi) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    statuses = [500]  # the first attempt fails: Telegram retries

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        if statuses:
            return web.Response(status=statuses.pop())
        update = received[-1][1]
        return web.json_response({"method": "sendMessage", "chat_id": update["message"]["chat"]["id"], "text": "ok"})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        assert (await api("setWebhook", url=url, secret_token="s3cret"))["result"] is True
        conflict = await api("getUpdates")
        assert conflict["error_code"] == 409 and conflict["description"].startswith("Conflict: can't use getUpdates")
        emu.clear_errors()
        user = emu.user(user_id=1001, first_name="Ann")
        await user.send("via webhook")
        reply = await user.expect_message()  # the webhook's answer was executed as a method call
        assert reply.text == "ok"
        assert [secret for secret, _ in received] == ["s3cret", "s3cret"]
        assert received[0][1] == received[1][1] and received[0][1]["message"]["text"] == "via webhook"
        info = (await api("getWebhookInfo"))["result"]
        assert info["url"] == url and info["pending_update_count"] == 0 and "500" in info["last_error_message"]
        await api("deleteWebhook")
        assert (await api("getUpdates"))["ok"]
    finally:
        await runner.cleanup()
    assert emu.errors == []


# --- commands ------------------------------------------------------------------------------------


async def test_commands_for_resolves_scope_then_language(emu: TelegramEmulator, aiogram_bot: Bot) -> None:
    staff = await started_user(emu, 1001)
    member = await started_user(emu, 1002)

    def commands(*names: str) -> list[dict[str, str]]:
        return [{"command": name, "description": f"{name}!"} for name in names]

    await aiogram_bot.set_my_commands(commands("start"))  # type: ignore[arg-type]
    await aiogram_bot.set_my_commands(commands("start", "zh"), language_code="zh")  # type: ignore[arg-type]
    assert emu.commands_for(member.id, "en") == commands("start")
    assert emu.commands_for(member.id, "zh-hans") == commands("start", "zh")  # primary subtag fallback
    await aiogram_bot.set_my_commands(commands("private"), scope={"type": "all_private_chats"})  # type: ignore[arg-type]
    assert emu.commands_for(member.id, "zh-hans") == commands("private")  # scope outranks language
    await aiogram_bot.set_my_commands(commands("staff"), scope={"type": "chat", "chat_id": staff.id})  # type: ignore[arg-type]
    assert emu.commands_for(staff.id, "en") == commands("staff")
    assert emu.commands_for(member.id, "en") == commands("private")
    await aiogram_bot.delete_my_commands(scope={"type": "all_private_chats"})  # type: ignore[arg-type]
    assert emu.commands_for(member.id, "zh") == commands("start", "zh")
    mine = await aiogram_bot.get_my_commands(language_code="zh")
    assert [c.command for c in mine] == ["start", "zh"]
    assert emu.errors == []


@pytest.mark.parametrize(
    ("command", "description", "language"),
    [("Start", "x", None), ("a" * 33, "x", None), ("ok", "", None), ("ok", "d" * 257, None), ("ok", "x", "zh-hans")],
)
async def test_invalid_commands_are_refused(
    emu: TelegramEmulator, api: RawApi, command: str, description: str, language: str | None
) -> None:
    extra = {"language_code": language} if language else {}
    body = await api("setMyCommands", commands=[{"command": command, "description": description}], **extra)
    assert body["description"] in ("Bad Request: BOT_COMMAND_INVALID", "Bad Request: LANG_CODE_INVALID")
    assert emu.commands == {}


async def test_chat_scope_needs_a_known_chat(emu: TelegramEmulator, api: RawApi) -> None:
    scope = {"type": "chat", "chat_id": 5555}
    body = await api("setMyCommands", commands=[{"command": "a", "description": "b"}], scope=scope)
    assert body["description"] == "Bad Request: chat not found"


# --- injected errors -----------------------------------------------------------------------------


async def test_injected_429_carries_retry_after(emu: TelegramEmulator, aiogram_bot: Bot, api: RawApi) -> None:
    ann, bob = await started_user(emu, 1001), await started_user(emu, 1002)
    emu.inject_error("sendMessage", chat_id=ann.id, retry_after=3, times=1)
    assert (await aiogram_bot.send_message(bob.id, "other chat")).text == "other chat"
    with pytest.raises(TelegramRetryAfter) as raised:
        await aiogram_bot.send_message(ann.id, "x")
    assert raised.value.retry_after == 3
    assert (await aiogram_bot.send_message(ann.id, "x")).text == "x"  # only once
    emu.inject_error("sendMessage", error_code=403, description="Forbidden: user is deactivated")
    body = await api("sendMessage", chat_id=ann.id, text="x")
    assert body == {"ok": False, "error_code": 403, "description": "Forbidden: user is deactivated"}
    assert emu.errors == [] and sum(r.injected for r in emu.requests) == 2


# --- files ---------------------------------------------------------------------------------------


async def test_upload_reuse_and_download(emu: TelegramEmulator, aiogram_bot: Bot, api: RawApi) -> None:
    user = await started_user(emu)
    image = png(40, 30)
    sent = await aiogram_bot.send_photo(user.id, BufferedInputFile(image, "card.png"), caption="<b>card</b>")
    assert sent.photo and (sent.photo[-1].width, sent.photo[-1].height) == (40, 30) and sent.caption == "card"
    assert user.last_message and user.last_message.photo == image
    file_id = sent.photo[-1].file_id
    again = await aiogram_bot.send_photo(user.id, file_id)
    assert again.photo and again.photo[-1].file_id == file_id
    downloaded = await aiogram_bot.download(file_id)
    assert downloaded is not None and downloaded.read() == image == emu.file_bytes(file_id)
    document = await aiogram_bot.send_document(user.id, BufferedInputFile(b'{"a": 1}', "mydata.json"))
    assert document.document and document.document.file_name == "mydata.json"
    assert user.last_message and user.last_message.document == b'{"a": 1}'
    assert user.last_message.document_name == "mydata.json"
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await aiogram_bot.send_photo(user.id, BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await aiogram_bot.send_photo(user.id, "no-such-file-id")
    assert len(emu.errors) == 2


async def test_user_photo_reaches_the_bot(emu: TelegramEmulator, api: RawApi) -> None:
    user = emu.user(user_id=1001, first_name="Ann")
    image = png()
    await user.send_photo(image, caption="receipt")
    [update] = (await api("getUpdates"))["result"]
    file_id = update["message"]["photo"][-1]["file_id"]
    file_path = (await api("getFile", file_id=file_id))["result"]["file_path"]
    async with api.session.get(f"{emu.api_base}/file/bot{emu.token}/{file_path}") as response:
        assert await response.read() == image


# --- listeners -----------------------------------------------------------------------------------


async def test_listeners_see_every_chat_change(emu: TelegramEmulator, api: RawApi) -> None:
    events: list[dict[str, Any]] = []
    emu.add_listener(events.append)
    user = await started_user(emu)
    sent = await api("sendMessage", chat_id=user.id, text="hi")
    await api("editMessageText", chat_id=user.id, message_id=sent["result"]["message_id"], text="hey")
    await api("deleteMessage", chat_id=user.id, message_id=sent["result"]["message_id"])
    await api("setMyCommands", commands=[{"command": "start", "description": "Start"}])
    assert [e["type"] for e in events] == ["message", "edit", "delete", "commands"]
    message: ChatMessage = user.messages[0]
    assert events[1]["message"] == message.to_dict() | {"deleted": False} and message.deleted


async def test_stop_does_not_wait_for_a_long_poll() -> None:
    emulator = TelegramEmulator(token=TOKEN)
    await emulator.start()
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(RawApi(session, emulator)("getUpdates", timeout=30))
        await emulator.changes.wait_for(lambda: any(r.method == "getUpdates" for r in emulator.requests), 5)
        await asyncio.wait_for(emulator.stop(), 3)
        assert (await poll)["result"] == []
