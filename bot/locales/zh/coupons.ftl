## 优惠券（PRODUCT.md 3）：/coupons 券包、领券中心、积分兑换、输入券码
cmd-coupons = 我的优惠券
btn-coupons = 🎟 优惠券
btn-page-prev = ⬅️ 上一页
btn-page-next = 下一页 ➡️

coupons-benefit-amount = 减 {$amount}
coupons-benefit-percent = {$percent}% 优惠
coupons-benefit-cap = ，最多减 {$cap}
coupons-benefit-shipping = 免运费
coupons-benefit-min = 满 {$min} {$benefit}

coupons-line =
    🎟 <b>{$name}</b> · {$benefit}
    有效期：{$start} 至 {$end} · {$status}
    券码：<code>{$code}</code>
coupons-status-available = 可用
coupons-status-soon = ⏰ 即将过期
coupons-status-locked = 🔒 订单占用中
coupons-status-used = 已使用
coupons-status-expired = 已过期
coupons-status-revoked = 已作废

coupons-wallet = <b>我的优惠券</b>（可用 {$count} 张）
coupons-wallet-empty = 您还没有可用的优惠券，去领券中心看看吧。
coupons-detail = <b>优惠券详情</b>
coupons-past = <b>已使用 / 已过期</b>（第 {$page}/{$pages} 页）
coupons-past-empty = 暂无记录。
coupons-btn-centre = 🎁 领券中心
coupons-btn-code = ⌨️ 输入券码
coupons-btn-past = 📜 已使用 / 已过期（{$count}）
coupons-btn-wallet = 🎟 我的优惠券

coupons-centre = <b>领券中心</b>
coupons-centre-empty = 暂时没有可领取的优惠券，请稍后再来。
coupons-offer =
    🎁 <b>{$name}</b> · {$benefit}
    {$left} · {$price} · 您已领 {$mine}/{$limit}
coupons-left = 剩余 {$count} 张
coupons-left-unlimited = 不限量
coupons-price = {$points} 积分兑换
coupons-price-free = 免费领取
coupons-btn-claim = 领取：{$name}
coupons-btn-redeem = {$points} 积分兑换：{$name}
coupons-claimed-toast = 🎉 领取成功！
coupons-claimed = 🎉 领取成功，已放入您的券包：

coupons-redeem-confirm =
    确认用 <b>{$points}</b> 积分兑换「{$name}」吗？
    您当前可用积分：{$balance}
coupons-btn-confirm = ✅ 确认兑换
coupons-redeemed = ✅ 兑换成功，已使用 {$points} 积分：
coupons-redeem-cancelled = 已取消兑换，您的积分没有变化。

coupons-code-ask = 请输入您的券码（不区分大小写，空格和横线可忽略）：
coupons-code-again = 请重新输入券码，或点“取消”。
coupons-code-added = 🎉 券码有效，优惠券已放入您的券包：
coupons-code-send-text = 请以文字形式发送券码。

error-coupon-sold-out = 很抱歉，这张优惠券已经被领完了。
error-coupon-limit-reached = 您已达到这张优惠券的领取上限（每人 {$limit} 张）。
error-coupon-not-claimable = 这张优惠券不能领取。
error-coupon-paused = 这个活动已暂停，请稍后再来。
error-coupon-ended = 这个活动已经结束。
error-coupon-tier-required = 您的会员等级暂时不能领取这张优惠券。
error-coupon-code-unknown = 没有找到这个券码，请检查后重试。
error-coupon-code-used = 您已经使用过这个券码了。
error-coupon-code-expired = 这个券码已过期。
error-coupon-code-invalid = 券码只能包含字母和数字（最多 {$max} 位）。
error-coupon-not-found = 没有找到这张优惠券。
error-coupon-not-usable = 这张优惠券现在不能使用。
error-coupon-not-revocable = 这张优惠券不能作废。
error-coupon-campaign-invalid = 活动设置不完整或有误。
error-coupon-campaign-exists = 已有同名活动代码。
error-coupon-redeem-code-exists = 这个券码已被其他活动使用。
error-coupon-campaign-not-found = 没有找到这个活动。

coupons-btn-gift = 🎁 赠送给好友
coupons-btn-ungift = ↩️ 收回
coupons-gift-link =
    请把下面的链接发给好友，第一位打开链接的会员将收到这张优惠券：
    {$link}
    在好友领取之前，您可以随时收回。
coupons-gift-taken-back = 已收回，链接失效，优惠券仍在您的券包中。
coupons-gift-join-first = 🎁 有人送了您一张优惠券。请先加入会员（只需同意隐私政策并分享手机号），加入后优惠券会自动放进您的卡包。
coupons-gift-received = 🎁 您收到了一张好友赠送的优惠券：
error-coupon-gift-not-allowed = 这张优惠券不能赠送（活动不允许，或是别人赠送给您的）。
error-coupon-gift-unknown = 这个赠送链接无效。
error-coupon-gift-own = 这是您自己赠送的优惠券，请把链接发给好友。
error-coupon-gift-gone = 这张优惠券已被领取或已收回。
coupons-expiry-nudge = ⏰ 您的优惠券「{$name}」将于 {$date} 到期（券码 <code>{$code}</code>），别忘了使用哦。
