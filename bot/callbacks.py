"""Every callback-data factory of the bot, with its actions as Enums (packed data stays ≤ 64 bytes).

Callback data only says which button was pressed; handlers re-check who may press it.
"""

from enum import Enum

from aiogram.filters.callback_data import CallbackData


class MenuAction(str, Enum):
    """Main-menu and start-screen buttons."""

    home = "home"
    register = "register"
    login = "login"
    language = "language"
    help = "help"
    points = "points"
    checkin = "checkin"
    profile = "profile"
    card = "card"
    coupons = "coupons"
    shop = "shop"
    orders = "orders"


class MenuCb(CallbackData, prefix="m"):
    action: MenuAction


class FlowAction(str, Enum):
    """Buttons inside a dialog."""

    back = "back"
    cancel = "cancel"
    skip = "skip"
    accept = "accept"
    decline = "decline"
    yes = "yes"
    no = "no"
    confirm = "confirm"
    edit = "edit"
    field = "field"


class FlowCb(CallbackData, prefix="f"):
    action: FlowAction
    value: str = ""


class ProfileAction(str, Enum):
    edit = "edit"
    cancel = "cancel"
    marketing = "marketing"
    website = "website"  # set a username and password for the shop website
    complete = "complete"  # the "complete your profile" card
    skip = "skip"


class ProfileCb(CallbackData, prefix="pf"):
    action: ProfileAction
    field: str = ""


class LangCb(CallbackData, prefix="lang"):
    code: str


class PointsAction(str, Enum):
    page = "page"
    checkin = "checkin"


class PointsCb(CallbackData, prefix="pt"):
    """`page` of the history to show; `checkin` from the points screen."""

    action: PointsAction
    page: int = 0


class CouponAction(str, Enum):
    wallet = "wallet"
    past = "past"  # a page of used / expired coupons
    show = "show"  # one coupon (`id`)
    centre = "centre"
    claim = "claim"  # campaign `id`: claim, or ask to confirm a points price
    confirm = "confirm"  # campaign `id`: spend the points
    cancel = "cancel"  # the points confirmation
    code = "code"  # start "enter a code"
    code_cancel = "code_cancel"
    gift = "gift"  # coupon `id`: make a gift link
    ungift = "ungift"  # coupon `id`: take the link back


class CouponCb(CallbackData, prefix="cp"):
    """`id` is a coupon or a campaign id (the handler re-checks who may use it); `page` of past coupons."""

    action: CouponAction
    id: int = 0
    page: int = 0


class ShopAction(str, Enum):
    list = "list"  # a page of the catalog
    product = "product"  # one product (`id`)
    add = "add"  # one more of product `id` into the cart
    cart = "cart"
    inc = "inc"  # cart line of product `id` +1
    dec = "dec"  # -1 (at 0 the line goes)
    remove = "remove"


class ShopCb(CallbackData, prefix="sh"):
    """`id` is a product id (the handler re-checks it is active); `page` of the catalog to return to."""

    action: ShopAction
    id: int = 0
    page: int = 0


class CheckoutAction(str, Enum):
    start = "start"  # summary and the coupon choice
    coupon = "coupon"  # coupon chosen (`coupon`, 0: none): the points choice
    points = "points"  # points chosen: the final price
    typed = "typed"  # type an amount of points
    pay = "pay"  # place the order (`total` as shown) and send the invoice
    cancel = "cancel"


class CheckoutCb(CallbackData, prefix="co"):
    """The member's choices so far; every one is re-checked by the quote (a forged one is refused)."""

    action: CheckoutAction
    coupon: int = 0
    points: int = 0
    total: int = 0


class OrderAction(str, Enum):
    list = "list"
    show = "show"
    cancel = "cancel"  # ask to confirm
    confirm = "confirm"  # cancel the unpaid order
    pay = "pay"  # the invoice again


class OrderCb(CallbackData, prefix="od"):
    """`id` is an order id (only the member's own are shown); `page` of the list to return to."""

    action: OrderAction
    id: int = 0
    page: int = 0


class AftersaleAction(str, Enum):
    """A member's return/refund request and review of order `id`."""

    start = "start"  # ask for a return or refund
    kind = "kind"  # `value`: refund | return
    whole = "whole"  # the whole order
    pick = "pick"  # choose lines
    toggle = "toggle"  # `value`: an order line id
    picked = "picked"  # lines chosen
    reason = "reason"  # `value`: a reason code
    skip = "skip"  # no text / no (more) photos
    submit = "submit"
    cancel = "cancel"
    review = "review"  # rate the order
    stars = "stars"  # `value`: 1..5


class AftersaleCb(CallbackData, prefix="as"):
    """Every step re-checks the order is the member's own (services/orders/returns.py, reviews.py)."""

    action: AftersaleAction
    id: int = 0
    value: str = ""


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


class TicketAction(str, Enum):
    """The member's feedback dialog and ticket thread (PRODUCT.md 8)."""

    kind = "kind"  # `value`: suggestion | complaint | question
    order = "order"  # `id`: the order the ticket is about (0: none)
    send = "send"  # open the ticket from the draft
    cancel = "cancel"
    new = "new"  # start /feedback again
    list = "list"  # `page` of the member's tickets
    show = "show"  # ticket `id` (the handler re-checks it is the member's)
    answer = "answer"  # ticket `id`: write into it
    rate = "rate"  # ticket `id`, `value` 1..5


class TicketCb(CallbackData, prefix="tk"):
    action: TicketAction
    id: int = 0
    page: int = 0
    value: str = ""


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


class PrivacyAction(str, Enum):
    proceed = "go"  # first confirmation of /delete_account
    confirm = "del"  # second confirmation: the account is closed
    cancel = "no"
    unsubscribe = "unsub"  # the button under every marketing message
    screen = "menu"  # the privacy screen, from the profile
    export = "export"  # /mydata as a button
    begin = "begin"  # /delete_account as a button


class PrivacyCb(CallbackData, prefix="pv"):
    """`nonce` names the confirmation screen the button belongs to (the handler compares it with the dialog)."""

    action: PrivacyAction
    nonce: str = ""


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
