"""Registration dialog (PRODUCT.md 1.1): one question per message, each answer checked on the spot."""

from contextlib import suppress
from datetime import date, datetime

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, screens
from bot.config import Settings
from bot.filters import IsGuest, IsMember, TextIs
from bot.i18n import Translator
from bot.callbacks import FlowAction, FlowCb, MenuAction, MenuCb
from bot.render import error_text, quote
from services import members, validation
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork
from services.errors import DomainError, InvalidInput, NotAllowed

class RegistrationForm(StatesGroup):
    username = State()
    password = State()
    email = State()
    phone = State()
    address = State()
    birthday = State()
    privacy = State()
    marketing = State()
    confirm = State()
    choose_field = State()


F_ = RegistrationForm
STEPS: list[State] = [F_.username, F_.password, F_.email, F_.phone, F_.address, F_.birthday, F_.privacy, F_.marketing, F_.confirm]
TYPED_STEPS = (F_.username, F_.password, F_.email, F_.phone, F_.address, F_.birthday)
EDITABLE = ("username", "password", "email", "phone", "address", "birthday", "marketing")
Event = Message | CallbackQuery


def _name(step: State) -> str:
    return step.state.split(":", 1)[1]


def _step(name: str) -> State:
    return getattr(RegistrationForm, name)


def _question(t: Translator, step: State, data: dict, settings: Settings) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup]:
    name = _name(step)
    if name == "confirm":
        return _summary(t, data), keyboards.inline(
            [[(t("btn-confirm"), FlowCb(action=FlowAction.confirm)), (t("btn-edit"), FlowCb(action=FlowAction.edit))],
             [(t("btn-cancel"), FlowCb(action=FlowAction.cancel))]]
        )
    if name == "choose_field":
        rows = [[(t(f"field-{f}"), FlowCb(action=FlowAction.field, value=f)) for f in EDITABLE[i:i + 2]] for i in range(0, len(EDITABLE), 2)]
        rows.append([(t("btn-back"), FlowCb(action=FlowAction.back))])
        return t("reg-choose-field"), keyboards.inline(rows)
    text = t(f"reg-ask-{name}", url=quote(settings.privacy_policy_url))
    if name == "phone":
        return text, keyboards.share_phone(t)
    actions = {
        "privacy": (FlowAction.accept, FlowAction.decline), "marketing": (FlowAction.yes, FlowAction.no),
        "address": (FlowAction.skip,), "birthday": (FlowAction.skip,),
    }
    return text, keyboards.flow(t, *actions.get(name, ()), back=name != "username")


def _summary(t: Translator, data: dict) -> str:
    return t(
        "reg-summary",
        username=quote(data.get("username")),
        email=validation.mask_email(data.get("email")),
        phone=validation.mask_phone(data.get("phone")),
        address=quote(data.get("address") or t("value-none")),
        birthday=data.get("birthday") or t("value-none"),
        marketing=t("value-yes") if data.get("marketing") else t("value-no"),
    )


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
        await event.message.edit_text(text, reply_markup=markup)
        question_id = event.message.message_id
    else:
        if data.get("q_inline") and data.get("q_mid"):
            with suppress(TelegramBadRequest):
                await message.bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=data["q_mid"], reply_markup=None)
        question_id = (await message.answer(text, reply_markup=markup)).message_id
    await state.update_data(
        q_mid=question_id,
        q_inline=isinstance(markup, InlineKeyboardMarkup),
        reply_kb=reply_kb or isinstance(markup, ReplyKeyboardMarkup),
    )


async def _advance(event: Event, state: FSMContext, current: State, t: Translator, settings: Settings, **values: object) -> None:
    """Store the accepted answer and move on (back to the summary when editing one field)."""
    await state.update_data(**values)
    data = await state.get_data()
    following = F_.confirm if data.get("editing") else STEPS[STEPS.index(current) + 1]
    await ask(event, state, following, t, settings)


# --- entry -------------------------------------------------------------------------------

async def begin(callback: CallbackQuery, state: FSMContext, t: Translator, settings: Settings) -> None:
    ref = (await state.get_data()).get("ref")
    await state.set_data({"ref": ref} if ref else {})
    await ask(callback, state, F_.username, t, settings)


