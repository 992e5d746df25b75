# Marketing automation (issue 15): the messages, /automation, the /stats section.
cmd-automation = 自动化营销（管理员）

automation-msg-birthday = 🎂 生日快乐！感谢您一直以来的支持，我们为您准备了一份生日礼物。
automation-msg-winback = 👋 好久不见！我们想念您，特意为您准备了一张优惠券，欢迎回来逛逛。
automation-msg-review = 📝 您的订单已完成一段时间了，使用体验如何？欢迎为这笔订单写下评价。
automation-btn-review = ⭐ 评价订单
automation-msg-personal_coupon = 🎁 为您专属准备了一张优惠券：满 {$min_spend} 减 {$amount_off}，自今天起 {$valid} 天内有效。
automation-msg-personal_coupon-favourite = 🎁 为您专属准备了一张优惠券：满 {$min_spend} 减 {$amount_off}，自今天起 {$valid} 天内有效——送给喜爱「{$category}」的您。

automation-kind = { $kind ->
    [birthday] 🎂 生日券
    [winback] 👋 唤回券
    [review] 📝 评价邀请
    [personal_coupon] 🎁 专属满减券
    [expiry] ⏳ 积分到期提醒
   *[tier] 🏅 等级升级祝贺
}
automation-title = <b>自动营销</b>
    营销类（生日券、唤回券、评价邀请、专属满减券）只发给同意接收营销消息的会员；积分到期提醒和等级升级祝贺属于服务通知，发给所有会员。
automation-line = {$name}：{$state}{$params}
automation-on = ✅ 已开启
automation-off = ⏸ 已关闭
automation-param-campaign = 优惠券活动 {$value}
automation-param-hour = 发送时间 {$value} 点
automation-param-days = { $kind ->
    [winback] 不活跃 {$value} 天
    [review] 完成后 {$value} 天
    [personal_coupon] 每 {$value} 天
   *[expiry] 提前 {$value} 天
}
automation-param-orders = 至少 {$value} 笔已付款订单
automation-param-percent = 优惠门槛的 {$value}%
automation-param-valid = 有效 {$value} 天
automation-unset = 未设置
automation-default-days = 按系统设置
automation-btn-toggle-on = 开启 {$name}
automation-btn-toggle-off = 关闭 {$name}
automation-btn-param = ✏️ {$name}：{$param}
automation-param-name-campaign = 活动代码
automation-param-name-hour = 发送时间
automation-param-name-days = 天数
automation-param-name-orders = 最少订单数
automation-param-name-percent = 优惠比例
automation-param-name-valid = 有效天数
automation-ask-campaign = 请输入 {$name} 使用的优惠券活动代码（输入 - 清除）：
automation-ask-hour = 请输入 {$name} 的发送时间（店铺时间 0-23 点）：
automation-ask-days = 请输入 {$name} 的天数：
automation-ask-orders = 请输入 {$name} 要求的最少已付款订单数：
automation-ask-percent = 请输入 {$name} 的优惠金额占门槛的百分比（整数）：
automation-ask-valid = 请输入 {$name} 的有效天数：
automation-ask-days-expiry = 请输入积分到期前几天提醒（最多 3 个数，用空格分隔，例如 30 7）：
automation-saved = 已保存。
automation-ask-not-text = 请以文字回复。
admin-btn-automation = 🤖 自动营销

error-automation-not-found = 没有这项自动营销。
error-automation-needs-campaign = 请先设置优惠券活动代码，再开启此项。
error-automation-campaign-unknown = 没有这个代码的优惠券活动，请重新输入。
error-automation-number = { $count ->
    [1] 请输入 {$low}-{$high} 之间的整数。
   *[other] 请输入 1-{$count} 个 {$low}-{$high} 之间的整数，用空格分隔。
}

stats-automation = <b>自动营销</b>（最近 {$days} 天，转化 = {$within} 天内用券或评价）
stats-automation-row = · { $kind ->
    [birthday] 生日券
    [winback] 唤回券
    [personal_coupon] 专属满减券
   *[review] 评价邀请
}：发送 {$sent} · 转化 {$converted}（{$converted_percent}）
stats-automation-empty = · 暂无发送
