## Member data rights (PRODUCT.md 1.4): /mydata, /delete_account, /unsubscribe, /subscribe
cmd-mydata = Download my data
cmd-unsubscribe = Stop offers and news
cmd-subscribe = Receive offers and news
cmd-delete_account = Delete my account

mydata-caption =
    📦 Everything we store about member <code>{$member_no}</code> (a JSON file, {$rows} records).
    Your password only shows as "set" or "not set"; it is never exported.
error-mydata-too-soon = You have just downloaded your data. Please try again in {$seconds} s.

delete-ask-first =
    ⚠️ <b>Delete account</b> (member no. <code>{$member_no}</code>)

    If you delete it:
    • your phone number, e-mail, username, address and birthday are erased;
    • your remaining {$points} points and unused coupons are forfeited;
    • this Telegram account is unlinked;
    • orders and points history stay only anonymously, for the shop's accounts.
    This <b>cannot be undone</b>. To keep a copy of your data, send /mydata first.
delete-ask-second =
    ❗️ <b>Last confirmation</b>

    "Delete for ever" closes the account at once; it cannot be restored. You may join again later, with a new member number.
btn-delete-continue = Continue
btn-delete-confirm = 🗑 Delete for ever
delete-done =
    ✅ Account <code>{$member_no}</code> is deleted and your personal data erased.
    Thank you for having been with us. To join again, use the buttons below.
delete-cancelled = Cancelled: your account stays as it is.

marketing-off = 🔕 You will no longer receive offers and news, starting now. Send /subscribe to receive them again.
marketing-off-already = You are not receiving offers and news. Send /subscribe to receive them.
marketing-on = 🔔 You will receive offers and news, starting now. Send /unsubscribe to stop at any time.
marketing-on-already = You already receive offers and news. Send /unsubscribe to stop at any time.
btn-unsubscribe = 🔕 Unsubscribe
unsubscribe-toast = You will no longer receive offers and news. Send /subscribe to receive them again.

btn-privacy = 🔒 Privacy and data
btn-mydata = 📦 Download my data
btn-delete-account = 🗑 Delete my account
privacy-screen =
    🔒 <b>Privacy and data</b>

    Offers and news: {$marketing} (/unsubscribe to stop, /subscribe to receive)
    • Download my data: everything we store about you, as a JSON file (or send /mydata).
    • Delete my account: erases your personal data; confirmed twice, cannot be undone (or send /delete_account).