async def begin_as_member(callback: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = t("error-already-member"), True


# --- navigation ------------------------------------------------------------------------------

async def cancel_button(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await _cancel(callback.message, state, t, edit=True)


async def cancel_text(message: Message, state: FSMContext, t: Translator) -> None:
    await _cancel(message, state, t, edit=False)


async def _cancel(message: Message, state: FSMContext, t: Translator, edit: bool) -> None:
    reply_kb = (await state.get_data()).get("reply_kb")
    await state.clear()
    if reply_kb:
        await message.answer(t("reg-cancelled"), reply_markup=ReplyKeyboardRemove())
        text, markup = screens.home(t, None, None)
        await message.answer(text, reply_markup=markup)
    elif edit:
        await message.edit_text(t("reg-cancelled"), reply_markup=keyboards.guest_menu(t))
    else:
        await message.answer(t("reg-cancelled"), reply_markup=keyboards.guest_menu(t))


async def back_button(callback: CallbackQuery, state: FSMContext, t: Translator, settings: Settings) -> None:
    await _back(callback, state, t, settings)


async def back_text(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    await _back(message, state, t, settings)


async def _back(event: Event, state: FSMContext, t: Translator, settings: Settings) -> None:
    current = await state.get_state()
    data = await state.get_data()
    if current == F_.choose_field.state:
        previous = F_.confirm
    elif data.get("editing"):
        previous = F_.choose_field
    else:
        index = next(i for i, step in enumerate(STEPS) if step.state == current)
        previous = STEPS[max(index - 1, 0)]
    await ask(event, state, previous, t, settings)


# --- typed answers ---------------------------------------------------------------------------

async def command_in_dialog(message: Message, t: Translator) -> None:
    await message.answer(t("dialog-command-blocked"))



async def _reject(message: Message, state: FSMContext, step: State, t: Translator, settings: Settings, error: DomainError) -> None:
    await ask(message, state, step, t, settings, notice=error_text(t, error, settings.tz))


async def got_username(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings) -> None:
    try:
        password_hash = (await state.get_data()).get("password_hash")
        username = await members.registration_username(uow, message.text, password_hash)
    except DomainError as error:
        return await _reject(message, state, F_.username, t, settings, error)
    await _advance(message, state, F_.username, t, settings, username=username)


async def got_password(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    password = message.text
    with suppress(TelegramBadRequest):
        await message.delete()  # the password must not stay in the chat
    username = (await state.get_data()).get("username")
    try:
        password_hash = await members.registration_password(password, username, settings.bcrypt_rounds)
    except DomainError as error:
        return await _reject(message, state, F_.password, t, settings, error)
    await _advance(message, state, F_.password, t, settings, password_hash=password_hash)


async def got_email(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings) -> None:
    try:
        email = await members.validate_field(uow, "email", message.text, _today(settings))
    except DomainError as error:
        return await _reject(message, state, F_.email, t, settings, error)
    await _advance(message, state, F_.email, t, settings, email=email)


async def got_contact(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings) -> None:
    contact = message.contact
    try:
        raw = validation.shared_phone(contact.phone_number, contact.user_id, message.from_user.id)
    except DomainError as error:
        return await _reject(message, state, F_.phone, t, settings, error)
    await _take_phone(message, raw, state, uow, t, settings)


async def got_phone_text(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings) -> None:
    await _take_phone(message, message.text, state, uow, t, settings)


async def _take_phone(message: Message, raw: str, state: FSMContext, uow: UnitOfWork, t: Translator, settings: Settings) -> None:
    try:
        phone = await members.validate_field(uow, "phone", raw, _today(settings))
    except DomainError as error:
        return await _reject(message, state, F_.phone, t, settings, error)
    await message.answer(t("reg-phone-saved", phone=validation.mask_phone(phone)), reply_markup=ReplyKeyboardRemove())
    await state.update_data(reply_kb=False)
    await _advance(message, state, F_.phone, t, settings, phone=phone)


async def got_address(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    try:
        address = validation.address(message.text)
    except DomainError as error:
        return await _reject(message, state, F_.address, t, settings, error)
    await _advance(message, state, F_.address, t, settings, address=address)


async def got_birthday(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    try:
        born = validation.birthday(message.text, _today(settings))
    except DomainError as error:
        return await _reject(message, state, F_.birthday, t, settings, error)
    await _advance(message, state, F_.birthday, t, settings, birthday=born.isoformat())


async def skip(callback: CallbackQuery, state: FSMContext, t: Translator, settings: Settings) -> None:
    current = F_.address if await state.get_state() == F_.address.state else F_.birthday
    await _advance(callback, state, current, t, settings, **{_name(current): None})


# --- buttons ---------------------------------------------------------------------------------

async def privacy_accepted(callback: CallbackQuery, state: FSMContext, t: Translator, settings: Settings) -> None:
    await _advance(callback, state, F_.privacy, t, settings, privacy=True)


async def privacy_declined(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await callback.message.edit_text(t("reg-privacy-required"), reply_markup=keyboards.guest_menu(t))


async def marketing_chosen(callback: CallbackQuery, callback_data: FlowCb, state: FSMContext, t: Translator, settings: Settings) -> None:
    await _advance(callback, state, F_.marketing, t, settings, marketing=callback_data.action == FlowAction.yes)


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
    data = await state.get_data()
    form = members.Registration(
        username=data["username"],
        password_hash=data["password_hash"],
        email=data["email"],
        phone=data["phone"],
        address=data.get("address"),
        birthday=date.fromisoformat(data["birthday"]) if data.get("birthday") else None,
        marketing_opt_in=bool(data.get("marketing")),
        referrer_code=data.get("ref"),
    )
    try:
        member = await members.register(uow, form, callback.from_user.id, policy)
    except InvalidInput as error:
        await state.update_data(editing=True)
        await ask(callback, state, _step(error.field or "username"), t, settings, notice=error_text(t, error, settings.tz))
        return
    except NotAllowed as error:
        await state.clear()
        await callback.message.edit_text(error_text(t, error, settings.tz))
        return
    await state.clear()
    await callback.message.edit_text(t("reg-done", member_no=member.member_no, points=policy.welcome_points))
    text, markup = screens.home(t, member, callback.from_user.first_name)
    await callback.message.answer(text, reply_markup=markup)


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
    router.message.register(command_in_dialog, StateFilter(RegistrationForm), F.text.startswith("/"))
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
