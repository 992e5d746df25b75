"""Answering a button press with a screen: edit the pressed message, unless that would be wrong.

Telegram refuses an edit that changes nothing ("message is not modified"), so a double tap must
not send one; and a button on an old message, far up the chat, is answered with a new message at
the bottom, where the member is looking. Every callback that shows a screen goes through `show`.
"""

from collections import OrderedDict
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.i18n import Translator

# A message older than this is out of sight: the answer comes as a new message.
OLD_MESSAGE = timedelta(minutes=10)
# What this process last put on each message: a double tap's second query still carries the message
# as it was before the first edit, so the query alone cannot tell that the screen is already there.
# (Several bot processes each know their own edits; a miss costs one refused edit, nothing more.)
_SHOWN: OrderedDict[tuple[int, int], tuple[str, list]] = OrderedDict()
_SHOWN_MAX = 10_000


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The text a chat shows for a message sent with parse_mode HTML."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return unescape("".join(parser.parts)).strip()


def _buttons(markup: InlineKeyboardMarkup | None) -> list[list[tuple]]:
    if markup is None:
        return []
    return [
        [(button.text, button.callback_data, button.url) for button in row]
        for row in markup.inline_keyboard
    ]


def shows(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """True when `message` already shows this text (parse_mode HTML) and these buttons."""
    wanted = (plain_text(text), _buttons(markup))
    if _SHOWN.get((message.chat.id, message.message_id)) == wanted:
        return True
    current = (message.text or message.caption or "").strip()
    return (current, _buttons(message.reply_markup)) == wanted


def _remember(message: Message, text: str | None, markup: InlineKeyboardMarkup | None) -> None:
    key = (message.chat.id, message.message_id)
    _SHOWN.pop(key, None)
    if text is not None:
        _SHOWN[key] = (plain_text(text), _buttons(markup))
        if len(_SHOWN) > _SHOWN_MAX:
            _SHOWN.popitem(last=False)


def is_old(message: Message, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    sent = message.date if message.date.tzinfo else message.date.replace(tzinfo=UTC)
    return now - sent > OLD_MESSAGE


async def show(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
    """Put a screen where the member sees it; returns the message that shows it.

    An inaccessible message (too old for Telegram) or an old one gets a new message; a message that
    already shows exactly this is left alone.
    """
    message = callback.message
    if not isinstance(message, Message):
        return await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)
    if is_old(message):
        return await message.answer(text, reply_markup=markup)
    if shows(message, text, markup):
        return message
    if message.text is None:  # a photo or a file: its caption cannot become a text screen
        return await message.answer(text, reply_markup=markup)
    result = await message.edit_text(text, reply_markup=markup)
    _remember(message, text, markup)
    return result if isinstance(result, Message) else message


async def close(callback: CallbackQuery) -> None:
    """Take the buttons off a finished prompt, so no stale Cancel stays behind."""
    message = callback.message
    if isinstance(message, Message) and message.reply_markup is not None:
        _remember(message, None, None)
        await message.edit_reply_markup(reply_markup=None)


# --- prompts of a typed dialog: only the newest one keeps its buttons --------------------------------

async def prompt(message: Message, state: FSMContext, text: str, markup: InlineKeyboardMarkup | None) -> Message:
    """Ask the next question of a dialog; the previous question loses its (now stale) buttons."""
    await close_prompt(message, state)
    sent = await message.answer(text, reply_markup=markup)
    await state.update_data(prompt=sent.message_id if markup is not None else None)
    return sent


async def remember_prompt(state: FSMContext, shown: Message | None) -> None:
    """A question shown by `show` (an edited message) is the dialog's prompt too."""
    await state.update_data(prompt=shown.message_id if shown is not None else None)


async def close_prompt(message: Message, state: FSMContext) -> None:
    """The dialog's open question loses its buttons (a finished prompt keeps no Cancel).

    Typed dialogs keep it as `prompt`; the join dialog as `q_mid` (when its question is inline).
    """
    data = await state.get_data()
    prompt_id = data.get("prompt") or (data.get("q_mid") if data.get("q_inline") else None)
    if prompt_id:
        await drop_buttons(message, prompt_id)
        await state.update_data(prompt=None, q_mid=None)


async def drop_buttons(message: Message, message_id: int) -> None:
    """Take the inline buttons off an earlier message of this chat.

    Not sent when this process knows the message already shows none. The member may have deleted
    the message meanwhile, which only Telegram can tell: that refusal is expected, and ignored.
    """
    key = (message.chat.id, message_id)
    if key in _SHOWN and not _SHOWN[key][1]:
        return
    _SHOWN.pop(key, None)
    with suppress(TelegramBadRequest):
        await message.bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=message_id, reply_markup=None)


async def command_in_dialog(message: Message, t: Translator) -> None:
    """A command typed in the middle of a typed dialog: finish it or /cancel (handled before any dialog)."""
    await message.answer(t("dialog-command-blocked"))
