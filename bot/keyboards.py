"""Keyboard builders: one inline style for every screen; every button text comes from the locales."""

from collections.abc import Callable, Iterable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.callbacks import FlowAction, FlowCb, LangCb, MenuAction, MenuCb
from bot.i18n import Translator

Button = tuple[str, CallbackData]


def inline(rows: Iterable[Sequence[Button]]) -> InlineKeyboardMarkup:
    """Rows of (text, callback data) pairs into an inline keyboard; empty rows are dropped."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data.pack()) for text, data in row]
            for row in rows
            if row
        ]
    )


def flow(t: Translator, *actions: FlowAction, back: bool = True, cancel: bool = True) -> InlineKeyboardMarkup:
    """A dialog step's buttons: its own actions on one row, then Back / Cancel."""
    nav: list[Button] = []
    if back:
        nav.append((t("btn-back"), FlowCb(action=FlowAction.back)))
    if cancel:
        nav.append((t("btn-cancel"), FlowCb(action=FlowAction.cancel)))
    return inline([[(t(f"btn-{action.value}"), FlowCb(action=action)) for action in actions], nav])


def pager(
    t: Translator, page: int, pages: int, at: Callable[[int], CallbackData],
    labels: tuple[str, str] = ("btn-page-prev", "btn-page-next"),
) -> list[Button]:
    """Prev / next for a paged list: no prev on the first page and no next on the last, so a press
    always edits the message into something new. `labels` are the two text keys."""
    buttons: list[Button] = []
    if page > 0:
        buttons.append((t(labels[0]), at(page - 1)))
    if page + 1 < pages:
        buttons.append((t(labels[1]), at(page + 1)))
    return buttons


def cancel_only(t: Translator) -> InlineKeyboardMarkup:
    return flow(t, back=False)


def home_button(t: Translator) -> InlineKeyboardMarkup:
    return inline([[(t("btn-home"), MenuCb(action=MenuAction.home))]])


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
            [(t("btn-register"), MenuCb(action=MenuAction.register)), (t("btn-login"), MenuCb(action=MenuAction.login))],
            [(t("btn-language"), MenuCb(action=MenuAction.language)), (t("btn-help"), MenuCb(action=MenuAction.help))],
        ]
    )


# The member main menu, in display order: (action, text key).
MEMBER_MENU: list[list[tuple[MenuAction, str]]] = [
    [(MenuAction.points, "btn-points"), (MenuAction.checkin, "btn-checkin")],
    [(MenuAction.coupons, "btn-coupons")],
    [(MenuAction.shop, "btn-shop"), (MenuAction.orders, "btn-orders")],
    [(MenuAction.profile, "btn-profile"), (MenuAction.card, "btn-card")],
    [(MenuAction.language, "btn-language"), (MenuAction.help, "btn-help")],
]


def member_menu(t: Translator) -> InlineKeyboardMarkup:
    return inline([[(t(key), MenuCb(action=action)) for action, key in row] for row in MEMBER_MENU])


def languages(t: Translator, current: str) -> InlineKeyboardMarkup:
    def label(code: str) -> str:
        return t(f"language-name-{code}") + (" ✓" if code == current else "")

    return inline([[(label("zh"), LangCb(code="zh")), (label("en"), LangCb(code="en"))]])
