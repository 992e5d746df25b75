# 为你推荐（/shop 第一页下方）
recs-title = 🎯 <b>为你推荐</b>
recs-line = • {$name} · {$price}
    <i>{$reason}</i>
recs-reason-together = 常与「{$anchor}」一起购买
recs-reason-tier = {$tier}会员都在买
recs-reason-best-seller = 热销商品
recs-btn = 🎯 {$name}
# 会员卡片：被拒绝的奖励
admin-card-refused = 🚫 被拒绝的奖励：
admin-card-refused-line = • {$date} {$reward}：{$reason}
reward-kind-referral = 推荐奖励
reward-kind-birthday = 生日奖励
reward-refused-self-referral = 自己推荐自己（同一手机号或 Telegram 账号）
reward-refused-phone-already-referred = 该手机号此前已为推荐人带来过奖励
reward-refused-telegram-already-referred = 该 Telegram 账号此前已为推荐人带来过奖励
reward-refused-birthday-changed = 生日在 12 个月内修改过
reward-refused-phone-already-rewarded = 该手机号今年已领过生日奖励
