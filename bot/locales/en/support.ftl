## Feedback and support tickets (PRODUCT.md 8): /feedback for members, /tickets for staff
cmd-feedback = Feedback and support
cmd-tickets = Support tickets (staff)

ticket-kind-suggestion = 💡 Suggestion
ticket-kind-complaint = ⚠️ Complaint
ticket-kind-question = ❓ Question
ticket-status-open = waiting for support
ticket-status-answered = support replied
ticket-status-closed = closed

feedback-start =
    <b>Feedback</b>

    What would you like to tell us?
feedback-btn-mine = 📋 My tickets
feedback-order-ask = Which order is this about?
feedback-btn-no-order = Not about an order
feedback-compose =
    <b>{$kind}</b>

    Send your message: text (up to {$max} characters) and, if you like, photos (up to {$photos}). Then tap "Submit".
feedback-draft = Received: {$chars} characters, {$photos} photo(s). Add more, or tap "Submit".
feedback-btn-send = 📨 Submit
feedback-send-text-or-photo = Please send text or a photo.
feedback-created =
    ✅ Thank you, your ticket number is <b>{$number}</b>.
    We will let you know here when support replies.

tickets-mine = <b>My tickets</b> (page {$page}/{$pages})
tickets-mine-empty = You have not sent any feedback yet.
tickets-line = {$number} · {$kind} · {$status} · {$date}
ticket-btn-new = ✏️ New feedback
ticket-btn-view = 🔎 View ticket
ticket-btn-answer = 💬 Reply
ticket-detail =
    <b>Ticket {$number}</b> · {$kind}
    Status: {$status}
    Opened: {$time}
ticket-order = Order: {$order}
ticket-earlier = … {$count} earlier message(s) not shown
ticket-line-member = <b>You</b> · {$time}
ticket-line-staff = <b>Support</b> · {$time}
ticket-line-photos = 📷 {$count} photo(s)
ticket-rating-shown = Your rating: {$stars}
ticket-rate-ask = How did we do? Rate the resolution (1-5 stars):
ticket-answer-ask = Send your reply to ticket {$number} (text or a photo).
ticket-answer-sent = ✅ Sent; support will reply soon (ticket {$number}).
ticket-staff-replied =
    💬 New reply on ticket <b>{$number}</b>:

    {$text}
ticket-closed-rate =
    Ticket <b>{$number}</b> is resolved.
    Please rate our support (1-5 stars):
ticket-rated = Thank you for your rating: {$stars}

desk-queue = <b>Open tickets</b>: {$count}, oldest first (page {$page}/{$pages})
desk-queue-empty = No open tickets right now.
desk-line = {$flag}{$number} · {$kind} · {$member} · {$status} · {$time}
desk-flag-complaint = 🚩
desk-ticket =
    <b>Ticket {$number}</b> · {$kind}
    Member: {$member}
    Status: {$status}
    Opened: {$time}
desk-line-member = <b>Member</b> · {$time}
desk-line-staff = <b>Support</b> · {$time}
desk-btn-reply = 💬 Reply to member
desk-btn-close = ✅ Close ticket
desk-btn-photos = 📷 Photos ({$count})
desk-btn-queue = 📋 Ticket queue
desk-reply-ask = Type your reply to the member (ticket {$number}): text or a photo.
desk-reply-sent = ✅ Sent to the member (ticket {$number}).
desk-reply-undelivered = ⚠️ The reply is stored in ticket {$number}, but the member cannot receive messages right now (they may have blocked the bot).
desk-closed = ✅ Ticket {$number} is closed; the member was asked for a rating.
desk-member-answered =
    💬 The member replied on ticket <b>{$number}</b>:

    {$text}
desk-photo-caption = Ticket {$number} · photo {$n}/{$total}
desk-no-photos = This ticket has no photos.
desk-send-text-or-photo = Please send text or a photo as the reply.

error-ticket-not-found = Ticket not found.
error-ticket-closed = This ticket is closed. For something new, please send new feedback.
error-ticket-rated = You have already rated this ticket.
error-ticket-not-closed = A ticket can be rated once it is closed.
error-ticket-empty = Please write something or send a photo first.
error-ticket-text-too-long = Too long: at most {$max} characters.
error-ticket-too-many-photos = Too many photos: at most {$max}.
error-ticket-kind-unknown = Please choose a kind of feedback with the buttons.
error-ticket-rating-range = A rating is 1 to 5 stars.
error-ticket-order-not-found = Order not found.
