"""/admin → coupon campaigns (admins): a paged list with claimed/used counts, pause/resume, the creation wizard.

The wizard asks every CampaignSpec field in turn (services/staff/campaign_wizard.py decides which
apply); a bad answer is explained and the same question asked again; the answers live in the
dialog state until "Create", which the use case checks (role, validity, unique codes) once more.
"""

from datetime import datetime, timedelta

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import AdminAction, AdminCb, CampaignAction, CampaignCb
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, local_date, money, quote
from handlers.admin import refuse, to_menu
from services.errors import DomainError, InvalidInput
from services.policy import ShopPolicy
from services.staff import campaign_wizard as wizard
from services.staff import campaigns
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 5


class CampaignForm(StatesGroup):
    answer = State()
    review = State()


# --- the list ------------------------------------------------------------------------------------

async def list_view(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, t: Translator, lang: str,
                    page: int) -> tuple[str, InlineKeyboardMarkup]:
    found = await campaigns.page(uow, policy, staff_id, page, PAGE_SIZE)
    lines, rows = [], []
    for stats in found.items:
        campaign = stats.campaign
        stock = t("coupons-left-unlimited") if campaign.stock is None else campaign.stock
        lines.append(t("admin-campaign-line", name=quote(campaign.name(lang)), code=quote(campaign.code),
                       channel=t(f"admin-cw-choice-{campaign.channel}"), claimed=campaign.claimed, used=stats.used,
                       stock=stock, state=t("admin-campaign-active" if campaign.active else "admin-campaign-paused")))
        action, key = (CampaignAction.pause, "admin-btn-pause") if campaign.active else \
            (CampaignAction.resume, "admin-btn-resume")
        rows.append([(t(key, code=campaign.code), CampaignCb(action=action, id=campaign.id, page=found.page))])
    rows.append(keyboards.pager(t, found.page, found.pages, lambda n: CampaignCb(action=CampaignAction.list, page=n)))
    rows.append([(t("admin-btn-campaign-new"), CampaignCb(action=CampaignAction.new)), *to_menu(t)])
    title = t("admin-campaigns", page=found.page + 1, pages=found.pages)
    body = "\n\n".join(lines) if lines else t("admin-campaigns-empty")
    return f"{title}\n\n{body}", keyboards.inline(rows)


