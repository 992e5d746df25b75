"""/admin → orders: the list by status (newest first), lookup by number, an order in full, ship / deliver /
complete (operators up) and refunds, full or chosen lines, confirmed (admins).

A refund's idempotency key is made when its confirmation screen is shown and kept in the dialog
state, so a double tap on Confirm refunds once; above APPROVAL_REFUND_THRESHOLD the use case
opens a two-person request instead and the other admins are told. The member hears of every
status change from the status-notice job (bot/scheduler.announce_order_changes).
"""

import uuid

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import StaffOrderAction as Act
from bot.callbacks import StaffOrderCb
from bot.config import Settings
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.keyboards import Button
from bot.refunds import send_star_refunds
from bot.render import error_text, local_time, money, quote
from handlers.admin import refuse, to_menu
from handlers.admin_points import notify_approvers
from handlers.orders import status
from handlers.shop import short
from services import members
from services.errors import DomainError
from services.orders.rules import REFUNDABLE
from services.policy import ShopPolicy
from services.staff import orders as staff_orders
from services.staff.orders import StaffOrder
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 8
# A detail stays far below 4096 characters: 15 lines of at most 60-character names, the last 8 events
# and the last 8 refunds (each a short line).
LINES_SHOWN, NAME_SHOWN, EVENTS_SHOWN = 15, 60, 8
FILTERS = ("", "paid", "shipped", "delivered", "completed", "partially_refunded", "refunded", "pending_payment",
           "cancelled")
MOVES = {Act.ship_now: "shipped", Act.deliver: "delivered", Act.complete: "completed"}


class OrderForms(StatesGroup):
    number = State()
    tracking = State()
    pick = State()
    confirm = State()


def _filter_label(t: Translator, code: str, current: str) -> str:
    label = status(t, code) if code else t("admin-orders-all")
    return f"• {label}" if code == current else label


async def list_view(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, t: Translator, lang: str, state: str,
                    page: int) -> tuple[str, InlineKeyboardMarkup]:
    found = await staff_orders.page(uow, policy, staff_id, state, page, PAGE_SIZE)
    rows: list[list[Button]] = [
        [(t("admin-order-line", number=order.number, status=status(t, order.status),
            total=money(order.total, order.currency, lang), at=local_time(order.created_at, policy.tz)),
          StaffOrderCb(action=Act.show, id=order.id, page=found.page, status=state))]
        for order in found.items
    ]
    rows.append(keyboards.pager(t, found.page, found.pages,
                                lambda n: StaffOrderCb(action=Act.list, page=n, status=state)))
    filters: list[Button] = [(_filter_label(t, code, state), StaffOrderCb(action=Act.list, status=code))
                             for code in FILTERS]
    rows += [filters[i:i + 3] for i in range(0, len(filters), 3)]
    rows.append([(t("admin-btn-order-find"), StaffOrderCb(action=Act.find)), *to_menu(t)])
    title = t("admin-orders", filter=_filter_label(t, state, ""), page=found.page + 1, pages=found.pages)
    return f"{title}\n\n{t('admin-orders-empty')}" if not found.items else title, keyboards.inline(rows)


def _next_move(order: object) -> Act | None:
    current = order.status
    if current == "paid" or (current == "partially_refunded" and order.shipped_at is None):
        return Act.ship
    if current == "shipped" or (current == "partially_refunded" and order.delivered_at is None):
        return Act.deliver
    if current == "delivered" or (current == "partially_refunded" and order.completed_at is None):
        return Act.complete
    return None


