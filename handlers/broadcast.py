"""/broadcast (admins): compose, pick a segment (with its size), preview, send now or schedule (PRODUCT.md 6).

The dialog: the message (text in Telegram HTML, or a photo with a caption) → an optional URL
button (`Text | https://…`) → an optional coupon campaign → a segment → a preview sent to the
composer and Send now / Schedule / Discard. Every step checks its input on the spot and asks
again with the reason; the role is checked again by every use case. The progress message and
its buttons are handlers/broadcast_controls.py.
"""

from datetime import datetime

from aiogram import F, Router
from babel.numbers import get_currency_precision
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.broadcast_render import marketing_message, segment_label
from bot.broadcast_worker import BroadcastQueue
from bot.callbacks import BroadcastAction, BroadcastCb
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.render import error_text, local_time, money, quote
from handlers.broadcast_controls import send_progress
from services import broadcasts
from services.broadcasts import Draft, Segment
from services.errors import DomainError
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

# Segment buttons: (segment, parameter); a typed "new 14" picks any number of days.
SEGMENT_BUTTONS = [
    [("all", None), ("birthday", None)],
    [("new", 7), ("new", 30)],
    [("inactive", 30), ("inactive", 90)],
    [("expiring", 7), ("expiring", 30)],
    [("coupons", None)],
    [("rfm", "champions"), ("rfm", "at_risk")],
]
TIME_FORMAT = "%Y-%m-%d %H:%M"


class Compose(StatesGroup):
    content = State()
    button = State()
    coupon = State()
    segment = State()
    confirm = State()
    when = State()


def _cb(action: BroadcastAction, id: int = 0, value: str = "") -> BroadcastCb:
    return BroadcastCb(action=action, id=id, value=value)


def _discard_row(t: Translator) -> list[keyboards.Button]:
    return [(t("btn-cancel"), _cb(BroadcastAction.discard))]


def _skip_markup(t: Translator) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t("broadcast-btn-skip"), _cb(BroadcastAction.skip))], _discard_row(t)])


async def _ask(message: Message, state: FSMContext, text: str, markup: InlineKeyboardMarkup | None) -> None:
    await replies.prompt(message, state, text, markup)


