"""/automation (admins; also a button in /admin): every automation with its switch and parameters.

A parameter is typed as the answer to a question; a bad answer is explained and the question stays
open. The use cases (services/automation/rules.py) check the role in their transaction and audit
every change; anyone below admin falls through to the unknown-command answer (IsStaff).
"""

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import AutomationAction, AutomationCb
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.render import error_text, quote
from handlers.admin import refuse, to_menu
from services import automation
from services.errors import DomainError, InvalidInput
from services.policy import ShopPolicy
from services.staff.roles import Role
from services.unit_of_work import UnitOfWork


PARAMS = ("campaign", "hour", "days", "orders", "percent", "valid")


class AutomationForm(StatesGroup):
    value = State()


def param_text(t: Translator, rule: automation.Rule, name: str, value: Any) -> str:
    if name == "campaign":
        return quote(value) if value else t("automation-unset")
    if name == "days" and isinstance(value, list):
        return ", ".join(str(n) for n in value) if value else t("automation-default-days")
    return str(value)


def screen(t: Translator, rules: list[automation.Rule]) -> tuple[str, InlineKeyboardMarkup]:
    lines, rows = [t("automation-title")], []
    for rule in rules:
        name = t("automation-kind", kind=rule.kind)
        params = "".join(
            f" · {t(f'automation-param-{p}', kind=rule.kind, value=param_text(t, rule, p, v))}"
            for p, v in rule.params.items()
        )
        lines.append(t("automation-line", name=name, state=t("automation-on" if rule.enabled else "automation-off"),
                       params=params))
        toggle = t("automation-btn-toggle-off" if rule.enabled else "automation-btn-toggle-on", name=name)
        rows.append([(toggle, AutomationCb(action=AutomationAction.toggle, kind=rule.kind))])
        edits = [(t("automation-btn-param", name=name, param=t(f"automation-param-name-{p}")),
                  AutomationCb(action=AutomationAction.edit, kind=rule.kind, param=p)) for p in rule.params]
        rows.extend(edits[start:start + 2] for start in range(0, len(edits), 2))  # two per row
    rows.append(to_menu(t))
    return "\n\n".join(lines), keyboards.inline(rows)


async def automation_command(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator,
                             policy: ShopPolicy) -> None:
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = screen(t, await automation.overview(uow, policy, message.from_user.id))
    await message.answer(text, reply_markup=markup)


async def list_button(callback: CallbackQuery, callback_answer: CallbackAnswer, state: FSMContext, uow: UnitOfWork,
                      t: Translator, policy: ShopPolicy) -> None:
    await state.clear()
    try:
        rules = await automation.overview(uow, policy, callback.from_user.id)
    except DomainError as error:
        return await refuse(callback, callback_answer, t, error, policy)
    await replies.show(callback, *screen(t, rules))


async def toggle_button(callback: CallbackQuery, callback_data: AutomationCb, callback_answer: CallbackAnswer,
                        uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    try:
        await automation.toggle(uow, policy, callback.from_user.id, callback_data.kind)
        rules = await automation.overview(uow, policy, callback.from_user.id)
    except DomainError as error:
        return await refuse(callback, callback_answer, t, error, policy)
    await replies.show(callback, *screen(t, rules))


def question(t: Translator, kind: str, param: str) -> str:
    if kind == "expiry" and param == "days":
        return t("automation-ask-days-expiry")
    return t(f"automation-ask-{param}", name=t("automation-kind", kind=kind))


async def edit_button(callback: CallbackQuery, callback_data: AutomationCb, callback_answer: CallbackAnswer,
                      state: FSMContext, t: Translator) -> None:
    if callback_data.kind not in automation.KINDS or callback_data.param not in PARAMS:
        callback_answer.text = t("button-expired")
        return
    await state.set_state(AutomationForm.value)
    await state.update_data(au_kind=callback_data.kind, au_param=callback_data.param)
    back = keyboards.inline([[(t("btn-back"), AutomationCb(action=AutomationAction.list))]])
    await replies.prompt(callback.message, state, question(t, callback_data.kind, callback_data.param), back)


async def value_entered(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    data = await state.get_data()
    try:
        await automation.set_param(uow, policy, message.from_user.id, data["au_kind"], data["au_param"], message.text)
    except InvalidInput as error:
        await message.answer(error_text(t, error, policy.tz))  # the question stays open
        return
    except DomainError as error:
        await state.clear()
        await message.answer(error_text(t, error, policy.tz))
        return
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = screen(t, await automation.overview(uow, policy, message.from_user.id))
    await message.answer(f"{t('automation-saved')}\n\n{text}", reply_markup=markup)


async def value_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("automation-ask-not-text"))


def create_router() -> Router:
    router = Router(name="automation")
    admin = IsStaff(Role.admin)
    router.message.register(automation_command, Command("automation"), admin)
    router.message.register(value_entered, AutomationForm.value, F.text, admin)
    router.message.register(value_not_text, AutomationForm.value, admin)
    router.callback_query.register(list_button, AutomationCb.filter(F.action == AutomationAction.list), admin)
    router.callback_query.register(toggle_button, AutomationCb.filter(F.action == AutomationAction.toggle), admin)
    router.callback_query.register(edit_button, AutomationCb.filter(F.action == AutomationAction.edit), admin)
    return router
