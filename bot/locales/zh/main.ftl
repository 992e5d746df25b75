## 通用按钮与取值
btn-back = ⬅️ 返回
btn-cancel = ✖️ 取消
btn-skip = 跳过 ➡️
btn-accept = ✅ 同意并继续
btn-decline = 暂不加入
btn-yes = 是，我愿意
btn-no = 不用了
btn-confirm = ✅ 确认注册
btn-edit = ✏️ 修改某项
btn-home = 🏠 主菜单
btn-register = 📝 加入会员
btn-login = 🔑 登录
btn-language = 🌐 语言
btn-help = ❓ 帮助
btn-profile = 👤 个人资料
btn-card = 💳 会员卡
btn-share-phone = 📱 分享我的手机号
btn-marketing-on = 🔔 订阅优惠消息
btn-marketing-off = 🔕 退订优惠消息
phone-placeholder = 或直接输入手机号
value-none = 未填写
value-yes = 是
value-no = 否
button-expired = 这个按钮已失效，请使用最新的消息。
flood-slow-down = 您操作得太快了，请稍等几秒再试。
use-buttons = 请点击上方的按钮进行选择。
dialog-command-blocked = 您正在填写信息。请先完成，或发送 /cancel 退出。

## 开始与主菜单
start-guest =
    👋 您好 {$name}，欢迎来到会员中心！

    注册成为会员即可领取积分，享受会员专属优惠。已有商城账号？点击“登录”绑定。
start-member =
    👋 您好 <b>{$name}</b>！
    会员号：<code>{$member_no}</code>
    可用积分：<b>{$points}</b>

    请选择：
help =
    <b>会员中心帮助</b>

    /start — 主菜单
    /points — 积分、等级与明细
    /checkin — 每日签到
    /profile — 个人资料
    /card — 会员卡
    /language — 切换语言
    /password — 修改密码
    /logout — 解除绑定
    /cancel — 退出当前操作
cancel-nothing = 当前没有进行中的操作。
cancelled = 已取消。
need-account = 请先注册或登录会员账号。
unknown-command = 没有这个命令。发送 /help 查看可用命令。
not-understood = 抱歉，我没看懂。

## 注册
reg-ask-username = 请设置<b>用户名</b>（3-20 位，只能用英文字母、数字和下划线）。
reg-ask-password = 请设置<b>密码</b>（8-64 位，不能全是数字，不能与用户名相同）。为了安全，您发送的密码消息会被立即删除。
reg-ask-email = 请输入您的<b>电子邮箱</b>。
reg-ask-phone = 请点击下方“分享我的手机号”，或直接输入您的<b>手机号</b>。
reg-ask-address = 请输入<b>收货地址</b>（5-200 字，可跳过）。
reg-ask-birthday = 请输入<b>生日</b>（可跳过），格式 YYYY-MM-DD，例如 1990-05-20。生日当月有惊喜。
reg-ask-privacy = 加入会员前，请阅读<a href="{$url}">隐私政策</a>。同意后即可继续；不同意则不会保存任何信息。
reg-ask-marketing = 是否愿意接收优惠活动消息？（可选，随时可在 /profile 中更改）
reg-choose-field = 要修改哪一项？
reg-summary =
    <b>请确认注册信息</b>

    用户名：{$username}
    邮箱：{$email}
    手机：{$phone}
    地址：{$address}
    生日：{$birthday}
    接收优惠消息：{$marketing}
reg-keyboard-closed = 好的。
reg-phone-saved = ✅ 已记录手机号 {$phone}
reg-cancelled = 已取消加入，没有保存任何信息。
reg-privacy-required = 好的，未加入会员，也没有保存任何信息。您随时可以再点击“加入会员”。
reg-done = 🎉 欢迎加入！您的会员号是 <code>{$member_no}</code>，已赠送 {$points} 积分。
reg-progress = 第 {$n}/{$total} 步
reg-send-text = 请发送文字。
field-username = 用户名
field-password = 密码
field-email = 邮箱
field-phone = 手机号
field-address = 地址
field-birthday = 生日
field-marketing = 优惠消息

