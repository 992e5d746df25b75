## /admin → 商品与订单（issue 13）
admin-btn-catalog = 🛍 商品管理
admin-btn-orders = 📦 订单管理

admin-catalog = <b>商品管理</b> · 第 {$page}/{$pages} 页
    点按商品查看或修改。
admin-catalog-empty = <b>商品管理</b>
    还没有商品。
admin-product-line = {$name} · {$price} · 库存 {$stock} · {$state}
admin-product-on = 在售
admin-product-off = 已下架
admin-btn-product-new = ➕ 添加商品
admin-btn-product-on = ▶️ 上架
admin-btn-product-off = ⏸ 下架
admin-product-card =
    🛍 <b>商品 #{$id}</b> · {$state}
    中文名：{$name_zh}
    英文名：{$name_en}
    价格：<b>{$price}</b> · 库存 {$stock}
    分类：{$category} · SKU：{$sku}
    图片：{$photo}
admin-product-photo-yes = ✅
admin-product-photo-no = 无
admin-product-field-price = 💰 价格
admin-product-field-stock = 📦 库存
admin-product-field-name_zh = 中文名
admin-product-field-name_en = 英文名
admin-product-field-category = 分类
admin-product-field-sku = SKU
admin-product-field-photo = 🖼 图片
admin-product-saved = 已保存。
admin-product-new = <b>添加商品</b>
admin-product-created = ✅ 商品已添加。
admin-product-ask-name-zh = 请输入商品的中文名称。
admin-product-ask-name-en = 请输入商品的英文名称。
admin-product-ask-price = 请输入价格（{$currency}），例如 12.50。
admin-product-ask-stock = 请输入库存数量（整数）。
admin-product-ask-category = 请输入分类（简短的词，例如 tea）。
admin-product-ask-sku = 请输入 SKU（库存编码），或点“跳过”。
admin-product-ask-photo = 请发送商品图片（以图片形式，而非文件），或点“跳过”。
admin-product-photo-expected = 请以图片形式发送（而非文件）。

error-admin-product-price = 请输入价格，例如 12.50（小数位不超过货币精度，不能为负）。
error-admin-product-stock = 请输入 0 到 {$max} 之间的整数。
error-admin-product-name-zh = 请输入 1 到 {$max} 个字符的名称（一行）。
error-admin-product-name-en = 请输入 1 到 {$max} 个字符的名称（一行）。
error-admin-product-category = 请输入 1 到 {$max} 个字符的分类（一行）。
error-admin-product-sku = 请输入 1 到 {$max} 个字符的 SKU（一行）。
error-admin-product-sku-taken = 已有其他商品使用该 SKU。
error-admin-product-field = 此处不能修改该项。

admin-orders = <b>订单管理</b> · {$filter} · 第 {$page}/{$pages} 页
admin-orders-all = 全部
admin-orders-empty = 这里没有订单。
admin-order-line = {$number} · {$status} · {$total} · {$at}
admin-btn-order-find = 🔎 查找订单
admin-order-find-ask = 请发送订单号，例如 O00000012。
admin-order-detail =
    🧾 <b>{$number}</b> · 会员 {$member} · {$status}
    下单时间 {$at}
    小计 {$subtotal} · 优惠券 −{$coupon} · 积分 {$points} −{$points_off}
    实付 <b>{$total}</b> · 已退款 {$refunded} · 获得积分 {$earned}
    支付：{$payment} · 物流单号：{$tracking}
admin-order-no-payment = 无
admin-order-item = • {$name} × {$quantity} @ {$price}（已退 {$refunded}）
admin-order-more = …… 另有 {$count} 项商品
admin-order-history = <b>状态记录</b>
admin-order-event = {$at} · {$status} · {$actor}
admin-order-refunds = <b>退款记录</b>
admin-order-refund = #{$id} · {$amount} · {$kind} · {$state} · 积分 −{$revoked} / +{$returned}
admin-order-refund-full = 整单
admin-order-refund-part = 部分
admin-btn-order-ship = 🚚 发货
admin-btn-order-ship-now = 🚚 无单号发货
admin-btn-order-deliver = 📬 已送达
admin-btn-order-complete = ✅ 完成
admin-btn-order-refund = 💸 退款
admin-order-tracking-ask = 请输入物流单号，或选择无单号发货。
admin-order-moved = 订单状态已更新为：{$status}。系统会通知会员。

admin-refund-how = 整单退款，还是选择商品和数量？
admin-btn-refund-full = 退还剩余全部
admin-btn-refund-pick = 选择商品
admin-refund-pick = <b>退款 {$number}</b>：点按商品每次加一件（超过可退数量后归零）。
admin-refund-line = {$name}：{$chosen}/{$left}
admin-btn-refund-review = ➡️ 确认金额
admin-refund-none-chosen = 请先至少选择一件商品。
admin-refund-confirm = 确认为订单 {$number} 退款 <b>{$amount}</b>（{$scope}）吗？积分和优惠券将相应恢复，并通知会员。
admin-refund-scope-full = 剩余全部
admin-refund-scope-part = 所选商品
admin-refund-done = ✅ 已退款 {$amount}。
admin-refund-awaiting = ⏳ {$amount} 超过审批额度：申请 #{$id} 等待另一位管理员或店主审批。
admin-approval-kind-order-refund_direct = 退款（订单）

error-admin-order-status = 未知的订单状态。
error-admin-order-number = 这不是订单号，订单号形如 O00000012。
error-admin-order-tracking = 物流单号为一行，最多 {$max} 个字符。
