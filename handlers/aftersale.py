"""A member's return or refund request and review of an order, from the order's detail.

The choices travel in the dialog's data; the services re-check everything when the request or
review is sent (the order is the member's own, still returnable, lines still refundable), so a
forged or stale button changes nothing.
"""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import AftersaleAction as Act
from bot.callbacks import AftersaleCb, OrderAction, OrderCb
from bot.filters import IsMember
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, quote
from services import orders
from services.errors import DomainError
from services.members import MemberView
from services.orders import OrderDetail, returns, reviews
from services.orders.returns import PHOTOS_MAX, REASONS, ReturnForm
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


class ReturnDialog(StatesGroup):
    text = State()
    photos = State()


def stars(count: int) -> str:
    return "★" * count + "☆" * (5 - count)


def detail_notes(t: Translator, detail: OrderDetail) -> list[str]:
    """What the order's detail says about its latest request and its review."""
    notes = []
    request = detail.request
    if request is not None:
        notes.append(t("aftersale-request-status", kind=t(f"aftersale-btn-kind-{request.kind}"),
                       status=t(f"aftersale-request-status-{request.status}")))
        if request.status == "rejected" and request.reject_reason:
            notes.append(t("aftersale-request-rejected-reason", reason=quote(request.reject_reason)))
    if detail.review_stars:
        notes.append(t("review-yours", stars=stars(detail.review_stars)))
    return notes


def detail_rows(t: Translator, detail: OrderDetail) -> list[list[Button]]:
    rows: list[list[Button]] = []
    if detail.returnable:
        rows.append([(t("aftersale-btn-request"), AftersaleCb(action=Act.start, id=detail.order.id))])
    if detail.reviewable:
        rows.append([(t("aftersale-btn-review"), AftersaleCb(action=Act.review, id=detail.order.id))])
    return rows


def _buttons(t: Translator, order_id: int, *steps: tuple[str, Act, str]) -> InlineKeyboardMarkup:
    """One button per row for the steps, then Cancel."""
    rows = [[(t(key), AftersaleCb(action=action, id=order_id, value=value))] for key, action, value in steps]
    rows.append([(t("btn-cancel"), AftersaleCb(action=Act.cancel, id=order_id))])
    return keyboards.inline(rows)


def _to_order(t: Translator, order_id: int) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t("orders-btn-show"), OrderCb(action=OrderAction.show, id=order_id))]])


