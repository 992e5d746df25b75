# For you (under the first /shop page)
recs-title = 🎯 <b>For you</b>
recs-line = • {$name} · {$price}
    <i>{$reason}</i>
recs-reason-together = often bought with “{$anchor}”
recs-reason-tier = popular with {$tier} members
recs-reason-best-seller = best seller
recs-btn = 🎯 {$name}
# Member card: refused rewards
admin-card-refused = 🚫 Refused rewards:
admin-card-refused-line = • {$date} {$reward}: {$reason}
reward-kind-referral = referral reward
reward-kind-birthday = birthday reward
reward-refused-self-referral = self-referral (same phone or Telegram account)
reward-refused-phone-already-referred = this phone already earned a referral reward before
reward-refused-telegram-already-referred = this Telegram account already earned a referral reward before
reward-refused-birthday-changed = birthday changed within 12 months
reward-refused-phone-already-rewarded = this phone already had a birthday reward this year
