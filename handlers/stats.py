"""/stats with charts and /export CSV files (admins and up; PRODUCT.md 5).

/stats renders the sections of services.stats as one message, then the charts as photos (drawn in
a worker thread). /export offers the files; the chosen one is written to a temporary file in
batches, sent with sendDocument and deleted. Anyone below admin falls through to the
unknown-command answer (IsStaff), and the services check the role again.
"""

from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, FSInputFile, InlineKeyboardMarkup, Message

from bot import keyboards
from bot.callbacks import StatsAction, StatsCb
from bot.config import Settings
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.render import error_text, local_time, minor_per_unit, money, quote
from services import charts, export, stats
from services.errors import DomainError
from services.policy import ShopPolicy
from services.staff.roles import Role
from services.unit_of_work import UnitOfWork


def value_text(t: Translator, lang: str, policy: ShopPolicy, name: str, value: Any) -> Any:
    """Section values by their name: *_money in the shop's currency, *_seconds as a duration, *_percent with %."""
    if value is None:
        return t("stats-none")
    if name.endswith("_money"):
        return money(value, policy.currency, lang)
    if name.endswith("_seconds"):
        hours, minutes = divmod(value // 60, 60)
        if hours:
            return t("stats-duration-hours", hours=hours, minutes=minutes)
        return t("stats-duration-minutes", minutes=minutes) if minutes else t("stats-duration-seconds", seconds=value)
    if name.endswith("_percent"):
        return t("stats-percent", value=value)
    return value


def section_text(t: Translator, lang: str, policy: ShopPolicy, section: stats.Section) -> str:
    def shown(values: dict[str, Any]) -> dict[str, Any]:
        return {name: value_text(t, lang, policy, name, value) for name, value in values.items()}

    lines = [t(f"stats-{section.key}", **shown(section.values))]
    for row in section.rows:
        values = shown(row)
        if "name_zh" in row:
            values["name"] = quote(row["name_zh"] if lang == "zh" else row["name_en"])
        if row.get("stock", 0) is None:
            values["stock"] = t("stats-unlimited")
        lines.append(t(f"stats-{section.key}-row", **values))
    return "\n".join(lines)


async def stats_command(message: Message, bot: Bot, uow: UnitOfWork, t: Translator, lang: str,
                        settings: Settings, policy: ShopPolicy) -> None:
    staff_id = message.from_user.id
    sections = await stats.report(uow, policy, staff_id)
    title = t("stats-title", time=local_time(message.date, policy.tz))
    body = "\n\n".join(section_text(t, lang, policy, section) for section in sections)
    await message.answer(f"{title}\n\n{body}\n\n{t('stats-note')}")
    await bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_PHOTO)
    days = settings.stats_chart_days
    daily = await charts.daily(uow, policy, staff_id, days)
    specs = [
        charts.ChartSpec(t("stats-chart-members", days=days), daily.days,
                         [(t("stats-series-members"), daily.new_members)], bars=True),
        charts.ChartSpec(t("stats-chart-points", days=days), daily.days,
                         [(t("stats-series-issued"), daily.points_issued), (t("stats-series-spent"), daily.points_spent)]),
        charts.ChartSpec(t("stats-chart-revenue", days=days), daily.days,
                         [(f"{t('stats-series-revenue')} ({policy.currency})",
                           [amount // minor_per_unit(policy.currency) for amount in daily.revenue])],
                         bars=True),
    ]
    for n, spec in enumerate(specs, start=1):
        png = await charts.render(spec)
        await message.answer_photo(BufferedInputFile(png, filename=f"chart-{n}.png"), caption=spec.title)


def export_menu(t: Translator) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t(f"export-btn-{what}"), StatsCb(action=StatsAction.export, what=what))
                              for what in export.EXPORTS]])


async def export_command(message: Message, t: Translator) -> None:
    await message.answer(t("export-choose"), reply_markup=export_menu(t))


async def export_button(callback: CallbackQuery, callback_data: StatsCb, bot: Bot, uow: UnitOfWork,
                        t: Translator, policy: ShopPolicy) -> None:
    """The query is answered first (an export may take a while); the file follows as a document."""
    await bot.send_chat_action(callback.from_user.id, ChatAction.UPLOAD_DOCUMENT)
    try:
        made = await export.export(uow, policy, callback.from_user.id, callback_data.what)
    except DomainError as error:
        await callback.message.answer(error_text(t, error, policy.tz))
        return
    try:
        caption = t("export-done", what=t(f"export-name-{callback_data.what}"), rows=made.rows)
        await callback.message.answer_document(FSInputFile(made.path, filename=made.name), caption=caption)
    finally:
        made.remove()


def create_router() -> Router:
    router = Router(name="stats")
    admin = IsStaff(Role.admin)
    router.message.register(stats_command, Command("stats"), admin)
    router.message.register(export_command, Command("export"), admin)
    router.callback_query.register(export_button, StatsCb.filter(F.action == StatsAction.export), admin,
                                   flags={"callback_answer": {"pre": True}})
    return router
