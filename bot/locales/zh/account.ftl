## 商城网站密码与完善资料
btn-website-login = 🔐 设置商城网站密码
btn-complete-profile = { $points ->
    [0] 📋 完善资料
   *[other] 📋 完善资料（送 {$points} 积分）
}
website-ask-username = 在商城网站登录需要<b>用户名</b>和<b>密码</b>。请先设置用户名（3-20 位，只能用英文字母、数字和下划线）。
website-ask-password = 请设置<b>密码</b>（8-64 位，不能全是数字，不能与用户名相同）。为了安全，您发送的密码消息会被立即删除。
website-done = ✅ 已设置商城网站的登录账号：用户名 <b>{$name}</b>。
card-progress = 完善资料 {$n}/{$total}
card-ask-email = 请输入您的<b>电子邮箱</b>。
card-ask-address = 请输入<b>收货地址</b>（5-200 字）。
card-ask-birthday = 请输入<b>生日</b>，格式 YYYY-MM-DD，例如 1990-05-20。生日当月有惊喜。
card-rewarded = 🎉 资料已完善，已赠送您 {$points} 积分！
error-password-already-set = 您已经设置过商城网站密码，如需修改请发送 /password。
card-title = 会员卡
card-points = 可用积分 {$points}
