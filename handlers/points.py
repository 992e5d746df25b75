"""/points with a paged history, and /checkin (PRODUCT.md 2)."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import MenuAction, MenuCb, PointsAction, PointsCb
from bot.config import Settings
from bot.filters import IsMember
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, local_date, money, quote
from services import points
from services.errors import DomainError
from services.members import MemberView
from services.points import HistoryPage
from services.points.views import LedgerLine
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


def _row(t: Translator, entry: LedgerLine, policy: ShopPolicy) -> str:
    """A statement line: the kind's name, and a reason only when it says more than the kind.

    Kinds that only move points between available and frozen show the moved amount.
    """
    shown = entry.amount if entry.amount else entry.available_delta
    kind_key = f"points-kind-{entry.kind}"
    has_reason = entry.reason and entry.reason.strip() and entry.reason != entry.kind
    return t(
        "points-row-reason" if has_reason else "points-row",
        date=local_date(entry.created_at, policy.tz),
        kind=t(kind_key) if t.has(kind_key) else quote(entry.kind),
        amount=f"{shown:+,d}",
        reason=quote(entry.reason) if has_reason else "",
        balance=entry.available_after,
    )


async def points_view(
    uow: UnitOfWork, member: MemberView, t: Translator, lang: str, settings: Settings, policy: ShopPolicy, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    shown = await points.screen(uow, member.id, policy.tiers, policy.tz, page, settings.points_history_page_size)
    view, history = shown.overview, shown.history
    progress = view.progress
    expiring = (
        t("points-expiring", points=view.expiring, date=local_date(view.expiring_first, policy.tz))
        if view.expiring and view.expiring_first
        else t("points-expiring-none")
    )
    next_line = (
        t("points-progress-next", amount=money(progress.to_next, policy.currency, lang),
          tier=quote(progress.next_tier.name(lang)))
        if progress.next_tier
        else t("points-progress-top")
    )
    overview = t(
        "points-overview", available=view.available, frozen=view.frozen, expiring=expiring,
        tier=quote(progress.tier.name(lang)), progress=next_line,
    )
    if history.items:
        rows = "\n".join(_row(t, entry, policy) for entry in history.items)
        listing = f"{t('points-history', page=history.page + 1, pages=history.pages)}\n{rows}"
    else:
        listing = t("points-history-empty")
    return f"{overview}\n\n{listing}", _keyboard(t, history, shown.checked_in_today)


def _keyboard(t: Translator, history: HistoryPage, checked_in: bool) -> InlineKeyboardMarkup:
    paging = keyboards.pager(t, history.page, history.pages, lambda page: PointsCb(action=PointsAction.page, page=page),
                             labels=("points-btn-prev", "points-btn-next"))
    actions: list[Button] = [] if checked_in else [(t("btn-checkin"), PointsCb(action=PointsAction.checkin, page=history.page))]
    actions.append((t("btn-home"), MenuCb(action=MenuAction.home)))
    return keyboards.inline([paging, actions])


async def points_command(
    message: Message, uow: UnitOfWork, member: MemberView, t: Translator, lang: str, settings: Settings,
    policy: ShopPolicy,
) -> None:
    text, markup = await points_view(uow, member, t, lang, settings, policy, 0)
    await message.answer(text, reply_markup=markup)


async def points_button(
    callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, lang: str, settings: Settings,
    policy: ShopPolicy,
) -> None:
    text, markup = await points_view(uow, member, t, lang, settings, policy, 0)
    await replies.show(callback, text, markup)


async def history_page(
    callback: CallbackQuery, callback_data: PointsCb, uow: UnitOfWork, member: MemberView,
    t: Translator, lang: str, settings: Settings, policy: ShopPolicy,
) -> None:
    text, markup = await points_view(uow, member, t, lang, settings, policy, callback_data.page)
    await replies.show(callback, text, markup)


async def _check_in(uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy) -> tuple[bool, str]:
    """(done, text): the result or the reason it was refused, in the member's language."""
    try:
        done = await points.check_in(uow, member.id, policy.checkin, policy.tz)
    except DomainError as error:
        return False, error_text(t, error, policy.tz)
    if done.bonus:  # the total once, with the bonus inside it
        return True, t("checkin-done-bonus", points=done.points, streak=done.streak, bonus=done.bonus)
    return True, t("checkin-done", points=done.points, streak=done.streak)


def _after_checkin(t: Translator) -> InlineKeyboardMarkup:
    """The obvious next steps after a check-in: the points, or the main menu."""
    return keyboards.inline([[(t("btn-points"), MenuCb(action=MenuAction.points)), (t("btn-home"), MenuCb(action=MenuAction.home))]])


async def checkin_command(message: Message, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy) -> None:
    _, text = await _check_in(uow, member, t, policy)
    await message.answer(text, reply_markup=_after_checkin(t))


async def checkin_menu_button(
    callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy,
    callback_answer: CallbackAnswer,
) -> None:
    done, text = await _check_in(uow, member, t, policy)
    if done:
        await callback.message.answer(text, reply_markup=_after_checkin(t))
    callback_answer.text = text


async def checkin_points_button(
    callback: CallbackQuery, callback_data: PointsCb, uow: UnitOfWork, member: MemberView,
    t: Translator, lang: str, settings: Settings, policy: ShopPolicy, callback_answer: CallbackAnswer,
) -> None:
    """From the points screen: the screen itself shows the new balance, the toast says why."""
    done, text = await _check_in(uow, member, t, policy)
    if done:
        view, markup = await points_view(uow, member, t, lang, settings, policy, callback_data.page)
        await replies.show(callback, view, markup)
    callback_answer.text = text


def create_router() -> Router:
    router = Router(name="points")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())
    router.message.register(points_command, Command("points"))
    router.callback_query.register(points_button, MenuCb.filter(F.action == MenuAction.points))
    router.callback_query.register(history_page, PointsCb.filter(F.action == PointsAction.page))
    router.message.register(checkin_command, Command("checkin"))
    router.callback_query.register(checkin_menu_button, MenuCb.filter(F.action == MenuAction.checkin))
    router.callback_query.register(checkin_points_button, PointsCb.filter(F.action == PointsAction.checkin))
    return router
