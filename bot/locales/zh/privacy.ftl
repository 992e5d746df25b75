## 个人数据权利（PRODUCT.md 1.4）：/mydata、/delete_account、/unsubscribe、/subscribe
cmd-mydata = 下载我的数据
cmd-unsubscribe = 退订优惠消息
cmd-subscribe = 订阅优惠消息
cmd-delete_account = 注销账号

mydata-caption =
    📦 这是我们为会员 <code>{$member_no}</code> 保存的全部数据（JSON 文件，共 {$rows} 条记录）。
    密码只显示“是否已设置”，不会导出。
error-mydata-too-soon = 您刚刚下载过数据，请 {$seconds} 秒后再试。

delete-ask-first =
    ⚠️ <b>注销账号</b>（会员号 <code>{$member_no}</code>）

    注销后：
    • 您的手机号、邮箱、用户名、地址、生日等个人信息将被清除；
    • 剩余 {$points} 积分和未使用的优惠券将作废；
    • 本 Telegram 账号将解除绑定；
    • 订单与积分流水仅以匿名形式保留，用于财务核对。
    注销<b>无法撤销</b>。如需保留一份数据，请先发送 /mydata。
delete-ask-second =
    ❗️ <b>最后确认</b>

    点击“永久注销”后，账号将立即注销，且无法恢复。您以后仍可重新加入，但会获得新的会员号。
btn-delete-continue = 继续注销
btn-delete-confirm = 🗑 永久注销
delete-done =
    ✅ 账号 <code>{$member_no}</code> 已注销，您的个人信息已清除。
    感谢您一直以来的支持。如需再次加入，请点击下方按钮。
delete-cancelled = 已取消，您的账号保持不变。

marketing-off = 🔕 已退订优惠消息，立即生效。想再次接收时，发送 /subscribe 即可。
marketing-off-already = 您目前没有订阅优惠消息。想接收时，发送 /subscribe 即可。
marketing-on = 🔔 已订阅优惠消息，立即生效。随时发送 /unsubscribe 即可退订。
marketing-on-already = 您已经订阅了优惠消息。随时发送 /unsubscribe 即可退订。
btn-unsubscribe = 🔕 退订此类消息
unsubscribe-toast = 已退订优惠消息，立即生效。发送 /subscribe 可重新订阅。

btn-privacy = 🔒 隐私与数据
btn-mydata = 📦 下载我的数据
btn-delete-account = 🗑 注销账号
privacy-screen =
    🔒 <b>隐私与数据</b>

    接收优惠消息：{$marketing}（发送 /unsubscribe 退订，/subscribe 订阅）
    • 下载我的数据：获取我们保存的关于您的全部信息（JSON 文件），也可发送 /mydata。
    • 注销账号：清除您的个人信息，需确认两次，无法撤销，也可发送 /delete_account。
