## Coupons (PRODUCT.md 3): /coupons wallet, coupon centre, redeem with points, enter a code
cmd-coupons = My coupons
btn-coupons = 🎟 Coupons
btn-page-prev = ⬅️ Previous
btn-page-next = Next ➡️

coupons-benefit-amount = {$amount} off
coupons-benefit-percent = {$percent}% off
coupons-benefit-cap = , up to {$cap}
coupons-benefit-shipping = free shipping
coupons-benefit-min = {$benefit} on orders of {$min} or more

coupons-line =
    🎟 <b>{$name}</b> · {$benefit}
    Valid {$start} to {$end} · {$status}
    Code: <code>{$code}</code>
coupons-status-available = available
coupons-status-soon = ⏰ expires soon
coupons-status-locked = 🔒 held by an order
coupons-status-used = used
coupons-status-expired = expired
coupons-status-revoked = revoked

coupons-wallet = <b>My coupons</b> ({$count} usable)
coupons-wallet-empty = You have no usable coupons yet. Have a look at the coupon centre.
coupons-detail = <b>Coupon</b>
coupons-past = <b>Used / expired</b> (page {$page}/{$pages})
coupons-past-empty = Nothing here yet.
coupons-btn-centre = 🎁 Coupon centre
coupons-btn-code = ⌨️ Enter a code
coupons-btn-past = 📜 Used / expired ({$count})
coupons-btn-wallet = 🎟 My coupons

coupons-centre = <b>Coupon centre</b>
coupons-centre-empty = There are no coupons to claim right now. Please come back later.
coupons-offer =
    🎁 <b>{$name}</b> · {$benefit}
    {$left} · {$price} · you have {$mine}/{$limit}
coupons-left = {$count} left
coupons-left-unlimited = unlimited
coupons-price = {$points} points
coupons-price-free = free
coupons-btn-claim = Claim: {$name}
coupons-btn-redeem = {$points} points: {$name}
coupons-claimed-toast = 🎉 Claimed!
coupons-claimed = 🎉 Claimed. It is in your wallet:

coupons-redeem-confirm =
    Spend <b>{$points}</b> points on “{$name}”?
    Your available points: {$balance}
coupons-btn-confirm = ✅ Redeem
coupons-redeemed = ✅ Redeemed for {$points} points:
coupons-redeem-cancelled = Redemption cancelled; your points are unchanged.

coupons-code-ask = Please type your coupon code (any case; spaces and dashes are ignored):
coupons-code-again = Please type the code again, or tap “Cancel”.
coupons-code-added = 🎉 Code accepted. The coupon is in your wallet:
coupons-code-send-text = Please send the code as text.

error-coupon-sold-out = Sorry, this coupon is all gone.
error-coupon-limit-reached = You already have as many of this coupon as allowed ({$limit} per member).
error-coupon-not-claimable = This coupon cannot be claimed.
error-coupon-paused = This campaign is paused. Please try again later.
error-coupon-ended = This campaign has ended.
error-coupon-tier-required = Your member tier cannot claim this coupon yet.
error-coupon-code-unknown = That code does not exist. Please check it and try again.
error-coupon-code-used = You have already used this code.
error-coupon-code-expired = This code has expired.
error-coupon-code-invalid = A code has only letters and digits (at most {$max}).
error-coupon-not-found = Coupon not found.
error-coupon-not-usable = This coupon cannot be used now.
error-coupon-not-revocable = This coupon cannot be revoked.
error-coupon-campaign-invalid = The campaign settings are incomplete or wrong.
error-coupon-campaign-exists = A campaign with that code already exists.
error-coupon-redeem-code-exists = That code belongs to another campaign.
error-coupon-campaign-not-found = Campaign not found.

coupons-btn-gift = 🎁 Gift to a friend
coupons-btn-ungift = ↩️ Take back
coupons-gift-link =
    Send this link to a friend; the first member who opens it receives the coupon:
    {$link}
    You can take it back until someone has taken it.
coupons-gift-taken-back = Taken back: the link no longer works and the coupon stays in your wallet.
coupons-gift-join-first = 🎁 Someone sent you a coupon. Join first (accept the privacy policy and share your number) and it goes straight into your wallet.
coupons-gift-received = 🎁 A friend gave you a coupon:
error-coupon-gift-not-allowed = This coupon cannot be gifted (the campaign forbids it, or it was a gift to you).
error-coupon-gift-unknown = This gift link is not valid.
error-coupon-gift-own = This is your own gift; send the link to a friend.
error-coupon-gift-gone = This coupon has already been taken or taken back.
coupons-expiry-nudge = ⏰ Your coupon “{$name}” expires on {$date} (code <code>{$code}</code>). Don't forget to use it.
