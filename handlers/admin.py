"""/admin (PRODUCT.md 5, issue 13): the staff menu, finding a member, the member card and its one-tap actions.

Every handler here sits behind `IsStaff` (the role read from the database for this update), and
every use case it calls checks the role again in its own transaction, so a forged button or a
role revoked a moment ago changes nothing. Points dialogs: handlers/admin_points.py; coupon
campaigns: handlers/admin_campaigns.py.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import (
    AdminAction,
    AutomationAction,
    AutomationCb,
    AdminCb,
    ApprovalAction,
    ApprovalCb,
    CampaignAction,
    CampaignCb,
    DeskAction,
    DeskCb,
    CatalogAction,
    CatalogCb,
    StaffOrderAction,
    StaffOrderCb,
    StaffReturnAction,
    StaffReturnCb,
)
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, local_date, local_time, money, quote
from handlers.orders import status
from services import members
from services.coupons import show_code
from services.errors import DomainError
from services.policy import ShopPolicy
from services.staff import approvals, campaigns
from services.staff.approvals import Approval
from services.staff import members as staff_members
from services.staff.audit import AuditEntry
from services.staff.members import MemberCard
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork


class FindForm(StatesGroup):
    query = State()


# The menu is a list of sections, each shown from a role up; features append theirs (orders, catalog...).
# (minimum role, text key, callback data)
ADMIN_SECTIONS: list[tuple[Role, str, Callable[[], object]]] = [
    (Role.operator, "admin-btn-find", lambda: AdminCb(action=AdminAction.find)),
    (Role.operator, "admin-btn-tickets", lambda: DeskCb(action=DeskAction.queue)),
    (Role.admin, "admin-btn-campaigns", lambda: CampaignCb(action=CampaignAction.list)),
    (Role.admin, "admin-btn-approvals", lambda: AdminCb(action=AdminAction.approvals)),
    (Role.admin, "admin-btn-returns", lambda: StaffReturnCb(action=StaffReturnAction.queue)),
    (Role.operator, "admin-btn-orders", lambda: StaffOrderCb(action=StaffOrderAction.list)),
    (Role.admin, "admin-btn-catalog", lambda: CatalogCb(action=CatalogAction.list)),
    (Role.admin, "admin-btn-automation", lambda: AutomationCb(action=AutomationAction.list)),
]


def menu_view(t: Translator, role: Role) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [(t(key), data()) for minimum, key, data in ADMIN_SECTIONS if role.covers(minimum)]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return t("admin-menu", role=t(f"staff-role-{role.value}")), keyboards.inline(rows)


def back_to_card(t: Translator, member_id: int) -> list[Button]:
    return [(t("admin-btn-card"), AdminCb(action=AdminAction.card, id=member_id))]


def to_menu(t: Translator) -> list[Button]:
    return [(t("admin-btn-menu"), AdminCb(action=AdminAction.menu))]


async def refuse(callback: CallbackQuery, callback_answer: CallbackAnswer, t: Translator, error: DomainError,
                 policy: ShopPolicy) -> None:
    """A refused staff action: a lost role answers like a stale button, anything else says why."""
    if isinstance(error, StaffOnly):
        callback_answer.text = t("button-expired")
        return
    callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True


# --- the menu and finding a member ---------------------------------------------------------------

async def admin_command(message: Message, state: FSMContext, t: Translator, staff_role: Role) -> None:
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = menu_view(t, staff_role)
    await message.answer(text, reply_markup=markup)


async def menu_button(callback: CallbackQuery, state: FSMContext, t: Translator, staff_role: Role) -> None:
    await state.clear()
    text, markup = menu_view(t, staff_role)
    await replies.show(callback, text, markup)


async def find_button(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(FindForm.query)
    shown = await replies.show(callback, t("admin-find-ask"), keyboards.inline([to_menu(t)]))
    await replies.remember_prompt(state, shown)


async def query_entered(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str,
                        policy: ShopPolicy, staff_role: Role) -> None:
    try:
        found = await staff_members.find(uow, policy, message.from_user.id, message.text)
        card = await staff_members.card(uow, policy, message.from_user.id, found.id)
    except StaffOnly:
        await state.clear()
        return
    except DomainError as error:
        again = f"{error_text(t, error, policy.tz)}\n{t('admin-find-again')}"
        await replies.prompt(message, state, again, keyboards.inline([to_menu(t)]))
        return
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = card_view(t, lang, policy, card, staff_role)
    await message.answer(text, reply_markup=markup)


async def query_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("admin-find-again"))


# --- the member card -----------------------------------------------------------------------------

def card_text(t: Translator, lang: str, policy: ShopPolicy, card: MemberCard) -> str:
    member = card.member
    lines = [t("admin-card", number=member.member_no, username=quote(member.username),
               status=t(f"admin-status-{member.status}") if t.has(f"admin-status-{member.status}") else member.status,
               phone=quote(member.phone), email=quote(member.email), telegram=str(member.telegram_id or "-"),
               tier=quote(policy.tiers.get(member.tier).name(lang)), joined=local_date(member.created_at, policy.tz),
               available=member.points_available, frozen=member.points_frozen, coupons=card.coupon_count)]
    for coupon in card.coupons:
        lines.append(t("admin-card-coupon", code=show_code(coupon.code), name=quote(coupon.campaign.name(lang)),
                       until=local_date(coupon.valid_until, policy.tz)))
    if card.orders:
        lines.append(t("admin-card-orders", count=card.order_count))
        lines += [t("admin-card-order", number=order.number, status=status(t, order.status),
                    total=money(order.total, order.currency, lang), at=local_date(order.created_at, policy.tz))
                  for order in card.orders]
    if card.entries:
        lines.append(t("admin-card-entries"))
        lines += [entry_line(t, policy, entry) for entry in card.entries]
    if card.refused:
        lines.append(t("admin-card-refused"))
        lines += [refused_line(t, policy, entry) for entry in card.refused]
    return "\n".join(lines)


def refused_line(t: Translator, policy: ShopPolicy, entry: AuditEntry) -> str:
    """A reward services/abuse.py refused, and why (the reason is erased with a closed account)."""
    reward = (entry.after or {}).get("reward", "")
    return t("admin-card-refused-line", date=local_date(entry.at, policy.tz),
             reward=t(f"reward-kind-{reward}") if t.has(f"reward-kind-{reward}") else quote(reward),
             reason=t(f"reward-refused-{entry.reason}") if t.has(f"reward-refused-{entry.reason}") else "-")


def entry_line(t: Translator, policy: ShopPolicy, entry: object) -> str:
    kind = t(f"points-kind-{entry.kind}") if t.has(f"points-kind-{entry.kind}") else quote(entry.kind)
    return t("admin-entry", id=str(entry.id), at=local_time(entry.created_at, policy.tz), kind=kind,
             amount=f"{entry.amount:+d}", reason=quote((entry.reason or "-")[:60]))


def card_view(t: Translator, lang: str, policy: ShopPolicy, card: MemberCard,
              role: Role) -> tuple[str, InlineKeyboardMarkup]:
    member_id = card.member.id

    def button(key: str, action: AdminAction) -> Button:
        return t(key), AdminCb(action=action, id=member_id)

    rows: list[list[Button]] = []
    if role.covers(Role.admin):
        blocked = card.member.status == "blocked"
        rows += [
            [button("admin-btn-adjust", AdminAction.adjust), button("admin-btn-freeze", AdminAction.freeze),
             button("admin-btn-unfreeze", AdminAction.unfreeze)],
            [button("admin-btn-revoke", AdminAction.entries), button("admin-btn-issue", AdminAction.coupons)],
            [button("admin-btn-unblock", AdminAction.unblock) if blocked else
             button("admin-btn-block", AdminAction.block), button("admin-btn-link", AdminAction.link)],
        ]
    rows.append([(t("admin-btn-find"), AdminCb(action=AdminAction.find)), *to_menu(t)])
    return card_text(t, lang, policy, card), keyboards.inline(rows)


async def show_card(callback: CallbackQuery, uow: UnitOfWork, t: Translator, lang: str, policy: ShopPolicy,
                    role: Role, member_id: int, callback_answer: CallbackAnswer, notice: str = "") -> None:
    try:
        card = await staff_members.card(uow, policy, callback.from_user.id, member_id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    text, markup = card_view(t, lang, policy, card, role)
    await replies.show(callback, f"{notice}\n\n{text}" if notice else text, markup)


async def card_button(callback: CallbackQuery, callback_data: AdminCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, staff_role: Role,
                      callback_answer: CallbackAnswer) -> None:
    await state.clear()
    await show_card(callback, uow, t, lang, policy, staff_role, callback_data.id, callback_answer)


async def block_button(callback: CallbackQuery, callback_data: AdminCb, uow: UnitOfWork, t: Translator, lang: str,
                       policy: ShopPolicy, staff_role: Role, callback_answer: CallbackAnswer) -> None:
    blocked = callback_data.action == AdminAction.block
    try:
        changed = await staff_members.set_blocked(uow, policy, callback.from_user.id, callback_data.id, blocked)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    callback_answer.text = t("admin-blocked" if blocked else "admin-unblocked") if changed else t("admin-no-change")
    await show_card(callback, uow, t, lang, policy, staff_role, callback_data.id, callback_answer)


async def link_button(callback: CallbackQuery, callback_data: AdminCb, uow: UnitOfWork, t: Translator,
                      policy: ShopPolicy, bot: Bot, callback_answer: CallbackAnswer) -> None:
    try:
        token = await staff_members.login_link(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    me = await bot.me()
    hours = int(policy.link_token_ttl.total_seconds() // 3600)
    text = t("admin-link", link=f"https://t.me/{me.username}?start=link_{token}", token=f"link_{token}", hours=hours)
    await callback.message.answer(text, reply_markup=keyboards.inline([back_to_card(t, callback_data.id)]))


# --- issuing a coupon ----------------------------------------------------------------------------

async def coupons_button(callback: CallbackQuery, callback_data: AdminCb, uow: UnitOfWork, t: Translator,
                         lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    member_id = callback_data.id
    try:
        found = await campaigns.page(uow, policy, callback.from_user.id, callback_data.page)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    rows = [[(t("admin-issue-pick", name=stats.campaign.name(lang), left=_left(t, stats.campaign.left)),
              AdminCb(action=AdminAction.issue, id=member_id, ref=stats.campaign.id))]
            for stats in found.items if stats.campaign.active]
    rows.append(keyboards.pager(t, found.page, found.pages,
                                lambda n: AdminCb(action=AdminAction.coupons, id=member_id, page=n)))
    rows.append(back_to_card(t, member_id))
    await replies.show(callback, t("admin-issue-title", page=found.page + 1, pages=found.pages),
                       keyboards.inline(rows))


def _left(t: Translator, left: int | None) -> str:
    return t("coupons-left-unlimited") if left is None else str(left)


async def issue_button(callback: CallbackQuery, callback_data: AdminCb, uow: UnitOfWork, t: Translator, lang: str,
                       policy: ShopPolicy, staff_role: Role, callback_answer: CallbackAnswer) -> None:
    try:
        coupon = await campaigns.issue(uow, policy, callback.from_user.id, callback_data.ref, callback_data.id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    notice = t("admin-issued", code=show_code(coupon.code), name=quote(coupon.campaign.name(lang)))
    await show_card(callback, uow, t, lang, policy, staff_role, callback_data.id, callback_answer, notice)


# --- pending approvals ---------------------------------------------------------------------------

async def approvals_button(callback: CallbackQuery, uow: UnitOfWork, t: Translator, policy: ShopPolicy,
                           callback_answer: CallbackAnswer) -> None:
    try:
        waiting = await approvals.pending(uow, policy, callback.from_user.id, limit=6)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    now = datetime.now(UTC)
    lines = [approval_text(t, policy, request) for request in waiting if request.expires_at > now]
    rows = [approval_buttons(t, request.id) for request in waiting
            if request.expires_at > now and request.requested_by != callback.from_user.id]
    body = "\n\n".join(lines) if lines else t("admin-approvals-empty")
    await replies.show(callback, f"{t('admin-approvals')}\n\n{body}", keyboards.inline([*rows[:8], to_menu(t)]))


def approval_text(t: Translator, policy: ShopPolicy, request: Approval) -> str:
    return t("admin-approval", id=str(request.id), kind=t(f"admin-approval-kind-{request.kind.replace('.', '-')}"),
             amount=money(request.amount, policy.currency, t.language) if request.kind.startswith("order.")
             else f"{request.amount:+d}", member=members.member_no(request.member_id) if request.member_id else "-",
             by=str(request.requested_by), reason=quote(request.reason),
             until=local_time(request.expires_at, policy.tz))


def approval_buttons(t: Translator, request_id: int) -> list[Button]:
    return [(t("admin-btn-approve", id=str(request_id)), ApprovalCb(action=ApprovalAction.approve, id=request_id)),
            (t("admin-btn-reject", id=str(request_id)), ApprovalCb(action=ApprovalAction.reject, id=request_id))]



def create_router() -> Router:
    """The role filter comes last on each handler, so only a matching update pays its query."""
    router = Router(name="admin")
    operator, admin = IsStaff(Role.operator), IsStaff(Role.admin)

    def on(*actions: AdminAction) -> object:
        return AdminCb.filter(F.action.in_(set(actions)))

    router.message.register(admin_command, Command("admin"), operator)
    router.callback_query.register(menu_button, on(AdminAction.menu), operator)
    router.callback_query.register(find_button, on(AdminAction.find), operator)
    router.message.register(query_entered, FindForm.query, F.text, ~F.text.startswith("/"), operator)
    router.message.register(query_not_text, FindForm.query, ~F.text, operator)
    router.callback_query.register(card_button, on(AdminAction.card), operator)
    router.callback_query.register(block_button, on(AdminAction.block, AdminAction.unblock), admin)
    router.callback_query.register(link_button, on(AdminAction.link), admin)
    router.callback_query.register(coupons_button, on(AdminAction.coupons), admin)
    router.callback_query.register(issue_button, on(AdminAction.issue), admin)
    router.callback_query.register(approvals_button, on(AdminAction.approvals), admin)
    return router
