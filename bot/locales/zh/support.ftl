## 意见反馈与客服工单（PRODUCT.md 8）：会员 /feedback，客服 /tickets
cmd-feedback = 意见反馈与客服
cmd-tickets = 客服工单（员工）

ticket-kind-suggestion = 💡 建议
ticket-kind-complaint = ⚠️ 投诉
ticket-kind-question = ❓ 咨询
ticket-status-open = 等待客服回复
ticket-status-answered = 客服已回复
ticket-status-closed = 已关闭

feedback-start =
    <b>意见反馈</b>

    请选择反馈类型，我们会尽快处理：
feedback-btn-mine = 📋 我的反馈
feedback-order-ask = 这条反馈和哪个订单有关？
feedback-btn-no-order = 与订单无关
feedback-compose =
    <b>{$kind}</b>

    请直接发送反馈内容：文字（最多 {$max} 字），也可以发送照片（最多 {$photos} 张）。发完后点击“提交”。
feedback-draft = 已收到：{$chars} 字，{$photos} 张照片。可以继续补充，或点击“提交”。
feedback-btn-send = 📨 提交
feedback-send-text-or-photo = 请发送文字或照片。
feedback-created =
    ✅ 已收到您的反馈，工单号 <b>{$number}</b>。
    客服回复后会在这里通知您。

tickets-mine = <b>我的反馈</b>（第 {$page}/{$pages} 页）
tickets-mine-empty = 您还没有提交过反馈。
tickets-line = {$number} · {$kind} · {$status} · {$date}
ticket-btn-new = ✏️ 新的反馈
ticket-btn-view = 🔎 查看工单
ticket-btn-answer = 💬 回复
ticket-detail =
    <b>工单 {$number}</b> · {$kind}
    状态：{$status}
    提交时间：{$time}
ticket-order = 订单：{$order}
ticket-earlier = …… 更早的 {$count} 条消息未显示
ticket-line-member = <b>您</b> · {$time}
ticket-line-staff = <b>客服</b> · {$time}
ticket-line-photos = 📷 {$count} 张照片
ticket-rating-shown = 您的评分：{$stars}
ticket-rate-ask = 请为本次处理打分（1-5 星）：
ticket-answer-ask = 请发送您对工单 {$number} 的回复（文字或照片）。
ticket-answer-sent = ✅ 已发送，客服会尽快回复（工单 {$number}）。
ticket-staff-replied =
    💬 工单 <b>{$number}</b> 有新回复：

    {$text}
ticket-closed-rate =
    工单 <b>{$number}</b> 已处理完毕。
    请为本次服务打分（1-5 星）：
ticket-rated = 感谢您的评分：{$stars}

desk-queue = <b>待处理工单</b>：{$count} 张，最早的在前（第 {$page}/{$pages} 页）
desk-queue-empty = 目前没有待处理的工单。
desk-line = {$flag}{$number} · {$kind} · {$member} · {$status} · {$time}
desk-flag-complaint = 🚩
desk-ticket =
    <b>工单 {$number}</b> · {$kind}
    会员：{$member}
    状态：{$status}
    提交时间：{$time}
desk-line-member = <b>会员</b> · {$time}
desk-line-staff = <b>客服</b> · {$time}
desk-btn-reply = 💬 回复会员
desk-btn-close = ✅ 关闭工单
desk-btn-photos = 📷 照片（{$count}）
desk-btn-queue = 📋 工单列表
desk-reply-ask = 请输入给会员的回复（工单 {$number}），可以是文字或照片。
desk-reply-sent = ✅ 已发送给会员（工单 {$number}）。
desk-reply-undelivered = ⚠️ 回复已记录在工单 {$number} 中，但会员暂时收不到消息（可能已屏蔽机器人）。
desk-closed = ✅ 工单 {$number} 已关闭，已请会员评分。
desk-member-answered =
    💬 会员回复了工单 <b>{$number}</b>：

    {$text}
desk-photo-caption = 工单 {$number} · 照片 {$n}/{$total}
desk-no-photos = 这张工单没有照片。
desk-send-text-or-photo = 请发送文字或照片作为回复。

error-ticket-not-found = 没有找到这张工单。
error-ticket-closed = 这张工单已关闭。如有新问题，请提交新的反馈。
error-ticket-rated = 您已经为这张工单评过分了。
error-ticket-not-closed = 工单关闭后才能评分。
error-ticket-empty = 请先写下反馈内容或发送照片。
error-ticket-text-too-long = 内容太长：最多 {$max} 字。
error-ticket-too-many-photos = 照片太多：最多 {$max} 张。
error-ticket-kind-unknown = 请从按钮中选择反馈类型。
error-ticket-rating-range = 评分应为 1 到 5 星。
error-ticket-order-not-found = 没有找到这个订单。
