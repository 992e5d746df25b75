"""Linking a shop login (PRODUCT.md 1.2), /logout and /password."""

from contextlib import suppress
from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards, notify, screens
from bot.config import Settings
from bot.filters import IsGuest, IsMember
from bot.i18n import Translator
from bot.keyboards import FlowCb, MenuCb
from bot.render import error_text, quote
from models import Member
from services import accounts
from services.accounts import LockedOut, LockoutPolicy
from services.errors import DomainError, InvalidInput

router = Router(name="login")


class LoginForm(StatesGroup):
    identifier = State()
    password = State()


class PasswordForm(StatesGroup):
    old = State()
    new = State()


def _policy(settings: Settings) -> LockoutPolicy:
    return LockoutPolicy(settings.login_max_failures, timedelta(minutes=settings.login_lock_minutes))


async def _delete_secret(message: Message) -> None:
    with suppress(TelegramBadRequest):
        await message.delete()


# --- log in ------------------------------------------------------------------------------------

@router.callback_query(MenuCb.filter(F.action == "login"), IsGuest())
async def begin(callback: CallbackQuery, state: FSMContext, session: AsyncSession, t: Translator, settings: Settings) -> None:
    try:
        await accounts.ensure_not_locked(session, callback.from_user.id)
    except LockedOut as error:
        await callback.message.answer(error_text(t, error, settings.tz))
        return
    await state.set_state(LoginForm.identifier)
    await callback.message.edit_text(t("login-ask-identifier"), reply_markup=keyboards.cancel_only(t))


@router.callback_query(MenuCb.filter(F.action == "login"), IsMember())
async def begin_as_member(callback: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = t("error-already-member"), True


@router.callback_query(StateFilter(LoginForm, PasswordForm), FlowCb.filter(F.action == "cancel"))
async def cancel(callback: CallbackQuery, state: FSMContext, t: Translator, member: Member | None) -> None:
    await state.clear()
    text, markup = screens.home(t, member, callback.from_user.first_name)
    await callback.message.edit_text(f"{t('cancelled')}\n\n{text}", reply_markup=markup)


@router.message(StateFilter(LoginForm, PasswordForm), F.text.startswith("/"))
async def command_in_dialog(message: Message, t: Translator) -> None:
    await message.answer(t("dialog-command-blocked"))


@router.message(LoginForm.identifier, F.text)
async def got_identifier(message: Message, state: FSMContext, t: Translator) -> None:
    await state.update_data(identifier=message.text.strip()[:254])
    await state.set_state(LoginForm.password)
    await message.answer(t("login-ask-password"), reply_markup=keyboards.cancel_only(t))


@router.message(LoginForm.password, F.text)
async def got_password(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, settings: Settings, bot: Bot
) -> None:
    password = message.text
    await _delete_secret(message)
    identifier = (await state.get_data()).get("identifier", "")
    try:
        binding = await accounts.login(session, identifier, password, message.from_user.id, _policy(settings))
    except LockedOut as error:
        await state.clear()
        await message.answer(error_text(t, error, settings.tz))
        return
    except InvalidInput as error:
        await state.set_state(LoginForm.identifier)
        await message.answer(f"{error_text(t, error, settings.tz)}\n\n{t('login-ask-identifier')}", reply_markup=keyboards.cancel_only(t))
        return
    except DomainError as error:
        await state.clear()
        await message.answer(error_text(t, error, settings.tz))
        return
    await state.clear()
    await message.answer(t("login-done", name=quote(binding.member.username)))
    await notify.account_moved_away(bot, session, settings, binding.previous_telegram_id, binding.member.username)
    text, markup = screens.home(t, binding.member, message.from_user.first_name)
    await message.answer(text, reply_markup=markup)


# --- log out and change password ---------------------------------------------------------------

@router.message(Command("logout"), IsMember())
async def logout(message: Message, state: FSMContext, session: AsyncSession, t: Translator) -> None:
    await state.clear()
    await accounts.logout(session, message.from_user.id)
    await message.answer(t("logout-done"), reply_markup=keyboards.guest_menu(t))


@router.message(Command("password"), IsMember())
async def password_begin(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(PasswordForm.old)
    await message.answer(t("password-ask-old"), reply_markup=keyboards.cancel_only(t))


@router.message(PasswordForm.old, F.text)
async def password_old(
    message: Message, state: FSMContext, session: AsyncSession, member: Member, t: Translator, settings: Settings
) -> None:
    old = message.text
    await _delete_secret(message)
    try:
        await accounts.verify_password(session, member.id, old, message.from_user.id, _policy(settings))
    except LockedOut as error:
        await state.clear()
        await message.answer(error_text(t, error, settings.tz))
        return
    except DomainError as error:
        await message.answer(error_text(t, error, settings.tz), reply_markup=keyboards.cancel_only(t))
        return
    await state.set_state(PasswordForm.new)
    await message.answer(t("password-ask-new"), reply_markup=keyboards.cancel_only(t))


@router.message(PasswordForm.new, F.text)
async def password_new(
    message: Message, state: FSMContext, session: AsyncSession, member: Member, t: Translator, settings: Settings
) -> None:
    new = message.text
    await _delete_secret(message)
    try:
        await accounts.set_password(session, member.id, new, settings.bcrypt_rounds)
    except DomainError as error:
        await message.answer(error_text(t, error, settings.tz), reply_markup=keyboards.cancel_only(t))
        return
    await state.clear()
    await message.answer(t("password-changed"))


@router.message(StateFilter(LoginForm, PasswordForm))
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("reg-send-text"))
