## /admin → catalog and orders (issue 13)
admin-btn-catalog = 🛍 Catalog
admin-btn-orders = 📦 Orders

admin-catalog = <b>Catalog</b> · page {$page}/{$pages}
    Tap a product to see or change it.
admin-catalog-empty = <b>Catalog</b>
    There are no products yet.
admin-product-line = {$name} · {$price} · stock {$stock} · {$state}
admin-product-on = on sale
admin-product-off = off the shelf
admin-btn-product-new = ➕ Add a product
admin-btn-product-on = ▶️ Put on sale
admin-btn-product-off = ⏸ Take off the shelf
admin-product-card =
    🛍 <b>Product #{$id}</b> · {$state}
    Name (Chinese): {$name_zh}
    Name (English): {$name_en}
    Price: <b>{$price}</b> · stock {$stock}
    Category: {$category} · SKU: {$sku}
    Photo: {$photo}
admin-product-photo-yes = ✅
admin-product-photo-no = none
admin-product-field-price = 💰 Price
admin-product-field-stock = 📦 Stock
admin-product-field-name_zh = Name (Chinese)
admin-product-field-name_en = Name (English)
admin-product-field-category = Category
admin-product-field-sku = SKU
admin-product-field-photo = 🖼 Photo
admin-product-saved = Saved.
admin-product-new = <b>New product</b>
admin-product-created = ✅ Product added.
admin-product-ask-name-zh = The product's name in Chinese?
admin-product-ask-name-en = The product's name in English?
admin-product-ask-price = The price in {$currency}, e.g. 12.50?
admin-product-ask-stock = How many are in stock (a whole number)?
admin-product-ask-category = The category (a short word, e.g. tea)?
admin-product-ask-sku = The SKU (your stock code), or Skip.
admin-product-ask-photo = Send the product's photo (as a photo, not a file), or Skip.
admin-product-photo-expected = Please send a photo (as a photo, not a file).

error-admin-product-price = Please type a price like 12.50 (at most the currency's decimals, not negative).
error-admin-product-stock = Please type a whole number of items from 0 to {$max}.
error-admin-product-name-zh = Please type a name of 1 to {$max} characters on one line.
error-admin-product-name-en = Please type a name of 1 to {$max} characters on one line.
error-admin-product-category = Please type a category of 1 to {$max} characters on one line.
error-admin-product-sku = Please type a SKU of 1 to {$max} characters on one line.
error-admin-product-sku-taken = Another product already has that SKU.
error-admin-product-field = That field cannot be changed here.

admin-orders = <b>Orders</b> · {$filter} · page {$page}/{$pages}
admin-orders-all = All
admin-orders-empty = No orders here.
admin-order-line = {$number} · {$status} · {$total} · {$at}
admin-btn-order-find = 🔎 Find an order
admin-order-find-ask = Send the order number, e.g. O00000012.
admin-order-detail =
    🧾 <b>{$number}</b> · member {$member} · {$status}
    Placed {$at}
    Subtotal {$subtotal} · coupon −{$coupon} · {$points} points −{$points_off}
    Total <b>{$total}</b> · refunded {$refunded} · points earned {$earned}
    Payment: {$payment} · tracking: {$tracking}
admin-order-no-payment = none
admin-order-item = • {$name} × {$quantity} @ {$price} (refunded {$refunded})
admin-order-more = … and {$count} more items
admin-order-history = <b>History</b>
admin-order-event = {$at} · {$status} · {$actor}
admin-order-refunds = <b>Refunds</b>
admin-order-refund = #{$id} · {$amount} · {$kind} · {$state} · points −{$revoked} / +{$returned}
admin-order-refund-full = whole order
admin-order-refund-part = part
admin-btn-order-ship = 🚚 Ship
admin-btn-order-ship-now = 🚚 Ship without tracking
admin-btn-order-deliver = 📬 Delivered
admin-btn-order-complete = ✅ Complete
admin-btn-order-refund = 💸 Refund
admin-order-tracking-ask = Type the tracking number, or ship without one.
admin-order-moved = Order is now: {$status}. The member will be told.

admin-refund-how = Refund the whole order, or choose items and quantities?
admin-btn-refund-full = Everything left
admin-btn-refund-pick = Choose items
admin-refund-pick = <b>Refund {$number}</b>: tap an item to add one more (past what is left it goes back to 0).
admin-refund-line = {$name}: {$chosen}/{$left}
admin-btn-refund-review = ➡️ Review
admin-refund-none-chosen = Choose at least one item first.
admin-refund-confirm = Refund <b>{$amount}</b> ({$scope}) on order {$number}? Points and coupon are put right, and the member is told.
admin-refund-scope-full = everything left
admin-refund-scope-part = the chosen items
admin-refund-done = ✅ Refunded {$amount}.
admin-refund-awaiting = ⏳ {$amount} is above the approval limit: request #{$id} waits for another admin or an owner.
admin-approval-kind-order-refund_direct = refund (orders)

error-admin-order-status = Unknown order status.
error-admin-order-number = That is not an order number; it looks like O00000012.
error-admin-order-tracking = A tracking number is one line of at most {$max} characters.
