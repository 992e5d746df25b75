"""/audit (owners): the audit log, newest first, paged, filtered by staff, member or action.

The filters travel in the buttons' data (every press re-checks the owner role), so paging keeps them.
"""

import json

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import AuditAction, AuditCb
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.render import local_time, quote
from handlers.admin import refuse
from services import members
from services.errors import DomainError
from services.policy import ShopPolicy
from services.staff import audit, team
from services.staff.audit import AuditEntry, AuditFilter
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 5  # five full records stay well inside a message (4096 characters)
DETAIL_MAX = 120
# The actions one can filter by (a button each).
ACTIONS = (
    "points.adjust", "points.freeze", "points.unfreeze", "points.revoke", "coupon.issue", "member.block",
    "member.unblock", "member.link", "campaign.create", "campaign.pause", "campaign.resume", "approval.request",
    "approval.approve", "approval.reject", "approval.expire", "staff.grant", "staff.revoke",
)


class AuditForm(StatesGroup):
    staff = State()
    member = State()


def _detail(value: dict | None) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str) if value else "-"
    return text if len(text) <= DETAIL_MAX else text[:DETAIL_MAX - 1] + "…"


def entry_text(t: Translator, policy: ShopPolicy, entry: AuditEntry) -> str:
    return t("audit-line", at=local_time(entry.at, policy.tz), actor=str(entry.actor_id or t("audit-system")),
             action=entry.action, target=quote(f"{entry.target_type or '-'}:{entry.target_id or '-'}"),
             member=members.member_no(entry.member_id) if entry.member_id else "-", before=quote(_detail(entry.before)),
             after=quote(_detail(entry.after)), reason=quote((entry.reason or "-")[:DETAIL_MAX]))


async def page_view(uow: UnitOfWork, policy: ShopPolicy, owner_id: int, t: Translator, data: AuditCb
                    ) -> tuple[str, InlineKeyboardMarkup]:
    where = AuditFilter(data.actor or None, data.member or None, data.what or None)
    found = await audit.page(uow, where, data.page, PAGE_SIZE, owner=(policy, owner_id))
    filters = t("audit-filters", staff=str(data.actor or "-"), member=members.member_no(data.member) if data.member else "-",
                action=data.what or "-")
    body = "\n\n".join(entry_text(t, policy, entry) for entry in found.items) or t("audit-empty")

    def at(page: int) -> AuditCb:
        return AuditCb(action=AuditAction.page, page=page, actor=data.actor, member=data.member, what=data.what)

    rows = [
        keyboards.pager(t, found.page, found.pages, at),
        [(t("audit-btn-staff"), AuditCb(action=AuditAction.by_staff, actor=data.actor, member=data.member,
                                        what=data.what)),
         (t("audit-btn-member"), AuditCb(action=AuditAction.by_member, actor=data.actor, member=data.member,
                                         what=data.what)),
         (t("audit-btn-action"), AuditCb(action=AuditAction.by_action, actor=data.actor, member=data.member,
                                         what=data.what))],
        [(t("audit-btn-clear"), AuditCb(action=AuditAction.clear))] if data.actor or data.member or data.what else [],
    ]
    title = t("audit-title", page=found.page + 1, pages=found.pages)
    return f"{title}\n{filters}\n\n{body}", keyboards.inline(rows)


async def audit_command(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator,
                        policy: ShopPolicy) -> None:
    await replies.close_prompt(message, state)
    await state.clear()
    try:
        text, markup = await page_view(uow, policy, message.from_user.id, t, AuditCb(action=AuditAction.page))
    except StaffOnly:
        return
    await message.answer(text, reply_markup=markup)


async def page_button(callback: CallbackQuery, callback_data: AuditCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    await state.clear()
    if callback_data.action == AuditAction.clear:
        callback_data = AuditCb(action=AuditAction.page)
    try:
        text, markup = await page_view(uow, policy, callback.from_user.id, t, callback_data)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    await replies.show(callback, text, markup)


async def by_action_button(callback: CallbackQuery, callback_data: AuditCb, t: Translator) -> None:
    def pick(action: str) -> tuple[str, AuditCb]:
        return action, AuditCb(action=AuditAction.page, actor=callback_data.actor, member=callback_data.member,
                               what=action)

    buttons = [pick(action) for action in ACTIONS]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([(t("btn-back"), callback_data.model_copy(update={"action": AuditAction.page}))])
    await replies.show(callback, t("audit-pick-action"), keyboards.inline(rows))


async def ask_filter(callback: CallbackQuery, callback_data: AuditCb, state: FSMContext, t: Translator) -> None:
    staff = callback_data.action == AuditAction.by_staff
    await state.set_state(AuditForm.staff if staff else AuditForm.member)
    await state.set_data({"actor": callback_data.actor, "member": callback_data.member, "what": callback_data.what})
    back = keyboards.inline([[(t("btn-back"), callback_data.model_copy(update={"action": AuditAction.page}))]])
    shown = await replies.show(callback, t("audit-ask-staff" if staff else "audit-ask-member"), back)
    await replies.remember_prompt(state, shown)


async def filter_entered(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator,
                         policy: ShopPolicy, raw_state: str | None) -> None:
    data = await state.get_data()
    staff = raw_state == AuditForm.staff.state
    value = team.member_number(message.text) if not staff else (
        int(message.text.strip()) if message.text.strip().isdigit() and len(message.text.strip()) < 16 else None)
    if value is None:
        back = keyboards.inline([[(t("btn-back"), AuditCb(action=AuditAction.page, actor=data["actor"],
                                                          member=data["member"], what=data["what"]))]])
        await replies.prompt(message, state, t("audit-filter-invalid"), back)
        return
    await replies.close_prompt(message, state)
    await state.clear()
    query = AuditCb(action=AuditAction.page, actor=value if staff else data["actor"],
                    member=data["member"] if staff else value, what=data["what"])
    try:
        text, markup = await page_view(uow, policy, message.from_user.id, t, query)
    except StaffOnly:
        return
    await message.answer(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="audit")
    owner = IsStaff(Role.owner)

    def on(*actions: AuditAction) -> object:
        return AuditCb.filter(F.action.in_(set(actions)))

    router.message.register(audit_command, Command("audit"), owner)
    router.callback_query.register(page_button, on(AuditAction.page, AuditAction.clear), owner)
    router.callback_query.register(by_action_button, on(AuditAction.by_action), owner)
    router.callback_query.register(ask_filter, on(AuditAction.by_staff, AuditAction.by_member), owner)
    router.message.register(filter_entered, AuditForm.staff, F.text, ~F.text.startswith("/"), owner)
    router.message.register(filter_entered, AuditForm.member, F.text, ~F.text.startswith("/"), owner)
    return router
