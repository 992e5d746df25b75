"""/profile with editing of each field, and /card (PRODUCT.md 1.3)."""

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
)
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.config import Settings
from bot.filters import IsMember, TextIs
from bot.i18n import Translator
from bot.keyboards import MenuCb, ProfileCb
from bot.render import error_text, quote
from models import Member
from services import cards, members, validation
from services.errors import DomainError, InvalidInput

router = Router(name="profile")
router.message.filter(IsMember())
router.callback_query.filter(IsMember())

TYPED_FIELDS = ("username", "email", "phone", "address", "birthday")


class ProfileEdit(StatesGroup):
    value = State()


def profile_view(t: Translator, member: Member, lang: str, settings: Settings) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        "profile",
        member_no=member.member_no,
        username=quote(member.username),
        tier=quote(settings.tiers.get(member.tier).name(lang)),
        email=validation.mask_email(member.email),
        phone=validation.mask_phone(member.phone),
        address=quote(member.address or t("value-none")),
        birthday=member.birthday.isoformat() if member.birthday else t("value-none"),
        language=t(f"language-name-{lang}"),
        marketing=t("value-yes") if member.marketing_opt_in else t("value-no"),
    )
    rows = [
        [(t(f"field-{f}"), ProfileCb(action="edit", field=f)) for f in TYPED_FIELDS[i : i + 2]]
        for i in range(0, len(TYPED_FIELDS), 2)
    ]
    marketing_key = "btn-marketing-off" if member.marketing_opt_in else "btn-marketing-on"
    rows.append([(t(marketing_key), ProfileCb(action="marketing")), (t("btn-language"), MenuCb(action="language"))])
    rows.append([(t("btn-home"), MenuCb(action="home"))])
    return text, keyboards.inline(rows)


@router.message(Command("profile"))
async def profile_command(
    message: Message, state: FSMContext, member: Member, t: Translator, lang: str, settings: Settings
) -> None:
    await state.clear()
    text, markup = profile_view(t, member, lang, settings)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MenuCb.filter(F.action == "profile"))
async def profile_button(callback: CallbackQuery, member: Member, t: Translator, lang: str, settings: Settings) -> None:
    text, markup = profile_view(t, member, lang, settings)
    await callback.message.edit_text(text, reply_markup=markup)


@router.callback_query(ProfileCb.filter(F.action == "marketing"))
async def toggle_marketing(
    callback: CallbackQuery,
    session: AsyncSession,
    member: Member,
    t: Translator,
    lang: str,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    member = await members.update_profile(session, member.id, "marketing", not member.marketing_opt_in)
    text, markup = profile_view(t, member, lang, settings)
    await callback.message.edit_text(text, reply_markup=markup)
    callback_answer.text = t("profile-saved")


@router.callback_query(ProfileCb.filter(F.action == "edit"))
async def edit_field(
    callback: CallbackQuery, callback_data: ProfileCb, state: FSMContext, t: Translator, callback_answer: CallbackAnswer
) -> None:
    if callback_data.field not in TYPED_FIELDS:
        callback_answer.text = t("button-expired")
        return
    await state.set_state(ProfileEdit.value)
    await state.update_data(field=callback_data.field)
    prompt = t(f"profile-ask-{callback_data.field}")
    if callback_data.field == "phone":
        await callback.message.answer(prompt, reply_markup=keyboards.share_phone(t, back=False))
    else:
        await callback.message.edit_text(
            prompt, reply_markup=keyboards.inline([[(t("btn-cancel"), ProfileCb(action="cancel"))]])
        )


@router.callback_query(ProfileCb.filter(F.action == "cancel"))
async def cancel_edit_button(
    callback: CallbackQuery, state: FSMContext, member: Member, t: Translator, lang: str, settings: Settings
) -> None:
    await state.clear()
    text, markup = profile_view(t, member, lang, settings)
    await callback.message.edit_text(text, reply_markup=markup)


@router.message(ProfileEdit.value, TextIs("btn-cancel"))
async def cancel_edit_text(
    message: Message, state: FSMContext, member: Member, t: Translator, lang: str, settings: Settings
) -> None:
    await state.clear()
    await message.answer(t("cancelled"), reply_markup=ReplyKeyboardRemove())
    text, markup = profile_view(t, member, lang, settings)
    await message.answer(text, reply_markup=markup)


@router.message(ProfileEdit.value, F.text.startswith("/"))
async def command_in_dialog(message: Message, t: Translator) -> None:
    await message.answer(t("dialog-command-blocked"))


@router.message(ProfileEdit.value, F.text | F.contact)
async def got_value(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    member: Member,
    t: Translator,
    lang: str,
    settings: Settings,
) -> None:
    field = (await state.get_data()).get("field", "")
    try:
        raw = _raw_value(message, field)
        value = await members.validate_field(session, field, raw, datetime.now(settings.tz).date(), member_id=member.id)
        member = await members.update_profile(session, member.id, field, value)
    except DomainError as error:
        await message.answer(f"{error_text(t, error, settings.tz)}\n\n{t(f'profile-ask-{field}')}")
        return
    await state.clear()
    await message.answer(t("profile-saved"), reply_markup=ReplyKeyboardRemove())
    text, markup = profile_view(t, member, lang, settings)
    await message.answer(text, reply_markup=markup)


def _raw_value(message: Message, field: str) -> str:
    if message.contact is None:
        return message.text
    if field != "phone":
        raise InvalidInput("send-text", field)
    return validation.shared_phone(message.contact.phone_number, message.contact.user_id, message.from_user.id)


@router.message(ProfileEdit.value)
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("reg-send-text"))


@router.message(Command("card"))
async def card_command(message: Message, member: Member, t: Translator, settings: Settings) -> None:
    await _send_card(message, member, t, settings)


@router.callback_query(MenuCb.filter(F.action == "card"))
async def card_button(callback: CallbackQuery, member: Member, t: Translator, settings: Settings) -> None:
    await _send_card(callback.message, member, t, settings)


async def _send_card(message: Message, member: Member, t: Translator, settings: Settings) -> None:
    png = await cards.render_card(settings.shop_name, member.username, member.member_no, member.tier)
    await message.answer_photo(
        BufferedInputFile(png, filename=f"{member.member_no}.png"),
        caption=t("card-caption", member_no=member.member_no),
    )
