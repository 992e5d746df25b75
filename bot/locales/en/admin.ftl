## Staff (PRODUCT.md 5, issue 13): /admin, /staff, /audit, two-person approval, blocked members
cmd-admin = Staff menu
cmd-staff = Staff and roles
cmd-returns = Return requests
cmd-audit = Audit log

member-blocked = Sorry, your membership is suspended for now, so the bot cannot do this for you. Please contact the shop's customer service.

staff-role-owner = owner
staff-role-admin = admin
staff-role-operator = operator

admin-menu = <b>Staff menu</b> (you are {$role})
admin-btn-find = 🔎 Find a member
admin-btn-campaigns = 🎟 Coupon campaigns
admin-btn-returns = 📦 Return requests
admin-btn-tickets = 💬 Support tickets
admin-btn-approvals = ✅ Pending approvals
admin-btn-card = ⬅️ Member card
admin-btn-menu = 🏠 Staff menu
admin-find-ask = Send a member number (M000123), username, phone number or Telegram id.
admin-find-again = Please send a member number, username, phone number or Telegram id.
admin-send-text = Please answer with text.
admin-no-change = Nothing to change.

admin-card =
    👤 <b>{$number}</b> · {$username} · {$status}
    Phone: {$phone} · E-mail: {$email}
    Telegram id: {$telegram}
    Tier: {$tier} · joined {$joined}
    Points: <b>{$available}</b> available · {$frozen} frozen
    Coupons: {$coupons} usable
admin-card-coupon = 🎟 <code>{$code}</code> {$name} (until {$until})
admin-card-orders = <b>Last orders</b> ({$count} in all)
admin-card-order = 🧾 {$number} · {$status} · {$total} · {$at}
admin-card-entries = <b>Latest points entries</b>
admin-entry = #{$id} · {$at} · {$kind} · <b>{$amount}</b> · {$reason}
admin-status-active = active
admin-status-blocked = ⛔ blocked

admin-btn-adjust = ± Points
admin-btn-freeze = 🧊 Freeze
admin-btn-unfreeze = 🔥 Unfreeze
admin-btn-revoke = ↩️ Revoke an entry
admin-btn-issue = 🎁 Issue a coupon
admin-btn-block = ⛔ Block
admin-btn-unblock = ✅ Unblock
admin-btn-link = 🔗 Login link
admin-blocked = The member is blocked.
admin-unblocked = The member is unblocked.
admin-link =
    One-time login link, valid for {$hours} hours. Whoever opens it is logged in to this account, so give it to the member only:
    {$link}
    (or send <code>/start {$token}</code> to the bot)

admin-adjust-ask = How many points? Send a signed number, e.g. <code>+500</code> or <code>-200</code>.
admin-freeze-ask = How many available points to freeze?
admin-unfreeze-ask = How many frozen points to give back?
admin-reason-ask = The reason (required; the member may see it in their history):
admin-adjust-confirm = Adjust by <b>{$amount}</b> points? Reason: {$reason}
admin-freeze-confirm = Freeze <b>{$amount}</b> points? Reason: {$reason}
admin-unfreeze-confirm = Unfreeze <b>{$amount}</b> points? Reason: {$reason}
admin-revoke-confirm = Revoke entry #{$entry}? Reason: {$reason}
admin-adjusted = ✅ Points adjusted by {$amount}.
admin-freeze-done = ✅ {$amount} points frozen.
admin-unfreeze-done = ✅ {$amount} points unfrozen.
admin-revoked = ✅ Entry #{$entry} revoked.
admin-entries = <b>Latest entries</b> (pick one to revoke)
admin-entries-empty = No entries yet.
admin-btn-revoke-entry = ↩️ #{$id}
admin-revoke-ask = Revoke entry #{$entry}: the reason (required)?

admin-issue-title = <b>Issue a coupon</b>: pick a campaign (page {$page}/{$pages})
admin-issue-pick = {$name} (left: {$left})
admin-issued = ✅ Coupon <code>{$code}</code> ({$name}) issued.

admin-approval-requested = ⏳ Above {$threshold} points a second admin must approve: request #{$id} was sent to them.
admin-approval-new = <b>Approval needed</b>
admin-approval =
    Request #{$id}: {$kind} <b>{$amount}</b> for {$member}
    Asked by {$by} · reason: {$reason}
    Open until {$until}
admin-approval-kind-points-adjust = points adjustment
admin-approval-kind-order-refund = refund
admin-btn-approve = ✅ Approve #{$id}
admin-btn-reject = ❌ Reject #{$id}
admin-approval-approved = ✅ Request #{$id} approved and carried out.
admin-approval-rejected = ❌ Request #{$id} rejected.
admin-approval-approved-by = ✅ Your request #{$id} was approved by {$by} and carried out.
admin-approval-rejected-by = ❌ Your request #{$id} was rejected by {$by}.
admin-approvals = <b>Pending approvals</b>
admin-approvals-empty = Nothing is waiting.

admin-campaigns = <b>Coupon campaigns</b> (page {$page}/{$pages})
admin-campaigns-empty = No campaigns yet.
admin-campaign-line =
    <b>{$name}</b> (<code>{$code}</code>) · {$channel} · {$state}
    Claimed {$claimed} · used {$used} · stock {$stock}
admin-campaign-active = running
admin-campaign-paused = paused
admin-btn-pause = ⏸ Pause {$code}
admin-btn-resume = ▶️ Resume {$code}
admin-btn-campaign-new = ➕ New campaign
admin-campaign-paused-toast = Campaign paused.
admin-campaign-resumed = Campaign resumed.
admin-campaign-created = Campaign #{$id} created.
admin-btn-create = ✅ Create

