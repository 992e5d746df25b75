## 群发（PRODUCT.md 6）：管理员的 /broadcast、进度消息、退订
cmd-broadcast = 群发营销消息（管理员）
broadcast-btn-unsubscribe = 🔕 退订营销消息
broadcast-coupon-line = 🎁 您的优惠券：<code>{$code}</code>（在 /coupons 查看）
broadcast-unsubscribed = 已退订：您将不再收到营销消息。可在 /profile 中重新开启。
broadcast-already-unsubscribed = 您已退订营销消息。

broadcast-ask-content =
    📣 <b>新建群发</b>
    请发送消息内容：文字（可使用 Telegram HTML：&lt;b&gt;、&lt;i&gt;、&lt;a href="…"&gt; 等），或带说明的图片。
broadcast-content-kind = 请发送文字，或带说明的图片。
broadcast-ask-button = 要添加链接按钮吗？请按 <code>按钮文字 | https://…</code> 发送，或点“跳过”。
broadcast-btn-skip = 跳过
broadcast-ask-coupon = 要给每位收件人发一张优惠券吗（以库存为限）？请选择活动：
broadcast-btn-no-coupon = 不发优惠券
broadcast-ask-segment = 发给谁？请选择人群，或直接输入，例如 <code>new 14</code>、<code>inactive 45</code>、<code>expiring 10</code>、<code>tier gold</code>、<code>spent 500 90</code>、<code>rfm loyal</code>。
broadcast-segment-all = 所有订阅会员
broadcast-segment-tier = 等级：{$tier}
broadcast-segment-new = 近 {$days} 天新会员
broadcast-segment-inactive = {$days} 天未活跃
broadcast-segment-birthday = 本月生日
broadcast-segment-expiring = {$days} 天内有积分过期
broadcast-segment-coupons = 有未使用的优惠券
broadcast-preview-above = 👀 预览：收件人看到的就是上面这条消息。
broadcast-confirm =
    人群：<b>{$segment}</b>
    当前收件人数：<b>{$size}</b>（已订阅、可送达、状态正常）
    立即发送还是定时发送？
broadcast-btn-start = 🚀 立即发送
broadcast-btn-schedule = 🕒 定时发送
broadcast-ask-time = 什么时候发送？请按 <code>YYYY-MM-DD HH:MM</code> 输入当地时间（现在是 {$example}）。
broadcast-time-invalid = 请按 <code>YYYY-MM-DD HH:MM</code> 格式输入时间，例如 2026-12-01 10:00。
broadcast-started = 已开始发送：共 {$total} 位收件人。
broadcast-discarded = 已放弃这次群发。

broadcast-progress =
    📣 <b>群发 #{$id}</b> · {$status}
    已发送：{$sent} · 失败：{$failed} · 已屏蔽：{$blocked} · 未知：{$unknown}
    剩余：{$left} / {$total}
    速度：{$rate} 条/秒 · 预计剩余时间：{$eta}
broadcast-report =
    {$body}
    ✅ 最终报告。
broadcast-eta = {$minutes} 分 {$seconds} 秒
broadcast-eta-none = —
broadcast-eta-unknown = 等待中
broadcast-status-draft = 草稿
broadcast-status-scheduled = 已定时
broadcast-status-running = 发送中
broadcast-status-paused = 已暂停
broadcast-status-cancelled = 已取消
broadcast-status-done = 已完成
broadcast-btn-pause = ⏸ 暂停
broadcast-btn-resume = ▶️ 继续
broadcast-btn-cancel = ✖️ 取消
broadcast-done-pause = 已暂停。
broadcast-done-resume = 已继续。
broadcast-done-cancel = 已取消。
broadcast-unchanged = 无需更改：群发已是该状态。

error-html-lt = 第 {$at} 个字符处的“&lt;”不是标签的开头：请将该符号写作 &amp;lt;。
error-html-amp = 第 {$at} 个字符处的“&amp;”不是实体：请将该符号写作 &amp;amp;。
error-html-gt = 第 {$at} 个字符处的“&gt;”在标签之外：请将该符号写作 &amp;gt;。
error-html-unclosed = 标签 &lt;{$tag}&gt; 没有结束标签。
error-html-tag = Telegram 不支持标签 &lt;{$tag}&gt;。
error-html-close = 第 {$at} 个字符处的 &lt;/{$tag}&gt; 没有对应的开始标签（当前打开的是：{$expected}）。
error-html-span = &lt;span&gt; 需要 class="tg-spoiler"。
error-html-href = &lt;a&gt; 需要以 https://、http://、tg:// 或 mailto: 开头的 href。
error-html-emoji = &lt;tg-emoji&gt; 需要数字 emoji-id。
error-html-attribute = Telegram 不允许在 &lt;{$tag}&gt; 上使用属性 {$key}。
error-broadcast-text-empty = 消息内容为空。
error-broadcast-text-long = 消息有 {$length} 个字符，最多 {$limit} 个。
error-broadcast-button-text = 按钮文字须为 1-{$limit} 个字符。
error-broadcast-button-url = 按钮需要以 https:// 或 http:// 开头的链接。
error-broadcast-segment-unknown = 没有这个人群。
error-broadcast-segment-tier = 哪个等级？可选：{$tiers}。
error-broadcast-segment-days = 天数须为 1-{$max}。
error-broadcast-time-range = 时间须在将来一年之内。
error-broadcast-not-draft = 这次群发已开始或已放弃。
error-broadcast-not-found = 找不到这次群发。
broadcast-segment-spent = {$days} 天内消费满 {$amount}
broadcast-segment-rfm = RFM：{$group}
broadcast-rfm-champions = 重要价值客户
broadcast-rfm-loyal = 忠诚客户
broadcast-rfm-new = 新客户
broadcast-rfm-at_risk = 流失风险客户
broadcast-rfm-hibernating = 沉睡客户
error-broadcast-segment-rfm = 哪个 RFM 分组？可选：{$groups}。
error-broadcast-segment-spent = 请按 <code>spent 金额 天数</code> 输入，例如 <code>spent 500 90</code>（天数 1-{$max}）。
