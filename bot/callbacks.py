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
