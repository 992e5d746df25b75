"""/coupons: the wallet, past coupons (paged), the coupon centre, points redemption, "enter a code" (PRODUCT.md 3)."""

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import CouponAction, CouponCb, MenuAction, MenuCb
from bot.config import Settings
from bot.filters import IsMember
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, local_date, money, quote
from services import coupons
from services.coupons import Campaign, CouponView
from services.errors import DomainError
from services.members import MemberView
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

DETAIL_BUTTONS = 10


def utcnow() -> datetime:
    return datetime.now(UTC)


class CouponForm(StatesGroup):
    code = State()


# --- rendering ---------------------------------------------------------------------------------

def benefit(t: Translator, campaign: Campaign, lang: str, policy: ShopPolicy) -> str:
    """What the coupon gives, e.g. "10.00 off on orders of 100.00 or more" or "15% off, up to 20.00"."""
    def cash(amount: int) -> str:
        return money(amount, policy.currency, lang)

    if campaign.kind == "amount_off":
        text = t("coupons-benefit-amount", amount=cash(campaign.amount_off or 0))
    elif campaign.kind == "percent_off":
        text = t("coupons-benefit-percent", percent=campaign.percent_off or 0)
        if campaign.max_discount is not None:
            text += t("coupons-benefit-cap", cap=cash(campaign.max_discount))
    else:
        text = t("coupons-benefit-shipping")
    if campaign.min_spend > 0:
        text = t("coupons-benefit-min", min=cash(campaign.min_spend), benefit=text)
    return text


def coupon_line(t: Translator, coupon: CouponView, lang: str, policy: ShopPolicy, now: datetime) -> str:
    status = "soon" if coupons.expiring_soon(coupon, now) else coupon.status
    return t(
        "coupons-line",
        name=quote(coupon.campaign.name(lang)), benefit=benefit(t, coupon.campaign, lang, policy),
        start=local_date(coupon.valid_from, policy.tz), end=local_date(coupon.valid_until, policy.tz),
        code=coupons.show_code(coupon.code), status=t(f"coupons-status-{status}"),
    )


async def wallet_view(
    uow: UnitOfWork, member: MemberView, t: Translator, lang: str, policy: ShopPolicy
) -> tuple[str, InlineKeyboardMarkup]:
    current, past = await coupons.wallet(uow, member.id)
    now = utcnow()
    lines = [coupon_line(t, coupon, lang, policy, now) for coupon in current]
    body = "\n\n".join(lines) if lines else t("coupons-wallet-empty")
    details: list[Button] = [
        (coupons.show_code(coupon.code), CouponCb(action=CouponAction.show, id=coupon.id))
        for coupon in current[:DETAIL_BUTTONS]
    ]
    rows = [details[i:i + 2] for i in range(0, len(details), 2)]
    rows.append([(t("coupons-btn-centre"), CouponCb(action=CouponAction.centre)),
                 (t("coupons-btn-code"), CouponCb(action=CouponAction.code))])
    if past:
        rows.append([(t("coupons-btn-past", count=past), CouponCb(action=CouponAction.past))])
    rows.append([(t("btn-home"), MenuCb(action=MenuAction.home))])
    return f"{t('coupons-wallet', count=len(current))}\n\n{body}", keyboards.inline(rows)


async def past_view(
    uow: UnitOfWork, member: MemberView, t: Translator, lang: str, settings: Settings, policy: ShopPolicy, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    found = await coupons.past(uow, member.id, page, settings.coupons_page_size)
    now = utcnow()
    body = "\n\n".join(coupon_line(t, coupon, lang, policy, now) for coupon in found.items)
    title = t("coupons-past", page=found.page + 1, pages=found.pages)
    paging = keyboards.pager(t, found.page, found.pages, lambda n: CouponCb(action=CouponAction.past, page=n))
    back = [(t("coupons-btn-wallet"), CouponCb(action=CouponAction.wallet))]
    return f"{title}\n\n{body or t('coupons-past-empty')}", keyboards.inline([paging, back])


async def centre_view(
    uow: UnitOfWork, member: MemberView, t: Translator, lang: str, policy: ShopPolicy
) -> tuple[str, InlineKeyboardMarkup]:
    offers = await coupons.centre(uow, member.id)
    lines, rows = [], []
    for offer in offers:
        campaign = offer.campaign
        name = quote(campaign.name(lang))
        left = t("coupons-left-unlimited") if campaign.left is None else t("coupons-left", count=campaign.left)
        if campaign.channel == "points":
            price, label = t("coupons-price", points=campaign.points_price), "coupons-btn-redeem"
        else:
            price, label = t("coupons-price-free"), "coupons-btn-claim"
        lines.append(t("coupons-offer", name=name, benefit=benefit(t, campaign, lang, policy), left=left,
                       price=price, mine=offer.mine, limit=campaign.per_member_limit))
        rows.append([(t(label, name=campaign.name(lang), points=campaign.points_price or 0),
                      CouponCb(action=CouponAction.claim, id=campaign.id))])
    rows.append([(t("coupons-btn-wallet"), CouponCb(action=CouponAction.wallet))])
    body = "\n\n".join(lines) if lines else t("coupons-centre-empty")
    return f"{t('coupons-centre')}\n\n{body}", keyboards.inline(rows)


def to_wallet(t: Translator) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t("coupons-btn-wallet"), CouponCb(action=CouponAction.wallet))]])


# --- wallet, past, one coupon, centre ------------------------------------------------------------

async def wallet_command(message: Message, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                         policy: ShopPolicy) -> None:
    text, markup = await wallet_view(uow, member, t, lang, policy)
    await message.answer(text, reply_markup=markup)


async def wallet_button(callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                        policy: ShopPolicy) -> None:
    text, markup = await wallet_view(uow, member, t, lang, policy)
    await replies.show(callback, text, markup)


