## Points (PRODUCT.md 2): /points, /checkin, expiry reminders, tier upgrades
cmd-points = Points and history
cmd-checkin = Daily check-in
btn-points = 🪙 Points
btn-checkin = 📅 Check in
btn-checked-in = ✅ Checked in today
points-btn-prev = ⬅️ Newer
points-btn-next = Older ➡️

points-overview =
    <b>Your points</b>

    Available: <b>{$available}</b>
    Frozen: {$frozen}
    {$expiring}

    Tier: <b>{$tier}</b>
    {$progress}
points-expiring = ⏳ {$points} expire by {$date}
points-expiring-none = ⏳ Nothing expires in the next 30 days
points-progress-next = Spend {$amount} more within 12 months to reach {$tier}.
points-progress-top = You are at the highest tier. Thank you!
points-history = <b>History</b> (page {$page} of {$pages})
points-history-empty = No points activity yet.
points-row = {$date} · {$kind} · <b>{$amount}</b> · balance {$balance}
points-row-reason = {$date} · {$kind} ({$reason}) · <b>{$amount}</b> · balance {$balance}

points-kind-welcome = Welcome
points-kind-checkin = Check-in
points-kind-earn = Order
points-kind-spend = Used
points-kind-freeze = Frozen
points-kind-unfreeze = Unfrozen
points-kind-expire = Expired
points-kind-revoke = Revoked
points-kind-adjust = Adjustment
points-kind-refund = Refund
points-kind-review = Review
points-kind-referral = Referral
points-kind-birthday = Birthday
points-kind-profile = Profile completed

checkin-done = ✅ Checked in: +{$points} points. Streak: {$streak} { $streak ->
        [one] day
       *[other] days
    } in a row.
checkin-done-bonus = ✅ Checked in: +{$points} points (incl. {$bonus} for your {$streak}-day streak)!
points-expiry-reminder = ⏳ {$points} of your points expire on {$date} (in {$days} days). Use them before then!
tier-upgraded = 🎊 Congratulations! You are now a <b>{$tier}</b> member and earn points ×{$multiplier}.

error-checkin-already = You have already checked in today. Come back in { $hours ->
        [one] about an hour
       *[other] {$hours} hours
    }.
error-points-insufficient = Not enough points: {$available} available.
error-points-reason-required = A reason is required.
error-points-reason-too-long = The reason is too long (at most {$max} characters).
error-points-amount-positive = The amount must be a positive whole number.
error-points-amount-nonzero = The amount cannot be zero.
error-points-not-revocable = This entry cannot be revoked.
error-points-entry-not-found = That points entry does not exist.
error-member-not-found = Member not found.
