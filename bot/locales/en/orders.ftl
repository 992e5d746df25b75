## Orders (PRODUCT.md 4): /shop, /cart, checkout, payment, /orders
cmd-shop = Shop
cmd-cart = Cart
cmd-orders = My orders
btn-shop = 🛍 Shop
btn-orders = 📦 My orders

shop-title = <b>Shop</b> (page {$page}/{$pages})
shop-empty = The shop has no products yet. Please come back later.
shop-line = • <b>{$name}</b> · {$price} · {$stock}
shop-stock = {$count} in stock
shop-sold-out = sold out
shop-product =
    <b>{$name}</b>
    {$description}

    Price: {$price}
    {$stock}
shop-btn-add = ➕ Add to cart
shop-btn-cart = 🛒 Cart ({$count})
shop-btn-cart-plain = 🛒 Cart
shop-btn-list = ⬅️ Back to products
shop-added = Added to your cart ({$count} of this item)

cart-title = <b>Cart</b> ({$count} items)
cart-empty = Your cart is empty. Have a look around the shop.
cart-line = {$name} × {$quantity} · {$price} = <b>{$amount}</b>
cart-more = … and {$count} more products
cart-total = Total: <b>{$total}</b>
cart-btn-checkout = ✅ Check out
cart-btn-shop = 🛍 Keep shopping

checkout-title = <b>Your order</b>
checkout-subtotal = Items: {$amount}
checkout-coupon-line = Coupon {$code}: -{$amount}
checkout-points-line = {$points} points: -{$amount}
checkout-total = To pay: <b>{$amount}</b>
checkout-choose-coupon = Choose a coupon (biggest discount first):
checkout-no-coupons = None of your coupons applies to this order.
checkout-btn-coupon = 🎟 {$name} (-{$amount})
checkout-btn-no-coupon = No coupon
checkout-choose-points = You have {$available} points available; up to {$most} can be used on this order. Use points?
checkout-btn-no-points = No points
checkout-btn-max-points = Use {$points} points (-{$amount})
checkout-btn-type-points = ⌨️ Type an amount
checkout-type-points = How many points would you like to use? (a whole number)
checkout-points-not-number = Please type a whole number, e.g. 500.
checkout-btn-pay = 💳 Pay {$amount}
checkout-btn-change = ✏️ Choose again
checkout-cancelled = Checkout cancelled. Your cart is kept.

order-invoice-title = Order {$number}
order-invoice-label = Order {$number}
order-placed = Order <b>{$number}</b> is placed. Please pay by {$until}; after that it is cancelled automatically.
order-paid = ✅ Payment received, thank you! Order <b>{$number}</b> is paid and earned you {$points} points (usable once it is delivered and the return window has passed).
order-paid-late = We received a payment for order {$number}, but that order was already cancelled or expired. Our staff will refund you shortly.
order-status-changed = 📦 Order <b>{$number}</b> is now: {$status}

order-status-pending_payment = awaiting payment
order-status-paid = paid
order-status-shipped = shipped
order-status-delivered = delivered
order-status-completed = completed
order-status-cancelled = cancelled
order-status-expired = expired
order-status-refunded = refunded
order-status-partially_refunded = partially refunded

orders-title = <b>My orders</b> (page {$page}/{$pages})
orders-empty = You have no orders yet.
orders-line = {$number} · {$status} · {$total} · {$date}
orders-detail = <b>Order {$number}</b> · {$status}
orders-points-earned = Points earned: {$points}
orders-pay-until = Please pay by {$until}
orders-tracking = Tracking: {$tracking}
orders-history = <b>History</b>
orders-event = {$at} · {$status}
orders-btn-show = 📦 View order
orders-btn-pay = 💳 Pay
orders-btn-cancel = ❌ Cancel order
orders-btn-confirm-cancel = Yes, cancel it
orders-btn-list = ⬅️ Back to my orders
orders-cancel-confirm = Cancel order <b>{$number}</b>? Stock, coupon and points will be given back.
orders-cancelled = Order cancelled

error-cart-empty = Your cart is empty.
error-cart-line-not-found = That product is not in your cart.
error-cart-quantity-limit = You can buy at most {$limit} of this product.
error-product-not-found = That product was not found; it may have been taken off the shelf.
error-product-sold-out = That product is sold out.
error-product-invalid = The product details are incomplete.
error-order-out-of-stock = Not enough “{$name_en}” left. Please change your cart and try again.
error-order-total-changed = The order amount has changed. Please confirm it again.
error-order-points-negative = The number of points cannot be negative.
error-order-points-too-many = At most {$most} points can be used on this order.
error-order-not-found = That order was not found.
error-order-not-payable = This order cannot be paid now.
error-order-illegal-transition = The order's current status does not allow that.
error-payments-unavailable = The shop does not take payments yet. Please try again later.
error-payment-invalid = This invoice is not recognised. Please pay again from My orders.
error-payment-order-closed = This order is closed and cannot be paid.
error-payment-order-expired = The time to pay this order has passed. Please order again.
error-payment-amount-changed = The amount does not match the order. Please pay again from My orders.
error-payment-coupon-gone = The order's coupon is no longer valid. Please order again.
error-payment-points-gone = The order's points are no longer held. Please order again.
error-payment-check-failed = The order cannot be checked right now. Please try again shortly.
