## Common buttons and values
btn-back = ⬅️ Back
btn-cancel = ✖️ Cancel
btn-skip = Skip ➡️
btn-accept = ✅ Agree and continue
btn-decline = Not now
btn-yes = Yes, please
btn-no = No, thanks
btn-confirm = ✅ Confirm
btn-edit = ✏️ Edit a field
btn-home = 🏠 Main menu
btn-register = 📝 Join
btn-login = 🔑 Log in
btn-language = 🌐 Language
btn-help = ❓ Help
btn-profile = 👤 Profile
btn-card = 💳 Member card
btn-share-phone = 📱 Share my number
btn-marketing-on = 🔔 Get offers
btn-marketing-off = 🔕 Stop offers
phone-placeholder = or type your phone number
value-none = not given
value-yes = yes
value-no = no
button-expired = This button is no longer active; please use the latest message.
flood-slow-down = You're going a bit fast. Please wait a few seconds and try again.
use-buttons = Please choose with the buttons above.
dialog-command-blocked = You are in the middle of a form. Finish it first, or send /cancel to leave.

## Start and main menu
start-guest =
    👋 Hello {$name}, welcome to the member centre!

    Register to collect points and member-only offers. Already have a shop account? Tap "Log in" to link it.
start-member =
    👋 Hello <b>{$name}</b>!
    Member number: <code>{$member_no}</code>
    Available points: <b>{$points}</b>

    What would you like to do?
help =
    <b>Member centre help</b>

    /start — main menu
    /points — points, tier and history
    /checkin — daily check-in
    /profile — your profile
    /card — member card
    /language — change language
    /password — change password
    /logout — unlink this Telegram account
    /cancel — leave the current form
cancel-nothing = There is nothing to cancel.
cancelled = Cancelled.
need-account = Please register or log in first.
unknown-command = Unknown command. Send /help to see what I can do.
not-understood = Sorry, I didn't understand that.

## Registration
reg-ask-username = Choose a <b>username</b> (3-20 characters: Latin letters, digits and underscores).
reg-ask-password = Choose a <b>password</b> (8-64 characters, not only digits, not your username). Your message is deleted right away.
reg-ask-email = Your <b>e-mail address</b>.
reg-ask-phone = Tap "Share my number" below, or type your <b>phone number</b>.
reg-ask-address = Your <b>delivery address</b> (5-200 characters; you may skip this).
reg-ask-birthday = Your <b>birthday</b> as YYYY-MM-DD, e.g. 1990-05-20 (you may skip this). There is a treat in your birthday month.
reg-ask-privacy = Before you join, please read the <a href="{$url}">privacy policy</a>. Agree to continue; if you don't, nothing is saved.
reg-ask-marketing = Would you like to receive offers and promotions? (Optional; change it any time in /profile.)
reg-choose-field = Which field do you want to change?
reg-summary =
    <b>Please check your details</b>

    Username: {$username}
    E-mail: {$email}
    Phone: {$phone}
    Address: {$address}
    Birthday: {$birthday}
    Offers: {$marketing}
reg-keyboard-closed = OK.
reg-phone-saved = ✅ Phone number {$phone} saved.
reg-cancelled = Joining cancelled; nothing was saved.
reg-privacy-required = OK, you have not joined and nothing was saved. Tap "Join" whenever you like.
reg-done = 🎉 Welcome aboard! Your member number is <code>{$member_no}</code> and {$points} welcome points are yours.
reg-progress = Step {$n} of {$total}
reg-send-text = Please send text.
field-username = Username
field-password = Password
field-email = E-mail
field-phone = Phone
field-address = Address
field-birthday = Birthday
field-marketing = Offers

## Log in and account
login-ask-identifier = Your <b>username or e-mail</b>, please.
login-ask-password = Your <b>password</b> (the message is deleted right away).
login-done = ✅ Logged in; account <b>{$name}</b> is now linked to this Telegram account.
login-moved-away = ⚠️ Account <b>{$name}</b> was just logged in from another Telegram account, so this chat is no longer linked. If this wasn't you, tap "Log in again" below, then send /password to change your password.
btn-login-again = 🔑 Log in again
link-done = ✅ Account <b>{$name}</b> is now linked to this Telegram account.
logout-done = Unlinked. You can log in again any time.
password-ask-old = Your <b>current password</b>, please (the message is deleted right away).
password-ask-new = Your <b>new password</b> (8-64 characters, not only digits, not your username).
password-changed = ✅ Password changed.

## Profile and card
profile =
    <b>Your profile</b>

    Member number: <code>{$member_no}</code>
    Username: {$username}
    Tier: {$tier}
    E-mail: {$email}
    Phone: {$phone}
    Address: {$address}
    Birthday: {$birthday}
    Language: {$language}
    Offers: {$marketing}
profile-saved = ✅ Saved.
profile-ask-username = Your new username (3-20 characters: Latin letters a-z, digits and underscores).
profile-ask-email = Your new e-mail address.
profile-ask-phone = Share or type your new phone number.
profile-ask-address = Your new address (5-200 characters).
profile-ask-birthday = Your birthday as YYYY-MM-DD.
card-caption = Your member card · {$member_no}. Show the QR code at checkout.

## Language
language-pick = 请选择语言 / Choose your language:
language-name-zh = 中文
language-name-en = English
language-set = ✅ Language set to English.

## Command menu
cmd-start = Main menu
cmd-help = Help
cmd-profile = Your profile
cmd-card = Member card
cmd-language = Change language
cmd-password = Change password
cmd-logout = Unlink this account
cmd-cancel = Leave the current form

## Errors
error-generic = Sorry, something went wrong. Please try again.
error-already-member = You are already a member.
error-not-member = Please register or log in first.
error-not-allowed = That is not possible.
error-not-found = Not found.
error-username-too-short = That username is too short: at least 3 characters.
error-username-too-long = That username is too long: at most 20 characters.
error-username-bad-chars = A username may only contain Latin letters (a-z, A-Z), digits and underscores.
error-username-taken = That username is taken; please choose another.
error-password-too-short = That password is too short: at least 8 characters.
error-password-too-long = That password is too long: at most 64 characters.
error-password-all-digits = A password cannot be only digits.
error-password-is-username = Your password cannot be the same as your username.
error-email-invalid = That doesn't look like an e-mail address (e.g. name@example.com).
error-email-taken = That e-mail address is already used by another member.
error-phone-invalid = That phone number is not valid (numbers outside China need the country code, e.g. +44).
error-phone-taken = That phone number is already used by another member.
error-phone-not-own = Please share your own phone number.
error-address-too-short = That address is too short: at least 5 characters.
error-address-too-long = That address is too long: at most 200 characters.
error-birthday-format = Please write your birthday as YYYY-MM-DD, e.g. 1990-05-20.
error-birthday-range = A birthday must be after 1900 and before today.
error-birthday-no-such-date = There is no such date; please check the month and day (e.g. 1990-02-28).
error-field-unknown = That field cannot be changed.
error-send-text = Please send text.
error-link-invalid = This link is invalid, expired or already used.
error-account-unavailable = This account is not available; please contact support.
error-login-failed = Wrong username or password.
error-locked = 🔒 Too many failed attempts. Please try again in { $minutes ->
        [one] 1 minute
       *[other] {$minutes} minutes
    }.
error-slow-down = ⏳ This account had several failed logins recently. For its safety, please try again in { $minutes ->
        [1] { $seconds ->
            [one] 1 second
           *[other] {$seconds} seconds
        }
       *[other] {$minutes} minutes
    }.
error-old-password-wrong = That is not your current password; please try again.
