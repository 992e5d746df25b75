"""The command menu (setMyCommands), localised, per chat when a member picks a language."""

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.i18n import LANGUAGES, translator

# Features append their member commands here, in menu order.
MEMBER_COMMANDS: list[str] = [
    "start", "help", "points", "checkin", "coupons", "profile", "card", "language", "feedback", "password", "logout", "cancel",
]
MEMBER_COMMANDS += ["shop", "cart", "orders"]
MEMBER_COMMANDS += ["mydata", "unsubscribe", "subscribe", "delete_account"]


def commands(language: str) -> list[BotCommand]:
    t = translator(language)
    return [BotCommand(command=name, description=t(f"cmd-{name}")) for name in MEMBER_COMMANDS]


async def setup_commands(bot: Bot, default_language: str) -> None:
    """Default list in the shop's language; each other language for users whose client uses it."""
    await bot.set_my_commands(commands(default_language), scope=BotCommandScopeDefault())
    for language in LANGUAGES:
        await bot.set_my_commands(commands(language), scope=BotCommandScopeDefault(), language_code=language)


async def set_chat_language(bot: Bot, chat_id: int, language: str) -> None:
    """After /language, this chat's menu follows the choice instead of the client's language."""
    await bot.set_my_commands(commands(language), scope=BotCommandScopeChat(chat_id=chat_id))