async def list_button(callback: CallbackQuery, callback_data: CampaignCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    await state.clear()
    try:
        text, markup = await list_view(uow, policy, callback.from_user.id, t, lang, callback_data.page)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    await replies.show(callback, text, markup)


async def pause_button(callback: CallbackQuery, callback_data: CampaignCb, uow: UnitOfWork, t: Translator,
                       lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    active = callback_data.action == CampaignAction.resume
    try:
        changed = await campaigns.set_active(uow, policy, callback.from_user.id, callback_data.id, active)
        text, markup = await list_view(uow, policy, callback.from_user.id, t, lang, callback_data.page)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    callback_answer.text = t("admin-campaign-resumed" if active else "admin-campaign-paused-toast") \
        if changed else t("admin-no-change")
    await replies.show(callback, text, markup)


# --- the wizard ----------------------------------------------------------------------------------

def question(t: Translator, step: wizard.Step, policy: ShopPolicy, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    choices = tuple(tier.code for tier in policy.tiers.ordered) if step.kind == "tier" else step.choices

    def label(choice: str) -> str:
        return policy.tiers.get(choice).name(lang) if step.kind == "tier" else t(f"admin-cw-choice-{choice}")

    buttons: list[Button] = [(label(choice), CampaignCb(action=CampaignAction.choose, value=choice))
                             for choice in choices]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    nav = [(t("btn-skip"), CampaignCb(action=CampaignAction.skip))] if step.optional else []
    nav.append((t("btn-cancel"), CampaignCb(action=CampaignAction.cancel)))
    return t(f"admin-cw-{step.name}", currency=policy.currency), keyboards.inline([*rows, nav])


async def new_button(callback: CallbackQuery, state: FSMContext, t: Translator, lang: str,
                     policy: ShopPolicy) -> None:
    step = wizard.next_step(None, {})
    await state.set_state(CampaignForm.answer)
    await state.set_data({"step": step.name, "answers": {}})
    text, markup = question(t, step, policy, lang)
    shown = await replies.show(callback, f"{t('admin-cw-title')}\n\n{text}", markup)
    await replies.remember_prompt(state, shown)


async def _advance(message: Message, state: FSMContext, t: Translator, lang: str, policy: ShopPolicy,
                   step: wizard.Step, answers: dict, edit: CallbackQuery | None = None) -> None:
    """Ask the next question (or show the review); a button press edits its message, typing gets a new one."""
    following = wizard.next_step(step.name, answers)
    if following is None:
        await state.set_state(CampaignForm.review)
        await state.update_data(step=None, answers=answers)
        text, markup = review(t, lang, policy, answers)
    else:
        await state.update_data(step=following.name, answers=answers)
        text, markup = question(t, following, policy, lang)
    if edit is not None:
        await replies.remember_prompt(state, await replies.show(edit, text, markup))
    else:
        await replies.prompt(message, state, text, markup)


async def _answer(state: FSMContext, policy: ShopPolicy, raw: str | None, skipped: bool
                  ) -> tuple[wizard.Step, dict]:
    data = await state.get_data()
    step, answers = wizard.BY_NAME[data["step"]], dict(data["answers"])
    if skipped:
        wizard.skip(step, answers)
        answers.pop(step.name, None)
    else:
        tiers = tuple(tier.code for tier in policy.tiers.ordered)
        value = wizard.parse(step, raw, currency=policy.currency, tz=policy.tz, tiers=tiers)
        wizard.check_against(step, value, answers)
        answers[step.name] = value
    return step, answers


async def typed(message: Message, state: FSMContext, t: Translator, lang: str, policy: ShopPolicy) -> None:
    try:
        step, answers = await _answer(state, policy, message.text, skipped=False)
    except DomainError as error:
        data = await state.get_data()
        text, markup = question(t, wizard.BY_NAME[data["step"]], policy, lang)
        await replies.prompt(message, state, f"{error_text(t, error, policy.tz)}\n\n{text}", markup)
        return
    await _advance(message, state, t, lang, policy, step, answers)


async def chosen(callback: CallbackQuery, callback_data: CampaignCb, state: FSMContext, t: Translator, lang: str,
                 policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    skipped = callback_data.action == CampaignAction.skip
    try:
        step, answers = await _answer(state, policy, callback_data.value, skipped)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    await _advance(callback.message, state, t, lang, policy, step, answers, edit=callback)


async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("admin-send-text"))


def review(t: Translator, lang: str, policy: ShopPolicy, answers: dict) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("admin-cw-review")]
    for step in wizard.STEPS:
        if step.name in answers:
            value = shown_value(t, lang, policy, step, answers[step.name])
            lines.append(f"{t('admin-cw-field-' + step.name)}: {quote(value)}")
    buttons = [(t("admin-btn-create"), CampaignCb(action=CampaignAction.create)),
               (t("btn-cancel"), CampaignCb(action=CampaignAction.cancel))]
    return "\n".join(lines), keyboards.inline([buttons])


def shown_value(t: Translator, lang: str, policy: ShopPolicy, step: wizard.Step, value: object) -> str:
    if step.kind == "money":
        return money(value, policy.currency, lang)
    if step.kind == "date":  # an end is kept as the next day's beginning; the member sees the last day
        moment = datetime.fromisoformat(value) - (timedelta(seconds=1) if step.name == "ends_at" else timedelta())
        return local_date(moment, policy.tz)
    if step.kind in ("choice", "bool"):
        return t(f"admin-cw-choice-{'yes' if value is True else 'no' if value is False else value}")
    return str(value)


async def create_button(callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str,
                        policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    answers = (await state.get_data()).get("answers") or {}
    try:
        campaign_id = await campaigns.create(uow, policy, callback.from_user.id, wizard.spec_of(answers))
    except StaffOnly as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    except DomainError as error:
        await _back_to_field(callback, state, t, lang, policy, answers, error)
        return
    await state.clear()
    callback_answer.text = t("admin-campaign-created", id=str(campaign_id))
    text, markup = await list_view(uow, policy, callback.from_user.id, t, lang, 0)
    await replies.show(callback, text, markup)


async def _back_to_field(callback: CallbackQuery, state: FSMContext, t: Translator, lang: str, policy: ShopPolicy,
                         answers: dict, error: DomainError) -> None:
    """A taken code (or an invalid combination) is asked again; the other answers stay."""
    field = getattr(error, "field", None) if isinstance(error, InvalidInput) else None
    step = wizard.BY_NAME.get(field or "code", wizard.STEPS[0])
    await state.set_state(CampaignForm.answer)
    await state.update_data(step=step.name, answers=answers)
    text, markup = question(t, step, policy, lang)
    shown = await replies.show(callback, f"{error_text(t, error, policy.tz)}\n\n{text}", markup)
    await replies.remember_prompt(state, shown)


async def cancel_button(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    back = keyboards.inline([[(t("admin-btn-campaigns"), CampaignCb(action=CampaignAction.list)),
                              (t("admin-btn-menu"), AdminCb(action=AdminAction.menu))]])
    await replies.show(callback, t("cancelled"), back)


def create_router() -> Router:
    router = Router(name="admin_campaigns")
    admin = IsStaff(Role.admin)

    def on(*actions: CampaignAction) -> object:
        return CampaignCb.filter(F.action.in_(set(actions)))

    router.callback_query.register(list_button, on(CampaignAction.list), admin)
    router.callback_query.register(pause_button, on(CampaignAction.pause, CampaignAction.resume), admin)
    router.callback_query.register(new_button, on(CampaignAction.new), admin)
    router.callback_query.register(chosen, on(CampaignAction.choose, CampaignAction.skip), CampaignForm.answer, admin)
    router.callback_query.register(create_button, on(CampaignAction.create), CampaignForm.review, admin)
    router.callback_query.register(cancel_button, on(CampaignAction.cancel), admin)
    router.message.register(typed, CampaignForm.answer, F.text, ~F.text.startswith("/"), admin)
    router.message.register(not_text, CampaignForm.answer, ~F.text, admin)
    return router
