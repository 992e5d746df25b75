"""Callback data of the staff tools; every handler re-checks the role in the database (bot.filters.IsStaff)."""

from enum import Enum

from aiogram.filters.callback_data import CallbackData


class StaffReturnAction(str, Enum):
    queue = "queue"  # open requests, oldest first (`page`)
    show = "show"  # request `id`
    photos = "photos"
    approve = "approve"  # ask to confirm
    confirm = "confirm"  # approve: the refund runs
    reject = "reject"  # ask for the reason


class StaffReturnCb(CallbackData, prefix="sr"):
    """Staff buttons; the admin role is checked in the database on every press."""

    action: StaffReturnAction
    id: int = 0
    page: int = 0


class DeskAction(str, Enum):
    """The staff side of support tickets (operators and up; the role is re-read on every press)."""

    queue = "queue"  # `page` of open tickets
    show = "show"  # ticket `id`
    photos = "photos"  # send the ticket's photos
    reply = "reply"
    close = "close"
    cancel = "cancel"  # leave the reply dialog


class DeskCb(CallbackData, prefix="dk"):
    action: DeskAction
    id: int = 0
    page: int = 0


class StatsAction(str, Enum):
    export = "export"  # `what`: members | ledger | orders


class StatsCb(CallbackData, prefix="st"):
    action: StatsAction
    what: str = ""


class AdminAction(str, Enum):
    """/admin (issue 13): the menu, the member card and its actions; `id` is a member unless noted."""

    menu = "menu"
    find = "find"  # ask for a member number, username, phone or Telegram id
    card = "card"
    adjust = "adj"  # a dialog: amount, reason, confirm
    freeze = "frz"
    unfreeze = "ufz"
    entries = "ent"  # recent ledger entries, to revoke one (`ref` entry id on `revoke`)
    revoke = "rev"
    coupons = "cps"  # campaigns to issue from (`page`); `issue` with `ref` = campaign id
    issue = "iss"
    block = "blk"
    unblock = "ublk"
    link = "lnk"
    confirm = "ok"  # the dialog's pending change (kept in the dialog state, re-checked by the use case)
    cancel = "x"
    approvals = "apl"  # pending two-person approvals


class AdminCb(CallbackData, prefix="ad"):
    """Staff only: every handler re-checks the role in the database (bot.filters.IsStaff, then the use case)."""

    action: AdminAction
    id: int = 0
    ref: int = 0
    page: int = 0


class CampaignAction(str, Enum):
    """/admin → coupon campaigns: paged list, pause/resume (`id` campaign), the creation wizard."""

    list = "ls"
    pause = "ps"
    resume = "rs"
    new = "new"
    choose = "ch"  # a wizard choice button: `value`
    skip = "sk"
    create = "ok"
    cancel = "x"


class CampaignCb(CallbackData, prefix="cg"):
    action: CampaignAction
    id: int = 0
    page: int = 0
    value: str = ""


class ApprovalAction(str, Enum):
    approve = "yes"
    reject = "no"


class ApprovalCb(CallbackData, prefix="apv"):
    """A two-person approval decision on request `id` (the approver's role is checked in that transaction)."""

    action: ApprovalAction
    id: int


class StaffAction(str, Enum):
    """/staff (owners): the roster, add an admin or operator, revoke."""

    roster = "ls"
    add = "add"  # `role` to grant; then the owner types an id or member number (or forwards a message)
    revoke = "rv"  # ask to confirm revoking `id`
    revoke_ok = "rvok"
    cancel = "x"


class StaffCb(CallbackData, prefix="sf"):
    action: StaffAction
    id: int = 0
    role: str = ""


class AuditAction(str, Enum):
    """/audit (owners): a page of the log with its filters carried in the data."""

    page = "pg"
    by_staff = "bs"  # ask for a staff Telegram id
    by_member = "bm"  # ask for a member number
    by_action = "ba"  # pick an action
    clear = "cl"


class AuditCb(CallbackData, prefix="au"):
    action: AuditAction
    page: int = 0
    actor: int = 0
    member: int = 0
    what: str = ""


class CatalogAction(str, Enum):
    """/admin → catalog (admins): the product list, a product `id`, the add dialog, one field's edit."""
    list = "ls"
    show = "sh"
    new = "new"
    edit = "ed"  # ask for `field` of product `id`
    toggle = "tg"  # active on/off
    skip = "sk"  # an optional step of the dialog (SKU, photo)
    cancel = "x"


class CatalogCb(CallbackData, prefix="ac"):
    action: CatalogAction
    id: int = 0
    page: int = 0
    field: str = ""


class StaffOrderAction(str, Enum):
    """/admin → orders: list by `status`, order `id`, ship/deliver/complete, the refund dialog."""
    list = "ls"
    show = "sh"
    find = "fd"  # ask for an order number
    ship = "sp"  # ask for a tracking number
    ship_now = "sn"  # ship without one
    deliver = "dl"
    complete = "cp"
    refund = "rf"  # full or partial?
    full = "ra"  # refund everything left: the confirmation
    pick = "rp"  # choose lines: `ref` line id +1 (wraps to 0)
    review = "rv"  # the chosen lines: the confirmation
    confirm = "ok"


class StaffOrderCb(CallbackData, prefix="ao"):
    """Staff only: the role is checked in the database by the filter and again by the use case."""
    action: StaffOrderAction
    id: int = 0
    page: int = 0
    status: str = ""
    ref: int = 0
