"""Callback data factories and keyboard builders; every button text comes from the locales."""

from collections.abc import Iterable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.i18n import Translator


class MenuCb(CallbackData, prefix="m"):
    """Main-menu and start-screen buttons."""

    action: str


class FlowCb(CallbackData, prefix="f"):
    """Buttons inside a dialog: back, cancel, skip, yes/no, confirm, pick a field."""

    action: str
    value: str = ""


class ProfileCb(CallbackData, prefix="pf"):
    action: str
    field: str = ""


class LangCb(CallbackData, prefix="lang"):
    code: str


Button = tuple[str, CallbackData]


def inline(rows: Iterable[Sequence[Button]]) -> InlineKeyboardMarkup:
    """Rows of (text, callback data) pairs into an inline keyboard."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data.pack()) for text, data in row]
            for row in rows
            if row
        ]
    )


def flow(t: Translator, *actions: str, back: bool = True, cancel: bool = True) -> InlineKeyboardMarkup:
    """A dialog step's buttons: its own actions on one row, then Back / Cancel."""
    nav: list[Button] = []
    if back:
        nav.append((t("btn-back"), FlowCb(action="back")))
    if cancel:
        nav.append((t("btn-cancel"), FlowCb(action="cancel")))
    return inline([[(t(f"btn-{action}"), FlowCb(action=action)) for action in actions], nav])


def cancel_only(t: Translator) -> InlineKeyboardMarkup:
    return flow(t, back=False)


def share_phone(t: Translator, back: bool = True) -> ReplyKeyboardMarkup:
    """Reply keyboard with the request_contact button (private chats only)."""
    nav = [KeyboardButton(text=t("btn-back"))] if back else []
    nav.append(KeyboardButton(text=t("btn-cancel")))
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("btn-share-phone"), request_contact=True)], nav],
        resize_keyboard=True,
        one_time_keyboard=False,
        input_field_placeholder=t("phone-placeholder"),
    )


def guest_menu(t: Translator) -> InlineKeyboardMarkup:
    return inline(
        [
            [(t("btn-register"), MenuCb(action="register")), (t("btn-login"), MenuCb(action="login"))],
            [(t("btn-language"), MenuCb(action="language")), (t("btn-help"), MenuCb(action="help"))],
        ]
    )


# Features add their main-menu buttons here (action, text key), in display order.
MEMBER_MENU: list[list[tuple[str, str]]] = [
    [("points", "btn-points"), ("checkin", "btn-checkin")],
    [("profile", "btn-profile"), ("card", "btn-card")],
    [("language", "btn-language"), ("help", "btn-help")],
]


def member_menu(t: Translator) -> InlineKeyboardMarkup:
    return inline([[(t(key), MenuCb(action=action)) for action, key in row] for row in MEMBER_MENU])


def languages(t: Translator, current: str) -> InlineKeyboardMarkup:
    def label(code: str) -> str:
        return t(f"language-name-{code}") + (" ✓" if code == current else "")

    return inline([[(label("zh"), LangCb(code="zh")), (label("en"), LangCb(code="en"))]])
