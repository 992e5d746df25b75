## 订单（PRODUCT.md 4）：/shop 商城、/cart 购物车、结算、支付、/orders 我的订单
cmd-shop = 商城
cmd-cart = 购物车
cmd-orders = 我的订单
btn-shop = 🛍 商城
btn-orders = 📦 我的订单

shop-title = <b>商城</b>（第 {$page}/{$pages} 页）
shop-empty = 商城暂时没有商品，请稍后再来。
shop-line = • <b>{$name}</b> · {$price} · {$stock}
shop-stock = 库存 {$count}
shop-sold-out = 已售罄
shop-product =
    <b>{$name}</b>
    {$description}

    价格：{$price}
    {$stock}
shop-btn-add = ➕ 加入购物车
shop-btn-cart = 🛒 购物车（{$count}）
shop-btn-cart-plain = 🛒 购物车
shop-btn-list = ⬅️ 返回商品列表
shop-added = 已加入购物车（此商品共 {$count} 件）

cart-title = <b>购物车</b>（共 {$count} 件）
cart-empty = 购物车是空的，去商城逛逛吧。
cart-line = {$name} × {$quantity} · {$price} = <b>{$amount}</b>
cart-more = …… 另有 {$count} 种商品
cart-total = 合计：<b>{$total}</b>
cart-btn-checkout = ✅ 去结算
cart-btn-shop = 🛍 继续购物

checkout-title = <b>确认订单</b>
checkout-subtotal = 商品金额：{$amount}
checkout-coupon-line = 优惠券 {$code}：-{$amount}
checkout-points-line = 积分抵扣 {$points}：-{$amount}
checkout-total = 应付：<b>{$amount}</b>
checkout-choose-coupon = 请选择优惠券（按优惠金额从高到低）：
checkout-no-coupons = 没有适用于此订单的优惠券。
checkout-btn-coupon = 🎟 {$name}（-{$amount}）
checkout-btn-no-coupon = 不使用优惠券
checkout-choose-points = 您有 {$available} 可用积分，本单最多可用 {$most} 积分。是否使用积分抵扣？
checkout-btn-no-points = 不使用积分
checkout-btn-max-points = 使用 {$points} 积分（-{$amount}）
checkout-btn-type-points = ⌨️ 输入积分数量
checkout-type-points = 请输入要使用的积分数量（整数）：
checkout-points-not-number = 请输入一个整数，例如 500。
checkout-btn-pay = 💳 支付 {$amount}
checkout-btn-change = ✏️ 重新选择
checkout-cancelled = 已取消结算，购物车中的商品仍然保留。

order-invoice-title = 订单 {$number}
order-invoice-label = 订单 {$number}
order-placed = 订单 <b>{$number}</b> 已创建，请在 {$until} 前完成支付，逾期订单将自动取消。
order-paid = ✅ 支付成功，感谢您的购买！订单 <b>{$number}</b> 已付款，本单获得 {$points} 积分（确认收货且退货期结束后可用）。
order-paid-late = 已收到订单 {$number} 的付款，但该订单已取消或过期。我们的工作人员会尽快为您退款。
order-status-changed = 📦 订单 <b>{$number}</b> 状态更新：{$status}

order-status-pending_payment = 待支付
order-status-paid = 已付款
order-status-shipped = 已发货
order-status-delivered = 已送达
order-status-completed = 已完成
order-status-cancelled = 已取消
order-status-expired = 已过期
order-status-refunded = 已退款
order-status-partially_refunded = 部分退款

orders-title = <b>我的订单</b>（第 {$page}/{$pages} 页）
orders-empty = 您还没有订单。
orders-line = {$number} · {$status} · {$total} · {$date}
orders-detail = <b>订单 {$number}</b> · {$status}
orders-points-earned = 本单获得积分：{$points}
orders-pay-until = 请在 {$until} 前支付
orders-tracking = 物流单号：{$tracking}
orders-history = <b>状态记录</b>
orders-event = {$at} · {$status}
orders-btn-show = 📦 查看订单
orders-btn-pay = 💳 去支付
orders-btn-cancel = ❌ 取消订单
orders-btn-confirm-cancel = 确认取消
orders-btn-list = ⬅️ 返回订单列表
orders-cancel-confirm = 确定要取消订单 <b>{$number}</b> 吗？库存、优惠券和积分将退回。
orders-cancelled = 订单已取消

error-cart-empty = 购物车是空的。
error-cart-line-not-found = 购物车中没有这件商品。
error-cart-quantity-limit = 这件商品最多只能购买 {$limit} 件。
error-product-not-found = 找不到这件商品，它可能已下架。
error-product-sold-out = 这件商品已售罄。
error-product-invalid = 商品信息不完整。
error-order-out-of-stock = 「{$name_zh}」库存不足，请调整购物车后再试。
error-order-total-changed = 订单金额已变化，请重新确认。
error-order-points-negative = 积分数量不能为负数。
error-order-points-too-many = 本单最多可用 {$most} 积分。
error-order-not-found = 找不到这个订单。
error-order-not-payable = 这个订单现在无法支付。
error-order-illegal-transition = 订单当前状态不允许此操作。
error-payments-unavailable = 商城暂未开通支付，请稍后再试。
error-payment-invalid = 无法识别这张账单，请在“我的订单”中重新发起支付。
error-payment-order-closed = 该订单已关闭，无法支付。
error-payment-order-expired = 该订单已超过支付期限，请重新下单。
error-payment-amount-changed = 支付金额与订单不符，请重新发起支付。
error-payment-coupon-gone = 订单使用的优惠券已失效，请重新下单。
error-payment-points-gone = 订单使用的积分已失效，请重新下单。
error-payment-check-failed = 暂时无法确认订单，请稍后再试。
