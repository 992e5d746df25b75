"""Registration dialog (PRODUCT.md 1.1): one question per message, each answer checked on the spot."""

from contextlib import suppress
from datetime import date, datetime

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.callback_answer import CallbackAnswer

from bot import replies, screens
from bot.callbacks import FlowAction, FlowCb, MenuAction, MenuCb
from bot.config import Settings
from bot.filters import IsGuest, IsMember, TextIs
from bot.i18n import Translator
from bot.render import error_text, quote
from handlers import coupon_gifts, join_steps
from handlers.join_steps import EDITABLE, TYPED_STEPS, RegistrationForm
from services import members, validation
from services.errors import DomainError, InvalidInput, NotAllowed
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

Event = Message | CallbackQuery
F_ = RegistrationForm
_name, _step, _steps, _question = join_steps.name, join_steps.step, join_steps.steps, join_steps.question


def _first_name(event: Event) -> str | None:
    return event.from_user.first_name if event.from_user else None


async def ask(event: Event, state: FSMContext, step: State, t: Translator, settings: Settings, notice: str | None = None) -> None:
    """Show a step's question: edit the pressed message in place, or send a new one."""
    data = await state.get_data()
    text, markup = _question(t, step, data, settings)
    if notice:
        text = f"{notice}\n\n{text}"
    message = event.message if isinstance(event, CallbackQuery) else event
    reply_kb = data.get("reply_kb", False)
    if reply_kb and step != F_.phone:
        await message.answer(t("reg-keyboard-closed"), reply_markup=ReplyKeyboardRemove())
        reply_kb = False
    await state.set_state(step)  # before the question shows, so a quick answer lands in this step
    if isinstance(event, CallbackQuery) and isinstance(markup, InlineKeyboardMarkup):
        question_id = (await replies.show(event, text, markup)).message_id
    else:
        await _close_question(message, data)
        question_id = (await message.answer(text, reply_markup=markup)).message_id
    await state.update_data(
        q_mid=question_id,
        q_inline=isinstance(markup, InlineKeyboardMarkup),
        reply_kb=reply_kb or isinstance(markup, ReplyKeyboardMarkup),
    )


async def _close_question(message: Message, data: dict) -> None:
    """The previous question's buttons go: only the newest question can be answered."""
    if data.get("q_inline") and data.get("q_mid"):
        await replies.drop_buttons(message, data["q_mid"])


async def _advance(
    event: Event, state: FSMContext, current: State, t: Translator, settings: Settings, uow: UnitOfWork,
    policy: ShopPolicy, **values: object,
) -> None:
    """Store the accepted answer and move on (back to the summary when editing one field).

    After the last question of quick join the member is registered at once.
    """
    await state.update_data(**values)
    data = await state.get_data()
    steps = _steps(settings)
    if data.get("editing"):
        following = F_.confirm
    elif current == steps[-1]:
        return await _register(event, state, uow, t, settings, policy)
    else:
        following = steps[steps.index(current) + 1]
    await ask(event, state, following, t, settings)


# --- entry -------------------------------------------------------------------------------

async def begin(callback: CallbackQuery, state: FSMContext, t: Translator, settings: Settings) -> None:
    await state.set_data(_kept(await state.get_data()))
    await ask(callback, state, F_.privacy, t, settings)


def _kept(data: dict) -> dict:
    """What survives leaving the dialog: the referral code and the gift of the deep link the user came by."""
    return {key: data[key] for key in ("ref", "gift") if data.get(key)}