async def begin(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await state.set_state(Compose.content)
    await _ask(message, state, t("broadcast-ask-content"), keyboards.inline([_discard_row(t)]))


async def got_content(message: Message, state: FSMContext, t: Translator, policy: ShopPolicy) -> None:
    photo = message.photo[-1].file_id if message.photo else None
    text = (message.caption if photo else message.text) or ""
    try:
        broadcasts.check_text(text, photo is not None)
    except DomainError as error:
        await _ask(message, state, error_text(t, error, policy.tz) + "\n\n" + t("broadcast-ask-content"),
                   keyboards.inline([_discard_row(t)]))
        return
    await state.update_data(text=text, photo=photo)
    await state.set_state(Compose.button)
    await _ask(message, state, t("broadcast-ask-button"), _skip_markup(t))


async def got_button(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    label, _, url = (message.text or "").partition("|")
    try:
        label, url = broadcasts.check_button(label, url)
    except DomainError as error:
        await _ask(message, state, error_text(t, error, policy.tz) + "\n\n" + t("broadcast-ask-button"), _skip_markup(t))
        return
    await state.update_data(button_text=label, button_url=url)
    await _ask_coupon(message, state, uow, t)


async def skip_step(callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, t: Translator) -> None:
    if await state.get_state() == Compose.button.state:
        await _ask_coupon(callback.message, state, uow, t)
    elif await state.get_state() == Compose.coupon.state:
        await _ask_segment(callback.message, state, t)


async def _ask_coupon(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator) -> None:
    await state.set_state(Compose.coupon)
    lang = t.language
    rows = [[(campaign.name(lang), _cb(BroadcastAction.coupon, campaign.id))] for campaign in await broadcasts.campaigns(uow)]
    rows += [[(t("broadcast-btn-no-coupon"), _cb(BroadcastAction.skip))], _discard_row(t)]
    await _ask(message, state, t("broadcast-ask-coupon"), keyboards.inline(rows))


async def got_coupon(callback: CallbackQuery, callback_data: BroadcastCb, state: FSMContext, t: Translator) -> None:
    await state.update_data(campaign_id=callback_data.id)
    await _ask_segment(callback.message, state, t)


async def _ask_segment(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(Compose.segment)
    rows = [
        [(segment_label(t, broadcasts.segment(name, value)), _cb(BroadcastAction.segment, value=f"{name}-{value or ''}"))
         for name, value in row]
        for row in SEGMENT_BUTTONS
    ]
    rows.append(_discard_row(t))
    await _ask(message, state, t("broadcast-ask-segment"), keyboards.inline(rows))


def _tiers(policy: ShopPolicy) -> tuple[str, ...]:
    return tuple(tier.code for tier in policy.tiers.ordered)


async def segment_button(
    callback: CallbackQuery, callback_data: BroadcastCb, state: FSMContext, uow: UnitOfWork, t: Translator,
    policy: ShopPolicy,
) -> None:
    name, _, value = callback_data.value.partition("-")
    await _chose_segment(callback.message, callback.from_user.id, state, uow, t, policy, name, value or None)


async def segment_typed(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    """"new 14", "tier gold", "inactive 45": any segment with its parameter."""
    name, _, value = (message.text or "").strip().lower().partition(" ")
    await _chose_segment(message, message.from_user.id, state, uow, t, policy, name, value.strip() or None)


async def _chose_segment(
    message: Message, actor_id: int, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy,
    name: str, value: str | None,
) -> None:
    try:
        chosen = broadcasts.segment(name, value, _tiers(policy), 10 ** get_currency_precision(policy.currency))
    except DomainError as error:
        await _ask(message, state, error_text(t, error, policy.tz), None)
        await _ask_segment(message, state, t)
        return
    data = await state.get_data()
    draft = Draft(data["text"], data.get("photo"), data.get("button_text"), data.get("button_url"),
                  data.get("campaign_id") or None)
    size = await broadcasts.size(uow, chosen, policy.tz)
    broadcast_id = await broadcasts.create(uow, policy, actor_id, draft, chosen, t.language)
    await state.update_data(broadcast_id=broadcast_id)
    await state.set_state(Compose.confirm)
    await _preview(message, broadcast_id, uow, t, policy, actor_id)
    amount = money(chosen.params["amount"], policy.currency, t.language) if chosen.name == "spent" else None
    label = segment_label(t, chosen, _tier_name(policy, chosen, t.language), amount)
    markup = keyboards.inline([
        [(t("broadcast-btn-start"), _cb(BroadcastAction.start, broadcast_id)),
         (t("broadcast-btn-schedule"), _cb(BroadcastAction.schedule, broadcast_id))],
        [(t("btn-cancel"), _cb(BroadcastAction.discard, broadcast_id))],
    ])
    await _ask(message, state, t("broadcast-confirm", segment=label, size=size), markup)


def _tier_name(policy: ShopPolicy, chosen: Segment, lang: str) -> str | None:
    if chosen.name != "tier":
        return None
    return quote(policy.tiers.get(chosen.params["tier"]).name(lang))


async def _preview(message: Message, broadcast_id: int, uow: UnitOfWork, t: Translator, policy: ShopPolicy, actor_id: int) -> None:
    """The message exactly as a recipient in the composer's language gets it (a sample coupon code)."""
    view = await broadcasts.get(uow, policy, actor_id, broadcast_id)
    outgoing = marketing_message(view, t, "PREVIEW" if view.campaign_id else None)
    await message.answer(t("broadcast-preview-above"))
    if outgoing.photo:
        await message.answer_photo(**outgoing.kwargs())
    else:
        await message.answer(**outgoing.kwargs())


async def start(
    callback: CallbackQuery, callback_data: BroadcastCb, state: FSMContext, uow: UnitOfWork, t: Translator,
    policy: ShopPolicy, broadcast_queue: BroadcastQueue, callback_answer: CallbackAnswer,
) -> None:
    try:
        total = await broadcasts.start_now(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        callback_answer.text = error_text(t, error, policy.tz)
        return
    await replies.close_prompt(callback.message, state)
    await state.clear()
    callback_answer.text = t("broadcast-started", total=total)
    await send_progress(callback.message, uow, t, callback_data.id)
    await broadcast_queue.kick(callback_data.id)


async def ask_time(callback: CallbackQuery, state: FSMContext, t: Translator, policy: ShopPolicy) -> None:
    await state.set_state(Compose.when)
    example = local_time(datetime.now(policy.tz), policy.tz)
    await _ask(callback.message, state, t("broadcast-ask-time", example=example), keyboards.inline([_discard_row(t)]))


async def got_time(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    data = await state.get_data()
    try:
        at = datetime.strptime((message.text or "").strip(), TIME_FORMAT).replace(tzinfo=policy.tz)
    except ValueError:
        await _ask(message, state, t("broadcast-time-invalid"), keyboards.inline([_discard_row(t)]))
        return
    try:
        await broadcasts.schedule(uow, policy, message.from_user.id, data["broadcast_id"], at)
    except DomainError as error:
        await _ask(message, state, error_text(t, error, policy.tz), keyboards.inline([_discard_row(t)]))
        return
    await replies.close_prompt(message, state)
    await state.clear()
    await send_progress(message, uow, t, data["broadcast_id"])


async def discard(callback: CallbackQuery, callback_data: BroadcastCb, state: FSMContext, uow: UnitOfWork,
                  t: Translator, policy: ShopPolicy) -> None:
    if callback_data.id:
        try:
            await broadcasts.control(uow, policy, callback.from_user.id, callback_data.id, "cancel")
        except DomainError:
            pass
    await state.clear()
    await replies.show(callback, t("broadcast-discarded"))


async def content_expected(message: Message, t: Translator) -> None:
    await message.answer(t("broadcast-content-kind"))


def create_router() -> Router:
    router = Router(name="broadcast")
    admin = IsStaff(broadcasts.BROADCAST_ROLE)
    router.message.register(begin, Command("broadcast"), admin)
    router.message.register(got_content, Compose.content, F.text | F.photo, admin)
    router.message.register(content_expected, Compose.content, admin)
    router.message.register(got_button, Compose.button, F.text, admin)
    router.message.register(segment_typed, Compose.segment, F.text, admin)
    router.message.register(got_time, Compose.when, F.text, admin)
    router.callback_query.register(skip_step, BroadcastCb.filter(F.action == BroadcastAction.skip),
                                   StateFilter(Compose.button, Compose.coupon), admin)
    router.callback_query.register(got_coupon, BroadcastCb.filter(F.action == BroadcastAction.coupon), Compose.coupon, admin)
    router.callback_query.register(segment_button, BroadcastCb.filter(F.action == BroadcastAction.segment),
                                   Compose.segment, admin)
    router.callback_query.register(start, BroadcastCb.filter(F.action == BroadcastAction.start), admin)
    router.callback_query.register(ask_time, BroadcastCb.filter(F.action == BroadcastAction.schedule), Compose.confirm, admin)
    router.callback_query.register(discard, BroadcastCb.filter(F.action == BroadcastAction.discard), admin)
    return router
