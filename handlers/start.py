"""/start (with ref_ and link_ deep links), /help, /cancel and the home screen."""

import re

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot import keyboards, notify, replies, screens
from bot.callbacks import MenuAction, MenuCb
from bot.config import Settings
from bot.i18n import Translator
from bot.render import error_text, quote
from handlers.coupon_gifts import GIFT_PAYLOAD
from services import accounts
from services.errors import DomainError, NotAllowed
from services.members import MemberView
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

REF_PAYLOAD = re.compile(r"^ref_([A-Za-z0-9]{1,20})$")
LINK_PAYLOAD = re.compile(r"^link_([A-Za-z0-9_-]{16,60})$")


async def start(
    message: Message, command: CommandObject, state: FSMContext, member: MemberView | None, t: Translator,
    uow: UnitOfWork, settings: Settings, policy: ShopPolicy, bot: Bot, raw_state: str | None,
) -> None:
    if raw_state is not None:  # /start leaves any dialog, and says so
        await replies.close_prompt(message, state)
        kept = await state.get_data()
        await state.clear()
        await state.set_data({key: kept[key] for key in ("ref", "gift") if kept.get(key)})
        await message.answer(t("cancelled"), reply_markup=ReplyKeyboardRemove())
    payload = command.args or ""
    if link := LINK_PAYLOAD.match(payload):
        member = await _link_account(message, link.group(1), t, uow, settings, policy, bot) or member
    elif ref := REF_PAYLOAD.match(payload):
        if member is None:
            await state.update_data(ref=ref.group(1))
    elif (gift := GIFT_PAYLOAD.match(payload)) and member is None:  # members take gifts in coupon_gifts
        await state.update_data(gift=gift.group(1))
        await message.answer(t("coupons-gift-join-first"))
    elif payload:  # a malformed or unknown deep link gets the same answer as a used-up one
        await message.answer(error_text(t, NotAllowed("link-invalid"), policy.tz))
    text, markup = screens.home(t, member, message.from_user.first_name if message.from_user else None)
    await message.answer(text, reply_markup=markup)


async def _link_account(
    message: Message, token: str, t: Translator, uow: UnitOfWork, settings: Settings, policy: ShopPolicy, bot: Bot
) -> MemberView | None:
    try:
        binding = await accounts.redeem_link_token(uow, token, message.chat.id)
    except DomainError as error:
        await message.answer(error_text(t, error, policy.tz))
        return None
    await message.answer(t("link-done", name=quote(binding.member.username)))
    await notify.account_moved_away(
        bot, uow, settings.default_language, binding.previous_telegram_id, binding.member.username
    )
    return binding.member


async def help_command(message: Message, t: Translator) -> None:
    await message.answer(t("help"))


async def help_button(callback: CallbackQuery, t: Translator) -> None:
    await replies.show(callback, t("help"), keyboards.home_button(t))


async def cancel(message: Message, state: FSMContext, t: Translator, member: MemberView | None) -> None:
    if await state.get_state() is None:
        await message.answer(t("cancel-nothing"))
        return
    await replies.close_prompt(message, state)
    await state.clear()
    await message.answer(t("cancelled"), reply_markup=ReplyKeyboardRemove())
    text, markup = screens.home(t, member, message.from_user.first_name if message.from_user else None)
    await message.answer(text, reply_markup=markup)


async def home_button(callback: CallbackQuery, t: Translator, member: MemberView | None) -> None:
    text, markup = screens.home(t, member, callback.from_user.first_name)
    await replies.show(callback, text, markup)


def create_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.callback_query.register(help_button, MenuCb.filter(F.action == MenuAction.help))
    router.message.register(cancel, Command("cancel"))
    router.callback_query.register(home_button, MenuCb.filter(F.action == MenuAction.home))
    return router
