"""A simulated Telegram user: types, taps buttons, shares contacts and pays, in a private chat with the bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.chat_state import ChatMessage, PendingAnswer, image_size
from sandbox.telegram_html import utf16_len

if TYPE_CHECKING:
    from sandbox.emulator import TelegramEmulator

DEFAULT_TIMEOUT = 5.0
PRE_CHECKOUT_TIMEOUT = 10.0  # Telegram cancels a payment whose pre-checkout query is not answered in 10 s
FORWARDED_CONTACT_OFFSET = 1_000_000  # user_id of "someone else's" contact: far from the sender's own id


class SimUser:
    """One user and their private chat (chat id == user id).

    Actions return as soon as the update is queued; the bot answers asynchronously, so tests
    follow with expect_message(), press() (which waits for the callback answer) or wait_for().
    """

    def __init__(
        self,
        emulator: TelegramEmulator,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone_number: str | None = None,
    ) -> None:
        self.emulator = emulator
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        # what a request_contact button shares: a valid mainland-China mobile number by default
        self.phone_number = phone_number or f"+86138{user_id % 10**8:08d}"
        self.history: list[ChatMessage] = []  # both sides, in order
        self.reply_keyboard: dict[str, Any] | None = None
        self.blocked = False
        self.has_chat = False  # Telegram lets a bot write only to users who wrote to it first
        self._cursor = 0  # how many bot messages expect_message() has returned

    # --- identity -----------------------------------------------------------------------------

    @property
    def user_dict(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = {"last_name": self.last_name, "username": self.username, "language_code": self.language_code}
        user.update({key: value for key, value in optional.items() if value is not None})
        return user

    @property
    def chat_dict(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        optional = {"last_name": self.last_name, "username": self.username}
        chat.update({key: value for key, value in optional.items() if value is not None})
        return chat

    # --- chat state ---------------------------------------------------------------------------

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat, in order (live objects)."""
        return [message for message in self.history if message.from_bot]

    @property
    def user_messages(self) -> list[ChatMessage]:
        return [message for message in self.history if not message.from_bot]

    @property
    def last_message(self) -> ChatMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    def open_chat(self) -> None:
        """Mark the chat as started without sending anything (a user who pressed Start long ago)."""
        self.has_chat = True

    def block(self) -> None:
        """Block the bot: sends then fail with 403, and the bot gets a my_chat_member update."""
        self._set_blocked(True)

    def unblock(self) -> None:
        self._set_blocked(False)

    def _set_blocked(self, blocked: bool) -> None:
        if self.blocked == blocked:
            return
        self.blocked = blocked
        statuses = ({"status": "member"}, {"status": "kicked", "until_date": 0})
        old, new = statuses if blocked else statuses[::-1]
        bot_user = self.emulator.bot_user
        self.emulator.enqueue_update(
            {
                "my_chat_member": {
                    "chat": self.chat_dict,
                    "from": self.user_dict,
                    "date": self.emulator.now(),
                    "old_chat_member": {**old, "user": bot_user},
                    "new_chat_member": {**new, "user": bot_user},
                }
            }
        )
        self.emulator.emit({"type": "blocked" if blocked else "unblocked", "chat_id": self.id})

    # --- user actions -------------------------------------------------------------------------

    async def send(self, text: str) -> dict[str, Any]:
        """Type and send a text; a leading /command gets its bot_command entity, as clients add it."""
        entities = []
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
        return self._post(kind="text", text=text, entities=entities)

    async def share_contact(
        self, phone_number: str, own: bool = True, first_name: str | None = None, last_name: str | None = None
    ) -> dict[str, Any]:
        """Share a contact: one's own (request_contact button), or forward someone else's."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or (self.first_name if own else "Someone"),
            "user_id": self.id if own else self.id + FORWARDED_CONTACT_OFFSET,
        }
        if last_name or (own and self.last_name):
            contact["last_name"] = last_name or self.last_name
        return self._post(kind="contact", contact=contact)

    async def send_photo(self, data: bytes, caption: str | None = None) -> dict[str, Any]:
        stored = self.emulator.files.add(data, "photo", "photo.jpg", image_size(data) or (100, 100))
        return self._post(kind="photo", photo_file=stored, caption=caption, text=caption or "")

    async def send_document(
        self, data: bytes, file_name: str = "file.bin", caption: str | None = None
    ) -> dict[str, Any]:
        stored = self.emulator.files.add(data, "document", file_name)
        return self._post(kind="document", document_file=stored, caption=caption, text=caption or "")

    def _post(self, **content: Any) -> dict[str, Any]:
        if self.blocked:
            self.unblock()  # writing to a blocked bot means pressing "Restart" first
        self.has_chat = True
        message = self.emulator.add_message(self, from_bot=False, **content)
        telegram = message.to_telegram()
        self.emulator.enqueue_update({"message": telegram})
        return telegram

    async def press(
        self,
        message: ChatMessage,
        text: str | None = None,
        *,
        data: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> str | None:
        """Tap an inline button and wait for the bot's answerCallbackQuery; returns the toast text."""
        button, pending = self.tap(message, text, data=data)
        if not await self.emulator.changes.wait_for(lambda: pending.answered, timeout):
            pending.expired = True
            raise AssertionError(
                f"the bot did not answer the callback query of {button['text']!r} within {timeout} s\n{self.dump()}"
            )
        return pending.text

    def tap(
        self, message: ChatMessage, text: str | None = None, *, data: str | None = None
    ) -> tuple[dict[str, Any], PendingAnswer]:
        """Send an inline button's callback query without waiting: the chat page waits on its own terms."""
        if message.deleted:
            raise AssertionError(f"cannot press a button of deleted message {message.describe()}")
        button = _find_button(message.inline_buttons, text, data, message)
        if "callback_data" not in button:
            raise AssertionError(f"button {button['text']!r} is not a callback button: {button}")
        query_id, pending = self.emulator.open_query(self.id)
        self.emulator.enqueue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user_dict,
                    "message": message.to_telegram(),
                    "chat_instance": str(self.id * 7919),
                    "data": button["callback_data"],
                }
            }
        )
        return button, pending

    async def press_reply(self, text: str) -> dict[str, Any]:
        """Tap a reply-keyboard button: sends its text, or the own contact for request_contact."""
        if not self.reply_keyboard:
            raise AssertionError(f"no reply keyboard is shown\n{self.dump()}")
        rows = [[b if isinstance(b, dict) else {"text": b} for b in row] for row in self.reply_keyboard["keyboard"]]
        button = _find_button(rows, text, None, None)
        if button.get("request_contact"):
            return await self.share_contact(self.phone_number, own=True)
        return await self.send(button["text"])

    async def pay(
        self, invoice_message: ChatMessage, duplicate: bool = False, timeout: float = PRE_CHECKOUT_TIMEOUT
    ) -> dict[str, Any]:
        """Pay an invoice: pre_checkout_query, then (if approved) a successful_payment message."""
        invoice = invoice_message.invoice
        if invoice is None:
            raise AssertionError(f"not an invoice: {invoice_message.describe()}")
        query_id, pending = self.emulator.open_query(self.id, pre_checkout=True)
        self.emulator.enqueue_update(
            {
                "pre_checkout_query": {
                    "id": query_id,
                    "from": self.user_dict,
                    "currency": invoice["currency"],
                    "total_amount": invoice["total_amount"],
                    "invoice_payload": invoice["payload"],
                }
            }
        )
        if not await self.emulator.changes.wait_for(lambda: pending.answered, timeout):
            pending.expired = True
            return {
                "ok": False,
                "error_message": f"pre_checkout_query not answered within {timeout} s",
                "charge_id": None,
            }
        if not pending.ok:
            return {"ok": False, "error_message": pending.error_message, "charge_id": None}
        payment = self.emulator.record_payment(self.id, invoice)
        for _ in range(2 if duplicate else 1):
            self.deliver_payment(payment)
        return {"ok": True, "error_message": None, "charge_id": payment["telegram_payment_charge_id"]}

    def deliver_payment(self, payment: dict[str, Any]) -> None:
        """The successful_payment message of a payment Telegram has taken (also a late or repeated one)."""
        self._post(kind="payment", successful_payment=payment)

    # --- waiting ------------------------------------------------------------------------------

    async def expect_message(self, timeout: float = DEFAULT_TIMEOUT) -> ChatMessage:
        """The next bot message in this chat that no earlier call returned."""
        arrived = await self.emulator.changes.wait_for(lambda: len(self.messages) > self._cursor, timeout)
        if not arrived:
            raise AssertionError(f"no new bot message within {timeout} s\n{self.dump()}")
        message = self.messages[self._cursor]
        self._cursor += 1
        return message

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until predicate() holds; re-checked on every emulator change."""
        if not await self.emulator.changes.wait_for(predicate, timeout):
            raise AssertionError(f"condition not met within {timeout} s\n{self.dump()}")

    def dump(self) -> str:
        """The chat so far, for assertion messages."""
        lines = [f"chat with user {self.id} ({self.first_name}), {self._cursor} bot message(s) already taken:"]
        lines += [f"  {message.describe()}" for message in self.history] or ["  (empty)"]
        if self.reply_keyboard:
            lines.append(f"  reply keyboard: {[b.get('text') for row in self.reply_keyboard['keyboard'] for b in row]}")
        errors = [f"  {record.method}: {record.error}" for record in self.emulator.errors]
        return "\n".join(lines + (["emulator errors:", *errors] if errors else []))


def _find_button(
    rows: list[list[dict[str, Any]]], text: str | None, data: str | None, message: ChatMessage | None
) -> dict[str, Any]:
    """A button by exact text, else by a unique substring, else by callback data."""
    buttons = [button for row in rows for button in row]
    if data is not None:
        matches = [button for button in buttons if button.get("callback_data") == data]
    else:
        matches = [button for button in buttons if button.get("text") == text]
        if not matches and text:
            matches = [button for button in buttons if text in button.get("text", "")]
    if len(matches) != 1:
        where = message.describe() if message else "the reply keyboard"
        labels = [button.get("text") for button in buttons]
        problem = "no" if not matches else "more than one"
        raise AssertionError(f"{problem} button matches {text or data!r} in {where}; buttons: {labels}")
    return matches[0]
