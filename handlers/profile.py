"""/profile with editing of each field, and /card (PRODUCT.md 1.3)."""

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import MenuAction, MenuCb, PrivacyAction, PrivacyCb, ProfileAction, ProfileCb
from bot.config import Settings
from bot.filters import IsMember, TextIs
from bot.i18n import Translator
from bot.render import error_text, quote
from services import cards, members, validation
from services.errors import DomainError, InvalidInput
from services.members import MemberView
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

TYPED_FIELDS = ("username", "email", "phone", "address", "birthday")


class ProfileEdit(StatesGroup):
    value = State()


def profile_view(t: Translator, member: MemberView, lang: str, policy: ShopPolicy) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        "profile",
        member_no=member.member_no,
        username=quote(member.username or t("value-none")),
        tier=quote(policy.tiers.get(member.tier).name(lang)),
        email=validation.mask_email(member.email),
        phone=validation.mask_phone(member.phone),
        address=quote(member.address or t("value-none")),
        birthday=member.birthday.isoformat() if member.birthday else t("value-none"),
        language=t(f"language-name-{lang}"),
        marketing=t("value-yes") if member.marketing_opt_in else t("value-no"),
    )
    rows = [
        [(t(f"field-{f}"), ProfileCb(action=ProfileAction.edit, field=f)) for f in TYPED_FIELDS[i : i + 2]]
        for i in range(0, len(TYPED_FIELDS), 2)
    ]
    if member.username is None:
        rows.append([(t("btn-website-login"), ProfileCb(action=ProfileAction.website))])
    if members.missing_profile_fields(member):
        rows.append([(t("btn-complete-profile", points=policy.profile_reward_points),
                      ProfileCb(action=ProfileAction.complete))])
    marketing_key = "btn-marketing-off" if member.marketing_opt_in else "btn-marketing-on"
    rows.append([(t(marketing_key), ProfileCb(action=ProfileAction.marketing)),
                 (t("btn-language"), MenuCb(action=MenuAction.language))])
    rows.append([(t("btn-privacy"), PrivacyCb(action=PrivacyAction.screen))])
    rows.append([(t("btn-home"), MenuCb(action=MenuAction.home))])
    return text, keyboards.inline(rows)


async def profile_command(
    message: Message, state: FSMContext, member: MemberView, t: Translator, lang: str, policy: ShopPolicy
) -> None:
    await state.clear()
    text, markup = profile_view(t, member, lang, policy)
    await message.answer(text, reply_markup=markup)


async def profile_button(callback: CallbackQuery, member: MemberView, t: Translator, lang: str, policy: ShopPolicy) -> None:
    text, markup = profile_view(t, member, lang, policy)
    await replies.show(callback, text, markup)


async def toggle_marketing(
    callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, lang: str, policy: ShopPolicy,
    callback_answer: CallbackAnswer,
) -> None:
    member = await members.set_marketing(uow, member.id, not member.marketing_opt_in)
    text, markup = profile_view(t, member, lang, policy)
    await replies.show(callback, text, markup)
    callback_answer.text = t("profile-saved")


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
        await replies.show(callback, prompt, keyboards.inline([[(t("btn-cancel"), ProfileCb(action=ProfileAction.cancel))]]))


async def cancel_edit_button(
    callback: CallbackQuery, state: FSMContext, member: MemberView, t: Translator, lang: str, policy: ShopPolicy
) -> None:
    await state.clear()
    text, markup = profile_view(t, member, lang, policy)
    await replies.show(callback, text, markup)


async def cancel_edit_text(
    message: Message, state: FSMContext, member: MemberView, t: Translator, lang: str, policy: ShopPolicy
) -> None:
    await state.clear()
    await message.answer(t("cancelled"), reply_markup=ReplyKeyboardRemove())
    text, markup = profile_view(t, member, lang, policy)
    await message.answer(text, reply_markup=markup)


async def got_value(
    message: Message, state: FSMContext, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
    policy: ShopPolicy,
) -> None:
    field = (await state.get_data()).get("field", "")
    try:
        raw = _raw_value(message, field)
        value = await members.validate_field(uow, field, raw, datetime.now(policy.tz).date(), member_id=member.id)
        member = await members.update_profile(uow, member.id, field, value)
    except DomainError as error:
        await message.answer(f"{error_text(t, error, policy.tz)}\n\n{t(f'profile-ask-{field}')}")
        return
    await state.clear()
    await message.answer(t("profile-saved"), reply_markup=ReplyKeyboardRemove())
    text, markup = profile_view(t, member, lang, policy)
    await message.answer(text, reply_markup=markup)


def _raw_value(message: Message, field: str) -> str:
    if message.contact is None:
        return message.text
    if field != "phone":
        raise InvalidInput("send-text", field)
    return validation.shared_phone(message.contact.phone_number, message.contact.user_id, message.from_user.id)


async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("reg-send-text"))


async def card_command(message: Message, member: MemberView, t: Translator, lang: str, settings: Settings, policy: ShopPolicy) -> None:
    await _send_card(message, member, message.from_user.first_name, t, lang, settings, policy)


async def card_button(
    callback: CallbackQuery, member: MemberView, t: Translator, lang: str, settings: Settings, policy: ShopPolicy
) -> None:
    await _send_card(callback.message, member, callback.from_user.first_name, t, lang, settings, policy)


async def _send_card(
    message: Message, member: MemberView, first_name: str | None, t: Translator, lang: str, settings: Settings,
    policy: ShopPolicy,
) -> None:
    text = cards.CardText(
        shop=settings.shop_name, title=t("card-title"), name=member.username or first_name or "",
        member_no=member.member_no, tier=policy.tiers.get(member.tier).name(lang),
        points=t("card-points", points=member.points_available),
    )
    png = await cards.render_card(text, member.tier)
    await message.answer_photo(
        BufferedInputFile(png, filename=f"{member.member_no}.png"),
        caption=t("card-caption", member_no=member.member_no),
        reply_markup=keyboards.home_button(t),
    )


def create_router() -> Router:
    router = Router(name="profile")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())
    router.message.register(profile_command, Command("profile"))
    router.callback_query.register(profile_button, MenuCb.filter(F.action == MenuAction.profile))
    router.callback_query.register(toggle_marketing, ProfileCb.filter(F.action == ProfileAction.marketing))
    router.callback_query.register(edit_field, ProfileCb.filter(F.action == ProfileAction.edit))
    router.callback_query.register(cancel_edit_button, ProfileCb.filter(F.action == ProfileAction.cancel))
    router.message.register(cancel_edit_text, ProfileEdit.value, TextIs("btn-cancel"))
    router.message.register(replies.command_in_dialog, ProfileEdit.value, F.text.startswith("/"))
    router.message.register(got_value, ProfileEdit.value, F.text | F.contact)
    router.message.register(not_text, ProfileEdit.value)
    router.message.register(card_command, Command("card"))
    router.callback_query.register(card_button, MenuCb.filter(F.action == MenuAction.card))
    return router