## 登录与账号
login-ask-identifier = 请输入您的<b>用户名或邮箱</b>。
login-ask-password = 请输入<b>密码</b>（消息会被立即删除）。
login-done = ✅ 已登录并绑定账号 <b>{$name}</b>。
login-moved-away = ⚠️ 账号 <b>{$name}</b> 刚刚在另一个 Telegram 账号上登录，本聊天已解除绑定。如果不是您本人操作，请点击下方“重新登录”，登录后发送 /password 修改密码。
btn-login-again = 🔑 重新登录
link-done = ✅ 账号 <b>{$name}</b> 已绑定到此 Telegram 账号。
logout-done = 已解除绑定。之后可以随时重新登录。
password-ask-old = 请输入<b>当前密码</b>（消息会被立即删除）。
password-ask-new = 请输入<b>新密码</b>（8-64 位，不能全是数字，不能与用户名相同）。
password-changed = ✅ 密码已修改。

## 个人资料与会员卡
profile =
    <b>个人资料</b>

    会员号：<code>{$member_no}</code>
    用户名：{$username}
    等级：{$tier}
    邮箱：{$email}
    手机：{$phone}
    地址：{$address}
    生日：{$birthday}
    语言：{$language}
    接收优惠消息：{$marketing}
profile-saved = ✅ 已保存。
profile-ask-username = 请输入新的用户名（3-20 位，只能用英文字母、数字和下划线）。
profile-ask-email = 请输入新的邮箱。
profile-ask-phone = 请分享或输入新的手机号。
profile-ask-address = 请输入新的地址（5-200 字）。
profile-ask-birthday = 请输入生日，格式 YYYY-MM-DD。
card-caption = 您的会员卡 · {$member_no}。结账时出示二维码即可。

## 语言
language-pick = 请选择语言 / Choose your language:
language-name-zh = 中文
language-name-en = English
language-set = ✅ 语言已设置为中文。

## 命令菜单
cmd-start = 主菜单
cmd-help = 帮助
cmd-profile = 个人资料
cmd-card = 会员卡
cmd-language = 切换语言
cmd-password = 修改密码
cmd-logout = 解除绑定
cmd-cancel = 退出当前操作

## 错误
error-generic = 抱歉，出了点问题，请稍后再试。
error-already-member = 您已经是会员了。
error-not-member = 请先注册或登录。
error-not-allowed = 无法执行该操作。
error-not-found = 没有找到。
error-username-too-short = 用户名太短：至少 3 个字符。
error-username-too-long = 用户名太长：最多 20 个字符。
error-username-bad-chars = 用户名只能包含英文字母（a-z、A-Z）、数字和下划线。
error-username-taken = 这个用户名已被使用，请换一个。
error-password-too-short = 密码太短：至少 8 个字符。
error-password-too-long = 密码太长：最多 64 个字符。
error-password-all-digits = 密码不能全是数字。
error-password-is-username = 密码不能与用户名相同。
error-email-invalid = 邮箱格式不正确，例如 name@example.com。
error-email-taken = 这个邮箱已被其他会员使用。
error-phone-invalid = 手机号无效，请检查后重新输入（国外号码请带国家代码，如 +44）。
error-phone-taken = 这个手机号已被其他会员使用。
error-phone-not-own = 只能分享您自己的手机号。
error-address-too-short = 地址太短：至少 5 个字。
error-address-too-long = 地址太长：最多 200 个字。
error-birthday-format = 生日格式应为 YYYY-MM-DD，例如 1990-05-20。
error-birthday-range = 生日必须是 1900 年以后、今天以前的日期。
error-birthday-no-such-date = 没有这一天，请检查月份和日期（例如 1990-02-28）。
error-field-unknown = 无法修改这一项。
error-send-text = 请发送文字。
error-link-invalid = 绑定链接无效、已过期或已被使用。
error-account-unavailable = 该账号不可用，请联系客服。
error-login-failed = 用户名或密码错误。
error-locked = 🔒 登录失败次数过多，请 {$minutes} 分钟后再试。
error-slow-down = ⏳ 这个账号最近登录失败较多，为了安全，请 { $seconds ->
        [one] 1 秒
       *[other] { $minutes ->
            [1] {$seconds} 秒
           *[other] {$minutes} 分钟
        }
    }后再试。
error-old-password-wrong = 当前密码不正确，请重新输入。