async def _detail(uow: UnitOfWork, member: MemberView, order_id: int, t: Translator, policy: ShopPolicy,
                  callback_answer: CallbackAnswer) -> OrderDetail | None:
    try:
        return await orders.order_of(uow, member.id, order_id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return None


async def _current(state: FSMContext, callback_data: AftersaleCb, t: Translator,
                   callback_answer: CallbackAnswer) -> dict | None:
    """The dialog's data, if this button belongs to the request being filled in (else a stale button)."""
    data = await state.get_data()
    if data.get("as_order") != callback_data.id:
        callback_answer.text = t("button-expired")
        return None
    return data


# --- the request ----------------------------------------------------------------------------------

async def start(callback: CallbackQuery, callback_data: AftersaleCb, uow: UnitOfWork, member: MemberView,
                t: Translator, state: FSMContext, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    detail = await _detail(uow, member, callback_data.id, t, policy, callback_answer)
    if detail is None:
        return
    if not detail.returnable:
        open_now = detail.request is not None and detail.request.status == "open"
        callback_answer.text = t("error-return-already-open" if open_now else "error-return-window-closed")
        callback_answer.show_alert = True
        return
    await state.set_state(None)
    await state.update_data(as_order=detail.order.id, as_kind="refund", as_lines=[], as_reason=None, as_text=None,
                            as_photos=[])
    if detail.order.delivered_at is None:
        await _scope_step(callback, t, detail)
        return
    text = t("aftersale-choose-kind", number=detail.order.number)
    await replies.show(callback, text, _buttons(t, detail.order.id, ("aftersale-btn-kind-refund", Act.kind, "refund"),
                                                ("aftersale-btn-kind-return", Act.kind, "return")))


async def _scope_step(callback: CallbackQuery, t: Translator, detail: OrderDetail) -> None:
    steps = [("aftersale-btn-whole", Act.whole, "")]
    if sum(1 for line in detail.lines if line.quantity > line.refunded_quantity) > 1:
        steps.append(("aftersale-btn-pick", Act.pick, ""))
    await replies.show(callback, t("aftersale-choose-scope"), _buttons(t, detail.order.id, *steps))


async def kind_chosen(callback: CallbackQuery, callback_data: AftersaleCb, uow: UnitOfWork, member: MemberView,
                      t: Translator, state: FSMContext, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    if await _current(state, callback_data, t, callback_answer) is None or callback_data.value not in returns.KINDS:
        return
    detail = await _detail(uow, member, callback_data.id, t, policy, callback_answer)
    if detail is not None:
        await state.update_data(as_kind=callback_data.value)
        await _scope_step(callback, t, detail)


async def pick_lines(callback: CallbackQuery, callback_data: AftersaleCb, uow: UnitOfWork, member: MemberView,
                     t: Translator, lang: str, state: FSMContext, policy: ShopPolicy,
                     callback_answer: CallbackAnswer) -> None:
    """The order's lines with a tick on the chosen ones; a tap on a line chooses or unchooses it."""
    data = await _current(state, callback_data, t, callback_answer)
    detail = await _detail(uow, member, callback_data.id, t, policy, callback_answer) if data else None
    if detail is None:
        return
    chosen = set(data.get("as_lines") or [])
    if callback_data.action == Act.toggle and callback_data.value.isdigit():
        chosen ^= {int(callback_data.value)}
        await state.update_data(as_lines=sorted(chosen))
    rows: list[list[Button]] = [
        [(("✅ " if line.id in chosen else "▫️ ") + f"{line.name(lang)[:40]} ×{line.quantity - line.refunded_quantity}",
          AftersaleCb(action=Act.toggle, id=detail.order.id, value=str(line.id)))]
        for line in detail.lines if line.quantity > line.refunded_quantity
    ]
    rows.append([(t("aftersale-btn-picked"), AftersaleCb(action=Act.picked, id=detail.order.id))])
    rows.append([(t("btn-cancel"), AftersaleCb(action=Act.cancel, id=detail.order.id))])
    await replies.show(callback, t("aftersale-pick-lines"), keyboards.inline(rows))


async def scope_chosen(callback: CallbackQuery, callback_data: AftersaleCb, t: Translator, state: FSMContext,
                       callback_answer: CallbackAnswer) -> None:
    """The whole order, or the lines picked: then the reason."""
    data = await _current(state, callback_data, t, callback_answer)
    if data is None:
        return
    if callback_data.action == Act.whole:
        await state.update_data(as_lines=[])
    elif not data.get("as_lines"):
        callback_answer.text = t("aftersale-pick-none")
        return
    steps = [(f"return-reason-{code}", Act.reason, code) for code in REASONS]
    await replies.show(callback, t("aftersale-choose-reason"), _buttons(t, callback_data.id, *steps))


async def reason_chosen(callback: CallbackQuery, callback_data: AftersaleCb, t: Translator, state: FSMContext,
                        callback_answer: CallbackAnswer) -> None:
    if await _current(state, callback_data, t, callback_answer) is None or callback_data.value not in REASONS:
        return
    await state.update_data(as_reason=callback_data.value)
    await state.set_state(ReturnDialog.text)
    shown = await replies.show(callback, t("aftersale-ask-text"),
                               _buttons(t, callback_data.id, ("aftersale-btn-skip", Act.skip, "")))
    await replies.remember_prompt(state, shown)


async def text_typed(message: Message, state: FSMContext, t: Translator) -> None:
    """The member's description; then the photos step."""
    data = await state.get_data()
    text = (message.text or "").strip()
    if len(text) > returns.TEXT_MAX:
        again = _buttons(t, data["as_order"], ("aftersale-btn-skip", Act.skip, ""))
        await replies.prompt(message, state, f"{t('error-return-text-too-long', max=returns.TEXT_MAX)}\n"
                                             f"{t('aftersale-ask-text')}", again)
        return
    await state.update_data(as_text=text or None)
    await state.set_state(ReturnDialog.photos)
    done = _buttons(t, data["as_order"], ("aftersale-btn-done", Act.skip, ""))
    await replies.prompt(message, state, t("aftersale-ask-photos", max=PHOTOS_MAX), done)


async def not_text(message: Message, state: FSMContext, t: Translator) -> None:
    data = await state.get_data()
    again = _buttons(t, data["as_order"], ("aftersale-btn-skip", Act.skip, ""))
    await replies.prompt(message, state, t("aftersale-ask-text"), again)


async def text_skipped(callback: CallbackQuery, callback_data: AftersaleCb, t: Translator, state: FSMContext,
                       callback_answer: CallbackAnswer) -> None:
    if await _current(state, callback_data, t, callback_answer) is None:
        return
    await state.set_state(ReturnDialog.photos)
    done = _buttons(t, callback_data.id, ("aftersale-btn-done", Act.skip, ""))
    await replies.remember_prompt(state, await replies.show(callback, t("aftersale-ask-photos", max=PHOTOS_MAX), done))


async def photo_sent(message: Message, state: FSMContext, t: Translator) -> None:
    """Keep the largest size of each photo (its file_id), up to the limit."""
    data = await state.get_data()
    photos = list(data.get("as_photos") or [])
    done = _buttons(t, data["as_order"], ("aftersale-btn-done", Act.skip, ""))
    if len(photos) >= PHOTOS_MAX:
        await replies.prompt(message, state, t("aftersale-photos-full", max=PHOTOS_MAX), done)
        return
    photos.append(message.photo[-1].file_id)
    await state.update_data(as_photos=photos)
    await replies.prompt(message, state, t("aftersale-photo-received", count=len(photos), max=PHOTOS_MAX), done)


async def not_a_photo(message: Message, state: FSMContext, t: Translator) -> None:
    data = await state.get_data()
    done = _buttons(t, data["as_order"], ("aftersale-btn-done", Act.skip, ""))
    await replies.prompt(message, state, t("aftersale-send-photo-or-done"), done)


async def photos_done(callback: CallbackQuery, callback_data: AftersaleCb, uow: UnitOfWork, member: MemberView,
                      t: Translator, lang: str, state: FSMContext, policy: ShopPolicy,
                      callback_answer: CallbackAnswer) -> None:
    """The summary to confirm."""
    data = await _current(state, callback_data, t, callback_answer)
    detail = await _detail(uow, member, callback_data.id, t, policy, callback_answer) if data else None
    if detail is None:
        return
    await state.set_state(None)
    chosen = set(data.get("as_lines") or [])
    scope = ", ".join(f"{line.name(lang)} ×{line.quantity - line.refunded_quantity}" for line in detail.lines
                      if line.id in chosen) or t("aftersale-scope-whole")
    text = t("aftersale-confirm", number=detail.order.number, kind=t(f"aftersale-btn-kind-{data['as_kind']}"),
             scope=quote(scope), reason=t(f"return-reason-{data['as_reason']}"),
             details=quote(data.get("as_text") or t("aftersale-none")), photos=len(data.get("as_photos") or []))
    await replies.show(callback, text, _buttons(t, detail.order.id, ("aftersale-btn-submit", Act.submit, "")))


async def submit(callback: CallbackQuery, callback_data: AftersaleCb, uow: UnitOfWork, member: MemberView,
                 t: Translator, lang: str, state: FSMContext, policy: ShopPolicy,
                 callback_answer: CallbackAnswer) -> None:
    data = await _current(state, callback_data, t, callback_answer)
    if data is None:
        return
    detail = await _detail(uow, member, callback_data.id, t, policy, callback_answer)
    if detail is None:
        return
    left = {line.id: line.quantity - line.refunded_quantity for line in detail.lines}
    form = ReturnForm(callback_data.id, data["as_kind"], data["as_reason"], data.get("as_text"),
                      {line_id: left.get(line_id, 0) for line_id in data.get("as_lines") or []},
                      list(data.get("as_photos") or []))
    try:
        await returns.open_request(uow, member.id, form)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    await state.update_data(as_order=None, as_photos=[], as_text=None)
    text = t("aftersale-submitted", number=detail.order.number, kind=t(f"aftersale-btn-kind-{form.kind}"))
    await replies.show(callback, text, _to_order(t, callback_data.id))


async def cancel(callback: CallbackQuery, callback_data: AftersaleCb, t: Translator, state: FSMContext) -> None:
    await state.set_state(None)
    await state.update_data(as_order=None, as_photos=[], as_text=None, rv_order=None)
    await replies.show(callback, t("aftersale-cancelled"), _to_order(t, callback_data.id))


def create_router() -> Router:
    router = Router(name="aftersale")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())

    def on(*actions: Act) -> object:
        return AftersaleCb.filter(F.action.in_(actions))

    router.callback_query.register(start, on(Act.start))
    router.callback_query.register(kind_chosen, on(Act.kind))
    router.callback_query.register(pick_lines, on(Act.pick, Act.toggle))
    router.callback_query.register(scope_chosen, on(Act.whole, Act.picked))
    router.callback_query.register(reason_chosen, on(Act.reason))
    router.callback_query.register(text_skipped, on(Act.skip), ReturnDialog.text)
    router.callback_query.register(photos_done, on(Act.skip), ReturnDialog.photos)
    router.callback_query.register(submit, on(Act.submit))
    router.callback_query.register(cancel, on(Act.cancel))
    router.message.register(replies.command_in_dialog, ReturnDialog.text, F.text.startswith("/"))
    router.message.register(replies.command_in_dialog, ReturnDialog.photos, F.text.startswith("/"))
    router.message.register(text_typed, ReturnDialog.text, F.text)
    router.message.register(not_text, ReturnDialog.text)
    router.message.register(photo_sent, ReturnDialog.photos, F.photo)
    router.message.register(not_a_photo, ReturnDialog.photos)
    return router
