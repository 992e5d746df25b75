## After-sale: return and refund requests, reviews, staff decisions

aftersale-btn-request = ↩️ Return or refund
aftersale-btn-review = ⭐ Review this order
aftersale-choose-kind = Order <b>{$number}</b>: what would you like to ask for?
aftersale-btn-kind-refund = Refund only
aftersale-btn-kind-return = Return and refund
aftersale-choose-scope = The whole order, or only some items?
aftersale-btn-whole = Whole order
aftersale-btn-pick = Choose items
aftersale-pick-lines = Tap the items to give back (tap again to unselect), then tap "Done".
aftersale-btn-picked = ✅ Done
aftersale-pick-none = Please choose at least one item.
aftersale-choose-reason = Please choose a reason:
return-reason-damaged = Damaged item
return-reason-wrong_item = Wrong item sent
return-reason-not_as_described = Not as described
return-reason-late = Too slow to ship or arrive
return-reason-changed_mind = Changed my mind
return-reason-other = Something else
aftersale-ask-text = Please tell us briefly what happened (optional):
aftersale-ask-photos = You can send up to {$max} photos, then tap "Done" (or tap "Done" straight away if you have none).
aftersale-photo-received = Photo {$count} received (up to {$max}). Send more, or tap "Done".
aftersale-photos-full = {$max} photos received, which is the limit. Please tap "Done".
aftersale-send-photo-or-done = Please send a photo, or tap "Done" to go on.
aftersale-btn-skip = Skip
aftersale-btn-done = Done
aftersale-confirm = Please confirm your request:
    Order: <b>{$number}</b>
    Type: {$kind}
    Items: {$scope}
    Reason: {$reason}
    Details: {$details}
    Photos: {$photos}
aftersale-scope-whole = Whole order
aftersale-none = None
aftersale-btn-submit = Send request
aftersale-submitted = Your {$kind} request for order <b>{$number}</b> is in. We will tell you the decision as soon as it is made.
aftersale-cancelled = Request cancelled; your order is unchanged.
aftersale-request-status = After-sale request: {$kind} · {$status}
aftersale-request-status-open = under review
aftersale-request-status-approved = approved
aftersale-request-status-rejected = rejected
aftersale-request-rejected-reason = Reason: {$reason}
aftersale-approved = ✅ Your {$kind} request for order <b>{$number}</b> was approved. {$amount} is on its way back to you.
aftersale-approved-points = Points: {$returned} points you used are back; {$revoked} points earned on this order were taken back.
aftersale-rejected = Your {$kind} request for order <b>{$number}</b> was not approved.
    Reason: {$reason}
    If anything is unclear, you can ask again or contact support.

review-choose-stars = How was order <b>{$number}</b>? Please rate it:
review-ask-text = You gave {$stars}. Would you like to add a few words? (optional)
review-thanks = Thank you for your review!
review-thanks-points = Thank you for your review! {$points} points have been added.
review-yours = Your review: {$stars}

error-return-window-closed = This order is past its return period, so a request is no longer possible.
error-return-not-delivered = The order has not arrived yet, so only a refund can be requested.
error-return-already-open = This order already has a request under review; please wait for the decision.
error-return-already-decided = This request has already been decided.
error-return-not-found = That request could not be found.
error-return-invalid = The request is not valid; please fill it in again.
error-return-lines-invalid = Those items are not valid; please choose again.
error-return-text-too-long = That is too long: at most {$max} characters.
error-return-too-many-photos = At most {$max} photos can be attached.
error-return-reject-reason = Please give the reason for rejecting (at most {$max} characters).
error-review-stars = Please choose 1 to 5 stars.
error-review-text-too-long = That review is too long: at most {$max} characters.
error-review-not-completed = An order can be reviewed once it is completed.
error-review-exists = This order has already been reviewed.
error-refund-not-refundable = This order cannot be refunded now.
error-refund-lines-invalid = Those items or quantities cannot be refunded.
error-refund-too-much = That is more than is left to refund on this order.
error-refund-stars-whole-only = Orders paid with Telegram Stars can only be refunded whole.

staff-returns-title = Open after-sale requests (page {$page}/{$pages}, oldest first)
staff-returns-empty = There are no open after-sale requests.
staff-returns-line = {$number} · {$kind} · {$reason} · {$at}
staff-return-detail = After-sale request #{$id}
    Order: <b>{$number}</b> ({$status}) · member {$member}
    Type: {$kind} · reason: {$reason}
    Money: paid {$total}, refunded {$refunded}
    Asked: {$at}
    Details: {$details}
    Items: {$scope}
    Photos: {$photos}
staff-return-btn-photos = 🖼 Show photos
staff-return-btn-approve = ✅ Approve and refund
staff-return-btn-reject = ❌ Reject
staff-return-btn-queue = ⬅️ Back to the list
staff-return-confirm-approve = Approve request #{$id} and refund order <b>{$number}</b>? This cannot be undone.
staff-return-btn-confirm = Refund now
staff-return-ask-reason = Type the reason for rejecting request #{$id} (the member will see it):
staff-return-approved = Request #{$id} approved: {$amount} refunded, the order is now {$status}.
staff-return-rejected = Request #{$id} rejected; the member has been told.
staff-return-no-photos = This request has no photos.
staff-return-decided = This request has already been decided.
staff-return-awaiting-approval = The refund for request #{$id} is above the two-person limit: approval request #{$approval} went to the other admins and the owners, and the refund runs once one of them approves.
