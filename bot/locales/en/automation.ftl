# Marketing automation (issue 15): the messages, /automation, the /stats section.
cmd-automation = Marketing automation (admins)

automation-msg-birthday = 🎂 Happy birthday! Thank you for being with us — here is a birthday present for you.
automation-msg-winback = 👋 It has been a while! We miss you, so here is a coupon to welcome you back.
automation-msg-review = 📝 Your order was completed a few days ago. How do you like it? We would love your review.
automation-btn-review = ⭐ Review the order
automation-msg-personal_coupon = 🎁 A coupon just for you: {$amount_off} off any order from {$min_spend}, valid for {$valid} days from today.
automation-msg-personal_coupon-favourite = 🎁 A coupon just for you: {$amount_off} off any order from {$min_spend}, valid for {$valid} days from today — for your favourite: {$category}.

automation-kind = { $kind ->
    [birthday] 🎂 Birthday coupon
    [winback] 👋 Win-back coupon
    [review] 📝 Review request
    [personal_coupon] 🎁 Personal coupon
    [expiry] ⏳ Points expiry reminder
   *[tier] 🏅 Tier upgrade congratulations
}
automation-title = <b>Marketing automation</b>
    Marketing (birthday, win-back, review request, personal coupon) goes only to members who accept marketing; points expiry reminders and tier upgrades are service messages and go to every member.
automation-line = {$name}: {$state}{$params}
automation-on = ✅ on
automation-off = ⏸ off
automation-param-campaign = campaign {$value}
automation-param-hour = at {$value}:00
automation-param-days = { $kind ->
    [winback] after {$value} inactive days
    [review] {$value} days after completion
    [personal_coupon] every {$value} days
   *[expiry] {$value} days before
}
automation-param-orders = from {$value} paid orders
automation-param-percent = {$value}% of the threshold off
automation-param-valid = valid {$value} days
automation-unset = not set
automation-default-days = as configured
automation-btn-toggle-on = Turn on: {$name}
automation-btn-toggle-off = Turn off: {$name}
automation-btn-param = ✏️ {$name}: {$param}
automation-param-name-campaign = campaign code
automation-param-name-hour = hour
automation-param-name-days = days
automation-param-name-orders = minimum orders
automation-param-name-percent = discount %
automation-param-name-valid = validity days
automation-ask-campaign = Send the coupon campaign code for {$name} (- to clear):
automation-ask-hour = Send the hour for {$name} (shop time, 0-23):
automation-ask-days = Send the number of days for {$name}:
automation-ask-orders = Send the minimum number of paid orders for {$name}:
automation-ask-percent = Send the discount for {$name} as a percent of the threshold (a whole number):
automation-ask-valid = Send how many days the coupon of {$name} stays valid:
automation-ask-days-expiry = How many days before points expire should members be reminded? Up to 3 numbers separated by spaces, e.g. 30 7:
automation-saved = Saved.
automation-ask-not-text = Please answer with text.
admin-btn-automation = 🤖 Automation

error-automation-not-found = There is no such automation.
error-automation-needs-campaign = Set the coupon campaign code first, then turn it on.
error-automation-campaign-unknown = There is no coupon campaign with this code. Please try again.
error-automation-number = { $count ->
    [1] Please send a whole number from {$low} to {$high}.
   *[other] Please send 1-{$count} whole numbers from {$low} to {$high}, separated by spaces.
}

stats-automation = <b>Automation</b> (last {$days} days; converted = coupon used or review written within {$within} days)
stats-automation-row = · { $kind ->
    [birthday] Birthday coupon
    [winback] Win-back coupon
    [personal_coupon] Personal coupon
   *[review] Review request
}: sent {$sent} · converted {$converted} ({$converted_percent})
stats-automation-empty = · nothing sent yet
