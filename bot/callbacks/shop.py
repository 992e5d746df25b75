"""Callback data of the shop: catalog and cart, checkout, orders, after-sale requests and reviews."""

from enum import Enum

from aiogram.filters.callback_data import CallbackData


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
