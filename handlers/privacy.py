"""/mydata, /delete_account (confirmed twice), /unsubscribe, /subscribe and the unsubscribe button (PRODUCT.md 1.4).

The two confirmations of /delete_account are two dialog states, and each screen's buttons carry a
fresh nonce kept in the dialog: a press counts only in the state its screen set and with the nonce
of the screen now open, so neither forged callback data nor an old message's button can skip a step.
"""

import secrets

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies, screens
from bot.callbacks import MenuAction, MenuCb, PrivacyAction, PrivacyCb
from bot.filters import IsMember
from bot.i18n import Translator
from bot.render import error_text
from services import members, privacy
from services.errors import DomainError
from services.members import MemberView
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


class DeleteAccount(StatesGroup):
    first = State()  # the first warning is shown
    second = State()  # the last warning is shown


# --- the privacy screen (from the profile) --------------------------------------------------------

async def privacy_screen(callback: CallbackQuery, member: MemberView, t: Translator) -> None:
    status = t("value-yes") if member.marketing_opt_in else t("value-no")
    markup = keyboards.inline([
        [(t("btn-mydata"), PrivacyCb(action=PrivacyAction.export))],
        [(t("btn-delete-account"), PrivacyCb(action=PrivacyAction.begin))],
        [(t("btn-profile"), MenuCb(action=MenuAction.profile))],
    ])
    await replies.show(callback, t("privacy-screen", marketing=status), markup)


async def mydata_button(
    callback: CallbackQuery, bot: Bot, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy
) -> None:
    await _send_export(bot, callback.from_user.id, uow, member, t, policy)


async def delete_begin_button(
    callback: CallbackQuery, bot: Bot, state: FSMContext, member: MemberView, t: Translator
) -> None:
    await _ask_first(bot, callback.from_user.id, state, member, t)


# --- /mydata ---------------------------------------------------------------------------------------

async def mydata(message: Message, bot: Bot, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy) -> None:
    await _send_export(bot, message.chat.id, uow, member, t, policy)


async def _send_export(
    bot: Bot, chat_id: int, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy
) -> None:
    """The file comes as a new message (from the command, or below the privacy screen)."""
    try:
        exported = await privacy.export_data(uow, member.id)
    except DomainError as error:
        await bot.send_message(chat_id, error_text(t, error, policy.tz))
        return
    await bot.send_document(
        chat_id, BufferedInputFile(exported.data, filename=exported.filename),
        caption=t("mydata-caption", member_no=member.member_no, rows=exported.rows),
    )


# --- /delete_account -------------------------------------------------------------------------------

def _confirm_markup(t: Translator, action: PrivacyAction, label: str, nonce: str) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t(label), PrivacyCb(action=action, nonce=nonce))],
                             [(t("btn-cancel"), PrivacyCb(action=PrivacyAction.cancel))]])


async def _next_nonce(state: FSMContext, step: State) -> str:
    nonce = secrets.token_hex(4)
    await state.set_state(step)
    await state.set_data({"delete_nonce": nonce})
    return nonce


async def delete_begin(message: Message, bot: Bot, state: FSMContext, member: MemberView, t: Translator) -> None:
    await _ask_first(bot, message.chat.id, state, member, t)


async def _ask_first(bot: Bot, chat_id: int, state: FSMContext, member: MemberView, t: Translator) -> None:
    """The first warning, as a new message; an earlier warning's buttons stop counting."""
    await state.clear()
    nonce = await _next_nonce(state, DeleteAccount.first)
    await bot.send_message(
        chat_id,
        t("delete-ask-first", member_no=member.member_no, points=member.points_available + member.points_frozen),
        reply_markup=_confirm_markup(t, PrivacyAction.proceed, "btn-delete-continue", nonce),
    )


async def _screen_is_current(state: FSMContext, step: State, nonce: str) -> bool:
    data = await state.get_data()
    return await state.get_state() == step.state and bool(nonce) and data.get("delete_nonce") == nonce


async def delete_proceed(
    callback: CallbackQuery, callback_data: PrivacyCb, state: FSMContext, t: Translator, callback_answer: CallbackAnswer
) -> None:
    if not await _screen_is_current(state, DeleteAccount.first, callback_data.nonce):
        callback_answer.text, callback_answer.show_alert = t("button-expired"), True
        return
    nonce = await _next_nonce(state, DeleteAccount.second)
    await replies.show(callback, t("delete-ask-second"),
                       _confirm_markup(t, PrivacyAction.confirm, "btn-delete-confirm", nonce))


async def delete_confirm(
    callback: CallbackQuery, callback_data: PrivacyCb, state: FSMContext, uow: UnitOfWork, member: MemberView,
    t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer,
) -> None:
    if not await _screen_is_current(state, DeleteAccount.second, callback_data.nonce):
        callback_answer.text, callback_answer.show_alert = t("button-expired"), True
        return
    try:
        closed = await privacy.close_account(uow, member.id)
    except DomainError as error:
        await state.clear()
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    await state.clear()
    await replies.show(callback, t("delete-done", member_no=closed.member_no), keyboards.guest_menu(t))


async def delete_cancel(callback: CallbackQuery, state: FSMContext, member: MemberView, t: Translator) -> None:
    if await state.get_state() in (DeleteAccount.first.state, DeleteAccount.second.state):
        await state.clear()  # an old screen's Cancel leaves any other dialog alone
    text, markup = screens.home(t, member, callback.from_user.first_name)
    await replies.show(callback, f"{t('delete-cancelled')}\n\n{text}", markup)


# --- marketing opt-out -----------------------------------------------------------------------------

async def unsubscribe(message: Message, uow: UnitOfWork, member: MemberView, t: Translator) -> None:
    await members.set_marketing(uow, member.id, False)
    await message.answer(t("marketing-off-already" if not member.marketing_opt_in else "marketing-off"))


async def subscribe(message: Message, uow: UnitOfWork, member: MemberView, t: Translator) -> None:
    await members.set_marketing(uow, member.id, True)
    await message.answer(t("marketing-on-already" if member.marketing_opt_in else "marketing-on"))


async def unsubscribe_button(
    callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, callback_answer: CallbackAnswer
) -> None:
    """Under a marketing message: stop at once; the message itself stays as it is."""
    await members.set_marketing(uow, member.id, False)
    callback_answer.text, callback_answer.show_alert = t("unsubscribe-toast"), True


def create_router() -> Router:
    router = Router(name="privacy")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())
    router.message.register(mydata, Command("mydata"))
    router.message.register(delete_begin, Command("delete_account"))
    router.message.register(unsubscribe, Command("unsubscribe"))
    router.message.register(subscribe, Command("subscribe"))
    router.callback_query.register(delete_proceed, PrivacyCb.filter(F.action == PrivacyAction.proceed))
    router.callback_query.register(delete_confirm, PrivacyCb.filter(F.action == PrivacyAction.confirm))
    router.callback_query.register(delete_cancel, PrivacyCb.filter(F.action == PrivacyAction.cancel))
    router.callback_query.register(unsubscribe_button, PrivacyCb.filter(F.action == PrivacyAction.unsubscribe))
    router.callback_query.register(privacy_screen, PrivacyCb.filter(F.action == PrivacyAction.screen))
    router.callback_query.register(mydata_button, PrivacyCb.filter(F.action == PrivacyAction.export))
    router.callback_query.register(delete_begin_button, PrivacyCb.filter(F.action == PrivacyAction.begin))
    return router
