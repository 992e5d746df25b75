## 员工功能（PRODUCT.md 5，issue 13）：/admin、/staff、/audit、双人审批、被停用的会员
cmd-admin = 员工菜单
cmd-staff = 员工与权限
cmd-returns = 退款退货申请
cmd-audit = 操作日志

member-blocked = 抱歉，您的会员资格暂时被停用，机器人无法为您办理此操作。如有疑问，请联系商店客服。

staff-role-owner = 店主
staff-role-admin = 管理员
staff-role-operator = 操作员

admin-menu = <b>员工菜单</b>（您的身份：{$role}）
admin-btn-find = 🔎 查找会员
admin-btn-campaigns = 🎟 优惠券活动
admin-btn-returns = 📦 退款退货申请
admin-btn-tickets = 💬 客服工单
admin-btn-approvals = ✅ 待审批
admin-btn-card = ⬅️ 会员卡片
admin-btn-menu = 🏠 员工菜单
admin-find-ask = 请发送会员号（M000123）、用户名、手机号或 Telegram ID。
admin-find-again = 请发送会员号、用户名、手机号或 Telegram ID。
admin-send-text = 请用文字回答。
admin-no-change = 无需更改。

admin-card =
    👤 <b>{$number}</b> · {$username} · {$status}
    手机：{$phone} · 邮箱：{$email}
    Telegram ID：{$telegram}
    等级：{$tier} · {$joined} 加入
    积分：可用 <b>{$available}</b> · 冻结 {$frozen}
    优惠券：{$coupons} 张可用
admin-card-coupon = 🎟 <code>{$code}</code> {$name}（有效至 {$until}）
admin-card-orders = <b>最近订单</b>（共 {$count} 笔）
admin-card-order = 🧾 {$number} · {$status} · {$total} · {$at}
admin-card-entries = <b>最近积分明细</b>
admin-entry = #{$id} · {$at} · {$kind} · <b>{$amount}</b> · {$reason}
admin-status-active = 正常
admin-status-blocked = ⛔ 已停用

admin-btn-adjust = ± 积分
admin-btn-freeze = 🧊 冻结
admin-btn-unfreeze = 🔥 解冻
admin-btn-revoke = ↩️ 撤销一笔明细
admin-btn-issue = 🎁 发放优惠券
admin-btn-block = ⛔ 停用
admin-btn-unblock = ✅ 恢复
admin-btn-link = 🔗 登录链接
admin-blocked = 该会员已停用。
admin-unblocked = 该会员已恢复。
admin-link =
    一次性登录链接，{$hours} 小时内有效。打开链接的人将登录此账户，请只交给会员本人：
    {$link}
    （或向机器人发送 <code>/start {$token}</code>）

admin-adjust-ask = 调整多少积分？请发送带符号的数字，例如 <code>+500</code> 或 <code>-200</code>。
admin-freeze-ask = 冻结多少可用积分？
admin-unfreeze-ask = 解冻多少积分？
admin-reason-ask = 请填写原因（必填，会员可在明细中看到）：
admin-adjust-confirm = 确认调整 <b>{$amount}</b> 积分？原因：{$reason}
admin-freeze-confirm = 确认冻结 <b>{$amount}</b> 积分？原因：{$reason}
admin-unfreeze-confirm = 确认解冻 <b>{$amount}</b> 积分？原因：{$reason}
admin-revoke-confirm = 确认撤销明细 #{$entry}？原因：{$reason}
admin-adjusted = ✅ 积分已调整 {$amount}。
admin-freeze-done = ✅ 已冻结 {$amount} 积分。
admin-unfreeze-done = ✅ 已解冻 {$amount} 积分。
admin-revoked = ✅ 明细 #{$entry} 已撤销。
admin-entries = <b>最近明细</b>（选择要撤销的一笔）
admin-entries-empty = 暂无明细。
admin-btn-revoke-entry = ↩️ #{$id}
admin-revoke-ask = 撤销明细 #{$entry}：请填写原因（必填）。

