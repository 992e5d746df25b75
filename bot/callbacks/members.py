"""Callback data of the member screens: menus, dialogs, profile, language, points, coupons, support, privacy."""

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