async def begin_as_member(callback: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = t("error-already-member"), True


# --- navigation ------------------------------------------------------------------------------

async def cancel_button(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await _leave(callback, state, t, "reg-cancelled")


async def cancel_text(message: Message, state: FSMContext, t: Translator) -> None:
    await _leave(message, state, t, "reg-cancelled")


async def _leave(event: Event, state: FSMContext, t: Translator, notice: str) -> None:
    """Leave the dialog, keep nothing typed, and show home with the user's name."""
    data = await state.get_data()
    await state.set_state(None)
    await state.set_data(_kept(data))
    text, markup = screens.home(t, None, _first_name(event))
    text = f"{t(notice)}\n\n{text}"
    message = event.message if isinstance(event, CallbackQuery) else event
    if data.get("reply_kb"):
        await message.answer(t("reg-keyboard-closed"), reply_markup=ReplyKeyboardRemove())
    if isinstance(event, CallbackQuery):
        await replies.show(event, text, markup)
        return
    await _close_question(message, data)
    await message.answer(text, reply_markup=markup)


async def back_button(callback: CallbackQuery, state: FSMContext, t: Translator, settings: Settings) -> None:
    await _back(callback, state, t, settings)


async def back_text(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    await _back(message, state, t, settings)


async def _back(event: Event, state: FSMContext, t: Translator, settings: Settings) -> None:
    current = await state.get_state()
    data = await state.get_data()
    steps = _steps(settings)
    if current == F_.choose_field.state:
        previous = F_.confirm
    elif data.get("editing"):
        previous = F_.choose_field
    else:
        index = next((i for i, step in enumerate(steps) if step.state == current), 0)
        previous = steps[max(index - 1, 0)]
    await ask(event, state, previous, t, settings)


# --- typed answers ---------------------------------------------------------------------------

async def _reject(message: Message, state: FSMContext, step: State, t: Translator, settings: Settings, error: DomainError) -> None:
    await ask(message, state, step, t, settings, notice=error_text(t, error, settings.tz))


async def got_username(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    try:
        password_hash = (await state.get_data()).get("password_hash")
        username = await members.registration_username(uow, message.text, password_hash)
    except DomainError as error:
        return await _reject(message, state, F_.username, t, settings, error)
    await _advance(message, state, F_.username, t, settings, uow, policy, username=username)


async def got_password(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    password = message.text
    with suppress(TelegramBadRequest):
        await message.delete()  # the password must not stay in the chat
    username = (await state.get_data()).get("username")
    try:
        password_hash = await members.registration_password(password, username, settings.bcrypt_rounds)
    except DomainError as error:
        return await _reject(message, state, F_.password, t, settings, error)
    await _advance(message, state, F_.password, t, settings, uow, policy, password_hash=password_hash)


async def got_email(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    try:
        email = await members.validate_field(uow, "email", message.text, _today(settings))
    except DomainError as error:
        return await _reject(message, state, F_.email, t, settings, error)
    await _advance(message, state, F_.email, t, settings, uow, policy, email=email)


async def got_contact(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    contact = message.contact
    try:
        raw = validation.shared_phone(contact.phone_number, contact.user_id, message.from_user.id)
    except DomainError as error:
        return await _reject(message, state, F_.phone, t, settings, error)
    await _take_phone(message, raw, state, uow, t, settings, policy)


async def got_phone_text(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    await _take_phone(message, message.text, state, uow, t, settings, policy)


async def _take_phone(
    message: Message, raw: str, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy
) -> None:
    try:
        phone = await members.validate_field(uow, "phone", raw, _today(settings))
    except DomainError as error:
        return await _reject(message, state, F_.phone, t, settings, error)
    if settings.join_mode == "full" or (await state.get_data()).get("editing"):
        await message.answer(t("reg-phone-saved", phone=quote(phone)), reply_markup=ReplyKeyboardRemove())
        await state.update_data(reply_kb=False)
    await _advance(message, state, F_.phone, t, settings, uow, policy, phone=phone)


async def got_address(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    try:
        address = validation.address(message.text)
    except DomainError as error:
        return await _reject(message, state, F_.address, t, settings, error)
    await _advance(message, state, F_.address, t, settings, uow, policy, address=address)


async def got_birthday(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    try:
        born = validation.birthday(message.text, _today(settings))
    except DomainError as error:
        return await _reject(message, state, F_.birthday, t, settings, error)
    await _advance(message, state, F_.birthday, t, settings, uow, policy, birthday=born.isoformat())


async def skip(callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    current = F_.address if await state.get_state() == F_.address.state else F_.birthday
    await _advance(callback, state, current, t, settings, uow, policy, **{_name(current): None})


# --- buttons ---------------------------------------------------------------------------------

async def privacy_accepted(callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    await _advance(callback, state, F_.privacy, t, settings, uow, policy, privacy=True)


async def privacy_declined(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await _leave(callback, state, t, "reg-privacy-required")


async def marketing_chosen(
    callback: CallbackQuery, callback_data: FlowCb, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy
) -> None:
    await _advance(callback, state, F_.marketing, t, settings, uow, policy, marketing=callback_data.action == FlowAction.yes)


async def edit_chosen(callback: CallbackQuery, state: FSMContext, t: Translator, settings: Settings) -> None:
    await ask(callback, state, F_.choose_field, t, settings)


async def field_chosen(
    callback: CallbackQuery, callback_data: FlowCb, state: FSMContext, t: Translator, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    if callback_data.value not in EDITABLE:
        callback_answer.text = t("button-expired")
        return
    await state.update_data(editing=True)
    await ask(callback, state, _step(callback_data.value), t, settings)


async def confirmed(
    callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy
) -> None:
    await _register(callback, state, uow, t, settings, policy)


async def _register(event: Event, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    """Both ways of joining end here: one service call, then the welcome and the main menu."""
    data = await state.get_data()
    form = members.Registration(
        username=data.get("username"),
        password_hash=data.get("password_hash"),
        email=data.get("email"),
        phone=data.get("phone"),
        address=data.get("address"),
        birthday=date.fromisoformat(data["birthday"]) if data.get("birthday") else None,
        marketing_opt_in=bool(data.get("marketing")),
        referrer_code=data.get("ref"),
    )
    message = event.message if isinstance(event, CallbackQuery) else event
    try:
        member = await members.register(uow, form, event.from_user.id, policy)
    except InvalidInput as error:
        await state.update_data(editing=settings.join_mode == "full")
        await ask(event, state, _step(error.field or "phone"), t, settings, notice=error_text(t, error, settings.tz))
        return
    except NotAllowed as error:
        await state.clear()
        await message.answer(error_text(t, error, settings.tz), reply_markup=ReplyKeyboardRemove())
        return
    await state.clear()
    done = t("reg-done", member_no=member.member_no, points=policy.welcome_points)
    if isinstance(event, CallbackQuery):
        await replies.show(event, done)
    else:
        await message.answer(done, reply_markup=ReplyKeyboardRemove())
    text, markup = screens.home(t, member, _first_name(event))
    await message.answer(text, reply_markup=markup)
    if data.get("gift"):  # the gift link that brought this guest
        await coupon_gifts.accept_gift(message, data["gift"], uow, member, t, t.language, policy)


# --- anything else while the dialog waits ------------------------------------------------------

async def not_text(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    step = _step((await state.get_state()).split(":", 1)[1])
    await ask(message, state, step, t, settings, notice=t("reg-send-text"))


async def use_buttons(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    step = _step((await state.get_state()).split(":", 1)[1])
    await ask(message, state, step, t, settings, notice=t("use-buttons"))


def _today(settings: Settings) -> date:
    return datetime.now(settings.tz).date()


def create_router() -> Router:
    router = Router(name="registration")
    router.callback_query.register(begin, MenuCb.filter(F.action == MenuAction.register), IsGuest())
    router.callback_query.register(begin_as_member, MenuCb.filter(F.action == MenuAction.register), IsMember())
    router.callback_query.register(cancel_button, StateFilter(RegistrationForm), FlowCb.filter(F.action == FlowAction.cancel))
    router.message.register(cancel_text, StateFilter(RegistrationForm), TextIs("btn-cancel"))
    router.callback_query.register(back_button, StateFilter(RegistrationForm), FlowCb.filter(F.action == FlowAction.back))
    router.message.register(back_text, StateFilter(RegistrationForm), TextIs("btn-back"))
    router.message.register(replies.command_in_dialog, StateFilter(RegistrationForm), F.text.startswith("/"))
    router.message.register(got_username, F_.username, F.text)
    router.message.register(got_password, F_.password, F.text)
    router.message.register(got_email, F_.email, F.text)
    router.message.register(got_contact, F_.phone, F.contact)
    router.message.register(got_phone_text, F_.phone, F.text)
    router.message.register(got_address, F_.address, F.text)
    router.message.register(got_birthday, F_.birthday, F.text)
    router.callback_query.register(skip, StateFilter(F_.address, F_.birthday), FlowCb.filter(F.action == FlowAction.skip))
    router.callback_query.register(privacy_accepted, F_.privacy, FlowCb.filter(F.action == FlowAction.accept))
    router.callback_query.register(privacy_declined, F_.privacy, FlowCb.filter(F.action == FlowAction.decline))
    router.callback_query.register(marketing_chosen, F_.marketing, FlowCb.filter(F.action.in_({FlowAction.yes, FlowAction.no})))
    router.callback_query.register(edit_chosen, F_.confirm, FlowCb.filter(F.action == FlowAction.edit))
    router.callback_query.register(field_chosen, F_.choose_field, FlowCb.filter(F.action == FlowAction.field))
    router.callback_query.register(confirmed, F_.confirm, FlowCb.filter(F.action == FlowAction.confirm))
    router.message.register(not_text, StateFilter(*TYPED_STEPS))
    router.message.register(use_buttons, StateFilter(F_.privacy, F_.marketing, F_.confirm, F_.choose_field))
    return router
