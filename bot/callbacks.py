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
