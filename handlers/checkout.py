"""Checkout: summary → coupon → points → final price → a Telegram invoice; pre-checkout and payment.

Each step's choices travel in the buttons' callback data and are re-checked by the quote, so a
forged button is refused like any bad choice. Only a typed amount of points is a dialog state.
"""

import logging

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, LabeledPrice, Message, PreCheckoutQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import CheckoutAction, CheckoutCb, OrderAction, OrderCb, ShopAction, ShopCb
from bot.filters import IsMember
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, local_time, money, quote
from handlers.shop import LINES_SHOWN, NAME_SHOWN, short
from services import coupons, orders
from services.errors import DomainError, NotAllowed
from services.members import MemberView
from services.orders import Charge, OrderView, Quote
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
COUPON_BUTTONS = 8


class CheckoutForm(StatesGroup):
    points = State()


def summary(t: Translator, chosen: Quote, lang: str, policy: ShopPolicy, final: bool) -> str:
    """The order as it stands: lines, subtotal, and (on the final step) discounts and total."""
    def cash(amount: int) -> str:
        return money(amount, policy.currency, lang)

    lines = [t("cart-line", name=quote(short(line.product.name(lang), NAME_SHOWN)), quantity=line.quantity,
               price=cash(line.product.price), amount=cash(line.amount)) for line in chosen.lines[:LINES_SHOWN]]
    if len(chosen.lines) > LINES_SHOWN:
        lines.append(t("cart-more", count=len(chosen.lines) - LINES_SHOWN))
    parts = [t("checkout-title"), "\n".join(lines), t("checkout-subtotal", amount=cash(chosen.subtotal))]
    if final:
        if chosen.coupon:
            parts.append(t("checkout-coupon-line", code=coupons.show_code(chosen.coupon.coupon.code),
                           amount=cash(chosen.coupon_discount)))
        if chosen.points:
            parts.append(t("checkout-points-line", points=chosen.points, amount=cash(chosen.points_discount)))
        parts.append(t("checkout-total", amount=cash(chosen.total)))
    return "\n\n".join(part for part in parts if part)


def cancel_row(t: Translator) -> list[Button]:
    return [(t("btn-cancel"), CheckoutCb(action=CheckoutAction.cancel))]


async def _quoted(callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy,
                  callback_answer: CallbackAnswer, coupon: int = 0, points: int = 0) -> Quote | None:
    try:
        return await orders.quote(uow, member.id, policy.orders, coupon, points)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return None