def detail_text(t: Translator, lang: str, policy: ShopPolicy, found: StaffOrder) -> str:
    order = found.order

    def cash(amount: int) -> str:
        return money(amount, order.currency, lang)

    parts = [t("admin-order-detail", number=order.number, member=members.member_no(order.member_id),
               status=status(t, order.status), at=local_time(order.created_at, policy.tz),
               subtotal=cash(order.subtotal), coupon=cash(order.coupon_discount), points=order.points_used,
               points_off=cash(order.points_discount), total=cash(order.total), refunded=cash(order.refunded_amount),
               earned=order.points_earned, payment=quote(found.payment_currency or t("admin-order-no-payment")),
               tracking=quote(order.tracking or "-"))]
    parts += [t("admin-order-item", name=quote(short(line.name(lang), NAME_SHOWN)), quantity=line.quantity,
                price=cash(line.unit_price), refunded=line.refunded_quantity) for line in found.lines[:LINES_SHOWN]]
    if len(found.lines) > LINES_SHOWN:
        parts.append(t("admin-order-more", count=len(found.lines) - LINES_SHOWN))
    parts.append(t("admin-order-history"))
    parts += [t("admin-order-event", at=local_time(event.created_at, policy.tz), status=status(t, event.to_status),
                actor=quote(event.actor)) for event in found.events[-EVENTS_SHOWN:]]
    if found.refunds:
        parts.append(t("admin-order-refunds"))
        parts += [t("admin-order-refund", id=str(refund.id), amount=cash(refund.amount),
                    kind=t("admin-order-refund-full" if refund.full else "admin-order-refund-part"),
                    state=quote(refund.status), revoked=refund.points_revoked, returned=refund.points_returned)
                  for refund in found.refunds[-EVENTS_SHOWN:]]
    return "\n".join(parts)


def detail_view(t: Translator, lang: str, policy: ShopPolicy, found: StaffOrder, role: Role, page: int = 0,
                state: str = "") -> tuple[str, InlineKeyboardMarkup]:
    order = found.order
    actions: list[Button] = []
    move = _next_move(order)
    if move is not None:
        actions.append((t(f"admin-btn-order-{move.name}"), StaffOrderCb(action=move, id=order.id, page=page,
                                                                           status=state)))
    if role.covers(Role.admin) and order.status in REFUNDABLE and order.refunded_amount < order.total:
        actions.append((t("admin-btn-order-refund"), StaffOrderCb(action=Act.refund, id=order.id, page=page,
                                                                  status=state)))
    back = [(t("admin-btn-orders"), StaffOrderCb(action=Act.list, page=page, status=state)), *to_menu(t)]
    return detail_text(t, lang, policy, found), keyboards.inline([actions, back])


