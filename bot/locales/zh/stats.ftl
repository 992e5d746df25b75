## 数据统计与导出（PRODUCT.md 5）：/stats、/export（管理员）
cmd-stats = 数据统计（管理员）
cmd-export = 导出 CSV（管理员）

stats-title = <b>数据统计</b> · {$time}
stats-members =
    <b>会员</b>
    总数：{$total}
    新会员：7 天 {$new7} · 30 天 {$new30}
    活跃会员：7 天 {$active7} · 30 天 {$active30}
stats-points =
    <b>积分</b>
    累计发放：{$issued}（30 天 {$issued_30}）
    累计使用：{$spent}（30 天 {$spent_30}）
    累计过期：{$expired}（30 天 {$expired_30}）
    未使用余额：{$outstanding}，折合负债 {$liability_money}
stats-coupons = <b>优惠券</b>（最近 {$count} 个活动）
stats-coupons-row = · {$name}：领取 {$claimed}/{$stock}（{$claim_percent}）· 已使用 {$used}/{$issued}（{$use_percent}）
stats-tickets =
    <b>客服工单</b>
    未关闭：{$open}（累计 {$total}）
    首次响应时间中位数：{$response_seconds}
    满意度：{$rating}（{$rated} 个评分）
stats-note = 活跃会员：期间内有积分变动、签到或客服消息的会员。
stats-none = —
stats-unlimited = 不限
stats-percent = {$value}%
stats-duration-seconds = {$seconds} 秒
stats-duration-minutes = {$minutes} 分钟
stats-duration-hours = {$hours} 小时 {$minutes} 分钟
stats-chart-members = 每日新会员（最近 {$days} 天）
stats-series-members = 新会员
stats-chart-points = 每日积分发放与使用（最近 {$days} 天）
stats-series-issued = 发放
stats-series-spent = 使用

export-choose =
    <b>导出 CSV</b>
    请选择要导出的数据（不含密码等敏感信息）。Telegram 限制文件大小为 50 MB。
export-btn-members = 👥 会员
export-btn-ledger = 🪙 积分明细
export-done = ✅ {$what}：{$rows} 行
export-name-members = 会员
export-name-ledger = 积分明细
error-export-unknown = 没有这种导出。
error-export-too-large = 导出文件过大（{$rows} 行，约 {$megabytes} MB），超过 Telegram 的 50 MB 限制。
stats-orders =
    <b>订单</b>
    已付款：{$orders}（7 天 {$orders_7} · 30 天 {$orders_30}）
    营业额：{$revenue_money}（30 天 {$revenue_30_money}），已扣除退款
    平均客单价（30 天）：{$average_30_money}
    退款（30 天）：{$refunds_30} 笔，{$refunded_30_money}
stats-chart-revenue = 每日营业额（最近 {$days} 天）
stats-series-revenue = 营业额
export-btn-orders = 📦 订单
export-name-orders = 订单
