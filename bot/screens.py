"""Screens several features show: the home screen for guests and for members."""

from aiogram.types import InlineKeyboardMarkup

from bot import keyboards
from bot.i18n import Translator
from bot.render import quote
from services.members import MemberView


def home(t: Translator, member: MemberView | None, first_name: str | None) -> tuple[str, InlineKeyboardMarkup]:
    """The greeting uses the member's username when they have one, else their Telegram first name."""
    if member is None:
        return t("start-guest", name=quote(first_name or "")), keyboards.guest_menu(t)
    text = t("start-member", name=quote(member.username or first_name or ""), member_no=member.member_no, points=member.points_available)
    return text, keyboards.member_menu(t)
