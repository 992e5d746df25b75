"""/orders: the member's orders (paged, newest first), one order in full, pay or cancel an unpaid one."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import MenuAction, MenuCb, OrderAction, OrderCb
from bot.config import Settings
from bot.filters import IsMember
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, local_date, local_time, money, quote
from handlers import aftersale
from handlers.checkout import send_invoice
from handlers.shop import LINES_SHOWN, NAME_SHOWN, short
from services import coupons, orders
from services.errors import DomainError
from services.members import MemberView
from services.orders import OrderDetail
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

EVENTS_SHOWN = 20


def status(t: Translator, code: str) -> str:
    key = f"order-status-{code}"
    return t(key) if t.has(key) else quote(code)


async def list_view(uow: UnitOfWork, member: MemberView, t: Translator, lang: str, settings: Settings,
                    policy: ShopPolicy, page: int) -> tuple[str, InlineKeyboardMarkup]:
    found = await orders.orders_of(uow, member.id, page, settings.orders_page_size)
    lines = [
        t("orders-line", number=order.number, status=status(t, order.status),
          total=money(order.total, order.currency, lang), date=local_date(order.created_at, policy.tz))
        for order in found.items
    ]
    rows: list[list[Button]] = [
        [(f"{order.number} · {status(t, order.status)}", OrderCb(action=OrderAction.show, id=order.id,
                                                                 page=found.page))]
        for order in found.items
    ]
    rows.append(keyboards.pager(t, found.page, found.pages, lambda n: OrderCb(action=OrderAction.list, page=n)))
    rows.append([(t("btn-home"), MenuCb(action=MenuAction.home))])
    title = t("orders-title", page=found.page + 1, pages=found.pages)
    return f"{title}\n\n{chr(10).join(lines) or t('orders-empty')}", keyboards.inline(rows)


def detail_text(t: Translator, detail: OrderDetail, lang: str, policy: ShopPolicy) -> str:
    order = detail.order

    def cash(amount: int) -> str:
        return money(amount, order.currency, lang)

    lines = [t("cart-line", name=quote(short(line.name(lang), NAME_SHOWN)), quantity=line.quantity,
               price=cash(line.unit_price),
               amount=cash(line.unit_price * line.quantity)) for line in detail.lines[:LINES_SHOWN]]
    if len(detail.lines) > LINES_SHOWN:
        lines.append(t("cart-more", count=len(detail.lines) - LINES_SHOWN))
    money_lines = [t("checkout-subtotal", amount=cash(order.subtotal))]
    if order.coupon_discount:
        money_lines.append(t("checkout-coupon-line", code=coupons.show_code(detail.coupon_code or ""),
                             amount=cash(order.coupon_discount)))
    if order.points_used:
        money_lines.append(t("checkout-points-line", points=order.points_used, amount=cash(order.points_discount)))
    money_lines.append(t("checkout-total", amount=cash(order.total)))
    if order.points_earned:
        money_lines.append(t("orders-points-earned", points=order.points_earned))
    if order.status == "pending_payment" and order.expires_at:
        money_lines.append(t("orders-pay-until", until=local_time(order.expires_at, policy.tz)))
    if order.tracking:
        money_lines.append(t("orders-tracking", tracking=quote(order.tracking)))
    history = [t("orders-event", at=local_time(event.created_at, policy.tz), status=status(t, event.to_status))
               for event in detail.events[-EVENTS_SHOWN:]]
    head = t("orders-detail", number=order.number, status=status(t, order.status))
    parts = [head, "\n".join(lines), "\n".join(money_lines), t("orders-history") + "\n" + "\n".join(history)]
    return "\n\n".join(parts + aftersale.detail_notes(t, detail))


def detail_buttons(t: Translator, detail: OrderDetail, page: int) -> InlineKeyboardMarkup:
    order = detail.order
    rows: list[list[Button]] = []
    if order.status == "pending_payment":
        rows.append([(t("orders-btn-pay"), OrderCb(action=OrderAction.pay, id=order.id, page=page)),
                     (t("orders-btn-cancel"), OrderCb(action=OrderAction.cancel, id=order.id, page=page))])
    rows.extend(aftersale.detail_rows(t, detail))
    rows.append([(t("orders-btn-list"), OrderCb(action=OrderAction.list, page=page))])
    return keyboards.inline(rows)


async def orders_command(message: Message, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                         settings: Settings, policy: ShopPolicy) -> None:
    text, markup = await list_view(uow, member, t, lang, settings, policy, 0)
    await message.answer(text, reply_markup=markup)


async def orders_button(callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                        settings: Settings, policy: ShopPolicy) -> None:
    text, markup = await list_view(uow, member, t, lang, settings, policy, 0)
    await replies.show(callback, text, markup)


async def list_page(callback: CallbackQuery, callback_data: OrderCb, uow: UnitOfWork, member: MemberView,
                    t: Translator, lang: str, settings: Settings, policy: ShopPolicy) -> None:
    text, markup = await list_view(uow, member, t, lang, settings, policy, callback_data.page)
    await replies.show(callback, text, markup)


async def _detail(callback_data: OrderCb, uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy,
                  callback_answer: CallbackAnswer) -> OrderDetail | None:
    """The member's own order; anyone else's (a forged button) is "not found", with nothing of it shown."""
    try:
        return await orders.order_of(uow, member.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return None


async def show_order(callback: CallbackQuery, callback_data: OrderCb, uow: UnitOfWork, member: MemberView,
                     t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    detail = await _detail(callback_data, uow, member, t, policy, callback_answer)
    if detail is not None:
        await replies.show(callback, detail_text(t, detail, lang, policy), detail_buttons(t, detail, callback_data.page))


async def ask_cancel(callback: CallbackQuery, callback_data: OrderCb, uow: UnitOfWork, member: MemberView,
                     t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    detail = await _detail(callback_data, uow, member, t, policy, callback_answer)
    if detail is None:
        return
    order = detail.order
    rows = [[(t("orders-btn-confirm-cancel"), OrderCb(action=OrderAction.confirm, id=order.id, page=callback_data.page)),
             (t("btn-back"), OrderCb(action=OrderAction.show, id=order.id, page=callback_data.page))]]
    await replies.show(callback, t("orders-cancel-confirm", number=order.number), keyboards.inline(rows))


async def confirm_cancel(callback: CallbackQuery, callback_data: OrderCb, uow: UnitOfWork, member: MemberView,
                         t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        await orders.cancel(uow, member.id, callback_data.id, policy.tz)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
    else:
        callback_answer.text = t("orders-cancelled")
    detail = await _detail(callback_data, uow, member, t, policy, callback_answer)
    if detail is not None:
        await replies.show(callback, detail_text(t, detail, lang, policy), detail_buttons(t, detail, callback_data.page))


async def pay_again(callback: CallbackQuery, callback_data: OrderCb, uow: UnitOfWork, member: MemberView,
                    t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """The invoice again for an unpaid order (the earlier one stays valid: the same signed payload)."""
    detail = await _detail(callback_data, uow, member, t, policy, callback_answer)
    if detail is None:
        return
    names = ", ".join(f"{line.name(lang)} ×{line.quantity}" for line in detail.lines)
    try:
        await send_invoice(callback.bot, callback.from_user.id, detail.order, t, lang, policy, names)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True


def create_router() -> Router:
    router = Router(name="orders")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())

    def on(action: OrderAction) -> object:
        return OrderCb.filter(F.action == action)

    router.message.register(orders_command, Command("orders"))
    router.callback_query.register(orders_button, MenuCb.filter(F.action == MenuAction.orders))
    router.callback_query.register(list_page, on(OrderAction.list))
    router.callback_query.register(show_order, on(OrderAction.show))
    router.callback_query.register(ask_cancel, on(OrderAction.cancel))
    router.callback_query.register(confirm_cancel, on(OrderAction.confirm))
    router.callback_query.register(pay_again, on(OrderAction.pay))
    return router
