"""/staff (owners): the roster, grant admin or operator, revoke; each change resets that chat's command menu.

A grant names the person by Telegram id, by member number, or by a forwarded message of theirs;
they must have written to the bot (Telegram only shows a chat's menu to a chat that exists).
"""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import StaffAction, StaffCb
from bot.config import Settings
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.render import error_text
from bot.staff_menus import refresh_menu
from handlers.admin import refuse
from services.errors import DomainError
from services.policy import ShopPolicy
from services.staff import roles, team
from services.staff.roles import GRANTABLE, Role, StaffOnly
from services.unit_of_work import UnitOfWork


class GrantForm(StatesGroup):
    who = State()


async def roster_view(uow: UnitOfWork, policy: ShopPolicy, owner_id: int, t: Translator
                      ) -> tuple[str, InlineKeyboardMarkup]:
    people = await team.roster(uow, policy, owner_id)
    lines = [t("staff-line", id=str(person.telegram_id), role=t(f"staff-role-{person.role.value}"),
               member=person.member_no or "-") for person in people]
    rows = [[(t("staff-btn-revoke", id=str(person.telegram_id)),
              StaffCb(action=StaffAction.revoke, id=person.telegram_id))]
            for person in people if person.role is not Role.owner]
    rows.append([(t(f"staff-btn-add-{role.value}"), StaffCb(action=StaffAction.add, role=role.value))
                 for role in GRANTABLE])
    return f"{t('staff-title')}\n\n" + "\n".join(lines), keyboards.inline(rows)


async def staff_command(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator,
                        policy: ShopPolicy) -> None:
    await replies.close_prompt(message, state)
    await state.clear()
    try:
        text, markup = await roster_view(uow, policy, message.from_user.id, t)
    except StaffOnly:
        return
    await message.answer(text, reply_markup=markup)


async def roster_button(callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, t: Translator,
                        policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    await state.clear()
    try:
        text, markup = await roster_view(uow, policy, callback.from_user.id, t)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    await replies.show(callback, text, markup)


def back_to_roster(t: Translator) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t("btn-cancel"), StaffCb(action=StaffAction.roster))]])


async def add_button(callback: CallbackQuery, callback_data: StaffCb, state: FSMContext, t: Translator,
                     callback_answer: CallbackAnswer) -> None:
    if callback_data.role not in {role.value for role in GRANTABLE}:
        callback_answer.text = t("button-expired")
        return
    await state.set_state(GrantForm.who)
    await state.set_data({"role": callback_data.role})
    shown = await replies.show(callback, t("staff-ask-who", role=t(f"staff-role-{callback_data.role}")),
                               back_to_roster(t))
    await replies.remember_prompt(state, shown)


async def who_entered(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy,
                      settings: Settings, bot: Bot) -> None:
    role = Role((await state.get_data())["role"])
    origin = message.forward_origin
    try:
        if origin is not None:
            target = getattr(getattr(origin, "sender_user", None), "id", None)
            if target is None:
                raise DomainError("staff-forward-hidden")
            target = await team.resolve(uow, policy, message.from_user.id, str(target))
        else:
            target = await team.resolve(uow, policy, message.from_user.id, message.text or "")
        await roles.grant(uow, policy, message.from_user.id, target, role)
    except StaffOnly:
        await state.clear()
        return
    except DomainError as error:
        text = f"{error_text(t, error, policy.tz)}\n{t('staff-ask-who', role=t(f'staff-role-{role.value}'))}"
        await replies.prompt(message, state, text, back_to_roster(t))
        return
    await replies.close_prompt(message, state)
    await state.clear()
    await refresh_menu(bot, uow, target, role, settings.default_language)
    text, markup = await roster_view(uow, policy, message.from_user.id, t)
    await message.answer(f"{t('staff-granted', id=str(target), role=t(f'staff-role-{role.value}'))}\n\n{text}",
                         reply_markup=markup)


async def revoke_button(callback: CallbackQuery, callback_data: StaffCb, t: Translator) -> None:
    confirm = [(t("btn-confirm"), StaffCb(action=StaffAction.revoke_ok, id=callback_data.id)),
               (t("btn-cancel"), StaffCb(action=StaffAction.roster))]
    await replies.show(callback, t("staff-revoke-confirm", id=str(callback_data.id)), keyboards.inline([confirm]))


async def revoke_confirmed(callback: CallbackQuery, callback_data: StaffCb, uow: UnitOfWork, t: Translator,
                           policy: ShopPolicy, settings: Settings, bot: Bot, callback_answer: CallbackAnswer) -> None:
    try:
        removed = await roles.revoke(uow, policy, callback.from_user.id, callback_data.id)
        text, markup = await roster_view(uow, policy, callback.from_user.id, t)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    if removed is not None:
        await refresh_menu(bot, uow, callback_data.id, None, settings.default_language)
    callback_answer.text = t("staff-revoked", id=str(callback_data.id)) if removed else t("admin-no-change")
    await replies.show(callback, text, markup)


def create_router() -> Router:
    router = Router(name="staff")
    owner = IsStaff(Role.owner)

    def on(*actions: StaffAction) -> object:
        return StaffCb.filter(F.action.in_(set(actions)))

    router.message.register(staff_command, Command("staff"), owner)
    router.callback_query.register(roster_button, on(StaffAction.roster, StaffAction.cancel), owner)
    router.callback_query.register(add_button, on(StaffAction.add), owner)
    router.callback_query.register(revoke_button, on(StaffAction.revoke), owner)
    router.callback_query.register(revoke_confirmed, on(StaffAction.revoke_ok), owner)
    router.message.register(who_entered, GrantForm.who, ~F.text.startswith("/"), owner)
    return router
