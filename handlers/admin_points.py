"""/admin member card → points: adjust, freeze, unfreeze (amount, mandatory reason, confirm), revoke an entry,
and the two-person approval of a large adjustment (the approvers' buttons).

The dialog keeps the pending change in its state; the confirm button only names the member,
and the use case re-checks the role, so a forged or replayed confirm changes nothing new
(the change carries an idempotency key made when the dialog began).
"""

import uuid

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import AdminAction, AdminCb, ApprovalAction, ApprovalCb
from bot.config import Settings
from bot.delivery import deliver
from bot.filters import IsStaff
from bot.i18n import Translator, pick_language, translator
from bot.keyboards import Button
from bot.render import error_text, quote
from handlers.admin import approval_buttons, approval_text, back_to_card, entry_line, refuse, show_card
from services import members
from services.errors import DomainError, InvalidInput
from services.points import postings
from services.policy import ShopPolicy
from services.staff import approvals
from services.staff import points as staff_points
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork

OPS = {AdminAction.adjust: "adjust", AdminAction.freeze: "freeze", AdminAction.unfreeze: "unfreeze"}


class PointsForm(StatesGroup):
    amount = State()
    reason = State()
    confirm = State()


def cancel_to_card(t: Translator, member_id: int) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t("btn-cancel"), AdminCb(action=AdminAction.card, id=member_id))]])


def parse_amount(text: str, signed: bool) -> int:
    """"+500", "-200" (adjust) or "300" (freeze, unfreeze)."""
    raw = (text or "").strip().replace(" ", "")
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not digits.isdigit() or len(digits) > 9 or (not signed and raw[:1] in "+-"):
        raise InvalidInput("admin-amount-invalid")
    amount = int(raw)
    if amount == 0:
        raise InvalidInput("points-amount-nonzero")
    if not signed and amount < 0:
        raise InvalidInput("points-amount-positive")
    return staff_points.checked_amount(amount)


# --- the dialog: amount, reason, confirm --------------------------------------------------------------

async def begin(callback: CallbackQuery, callback_data: AdminCb, state: FSMContext, t: Translator) -> None:
    op = OPS[callback_data.action]
    await state.set_state(PointsForm.amount)
    await state.set_data({"op": op, "member": callback_data.id, "key": f"staff:{uuid.uuid4().hex}"})
    shown = await replies.show(callback, t(f"admin-{op}-ask"), cancel_to_card(t, callback_data.id))
    await replies.remember_prompt(state, shown)


async def amount_entered(message: Message, state: FSMContext, t: Translator, policy: ShopPolicy) -> None:
    data = await state.get_data()
    try:
        amount = parse_amount(message.text, signed=data["op"] == "adjust")
    except DomainError as error:
        text = f"{error_text(t, error, policy.tz)}\n{t('admin-' + data['op'] + '-ask')}"
        await replies.prompt(message, state, text, cancel_to_card(t, data["member"]))
        return
    await state.update_data(amount=amount)
    await state.set_state(PointsForm.reason)
    await replies.prompt(message, state, t("admin-reason-ask"), cancel_to_card(t, data["member"]))


async def reason_entered(message: Message, state: FSMContext, t: Translator, policy: ShopPolicy) -> None:
    data = await state.get_data()
    try:
        reason = postings.checked_reason(message.text)
    except DomainError as error:
        text = f"{error_text(t, error, policy.tz)}\n{t('admin-reason-ask')}"
        await replies.prompt(message, state, text, cancel_to_card(t, data["member"]))
        return
    await state.update_data(reason=reason)
    await state.set_state(PointsForm.confirm)
    summary = t(f"admin-{data['op']}-confirm", amount=data.get("amount", 0), entry=str(data.get("entry", 0)),
                reason=quote(reason))
    confirm = [(t("btn-confirm"), AdminCb(action=AdminAction.confirm, id=data["member"])),
               (t("btn-cancel"), AdminCb(action=AdminAction.card, id=data["member"]))]
    await replies.prompt(message, state, summary, keyboards.inline([confirm]))


async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("admin-send-text"))


async def confirmed(callback: CallbackQuery, callback_data: AdminCb, state: FSMContext, uow: UnitOfWork,
                    t: Translator, lang: str, policy: ShopPolicy, settings: Settings, staff_role: Role, bot: Bot,
                    callback_answer: CallbackAnswer) -> None:
    data = await state.get_data()
    if data.get("member") != callback_data.id or "reason" not in data:
        callback_answer.text = t("button-expired")
        return
    await state.clear()
    try:
        notice, request_id = await _carry_out(uow, policy, callback.from_user.id, data, t)
    except DomainError as error:
        if isinstance(error, StaffOnly):
            await refuse(callback, callback_answer, t, error, policy)
            return
        notice, request_id = error_text(t, error, policy.tz), None
    await show_card(callback, uow, t, lang, policy, staff_role, data["member"], callback_answer, notice)
    if request_id is not None:
        await notify_approvers(bot, uow, policy, settings.default_language, request_id)


