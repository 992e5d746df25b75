"""Linking a shop login (PRODUCT.md 1.2), /logout and /password."""

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, notify, replies, screens
from bot.callbacks import FlowAction, FlowCb, MenuAction, MenuCb
from bot.config import Settings
from bot.filters import IsGuest, IsMember
from bot.i18n import Translator
from bot.render import error_text, quote
from services import abuse, accounts
from services.accounts import LockedOut
from services.errors import DomainError, InvalidInput
from services.members import MemberView
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


class LoginForm(StatesGroup):
    identifier = State()
    password = State()


class PasswordForm(StatesGroup):
    old = State()
    new = State()


async def _delete_secret(message: Message) -> None:
    with suppress(TelegramBadRequest):
        await message.delete()


# --- log in ------------------------------------------------------------------------------------

async def begin(callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    try:
        await accounts.ensure_not_locked(uow, callback.from_user.id)
    except LockedOut as error:
        text, markup = screens.home(t, None, callback.from_user.first_name)
        await callback.message.answer(f"{error_text(t, error, policy.tz)}\n\n{text}", reply_markup=markup)
        return
    await state.set_state(LoginForm.identifier)
    await replies.remember_prompt(state, await replies.show(callback, t("login-ask-identifier"), keyboards.cancel_only(t)))


async def begin_as_member(callback: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = t("error-already-member"), True


async def cancel(callback: CallbackQuery, state: FSMContext, t: Translator, member: MemberView | None) -> None:
    await state.clear()
    text, markup = screens.home(t, member, callback.from_user.first_name)
    await replies.show(callback, f"{t('cancelled')}\n\n{text}", markup)


async def got_identifier(message: Message, state: FSMContext, t: Translator) -> None:
    await state.update_data(identifier=message.text.strip()[:254])
    await state.set_state(LoginForm.password)
    await replies.prompt(message, state, t("login-ask-password"), keyboards.cancel_only(t))


async def got_password(
    message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy,
    bot: Bot,
) -> None:
    password = message.text
    await _delete_secret(message)
    identifier = (await state.get_data()).get("identifier", "")
    try:
        binding = await accounts.login(uow, identifier, password, message.from_user.id, policy.lockout)
    except InvalidInput as error:
        await state.set_state(LoginForm.identifier)
        notice = error_text(t, error, policy.tz)
        await replies.prompt(message, state, f"{notice}\n\n{t('login-ask-identifier')}", keyboards.cancel_only(t))
        return
    except DomainError as error:  # locked out, or the account cannot be used: home, with the reason
        await _finish(message, state, t, None, error_text(t, error, policy.tz))
        return
    name = binding.member.username or binding.member.member_no
    await replies.close_prompt(message, state)
    await state.clear()
    await message.answer(t("login-done", name=quote(name)))
    await notify.account_moved_away(bot, uow, settings.default_language, binding.previous_telegram_id, name)
    text, markup = screens.home(t, binding.member, message.from_user.first_name)
    await message.answer(text, reply_markup=markup)


# --- log out and change password ---------------------------------------------------------------

async def logout(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    await state.clear()
    await accounts.logout(uow, message.from_user.id, abuse.identity_key(policy.orders.payload_key))
    await message.answer(t("logout-done"), reply_markup=keyboards.guest_menu(t))


async def _finish(message: Message, state: FSMContext, t: Translator, member: MemberView | None, notice: str) -> None:
    """A dialog's result, then home: no dead end, and no Cancel left on the last question."""
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = screens.home(t, member, message.from_user.first_name if message.from_user else None)
    await message.answer(f"{notice}\n\n{text}", reply_markup=markup)


async def password_begin(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(PasswordForm.old)
    await replies.prompt(message, state, t("password-ask-old"), keyboards.cancel_only(t))


async def password_old(
    message: Message, state: FSMContext, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy
) -> None:
    old = message.text
    await _delete_secret(message)
    try:
        await accounts.verify_password(uow, member.id, old, message.from_user.id, policy.lockout)
    except LockedOut as error:
        await _finish(message, state, t, member, error_text(t, error, policy.tz))
        return
    except DomainError as error:
        await replies.prompt(message, state, error_text(t, error, policy.tz), keyboards.cancel_only(t))
        return
    await state.set_state(PasswordForm.new)
    await replies.prompt(message, state, t("password-ask-new"), keyboards.cancel_only(t))


async def password_new(
    message: Message, state: FSMContext, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy
) -> None:
    new = message.text
    await _delete_secret(message)
    try:
        await accounts.set_password(uow, member.id, new, policy.bcrypt_rounds)
    except DomainError as error:
        await replies.prompt(message, state, error_text(t, error, policy.tz), keyboards.cancel_only(t))
        return
    await _finish(message, state, t, member, t("password-changed"))


async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("reg-send-text"))


def create_router() -> Router:
    router = Router(name="login")
    dialogs = StateFilter(LoginForm, PasswordForm)
    router.callback_query.register(begin, MenuCb.filter(F.action == MenuAction.login), IsGuest())
    router.callback_query.register(begin_as_member, MenuCb.filter(F.action == MenuAction.login), IsMember())
    router.callback_query.register(cancel, dialogs, FlowCb.filter(F.action == FlowAction.cancel))
    router.message.register(replies.command_in_dialog, dialogs, F.text.startswith("/"))
    router.message.register(got_identifier, LoginForm.identifier, F.text)
    router.message.register(got_password, LoginForm.password, F.text)
    router.message.register(logout, Command("logout"), IsMember())
    router.message.register(password_begin, Command("password"), IsMember())
    router.message.register(password_old, PasswordForm.old, F.text)
    router.message.register(password_new, PasswordForm.new, F.text)
    router.message.register(not_text, dialogs)
    return router
