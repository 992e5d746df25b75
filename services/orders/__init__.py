"""Orders (PRODUCT.md 4): catalog, cart, checkout, Telegram Payments, an order's life, what members see.

    rules.py      states and transitions, the points discount, the signed invoice payload (pure)
    catalog.py    products paged, one product, the cart (add / change / remove / total)
    checkout.py   the quote (usable coupons best first, points options) and placing an order
    payments.py   the invoice, the pre-checkout re-check, recording a successful payment once
    lifecycle.py  cancel, the expiry job, ship / deliver / complete, status notices
    views.py      a member's orders (paged, newest first) and one order in full
    demo.py       demo products for the sandbox
"""

from models.orders import format_order_no as order_number
from models.repositories.catalog import CartLine, ProductView
from models.repositories.orders import EventView, LineView, OrderView, StatusNotice
from services.orders.catalog import (
    Cart,
    ProductSpec,
    add_product,
    add_to_cart,
    cart,
    change_quantity,
    product,
    products,
    remove_from_cart,
)
from services.orders.checkout import CartEmpty, CouponOffer, OutOfStock, Quote, place_order, quote
from services.orders.demo import seed_demo
from services.orders.lifecycle import (
    advance,
    cancel,
    claim_notices,
    complete,
    deliver,
    expire_due,
    ship,
)
from services.orders.payments import (
    Charge,
    Invoice,
    PaidOrder,
    PaymentRefused,
    invoice_for,
    pre_checkout,
    record_payment,
    settle_free,
)
from services.orders.rules import (
    REFUNDABLE,
    STATUSES,
    IllegalTransition,
    OrderRules,
    check_transition,
    payload_key,
)
from services.orders.views import OrderDetail, order_of, orders_of

__all__ = [
    "REFUNDABLE",
    "STATUSES",
    "Cart",
    "CartEmpty",
    "CartLine",
    "Charge",
    "CouponOffer",
    "EventView",
    "IllegalTransition",
    "Invoice",
    "LineView",
    "OrderDetail",
    "OrderRules",
    "OrderView",
    "OutOfStock",
    "PaidOrder",
    "PaymentRefused",
    "ProductSpec",
    "ProductView",
    "Quote",
    "StatusNotice",
    "add_product",
    "add_to_cart",
    "advance",
    "cancel",
    "cart",
    "change_quantity",
    "check_transition",
    "claim_notices",
    "complete",
    "deliver",
    "expire_due",
    "invoice_for",
    "order_number",
    "order_of",
    "orders_of",
    "payload_key",
    "place_order",
    "pre_checkout",
    "product",
    "products",
    "quote",
    "record_payment",
    "remove_from_cart",
    "seed_demo",
    "settle_free",
    "ship",
]