async def _carry_out(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, data: dict, t: Translator
                     ) -> tuple[str, int | None]:
    op, member_id, reason = data["op"], data["member"], data["reason"]
    if op == "revoke":
        posted = await staff_points.revoke(uow, policy, staff_id, member_id, data["entry"], reason)
        return t("admin-revoked" if posted.created else "admin-no-change", entry=str(data["entry"])), None
    if op == "adjust":
        done = await staff_points.adjust(uow, policy, staff_id, member_id, data["amount"], reason, data["key"])
        if done.request_id is not None:
            return t("admin-approval-requested", id=str(done.request_id),
                     threshold=policy.approval_points_threshold), done.request_id
        return t("admin-adjusted", amount=f"{data['amount']:+d}"), None
    await staff_points.hold(uow, policy, staff_id, member_id, data["amount"], reason, data["key"],
                            freeze=op == "freeze")
    return t(f"admin-{op}-done", amount=data["amount"]), None


# --- revoking a ledger entry ---------------------------------------------------------------------

async def entries_button(callback: CallbackQuery, callback_data: AdminCb, uow: UnitOfWork, t: Translator,
                         policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        entries = await staff_points.recent_entries(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    lines = [entry_line(t, policy, entry) for entry in entries]
    buttons: list[Button] = [(t("admin-btn-revoke-entry", id=str(entry.id)),
                              AdminCb(action=AdminAction.revoke, id=callback_data.id, ref=entry.id))
                             for entry in entries if entry.kind != "revoke"]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)] + [back_to_card(t, callback_data.id)]
    body = "\n".join(lines) if lines else t("admin-entries-empty")
    await replies.show(callback, f"{t('admin-entries')}\n{body}", keyboards.inline(rows))


async def revoke_button(callback: CallbackQuery, callback_data: AdminCb, state: FSMContext, t: Translator) -> None:
    await state.set_state(PointsForm.reason)
    await state.set_data({"op": "revoke", "member": callback_data.id, "entry": callback_data.ref})
    shown = await replies.show(callback, t("admin-revoke-ask", entry=str(callback_data.ref)),
                               cancel_to_card(t, callback_data.id))
    await replies.remember_prompt(state, shown)


# --- two-person approval -------------------------------------------------------------------------

async def _language(uow: UnitOfWork, telegram_id: int, default: str) -> Translator:
    return translator(pick_language(await members.language_of(uow, telegram_id), None, default))


async def notify_approvers(bot: Bot, uow: UnitOfWork, policy: ShopPolicy, default_language: str,
                           request_id: int) -> None:
    """Every other admin and owner gets the request with Approve / Reject (no transaction open meanwhile)."""
    request = await approvals.request_of(uow, request_id)
    for telegram_id in await approvals.approvers(uow, policy, request.requested_by):
        t = await _language(uow, telegram_id, default_language)
        await deliver(bot, telegram_id, f"{t('admin-approval-new')}\n\n{approval_text(t, policy, request)}",
                      keyboards.inline([approval_buttons(t, request.id)]))


async def decide(callback: CallbackQuery, callback_data: ApprovalCb, uow: UnitOfWork, t: Translator,
                 policy: ShopPolicy, settings: Settings, bot: Bot, callback_answer: CallbackAnswer) -> None:
    approve = callback_data.action == ApprovalAction.approve
    try:
        decision = await (approvals.approve if approve else approvals.reject)(
            uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    outcome = t(f"admin-approval-{decision.status}", id=str(callback_data.id))
    await replies.show(callback, f"{outcome}\n\n{approval_text(t, policy, decision.request)}")
    asker = await _language(uow, decision.request.requested_by, settings.default_language)
    told = asker(f"admin-approval-{decision.status}-by", id=str(callback_data.id), by=str(callback.from_user.id))
    await deliver(bot, decision.request.requested_by, told)


def create_router() -> Router:
    router = Router(name="admin_points")
    admin = IsStaff(Role.admin)

    def on(*actions: AdminAction) -> object:
        return AdminCb.filter(F.action.in_(set(actions)))

    router.callback_query.register(begin, on(*OPS), admin)
    router.callback_query.register(entries_button, on(AdminAction.entries), admin)
    router.callback_query.register(revoke_button, on(AdminAction.revoke), admin)
    router.callback_query.register(confirmed, on(AdminAction.confirm), PointsForm.confirm, admin)
    router.message.register(amount_entered, PointsForm.amount, F.text, ~F.text.startswith("/"), admin)
    router.message.register(reason_entered, PointsForm.reason, F.text, ~F.text.startswith("/"), admin)
    router.message.register(not_text, PointsForm.amount, ~F.text, admin)
    router.message.register(not_text, PointsForm.reason, ~F.text, admin)
    router.callback_query.register(decide, ApprovalCb.filter(), admin)
    return router