admin-issue-title = <b>发放优惠券</b>：请选择活动（第 {$page}/{$pages} 页）
admin-issue-pick = {$name}（剩余：{$left}）
admin-issued = ✅ 已发放优惠券 <code>{$code}</code>（{$name}）。

admin-approval-requested = ⏳ 超过 {$threshold} 积分需要另一位管理员审批：已提交申请 #{$id}。
admin-approval-new = <b>需要您审批</b>
admin-approval =
    申请 #{$id}：{$kind} <b>{$amount}</b>，会员 {$member}
    申请人 {$by} · 原因：{$reason}
    有效至 {$until}
admin-approval-kind-points-adjust = 积分调整
admin-approval-kind-order-refund = 退款
admin-btn-approve = ✅ 批准 #{$id}
admin-btn-reject = ❌ 拒绝 #{$id}
admin-approval-approved = ✅ 申请 #{$id} 已批准并执行。
admin-approval-rejected = ❌ 申请 #{$id} 已拒绝。
admin-approval-approved-by = ✅ 您的申请 #{$id} 已由 {$by} 批准并执行。
admin-approval-rejected-by = ❌ 您的申请 #{$id} 被 {$by} 拒绝。
admin-approvals = <b>待审批</b>
admin-approvals-empty = 暂无待审批的申请。

admin-campaigns = <b>优惠券活动</b>（第 {$page}/{$pages} 页）
admin-campaigns-empty = 还没有活动。
admin-campaign-line =
    <b>{$name}</b>（<code>{$code}</code>）· {$channel} · {$state}
    已领 {$claimed} · 已用 {$used} · 库存 {$stock}
admin-campaign-active = 进行中
admin-campaign-paused = 已暂停
admin-btn-pause = ⏸ 暂停 {$code}
admin-btn-resume = ▶️ 恢复 {$code}
admin-btn-campaign-new = ➕ 新建活动
admin-campaign-paused-toast = 活动已暂停。
admin-campaign-resumed = 活动已恢复。
admin-campaign-created = 活动 #{$id} 已创建。
admin-btn-create = ✅ 创建

admin-cw-title = <b>新建优惠券活动</b>
admin-cw-review = <b>请核对活动信息</b>
admin-cw-code = 内部代号（字母、数字、- 或 _，例如 <code>spring-10</code>）：
admin-cw-name_zh = 中文名称：
admin-cw-name_en = 英文名称：
admin-cw-kind = 优惠券提供什么优惠？
admin-cw-channel = 会员如何获得？
admin-cw-amount_off = 减免金额（{$currency}，例如 <code>10</code> 或 <code>9.90</code>）：
admin-cw-percent_off = 折扣百分比（1-100）：
admin-cw-max_discount = 最高优惠金额（{$currency}；跳过：不设上限）：
admin-cw-min_spend = 最低订单金额（{$currency}；跳过：无门槛）：
admin-cw-starts_at = 开始日期 YYYY-MM-DD（跳过：立即开始）：
admin-cw-ends_at = 结束日期 YYYY-MM-DD（跳过：不设结束日期，之后需填写有效天数）：
admin-cw-valid_days = 领取后有效天数（跳过：至结束日期）：
admin-cw-stock = 总数量（跳过：不限量）：
admin-cw-per_member_limit = 每位会员限领（跳过：1 张）：
admin-cw-points_price = 兑换所需积分：
admin-cw-redeem_code = 会员输入的兑换码：
admin-cw-min_tier = 可领取的最低等级（跳过：所有会员）：
admin-cw-giftable = 会员可以转赠给好友吗？
admin-cw-field-code = 代号
admin-cw-field-name_zh = 中文名称
admin-cw-field-name_en = 英文名称
admin-cw-field-kind = 类型
admin-cw-field-channel = 获取方式
admin-cw-field-amount_off = 减免金额
admin-cw-field-percent_off = 折扣百分比
admin-cw-field-max_discount = 最高优惠
admin-cw-field-min_spend = 最低订单金额
admin-cw-field-starts_at = 开始日期
admin-cw-field-ends_at = 结束日期
admin-cw-field-valid_days = 有效天数
admin-cw-field-stock = 库存
admin-cw-field-per_member_limit = 每人限领
admin-cw-field-points_price = 积分价格
admin-cw-field-redeem_code = 兑换码
admin-cw-field-min_tier = 最低等级
admin-cw-field-giftable = 可转赠
admin-cw-choice-amount_off = 满减
admin-cw-choice-percent_off = 折扣
admin-cw-choice-free_shipping = 免运费
admin-cw-choice-claimable = 领券中心免费领取
admin-cw-choice-points = 积分兑换
admin-cw-choice-staff = 员工发放
admin-cw-choice-code = 兑换码
admin-cw-choice-yes = 是
admin-cw-choice-no = 否

