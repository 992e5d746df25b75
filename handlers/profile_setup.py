"""From the profile: a password for the shop website, and the "complete your profile" card (PRODUCT.md 1.1, 1.3)."""

from contextlib import suppress
from datetime import datetime

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import ProfileAction, ProfileCb
from bot.filters import IsMember
from bot.i18n import Translator
from bot.render import error_text, quote
from handlers.profile import profile_view
from services import members, validation
from services.errors import DomainError, InvalidInput
from services.members import MemberView
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


class WebsiteLogin(StatesGroup):
    username = State()
    password = State()


class ProfileCard(StatesGroup):
    value = State()


def _cancel_only(t: Translator) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t("btn-cancel"), ProfileCb(action=ProfileAction.cancel))]])


async def _prompt(message: Message, state: FSMContext, text: str, markup: InlineKeyboardMarkup) -> None:
    await replies.prompt(message, state, text, markup)


# --- a password for the shop website -------------------------------------------------------------

async def website_begin(
    callback: CallbackQuery, state: FSMContext, member: MemberView, t: Translator, callback_answer: CallbackAnswer
) -> None:
    if member.username is not None:
        callback_answer.text = t("error-password-already-set")
        return
    await state.set_state(WebsiteLogin.username)
    shown = await replies.show(callback, t("website-ask-username"), _cancel_only(t))
    await state.set_data({"prompt": shown.message_id})


async def website_username(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    try:
        username = validation.username(message.text)
        await members.ensure_available(uow, "username", username)
    except DomainError as error:
        return await _prompt(message, state, f"{error_text(t, error, policy.tz)}\n\n{t('website-ask-username')}", _cancel_only(t))
    await state.update_data(username=username)
    await state.set_state(WebsiteLogin.password)
    await _prompt(message, state, t("website-ask-password"), _cancel_only(t))


async def website_password(
    message: Message, state: FSMContext, uow: UnitOfWork, member: MemberView, t: Translator, lang: str, policy: ShopPolicy
) -> None:
    password = message.text
    with suppress(TelegramBadRequest):
        await message.delete()  # the password must not stay in the chat
    username = (await state.get_data()).get("username", "")
    try:
        member = await members.set_website_login(uow, member.id, username, password, policy.bcrypt_rounds)
    except InvalidInput as error:
        back = WebsiteLogin.username if error.field == "username" else WebsiteLogin.password
        await state.set_state(back)
        ask = "website-ask-username" if back == WebsiteLogin.username else "website-ask-password"
        return await _prompt(message, state, f"{error_text(t, error, policy.tz)}\n\n{t(ask)}", _cancel_only(t))
    except DomainError as error:
        await replies.close_prompt(message, state)
        await state.clear()
        text, markup = profile_view(t, member, lang, policy)
        return await message.answer(f"{error_text(t, error, policy.tz)}\n\n{text}", reply_markup=markup)
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = profile_view(t, member, lang, policy)
    await message.answer(f"{t('website-done', name=quote(member.username))}\n\n{text}", reply_markup=markup)


# --- the "complete your profile" card --------------------------------------------------------------

def _card_question(t: Translator, member: MemberView, field: str) -> tuple[str, InlineKeyboardMarkup]:
    """One question at a time with its place: "2/3" counts the fields already given."""
    done = len(members.PROFILE_FIELDS) - len(members.missing_profile_fields(member))
    text = t("card-progress", n=done + 1, total=len(members.PROFILE_FIELDS)) + "\n" + t(f"card-ask-{field}")
    markup = keyboards.inline([[(t("btn-skip"), ProfileCb(action=ProfileAction.skip, field=field)),
                                (t("btn-cancel"), ProfileCb(action=ProfileAction.cancel))]])
    return text, markup


def _next_field(member: MemberView, skipped: list[str]) -> str | None:
    return next((field for field in members.missing_profile_fields(member) if field not in skipped), None)


async def card_begin(
    callback: CallbackQuery, state: FSMContext, member: MemberView, t: Translator, lang: str, policy: ShopPolicy
) -> None:
    await state.set_data({})
    await _card_step(callback, state, member, t, lang, policy, [])


async def card_skip(
    callback: CallbackQuery, callback_data: ProfileCb, state: FSMContext, member: MemberView, t: Translator, lang: str,
    policy: ShopPolicy,
) -> None:
    skipped = [*(await state.get_data()).get("skipped", []), callback_data.field]
    await _card_step(callback, state, member, t, lang, policy, skipped)


async def _card_step(
    callback: CallbackQuery, state: FSMContext, member: MemberView, t: Translator, lang: str, policy: ShopPolicy,
    skipped: list[str],
) -> None:
    field = _next_field(member, skipped)
    if field is None:
        await state.clear()
        text, markup = profile_view(t, member, lang, policy)
        await replies.show(callback, text, markup)
        return
    await state.set_state(ProfileCard.value)
    text, markup = _card_question(t, member, field)
    shown = await replies.show(callback, text, markup)
    await state.update_data(field=field, skipped=skipped, prompt=shown.message_id)


async def card_answer(
    message: Message, state: FSMContext, uow: UnitOfWork, member: MemberView, t: Translator, lang: str, policy: ShopPolicy
) -> None:
    data = await state.get_data()
    field = data.get("field", "")
    try:
        value = await members.validate_field(uow, field, message.text, datetime.now(policy.tz).date(), member_id=member.id)
        member, rewarded = await members.complete_profile_field(uow, member.id, field, value, policy)
    except DomainError as error:
        text, markup = _card_question(t, member, field)
        return await _prompt(message, state, f"{error_text(t, error, policy.tz)}\n\n{text}", markup)
    following = _next_field(member, data.get("skipped", []))
    if following is not None:
        text, markup = _card_question(t, member, following)
        await state.update_data(field=following)
        return await _prompt(message, state, text, markup)
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = profile_view(t, member, lang, policy)
    notice = t("card-rewarded", points=rewarded) if rewarded else t("profile-saved")
    await message.answer(f"{notice}\n\n{text}", reply_markup=markup)


async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("reg-send-text"))


def create_router() -> Router:
    router = Router(name="profile_setup")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())
    router.callback_query.register(website_begin, ProfileCb.filter(F.action == ProfileAction.website))
    router.callback_query.register(card_begin, ProfileCb.filter(F.action == ProfileAction.complete))
    router.callback_query.register(card_skip, ProfileCard.value, ProfileCb.filter(F.action == ProfileAction.skip))
    router.message.register(replies.command_in_dialog, StateFilter(WebsiteLogin, ProfileCard), F.text.startswith("/"))
    router.message.register(website_username, WebsiteLogin.username, F.text, ~F.text.startswith("/"))
    router.message.register(website_password, WebsiteLogin.password, F.text, ~F.text.startswith("/"))
    router.message.register(card_answer, ProfileCard.value, F.text, ~F.text.startswith("/"))
    router.message.register(not_text, StateFilter(WebsiteLogin, ProfileCard), ~F.text)
    return router