async def past_page(callback: CallbackQuery, callback_data: CouponCb, uow: UnitOfWork, member: MemberView,
                    t: Translator, lang: str, settings: Settings, policy: ShopPolicy) -> None:
    text, markup = await past_view(uow, member, t, lang, settings, policy, callback_data.page)
    await replies.show(callback, text, markup)


async def show_coupon(callback: CallbackQuery, callback_data: CouponCb, uow: UnitOfWork, member: MemberView,
                      t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        coupon = await coupons.coupon_of(uow, member.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    text = f"{t('coupons-detail')}\n\n{coupon_line(t, coupon, lang, policy, utcnow())}"
    rows: list[list[Button]] = []
    if coupon.status == "available" and coupon.campaign.giftable and coupon.received_from is None:
        rows.append([(t("coupons-btn-gift"), CouponCb(action=CouponAction.gift, id=coupon.id))])
    rows.append([(t("coupons-btn-wallet"), CouponCb(action=CouponAction.wallet))])
    await replies.show(callback, text, keyboards.inline(rows))


async def centre_button(callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                        policy: ShopPolicy) -> None:
    text, markup = await centre_view(uow, member, t, lang, policy)
    await replies.show(callback, text, markup)


# --- claim, redeem with points -------------------------------------------------------------------

async def claim_button(callback: CallbackQuery, callback_data: CouponCb, uow: UnitOfWork, member: MemberView,
                       t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """Free campaigns are claimed at once; a points price is confirmed first (nothing spent yet)."""
    try:
        campaign = await coupons.campaign(uow, callback_data.id)
        if campaign.channel == "points":
            text = t("coupons-redeem-confirm", name=quote(campaign.name(lang)), points=campaign.points_price,
                     balance=member.points_available)
            confirm = [(t("coupons-btn-confirm"), CouponCb(action=CouponAction.confirm, id=campaign.id)),
                       (t("btn-cancel"), CouponCb(action=CouponAction.cancel, id=campaign.id))]
            await callback.message.answer(text, reply_markup=keyboards.inline([confirm]))
            return
        claimed = await coupons.claim(uow, member.id, campaign.id, policy.tiers)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    callback_answer.text = t("coupons-claimed-toast")
    text, markup = await centre_view(uow, member, t, lang, policy)  # what is left, and "you have" + 1
    await replies.show(callback, text, markup)
    line = coupon_line(t, claimed.coupon, lang, policy, utcnow())
    await callback.message.answer(f"{t('coupons-claimed')}\n\n{line}", reply_markup=to_wallet(t))


async def confirm_button(callback: CallbackQuery, callback_data: CouponCb, uow: UnitOfWork, member: MemberView,
                         t: Translator, lang: str, policy: ShopPolicy) -> None:
    try:
        claimed = await coupons.claim(uow, member.id, callback_data.id, policy.tiers)
    except DomainError as error:
        await replies.show(callback, error_text(t, error, policy.tz), to_wallet(t))
        return
    line = coupon_line(t, claimed.coupon, lang, policy, utcnow())
    text = t("coupons-redeemed", points=claimed.points_spent)
    await replies.show(callback, f"{text}\n\n{line}", to_wallet(t))


async def cancel_redeem_button(callback: CallbackQuery, t: Translator) -> None:
    await replies.show(callback, t("coupons-redeem-cancelled"), to_wallet(t))


# --- enter a code --------------------------------------------------------------------------------

async def code_begin(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(CouponForm.code)
    await callback.message.answer(t("coupons-code-ask"), reply_markup=code_cancel_keyboard(t))


def code_cancel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t("btn-cancel"), CouponCb(action=CouponAction.code_cancel))]])


async def code_cancel(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await replies.show(callback, t("cancelled"), to_wallet(t))


async def code_entered(message: Message, state: FSMContext, uow: UnitOfWork, member: MemberView, t: Translator,
                       lang: str, policy: ShopPolicy) -> None:
    try:
        claimed = await coupons.redeem_code(uow, member.id, message.text, policy.tiers)
    except DomainError as error:
        text = f"{error_text(t, error, policy.tz)}\n{t('coupons-code-again')}"
        await message.answer(text, reply_markup=code_cancel_keyboard(t))
        return
    await state.clear()
    line = coupon_line(t, claimed.coupon, lang, policy, utcnow())
    await message.answer(f"{t('coupons-code-added')}\n\n{line}", reply_markup=to_wallet(t))


async def code_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("coupons-code-send-text"), reply_markup=code_cancel_keyboard(t))


def create_router() -> Router:
    router = Router(name="coupons")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())

    def on(action: CouponAction) -> object:
        return CouponCb.filter(F.action == action)

    router.message.register(wallet_command, Command("coupons"))
    router.callback_query.register(wallet_button, MenuCb.filter(F.action == MenuAction.coupons))
    router.callback_query.register(wallet_button, on(CouponAction.wallet))
    router.callback_query.register(past_page, on(CouponAction.past))
    router.callback_query.register(show_coupon, on(CouponAction.show))
    router.callback_query.register(centre_button, on(CouponAction.centre))
    router.callback_query.register(claim_button, on(CouponAction.claim))
    router.callback_query.register(confirm_button, on(CouponAction.confirm))
    router.callback_query.register(cancel_redeem_button, on(CouponAction.cancel))
    router.callback_query.register(code_begin, on(CouponAction.code))
    router.callback_query.register(code_cancel, on(CouponAction.code_cancel))
    router.message.register(replies.command_in_dialog, CouponForm.code, F.text.startswith("/"))
    router.message.register(code_entered, CouponForm.code, F.text)
    router.message.register(code_not_text, CouponForm.code)
    return router
