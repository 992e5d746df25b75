"""The Bot API methods the emulator implements, each enforcing Telegram's limits with Telegram's error texts."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sandbox.api_schema import BotApiError, UploadedFile, bad_request
from sandbox.chat_state import ChatMessage, StoredFile, image_size
from sandbox.telegram_html import FormattedText, FormattingError, parse_text

if TYPE_CHECKING:
    from sandbox.emulator import TelegramEmulator
    from sandbox.sim_user import SimUser

Handler = Callable[[dict[str, Any]], Awaitable[Any]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_TOAST = 200
MAX_COMMANDS = 100
DELETE_WINDOW = 48 * 3600
MAX_PHOTO_BYTES = 10 * 2**20
MAX_DOCUMENT_BYTES = 50 * 2**20
MAX_PHOTO_SIDES = 10000
MAX_PHOTO_RATIO = 20
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
LANGUAGE_CODE = re.compile(r"[a-z]{2}")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
CURRENCY = re.compile(r"[A-Z]{3}")
BUTTON_URL = re.compile(r"(https?|tg)://\S+")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same"
    " as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
# Keys of an inline button that make it do something; a button with none of them is refused.
_BUTTON_LOOKS = frozenset({"text", "style", "icon_custom_emoji_id"})


class BotMethods:
    """One coroutine per supported method; each reads the emulator's state and raises BotApiError."""

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emu = emulator

    def handlers(self) -> dict[str, Handler]:
        return {
            "getMe": self.get_me,
            "logOut": self.no_op,
            "close": self.no_op,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "getChat": self.get_chat,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendChatAction": self.send_chat_action,
            "sendInvoice": self.send_invoice,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "answerCallbackQuery": self.answer_callback_query,
            "answerPreCheckoutQuery": self.answer_pre_checkout_query,
            "refundStarPayment": self.refund_star_payment,
            "getFile": self.get_file,
        }

    # --- bot and updates ----------------------------------------------------------------------

    async def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.emu.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def no_op(self, params: dict[str, Any]) -> bool:
        return True

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return await self.emu.updates.get_updates(
            offset=params.get("offset"),
            limit=params.get("limit", 100),
            timeout=params.get("timeout", 0),
            allowed_updates=params.get("allowed_updates"),
        )

    async def set_webhook(self, params: dict[str, Any]) -> bool:
        url = params["url"]
        if not url:
            self.emu.updates.delete_webhook(bool(params.get("drop_pending_updates")))
            return True
        # Telegram demands https; plain http is allowed here because bots under test listen on loopback.
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        self.emu.updates.set_webhook(
            url,
            secret,
            params.get("allowed_updates"),
            bool(params.get("drop_pending_updates")),
            params.get("max_connections", 40),
        )
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        self.emu.updates.delete_webhook(bool(params.get("drop_pending_updates")))
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.emu.updates.webhook_info()

    # --- commands, menu button, chats ---------------------------------------------------------

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if len(commands) > MAX_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not COMMAND_NAME.fullmatch(command["command"]) or not 1 <= len(command["description"]) <= 256:
                raise bad_request("BOT_COMMAND_INVALID")
        listed = [{"command": c["command"], "description": c["description"]} for c in commands]
        self.emu.set_commands(self._commands_key(params), listed)
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self.emu.commands.get(self._commands_key(params), []))

    async def delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.emu.set_commands(self._commands_key(params), [])
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
        language = params.get("language_code") or ""
        if language and not LANGUAGE_CODE.fullmatch(language):
            raise bad_request("LANG_CODE_INVALID")
        scope = params.get("scope") or {"type": "default"}
        kind = scope["type"]
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat = self._chat(scope["chat_id"])
            return ((kind, chat.id, scope["user_id"]) if kind == "chat_member" else (kind, chat.id)), language
        return (kind,), language

    async def set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        chat_id = self._chat(params["chat_id"]).id if params.get("chat_id") is not None else None
        button = params.get("menu_button") or {"type": "default"}
        self.emu.menu_buttons[chat_id] = button
        self.emu.emit({"type": "menu_button", "chat_id": chat_id, "menu_button": button})
        return True

    async def get_chat_menu_button(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(params["chat_id"]).id if params.get("chat_id") is not None else None
        buttons = self.emu.menu_buttons
        return buttons.get(chat_id) or buttons.get(None) or {"type": "default"}

    async def get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._chat(params["chat_id"])
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels")
        return {
            **user.chat_dict,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {name: True for name in gifts},
        }

    # --- sending ------------------------------------------------------------------------------

    async def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._recipient(params["chat_id"])
        text = self._text(params)
        message = self.emu.add_message(
            user,
            from_bot=True,
            text=text.text,
            entities=text.entities,
            html=params["text"],
            parse_mode=params.get("parse_mode"),
            reply_markup=self._markup(params.get("reply_markup")),
            reply_to=self._reply_target(user, params),
        )
        return message.to_telegram()

    async def send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media(params, "photo")

    async def send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media(params, "document")

    async def _send_media(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        user = self._recipient(params["chat_id"])
        caption = self._caption(params)
        markup = self._markup(params.get("reply_markup"))
        stored = self._input_file(params[kind], kind)
        message = self.emu.add_message(
            user,
            from_bot=True,
            kind=kind,
            text=caption.text,
            caption=caption.text or None,
            entities=caption.entities,
            html=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            reply_to=self._reply_target(user, params),
            **{f"{kind}_file": stored},
        )
        return message.to_telegram()

    async def send_chat_action(self, params: dict[str, Any]) -> bool:
        user = self._recipient(params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.emu.emit({"type": "chat_action", "chat_id": user.id, "action": params["action"]})
        return True

    async def send_invoice(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._recipient(params["chat_id"])
        _check_invoice(params)
        invoice = {
            "title": params["title"],
            "description": params["description"],
            "payload": params["payload"],
            "currency": params["currency"],
            "prices": params["prices"],
            "total_amount": sum(price["amount"] for price in params["prices"]),
            "start_parameter": params.get("start_parameter", ""),
        }
        message = self.emu.add_message(
            user,
            from_bot=True,
            kind="invoice",
            text=f"{params['title']}\n{params['description']}",
            invoice=invoice,
            reply_markup=self._markup(params.get("reply_markup")),
            reply_to=self._reply_target(user, params),
        )
        return message.to_telegram()

    # --- editing and deleting -----------------------------------------------------------------

    async def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._edit_target(params)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text = self._text(params)
        markup = self._markup(params.get("reply_markup"))
        return self._apply_edit(message, text, markup, html=params["text"], parse_mode=params.get("parse_mode"))

    async def edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._edit_target(params)
        if message.kind not in ("photo", "document"):
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        markup = self._markup(params.get("reply_markup"))
        return self._apply_edit(
            message,
            caption,
            markup,
            caption=caption.text or None,
            html=params.get("caption"),
            parse_mode=params.get("parse_mode"),
        )

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._edit_target(params)
        current = FormattedText(message.text, message.entities)
        return self._apply_edit(message, current, self._markup(params.get("reply_markup")))

    def _edit_target(self, params: dict[str, Any]) -> ChatMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        user = self._chat(params["chat_id"])
        message = self.emu.find_message(params["message_id"])
        if message is None or message.deleted or message.chat_id != user.id:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _apply_edit(
        self, message: ChatMessage, content: FormattedText, markup: dict[str, Any] | None, **fields: Any
    ) -> dict[str, Any]:
        """Telegram refuses an edit that changes nothing the user sees; omitting reply_markup removes it."""
        if (content.text, content.entities, markup) == (message.text, message.entities, message.inline_markup):
            raise bad_request(NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = content.text, content.entities, markup
        for name, value in fields.items():
            setattr(message, name, value)
        self.emu.record_edit(message)
        return message.to_telegram()

    async def delete_message(self, params: dict[str, Any]) -> bool:
        user = self._chat(params["chat_id"])
        message = self.emu.find_message(params["message_id"])
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        if message.chat_id != user.id or self.emu.now() - message.date > DELETE_WINDOW:
            raise bad_request("message can't be deleted")
        self.emu.record_delete(message)
        return True

    async def delete_messages(self, params: dict[str, Any]) -> bool:
        """Deletes what it can and skips the rest, as Telegram does."""
        deleted = 0
        for message_id in params["message_ids"]:
            try:
                await self.delete_message({"chat_id": params["chat_id"], "message_id": message_id})
                deleted += 1
            except BotApiError:
                continue
        if not deleted:
            raise bad_request("message to delete not found")
        return True

    # --- queries and payments -----------------------------------------------------------------

    async def answer_callback_query(self, params: dict[str, Any]) -> bool:
        pending = self.emu.callback_queries.get(params["callback_query_id"])
        if pending is None or not pending.open:
            raise bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if text and len(text) > MAX_TOAST:
            raise bad_request("MESSAGE_TOO_LONG")
        pending.answered, pending.text, pending.show_alert = True, text, bool(params.get("show_alert"))
        self.emu.emit(
            {"type": "callback_answer", "chat_id": pending.chat_id, "text": text, "show_alert": pending.show_alert}
        )
        return True

    async def answer_pre_checkout_query(self, params: dict[str, Any]) -> bool:
        pending = self.emu.pre_checkout_queries.get(params["pre_checkout_query_id"])
        if pending is None or not pending.open:
            raise bad_request(QUERY_TOO_OLD)
        if not params["ok"] and not params.get("error_message"):
            raise bad_request("ERROR_MESSAGE_EMPTY")
        pending.answered, pending.ok, pending.error_message = True, bool(params["ok"]), params.get("error_message")
        self.emu.emit({"type": "pre_checkout_answer", "chat_id": pending.chat_id, "ok": pending.ok})
        return True

    async def refund_star_payment(self, params: dict[str, Any]) -> bool:
        payment = self.emu.payments.get(params["telegram_payment_charge_id"])
        if payment is None or payment["user_id"] != params["user_id"] or payment["currency"] != "XTR":
            raise bad_request("CHARGE_NOT_FOUND")
        if payment["refunded"]:
            raise bad_request("CHARGE_ALREADY_REFUNDED")
        payment["refunded"] = True
        self.emu.emit(
            {"type": "refund", "chat_id": payment["user_id"], "charge_id": params["telegram_payment_charge_id"]}
        )
        return True

    async def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.emu.files.get(params["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.as_file()

    # --- shared checks ------------------------------------------------------------------------

    def _chat(self, chat_id: Any) -> SimUser:
        """The private chat with this id, if the user ever wrote to the bot."""
        user = self.emu.users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None or not user.has_chat:
            raise bad_request("chat not found")
        return user

    def _recipient(self, chat_id: Any) -> SimUser:
        user = self._chat(chat_id)
        if user.blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def _format(self, text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None) -> FormattedText:
        try:
            return parse_text(text, parse_mode, entities)
        except FormattingError as error:
            raise BotApiError(400, str(error)) from error

    def _text(self, params: dict[str, Any]) -> FormattedText:
        text = self._format(params.get("text") or "", params.get("parse_mode"), params.get("entities"))
        if not text.text:
            raise bad_request("message text is empty")
        if len(text.text) > MAX_TEXT:
            raise bad_request("message is too long")
        return text

    def _caption(self, params: dict[str, Any]) -> FormattedText:
        caption = self._format(params.get("caption") or "", params.get("parse_mode"), params.get("caption_entities"))
        if len(caption.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return caption

    def _markup(self, markup: dict[str, Any] | None) -> dict[str, Any] | None:
        if not markup:
            return None
        if "inline_keyboard" in markup:
            _check_inline_keyboard(markup["inline_keyboard"])
        return markup

    def _reply_target(self, user: SimUser, params: dict[str, Any]) -> ChatMessage | None:
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply"),
            }
        if not reply:
            return None
        target = self.emu.find_message(reply["message_id"])
        if target is not None and target.chat_id == user.id and not target.deleted:
            return target
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    def _input_file(self, value: Any, kind: str) -> StoredFile:
        """An upload, or a file_id seen before; URLs cannot be fetched from the sandbox."""
        if isinstance(value, UploadedFile):
            return self._store_upload(value, kind)
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        stored = self.emu.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _store_upload(self, upload: UploadedFile, kind: str) -> StoredFile:
        if len(upload.data) > (MAX_PHOTO_BYTES if kind == "photo" else MAX_DOCUMENT_BYTES):
            raise BotApiError(413, "Request Entity Too Large")
        size = (0, 0)
        if kind == "photo":
            size = image_size(upload.data) or (0, 0)
            width, height = size
            if not width or not height:
                raise bad_request("IMAGE_PROCESS_FAILED")
            if width + height > MAX_PHOTO_SIDES or max(size) > MAX_PHOTO_RATIO * min(size):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return self.emu.files.add(upload.data, kind, upload.filename or kind, size)


def _check_inline_keyboard(rows: list[list[dict[str, Any]]]) -> None:
    buttons = [button for row in rows for button in row]
    if len(buttons) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    for button in buttons:
        if not set(button) - _BUTTON_LOOKS:
            raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not BUTTON_URL.fullmatch(str(button["url"])):
            raise bad_request("BUTTON_URL_INVALID")


def _check_invoice(params: dict[str, Any]) -> None:
    """Invoice rules; Telegram Stars (XTR) take exactly one price, no provider token and no tips."""
    if not 1 <= len(params["title"]) <= 32:
        raise bad_request("TITLE_INVALID")
    if not 1 <= len(params["description"]) <= 255:
        raise bad_request("DESCRIPTION_INVALID")
    if not 1 <= len(params["payload"].encode("utf-8")) <= 128:
        raise bad_request("PAYLOAD_INVALID")
    if not CURRENCY.fullmatch(params["currency"]):
        raise bad_request("CURRENCY_INVALID")
    if params["currency"] == "XTR":
        tips = params.get("max_tip_amount") or params.get("suggested_tip_amounts")
        if len(params["prices"]) != 1 or params.get("provider_token") or tips:
            raise bad_request("STARS_INVOICE_INVALID")
    elif not params.get("provider_token"):
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    if sum(price["amount"] for price in params["prices"]) <= 0:
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
