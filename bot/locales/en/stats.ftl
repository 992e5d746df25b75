## Stats and exports (PRODUCT.md 5): /stats, /export (admins)
cmd-stats = Shop statistics (admins)
cmd-export = Export CSV (admins)

stats-title = <b>Statistics</b> · {$time}
stats-members =
    <b>Members</b>
    Total: {$total}
    New: 7 days {$new7} · 30 days {$new30}
    Active: 7 days {$active7} · 30 days {$active30}
stats-points =
    <b>Points</b>
    Issued: {$issued} (30 days {$issued_30})
    Spent: {$spent} (30 days {$spent_30})
    Expired: {$expired} (30 days {$expired_30})
    Outstanding: {$outstanding}, a liability of {$liability_money}
stats-coupons = <b>Coupons</b> (latest {$count} campaigns)
stats-coupons-row = · {$name}: claimed {$claimed}/{$stock} ({$claim_percent}) · used {$used}/{$issued} ({$use_percent})
stats-tickets =
    <b>Support tickets</b>
    Not closed: {$open} (all time {$total})
    Median first response: {$response_seconds}
    Satisfaction: {$rating} ({$rated} ratings)
stats-note = Active members: a points change, a check-in or a support message in the period.
stats-none = —
stats-unlimited = unlimited
stats-percent = {$value}%
stats-duration-seconds = {$seconds} s
stats-duration-minutes = {$minutes} min
stats-duration-hours = {$hours} h {$minutes} min
stats-chart-members = New members per day (last {$days} days)
stats-series-members = New members
stats-chart-points = Points issued and spent per day (last {$days} days)
stats-series-issued = Issued
stats-series-spent = Spent

export-choose =
    <b>Export CSV</b>
    Choose what to export (no passwords or other secrets). Telegram takes files up to 50 MB.
export-btn-members = 👥 Members
export-btn-ledger = 🪙 Points ledger
export-done = ✅ {$what}: {$rows} rows
export-name-members = Members
export-name-ledger = Points ledger
error-export-unknown = No such export.
error-export-too-large = The export is too large ({$rows} rows, about {$megabytes} MB): Telegram takes files up to 50 MB.
stats-orders =
    <b>Orders</b>
    Paid: {$orders} (7 days {$orders_7} · 30 days {$orders_30})
    Revenue: {$revenue_money} (30 days {$revenue_30_money}), after refunds
    Average order (30 days): {$average_30_money}
    Refunds (30 days): {$refunds_30}, {$refunded_30_money}
stats-chart-revenue = Revenue per day (last {$days} days)
stats-series-revenue = Revenue
export-btn-orders = 📦 Orders
export-name-orders = Orders
