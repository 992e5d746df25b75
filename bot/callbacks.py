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


class BroadcastAction(str, Enum):
    unsubscribe = "u"  # under every marketing message: no more marketing, at once
    pause = "p"
    resume = "r"
    cancel = "c"
    segment = "s"  # composing: a segment (`value`)
    coupon = "k"  # composing: a coupon campaign (`id`, 0: none)
    skip = "n"  # composing: skip the optional step
    start = "go"  # send now
    schedule = "at"  # ask for a time
    discard = "x"  # throw the draft away


class BroadcastCb(CallbackData, prefix="bc"):
    """`id` is a broadcast or a campaign id (the handler re-checks the admin role); `value` a segment."""

    action: BroadcastAction
    id: int = 0
    value: str = ""