async def start(callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                state: FSMContext, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """The summary and the usable coupons, best first; with none, straight on to points."""
    await state.set_state(None)
    chosen = await _quoted(callback, uow, member, t, policy, callback_answer)
    if chosen is None:
        return
    if not chosen.offers:
        await points_step(callback, t, lang, policy, chosen, t("checkout-no-coupons"))
        return
    rows: list[list[Button]] = [
        [(t("checkout-btn-coupon", name=short(offer.coupon.campaign.name(lang), 24),
            amount=money(offer.discount, policy.currency, lang)),
          CheckoutCb(action=CheckoutAction.coupon, coupon=offer.coupon.id))]
        for offer in chosen.offers[:COUPON_BUTTONS]
    ]
    rows.append([(t("checkout-btn-no-coupon"), CheckoutCb(action=CheckoutAction.coupon, coupon=0))])
    rows.append(cancel_row(t))
    text = f"{summary(t, chosen, lang, policy, False)}\n\n{t('checkout-choose-coupon')}"
    await replies.show(callback, text, keyboards.inline(rows))


async def coupon_chosen(callback: CallbackQuery, callback_data: CheckoutCb, uow: UnitOfWork, member: MemberView,
                        t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    chosen = await _quoted(callback, uow, member, t, policy, callback_answer, callback_data.coupon)
    if chosen is not None:
        await points_step(callback, t, lang, policy, chosen, "")


async def points_step(callback: CallbackQuery, t: Translator, lang: str, policy: ShopPolicy, chosen: Quote,
                      note: str) -> None:
    coupon_id = chosen.coupon.coupon.id if chosen.coupon else 0
    most = chosen.max_points
    rows: list[list[Button]] = [[(t("checkout-btn-no-points"),
                                  CheckoutCb(action=CheckoutAction.points, coupon=coupon_id, points=0))]]
    if most > 0:
        off = money(policy.orders.points_discount(most), policy.currency, lang)
        rows.append([(t("checkout-btn-max-points", points=most, amount=off),
                      CheckoutCb(action=CheckoutAction.points, coupon=coupon_id, points=most))])
        rows.append([(t("checkout-btn-type-points"), CheckoutCb(action=CheckoutAction.typed, coupon=coupon_id))])
    rows.append(cancel_row(t))
    ask = t("checkout-choose-points", available=chosen.available_points, most=most)
    text = "\n\n".join(part for part in (summary(t, chosen, lang, policy, False), note, ask) if part)
    await replies.show(callback, text, keyboards.inline(rows))


def final_screen(t: Translator, chosen: Quote, lang: str, policy: ShopPolicy) -> tuple[str, InlineKeyboardMarkup]:
    coupon_id = chosen.coupon.coupon.id if chosen.coupon else 0
    pay = CheckoutCb(action=CheckoutAction.pay, coupon=coupon_id, points=chosen.points, total=chosen.total)
    rows = [[(t("checkout-btn-pay", amount=money(chosen.total, policy.currency, lang)), pay)],
            [(t("checkout-btn-change"), CheckoutCb(action=CheckoutAction.start))], cancel_row(t)]
    return summary(t, chosen, lang, policy, True), keyboards.inline(rows)


async def points_chosen(callback: CallbackQuery, callback_data: CheckoutCb, uow: UnitOfWork, member: MemberView,
                        t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    chosen = await _quoted(callback, uow, member, t, policy, callback_answer, callback_data.coupon,
                           callback_data.points)
    if chosen is not None:
        await replies.show(callback, *final_screen(t, chosen, lang, policy))


async def type_points(callback: CallbackQuery, callback_data: CheckoutCb, state: FSMContext, t: Translator) -> None:
    await state.set_state(CheckoutForm.points)
    await state.update_data(coupon=callback_data.coupon)
    await replies.prompt(callback.message, state, t("checkout-type-points"), keyboards.inline([cancel_row(t)]))


async def points_typed(message: Message, state: FSMContext, uow: UnitOfWork, member: MemberView, t: Translator,
                       lang: str, policy: ShopPolicy) -> None:
    """A typed amount: a clear message for anything that is not a usable number, and ask again."""
    text = (message.text or "").strip().replace(",", "")
    coupon = int((await state.get_data()).get("coupon") or 0)
    again = keyboards.inline([cancel_row(t)])
    if not text.isdigit() or len(text) > 9:
        await replies.prompt(message, state, f"{t('checkout-points-not-number')}\n{t('checkout-type-points')}", again)
        return
    try:
        chosen = await orders.quote(uow, member.id, policy.orders, coupon, int(text))
    except DomainError as error:
        await replies.prompt(message, state, f"{error_text(t, error, policy.tz)}\n{t('checkout-type-points')}", again)
        return
    await replies.close_prompt(message, state)
    await state.set_state(None)
    body, markup = final_screen(t, chosen, lang, policy)
    await message.answer(body, reply_markup=markup)


async def cancel(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(None)
    back = keyboards.inline([[(t("shop-btn-cart-plain"), ShopCb(action=ShopAction.cart))]])
    await replies.show(callback, t("checkout-cancelled"), back)


async def send_invoice(bot: Bot, chat_id: int, order: OrderView, t: Translator, lang: str, policy: ShopPolicy,
                       lines: str) -> None:
    invoice = orders.invoice_for(order, policy.orders)
    await bot.send_invoice(
        chat_id, title=t("order-invoice-title", number=order.number), description=short(lines, 255) or order.number,
        payload=invoice.payload, currency=invoice.currency, provider_token=invoice.provider_token or None,
        prices=[LabeledPrice(label=t("order-invoice-label", number=order.number), amount=invoice.amount)],
    )


async def pay(callback: CallbackQuery, callback_data: CheckoutCb, uow: UnitOfWork, member: MemberView,
              t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """Place the order as shown (a changed total is refused), then the invoice for it."""
    try:
        if callback_data.total and policy.currency != "XTR" and not policy.orders.provider_token:
            raise NotAllowed("payments-unavailable")
        order = await orders.place_order(uow, member.id, policy.orders, policy.currency, coupon_id=callback_data.coupon,
                                         points=callback_data.points, expected_total=callback_data.total)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    view = keyboards.inline([[(t("orders-btn-show"), OrderCb(action=OrderAction.show, id=order.id))]])
    if order.total == 0:  # a coupon paid for all of it: no invoice
        free = await orders.settle_free(uow, order, callback.from_user.id, policy.orders, earn_rate=policy.earn_rate,
                                        tiers=policy.tiers, tz=policy.tz)
        await replies.show(callback, t("order-paid", number=order.number, points=free.points_earned), view)
        return
    detail = await orders.order_of(uow, member.id, order.id)
    names = ", ".join(f"{line.name(lang)} ×{line.quantity}" for line in detail.lines)
    placed = t("order-placed", number=order.number, until=local_time(order.expires_at, policy.tz))
    await replies.show(callback, placed, view)
    await send_invoice(callback.bot, callback.from_user.id, order, t, lang, policy, names)


async def pre_checkout(query: PreCheckoutQuery, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    """Always answered: ok, or why not (Telegram cancels the payment after 10 s without an answer)."""
    try:
        await orders.pre_checkout(uow, query.from_user.id, query.invoice_payload, query.total_amount,
                                  query.currency, policy.orders)
    except DomainError as error:
        await query.answer(ok=False, error_message=error_text(t, error, policy.tz))
        return
    except Exception:
        log.exception("pre-checkout check failed")
        await query.answer(ok=False, error_message=t("error-payment-check-failed"))
        return
    await query.answer(ok=True)


async def paid(message: Message, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    """Recorded once per charge id; a repeated successful_payment changes nothing and says nothing."""
    payment = message.successful_payment
    charge = Charge(message.from_user.id, payment.telegram_payment_charge_id, payment.provider_payment_charge_id,
                    payment.currency, payment.total_amount, payment.invoice_payload)
    result = await orders.record_payment(uow, charge, policy.orders, earn_rate=policy.earn_rate, tiers=policy.tiers,
                                         tz=policy.tz)
    if result is None:
        log.warning("successful_payment with a payload that is not ours: charge %s", payment.telegram_payment_charge_id)
        return
    if not result.recorded:
        return
    view = keyboards.inline([[(t("orders-btn-show"), OrderCb(action=OrderAction.show, id=result.order.id))]])
    if result.late:
        await message.answer(t("order-paid-late", number=result.order.number), reply_markup=view)
        return
    await message.answer(t("order-paid", number=result.order.number, points=result.points_earned), reply_markup=view)


def create_router() -> Router:
    """Payments for anyone writing (every pre-checkout query gets its answer); the steps for members."""
    payments = Router(name="payments")
    payments.pre_checkout_query.register(pre_checkout)
    payments.message.register(paid, F.successful_payment)
    router = Router(name="checkout")
    payments.include_router(router)
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())

    def on(action: CheckoutAction) -> object:
        return CheckoutCb.filter(F.action == action)

    router.callback_query.register(start, on(CheckoutAction.start))
    router.callback_query.register(coupon_chosen, on(CheckoutAction.coupon))
    router.callback_query.register(points_chosen, on(CheckoutAction.points))
    router.callback_query.register(type_points, on(CheckoutAction.typed))
    router.callback_query.register(pay, on(CheckoutAction.pay))
    router.callback_query.register(cancel, on(CheckoutAction.cancel))
    router.message.register(replies.command_in_dialog, CheckoutForm.points, F.text.startswith("/"))
    router.message.register(points_typed, CheckoutForm.points)
    return payments
