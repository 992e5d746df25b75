## Broadcasts (PRODUCT.md 6): /broadcast for admins, the progress message, unsubscribe
cmd-broadcast = Send a broadcast (admins)
broadcast-btn-unsubscribe = 🔕 Unsubscribe
broadcast-coupon-line = 🎁 Your coupon: <code>{$code}</code> (in /coupons)
broadcast-unsubscribed = Done: you will receive no more marketing messages. Turn them back on in /profile.
broadcast-already-unsubscribed = You are already unsubscribed from marketing messages.

broadcast-ask-content =
    📣 <b>New broadcast</b>
    Send the message: text (Telegram HTML allowed: &lt;b&gt;, &lt;i&gt;, &lt;a href="…"&gt;, …) or a photo with a caption.
broadcast-content-kind = Please send a text or a photo with a caption.
broadcast-ask-button = Add a link button? Send it as <code>Button text | https://…</code>, or tap Skip.
broadcast-btn-skip = Skip
broadcast-ask-coupon = Give every recipient a coupon (stock permitting)? Pick a campaign:
broadcast-btn-no-coupon = No coupon
broadcast-ask-segment = Who should receive it? Pick a segment, or type one, e.g. <code>new 14</code>, <code>inactive 45</code>, <code>expiring 10</code>, <code>tier gold</code>, <code>spent 500 90</code>, <code>rfm loyal</code>.
broadcast-segment-all = All opted-in members
broadcast-segment-tier = Tier: {$tier}
broadcast-segment-new = New in {$days} days
broadcast-segment-inactive = Inactive {$days} days
broadcast-segment-birthday = Birthday this month
broadcast-segment-expiring = Points expiring in {$days} days
broadcast-segment-coupons = Has unused coupons
broadcast-preview-above = 👀 Preview: this is what recipients will see.
broadcast-confirm =
    Segment: <b>{$segment}</b>
    Recipients now: <b>{$size}</b> (opted in, reachable, active)
    Send now or schedule?
broadcast-btn-start = 🚀 Send now
broadcast-btn-schedule = 🕒 Schedule
broadcast-ask-time = When? Send the local time as <code>YYYY-MM-DD HH:MM</code> (now it is {$example}).
broadcast-time-invalid = Please write the time as <code>YYYY-MM-DD HH:MM</code>, e.g. 2026-12-01 10:00.
broadcast-started = Started: {$total} recipients.
broadcast-discarded = The broadcast was discarded.

broadcast-progress =
    📣 <b>Broadcast #{$id}</b> · {$status}
    Sent: {$sent} · Failed: {$failed} · Blocked: {$blocked} · Unknown: {$unknown}
    Left: {$left} of {$total}
    Rate: {$rate}/s · ETA: {$eta}
broadcast-report =
    {$body}
    ✅ Final report.
broadcast-eta = {$minutes} min {$seconds} s
broadcast-eta-none = —
broadcast-eta-unknown = waiting
broadcast-status-draft = draft
broadcast-status-scheduled = scheduled
broadcast-status-running = sending
broadcast-status-paused = paused
broadcast-status-cancelled = cancelled
broadcast-status-done = done
broadcast-btn-pause = ⏸ Pause
broadcast-btn-resume = ▶️ Resume
broadcast-btn-cancel = ✖️ Cancel
broadcast-done-pause = Paused.
broadcast-done-resume = Resumed.
broadcast-done-cancel = Cancelled.
broadcast-unchanged = Nothing to change: the broadcast is already so.

error-html-lt = The text has a “&lt;” at character {$at} that starts no tag: write &amp;lt; for the sign.
error-html-amp = The text has a “&amp;” at character {$at} that is no entity: write &amp;amp; for the sign.
error-html-gt = The text has a “&gt;” at character {$at} outside a tag: write &amp;gt; for the sign.
error-html-unclosed = The tag &lt;{$tag}&gt; is never closed.
error-html-tag = Telegram does not allow the tag &lt;{$tag}&gt;.
error-html-close = &lt;/{$tag}&gt; at character {$at} closes nothing open (open: {$expected}).
error-html-span = &lt;span&gt; needs class="tg-spoiler".
error-html-href = &lt;a&gt; needs an href starting with https://, http://, tg:// or mailto:.
error-html-emoji = &lt;tg-emoji&gt; needs a numeric emoji-id.
error-html-attribute = Telegram does not allow the attribute {$key} on &lt;{$tag}&gt;.
error-broadcast-text-empty = The message is empty.
error-broadcast-text-long = The message is {$length} characters long; at most {$limit} fit.
error-broadcast-button-text = The button text must be 1-{$limit} characters.
error-broadcast-button-url = The button needs a link starting with https:// or http://.
error-broadcast-segment-unknown = There is no such segment.
error-broadcast-segment-tier = Which tier? One of: {$tiers}.
error-broadcast-segment-days = The number of days must be 1-{$max}.
error-broadcast-time-range = The time must be in the future, within a year.
error-broadcast-not-draft = This broadcast was already started or discarded.
error-broadcast-not-found = Broadcast not found.
broadcast-segment-spent = Spent {$amount} or more in {$days} days
broadcast-segment-rfm = RFM: {$group}
broadcast-rfm-champions = champions
broadcast-rfm-loyal = loyal
broadcast-rfm-new = new customers
broadcast-rfm-at_risk = at risk
broadcast-rfm-hibernating = hibernating
error-broadcast-segment-rfm = Which RFM group? One of: {$groups}.
error-broadcast-segment-spent = Write it as <code>spent AMOUNT DAYS</code>, e.g. <code>spent 500 90</code> (days 1-{$max}).