admin-cw-title = <b>New coupon campaign</b>
admin-cw-review = <b>Check the campaign</b>
admin-cw-code = Internal code (letters, digits, - or _; e.g. <code>spring-10</code>):
admin-cw-name_zh = Name in Chinese:
admin-cw-name_en = Name in English:
admin-cw-kind = What does the coupon give?
admin-cw-channel = How do members get it?
admin-cw-amount_off = Amount off, in {$currency} (e.g. <code>10</code> or <code>9.90</code>):
admin-cw-percent_off = Percent off (1-100):
admin-cw-max_discount = Largest discount, in {$currency} (skip: no cap):
admin-cw-min_spend = Minimum order, in {$currency} (skip: none):
admin-cw-starts_at = First day, YYYY-MM-DD (skip: from now):
admin-cw-ends_at = Last day, YYYY-MM-DD (skip: no end date; then days valid is needed):
admin-cw-valid_days = Days a coupon stays valid after it is received (skip: until the last day):
admin-cw-stock = How many coupons in total (skip: unlimited):
admin-cw-per_member_limit = How many per member (skip: 1):
admin-cw-points_price = Price in points:
admin-cw-redeem_code = The code members type:
admin-cw-min_tier = Lowest tier that may claim it (skip: everyone):
admin-cw-giftable = May members give it to a friend?
admin-cw-field-code = Code
admin-cw-field-name_zh = Name (zh)
admin-cw-field-name_en = Name (en)
admin-cw-field-kind = Kind
admin-cw-field-channel = Channel
admin-cw-field-amount_off = Amount off
admin-cw-field-percent_off = Percent off
admin-cw-field-max_discount = Largest discount
admin-cw-field-min_spend = Minimum order
admin-cw-field-starts_at = First day
admin-cw-field-ends_at = Last day
admin-cw-field-valid_days = Days valid
admin-cw-field-stock = Stock
admin-cw-field-per_member_limit = Per member
admin-cw-field-points_price = Points price
admin-cw-field-redeem_code = Redeem code
admin-cw-field-min_tier = Lowest tier
admin-cw-field-giftable = Giftable
admin-cw-choice-amount_off = Amount off
admin-cw-choice-percent_off = Percent off
admin-cw-choice-free_shipping = Free shipping
admin-cw-choice-claimable = Free in the coupon centre
admin-cw-choice-points = For points
admin-cw-choice-staff = Given by staff
admin-cw-choice-code = With a code
admin-cw-choice-yes = Yes
admin-cw-choice-no = No

staff-title = <b>Staff</b>
staff-line = {$id} · {$role} · member {$member}
staff-btn-revoke = ✖️ Remove {$id}
staff-btn-add-admin = ➕ Add an admin
staff-btn-add-operator = ➕ Add an operator
staff-ask-who = Who becomes {$role}? Send their Telegram id or member number, or forward a message of theirs. They must have written to the bot first.
staff-granted = ✅ {$id} is now {$role}.
staff-revoke-confirm = Remove the staff role of {$id}? It stops working at once.
staff-revoked = {$id} is no longer staff.

audit-title = <b>Audit log</b> (page {$page}/{$pages})
audit-filters = Filters: staff {$staff} · member {$member} · action {$action}
audit-line =
    {$at} · <b>{$action}</b> by {$actor}
    {$target} · {$member}
    before {$before} → after {$after}
    reason: {$reason}
audit-system = system
audit-empty = No records.
audit-btn-staff = 👤 By staff
audit-btn-member = 🧾 By member
audit-btn-action = ⚙️ By action
audit-btn-clear = ✖️ Clear filters
audit-pick-action = Pick an action:
audit-ask-staff = Send the staff member's Telegram id:
audit-ask-member = Send the member number (M000123):
audit-filter-invalid = That is not a number. Please try again.

error-admin-query-invalid = Please send a member number, username, phone number or Telegram id.
error-admin-member-not-found = No member matches.
error-admin-member-blocked = The member is blocked; unblock them first.
error-admin-amount-invalid = Please send a whole number of points.
error-admin-amount-too-large = At most {$max} points at a time.
error-approval-not-found = There is no such request.
error-approval-self = You cannot approve or reject your own request; another admin or an owner must.
error-approval-expired = The request has expired (requests are open for 24 hours).
error-approval-decided = The request was already decided.
error-staff-id-invalid = Please send a Telegram id (digits) or a member number (M000123).
error-staff-user-unknown = That person has not written to the bot yet: ask them to send /start first.
error-staff-forward-hidden = Their privacy settings hide who sent the message: please send their Telegram id instead.
error-staff-role-invalid = That role cannot be given to this person.
error-admin-cw-text-invalid = Please send a name of 1 to {$max} characters.
error-admin-cw-code-invalid = Use 1 to 32 lower-case letters, digits, - or _.
error-admin-cw-money-invalid = Please send an amount such as 10 or 9.90.
error-admin-cw-number-invalid = Please send a whole number from {$low} to {$high}.
error-admin-cw-date-invalid = Please send a date as YYYY-MM-DD.
error-admin-cw-choice-invalid = Please pick one of the buttons.
error-admin-cw-required = This one cannot be skipped.
error-admin-cw-needs-end = A coupon needs an end: without a last day, please send the number of days it stays valid.
error-admin-cw-end-before-start = The last day must come after the first day.
error-approval-requester-revoked = The person who asked is no longer an admin, so the request cannot be approved.