async def _show_detail(callback: CallbackQuery, callback_data: StaffOrderCb, uow: UnitOfWork, t: Translator,
                       lang: str, policy: ShopPolicy, role: Role, callback_answer: CallbackAnswer,
                       notice: str = "") -> None:
    try:
        found = await staff_orders.detail(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    text, markup = detail_view(t, lang, policy, found, role, callback_data.page, callback_data.status)
    await replies.show(callback, f"{notice}\n\n{text}" if notice else text, markup)


# --- list, detail, lookup ------------------------------------------------------------------------

async def list_button(callback: CallbackQuery, callback_data: StaffOrderCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    await state.clear()
    try:
        text, markup = await list_view(uow, policy, callback.from_user.id, t, lang, callback_data.status,
                                       callback_data.page)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    await replies.show(callback, text, markup)


async def show_button(callback: CallbackQuery, callback_data: StaffOrderCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, staff_role: Role,
                      callback_answer: CallbackAnswer) -> None:
    await state.clear()
    await _show_detail(callback, callback_data, uow, t, lang, policy, staff_role, callback_answer)


async def find_button(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(OrderForms.number)
    back = keyboards.inline([[(t("btn-cancel"), StaffOrderCb(action=Act.list))]])
    await replies.remember_prompt(state, await replies.show(callback, t("admin-order-find-ask"), back))


async def number_typed(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str,
                       policy: ShopPolicy, staff_role: Role) -> None:
    try:
        found = await staff_orders.lookup(uow, policy, message.from_user.id, message.text)
    except StaffOnly:
        await state.clear()
        return
    except DomainError as error:
        back = keyboards.inline([[(t("btn-cancel"), StaffOrderCb(action=Act.list))]])
        await replies.prompt(message, state, f"{error_text(t, error, policy.tz)}\n{t('admin-order-find-ask')}", back)
        return
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = detail_view(t, lang, policy, found, staff_role)
    await message.answer(text, reply_markup=markup)


# --- ship / deliver / complete -------------------------------------------------------------------

async def ship_button(callback: CallbackQuery, callback_data: StaffOrderCb, state: FSMContext, t: Translator) -> None:
    await state.set_state(OrderForms.tracking)
    await state.set_data({"order": callback_data.id, "page": callback_data.page, "status": callback_data.status})
    markup = _tracking_buttons(t, callback_data.id, callback_data.page, callback_data.status)
    await replies.remember_prompt(state, await replies.show(callback, t("admin-order-tracking-ask"), markup))


def _tracking_buttons(t: Translator, order_id: int, page: int, state: str) -> InlineKeyboardMarkup:
    return keyboards.inline([[
        (t("admin-btn-order-ship-now"), StaffOrderCb(action=Act.ship_now, id=order_id, page=page, status=state)),
        (t("btn-cancel"), StaffOrderCb(action=Act.show, id=order_id, page=page, status=state)),
    ]])


async def move_button(callback: CallbackQuery, callback_data: StaffOrderCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, staff_role: Role,
                      callback_answer: CallbackAnswer) -> None:
    await state.clear()
    target = MOVES[callback_data.action]
    try:
        await staff_orders.advance(uow, policy, callback.from_user.id, callback_data.id, target)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    notice = t("admin-order-moved", status=status(t, target))
    await _show_detail(callback, callback_data, uow, t, lang, policy, staff_role, callback_answer, notice)


async def tracking_typed(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str,
                         policy: ShopPolicy, staff_role: Role) -> None:
    data = await state.get_data()
    try:
        await staff_orders.advance(uow, policy, message.from_user.id, data["order"], "shipped", message.text)
        found = await staff_orders.detail(uow, policy, message.from_user.id, data["order"])
    except StaffOnly:
        await state.clear()
        return
    except DomainError as error:
        if error.code == "admin-order-tracking":
            await replies.prompt(message, state, f"{error_text(t, error, policy.tz)}\n{t('admin-order-tracking-ask')}",
                                 _tracking_buttons(t, data["order"], data["page"], data["status"]))
            return
        await replies.close_prompt(message, state)
        await state.clear()
        await message.answer(error_text(t, error, policy.tz))
        return
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = detail_view(t, lang, policy, found, staff_role, data["page"], data["status"])
    await message.answer(f"{t('admin-order-moved', status=status(t, 'shipped'))}\n\n{text}", reply_markup=markup)


# --- refunds (admins): full or chosen lines, a confirmation with the amount, then once ---------------

def _back(callback_data: StaffOrderCb) -> StaffOrderCb:
    return StaffOrderCb(action=Act.show, id=callback_data.id, page=callback_data.page, status=callback_data.status)


async def refund_button(callback: CallbackQuery, callback_data: StaffOrderCb, state: FSMContext,
                        t: Translator) -> None:
    await state.clear()

    def to(action: Act) -> StaffOrderCb:
        return StaffOrderCb(action=action, id=callback_data.id, page=callback_data.page, status=callback_data.status)

    rows = [[(t("admin-btn-refund-full"), to(Act.full)), (t("admin-btn-refund-pick"), to(Act.pick))],
            [(t("btn-back"), _back(callback_data))]]
    await replies.show(callback, t("admin-refund-how"), keyboards.inline(rows))


async def pick_button(callback: CallbackQuery, callback_data: StaffOrderCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """Choose lines: each press on a line adds one more of it (back to none past what is left)."""
    try:
        found = await staff_orders.detail(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    data = await state.get_data()
    chosen: dict[str, int] = dict(data.get("lines") or {}) if data.get("order") == callback_data.id else {}
    left = {line.id: line.quantity - line.refunded_quantity for line in found.lines}
    if callback_data.ref in left:
        chosen[str(callback_data.ref)] = (chosen.get(str(callback_data.ref), 0) + 1) % (left[callback_data.ref] + 1)
    await state.set_state(OrderForms.pick)
    await state.set_data({"order": callback_data.id, "lines": chosen})

    def to(action: Act, ref: int = 0) -> StaffOrderCb:
        return StaffOrderCb(action=action, id=callback_data.id, page=callback_data.page, status=callback_data.status,
                            ref=ref)

    rows: list[list[Button]] = [
        [(t("admin-refund-line", name=short(line.name(lang), 40), chosen=chosen.get(str(line.id), 0), left=left[line.id]),
          to(Act.pick, line.id))]
        for line in found.lines if left[line.id] > 0
    ]
    rows.append([(t("admin-btn-refund-review"), to(Act.review)), (t("btn-back"), _back(callback_data))])
    await replies.show(callback, t("admin-refund-pick", number=found.order.number), keyboards.inline(rows))


async def ask_confirm(callback: CallbackQuery, callback_data: StaffOrderCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """The confirmation: the amount, and the idempotency key this refund will carry."""
    data = await state.get_data()
    lines = None
    if callback_data.action == Act.review:
        lines = {int(k): v for k, v in (data.get("lines") or {}).items() if v} \
            if data.get("order") == callback_data.id else {}
        if not lines:
            callback_answer.text, callback_answer.show_alert = t("admin-refund-none-chosen"), True
            return
    try:
        amount = await staff_orders.refund_quote(uow, policy, callback.from_user.id, callback_data.id, lines)
        found = await staff_orders.detail(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    await state.set_state(OrderForms.confirm)
    await state.set_data({"order": callback_data.id, "lines": {str(k): v for k, v in (lines or {}).items()},
                          "key": f"staff:{uuid.uuid4().hex}"})
    confirm = StaffOrderCb(action=Act.confirm, id=callback_data.id, page=callback_data.page,
                           status=callback_data.status)
    text = t("admin-refund-confirm", number=found.order.number, amount=money(amount, found.order.currency, lang),
             scope=t("admin-refund-scope-part" if lines else "admin-refund-scope-full"))
    await replies.show(callback, text, keyboards.inline([[(t("btn-confirm"), confirm),
                                                          (t("btn-cancel"), _back(callback_data))]]))


async def confirmed(callback: CallbackQuery, callback_data: StaffOrderCb, state: FSMContext, uow: UnitOfWork,
                    t: Translator, lang: str, policy: ShopPolicy, settings: Settings, staff_role: Role,
                    callback_answer: CallbackAnswer) -> None:
    data = await state.get_data()
    if data.get("order") != callback_data.id or not data.get("key"):
        callback_answer.text = t("button-expired")
        return
    await state.clear()
    try:
        done = await staff_orders.refund(uow, policy, callback.from_user.id, callback_data.id,
                                         data.get("lines") or None, data["key"])
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    if done.approval_id is not None:
        await notify_approvers(callback.bot, uow, policy, settings.default_language, done.approval_id)
        notice = t("admin-refund-awaiting", id=str(done.approval_id), amount=money(done.amount, policy.currency, lang))
    else:
        if done.done.refund.status == "pending":  # Stars: Telegram gives them back now
            await send_star_refunds(callback.bot, uow)
        notice = t("admin-refund-done", amount=money(done.amount, done.done.order.currency, lang))
    await _show_detail(callback, callback_data, uow, t, lang, policy, staff_role, callback_answer, notice)


def create_router() -> Router:
    """Operators look up and move orders on; refunds need an admin. The role filter is last on each handler."""
    router = Router(name="admin_orders")
    operator, admin = IsStaff(Role.operator), IsStaff(Role.admin)

    def on(*actions: Act) -> object:
        return StaffOrderCb.filter(F.action.in_(set(actions)))

    router.callback_query.register(list_button, on(Act.list), operator)
    router.callback_query.register(show_button, on(Act.show), operator)
    router.callback_query.register(find_button, on(Act.find), operator)
    router.message.register(number_typed, OrderForms.number, F.text, ~F.text.startswith("/"), operator)
    router.callback_query.register(ship_button, on(Act.ship), operator)
    router.callback_query.register(move_button, on(*MOVES), operator)
    router.message.register(tracking_typed, OrderForms.tracking, F.text, ~F.text.startswith("/"), operator)
    router.callback_query.register(refund_button, on(Act.refund), admin)
    router.callback_query.register(pick_button, on(Act.pick), admin)
    router.callback_query.register(ask_confirm, on(Act.full, Act.review), admin)
    router.callback_query.register(confirmed, on(Act.confirm), admin)
    return router
