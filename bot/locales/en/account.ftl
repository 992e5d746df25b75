## Shop website password and the profile card
btn-website-login = 🔐 Set a password for the shop website
btn-complete-profile = { $points ->
    [0] 📋 Complete your profile
   *[other] 📋 Complete your profile (+{$points} points)
}
website-ask-username = To log in on the shop website you need a <b>username</b> and a <b>password</b>. First choose a username (3-20 characters: Latin letters, digits and underscores).
website-ask-password = Choose a <b>password</b> (8-64 characters, not only digits, not your username). Your message is deleted right away.
website-done = ✅ Your shop website login is ready: username <b>{$name}</b>.
card-progress = Profile {$n}/{$total}
card-ask-email = Your <b>e-mail address</b>.
card-ask-address = Your <b>delivery address</b> (5-200 characters).
card-ask-birthday = Your <b>birthday</b> as YYYY-MM-DD, e.g. 1990-05-20. There is a treat in your birthday month.
card-rewarded = 🎉 Your profile is complete: {$points} points are yours!
error-password-already-set = You already have a shop website password; send /password to change it.
card-title = MEMBER CARD
card-points = {$points} points available