staff-title = <b>员工</b>
staff-line = {$id} · {$role} · 会员 {$member}
staff-btn-revoke = ✖️ 移除 {$id}
staff-btn-add-admin = ➕ 添加管理员
staff-btn-add-operator = ➕ 添加操作员
staff-ask-who = 谁将成为{$role}？请发送其 Telegram ID 或会员号，或转发一条其发送的消息。对方需先给机器人发过消息。
staff-granted = ✅ {$id} 现在是{$role}。
staff-revoke-confirm = 确认移除 {$id} 的员工身份？立即生效。
staff-revoked = {$id} 已不再是员工。

audit-title = <b>操作日志</b>（第 {$page}/{$pages} 页）
audit-filters = 筛选：员工 {$staff} · 会员 {$member} · 操作 {$action}
audit-line =
    {$at} · <b>{$action}</b> · 操作人 {$actor}
    {$target} · {$member}
    之前 {$before} → 之后 {$after}
    原因：{$reason}
audit-system = 系统
audit-empty = 暂无记录。
audit-btn-staff = 👤 按员工
audit-btn-member = 🧾 按会员
audit-btn-action = ⚙️ 按操作
audit-btn-clear = ✖️ 清除筛选
audit-pick-action = 请选择操作类型：
audit-ask-staff = 请发送员工的 Telegram ID：
audit-ask-member = 请发送会员号（M000123）：
audit-filter-invalid = 这不是有效的号码，请重试。

error-admin-query-invalid = 请发送会员号、用户名、手机号或 Telegram ID。
error-admin-member-not-found = 没有找到匹配的会员。
error-admin-member-blocked = 该会员已停用，请先恢复。
error-admin-amount-invalid = 请发送整数积分。
error-admin-amount-too-large = 每次最多 {$max} 积分。
error-approval-not-found = 没有这个申请。
error-approval-self = 您不能审批自己的申请，需要另一位管理员或店主审批。
error-approval-expired = 该申请已过期（申请有效期为 24 小时）。
error-approval-decided = 该申请已经处理过了。
error-staff-id-invalid = 请发送 Telegram ID（数字）或会员号（M000123）。
error-staff-user-unknown = 对方还没有给机器人发过消息：请先让对方发送 /start。
error-staff-forward-hidden = 对方的隐私设置隐藏了发送者：请改为发送其 Telegram ID。
error-staff-role-invalid = 不能给此人这个身份。
error-admin-cw-text-invalid = 请发送 1 到 {$max} 个字符的名称。
error-admin-cw-code-invalid = 请使用 1 到 32 个小写字母、数字、- 或 _。
error-admin-cw-money-invalid = 请发送金额，例如 10 或 9.90。
error-admin-cw-number-invalid = 请发送 {$low} 到 {$high} 之间的整数。
error-admin-cw-date-invalid = 请按 YYYY-MM-DD 格式发送日期。
error-admin-cw-choice-invalid = 请点选其中一个按钮。
error-admin-cw-required = 此项不能跳过。
error-admin-cw-needs-end = 优惠券必须有截止：没有结束日期时，请填写有效天数。
error-admin-cw-end-before-start = 结束日期必须晚于开始日期。
error-approval-requester-revoked = 申请人已不再是管理员，该申请无法批准。
