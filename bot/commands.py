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


def commands(language: str, role: str | None = None) -> list[BotCommand]:
    t = translator(language)
    names = MEMBER_COMMANDS + (STAFF_COMMANDS[role] if role else [])
    return [BotCommand(command=name, description=t(f"cmd-{name}")) for name in names]


async def setup_commands(bot: Bot, default_language: str) -> None:
    """Default list in the shop's language; each other language for users whose client uses it."""
    await bot.set_my_commands(commands(default_language), scope=BotCommandScopeDefault())
    for language in LANGUAGES:
        await bot.set_my_commands(commands(language), scope=BotCommandScopeDefault(), language_code=language)


async def set_chat_language(bot: Bot, chat_id: int, language: str, role: str | None = None) -> None:
    """After /language, this chat's menu follows the choice instead of the client's language
    (a staff chat keeps its staff commands, `role` being the chat's staff role)."""
    await bot.set_my_commands(commands(language, role), scope=BotCommandScopeChat(chat_id=chat_id))


# Staff commands by role (owner, admin, operator), shown only in staff chats, after the member commands.
STAFF_COMMANDS: dict[str, list[str]] = {
    "operator": ["admin", "tickets"],
    "admin": ["admin", "tickets", "returns", "stats", "export", "broadcast", "automation"],
    "owner": ["admin", "tickets", "returns", "stats", "export", "broadcast", "automation", "staff", "audit"],
}


async def set_staff_commands(bot: Bot, chat_id: int, role: str | None, language: str) -> None:
    """A staff chat's menu: member commands plus its role's; `role` None takes the staff ones away again
    (the chat keeps the member commands in its language, as after /language)."""
    await bot.set_my_commands(commands(language, role), scope=BotCommandScopeChat(chat_id=chat_id))
