"""/points with a paged history, and /checkin (PRODUCT.md 2)."""


from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.config import Settings
from bot.filters import IsMember
from bot.i18n import Translator
from bot.keyboards import Button, MenuCb
from bot.render import error_text, local_date, money, quote
from models import Member, PointsLedger
from models.base import utcnow
from services import checkin, points
from services.errors import DomainError

router = Router(name="points")
router.message.filter(IsMember())
router.callback_query.filter(IsMember())


class PointsCb(CallbackData, prefix="pt"):
    """`page` of the history to show; `checkin` from the points screen."""

    action: str
    page: int = 0


def _row(t: Translator, entry: PointsLedger, settings: Settings) -> str:
    """Kinds that only move points between available and frozen show the moved amount."""
    shown = entry.amount if entry.amount else entry.available_delta
    kind_key = f"points-kind-{entry.kind}"
    return t(
        "points-row",
        date=local_date(entry.created_at, settings.tz),
        kind=t(kind_key) if t.has(kind_key) else quote(entry.kind),
        amount=f"{shown:+,d}",
        reason=quote(entry.reason) if entry.reason else "—",
        balance=entry.available_after,
    )


async def points_view(
    session: AsyncSession, member: Member, t: Translator, lang: str, settings: Settings, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    now = utcnow()
    view = await points.overview(session, member.id, settings.tiers, now)
    history = await points.history(session, member.id, page, settings.points_history_page_size)
    progress = view.progress
    expiring = (
        t("points-expiring", points=view.expiring, date=local_date(view.expiring_first, settings.tz))
        if view.expiring and view.expiring_first
        else t("points-expiring-none")
    )
    next_line = (
        t("points-progress-next", amount=money(progress.to_next, settings.currency, lang),
          tier=quote(progress.next_tier.name(lang)))
        if progress.next_tier
        else t("points-progress-top")
    )
    overview = t(
        "points-overview", available=view.available, frozen=view.frozen, expiring=expiring,
        tier=quote(progress.tier.name(lang)), progress=next_line,
    )
    if history.entries:
        rows = "\n".join(_row(t, entry, settings) for entry in history.entries)
        listing = f"{t('points-history', page=history.page + 1, pages=history.pages)}\n{rows}"
    else:
        listing = t("points-history-empty")
    return f"{overview}\n\n{listing}", _keyboard(t, history)


def _keyboard(t: Translator, history: points.HistoryPage) -> InlineKeyboardMarkup:
    """No prev button on the first page and no next on the last, so a press always changes the page."""
    paging: list[Button] = []
    if history.has_prev:
        paging.append((t("points-btn-prev"), PointsCb(action="page", page=history.page - 1)))
    if history.has_next:
        paging.append((t("points-btn-next"), PointsCb(action="page", page=history.page + 1)))
    actions: list[Button] = [(t("btn-checkin"), PointsCb(action="checkin", page=history.page)),
                             (t("btn-home"), MenuCb(action="home"))]
    return keyboards.inline([paging, actions])


@router.message(Command("points"))
async def points_command(
    message: Message, session: AsyncSession, member: Member, t: Translator, lang: str, settings: Settings
) -> None:
    text, markup = await points_view(session, member, t, lang, settings, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MenuCb.filter(F.action == "points"))
async def points_button(
    callback: CallbackQuery, session: AsyncSession, member: Member, t: Translator, lang: str, settings: Settings
) -> None:
    text, markup = await points_view(session, member, t, lang, settings, 0)
    await callback.message.edit_text(text, reply_markup=markup)


@router.callback_query(PointsCb.filter(F.action == "page"))
async def history_page(
    callback: CallbackQuery, callback_data: PointsCb, session: AsyncSession, member: Member,
    t: Translator, lang: str, settings: Settings,
) -> None:
    text, markup = await points_view(session, member, t, lang, settings, callback_data.page)
    await callback.message.edit_text(text, reply_markup=markup)


async def _check_in(session: AsyncSession, member: Member, t: Translator, settings: Settings) -> tuple[bool, str]:
    """(done, text): the result or the reason it was refused, in the member's language."""
    try:
        done = await checkin.check_in(session, member.id, settings.checkin_rules, settings.tz)
    except DomainError as error:
        return False, error_text(t, error, settings.tz)
    text = t("checkin-done", points=done.points, streak=done.streak)
    if done.bonus:
        text += "\n" + t("checkin-bonus", days=done.streak, bonus=done.bonus)
    return True, text


@router.message(Command("checkin"))
async def checkin_command(message: Message, session: AsyncSession, member: Member, t: Translator, settings: Settings) -> None:
    _, text = await _check_in(session, member, t, settings)
    await message.answer(text)


@router.callback_query(MenuCb.filter(F.action == "checkin"))
async def checkin_menu_button(
    callback: CallbackQuery, session: AsyncSession, member: Member, t: Translator, settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    done, text = await _check_in(session, member, t, settings)
    if done:
        await callback.message.answer(text)
    callback_answer.text = text


@router.callback_query(PointsCb.filter(F.action == "checkin"))
async def checkin_points_button(
    callback: CallbackQuery, callback_data: PointsCb, session: AsyncSession, member: Member,
    t: Translator, lang: str, settings: Settings, callback_answer: CallbackAnswer,
) -> None:
    """From the points screen: the screen itself shows the new balance, the toast says why."""
    done, text = await _check_in(session, member, t, settings)
    if done:
        view, markup = await points_view(session, member, t, lang, settings, callback_data.page)
        await callback.message.edit_text(view, reply_markup=markup)
    callback_answer.text = text
