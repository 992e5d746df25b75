## 售后：退款/退货申请、评价、员工审核

aftersale-btn-request = ↩️ 申请退款/退货
aftersale-btn-review = ⭐ 评价订单
aftersale-choose-kind = 订单 <b>{$number}</b>：您想申请哪一种？
aftersale-btn-kind-refund = 仅退款
aftersale-btn-kind-return = 退货退款
aftersale-choose-scope = 退整单，还是只退部分商品？
aftersale-btn-whole = 整单
aftersale-btn-pick = 选择商品
aftersale-pick-lines = 请点选要退的商品（再点一次取消），选好后点「完成」。
aftersale-btn-picked = ✅ 完成
aftersale-pick-none = 请至少选择一件商品。
aftersale-choose-reason = 请选择原因：
return-reason-damaged = 商品损坏
return-reason-wrong_item = 发错商品
return-reason-not_as_described = 与描述不符
return-reason-late = 发货/送达太慢
return-reason-changed_mind = 不想要了
return-reason-other = 其他原因
aftersale-ask-text = 请简单描述一下情况（可跳过）：
aftersale-ask-photos = 可以发送最多 {$max} 张照片，发完后点「完成」；没有照片也可以直接点「完成」。
aftersale-photo-received = 已收到第 {$count} 张照片（最多 {$max} 张）。还可以继续发送，或点「完成」。
aftersale-photos-full = 已收到 {$max} 张照片，这是上限。请点「完成」。
aftersale-send-photo-or-done = 请发送照片，或点「完成」继续。
aftersale-btn-skip = 跳过
aftersale-btn-done = 完成
aftersale-confirm = 请确认您的申请：
    订单：<b>{$number}</b>
    类型：{$kind}
    范围：{$scope}
    原因：{$reason}
    说明：{$details}
    照片：{$photos} 张
aftersale-scope-whole = 整单
aftersale-none = 无
aftersale-btn-submit = 提交申请
aftersale-submitted = 已提交订单 <b>{$number}</b> 的{$kind}申请。审核结果会第一时间通知您。
aftersale-cancelled = 已取消申请，订单不受影响。
aftersale-request-status = 售后申请：{$kind} · {$status}
aftersale-request-status-open = 审核中
aftersale-request-status-approved = 已同意
aftersale-request-status-rejected = 已拒绝
aftersale-request-rejected-reason = 拒绝原因：{$reason}
aftersale-approved = ✅ 您对订单 <b>{$number}</b> 的{$kind}申请已通过，退款 {$amount} 将原路退回。
aftersale-approved-points = 积分：退回抵扣的 {$returned} 积分，扣回本单获得的 {$revoked} 积分。
aftersale-rejected = 您对订单 <b>{$number}</b> 的{$kind}申请未通过。
    原因：{$reason}
    如有疑问，可再次申请或联系客服。

review-choose-stars = 订单 <b>{$number}</b> 的购物体验如何？请打分：
review-ask-text = 您给了 {$stars}。愿意再写几句评价吗？（可跳过）
review-thanks = 感谢您的评价！
review-thanks-points = 感谢您的评价！已为您发放 {$points} 积分。
review-yours = 您的评价：{$stars}

error-return-window-closed = 这个订单已超过售后期限，无法申请。
error-return-not-delivered = 订单尚未送达，只能申请仅退款。
error-return-already-open = 这个订单已有一个正在审核的申请，请等待结果。
error-return-already-decided = 这个申请已经处理过了。
error-return-not-found = 找不到这个申请。
error-return-invalid = 申请内容无效，请重新填写。
error-return-lines-invalid = 所选商品无效，请重新选择。
error-return-text-too-long = 说明太长了，最多 {$max} 个字。
error-return-too-many-photos = 最多只能上传 {$max} 张照片。
error-return-reject-reason = 请写明拒绝原因（最多 {$max} 个字）。
error-review-stars = 请选择 1 到 5 颗星。
error-review-text-too-long = 评价太长了，最多 {$max} 个字。
error-review-not-completed = 订单完成后才能评价。
error-review-exists = 这个订单已经评价过了。
error-refund-not-refundable = 这个订单当前不能退款。
error-refund-lines-invalid = 退款的商品或数量无效。
error-refund-too-much = 退款金额超过了订单可退金额。
error-refund-stars-whole-only = Telegram Stars 支付的订单只能整单退款。

staff-returns-title = 待审核的售后申请（第 {$page}/{$pages} 页，最早的在前）
staff-returns-empty = 目前没有待审核的售后申请。
staff-returns-line = {$number} · {$kind} · {$reason} · {$at}
staff-return-detail = 售后申请 #{$id}
    订单：<b>{$number}</b>（{$status}）· 会员 {$member}
    类型：{$kind} · 原因：{$reason}
    金额：实付 {$total}，已退 {$refunded}
    申请时间：{$at}
    说明：{$details}
    范围：{$scope}
    照片：{$photos} 张
staff-return-btn-photos = 🖼 查看照片
staff-return-btn-approve = ✅ 同意并退款
staff-return-btn-reject = ❌ 拒绝
staff-return-btn-queue = ⬅️ 返回列表
staff-return-confirm-approve = 确认同意申请 #{$id} 并为订单 <b>{$number}</b> 退款吗？此操作无法撤销。
staff-return-btn-confirm = 确认退款
staff-return-ask-reason = 请输入拒绝申请 #{$id} 的原因（会转告会员）：
staff-return-approved = 已同意申请 #{$id}，已退款 {$amount}，订单状态：{$status}。
staff-return-rejected = 已拒绝申请 #{$id}，已通知会员。
staff-return-no-photos = 这个申请没有照片。
staff-return-decided = 这个申请已经处理过了。
staff-return-awaiting-approval = 申请 #{$id} 的退款金额超过了需双人审批的额度，已提交审批请求 #{$approval}，需另一位管理员或店主批准后才会退款。
