## 积分（PRODUCT.md 2）：/points、/checkin、到期提醒、等级升级
cmd-points = 积分与明细
cmd-checkin = 每日签到
btn-points = 🪙 我的积分
btn-checkin = 📅 签到
btn-checked-in = ✅ 今日已签到
points-btn-prev = ⬅️ 较新
points-btn-next = 较早 ➡️

points-overview =
    <b>我的积分</b>

    可用积分：<b>{$available}</b>
    冻结积分：{$frozen}
    {$expiring}

    会员等级：<b>{$tier}</b>
    {$progress}
points-expiring = ⏳ {$points} 积分将于 {$date} 前过期
points-expiring-none = ⏳ 未来 30 天内没有积分过期
points-progress-next = 12 个月内再消费 {$amount} 即可升级为{$tier}。
points-progress-top = 您已是最高等级会员，感谢支持！
points-history = <b>积分明细</b>（第 {$page}/{$pages} 页）
points-history-empty = 暂无积分记录。
points-row = {$date} · {$kind} · <b>{$amount}</b> · 余额 {$balance}
points-row-reason = {$date} · {$kind}（{$reason}）· <b>{$amount}</b> · 余额 {$balance}

points-kind-welcome = 注册奖励
points-kind-checkin = 签到
points-kind-earn = 订单积分
points-kind-spend = 使用
points-kind-freeze = 冻结
points-kind-unfreeze = 解冻
points-kind-expire = 过期
points-kind-revoke = 撤销
points-kind-adjust = 调整
points-kind-refund = 退款
points-kind-review = 评价奖励
points-kind-referral = 邀请奖励
points-kind-birthday = 生日礼
points-kind-profile = 完善资料奖励
checkin-done = ✅ 签到成功：+{$points} 积分，已连续签到 {$streak} 天。
checkin-done-bonus = ✅ 签到成功：+{$points} 积分（含连续签到 {$streak} 天奖励 {$bonus} 积分）！
points-expiry-reminder = ⏳ 您有 {$points} 积分将于 {$date} 过期（还剩 {$days} 天），请尽快使用！
tier-upgraded = 🎊 恭喜！您已升级为<b>{$tier}</b>，购物积分 ×{$multiplier}。

error-checkin-already = 今天已经签到过了，请约 {$hours} 小时后再来。
error-points-insufficient = 积分不足：当前可用 {$available}。
error-points-reason-required = 必须填写原因。
error-points-reason-too-long = 原因太长（最多 {$max} 个字符）。
error-points-amount-positive = 数量必须是正整数。
error-points-amount-nonzero = 数量不能为 0。
error-points-not-revocable = 这条记录不能撤销。
error-points-entry-not-found = 没有这条积分记录。
error-member-not-found = 没有找到该会员。
